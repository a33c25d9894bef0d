"""The body map: a schematic front and back figure whose regions are the BodySite rows.

Each region is drawn from the shapes below (SVG in a 320 x 420 box, front figure on the left, back on the
right). The figure is a pointing aid only; every region is also a labelled checkbox, so keyboard and
screen-reader users answer the same question.
"""

from django.utils.html import format_html, format_html_join

# region id -> shapes: ("ellipse", cx, cy, rx, ry) or ("rect", x, y, width, height); mirrored pairs listed twice.
SHAPES: dict[str, list[tuple]] = {
    "region-face": [("ellipse", 80, 34, 20, 25)],
    "region-shoulders": [("ellipse", 46, 84, 15, 11), ("ellipse", 114, 84, 15, 11)],
    "region-elbows": [("ellipse", 30, 146, 10, 10), ("ellipse", 130, 146, 10, 10)],
    "region-forearms": [("rect", 21, 158, 17, 44), ("rect", 122, 158, 17, 44)],
    "region-hands": [("ellipse", 28, 216, 11, 12), ("ellipse", 132, 216, 11, 12)],
    "region-fingers": [("rect", 20, 229, 16, 20), ("rect", 124, 229, 16, 20)],
    "region-abdomen": [("rect", 58, 118, 44, 52)],
    "region-hips": [("ellipse", 55, 182, 11, 12), ("ellipse", 105, 182, 11, 12)],
    "region-scrotum": [("ellipse", 80, 204, 8, 8)],
    "region-thighs": [("rect", 57, 200, 17, 68), ("rect", 86, 200, 17, 68)],
    "region-knees": [("ellipse", 65, 280, 10, 10), ("ellipse", 95, 280, 10, 10)],
    "region-lower-legs": [("rect", 57, 292, 16, 72), ("rect", 87, 292, 16, 72)],
    "region-feet": [("ellipse", 64, 378, 12, 7), ("ellipse", 96, 378, 12, 7)],
    "region-buttocks": [("ellipse", 228, 186, 18, 15), ("ellipse", 252, 186, 18, 15)],
}

# The figures' outlines, drawn under the regions.
SILHOUETTE = [
    ("ellipse", 80, 34, 22, 27),
    ("rect", 72, 58, 16, 12),
    ("rect", 40, 70, 80, 110),
    ("rect", 18, 80, 22, 150),
    ("rect", 120, 80, 22, 150),
    ("rect", 54, 178, 52, 200),
    ("ellipse", 240, 34, 22, 27),
    ("rect", 232, 58, 16, 12),
    ("rect", 200, 70, 80, 110),
    ("rect", 178, 80, 22, 150),
    ("rect", 280, 80, 22, 150),
    ("rect", 214, 178, 52, 200),
]


def shape_svg(shape: tuple) -> str:
    kind, *numbers = shape
    if kind == "ellipse":
        return format_html('<ellipse cx="{}" cy="{}" rx="{}" ry="{}"/>', *numbers)
    return format_html('<rect x="{}" y="{}" width="{}" height="{}" rx="4"/>', *numbers)


def silhouette_svg() -> str:
    return format_html_join("", "{}", ((shape_svg(s),) for s in SILHOUETTE))


def regions(options, chosen: set[int], show_feedback: bool) -> list[dict]:
    """One entry per option that has a body site: its shapes and, after the answer, how it fared."""
    entries = []
    for option in options:
        if option.site_id is None or option.site.region not in SHAPES:
            continue
        status = ""
        if option.pk in chosen:
            status = "is-chosen"
        if show_feedback:
            if option.is_correct:
                status = "is-correct" if option.pk in chosen else "is-missed"
            elif option.pk in chosen:
                status = "is-wrong"
        svg = format_html_join("", "{}", ((shape_svg(s),) for s in SHAPES[option.site.region]))
        entries.append({"option": option, "region": option.site.region, "status": status, "svg": svg})
    return entries
