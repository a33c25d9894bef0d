"""Validation of rows before import: what the loader would trip on, what would truncate, what no learner could
answer (the rule of quizzes.answerability)."""

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from quizzes import calculated, images
from quizzes.answerability import (
    MIN_OPTIONS,
    answerability_problems,
    enough_correct,
    numeric_answer_problems,
    option_problem,
)
from quizzes.exchange.markup import plugin_images
from quizzes.exchange.rows import ABOUT, KINDS, MAX_SLUG, SLUG_RE, TOPICS

# Column sizes in quizzes/models.py.
MAX_CHOICE_TEXT, MAX_UNIT, MAX_IMAGE_NAME = 300, 30, 255
# A heading id as Markdown's toc extension makes them, within Question.anchor's column size.
ANCHOR_RE = re.compile(r"[A-Za-z0-9_-]{1,100}")
# DecimalField(max_digits=12, decimal_places=4) holds less than this.
MAX_NUMBER = 10**8


@dataclass(frozen=True)
class Knowledge:
    """The slugs a question may point at, read from the database or from calcinosis/starter/knowledge.json."""

    sections: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    conditions: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()
    differentials: frozenset[str] = frozenset()
    cases: frozenset[str] = frozenset()
    # Section slug -> the ids of its headings, when known (from a database): an anchor must be one of them.
    headings: Mapping[str, frozenset[str]] | None = None

    @classmethod
    def from_json(cls, data: dict) -> "Knowledge":
        """From knowledge.json's shape: each field a list of objects with a slug (no headings: pages are Markdown)."""
        return cls(**{name: frozenset(item["slug"] for item in data.get(name, [])) for name in _SLUG_FIELDS})


_SLUG_FIELDS = ("sections", "types", "conditions", "sites", "differentials", "cases")

# ---------------------------------------------------------------- validation


def validate_rows(rows, knowledge: Knowledge) -> list[str]:
    """Every problem of a whole file: each row's, and slugs used twice (the second would be skipped unseen)."""
    if not isinstance(rows, list):
        return ["The file holds no list of questions."]
    problems = [problem for row in rows for problem in validate_row(row, knowledge)]
    slugs = Counter(row["slug"] for row in rows if isinstance(row, dict) and isinstance(row.get("slug"), str))
    problems += [f"Slug {slug!r} is used by {n} questions in the file." for slug, n in slugs.items() if n > 1]
    return problems


def validate_row(row, knowledge: Knowledge) -> list[str]:
    """Every problem of one question in the JSON format, as sentences naming it; [] when it can be loaded.

    The rules are those of the models and of answering: what the loader would trip on, what would truncate, and
    what no learner could answer. Editorial rules (option counts, wording) belong to the content tests.
    """
    if isinstance(knowledge, dict):
        knowledge = Knowledge(**{name: frozenset(knowledge.get(name, ())) for name in _SLUG_FIELDS})
    if not isinstance(row, dict):
        return [f"A question is a {type(row).__name__}, not an object."]
    check = _KIND_CHECKS.get(row["kind"]) if _known(row.get("kind"), KINDS) else lambda row, knowledge: []
    problems = _common_problems(row) + _link_problems(row, knowledge) + check(row, knowledge) + _stray_fields(row)
    problems += _nul_problems(row) + _image_problems(row)
    return [f"Question {_name(row)}: {problem}" for problem in problems]


def _nul_problems(row: dict) -> list[str]:
    """PostgreSQL cannot store a NUL character in text; JSON can carry one as \\u0000. Walked without recursion, so
    a row nested however deep cannot exhaust the stack."""
    stack = [row]
    while stack:
        value = stack.pop()
        if isinstance(value, str) and "\x00" in value:
            return ["it holds a NUL character (\\u0000), which the database cannot store; remove it."]
        if isinstance(value, dict):
            stack += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            stack += value
    return []


def _image_problems(row: dict) -> list[str]:
    """The files a question's Markdown shows ({"name", "data"}: base64) must each be a PNG, JPEG, GIF or WebP image
    of a sensible size (quizzes.images), and every image its stem and teaching point show must be among them."""
    files = row.get("images", [])
    if not isinstance(files, list) or not all(
        isinstance(f, dict) and _text(f.get("name")) and isinstance(f.get("data"), str) for f in files
    ):
        return ['images must be a list of {"name": ..., "data": base64} objects.']
    problems = [
        f"image {f['name'][:40]!r}... has a name longer than {MAX_IMAGE_NAME} characters."
        for f in files
        if len(f["name"]) > MAX_IMAGE_NAME
    ]
    for file in files:
        try:
            images.extension_of(images.decoded(file["data"], file["name"]), file["name"])
        except ValueError as error:
            problems.append(str(error))
    names = Counter(file["name"] for file in files)
    problems += [f"two images are named {name!r}." for name, n in names.items() if n > 1]
    texts = " ".join(row.get(field) for field in ("stem", "teaching_point") if isinstance(row.get(field), str))
    shown = dict.fromkeys(name for name, _ in plugin_images(texts))
    problems += [f"it shows image {name!r}, which is not among its images." for name in shown if name not in names]
    return problems


def _name(row: dict) -> str:
    slug = row.get("slug")
    if isinstance(slug, str) and slug:
        return repr(slug)
    return f"without a slug (stem {str(row.get('stem', ''))[:50]!r})"


def _common_problems(row: dict) -> list[str]:
    problems = _slug_problems(row.get("slug"))
    if not _known(row.get("kind"), KINDS):
        problems.append(f"unknown kind {row.get('kind')!r} (expected one of {', '.join(KINDS)}).")
    if not _known(row.get("topic"), TOPICS):
        problems.append(f"unknown topic {row.get('topic')!r} (expected one of {', '.join(TOPICS)}).")
    if not _text(row.get("stem")):
        problems.append("it has no stem.")
    # A question may arrive without one (Moodle's general feedback is optional): it is imported and listed for an
    # instructor to write (the admin's "needs a teaching point").
    if not isinstance(row.get("teaching_point", ""), str):
        problems.append("its teaching point must be text.")
    if not isinstance(row.get("is_published", True), bool):
        problems.append("is_published must be true or false.")
    return problems


def _slug_problems(slug) -> list[str]:
    if not slug:
        return ["it has no slug."]
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
        return ["its slug is not kebab-case (lowercase letters and digits joined by single hyphens)."]
    if len(slug) > MAX_SLUG:
        return [f"its slug is longer than {MAX_SLUG} characters."]
    return []


def _link_problems(row: dict, knowledge: Knowledge) -> list[str]:
    problems = []
    section = row.get("section")
    if section is not None and not _known(section, knowledge.sections):
        problems.append(f"unknown section {section!r}.")
    anchor = row.get("anchor") or None  # "" is no anchor, as the loader reads it
    if anchor is not None and (not isinstance(anchor, str) or not ANCHOR_RE.fullmatch(anchor)):
        problems.append("its anchor must be the id of a heading, such as 'skin-biopsy'.")
    elif anchor and section is None:
        problems.append("it has an anchor but no section for it to be on.")
    elif anchor and isinstance(section, str) and anchor not in (knowledge.headings or {}).get(section, {anchor}):
        ids = ", ".join(sorted(knowledge.headings[section])) or "none"
        problems.append(f"section {section!r} has no heading {anchor!r} (its headings: {ids}).")
    about = row.get("about", {})
    if not isinstance(about, dict):
        return [*problems, "about must be an object of slug lists."]
    for key, slugs in about.items():
        if key not in ABOUT:
            problems.append(f"unknown key {key!r} in about (expected {', '.join(ABOUT)}).")
        elif not _slug_list(slugs):
            problems.append(f"about.{key} must be a list of slugs.")
        elif unknown := sorted(set(slugs) - getattr(knowledge, key)):
            problems.append(f"unknown {key} in about: {', '.join(map(repr, unknown))}.")
    return problems + _case_problems(row, knowledge)


def _case_problems(row: dict, knowledge: Knowledge) -> list[str]:
    case, stage = row.get("case"), row.get("stage")
    if case is not None and not _known(case, knowledge.cases):
        return [f"unknown case {case!r}."]
    if stage is not None and (case is None or not isinstance(stage, int) or isinstance(stage, bool) or stage < 1):
        return ["stage must be the order (1, 2, ...) of a stage of its case."]
    return []


def _choice_problems(row: dict, knowledge: Knowledge) -> list[str]:
    choices = row.get("choices")
    if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
        return ["choices must be a list of objects."]
    single = row["kind"] == "single"
    problems = [p for i, c in enumerate(choices, 1) for p in _option_problems(i, c, knowledge, single)]
    texts = Counter(c.get("text", "").strip() for c in choices if isinstance(c.get("text"), str))
    problems += [f"two options read {text!r}." for text, n in texts.items() if text and n > 1]
    # The rule of quizzes.answerability, told with the counts, as an author fixing a file needs them.
    correct = sum(1 for c in choices if c.get("correct") is True)
    if len(choices) < MIN_OPTIONS:
        problems.append(f"it needs at least two options; it has {len(choices)}.")
    if not enough_correct(row["kind"], correct):
        problems.append(
            f"a single-best-answer question needs exactly one correct option; it has {correct}."
            if row["kind"] == "single"
            else "a select-all question needs at least one correct option; it has none."
        )
    return problems


def _option_problems(number: int, choice: dict, knowledge: Knowledge, single: bool) -> list[str]:
    problems = []
    text = choice.get("text")
    if not _text(text):
        problems.append(f"option {number} has no text.")
    elif len(text) > MAX_CHOICE_TEXT:
        problems.append(f"option {number} is longer than {MAX_CHOICE_TEXT} characters.")
    if not isinstance(choice.get("correct"), bool):
        problems.append(f"option {number} needs correct: true or false.")
    if not isinstance(choice.get("explanation", ""), str):
        problems.append(f"option {number} has an explanation that is not text.")
    if "type" in choice and not _known(choice["type"], knowledge.types):
        problems.append(f"option {number} stands for an unknown type {choice['type']!r}.")
    return problems + _fraction_problems(number, choice, single)


def _fraction_problems(number: int, choice: dict, single: bool) -> list[str]:
    """An option's partial credit, in percent as Moodle writes it, must agree with whether it is marked correct."""
    if choice.get("fraction") is None:
        return []
    fraction = choice["fraction"]
    if not _number_ok(fraction) or not -100 <= fraction <= 100:
        return [f"option {number} has a fraction that is not a grade from -100 to 100."]
    counts = fraction >= 99.99 if single else fraction > 0
    if choice.get("correct") is True and not counts:
        rule = "a single-answer question's correct option is worth 100%" if single else "a correct one earns credit"
        return [f"option {number} is marked correct but worth {fraction}% ({rule})."]
    if choice.get("correct") is False and counts:
        return [f"option {number} is marked wrong but worth {fraction}%."]
    return []


def _bodymap_problems(row: dict, knowledge: Knowledge) -> list[str]:
    spec = row.get("sites")
    if not isinstance(spec, dict):
        return ['a body-map question needs "sites": {"correct": [...], "recognised": [...], "explanations": {...}}.']
    for name in ("correct", "recognised"):
        if not _slug_list(spec.get(name, [])):
            return [f"sites.{name} must be a list of regions."]
    correct, recognised = spec.get("correct", []), spec.get("recognised", [])
    explanations = spec.get("explanations", {})
    problems = _region_answerability(correct, recognised)
    for name, regions in (("correct", correct), ("recognised", recognised)):
        if unknown := sorted(set(regions) - knowledge.sites):
            problems.append(f"unknown regions among the {name} ones: {', '.join(map(repr, unknown))}.")
        if len(set(regions)) != len(regions):
            problems.append(f"a {name} region is listed twice.")
    if not isinstance(explanations, dict) or not all(isinstance(v, str) for v in explanations.values()):
        problems.append("sites.explanations must map regions to text.")
    elif unknown := sorted(set(explanations) - knowledge.sites):
        problems.append(f"unknown regions among the explanations: {', '.join(map(repr, unknown))}.")
    return problems


def _region_answerability(correct: list[str], recognised: list[str]) -> list[str]:
    """The rule of quizzes.answerability on the regions as the loader makes them options, naming a region at fault."""
    regions = {r: {"is_correct": r in correct, "is_neutral": r in recognised} for r in [*correct, *recognised]}
    named = [f"region {r!r}: {_clause(p)}" for r, option in regions.items() if (p := option_problem("bodymap", option))]
    return named or [_clause(p) for p in answerability_problems("bodymap", list(regions.values()))]


def _numeric_problems(row: dict, knowledge: Knowledge) -> list[str]:
    # A value no column could hold counts as none; options are named by _stray_fields.
    answer, tolerance = (row.get(key) if _number_ok(row.get(key)) else None for key in ("answer", "tolerance"))
    problems = [_clause(p) for p in answerability_problems("numeric", [], answer, tolerance)]
    unit = row.get("unit", "")
    if not isinstance(unit, str) or len(unit) > MAX_UNIT:
        problems.append(f"its unit must be text of at most {MAX_UNIT} characters.")
    if not isinstance(row.get("answer_feedback", ""), str):
        problems.append("its answer_feedback must be text.")
    others = row.get("numeric_answers", [])
    problems += [_clause(p) for p in numeric_answer_problems(others, percent=True)]
    if isinstance(others, list) and any(isinstance(a, dict) and _too_big(a) for a in others):
        problems.append(f"an other answer's value or tolerance is {MAX_NUMBER:,} or more, too large to be an answer.")
    return problems


def _too_big(answer: dict) -> bool:
    return any(_finite(answer.get(key)) and abs(answer[key]) >= MAX_NUMBER for key in ("value", "tolerance"))


def _calculated_problems(row: dict, knowledge: Knowledge) -> list[str]:
    tolerance = row.get("tolerance") if _number_ok(row.get("tolerance")) else None
    problems = [_clause(p) for p in answerability_problems("calculated", [], None, tolerance)]
    problems += [_clause(p) for p in calculated.problems(row.get("formula"), row.get("variables"))]
    unit = row.get("unit", "")
    if not isinstance(unit, str) or len(unit) > MAX_UNIT:
        problems.append(f"its unit must be text of at most {MAX_UNIT} characters.")
    return problems


def _stray_fields(row: dict) -> list[str]:
    """Keys of another kind usually mean the kind is wrong, and the loader would silently drop them."""
    kind = row.get("kind")
    if not _known(kind, KINDS):
        return []
    strays = []
    if kind not in ("single", "multiple") and row.get("choices"):
        strays.append("choices")
    if kind != "bodymap" and row.get("sites"):
        strays.append("sites")
    if kind != "numeric":
        strays += [key for key in ("answer",) if row.get(key) is not None]
    if kind not in ("numeric", "calculated") and row.get("tolerance") is not None:
        strays.append("tolerance")
    if kind != "calculated":
        strays += [key for key in ("formula", "variables") if row.get(key)]
    if kind != "numeric":
        strays += [key for key in ("answer_feedback", "numeric_answers") if row.get(key)]
    return [f"a {kind} question does not take {', '.join(strays)}."] if strays else []


_KIND_CHECKS: dict[str, Callable[[dict, Knowledge], list[str]]] = {
    "single": _choice_problems,
    "multiple": _choice_problems,
    "bodymap": _bodymap_problems,
    "numeric": _numeric_problems,
    "calculated": _calculated_problems,
}


def _clause(sentence: str) -> str:
    """A sentence of quizzes.answerability as the clause after "Question 'slug': "."""
    return sentence[0].lower() + sentence[1:]


def _known(value, names) -> bool:
    """A slug among the known ones; anything else, even unhashable, is not."""
    return isinstance(value, str) and value in names


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _slug_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _number_ok(value) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) < MAX_NUMBER
    )


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
