"""Item-writing rules (NBME style) that a machine can check, over the starter bank and every case question.

Single best answer and select-all items ask a question; no "all/none of the above"; no absolute terms in the wrong
options (a test-wise learner rules those out unread); the key is never the longest option of a single-best-answer
item (a cue), except where the options are the five type names; stems do not quote "the source".
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BANK = json.loads((ROOT / "quizzes/starter/questions.json").read_text(encoding="utf-8"))["questions"]
CASES = json.loads((ROOT / "cases/starter/cases.json").read_text(encoding="utf-8"))["cases"]
CASE_QUESTIONS = [q for case in CASES for stage in case["stages"] for q in stage.get("questions", [])]
ITEMS = [q for q in BANK + CASE_QUESTIONS if q["kind"] in ("single", "multiple")]

ABSOLUTE = re.compile(r"\b(always|never|only|all|none)\b", re.IGNORECASE)
ABOVE = re.compile(r"\b(all|none) of the above\b", re.IGNORECASE)
QUOTING = re.compile(r"according to|the source|the article|the text says", re.IGNORECASE)


@pytest.mark.parametrize("q", ITEMS, ids=[q["slug"] for q in ITEMS])
def test_the_item_asks_a_question_without_cues(q):
    assert "?" in q["stem"], "the lead-in is a question"
    assert not QUOTING.search(q["stem"]), "apply knowledge, don't quote a text"
    wrong = [c["text"] for c in q["choices"] if not c["correct"]]
    assert [t for t in wrong if ABSOLUTE.search(t)] == [], "no absolute terms in distractors"
    assert not [c for c in q["choices"] if ABOVE.search(c["text"])]


@pytest.mark.parametrize(
    "q", [q for q in ITEMS if q["kind"] == "single" and q["topic"] != "type"], ids=lambda q: q["slug"]
)
def test_the_key_is_not_the_longest_option(q):
    key = next(c["text"] for c in q["choices"] if c["correct"])
    assert len(key) <= max(len(c["text"]) for c in q["choices"] if not c["correct"])
