"""Question exchange: the JSON bank format (quizzes/starter/README.md), Moodle XML and GIFT, both ways.

Pure code, no Django: the management commands fetch and save; this module checks rows, writes files and reads them
back into rows of the JSON format, which the starter loader then creates.

What Moodle XML and GIFT cannot say natively travels as Moodle tags (``section:dystrophic``, ``type:dystrophic``,
``condition:...``, ``site:...``, ``differential:...``, ``kind:bodymap``, ``case:...``, ``stage:2``; in GIFT also
``unit:...`` and ``unpublished``), in ``<tags>`` and in GIFT's ``// [id:slug] [tag:...]`` comment, which Moodle
itself reads and writes. A question's slug is its Moodle ID number and name.
"""

import hashlib
import html
import json
import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from html.parser import HTMLParser
from xml.sax.saxutils import escape

from calcinosis.markup import render_markdown

# Kept equal to quizzes.models.Kind and Topic by a test; repeated here so this module needs no Django.
KINDS = ("single", "multiple", "bodymap", "numeric")
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
# Column sizes in quizzes/models.py.
MAX_SLUG, MAX_CHOICE_TEXT, MAX_UNIT = 80, 300, 30
# DecimalField(max_digits=12, decimal_places=4) holds less than this.
MAX_NUMBER = 10**8
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Knowledge:
    """The slugs a question may point at, read from the database or from calcinosis/starter/knowledge.json."""

    sections: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    conditions: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()
    differentials: frozenset[str] = frozenset()
    cases: frozenset[str] = frozenset()

    @classmethod
    def from_json(cls, data: dict) -> "Knowledge":
        """From knowledge.json's shape: each field a list of objects with a slug."""
        return cls(**{f.name: frozenset(item["slug"] for item in data.get(f.name, [])) for f in fields(cls)})


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
        knowledge = Knowledge(**{f.name: frozenset(knowledge.get(f.name, ())) for f in fields(Knowledge)})
    if not isinstance(row, dict):
        return [f"A question is a {type(row).__name__}, not an object."]
    check = _KIND_CHECKS.get(row["kind"]) if _known(row.get("kind"), KINDS) else lambda row, knowledge: []
    problems = _common_problems(row) + _link_problems(row, knowledge) + check(row, knowledge) + _stray_fields(row)
    return [f"Question {_name(row)}: {problem}" for problem in problems]


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
    if not _text(row.get("teaching_point")):
        problems.append("it has no teaching point (in Moodle XML the general feedback, in GIFT the text after ####).")
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
    problems = [p for i, c in enumerate(choices, 1) for p in _option_problems(i, c, knowledge)]
    texts = Counter(c.get("text", "").strip() for c in choices if isinstance(c.get("text"), str))
    problems += [f"two options read {text!r}." for text, n in texts.items() if text and n > 1]
    correct = sum(1 for c in choices if c.get("correct") is True)
    if len(choices) < 2:
        problems.append(f"it needs at least two options; it has {len(choices)}.")
    if row["kind"] == "single" and correct != 1:
        problems.append(f"a single-best-answer question needs exactly one correct option; it has {correct}.")
    if row["kind"] == "multiple" and correct < 1:
        problems.append("a select-all question needs at least one correct option; it has none.")
    return problems


def _option_problems(number: int, choice: dict, knowledge: Knowledge) -> list[str]:
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
    return problems


def _bodymap_problems(row: dict, knowledge: Knowledge) -> list[str]:
    spec = row.get("sites")
    if not isinstance(spec, dict):
        return ['a body-map question needs "sites": {"correct": [...], "recognised": [...], "explanations": {...}}.']
    correct, recognised = spec.get("correct"), spec.get("recognised", [])
    explanations = spec.get("explanations", {})
    if not _slug_list(correct) or not correct:
        return ["a body-map question needs at least one correct region."]
    if not _slug_list(recognised):
        return ["sites.recognised must be a list of regions."]
    problems = []
    for name, regions in (("correct", correct), ("recognised", recognised)):
        if unknown := sorted(set(regions) - knowledge.sites):
            problems.append(f"unknown regions among the {name} ones: {', '.join(map(repr, unknown))}.")
        if len(set(regions)) != len(regions):
            problems.append(f"a {name} region is listed twice.")
    if both := sorted(set(correct) & set(recognised)):
        problems.append(f"a region cannot be both correct and recognised: {', '.join(map(repr, both))}.")
    if not isinstance(explanations, dict) or not all(isinstance(v, str) for v in explanations.values()):
        problems.append("sites.explanations must map regions to text.")
    elif unknown := sorted(set(explanations) - knowledge.sites):
        problems.append(f"unknown regions among the explanations: {', '.join(map(repr, unknown))}.")
    return problems


def _numeric_problems(row: dict, knowledge: Knowledge) -> list[str]:
    answer, tolerance, unit = row.get("answer"), row.get("tolerance"), row.get("unit", "")
    problems = []
    if not _number_ok(answer):
        problems.append("a numeric question needs an answer (a number).")
    if not _number_ok(tolerance) or tolerance < 0:
        problems.append("a numeric question needs a tolerance of zero or more.")
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
        strays += [key for key in ("answer", "tolerance") if row.get(key) is not None]
    return [f"a {kind} question does not take {', '.join(strays)}."] if strays else []


_KIND_CHECKS: dict[str, Callable[[dict, Knowledge], list[str]]] = {
    "single": _choice_problems,
    "multiple": _choice_problems,
    "bodymap": _bodymap_problems,
    "numeric": _numeric_problems,
}


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


# ---------------------------------------------------------------- questions as rows


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
    row.update(_answer_key(question))
    if not question.is_published:
        row["is_published"] = False
    if question.case_id:
        row["case"] = question.case.slug
        row["stage"] = question.stage.order if question.stage_id else None
    return row


def _answer_key(question) -> dict:
    choices = list(question.choices.all())
    if question.kind == "numeric":
        return {"answer": _float(question.answer), "tolerance": _float(question.tolerance), "unit": question.unit}
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
    if choice.ctype_id:
        row["type"] = choice.ctype.slug
    return row


def _float(value) -> float | None:
    return None if value is None else float(value)


def rows_of(questions: Iterable) -> list[dict]:
    """Questions as JSON rows; rows pass through, so the writers work on both."""
    return [q if isinstance(q, dict) else as_row(q) for q in questions]


def _options(row: dict) -> list[dict]:
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


def _tags(row: dict) -> list[str]:
    """What Moodle XML and GIFT lack a place for, as Moodle tags."""
    tags = [f"section:{row['section']}"] if row.get("section") else []
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
        elif name in ("section", "case", "unit") and value:
            marks[name] = value
        elif name == "unpublished":
            marks["unpublished"] = True
    return marks


def _row_from(
    *, ids: list[str], topic: str, stem: str, teaching_point: str, tags: list[str], key: dict, hidden: bool = False
) -> dict:
    """A row of the JSON format from what Moodle XML or GIFT gave, with the tags we wrote put back in place."""
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
    row.update((name, value) for name, value in key.items() if name != "kind")
    if hidden or marks.get("unpublished"):
        row["is_published"] = False
    if "case" in marks:
        row["case"], row["stage"] = marks["case"], marks.get("stage")
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


def _topic(category: str) -> str:
    """A topic from a category path's last part: its value ("type") or its label ("Differential diagnosis")."""
    last = category.strip().rstrip("/").rpartition("/")[2].strip()
    labels = {label.lower(): value for value, label in TOPICS.items()}
    return labels.get(last.lower(), last.lower() if last.lower() in TOPICS else last)


def _number(value) -> str:
    return repr(float(value)).removesuffix(".0")


def _fractions(options: list[dict], single: bool) -> list[str]:
    """Moodle grades as percentages: a multiple-answer question's right options share 100 and each wrong one takes
    back as much as a right one gives, as quizzes.scoring.score_partial does; all are in Moodle's list of grades
    for up to ten right options. A neutral option (a body map's recognised region) is worth 0 either way."""
    right = sum(1 for o in options if o["correct"]) or 1
    share = f"{100 / right:.5f}".rstrip("0").rstrip(".")
    if single:
        return ["100" if o["correct"] else "0" for o in options]
    return [share if o["correct"] else "0" if o.get("neutral") else f"-{share}" for o in options]


# ---------------------------------------------------------------- JSON


def to_json(questions: Iterable) -> str:
    """The bank in questions.json's format: importing it into an empty bank recreates every question."""
    return json.dumps({"questions": rows_of(questions)}, ensure_ascii=False, indent=2) + "\n"


def from_json(text: str) -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"Malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}.") from None
    rows = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ValueError('The JSON must be an object with a "questions" list (see quizzes/starter/README.md).')
    return rows


# ---------------------------------------------------------------- Moodle XML


def to_moodle_xml(questions: Iterable) -> str:
    """Moodle XML: one category per topic; texts as HTML in CDATA; links, body map and case as tags.

    Single -> multichoice single=true; multiple and body map (one answer per region) -> multichoice single=false
    with fractions as _fractions() gives; numeric -> numerical with its tolerance and unit.
    """
    parts, topic = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"], None
    for row in rows_of(questions):
        if row["topic"] != topic:
            topic = row["topic"]
            parts.append(_moodle_category(topic))
        parts.append(_moodle_question(row))
    parts.append("</quiz>")
    return "\n".join(parts) + "\n"


def _moodle_category(topic: str) -> str:
    path = f"$course$/top/Calcinosis cutis/{topic}"
    return f'  <question type="category">\n    <category>{_xml_text(path)}</category>\n  </question>'


def _moodle_question(row: dict) -> str:
    numeric = row["kind"] == "numeric"
    lines = [
        f'  <question type="{"numerical" if numeric else "multichoice"}">',
        f"    <name>{_xml_text(row['slug'])}</name>",
        f'    <questiontext format="html">{_cdata(render_markdown(row["stem"]))}</questiontext>',
        f'    <generalfeedback format="html">{_cdata(render_markdown(row["teaching_point"]))}</generalfeedback>',
        "    <defaultgrade>1</defaultgrade>",
        "    <penalty>0.3333333</penalty>",
        f"    <hidden>{0 if row.get('is_published', True) else 1}</hidden>",
        f"    <idnumber>{_xml(row['slug'])}</idnumber>",
        *(_moodle_numeric(row) if numeric else _moodle_choices(row)),
        "    <tags>",
        *(f"      <tag>{_xml_text(tag)}</tag>" for tag in _tags(row)),
        "    </tags>",
        "  </question>",
    ]
    return "\n".join(lines)


def _moodle_choices(row: dict) -> list[str]:
    single = row["kind"] == "single"
    options = _options(row)
    lines = [f"    <single>{str(single).lower()}</single>", "    <shuffleanswers>true</shuffleanswers>"]
    lines.append("    <answernumbering>abc</answernumbering>")
    for option, fraction in zip(options, _fractions(options, single), strict=True):
        lines += [
            f'    <answer fraction="{fraction}" format="html">',
            f"      {_cdata(_plain_html(option['text']))}",
            f'      <feedback format="html">{_cdata(_plain_html(option.get("explanation", "")))}</feedback>',
            "    </answer>",
        ]
    return lines


def _plain_html(text: str) -> str:
    """Options and explanations are plain text in the app, so in Moodle's HTML they are only escaped."""
    return html.escape(text, quote=False)


def _moodle_numeric(row: dict) -> list[str]:
    lines = [
        '    <answer fraction="100" format="moodle_auto_format">',
        f"      {_xml_text(_number(row['answer']))}",
        '      <feedback format="html"><text></text></feedback>',
        f"      <tolerance>{_number(row['tolerance'])}</tolerance>",
        "    </answer>",
    ]
    if row.get("unit"):
        lines.append(
            f"    <units><unit><multiplier>1</multiplier><unit_name>{_xml(row['unit'])}</unit_name></unit></units>"
        )
    return [*lines, "    <unitgradingtype>0</unitgradingtype>", "    <showunits>3</showunits>"]


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml(text: str) -> str:
    """Escaped for XML, without the control characters XML 1.0 cannot hold."""
    return escape(_CONTROL_RE.sub("", text))


def _xml_text(text: str) -> str:
    return f"<text>{_xml(text)}</text>"


def _cdata(text: str) -> str:
    # "]]>" cannot occur inside CDATA: end the section between "]]" and ">" and open another.
    return "<text><![CDATA[" + _CONTROL_RE.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]></text>"


def from_moodle_xml(text: str) -> list[dict]:
    """Rows of the JSON format from Moodle XML: multichoice and numerical questions, topic from the category.

    Round trip of our own export is exact but for each option's calcinosis type, which Moodle has no place for.
    Files from elsewhere carry no links (section, about), so those come back empty; their HTML becomes Markdown
    (paragraphs, emphasis, lists, links, code) and other markup keeps only its text. A single-answer question's
    correct option is the one worth 100%; in a multiple-answer one, every option worth more than 0.
    """
    rows, topic = [], ""
    for number, element in enumerate(_quiz(text).findall("question"), 1):
        if element.get("type") == "category":
            topic = _topic(element.findtext("category/text", ""))
        else:
            rows.append(_moodle_row(element, topic, number))
    return rows


def _quiz(text: str) -> ET.Element:
    # Entity declarations are how XML bombs work, and Moodle never writes them.
    if re.search(r"<!(DOCTYPE|ENTITY)", text):
        raise ValueError("The Moodle XML declares a DOCTYPE or entities, which are not accepted.")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        line, column = error.position
        raise ValueError(f"Malformed Moodle XML at line {line}, column {column + 1}: {_reason(error)}.") from None
    if root.tag != "quiz":
        raise ValueError(f"This is not Moodle XML: the root element is <{root.tag}>, not <quiz>.")
    return root


def _reason(error: ET.ParseError) -> str:
    return str(error).split(":")[0]


def _moodle_row(element: ET.Element, topic: str, number: int) -> dict:
    name = element.findtext("name/text", "").strip()
    where = f"Moodle question {number} ({name!r})"
    qtype = element.get("type")
    if qtype not in ("multichoice", "numerical"):
        raise ValueError(f"{where} is of type {qtype!r}; only multichoice and numerical questions can be imported.")
    key = _moodle_numeric_key(element, where) if qtype == "numerical" else _moodle_choice_key(element, where)
    return _row_from(
        ids=[element.findtext("idnumber", "").strip(), name],
        topic=topic,
        stem=_moodle_text(element.find("questiontext")),
        teaching_point=_moodle_text(element.find("generalfeedback")),
        tags=[t.findtext("text", "") for t in element.findall("tags/tag")],
        key=key,
        hidden=element.findtext("hidden", "0").strip() == "1",
    )


def _moodle_text(element: ET.Element | None, markdown: bool = True) -> str:
    """A Moodle text as Markdown (or plain text for options): HTML is converted, other formats kept."""
    if element is None:
        return ""
    text = element.findtext("text", "")
    if element.get("format", "html") == "html":
        return html_to_markdown(text) if markdown else html_to_text(text)
    return text.strip()


def _moodle_choice_key(element: ET.Element, where: str) -> dict:
    single = element.findtext("single", "true").strip().lower() in ("true", "1")
    choices = []
    for answer in element.findall("answer"):
        fraction = _fraction(answer.get("fraction", "0"), where)
        choices.append(
            {
                "text": _moodle_text(answer, markdown=False),
                "correct": fraction > 99.99 if single else fraction > 0,
                "neutral": not single and fraction == 0,
                "explanation": _moodle_text(answer.find("feedback"), markdown=False),
            }
        )
    return {"kind": "single" if single else "multiple", "choices": choices}


def _moodle_numeric_key(element: ET.Element, where: str) -> dict:
    best = [a for a in element.findall("answer") if _fraction(a.get("fraction", "0"), where) > 99.99]
    if not best:
        raise ValueError(f"{where} has no answer worth 100%.")
    answer = _parse_number(best[0].findtext("text", ""), where)
    tolerance = _parse_number(best[0].findtext("tolerance", "0") or "0", where)
    units = [u for u in element.findall("units/unit") if _float_or_none(u.findtext("multiplier", "1")) == 1]
    unit = units[0].findtext("unit_name", "").strip() if units else ""
    return {"kind": "numeric", "answer": answer, "tolerance": tolerance, "unit": unit}


def _fraction(value: str, where: str) -> float:
    number = _float_or_none(value)
    if number is None:
        raise ValueError(f"{where} has an answer whose fraction {value!r} is not a number.")
    return number


def _parse_number(value: str, where: str) -> float:
    number = _float_or_none(value)
    if number is None:
        raise ValueError(f"{where}: {value.strip()!r} is not a number.")
    return number


def _float_or_none(value: str) -> float | None:
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# ---------------------------------------------------------------- HTML back to Markdown

_BLOCKS = {"p", "div", "blockquote", "pre", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
_INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}
_MARKDOWN_SPECIAL_RE = re.compile(r"([\\*_`])")


class _HtmlReader(HTMLParser):
    """HTML to Markdown for what render_markdown writes and the usual tags of Moodle's editor; other tags keep their
    text. With markdown=False (option texts and explanations, shown as plain text) it keeps the text alone."""

    def __init__(self, markdown: bool):
        super().__init__(convert_charrefs=True)
        self.markdown = markdown
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.lists: list[str] = []
        self.links: list[str] = []
        self.last_was_item = False
        self.after_break = False
        self.in_code = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _BLOCKS and not self.lists:
            self._end_block()
        elif tag in ("ul", "ol"):
            self._end_block()
            self.lists.append(tag)
        elif tag == "li":
            self._end_block(item=True)
            self._write("- " if self.lists[-1:] != ["ol"] else "1. ")
        elif tag == "br":
            self._write("  \n" if self.markdown else "\n")
            self.after_break = True
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self._write("[")
        elif tag in _INLINE:
            self._write(_INLINE[tag])
            self.in_code = self.in_code or tag == "code"
        if tag[0] == "h" and tag[1:].isdigit():
            self._write("#" * int(tag[1:]) + " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS and not self.lists:
            self._end_block()
        elif tag in ("ul", "ol") and self.lists:
            self._end_block(item=True)
            self.lists.pop()
        elif tag == "li":
            self._end_block(item=True)
        elif tag == "a" and self.links:
            self._write(f"]({self.links.pop()})")
        elif tag in _INLINE:
            self._write(_INLINE[tag])
            self.in_code = self.in_code and tag != "code"

    def handle_data(self, data: str) -> None:
        if self.after_break:
            data, self.after_break = data.lstrip("\n"), False
        if self.markdown and not self.in_code:
            data = _MARKDOWN_SPECIAL_RE.sub(r"\\\1", data)
        self.current.append(data)

    def _write(self, markup: str) -> None:
        if self.markdown or markup == "\n":
            self.current.append(markup)

    def _end_block(self, item: bool = False) -> None:
        text = "".join(self.current).strip()
        self.current = []
        if text and item and self.last_was_item:
            self.blocks[-1] += "\n" + text
        elif text:
            self.blocks.append(text)
        if text:
            self.last_was_item = item

    def result(self) -> str:
        self.close()
        self._end_block()
        return "\n\n".join(self.blocks)


def html_to_markdown(text: str) -> str:
    reader = _HtmlReader(markdown=True)
    reader.feed(text)
    return reader.result()


def html_to_text(text: str) -> str:
    reader = _HtmlReader(markdown=False)
    reader.feed(text)
    return reader.result()


# ---------------------------------------------------------------- GIFT

_GIFT_SPECIAL = "\\~=#{}:"
# Escaped characters become private-use placeholders while the structure is parsed, as Moodle's own parser does.
_PLACEHOLDER = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004", "}": "\ue005"}
_PLACEHOLDER |= {":": "\ue006", "n": "\ue007"}
_RESTORE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDER.items()})
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_MARK_RE = re.compile(r"\[(id|tag):((?:\\\]|[^\]\n])+)\]")
_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_FORMATS = ("html", "moodle", "plain", "markdown")


def gift_escape(text: str) -> str:
    """GIFT's special characters ~ = # { } : and the backslash get a backslash; a newline becomes \\n, since a
    blank line would end the question."""
    escaped = "".join(f"\\{ch}" if ch in _GIFT_SPECIAL else ch for ch in text.replace("\r\n", "\n"))
    return escaped.replace("\n", "\\n")


def to_gift(questions: Iterable) -> str:
    """GIFT: ``$CATEGORY: topic`` lines, ``::slug::`` titles, Markdown texts, ``#`` option feedback and ``####`` the
    teaching point; single ``{=right ~wrong}``, multiple and body map ``{~%50%right ~%-50%wrong}``, numeric
    ``{#answer:tolerance}``. The ``// [id:...] [tag:...]`` comment above each question carries what GIFT lacks."""
    blocks, topic = [], None
    for row in rows_of(questions):
        if row["topic"] != topic:
            topic = row["topic"]
            blocks.append(f"$CATEGORY: {topic}")
        blocks.append(_gift_question(row))
    return "\n\n".join(blocks) + "\n"


def _gift_question(row: dict) -> str:
    marks = "".join(f" [tag:{_mark(tag)}]" for tag in _gift_tags(row))
    lines = [
        f"// [id:{_mark(row['slug'])}]{marks}",
        f"::{gift_escape(row['slug'])}::[markdown]{gift_escape(row['stem'])} {{",
        *_gift_answers(row),
        f"\t####{gift_escape(row['teaching_point'])}",
        "}",
    ]
    return "\n".join(lines)


def _gift_tags(row: dict) -> list[str]:
    """GIFT has no place for a unit or for hiding a question either, so those travel as tags too."""
    tags = _tags(row)
    if row["kind"] == "numeric" and row.get("unit"):
        tags.append(f"unit:{row['unit']}")
    if not row.get("is_published", True):
        tags.append("unpublished")
    return tags


def _mark(text: str) -> str:
    return text.replace("]", "\\]").replace("\n", " ")


def _gift_answers(row: dict) -> list[str]:
    if row["kind"] == "numeric":
        return [f"\t#{_number(row['answer'])}:{_number(row['tolerance'])}"]
    options = _options(row)
    single = row["kind"] == "single"
    lines = []
    for option, fraction in zip(options, _fractions(options, single), strict=True):
        prefix = ("=" if option["correct"] else "~") if single else f"~%{fraction}%"
        feedback = f"#{gift_escape(option['explanation'])}" if option.get("explanation") else ""
        lines.append(f"\t{prefix}{gift_escape(option['text'])}{feedback}")
    return lines


def from_gift(text: str) -> list[dict]:
    """Rows of the JSON format from GIFT: multiple-choice (single and multiple answer) and numerical questions.

    Round trip of our own export is exact but for each option's calcinosis type. Files from elsewhere carry no
    links (section, about); their topic comes from ``$CATEGORY``; a ``[html]`` text becomes Markdown. A missing-word
    question keeps a _____ where its answers stood. True/false, short-answer, matching, essay and description
    questions raise ValueError, as does a brace left open, naming the line.
    """
    rows, topic = [], ""
    for lines in _gift_blocks(text.lstrip("\ufeff")):
        comments = [line for _, line in lines if line.lstrip().startswith("//")]
        body = [(n, line) for n, line in lines if not line.lstrip().startswith("//")]
        if body and body[0][1].strip().startswith("$CATEGORY:"):
            topic = _topic(body[0][1].strip().removeprefix("$CATEGORY:"))
            body = body[1:]
        if body:
            rows.append(_gift_row("\n".join(line for _, line in body), comments, topic, body[0][0]))
    return rows


def _gift_blocks(text: str) -> list[list[tuple[int, str]]]:
    """Questions are separated by blank lines; each block as (line number, line) pairs."""
    blocks, block = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            block.append((number, line))
        elif block:
            blocks.append(block)
            block = []
    return blocks + [block] if block else blocks


def _gift_row(text: str, comments: list[str], topic: str, line: int) -> dict:
    text = _ESCAPE_RE.sub(lambda m: _PLACEHOLDER[m.group(1)], text.strip())
    title, text = _gift_title(text)
    where = f"GIFT question at line {line}" + (f" ({title!r})" if title else "")
    stem, answers = _gift_split(text, where)
    answers, _, general = answers.partition("####")
    fmt, stem = _gift_format(stem)
    key = _gift_key(answers.strip(), fmt, where)
    ids, tags = _gift_marks(comments)
    return _row_from(
        ids=[ids, title], topic=topic, stem=stem, teaching_point=_gift_text(general, fmt), tags=tags, key=key
    )


def _gift_title(text: str) -> tuple[str, str]:
    if not text.startswith("::"):
        return "", text
    title, found, rest = text[2:].partition("::")
    if not found:
        return "", text
    return title.translate(_RESTORE).strip(), rest.strip()


def _gift_split(text: str, where: str) -> tuple[str, str]:
    """The text around the answer block, and the block's content."""
    start, end = text.find("{"), text.find("}")
    if start < 0 and end < 0:
        raise ValueError(f"{where} has no answers in {{...}}; descriptions cannot be imported.")
    if start < 0 or 0 <= end < start:
        raise ValueError(f"{where} has a '}}' without its '{{' (escape a literal brace as \\}}).")
    if end < 0 or "{" in text[start + 1 : end]:
        raise ValueError(f"{where} has a '{{' that is not closed (escape a literal brace as \\{{).")
    after = text[end + 1 :]
    if "{" in after or "}" in after:
        raise ValueError(f"{where} has more than one answer block.")
    before, content = text[:start], text[start + 1 : end]
    return (before + "_____" + after if after.strip() else before), content


def _gift_format(stem: str) -> tuple[str, str]:
    """GIFT's optional [html], [moodle], [plain] or [markdown] before a text; we write [markdown]."""
    stem = stem.strip()
    match = re.match(r"\[(\w+)\]", stem)
    if match and match.group(1) in _FORMATS:
        return match.group(1), _gift_text(stem[match.end() :], match.group(1))
    return "moodle", _gift_text(stem, "moodle")


def _gift_text(text: str, fmt: str, markdown: bool = True) -> str:
    text = text.translate(_RESTORE).strip()
    if fmt != "html":
        return text
    return html_to_markdown(text) if markdown else html_to_text(text)


def _gift_key(answers: str, fmt: str, where: str) -> dict:
    if answers.startswith("#"):
        return _gift_numeric(answers[1:].strip(), where)
    if "~" not in answers:
        raise ValueError(
            f"{where} is {_gift_kind(answers)}; only multiple-choice and numerical questions can be imported."
        )
    single = "=" in answers
    parts = [p.strip() for p in answers.replace("=", "~=").split("~") if p.strip()]
    return {"kind": "single" if single else "multiple", "choices": [_gift_option(p, single, fmt) for p in parts]}


def _gift_kind(answers: str) -> str:
    if not answers:
        return "an essay question"
    if "->" in answers:
        return "a matching question"
    if answers.partition("#")[0].strip() in ("T", "TRUE", "F", "FALSE"):
        return "a true/false question"
    return "a short-answer question"


def _gift_option(part: str, single: bool, fmt: str) -> dict:
    weight = 0.0
    if part.startswith("="):
        weight, part = 100.0, part[1:]
    elif match := _WEIGHT_RE.match(part):
        weight, part = float(match.group(1)), part[match.end() :]
    text, _, feedback = part.partition("#")
    return {
        "text": _gift_text(text, fmt, markdown=False),
        "correct": weight > 99.99 if single else weight > 0,
        "neutral": not single and weight == 0,
        "explanation": _gift_text(feedback, fmt, markdown=False),
    }


def _gift_numeric(spec: str, where: str) -> dict:
    """``a:tolerance``, ``a``, ``low..high``, or several ``=`` answers of which the first worth 100% is taken."""
    if spec.startswith("="):
        spec = _full_credit([a.strip() for a in spec.split("=") if a.strip()], where)
    value = spec.partition("#")[0].translate(_RESTORE).strip()
    if ".." in value:
        low, high = (_parse_number(v, where) for v in value.split("..", 1))
        return {"kind": "numeric", "answer": (low + high) / 2, "tolerance": abs(high - low) / 2, "unit": ""}
    answer, _, tolerance = value.partition(":")
    return {
        "kind": "numeric",
        "answer": _parse_number(answer, where),
        "tolerance": _parse_number(tolerance or "0", where),
        "unit": "",
    }


def _full_credit(answers: list[str], where: str) -> str:
    for answer in answers:
        match = _WEIGHT_RE.match(answer)
        if not match or float(match.group(1)) >= 100:
            return answer[match.end() :] if match else answer
    raise ValueError(f"{where} has no numerical answer worth 100%.")


def _gift_marks(comments: list[str]) -> tuple[str, list[str]]:
    """Moodle's ``[id:...]`` and ``[tag:...]`` in the comment lines above a question."""
    marks = [(kind, value.replace("\\]", "]")) for kind, value in _MARK_RE.findall("\n".join(comments))]
    ids = [value.strip() for kind, value in marks if kind == "id"]
    return (ids[0] if ids else ""), [value for kind, value in marks if kind == "tag"]


# ---------------------------------------------------------------- formats by name

WRITERS: dict[str, Callable[[Iterable], str]] = {"json": to_json, "moodle-xml": to_moodle_xml, "gift": to_gift}
READERS: dict[str, Callable[[str], list[dict]]] = {"json": from_json, "moodle-xml": from_moodle_xml, "gift": from_gift}
EXTENSIONS = {".json": "json", ".xml": "moodle-xml", ".gift": "gift", ".txt": "gift"}
