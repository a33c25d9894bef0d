"""The drawn body figure: every region exists, is a fair touch target on a phone, stays in the picture,
does not sit on another region, and the standalone picture is well-formed, labelled SVG."""

import re
import xml.etree.ElementTree as ET

import pytest

from calcinosis import bodyfigure
from calcinosis.bodyfigure import (
    BODY_WINDOWS,
    HAND_WINDOWS,
    LABELS,
    OUTLINE,
    REGIONS,
    VIEWBOX,
    defs_svg,
    figure_svg,
    outline_svg,
    region_shapes_svg,
)

# the body map's sites (BodySite slugs)
SITES = ["face", "fingertips", "fingers", "hands", "wrists", "forearms", "elbows", "shoulders", "abdomen"]
SITES += ["buttocks", "hips", "scrotum", "thighs", "knees", "lower-legs", "feet"]
PHONE_WIDTH = 358  # a 390 px phone less the page's padding
TARGET = 24  # WCAG 2.2 SC 2.5.8, CSS px
SVG = "{http://www.w3.org/2000/svg}"
TOKEN = re.compile(r"[MLCQZ]|-?\d+(?:\.\d+)?")


def _curves(d: str) -> list[list[tuple[float, float]]]:
    """A path's pieces as point lists: a line is two points, a Bezier its control polygon (M/L/C/Q/Z only)."""
    tokens = TOKEN.findall(d)
    assert "".join(tokens) == re.sub(r"[\s,]", "", d), f"unexpected command in {d[:60]}"
    pieces, command, numbers, current, start = [], None, [], None, None

    def flush():
        nonlocal current, start
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        size = {"M": 1, "L": 1, "C": 3, "Q": 2}[command]
        assert pairs and len(pairs) % size == 0, f"bad {command} in {d[:60]}"
        for k in range(0, len(pairs), size):
            chunk = pairs[k : k + size]
            if command == "M" and k == 0:
                current = start = chunk[0]
            else:
                pieces.append([current, *chunk])
                current = chunk[-1]

    for token in tokens:
        if token.isalpha():
            if command and command != "Z":
                flush()
            if token == "Z" and current is not None:
                pieces.append([current, start])
                current = start
            command, numbers = token, []
        else:
            numbers.append(float(token))
    if command and command != "Z":
        flush()
    return pieces


def _point(piece, t):
    n = len(piece) - 1
    coefficients = [1, 1] if n == 1 else [1, 2, 1] if n == 2 else [1, 3, 3, 1]
    terms = [c * (1 - t) ** (n - i) * t**i for i, c in enumerate(coefficients)]
    return (
        sum(w * p[0] for w, p in zip(terms, piece, strict=True)),
        sum(w * p[1] for w, p in zip(terms, piece, strict=True)),
    )


def _outline_points(d: str, steps: int = 8) -> list[tuple[float, float]]:
    return [_point(piece, k / steps) for piece in _curves(d) for k in range(steps)]


def _bbox(d: str) -> tuple[float, float, float, float]:
    points = _outline_points(d)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _inside(point, polygon) -> bool:
    x, y = point
    hit = False
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def test_every_body_map_site_has_a_region():
    assert set(REGIONS) == {f"region-{site}" for site in SITES}
    assert all(REGIONS[region] for region in REGIONS)


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_each_region_offers_a_24_px_target_on_a_phone(region):
    scale = PHONE_WIDTH / VIEWBOX[2]
    sizes = []
    for d in REGIONS[region]:
        x0, y0, x1, y1 = _bbox(d)
        sizes.append(((x1 - x0) * scale, (y1 - y0) * scale))
    assert any(w >= TARGET and h >= TARGET for w, h in sizes), f"{region}: largest {max(sizes)} px"


def test_regions_and_outlines_stay_inside_the_picture():
    _, _, width, height = VIEWBOX
    for name, paths in [*REGIONS.items(), *OUTLINE.items()]:
        for d in paths:
            for piece in _curves(d):
                for x, y in piece:  # control points bound the curve
                    assert 0 <= x <= width and 0 <= y <= height, f"{name} leaves the picture at {x}, {y}"


def test_regions_barely_overlap():
    """A click lands in one region: sample every pair of shapes whose boxes meet on a 1-unit grid."""
    shapes = [(region, _outline_points(d, 4)) for region, paths in REGIONS.items() for d in paths]
    boxes = [
        (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))
        for _, pts in shapes
    ]
    for i, (region_a, a) in enumerate(shapes):
        for j in range(i + 1, len(shapes)):
            region_b, b = shapes[j]
            if region_a == region_b:
                continue
            x0, y0 = max(boxes[i][0], boxes[j][0]), max(boxes[i][1], boxes[j][1])
            x1, y1 = min(boxes[i][2], boxes[j][2]), min(boxes[i][3], boxes[j][3])
            if x0 >= x1 or y0 >= y1:
                continue
            both = sum(
                _inside((x + 0.5, y + 0.5), a) and _inside((x + 0.5, y + 0.5), b)
                for x in range(int(x0), int(x1) + 1)
                for y in range(int(y0), int(y1) + 1)
            )
            assert both <= 2, f"{region_a} and {region_b} overlap by about {both} square units"


def _convex(polygon) -> bool:
    signs = set()
    for k in range(len(polygon)):
        (ax, ay), (bx, by), (cx, cy) = polygon[k - 2], polygon[k - 1], polygon[k]
        cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx)
        if abs(cross) > 1e-9:
            signs.add(cross > 0)
    return len(signs) == 1


def test_every_clipping_window_is_convex():
    """The region builder clips with Sutherland-Hodgman, which is only right for convex windows."""
    windows = [w for view in BODY_WINDOWS.values() for ws in view.values() for w in ws]
    windows += [w for ws in HAND_WINDOWS.values() for w in ws]
    for window in windows:
        assert _convex(window), window


def test_paths_use_absolute_commands_only():
    for paths in [*REGIONS.values(), *OUTLINE.values(), *bodyfigure.DETAILS.values()]:
        for d in paths:
            assert set(re.findall(r"[A-Za-z]", d)) <= set("MLCQZ"), d


def test_region_shapes_are_bare_paths():
    markup = region_shapes_svg("region-elbows")
    root = ET.fromstring(f'<g xmlns="http://www.w3.org/2000/svg">{markup}</g>')
    assert [child.tag for child in root] == [f"{SVG}path"] * len(REGIONS["region-elbows"])
    with pytest.raises(KeyError):
        region_shapes_svg("region-tail")


def test_the_outline_carries_the_view_labels():
    root = ET.fromstring(f'<g xmlns="http://www.w3.org/2000/svg">{outline_svg()}</g>')
    assert [t.text for t in root.iter(f"{SVG}text")] == list(LABELS.values())
    assert all(g.get("aria-hidden") == "true" for g in root.findall(f"{SVG}g"))


def test_the_picture_is_well_formed_labelled_svg_with_the_marks():
    svg = figure_svg(
        marks={"region-fingertips": "typical", "region-elbows": "recognised"},
        title="Where calcinosis sits in <dermatomyositis>",
        desc="Typical: fingertips. Recognised: elbows.",
        id_prefix="dm",
    )
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("viewBox") == " ".join(str(v) for v in VIEWBOX)
    assert root.get("aria-labelledby") == "dm-title dm-desc"
    assert root.find(f"{SVG}title").get("id") == "dm-title"
    assert root.find(f"{SVG}title").text == "Where calcinosis sits in <dermatomyositis>"
    assert root.find(f"{SVG}desc").get("id") == "dm-desc"
    groups = {g.get("data-region"): g.get("class") for g in root.iter(f"{SVG}g") if g.get("data-region")}
    assert set(groups) == set(REGIONS)
    assert groups["region-fingertips"] == "bf-region bf-typical"
    assert groups["region-elbows"] == "bf-region bf-recognised"
    assert groups["region-knees"] == "bf-region"
    assert {p.get("id") for p in root.iter(f"{SVG}pattern")} == {"bf-hatch", "bf-stripes", "bf-dots", "bf-cross"}


def test_a_second_picture_on_the_page_can_leave_the_patterns_out():
    svg = figure_svg(marks={}, title="Unmarked", id_prefix="second", include_defs=False)
    root = ET.fromstring(svg)
    assert root.get("aria-labelledby") == "second-title"
    assert root.find(f"{SVG}desc") is None
    assert not list(root.iter(f"{SVG}pattern"))
    assert ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{defs_svg()}</svg>').find(f"{SVG}defs") is not None


@pytest.mark.parametrize("marks", [{"region-tail": "typical"}, {"region-face": "classic"}])
def test_it_refuses_an_unknown_region_or_mark(marks):
    with pytest.raises(ValueError):
        figure_svg(marks=marks, title="x")


def test_paired_regions_are_mirrored_on_the_body_views():
    """Each body-view shape of a paired region has a twin reflected about its figure's midline."""
    for view, origin in (("front", bodyfigure.FRONT_ORIGIN), ("back", bodyfigure.BACK_ORIGIN)):
        for region in BODY_WINDOWS[view]:
            boxes = [_bbox(d) for d in REGIONS[region]]
            inside = [b for b in boxes if b[3] < bodyfigure.INSET_FRAME[1] and abs(b[0] + b[2] - 2 * origin[0]) < 180]
            mirrored = {(round(2 * origin[0] - b[2], 0), round(b[1], 0)) for b in inside}
            assert mirrored == {(round(b[0], 0), round(b[1], 0)) for b in inside}, (view, region)


def test_figures_can_share_one_outline_per_page():
    shared = str(bodyfigure.figure_svg(marks={}, title="T", include_defs=False, shared_outline=True))
    assert f'<use href="#{bodyfigure.OUTLINE_SYMBOL}"' in shared and str(bodyfigure.outline_svg()) not in shared
    assert len(shared) < len(str(bodyfigure.figure_svg(marks={}, title="T", include_defs=False))) / 2
    defs = str(bodyfigure.shared_defs_svg())
    assert f'<symbol id="{bodyfigure.OUTLINE_SYMBOL}"' in defs and str(bodyfigure.outline_svg()) in defs
