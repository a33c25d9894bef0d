"""Calculated questions (Moodle's "calculated" type): values drawn per attempt from ranges the author sets, the answer
computed by the same pure functions as the calcium x phosphate calculator (calcinosis.calculator), so a question
that comes back for review has new numbers and must be worked out again. No Django.

A question names one formula below and gives, for each of its variables, a range and the decimals to draw with:
    variables = {"calcium": {"min": "8.5", "max": "11.5", "places": 1}, ...}
Its stem says where the values go with {calcium}, {phosphate} (Moodle's wildcards, so the stem exports as is).
"""

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from calcinosis.calculator import Unit, ca_p_product, from_mg_dl, to_mg_dl

MAX_PLACES = 4


@dataclass(frozen=True)
class Formula:
    label: str
    variables: tuple[str, ...]
    compute: Callable[[dict[str, Decimal]], Decimal]
    working: str  # how the feedback shows the sum, with the same wildcards
    moodle: str  # the same formula as a Moodle calculated question's answer expression


FORMULAS: dict[str, Formula] = {
    "ca_x_p_mg_dl": Formula(
        "Calcium × phosphate product from values in mg/dL (answer in mg²/dL²)",
        ("calcium", "phosphate"),
        lambda v: ca_p_product(calcium=v["calcium"], phosphate=v["phosphate"], unit=Unit.MG_DL).mg2_dl2,
        "{calcium} × {phosphate}",
        "{calcium}*{phosphate}",
    ),
    "ca_x_p_mmol_l": Formula(
        "Calcium × phosphate product from values in mmol/L (answer in mmol²/L²)",
        ("calcium", "phosphate"),
        lambda v: ca_p_product(calcium=v["calcium"], phosphate=v["phosphate"], unit=Unit.MMOL_L).mmol2_l2,
        "{calcium} × {phosphate}",
        "{calcium}*{phosphate}",
    ),
    "ca_x_p_mg_dl_from_mmol_l": Formula(
        "Calcium × phosphate product in mg²/dL² from values in mmol/L",
        ("calcium", "phosphate"),
        lambda v: ca_p_product(calcium=v["calcium"], phosphate=v["phosphate"], unit=Unit.MMOL_L).mg2_dl2,
        "({calcium} × 4.008) × ({phosphate} × 3.097)",
        "({calcium}*4.008)*({phosphate}*3.097)",
    ),
    "calcium_mmol_l_from_mg_dl": Formula(
        "Calcium in mmol/L from mg/dL",
        ("calcium",),
        lambda v: from_mg_dl("calcium", v["calcium"], Unit.MMOL_L),
        "{calcium} ÷ 4.008",
        "{calcium}/4.008",
    ),
    "calcium_mg_dl_from_mmol_l": Formula(
        "Calcium in mg/dL from mmol/L",
        ("calcium",),
        lambda v: to_mg_dl("calcium", v["calcium"], Unit.MMOL_L),
        "{calcium} × 4.008",
        "{calcium}*4.008",
    ),
    "phosphate_mmol_l_from_mg_dl": Formula(
        "Phosphate in mmol/L from mg/dL",
        ("phosphate",),
        lambda v: from_mg_dl("phosphate", v["phosphate"], Unit.MMOL_L),
        "{phosphate} ÷ 3.097",
        "{phosphate}/3.097",
    ),
    "phosphate_mg_dl_from_mmol_l": Formula(
        "Phosphate in mg/dL from mmol/L",
        ("phosphate",),
        lambda v: to_mg_dl("phosphate", v["phosphate"], Unit.MMOL_L),
        "{phosphate} × 3.097",
        "{phosphate}*3.097",
    ),
}
FORMULA_CHOICES = [(key, formula.label) for key, formula in FORMULAS.items()]
_WILDCARD = re.compile(r"\{([a-z_]+)\}")


def _range(spec) -> tuple[Decimal, Decimal, int]:
    low, high, places = Decimal(str(spec["min"])), Decimal(str(spec["max"])), int(spec.get("places", 1))
    return low, high, places


def problems(formula: str, variables) -> list[str]:
    """Why a calculated question could not be asked; [] if it can."""
    if formula not in FORMULAS:
        return ["A calculated question needs one of the app's formulas."]
    if not isinstance(variables, dict):
        return ["A calculated question's variables must map each name to a range."]
    found = []
    for name in FORMULAS[formula].variables:
        spec = variables.get(name)
        if not isinstance(spec, dict):
            found.append(f"Give a range for {{{name}}}: a minimum, a maximum and the decimals.")
            continue
        try:
            low, high, places = _range(spec)
            usable = low.is_finite() and high.is_finite() and 0 < low <= high and 0 <= places <= MAX_PLACES
        except (KeyError, TypeError, ValueError, InvalidOperation):
            found.append(f"The range of {{{name}}} needs numbers: a minimum, a maximum and the decimals (0-4).")
            continue
        if not usable:
            found.append(f"The range of {{{name}}} must run from a minimum above zero up to a maximum, 0-4 decimals.")
    return found


def draw(variables: dict, rng: random.Random | None = None, formula: str | None = None) -> dict[str, str]:
    """One value per variable (the formula's only, when it is given), uniformly within its range, at its decimals
    (as text, to store and show as drawn)."""
    rng = rng or random.SystemRandom()
    values = {}
    names = FORMULAS[formula].variables if formula in FORMULAS else tuple(variables)
    for name in names:
        spec = variables[name]
        low, high, places = _range(spec)
        step = Decimal(1).scaleb(-places)
        steps = int((high - low) / step)
        values[name] = str((low + step * rng.randint(0, steps)).quantize(step))
    return values


def complete(formula: str, values: dict | None) -> bool:
    """Whether these values are all the formula needs (an instructor may change the formula of a question in use)."""
    return bool(values) and formula in FORMULAS and all(name in values for name in FORMULAS[formula].variables)


def answer(formula: str, values: dict[str, str]) -> Decimal:
    """The right answer for these values, unrounded: the learner's is marked against it with the tolerance."""
    return FORMULAS[formula].compute({name: Decimal(text) for name, text in values.items()})


def shown_answer(formula: str, values: dict[str, str], places: int = 2) -> Decimal:
    return answer(formula, values).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fill(text: str, values: dict[str, str]) -> str:
    """A stem (or the working) with its wildcards replaced by the drawn values; unknown wildcards stay as written."""
    return _WILDCARD.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def working(formula: str, values: dict[str, str]) -> str:
    return fill(FORMULAS[formula].working, values)


def formula_from_moodle(expression: str) -> str | None:
    """The formula whose Moodle answer expression this is (spaces ignored), or None: what import can accept."""
    wanted = re.sub(r"\s+", "", expression)
    return next((key for key, formula in FORMULAS.items() if formula.moodle == wanted), None)
