"""Frozen copy of the Markdown renderer (`calcinosis.markup.render_markdown`) as of calcinosis migration 0006. Never
edit it.

The migrations that added the stored `<field>_html` columns fill them for the rows that existed, with the rules of
that day; rows saved later are rendered by the live model's save(), and `manage.py render_markdown` re-renders every
stored row when the rules change. Used by calcinosis 0006, cases 0007 and quizzes 0009.
"""

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


def render_rows(apps, app_label: str, model_name: str, fields: tuple[str, ...]) -> None:
    """Fill `<field>_html` for every row of a historical model."""
    model = apps.get_model(app_label, model_name)
    rows = list(model.objects.all())
    for row in rows:
        for name in fields:
            setattr(row, f"{name}_html", render_markdown(getattr(row, name)))
    model.objects.bulk_update(rows, [f"{name}_html" for name in fields], batch_size=200)
