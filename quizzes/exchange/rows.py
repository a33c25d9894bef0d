"""The row shape: a question as a dict of the JSON bank format (quizzes/starter/README.md), and what the Moodle XML
and GIFT modules share to write rows and read them back.

What Moodle XML and GIFT cannot say natively travels as Moodle tags (``section:dystrophic``, ``anchor:histology``,
``type:dystrophic``,
``condition:...``, ``site:...``, ``differential:...``, ``kind:bodymap``, ``case:...``, ``stage:2``; in GIFT also
``unit:...`` and ``unpublished``), in ``<tags>`` and in GIFT's ``// [id:slug] [tag:...]`` comment, which Moodle
itself reads and writes. A question's slug is its Moodle ID number and name.
"""

import dataclasses
import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from quizzes.exchange.markup import PLUGINFILE

# Kept equal to quizzes.models.Kind and Topic by a test; repeated here so this module needs no Django.
KINDS = ("single", "multiple", "bodymap", "numeric", "calculated")
TOPICS = {
    "type": "Type",
    "distribution": "Distribution",
    "differential": "Differential diagnosis",
    "extent": "Extent",
    "history": "Clinical history",
    "epidemiology": "Epidemiology",
    "etiology": "Etiology",
    "pathophysiology": "Pathophysiology",
    "laboratory": "Laboratory",
    "examination": "Examination",
    "management": "Management",
}
ABOUT = ("types", "conditions", "sites", "differentials")
# Question.slug's column size in quizzes/models.py.
MAX_SLUG = 80
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def as_row(question) -> dict:
    """A Question (choices, their site and type, and links prefetched) as a row of the JSON format.

    Optional keys appear only when they say something: ``is_published`` when false, ``case`` and ``stage`` for a
    case question, so the starter bank exports exactly as questions.json holds it.
    """
    row = {
        "slug": question.slug,
        "kind": question.kind,
        "topic": question.topic,
        "stem": question.stem,
        "teaching_point": question.teaching_point,
        "section": question.section.slug if question.section_id else None,
        "about": {field: sorted(k.slug for k in getattr(question, field).all()) for field in ABOUT},
    }
    if question.anchor:
        row = _after(row, "section", "anchor", question.anchor)
    row.update(_answer_key(question))
    if not question.is_published:
        row["is_published"] = False
    if question.case_id:
        row["case"] = question.case.slug
        row["stage"] = question.stage.order if question.stage_id else None
    return _with_images(row, question)


def _with_images(row: dict, question) -> dict:
    """The question's images (QuestionImage) carried in the row as the files Moodle XML embeds, {"name", "data"}
    (base64), and its Markdown's links to them pointed back at Moodle's marker, so the row imports anywhere."""
    embedded = [(image, image.as_row()) for image in question.images.all()]
    embedded = [(image, file) for image, file in embedded if file is not None]  # a file lost from the disk
    if not embedded:
        return row
    for field in ("stem", "teaching_point"):
        for image, file in embedded:
            row[field] = row[field].replace(f"]({image.image.url})", f"]({PLUGINFILE}{quote(file['name'])})")
    return {**row, "images": [file for _, file in embedded]}


def _after(row: dict, key: str, new_key: str, value) -> dict:
    """The row with new_key placed right after key, so an exported row reads in the order an author writes it."""
    items = list(row.items())
    at = [name for name, _ in items].index(key) + 1
    return dict([*items[:at], (new_key, value), *items[at:]])


def _answer_key(question) -> dict:
    choices = list(question.choices.all())
    if question.kind == "numeric":
        key = {"answer": _float(question.answer), "tolerance": _float(question.tolerance), "unit": question.unit}
        return key | numeric_extras(question.answer_feedback, question.numeric_answers, scale=100)
    if question.kind == "calculated":
        return {
            "formula": question.formula,
            "variables": question.variables,
            "tolerance": _float(question.tolerance),
            "unit": question.unit,
        }
    if question.kind == "bodymap":
        regions = [c for c in choices if c.site_id]
        return {
            "sites": {
                "correct": [c.site.slug for c in regions if c.is_correct],
                "recognised": [c.site.slug for c in regions if c.is_neutral],
                "explanations": {c.site.slug: c.explanation for c in regions},
            }
        }
    return {"choices": [_choice(c) for c in choices]}


def _choice(choice) -> dict:
    row = {"text": choice.text, "correct": choice.is_correct, "explanation": choice.explanation}
    if choice.fraction is not None:
        row["fraction"] = percent(choice.fraction * 100)
    if choice.ctype_id:
        row["type"] = choice.ctype.slug
    return row


def numeric_extras(feedback: str, others: list[dict], *, scale: float) -> dict:
    """A numeric question's feedback on its answer and its other answers, keyed as a row or a Question has them, each
    only when there is one (so a question without them exports as before); `scale` turns each other answer's grade
    from the one form into the other: 100 from a Question's fraction (0.5) to a row's percent (50), 0.01 back."""
    extras = {"answer_feedback": feedback} if feedback else {}
    if others:
        extras["numeric_answers"] = [{**other, "fraction": _scaled(other["fraction"], scale)} for other in others]
    return extras


def _scaled(fraction, scale: float) -> int | float:
    return percent(float(fraction) * scale) if scale > 1 else round(float(fraction) * scale, 7)


def percent(value) -> int | float:
    """A Moodle grade in percent as JSON writes it: 50, 83.33333, -12.5."""
    number = round(float(value), 5)
    return int(number) if number.is_integer() else number


def _float(value) -> float | None:
    return None if value is None else float(value)


def rows_of(questions: Iterable) -> list[dict]:
    """Questions as JSON rows; rows pass through, so the writers work on both."""
    return [q if isinstance(q, dict) else as_row(q) for q in questions]


def options_of(row: dict) -> list[dict]:
    """The options a learner sees, as {text, correct, neutral, explanation}: a body map's are its regions.

    A body map's recognised regions are neutral: Moodle gives them a fraction of 0, as our scoring does."""
    if row["kind"] != "bodymap":
        return row.get("choices", [])
    spec = row["sites"]
    correct, recognised, explanations = spec["correct"], spec.get("recognised", []), spec.get("explanations", {})
    regions = list(dict.fromkeys([*explanations, *correct, *recognised]))
    return [
        {
            "text": region_name(s),
            "correct": s in correct,
            "neutral": s in recognised,
            "explanation": explanations.get(s, ""),
        }
        for s in regions
    ]


def region_name(slug: str) -> str:
    """A region's name from its slug, as the starter knowledge names them ("lower-legs" -> "Lower legs")."""
    return slug.replace("-", " ").capitalize()


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def stable_slug(stem: str, options: Iterable[str] = ()) -> str:
    """A slug for a question that came without one: the same text always gives the same slug, so importing the same
    file again skips it instead of duplicating it."""
    digest = hashlib.sha256("\n".join([stem, *options]).encode()).hexdigest()[:8]
    words = slugify(stem)[:60].strip("-")
    return f"{words}-{digest}" if words else f"question-{digest}"


def tags_of(row: dict) -> list[str]:
    """What Moodle XML and GIFT lack a place for, as Moodle tags."""
    tags = [f"section:{row['section']}"] if row.get("section") else []
    if row.get("section") and row.get("anchor"):
        tags.append(f"anchor:{row['anchor']}")
    for field in ABOUT:
        tags += [f"{field[:-1]}:{slug}" for slug in row.get("about", {}).get(field, [])]
    if row["kind"] == "bodymap":
        tags.append("kind:bodymap")
    if row.get("case"):
        tags.append(f"case:{row['case']}")
    if row.get("stage"):
        tags.append(f"stage:{row['stage']}")
    return tags


def _read_tags(tags: Iterable[str]) -> dict:
    marks = {"section": None, "about": {field: [] for field in ABOUT}, "bodymap": False}
    for tag in tags:
        name, _, value = tag.strip().partition(":")
        if name == "kind":
            marks["bodymap"] = value == "bodymap"
        elif f"{name}s" in ABOUT:
            marks["about"][f"{name}s"].append(value)
        elif name == "stage" and value.isdigit():
            marks["stage"] = int(value)
        elif name in ("section", "anchor", "case", "unit") and value:
            marks[name] = value
        elif name == "unpublished":
            marks["unpublished"] = True
    return marks


def row_from(
    *,
    ids: list[str],
    topic: str,
    stem: str,
    teaching_point: str,
    tags: list[str],
    key: dict,
    hidden: bool = False,
    images: list[dict] | None = None,
) -> dict:
    """A row of the JSON format from what Moodle XML or GIFT gave, with the tags we wrote put back in place; `images`
    are the files its Markdown shows ({"name", "data"}: base64), as Moodle XML embeds them."""
    marks = _read_tags(tags)
    if marks["bodymap"] and "choices" in key:
        key = _bodymap_key(key["choices"])
    elif "choices" in key:
        key = {**key, "choices": [{k: v for k, v in c.items() if k != "neutral"} for c in key["choices"]]}
    if "unit" in marks and key["kind"] == "numeric":
        key = {**key, "unit": marks["unit"]}
    row = {
        "slug": _slug(ids, stem, key),
        "kind": key["kind"],
        "topic": topic,
        "stem": stem,
        "teaching_point": teaching_point,
        "section": marks["section"],
        "about": marks["about"],
    }
    if marks["section"] and marks.get("anchor"):
        row = _after(row, "section", "anchor", marks["anchor"])
    row.update((name, value) for name, value in key.items() if name != "kind")
    if hidden or marks.get("unpublished"):
        row["is_published"] = False
    if "case" in marks:
        row["case"], row["stage"] = marks["case"], marks.get("stage")
    if images:
        row["images"] = images
    return row


def _slug(ids: list[str], stem: str, key: dict) -> str:
    """The first id that is a valid slug (Moodle's ID number, then the name), else one derived from the text."""
    valid = [i for i in ids if i and SLUG_RE.fullmatch(i) and len(i) <= MAX_SLUG]
    options = [c["text"] for c in key.get("choices", [])] + sorted(key.get("sites", {}).get("explanations", {}))
    return valid[0] if valid else stable_slug(stem, options)


def _bodymap_key(choices: list[dict]) -> dict:
    """Regions come back by name; their slugs are the names slugified, as region_name() wrote them."""
    return {
        "kind": "bodymap",
        "sites": {
            "correct": [slugify(c["text"]) for c in choices if c["correct"]],
            "recognised": [slugify(c["text"]) for c in choices if c.get("neutral")],
            "explanations": {slugify(c["text"]): c["explanation"] for c in choices},
        },
    }


def topic_from(category: str) -> str:
    """A topic from a category path's last part: its value ("type") or its label ("Differential diagnosis")."""
    last = category.strip().rstrip("/").rpartition("/")[2].strip()
    labels = {label.lower(): value for value, label in TOPICS.items()}
    return labels.get(last.lower(), last.lower() if last.lower() in TOPICS else last)


def format_number(value) -> str:
    return repr(float(value)).removesuffix(".0")


def fractions(options: list[dict], single: bool) -> list[str]:
    """Moodle grades as percentages: an option's own ``fraction`` when it has one (partial credit); otherwise a
    multiple-answer question's right options share 100 and each wrong one takes back as much as a right one gives,
    as quizzes.scoring.score_partial does; all are in Moodle's list of grades for up to ten right options. A neutral
    option (a body map's recognised region) is worth 0 either way."""
    if any(o.get("fraction") is not None for o in options):
        return [percent_text(o["fraction"]) if o.get("fraction") is not None else "0" for o in options]
    return default_fractions(options, single)


def default_fractions(options: list[dict], single: bool) -> list[str]:
    """The grades an option gets without a fraction of its own: what the app scores it by."""
    right = sum(1 for o in options if o["correct"]) or 1
    share = f"{100 / right:.5f}".rstrip("0").rstrip(".")
    if single:
        return ["100" if o["correct"] else "0" for o in options]
    return [share if o["correct"] else "0" if o.get("neutral") else f"-{share}" for o in options]


def percent_text(value) -> str:
    """A grade in percent as Moodle XML and GIFT write it: 50, -33.33333, 0."""
    number = float(value)
    return f"{number:.5f}".rstrip("0").rstrip(".") if number else "0"


def weighted_choices(choices: list[dict], grades: list[float], single: bool) -> list[dict]:
    """Options read with Moodle's grades (percent): each keeps its grade as ``fraction`` only when the grades are not
    the ones the app gives anyway (default_fractions), so a file we wrote reads back without any. Only a body map
    has neutral options, and its regions take no fractions: here a 0% option of a select-all is wrong, which the app
    would score -1/n, so it keeps its 0."""
    plain = [{**choice, "neutral": False} for choice in choices]
    default = [float(f) for f in default_fractions(plain, single)]
    if all(abs(grade - usual) < 1e-4 for grade, usual in zip(grades, default, strict=True)):
        return choices
    return [{**choice, "fraction": percent(grade)} for choice, grade in zip(choices, grades, strict=True)]


@dataclasses.dataclass
class Reading:
    """What a reader tells besides the rows: the questions it could not read ({"name", "kind", "reason"}), what it
    had to leave out of those it read (same shape), and the slugs it made from a question's name or text rather than
    took from an explicit id (Moodle's ID number, GIFT's [id:...], a JSON slug), which import_questions may rename."""

    skipped: list[dict] = dataclasses.field(default_factory=list)
    notes: list[dict] = dataclasses.field(default_factory=list)
    named: set[str] = dataclasses.field(default_factory=set)


@dataclasses.dataclass(frozen=True)
class NumericAnswer:
    """One answer of a Moodle numerical question: its grade in percent, the value (None for Moodle's "*", any other
    answer), the tolerance and its feedback."""

    grade: float
    value: float | None
    tolerance: float
    feedback: str = ""


def numeric_key(answers: list[NumericAnswer], where: str) -> tuple[dict, list[str]]:
    """The key of a numeric question from Moodle's answers, and what it had to leave out (as notes).

    The first answer worth 100% is the question's answer, with its tolerance and feedback; every other answer, in the
    file's order, is kept as one of its other answers (value, tolerance, grade in percent, feedback), Moodle's "*"
    (any other answer) with a null value. Moodle marks by the first answer that matches, here the full-credit one is
    checked first: an answer before it that overlaps it is told in the notes. Answers after a "*" can never match,
    in Moodle either: they are left out, and told. No answer worth 100% raises ValueError (listed as unsupported)."""
    full = [a for a in answers if a.value is not None and a.grade > 99.99]
    if not full:
        raise ValueError(f"{where} has no numerical answer worth 100%.")
    best, notes = full[0], []
    others = [a for a in answers if a is not best]
    catch_all = next((i for i, a in enumerate(others) if a.value is None), len(others))
    if catch_all + 1 < len(others):
        notes.append(
            "its answers after “any other answer” (*) were left out: they could never count, in Moodle either."
        )
        others = others[: catch_all + 1]
    earlier = [a for a in answers[: answers.index(best)] if a.value is None or _overlap(a, best)]
    notes += [
        f"its {percent(a.grade)}% answer {_shown(a)} comes before its 100% answer in the file, and both accept some "
        "values: Moodle gives those the earlier answer's grade, here the 100% answer is checked first."
        for a in earlier
    ]
    key = {"kind": "numeric", "answer": best.value, "tolerance": abs(best.tolerance), "unit": ""}
    if best.feedback.strip():
        key["answer_feedback"] = best.feedback.strip()
    if others:
        key["numeric_answers"] = [
            {
                "value": a.value,
                "tolerance": 0 if a.value is None else abs(a.tolerance),
                "fraction": percent(a.grade),
                "feedback": a.feedback.strip(),
            }
            for a in others
        ]
    return key, notes


def _overlap(a: NumericAnswer, b: NumericAnswer) -> bool:
    return abs(a.value - b.value) <= abs(a.tolerance) + abs(b.tolerance) + 1e-12


def _shown(answer: NumericAnswer) -> str:
    if answer.value is None:
        return "for any other answer (*)"
    return f"{format_number(answer.value)} ± {format_number(abs(answer.tolerance))}"


def same_question(a: dict, b: dict) -> bool:
    """Whether two rows ask the same thing: kind, stem, options and key (whitespace, option order, explanations and
    the teaching point aside), as import_questions compares a question with the one already holding its slug."""
    return _content(a) == _content(b)


def _content(row: dict) -> tuple:
    def number(value):
        return None if value is None else round(float(value), 4)

    options = sorted(
        (" ".join(str(c.get("text", "")).split()), bool(c.get("correct")), number(c.get("fraction")))
        for c in row.get("choices", [])
    )
    sites = row.get("sites") or {}
    return (
        row.get("kind"),
        " ".join(str(row.get("stem", "")).split()),
        tuple(options),
        number(row.get("answer")),
        number(row.get("tolerance")),
        row.get("unit", ""),
        row.get("formula", ""),
        repr(sorted((row.get("variables") or {}).items())),
        tuple(sorted(sites.get("correct", []))),
        tuple(sorted(sites.get("recognised", []))),
        tuple(
            (number(a.get("value")), number(a.get("tolerance")), number(a.get("fraction")))
            for a in row.get("numeric_answers") or []
        ),
    )


def free_slug(row: dict, taken: Mapping[str, dict]) -> str:
    """The slug a question read under a name should take: its own when free or held by the same question (import
    then skips it), else the first of name-2, name-3, ... that is free or holds the same question. `taken` maps
    slugs in use (in the bank and earlier in the file) to their rows."""
    base, number = row["slug"], 1
    while True:
        suffix = f"-{number}" if number > 1 else ""
        candidate = base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix
        if candidate not in taken or same_question(row, taken[candidate]):
            return candidate
        number += 1


def parse_number(value: str, where: str) -> float:
    number = float_or_none(value)
    if number is None:
        raise ValueError(f"{where}: {value.strip()!r} is not a number.")
    return number


def float_or_none(value: str) -> float | None:
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None
