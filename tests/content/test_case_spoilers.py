"""A case must not give its answer away before the learner has committed to it."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((ROOT / "cases" / "starter" / "cases.json").read_text(encoding="utf-8"))["cases"]
KNOWLEDGE = json.loads((ROOT / "calcinosis" / "starter" / "knowledge.json").read_text(encoding="utf-8"))
NAMES = {row["slug"]: row["name"] for key in ("types", "differentials") for row in KNOWLEDGE[key]}


def _answer_names(case: dict) -> list[str]:
    diagnosis = case["diagnosis"]
    slug = diagnosis.get("differential") or diagnosis.get("type")
    name = NAMES[slug]
    # "Cutaneous mycetoma" is also given away by "mycetoma"; "Xanthomas" by "xanthoma".
    return [name.lower(), name.lower().split()[-1].rstrip("s")]


@pytest.mark.parametrize("case", CASES, ids=[c["slug"] for c in CASES])
def test_nothing_names_the_diagnosis_before_the_last_decision(case):
    stages = case["stages"]
    last_decision = max(i for i, s in enumerate(stages) if s.get("decision"))
    early_text = [case["title"], case["presentation"]]
    for stage in stages[: last_decision + 1]:
        early_text += [stage["title"], stage["body"]]
    for stage in stages[:last_decision]:
        early_text += [q["stem"] for q in stage.get("questions", [])]
    text = " ".join(early_text).lower()
    for name in _answer_names(case):
        assert not re.search(rf"\b{re.escape(name)}", text), f"{case['slug']} names “{name}” too early"
