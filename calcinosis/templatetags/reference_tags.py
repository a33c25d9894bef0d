from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from calcinosis import bodyfigure
from calcinosis.selectors import Distribution

register = template.Library()


@register.simple_tag
def distribution_figure(distribution: Distribution, prefix: str = "") -> SafeString:
    """The body figure with this distribution's typical and recognised sites shaded; the table beside it says
    the same in words."""
    typical = ", ".join(g.site.name.lower() for g in distribution.typical) or "none"
    recognised = ", ".join(g.site.name.lower() for g in distribution.recognised) or "none"
    return bodyfigure.figure_svg(
        marks=distribution.marks,
        title=f"Where {distribution.subject.name.lower()} puts calcium deposits",
        desc=f"Typical sites: {typical}. Also recognised: {recognised}.",
        id_prefix=f"{prefix}{distribution.key}",
        include_defs=False,
        shared_outline=True,
    )


@register.simple_tag
def body_figure_defs() -> SafeString:
    """The figures' fill patterns and shared outline, once per page (ids are unique), in an SVG that takes no room."""
    return format_html(
        '<svg class="bf-defs" aria-hidden="true" focusable="false">{}</svg>', bodyfigure.shared_defs_svg()
    )


@register.simple_tag
def body_figure_swatch(classes: str) -> SafeString:
    return bodyfigure.swatch_svg(classes)
