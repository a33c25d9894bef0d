"""Question versions: what a question asked and how it was keyed, kept for every answer scored on it.

`content_of` is a plain function of a question and its options (it also runs in migrations, on historical
models); `version_for` cuts a new version when the live question has changed since its latest one; `shown` turns a
version back into what the feedback templates display, so an old answer is shown as it was marked.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction

from calcinosis.markup import render_markdown
from quizzes import calculated, scoring


def _number(value) -> str | None:
    return None if value is None else str(Decimal(value).normalize())


def content_of(question, options) -> dict:
    """The answer-relevant fields of a question and all of its options (retired ones too), as JSON; a calculated
    question's formula and ranges too, and an option's partial credit (each only where there is one, so no other
    question's content changes)."""
    content = {
        "kind": question.kind,
        "stem": question.stem,
        "teaching_point": question.teaching_point,
        "answer": _number(question.answer),
        "tolerance": _number(question.tolerance),
        "unit": question.unit,
        "options": [
            {
                "id": c.pk,
                "text": c.text,
                "correct": c.is_correct,
                "neutral": c.is_neutral,
                "retired": c.is_retired,
                "explanation": c.explanation,
                "site": c.site_id,
                "type": c.ctype_id,
            }
            for c in sorted(options, key=lambda c: (c.order, c.pk))
        ],
    }
    for option, c in zip(content["options"], sorted(options, key=lambda c: (c.order, c.pk)), strict=True):
        # Only an option with partial credit has the key, so no version cut before fractions existed changes.
        if getattr(c, "fraction", None) is not None:
            option["fraction"] = _number(c.fraction)
    if question.kind == "calculated":
        content["formula"] = question.formula
        content["variables"] = question.variables
    # A numeric question's feedback and other answers only where it has them, so no earlier version changes (both
    # fields are missing on the historical models of migrations before they existed).
    if getattr(question, "answer_feedback", ""):
        content["answer_feedback"] = question.answer_feedback
    if getattr(question, "numeric_answers", None):
        content["numeric_answers"] = question.numeric_answers
    return content


def version_for(question, options):
    """The version a new answer is recorded against: the latest, or a new one if the question changed since."""
    from quizzes.models import QuestionVersion

    content = content_of(question, options)
    latest = question.versions.order_by("-number").first()
    if latest is not None and latest.content == content:
        return latest
    try:
        with transaction.atomic():
            return QuestionVersion.objects.create(
                question=question, number=(latest.number + 1 if latest else 1), content=content
            )
    except IntegrityError:
        # Another learner's answer cut the same version a moment ago.
        return question.versions.order_by("-number").first()


@dataclass
class ShownOption:
    pk: int
    text: str
    is_correct: bool
    is_neutral: bool
    explanation: str
    site_id: int | None
    site: object = None


@dataclass
class Shown:
    """What the feedback shows of a question: the live one, or the version an answer was scored on."""

    number: int | None
    stem_html: str
    teaching_point_html: str
    answer: Decimal | None
    tolerance: Decimal | None
    unit: str
    options: list = field(default_factory=list)
    formula: str = ""  # a calculated question's formula; its answer and working are filled in by with_values
    working: str = ""
    answer_feedback: str = ""  # a numeric question's feedback on its answer, and its other answers (Moodle's)
    numeric_answers: list = field(default_factory=list)
    about_answer: str = ""  # the feedback of the answer a learner's value matched (shown_for)


def shown_live(question, options) -> Shown:
    return Shown(
        number=None,
        stem_html=question.stem_html,
        teaching_point_html=question.teaching_point_html,
        answer=question.answer,
        tolerance=question.tolerance,
        unit=question.unit,
        options=list(options),
        formula=question.formula if question.kind == "calculated" else "",
        answer_feedback=question.answer_feedback,
        numeric_answers=question.numeric_answers,
    )


def shown_version(version, sites: dict, question=None) -> Shown:
    """A stored version as the templates read it; `sites` maps BodySite ids to rows (for the body map). Text the
    version shares with `question` (the live one) reuses its stored HTML; only text since changed is rendered."""
    content = version.content
    options = [
        ShownOption(
            pk=o["id"],
            text=o["text"],
            is_correct=o["correct"],
            is_neutral=o["neutral"],
            explanation=o["explanation"],
            site_id=o["site"],
            site=sites.get(o["site"]),
        )
        for o in content["options"]
        if not o["retired"]
    ]
    return Shown(
        number=version.number,
        stem_html=_html(content["stem"], question, "stem"),
        teaching_point_html=_html(content["teaching_point"], question, "teaching_point"),
        answer=None if content["answer"] is None else Decimal(content["answer"]),
        tolerance=None if content["tolerance"] is None else Decimal(content["tolerance"]),
        unit=content["unit"],
        options=options,
        formula=content.get("formula", ""),
        answer_feedback=content.get("answer_feedback", ""),
        numeric_answers=content.get("numeric_answers", []),
    )


def _html(text: str, question, field: str) -> str:
    if question is not None and getattr(question, field) == text:
        return getattr(question, f"{field}_html")
    return render_markdown(text)


def in_display_order(options: list, *, kind: str, seed: str) -> list:
    """Single and select-all options in an order fixed per attempt and question, so the authored position of the
    key is no cue and a reload shows the same order; body-map regions keep the figure's head-to-foot order."""
    if kind not in ("single", "multiple"):
        return options
    ordered = sorted(options, key=lambda o: o.pk)
    random.Random(seed).shuffle(ordered)
    return ordered


def with_values(shown: Shown, values: dict | None) -> Shown:
    """A calculated question as this attempt asks it: its stem with the values drawn, its answer and working."""
    if calculated.complete(shown.formula, values):
        shown.stem_html = calculated.fill(shown.stem_html, values)
        shown.answer = calculated.shown_answer(shown.formula, values)
        shown.working = f"{calculated.working(shown.formula, values)} = {shown.answer}"
    return shown


def shown_for(*, question, options, response, seed: str, sites: dict | None = None) -> Shown:
    """What the question page and the results show: the version an answer was scored on, or the live question."""
    if response is not None:
        shown = shown_version(response.version, sites or {}, question)
    else:
        shown = shown_live(question, [o for o in options if not o.is_retired])
    shown.options = in_display_order(shown.options, kind=question.kind, seed=seed)
    if response is not None and question.kind == "numeric":
        shown.about_answer = about_answer(shown, response.value)
    return shown


def about_answer(shown: Shown, value: Decimal | None) -> str:
    """The feedback of the answer a numeric question's value is marked by: its own answer's, else that of the first
    other answer it matches, in the order scoring.score_numeric checks them; "" when none matches."""
    if value is None or shown.answer is None or shown.tolerance is None:
        return ""
    key = {"value": shown.answer, "tolerance": shown.tolerance, "feedback": shown.answer_feedback}
    match = scoring.numeric_match(value, [key, *shown.numeric_answers])
    return match.get("feedback", "") if match else ""
