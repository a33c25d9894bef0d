"""Rules every authored question obeys, shared by the content tests of the bank and of the cases (no Django)."""

import json
import re
from decimal import Decimal
from pathlib import Path

from calcinosis.calculator import Unit, ca_p_product

MG_IN, MMOL_IN = Unit.MG_DL.value, Unit.MMOL_L.value
MG_OUT, MMOL_OUT = "mg²/dL²", "mmol²/L²"
# Realistic serum values for a vignette.
RANGES = {
    MG_IN: {"calcium": (7.0, 14.0), "phosphate": (2.0, 10.0)},
    MMOL_IN: {"calcium": (1.8, 3.5), "phosphate": (0.7, 3.2)},
}
# Percentages the source gives: 25-40% (limited SSc within ten years), ~30% (adult DM), up to 70% (juvenile DM),
# ~33% periarticular and ~17% soft tissue (SLE).
SOURCE_PERCENTAGES = {"25", "30", "33", "40", "70", "17"}
# Cohort percentages from named references, always attributed beside the source's figure.
REFERENCE_PERCENTAGES = {
    "11": "Valenzuela 2014 (JAMA Dermatol 150:724): calcinosis in 11.1% of 126 adults with dermatomyositis",
    "20": "Valenzuela 2014: earlier estimates of up to 20% of adults with dermatomyositis",
    "10": "Hoeltzel 2014 (Curr Rheumatol Rep 16:467): prevalence in juvenile dermatomyositis ranges 10% to 70%",
    # "40" (Hoeltzel: up to 40% in juvenile dermatomyositis) is already a source percentage.
}
ALLOWED_PERCENTAGES = SOURCE_PERCENTAGES | set(REFERENCE_PERCENTAGES)
PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per ?cent\b)", re.IGNORECASE)
RANGE_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-|–|to)\s*\d+(?:\.\d+)?\s*(?:%|per ?cent\b)", re.IGNORECASE)
NUMBER_RE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def known_slugs(knowledge: dict) -> dict[str, set[str]]:
    """The slugs of each kind of row in knowledge.json, e.g. {"sites": {"face", ...}, ...}."""
    kinds = ("sections", "types", "extents", "conditions", "sites", "differentials")
    return {kind: {row["slug"] for row in knowledge[kind]} for kind in kinds}


def strings(value):
    """Every string inside a JSON value, to check all of an authored text at once."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def percentages(text: str) -> set[str]:
    """Every percentage written in a text, the first number of a range included."""
    return set(PERCENT_RE.findall(text)) | set(RANGE_PERCENT_RE.findall(text))


def expected_product(q: dict) -> float:
    """The Ca x P product a numeric question asks for, by the app's own calculator."""
    product = ca_p_product(
        calcium=Decimal(str(q["calcium"])), phosphate=Decimal(str(q["phosphate"])), unit=Unit(q["input_unit"])
    )
    return float(product.mg2_dl2 if q["unit"] == MG_OUT else product.mmol2_l2)


def numeric_problems(q: dict) -> list[str]:
    """What is wrong with a numeric Ca x P question: units, tolerance, the stem's values, the answer."""
    if q.get("unit") not in (MG_OUT, MMOL_OUT) or q.get("input_unit") not in (MG_IN, MMOL_IN):
        return [f"unknown units {q.get('input_unit')!r} -> {q.get('unit')!r}"]
    problems = []
    if not 0.001 * q["answer"] <= q["tolerance"] <= 0.02 * q["answer"]:
        problems.append("the tolerance should be about 1% of the answer")
    numbers = [float(n) for n in NUMBER_RE.findall(q["stem"])]
    for analyte in ("calcium", "phosphate"):
        if q[analyte] not in numbers:
            problems.append(f"the {analyte} value must appear in the stem")
        low, high = RANGES[q["input_unit"]][analyte]
        if not low <= q[analyte] <= high:
            problems.append(f"{analyte} {q[analyte]} is outside {low}-{high} {q['input_unit']}")
    if q["input_unit"] not in q["stem"] or q["unit"] not in q["stem"]:
        problems.append("the stem must name both units")
    expected = expected_product(q)
    if abs(q["answer"] - expected) > min(0.01, q["tolerance"] / 5):
        problems.append(f"the answer should be {expected:.4f}")
    return problems
