"""Markdown written by instructors, turned into HTML that cannot carry script to a learner."""

import markdown
import nh3

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
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


# Ids the page itself relies on (skip link, htmx targets, live regions); authored text may not take them.
RESERVED_IDS = frozenset({"main", "main-nav", "question-card", "quiz-status", "feedback", "case-stages", "calc-result"})


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and value in RESERVED_IDS:
        return None
    return value


def render_markdown(text: str) -> str:
    """Markdown to sanitized HTML; headings get ids (the toc extension) so pages can link to them."""
    html = markdown.markdown(text, extensions=["tables", "toc", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        attribute_filter=_keep_attribute,
    )
    # Bootstrap styles tables by class; the class is added after cleaning so authors cannot set classes.
    return clean.replace("<table>", '<table class="table table-sm table-bordered">')
