"""Whether a question can be answered: one rule for the admin, answering and question import.

Pure code, no Django, so that quizzes.exchange checks imported rows by the same rule as Question does. A kind is its
value ("single", "multiple", "bodymap", "numeric"); options are dicts with "is_correct" and optionally "is_neutral".
"""

import math

MIN_OPTIONS = 2


def enough_correct(kind: str, correct: int) -> bool:
    """A single-best-answer question needs exactly one correct option; select-all and body-map ones at least one."""
    return correct == 1 if kind == "single" else correct >= 1


def option_problem(kind: str, choice: dict) -> str | None:
    """What is wrong with one option whatever the others: only a body-map region can be neutral, never also correct."""
    if kind != "bodymap" and choice.get("is_neutral"):
        return "Only a body-map region can be neutral (a recognised site)."
    if choice["is_correct"] and choice.get("is_neutral"):
        return "An option cannot be both correct and neutral."
    return None


def answerability_problems(kind: str, choices: list[dict], answer=None, tolerance=None) -> list[str]:
    """Why a question could not be answered, given its kind, its options and, for a numeric one, its answer and
    tolerance; [] if it can. An option at fault is reported alone, before the options are counted."""
    for choice in choices:
        if problem := option_problem(kind, choice):
            return [problem]
    correct = sum(1 for c in choices if c["is_correct"])
    if kind == "single" and (len(choices) < MIN_OPTIONS or not enough_correct(kind, correct)):
        return ["A single-best-answer question needs at least two options and exactly one correct."]
    if kind == "multiple" and (len(choices) < MIN_OPTIONS or not enough_correct(kind, correct)):
        return ["A select-all question needs at least two options and at least one correct."]
    if kind == "bodymap" and not enough_correct(kind, correct):
        return ["A body-map question needs at least one correct region."]
    if kind == "calculated":
        problems = []
        if tolerance is None or tolerance <= 0:
            # The answer is computed unrounded (2.5948... mmol/L): with no tolerance nobody could ever hit it.
            problems.append("A calculated question needs a tolerance above zero.")
        if choices:
            problems.append("A calculated question has no options; remove them.")
        return problems
    if kind == "numeric":
        problems = []
        if answer is None or tolerance is None or tolerance < 0:
            problems.append("A numeric question needs an answer and a tolerance of zero or more.")
        if choices:
            problems.append("A numeric question has no options; remove them.")
        return problems
    return []


NUMERIC_ANSWER_KEYS = ("value", "tolerance", "fraction", "feedback")


def numeric_answer_problems(answers, *, percent: bool = False) -> list[str]:
    """Why a numeric question's other answers (Moodle's several answers) could not be scored; [] if they can.

    Each is {"value", "tolerance", "fraction", "feedback"}: a number (or null, Moodle's "*": any other answer, so
    only last, where it cannot hide another), a tolerance of zero or more, a grade from -1 to 1 (-100 to 100 with
    `percent`, as the bank format writes grades) and optional feedback."""
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        return ['The other answers must be a list of {"value", "tolerance", "fraction", "feedback"} objects.']
    top = 100 if percent else 1
    problems = []
    for number, answer in enumerate(answers, 1):
        if unknown := sorted(set(answer) - set(NUMERIC_ANSWER_KEYS)):
            problems.append(f"Other answer {number} has unknown keys: {', '.join(unknown)}.")
        value = answer.get("value")
        if value is None and number < len(answers):
            problems.append(f"Other answer {number} takes any value (null), so the answers after it would never count.")
        elif value is not None and not _finite(value):
            problems.append(f"Other answer {number} has a value that is not a number.")
        if value is not None and not (_finite(answer.get("tolerance")) and answer["tolerance"] >= 0):
            problems.append(f"Other answer {number} needs a tolerance of zero or more.")
        if not (_finite(answer.get("fraction")) and -top <= answer["fraction"] <= top):
            problems.append(f"Other answer {number} needs a fraction from {-top} to {top} (its share of the mark).")
        if not isinstance(answer.get("feedback", ""), str):
            problems.append(f"Other answer {number} has feedback that is not text.")
    return problems


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
