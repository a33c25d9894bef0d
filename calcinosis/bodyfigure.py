"""A drawn body figure for the body map: front and back outlines, a hand inset, and the regions on them.

Everything here is data plus a little geometry run once at import. The outlines are smooth closed paths
through landmark points (a Catmull-Rom curve written as cubic Beziers). Most regions are the part of an
outline inside a convex window (a band across a limb, a cap over a shoulder), so they follow the body's
edge; the face, abdomen and scrotum are free shapes. Paired regions are mirrored left/right.

Every path uses absolute M/L/C/Z commands only, so a test can measure each region. The hand inset exists
because fingertips, fingers and wrists are too small on the whole-body views to be a fair touch target on a
phone (WCAG 2.2 target size, 24 x 24 CSS px at 358 px wide).

Pictures are pointing aids; the body map keeps a labelled checkbox per region, and a reference figure
says in its <title>/<desc> what it marks.

Use: figure_svg(...) for a read-only picture. An interactive map builds its own
<svg class="bf-figure bf-clickable" viewBox=VIEWBOX_ATTR> from defs_svg(), outline_svg() and, per region,
<g class="bf-region is-...">{region_shapes_svg(region)}</g>. Styles: static/css/bodyfigure.css.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache
from typing import NamedTuple

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

Point = tuple[float, float]

WIDTH, HEIGHT = 360, 790
VIEWBOX = (0, 0, WIDTH, HEIGHT)
VIEWBOX_ATTR = f"0 0 {WIDTH} {HEIGHT}"

LABELS = {"front": "Front", "back": "Back", "hand": "Hand"}

# Where each view's local origin sits in the viewBox. Body views: the top of the head, on the midline.
# Hand inset: the middle of the wrist crease (the hand is drawn pointing up, then turned to point right).
FRONT_ORIGIN: Point = (90, 30)
BACK_ORIGIN: Point = (270, 30)
HAND_ORIGIN: Point = (66, 702)
INSET_FRAME = (6, 562, 354, 784)  # x0, y0, x1, y1 of the hand inset's frame
LABEL_POSITIONS = {"front": (90, 18), "back": (270, 18), "hand": (16, 582)}

# Region ids, in the order the quiz lists them (head to foot, the hand's parts distal to proximal).
REGION_IDS = (
    "region-face",
    "region-shoulders",
    "region-elbows",
    "region-forearms",
    "region-wrists",
    "region-hands",
    "region-fingers",
    "region-fingertips",
    "region-abdomen",
    "region-hips",
    "region-buttocks",
    "region-scrotum",
    "region-thighs",
    "region-knees",
    "region-lower-legs",
    "region-feet",
)

# ---------------------------------------------------------------------------------------------------------
# The body: the right half of the outline (viewer's right), from the top of the head round to the crotch,
# in a local frame with the top of the head at (0, 0) and the soles at y = 521 (about 8 heads tall).
# A third item marks a corner, where the curve may turn sharply.
_CORNER = True
BODY_HALF: list[tuple] = [
    (0, 0),
    (12.5, 2.5),
    (20, 11),
    (23, 24),
    (23.2, 31),
    (25, 33.5),  # ear
    (25.2, 40),
    (22.6, 45.5),
    (20.5, 49),
    (17.5, 55.5),
    (14.6, 60.5, _CORNER),  # the jaw meets the neck
    (13.6, 67),
    (14.2, 75),
    (17.5, 81.5),
    (25, 87),
    (36, 92),
    (47, 96.5),  # acromion
    (57, 102.5),
    (63.5, 113),  # deltoid
    (66, 128),
    (67.5, 148),
    (70, 170),
    (73, 189),  # lateral elbow
    (75.5, 202),
    (77, 216),  # brachioradialis
    (76.5, 232),
    (75.5, 246),
    (76, 257),  # wrist, radial side
    (79.5, 267),  # thenar
    (82.5, 278),
    (82.6, 288),
    (80.6, 293.5),  # thumb tip
    (77.8, 291.5),
    (77.2, 284, _CORNER),  # web between thumb and index
    (78.4, 292),
    (78.4, 304),
    (76.6, 311.5),  # index tip
    (73.6, 313.3),
    (71.8, 312.6),
    (70.2, 317),  # middle tip
    (67, 318.6),
    (64.6, 317.2),
    (63.4, 314.8),
    (61.6, 316.2),  # ring tip
    (59.3, 315),
    (58.2, 311.8),
    (57, 306),  # little finger
    (56.8, 295),
    (57.2, 280),  # hypothenar
    (58.4, 268),
    (59.6, 257),  # wrist, ulnar side
    (56.8, 245),
    (52.6, 228),
    (49.2, 211),
    (47.4, 194),  # medial elbow
    (45.6, 175),
    (43.4, 152),
    (41.5, 135, _CORNER),  # armpit
    (40.6, 146),
    (39, 161),
    (38, 177),  # waist
    (38.8, 196),
    (41.6, 214),
    (45.6, 232),
    (49.2, 249),  # greater trochanter
    (49.8, 264),
    (49, 282),
    (47.4, 304),
    (45, 330),
    (41.4, 357),
    (38, 377),
    (37.4, 392),  # knee
    (38.8, 407),
    (40, 422),  # calf
    (38.2, 442),
    (33.8, 465),
    (29.6, 483),
    (29.2, 493),  # lateral malleolus
    (32, 502),
    (36.4, 510.5),
    (38, 516.5),
    (35.4, 520.5, _CORNER),  # toes
    (22, 521.2),
    (11.6, 520.4),
    (9.4, 516),
    (9.6, 506),
    (12, 496),  # medial malleolus
    (11.4, 482),
    (9.6, 462),
    (7.6, 440),
    (6.6, 423),  # calf, inner side
    (7.8, 407),
    (8.6, 394),  # knee, inner side
    (7.8, 378),
    (6.4, 352),
    (5, 325),
    (3.4, 298),
    (1.8, 283),
    (0, 273, _CORNER),  # crotch
]

# Lines inside the outline: hints of anatomy that tell front from back. Absolute paths, right half; each is
# mirrored unless it lies on the midline.
FRONT_DETAILS_HALF = [
    "M 0 69 C 5 70.5 10 67.5 14.6 60.5",  # chin
    "M 16 85 C 24 86.5 34 90 44 95",  # clavicle
    "M 9 130 C 17 135.5 27 135.5 34 130",  # chest
    "M 42 221 C 34 240 22 254 11 262",  # inguinal line
    "M 16 385 C 16 377 29 377 29 385 C 29 394 16 394 16 385",  # knee cap
    "M 62 296.5 L 62 312",  # finger clefts, palm forward
    "M 67 297 L 67.2 315",
    "M 72 296.5 L 72.4 312",
    "M 20 506 C 22 511 30 512 35 509",  # top of the foot
]
FRONT_DETAILS_MID = ["M -1.6 196 C -1.6 193.6 1.6 193.6 1.6 196 C 1.6 198.4 -1.6 198.4 -1.6 196"]  # navel
BACK_DETAILS_HALF = [
    "M 10 113 C 17 108 25 108.5 28 113 C 26.5 124 21.5 133 13 139",  # shoulder blade
    "M 3 236 C 4 250 3 262 1 271",  # the cleft's edge
    "M 3 294 C 16 302 32 299 44 288",  # gluteal fold
    "M 13 397 C 19 400.5 28 400.5 34 396.5",  # popliteal crease
    "M 49 190 C 52 194 58 196 64 194",  # elbow point
    "M 14 510 C 17 516 28 516 32 511",  # heel
]
BACK_DETAILS_MID = ["M 0 100 C -0.8 140 0.8 190 0 232"]  # spine

# ---------------------------------------------------------------------------------------------------------
# The hand inset: a right hand seen from the back (dorsum), drawn pointing up with the wrist crease centred
# at (0, 0), then turned a quarter turn clockwise so it points right with the thumb on top.


class Digit(NamedTuple):
    base: Point  # the knuckle (the thumb: its carpometacarpal joint, so its joints are MCP and IP)
    lean: float  # degrees from vertical, + toward the little finger
    length: float  # base to tip
    width: float  # at the base
    tip: float  # width near the tip
    edges: tuple[float, float]  # where the left and right edges leave the hand (distance from the base)
    joints: tuple[float, float]  # the two distal joints, distance from the base


DIGITS: dict[str, Digit] = {
    "thumb": Digit((-42, -18), -38, 118, 34, 28, (14, 54), (54, 90)),
    "index": Digit((-40, -138), -5, 108, 29, 25.5, (0, 24), (50, 80)),
    "middle": Digit((-10.5, -144), 0, 120, 30, 26.5, (24, 24), (56, 89)),
    "ring": Digit((19, -139), 5, 111, 29, 25.5, (24, 24), (52, 82)),
    "little": Digit((46, -127), 11, 88, 26.5, 24.5, (22, 2), (40, 62)),
}
HAND_STUB = 60  # how far the forearm runs (proximally) from the wrist crease to the inset's edge

# ---------------------------------------------------------------------------------------------------------
# Geometry helpers.


def _fmt(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _catmull_rom(points: Sequence[tuple]) -> list[tuple[Point, Point, Point, Point]]:
    """Cubic Bezier segments of a smooth closed curve through the points; a marked corner keeps its angle."""
    pts = [(p[0], p[1]) for p in points]
    corner = [len(p) > 2 and p[2] for p in points]
    n = len(pts)
    segments = []
    for i in range(n):
        j = (i + 1) % n
        p0, p1 = pts[i], pts[j]
        before = p0 if corner[i] else pts[i - 1]
        after = p1 if corner[j] else pts[(j + 1) % n]
        c1 = (p0[0] + (p1[0] - before[0]) / 6, p0[1] + (p1[1] - before[1]) / 6)
        c2 = (p1[0] - (after[0] - p0[0]) / 6, p1[1] - (after[1] - p0[1]) / 6)
        segments.append((p0, c1, c2, p1))
    return segments


def _bezier_point(seg, t: float) -> Point:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = seg
    u = 1 - t
    a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
    return (a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3)


def _flatten(segments, steps: int = 10) -> list[Point]:
    return [_bezier_point(seg, k / steps) for seg in segments for k in range(steps)]


def _segments_path(segments) -> str:
    start = segments[0][0]
    parts = [f"M {_fmt(start[0])} {_fmt(start[1])}"]
    for _, c1, c2, p in segments:
        parts.append("C " + " ".join(_fmt(v) for v in (*c1, *c2, *p)))
    return " ".join(parts) + " Z"


def _polygon_path(points: Sequence[Point]) -> str:
    head, *rest = points
    return " ".join([f"M {_fmt(head[0])} {_fmt(head[1])}"] + [f"L {_fmt(x)} {_fmt(y)}" for x, y in rest] + ["Z"])


def _clip(subject: list[Point], window: Sequence[Point]) -> list[Point]:
    """Sutherland-Hodgman: the part of the subject polygon inside a convex window (either winding)."""
    area = sum(window[i][0] * window[i - 1][1] - window[i - 1][0] * window[i][1] for i in range(len(window)))
    sign = 1 if area < 0 else -1
    output = list(subject)
    for i in range(len(window)):
        (ax, ay), (bx, by) = window[i - 1], window[i]

        def inside(p, ax=ax, ay=ay, bx=bx, by=by):
            return sign * ((bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)) >= 0

        def cross(p, q, ax=ax, ay=ay, bx=bx, by=by):
            dx, dy = bx - ax, by - ay
            t_num = dx * (ay - p[1]) - dy * (ax - p[0])
            t_den = dx * (q[1] - p[1]) - dy * (q[0] - p[0])
            t = t_num / t_den
            return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))

        points, output = output, []
        for k, current in enumerate(points):
            previous = points[k - 1]
            if inside(current):
                if not inside(previous):
                    output.append(cross(previous, current))
                output.append(current)
            elif inside(previous):
                output.append(cross(previous, current))
        if not output:
            break
    return output


def _convex_hull(points: Sequence[Point]) -> list[Point]:
    """Andrew's monotone chain; keeps a window convex when its corners are computed."""
    pts = sorted(set(points))

    def half(seq):
        chain: list[Point] = []
        for p in seq:
            while (
                len(chain) >= 2
                and (chain[-1][0] - chain[-2][0]) * (p[1] - chain[-2][1])
                - (chain[-1][1] - chain[-2][1]) * (p[0] - chain[-2][0])
                <= 0
            ):
                chain.pop()
            chain.append(p)
        return chain[:-1]

    return half(pts) + half(reversed(pts))


def _drop_spikes(points: list[Point]) -> list[Point]:
    """Remove the zero-width spurs Sutherland-Hodgman leaves where a window meets a concave outline twice."""
    points = list(points)
    changed = True
    while changed and len(points) > 3:
        changed = False
        for k in range(len(points)):
            (ax, ay), (bx, by), (cx, cy) = points[k - 1], points[k], points[(k + 1) % len(points)]
            u, v = (ax - bx, ay - by), (cx - bx, cy - by)
            if (
                math.hypot(*u) < 1e-6
                or math.hypot(*v) < 1e-6
                or (
                    abs(u[0] * v[1] - u[1] * v[0]) < 1e-6 * math.hypot(*u) * math.hypot(*v)
                    and u[0] * v[0] + u[1] * v[1] > 0
                )
            ):
                del points[k]
                changed = True
                break
    return points


def _simplify(points: list[Point], tolerance: float = 0.3) -> list[Point]:
    """Ramer-Douglas-Peucker on an open run of points (keeps the ends)."""
    if len(points) < 3:
        return points
    (x0, y0), (x1, y1) = points[0], points[-1]
    length = math.hypot(x1 - x0, y1 - y0) or 1e-9
    distances = [abs((x1 - x0) * (y0 - y) - (x0 - x) * (y1 - y0)) / length for x, y in points[1:-1]]
    worst = max(range(len(distances)), key=distances.__getitem__)
    if distances[worst] <= tolerance:
        return [points[0], points[-1]]
    split = worst + 1
    return _simplify(points[: split + 1], tolerance)[:-1] + _simplify(points[split:], tolerance)


def _simplify_closed(points: list[Point]) -> list[Point]:
    far = max(range(len(points)), key=lambda k: math.dist(points[0], points[k]))
    first = _simplify(points[: far + 1])
    second = _simplify(points[far:] + [points[0]])
    return first[:-1] + second[:-1]


def _mirror(points: Iterable[Point]) -> list[Point]:
    return [(-x, y) for x, y in points]


def _move(points: Iterable[Point], origin: Point) -> list[Point]:
    return [(x + origin[0], y + origin[1]) for x, y in points]


def _turn(points: Iterable[Point], origin: Point) -> list[Point]:
    """The hand inset's turn: pointing up becomes pointing right (thumb on top)."""
    return [(origin[0] - y, origin[1] + x) for x, y in points]


def _move_path(d: str, place) -> str:
    """Re-place an absolute path (M/L/C/Z) through a point mapping."""
    tokens = d.split()
    out, numbers = [], []
    for token in tokens + ["Z"]:
        if token.isalpha():
            for x, y in place(list(zip(numbers[::2], numbers[1::2], strict=True))):
                out.extend((_fmt(x), _fmt(y)))
            numbers = []
            out.append(token)
        else:
            numbers.append(float(token))
    return " ".join(out[:-1])


# ---------------------------------------------------------------------------------------------------------
# The outlines.


def _body_outline() -> list[tuple]:
    right = BODY_HALF
    left = [(-p[0], *p[1:]) for p in reversed(right[1:-1])]
    return list(right) + left


def _along(name: str, s: float, across: float = 0) -> Point:
    """A point on a digit: s along its axis from the base, across it (+ toward the little finger)."""
    digit = DIGITS[name]
    (bx, by), a = digit.base, math.radians(digit.lean)
    return (bx + math.sin(a) * s + math.cos(a) * across, by - math.cos(a) * s + math.sin(a) * across)


def _half_width(name: str, s: float) -> float:
    digit = DIGITS[name]
    reach = digit.length - digit.tip / 2
    half = (digit.width + (digit.tip - digit.width) * min(max(s, 0), reach) / reach) / 2
    return half + (1.2 if s in digit.joints else 0)  # knuckles bulge a little


def _digit_edge(name: str, side: int) -> list[Point]:
    """One edge of a digit from where it leaves the hand up to the start of the tip's round."""
    digit = DIGITS[name]
    start = digit.edges[0 if side < 0 else 1]
    stations = [start, *(j for j in digit.joints if j > start + 4), digit.length - digit.tip / 2]
    return [_along(name, s, side * _half_width(name, s)) for s in stations]


def _digit_tip(name: str) -> list[Point]:
    digit = DIGITS[name]
    r = digit.tip / 2
    centre = digit.length - r
    return [
        _along(name, centre + r * math.cos(math.radians(t)), -r * math.sin(math.radians(t)))
        for t in (60, 30, 0, -30, -60)
    ]


def _web(before: Point, after: Point) -> tuple:
    return ((before[0] + after[0]) / 2, (before[1] + after[1]) / 2 + 2.5, _CORNER)


def _hand_outline() -> list[tuple]:
    """The hand pointing up: forearm stub, thenar, thumb, first web, four fingers, the little finger's side."""
    points: list[tuple] = [(44, HAND_STUB, _CORNER), (-44, HAND_STUB, _CORNER), (-42, 26), (-41.5, 4), (-52, -8)]
    for k, name in enumerate(("thumb", "index", "middle", "ring", "little")):
        left, right = _digit_edge(name, -1), _digit_edge(name, +1)
        if k >= 2:
            points[-1:] = [_web(points[-1], left[0])]
        else:
            points += left[:1]
        points += left[1:] + _digit_tip(name) + right[::-1]
        if name == "thumb":
            points += [(-54.5, -102)]  # the first web, from the thumb to the index
    points += [(62, -100), (59.5, -58), (51.5, -20), (41.5, 4), (42, 26)]
    return points


BODY_OUTLINE_SEGMENTS = _catmull_rom(_body_outline())
HAND_OUTLINE_SEGMENTS = _catmull_rom(_hand_outline())
_BODY_POLYGON = _flatten(BODY_OUTLINE_SEGMENTS)
_HAND_POLYGON = _flatten(HAND_OUTLINE_SEGMENTS)


def _body_path(origin: Point) -> str:
    return _move_path(_segments_path(BODY_OUTLINE_SEGMENTS), lambda pts: _move(pts, origin))


def _hand_path() -> str:
    return _move_path(_segments_path(HAND_OUTLINE_SEGMENTS), lambda pts: _turn(pts, HAND_ORIGIN))


def _details(half: list[str], mid: list[str], origin: Point) -> list[str]:
    paths = []
    for d in half:
        paths.append(_move_path(d, lambda pts: _move(pts, origin)))
        paths.append(_move_path(d, lambda pts: _move(_mirror(pts), origin)))
    paths += [_move_path(d, lambda pts: _move(pts, origin)) for d in mid]
    return paths


def _hand_details() -> list[str]:
    """Knuckles, the middle joints' creases and the nails on the inset (other joints are region edges)."""
    paths = []
    for name, digit in DIGITS.items():
        creases = [] if name == "thumb" else [(0, -5, 8), (digit.joints[0], -1, 6)]
        for joint, lift, half in creases:
            a, b, c, d = (
                _along(name, joint + s, x)
                for s, x in ((lift, -half), (lift + 2.4, -half / 2), (lift + 2.4, half / 2), (lift, half))
            )
            paths.append("M {} {} C {} {} {} {} {} {}".format(*(_fmt(v) for v in (*a, *b, *c, *d))))
        length, half = digit.length, digit.tip * 0.3
        nail_base = length - digit.tip * 1.05
        nail = [
            (*_along(name, nail_base, -half), _CORNER),
            _along(name, length - 5, -half),
            _along(name, length - 2.5, 0),
            _along(name, length - 5, half),
            (*_along(name, nail_base, half), _CORNER),
            _along(name, nail_base - 2.5, 0),
        ]
        paths.append(_segments_path(_catmull_rom(nail)))
    return [_move_path(d, lambda pts: _turn(pts, HAND_ORIGIN)) for d in paths]


def _frame_path() -> str:
    x0, y0, x1, y1 = INSET_FRAME
    r = 8
    return (
        f"M {x0 + r} {y0} L {x1 - r} {y0} C {x1 - r / 2} {y0} {x1} {y0 + r / 2} {x1} {y0 + r} "
        f"L {x1} {y1 - r} C {x1} {y1 - r / 2} {x1 - r / 2} {y1} {x1 - r} {y1} "
        f"L {x0 + r} {y1} C {x0 + r / 2} {y1} {x0} {y1 - r / 2} {x0} {y1 - r} "
        f"L {x0} {y0 + r} C {x0} {y0 + r / 2} {x0 + r / 2} {y0} {x0 + r} {y0} Z"
    )


OUTLINE: dict[str, list[str]] = {
    "frame": [_frame_path()],
    "front": [_body_path(FRONT_ORIGIN)],
    "back": [_body_path(BACK_ORIGIN)],
    "hand": [_hand_path()],
}
DETAILS: dict[str, list[str]] = {
    "front": _details(FRONT_DETAILS_HALF, FRONT_DETAILS_MID, FRONT_ORIGIN),
    "back": _details(BACK_DETAILS_HALF, BACK_DETAILS_MID, BACK_ORIGIN),
    "hand": _hand_details(),
}

# ---------------------------------------------------------------------------------------------------------
# The regions. Body windows are convex polygons in the right half's local frame, mirrored for the left;
# free shapes are given as their right half and closed across the midline.


def _ellipse(cx: float, cy: float, rx: float, ry: float, within: Sequence[Point] | None = None) -> list[Point]:
    """A convex window shaped like an ellipse (24 sides), optionally cut to a convex polygon."""
    points = [(cx + rx * math.cos(k * math.pi / 12), cy + ry * math.sin(k * math.pi / 12)) for k in range(24)]
    return _clip(points, within) if within else points


_SHOULDER = _ellipse(52, 108, 23, 31, within=[(20, 70), (90, 70), (90, 140), (20, 140)])
_ELBOW = _ellipse(60, 192, 22, 15.5, within=[(42, 170), (90, 170), (90, 214), (46, 214)])
_KNEE = _ellipse(22.5, 391, 20, 19)
_HIP = _ellipse(41, 247, 17, 32, within=[(20, 216), (47, 216), (54, 276), (20, 278)])
_BUTTOCK = [
    (1.6, 244),
    (12, 238.5),
    (28, 236),
    (42, 239),
    (52, 250),
    (52, 279),
    (44, 288),
    (32, 295),
    (18, 298),
    (1.6, 295),
]

BODY_WINDOWS: dict[str, dict[str, list[list[Point]]]] = {
    "front": {
        "region-shoulders": [_SHOULDER],
        "region-forearms": [[(44, 204), (84, 204), (84, 244), (52, 244)]],
        "region-wrists": [[(50, 248), (84, 248), (84, 262), (52, 262)]],
        "region-hands": [[(52, 266), (90, 266), (90, 294), (52, 291)]],
        "region-fingers": [[(52, 294), (79, 294), (79, 308), (52, 308)]],
        "region-fingertips": [[(52, 310.5), (84, 310.5), (84, 324), (52, 324)]],
        "region-hips": [_HIP],
        "region-thighs": [[(16, 282.5), (52, 279), (52, 370), (0, 370), (0, 304), (5, 297)]],
        "region-knees": [_KNEE],
        "region-lower-legs": [[(0, 412), (52, 412), (52, 486), (0, 486)]],
        "region-feet": [[(0, 490), (52, 490), (52, 526), (0, 526)]],
    },
    "back": {
        "region-shoulders": [_SHOULDER],
        "region-elbows": [_ELBOW],
        "region-forearms": [[(44, 209), (84, 209), (84, 244), (52, 244)]],
        "region-wrists": [[(50, 248), (84, 248), (84, 262), (52, 262)]],
        "region-hands": [[(52, 266), (90, 266), (90, 294), (52, 291)]],
        "region-fingers": [[(52, 294), (79, 294), (79, 308), (52, 308)]],
        "region-fingertips": [[(52, 310.5), (84, 310.5), (84, 324), (52, 324)]],
        "region-buttocks": [_BUTTOCK],
        "region-thighs": [[(0, 304), (52, 294), (52, 370), (0, 370)]],
        "region-lower-legs": [[(0, 404), (52, 404), (52, 486), (0, 486)]],
        "region-feet": [[(0, 490), (52, 490), (52, 526), (0, 526)]],
    },
}

# Right halves of the midline shapes, top to bottom, on the front view.
FREE_SHAPES_HALF: dict[str, list[Point]] = {
    "region-face": [(0, 7), (13, 10), (19, 22), (19.6, 36), (17.4, 48), (12, 57), (5, 63), (0, 64)],
    "region-abdomen": [(0, 160), (17, 161.5), (29, 168), (32, 188), (30, 208), (23, 228), (13, 244), (0, 251)],
    "region-scrotum": [(0, 256), (7.5, 258.5), (12.4, 268), (12.4, 281), (7.5, 290), (0, 292.5)],
}


def _digit_window(name: str, start: float, end: float, spare: float) -> list[Point]:
    half = DIGITS[name].width / 2 + spare
    return [_along(name, s, x) for s, x in ((start, -half), (end, -half), (end, half), (start, half))]


def _hand_windows() -> dict[str, list[list[Point]]]:
    """Fingertips beyond the last joint; fingers from the knuckle (the thumb: from its MCP joint); the back
    of the hand up to the knuckles, in two convex parts split along the thumb's metacarpal; the wrist."""
    gap, knuckle, wrist_line = 1.6, 3, -12
    tips, fingers = [], []
    for name, digit in DIGITS.items():
        first, last = (digit.joints[0] if name == "thumb" else knuckle), digit.joints[-1]
        tips.append(_digit_window(name, last + gap, digit.length + 4, spare=4))
        fingers.append(_digit_window(name, first + gap * (1 if name == "thumb" else 2), last - gap, spare=0.5))
    mcp = DIGITS["thumb"].joints[0] - gap
    # the seam follows the thumb's ulnar edge from the wrist line up to its MCP joint
    (x0, y0), (x1, y1) = _along("thumb", 0, 17), _along("thumb", mcp, 17)
    seam_low, seam_high = (x0 + (x1 - x0) * (wrist_line - y0) / (y1 - y0), wrist_line), (x1, y1)
    thumb_ray = [seam_low, (-90, wrist_line), _along("thumb", mcp, -24), seam_high]
    fingers4 = ("index", "middle", "ring", "little")
    knuckles = [_along("index", knuckle, -_half_width("index", knuckle) - 6)]
    for a, b in zip(fingers4, fingers4[1:], strict=False):
        (ax, ay), (bx, by) = _along(a, knuckle, _half_width(a, knuckle)), _along(b, knuckle, -_half_width(b, knuckle))
        knuckles.append((ax, ay) if ay > by else (bx, by))  # the nearer knuckle, so no finger is cut
    knuckles.append(_along("little", knuckle, _half_width("little", knuckle) + 6))
    dorsum = _convex_hull([seam_high, *knuckles, (66, -96), (60, wrist_line), seam_low])
    return {
        "region-fingertips": tips,
        "region-fingers": fingers,
        "region-hands": [dorsum, thumb_ray],
        "region-wrists": [[(-60, 24), (-60, wrist_line + gap), (60, wrist_line + gap), (60, 24)]],
    }


HAND_WINDOWS = _hand_windows()


def _build_regions() -> dict[str, list[str]]:
    regions: dict[str, list[str]] = {region: [] for region in REGION_IDS}
    for view, origin in (("front", FRONT_ORIGIN), ("back", BACK_ORIGIN)):
        for region, windows in BODY_WINDOWS[view].items():
            for window in windows:
                piece = _simplify_closed(_drop_spikes(_clip(_BODY_POLYGON, window)))
                regions[region].append(_polygon_path(_move(piece, origin)))
                regions[region].append(_polygon_path(_move(_mirror(reversed(piece)), origin)))
    for region, half in FREE_SHAPES_HALF.items():
        outline = list(half) + _mirror(reversed(half[1:-1]))
        regions[region].append(_move_path(_segments_path(_catmull_rom(outline)), lambda p: _move(p, FRONT_ORIGIN)))
    for region, windows in HAND_WINDOWS.items():
        for window in windows:
            piece = _simplify_closed(_drop_spikes(_clip(_HAND_POLYGON, window)))
            regions[region].append(_polygon_path(_turn(piece, HAND_ORIGIN)))
    return regions


REGIONS: dict[str, list[str]] = _build_regions()

# ---------------------------------------------------------------------------------------------------------
# Markup.


def _pattern(pattern_id: str, size: float, ink: str, turn: int = 45) -> str:
    return (
        f'<pattern id="{pattern_id}" width="{size}" height="{size}" patternUnits="userSpaceOnUse"'
        f' patternTransform="rotate({turn})"><rect class="bf-pattern-bg" width="{size}" height="{size}"/>'
        f"{ink}</pattern>"
    )


# Fill patterns by id; their colours are set in bodyfigure.css (#bf-hatch .bf-pattern-ink ...).
PATTERNS = {
    "bf-hatch": _pattern("bf-hatch", 6, '<rect class="bf-pattern-ink" width="2.4" height="6"/>'),  # recognised
    "bf-stripes": _pattern("bf-stripes", 7, '<rect class="bf-pattern-ink" width="3" height="7"/>', -45),  # missed
    "bf-dots": _pattern("bf-dots", 5, '<circle class="bf-pattern-ink" cx="2.5" cy="2.5" r="1.2"/>', 0),  # neutral
    "bf-cross": _pattern(  # wrong
        "bf-cross",
        7,
        '<rect class="bf-pattern-ink" width="2" height="7"/><rect class="bf-pattern-ink" width="7" height="2"/>',
    ),
}


@cache  # drawn from constants: the same markup every time, built once per process
def defs_svg() -> SafeString:
    """The <defs> (fill patterns) the stylesheet refers to by id; include once per page."""
    return mark_safe("<defs>" + "".join(PATTERNS.values()) + "</defs>")


def _paths(paths: Iterable[str], css_class: str = "") -> SafeString:
    if css_class:
        return format_html_join("", '<path class="{}" d="{}"/>', ((css_class, d) for d in paths))
    return format_html_join("", '<path d="{}"/>', ((d,) for d in paths))


@cache  # drawn from constants: the same markup every time, built once per process
def outline_svg() -> SafeString:
    """The outlines, anatomical detail lines and view labels, drawn under the regions."""
    label_class = {"front": "bf-label", "back": "bf-label", "hand": "bf-label bf-label-start"}
    return format_html(
        '<g class="bf-outline" aria-hidden="true">{}{}</g><g class="bf-detail" aria-hidden="true">{}</g>'
        '<g class="bf-labels" aria-hidden="true">{}</g>',
        _paths(OUTLINE["frame"], "bf-frame"),
        _paths(OUTLINE["front"] + OUTLINE["back"] + OUTLINE["hand"]),
        _paths(DETAILS["front"] + DETAILS["back"] + DETAILS["hand"]),
        format_html_join(
            "",
            '<text class="{}" x="{}" y="{}">{}</text>',
            ((label_class[view], *LABEL_POSITIONS[view], label) for view, label in LABELS.items()),
        ),
    )


@cache  # drawn from constants: the same markup every time, built once per process
def region_shapes_svg(region_id: str) -> SafeString:
    """The shapes of one region, without a wrapper (raises KeyError for an unknown region)."""
    return _paths(REGIONS[region_id])


MARK_CLASSES = {"typical": "bf-region bf-typical", "recognised": "bf-region bf-recognised"}


OUTLINE_SYMBOL = "bf-outline-symbol"


@cache  # drawn from constants: the same markup every time, built once per process
def shared_defs_svg() -> SafeString:
    """The fill patterns and the outline as a <symbol>, once per page, for figures drawn with shared_outline=True:
    a page of many figures then carries the outline (two thirds of a figure's markup) only once."""
    return format_html(
        '{}<defs><symbol id="{}" viewBox="{}">{}</symbol></defs>',
        defs_svg(),
        OUTLINE_SYMBOL,
        VIEWBOX_ATTR,
        outline_svg(),
    )


def figure_svg(
    *,
    marks: dict[str, str],
    title: str,
    desc: str = "",
    id_prefix: str = "bf",
    include_defs: bool = True,
    shared_outline: bool = False,
) -> SafeString:
    """A standalone read-only picture: every region, those in marks shown as typical or recognised.

    id_prefix keeps the <title>/<desc> ids unique when a page shows several figures; include the fill
    patterns once per page (include_defs=False on the others, or defs_svg() elsewhere on the page).
    shared_outline draws the outline from the symbol of shared_defs_svg(), which the page must then hold once.
    """
    unknown = set(marks) - set(REGIONS) or {m for m in marks.values() if m not in MARK_CLASSES}
    if unknown:
        raise ValueError(f"Unknown region or mark: {sorted(unknown)}")
    regions = mark_safe("".join(_region_group(r, marks.get(r, "")) for r in REGION_IDS))
    labelled_by = f"{id_prefix}-title {id_prefix}-desc" if desc else f"{id_prefix}-title"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="bf-figure" viewBox="{}" role="img" aria-labelledby="{}">'
        '<title id="{}-title">{}</title>{}{}{}<g class="bf-regions">{}</g></svg>',
        VIEWBOX_ATTR,
        labelled_by,
        id_prefix,
        title,
        format_html('<desc id="{}-desc">{}</desc>', id_prefix, desc) if desc else "",
        defs_svg() if include_defs else "",
        format_html('<use href="#{}" width="{}" height="{}"/>', OUTLINE_SYMBOL, *VIEWBOX[2:])
        if shared_outline
        else outline_svg(),
        regions,
    )


@cache
def _region_group(region_id: str, mark: str) -> SafeString:
    return format_html(
        '<g class="{}" data-region="{}">{}</g>',
        MARK_CLASSES.get(mark, "bf-region"),
        region_id,
        region_shapes_svg(region_id),
    )


def swatch_svg(classes: str) -> SafeString:
    """A small legend swatch drawn with the same classes as a region (e.g. "bf-region bf-typical")."""
    return format_html(
        '<svg class="bf-swatch" viewBox="0 0 28 18" aria-hidden="true" focusable="false">'
        '<path class="{}" d="M 2 2 L 26 2 L 26 16 L 2 16 Z"/></svg>',
        classes,
    )
