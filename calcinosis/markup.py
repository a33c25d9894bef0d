"""Markdown written by instructors, turned into HTML that cannot carry script to a learner."""

import html
import re
from typing import ClassVar

import markdown
import nh3
from django.db import models

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_HEADING_ATTRS = {"id"}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": _HEADING_ATTRS,
    "h3": _HEADING_ATTRS,
    "h4": _HEADING_ATTRS,
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


# Ids the page itself relies on (skip link, htmx targets, live regions); authored text may not take them.
RESERVED_IDS = frozenset({"main", "main-nav", "quiz-status", "case-stages", "calc-result"})
# A question's card and its parts are named by the question's position: question-card-3, feedback-3.
RESERVED_ID_PATTERN = re.compile(r"(question-card|question-heading|feedback)-\d+")


# Images may show only the site's own question images (quizzes.models.QuestionImage, served to who may see the
# question): never a file elsewhere, which would tell another site who reads what, nor a data: or javascript: URI.
QUESTION_IMAGES = "/media/questions/"
# A path of plain segments after that prefix, so that no "." or ".." segment can point elsewhere.
_IMAGE_PATH = r"(?:[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*/)*[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*"
_IMG = re.compile(r"<img\b[^>]*>")
_ALT = re.compile(r'\salt="([^"]*)"')


def _attribute_filter(images_from: str):
    image_src = re.compile(re.escape(images_from) + _IMAGE_PATH)

    def keep(element: str, attribute: str, value: str) -> str | None:
        if attribute == "id" and (value in RESERVED_IDS or RESERVED_ID_PATTERN.fullmatch(value)):
            return None
        if element == "img" and attribute == "src" and not image_src.fullmatch(value):
            return None
        return value

    return keep


def _finish_image(match: re.Match) -> str:
    """An image whose source was refused leaves its description as text; one kept fits the width of the screen."""
    tag = match[0]
    if ' src="' not in tag:
        alt = _ALT.search(tag)
        return alt[1] if alt else ""
    return tag.replace("<img ", '<img class="img-fluid" ', 1)


def render_markdown(text: str, *, images_from: str = QUESTION_IMAGES) -> str:
    """Markdown to sanitized HTML; headings get ids (the toc extension) so pages can link to them.

    `images_from` is the one place images may come from: the site's question images, or for the Moodle XML export
    the files embedded beside the text (its "@@PLUGINFILE@@/")."""
    html = markdown.markdown(text, extensions=["tables", "toc", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        attribute_filter=_attribute_filter(images_from),
    )
    # Bootstrap styles tables and images by class; added after cleaning so authors cannot set classes.
    clean = _IMG.sub(_finish_image, clean)
    return clean.replace("<table>", '<table class="table table-sm table-bordered">')


_HEADING = re.compile(r'<h([2-4]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def headings(rendered: str) -> dict[str, str]:
    """The linkable headings of rendered Markdown, in page order: {id: text}."""
    return {m[2]: html.unescape(_TAG.sub("", m[3])).strip() for m in _HEADING.finditer(rendered)}


class RendersMarkdown(models.Model):
    """A model whose instructor text is Markdown, rendered once when saved, never per request.

    Each name in `markdown_fields` has a sibling `<name>_html` (a non-editable TextField the model declares) that
    `save()` fills. Writes that skip save() (QuerySet.update, bulk_create) must not touch these fields' sources; a
    change of the sanitiser's rules is applied to stored rows by `manage.py render_markdown`."""

    markdown_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.render_markdown_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            rendered = {f"{name}_html" for name in self.markdown_fields if name in update_fields}
            kwargs["update_fields"] = {*update_fields, *rendered}
        super().save(*args, **kwargs)

    def render_markdown_fields(self) -> None:
        for name in self.markdown_fields:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name)))
