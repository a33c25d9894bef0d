"""The body map: the body figure (calcinosis.bodyfigure) whose regions are a question's body-site options.

The figure is a pointing aid only; every region is also a labelled checkbox, so keyboard and screen-reader users
answer the same question. After the answer each region shows how it fared under the graded key.
"""

from calcinosis import bodyfigure


def regions(options, chosen: set[int], show_feedback: bool) -> list[dict]:
    """One entry per option that has a body site drawn on the figure: its shapes and how it fared."""
    entries = []
    for option in options:
        if option.site_id is None or option.site.region not in bodyfigure.REGIONS:
            continue
        entries.append(
            {
                "option": option,
                "region": option.site.region,
                "status": status(option, chosen, show_feedback),
                "svg": bodyfigure.region_shapes_svg(option.site.region),
            }
        )
    return entries


def status(option, chosen: set[int], show_feedback: bool) -> str:
    """How a region fared: typical chosen or missed, recognised (neutral, chosen or not), or not expected but chosen."""
    picked = option.pk in chosen
    if not show_feedback:
        return "is-chosen" if picked else ""
    if option.is_correct:
        return "is-correct" if picked else "is-missed"
    if option.is_neutral:
        return "is-neutral"
    return "is-wrong" if picked else ""


def figure() -> dict:
    """What the template draws under the regions: the viewBox, shared patterns and the outlines."""
    return {"viewbox": bodyfigure.VIEWBOX_ATTR, "defs": bodyfigure.defs_svg(), "outline": bodyfigure.outline_svg()}
