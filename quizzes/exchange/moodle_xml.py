"""Moodle XML, both ways: multichoice, numerical and calculated questions, one category per topic."""

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from xml.sax.saxutils import escape

from calcinosis.markup import render_markdown
from quizzes import calculated
from quizzes.exchange.markup import html_to_markdown, html_to_text
from quizzes.exchange.rows import (
    float_or_none,
    format_number,
    fractions,
    options_of,
    parse_number,
    row_from,
    rows_of,
    tags_of,
    topic_from,
)


def to_moodle_xml(questions: Iterable) -> str:
    """Moodle XML: one category per topic; texts as HTML in CDATA; links, body map and case as tags.

    Single -> multichoice single=true; multiple and body map (one answer per region) -> multichoice single=false
    with the fractions rows.fractions() gives; numeric -> numerical with its tolerance and unit.
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


_MOODLE_TYPES = {"numeric": "numerical", "calculated": "calculated"}


def _moodle_question(row: dict) -> str:
    answers = {"numeric": _moodle_numeric, "calculated": _moodle_calculated}.get(row["kind"], _moodle_choices)
    lines = [
        f'  <question type="{_MOODLE_TYPES.get(row["kind"], "multichoice")}">',
        f"    <name>{_xml_text(row['slug'])}</name>",
        f'    <questiontext format="html">{_cdata(render_markdown(row["stem"]))}</questiontext>',
        f'    <generalfeedback format="html">{_cdata(render_markdown(row["teaching_point"]))}</generalfeedback>',
        "    <defaultgrade>1</defaultgrade>",
        "    <penalty>0.3333333</penalty>",
        f"    <hidden>{0 if row.get('is_published', True) else 1}</hidden>",
        f"    <idnumber>{_xml(row['slug'])}</idnumber>",
        *answers(row),
        "    <tags>",
        *(f"      <tag>{_xml_text(tag)}</tag>" for tag in tags_of(row)),
        "    </tags>",
        "  </question>",
    ]
    return "\n".join(lines)


def _moodle_choices(row: dict) -> list[str]:
    single = row["kind"] == "single"
    options = options_of(row)
    lines = [f"    <single>{str(single).lower()}</single>", "    <shuffleanswers>true</shuffleanswers>"]
    lines.append("    <answernumbering>abc</answernumbering>")
    for option, fraction in zip(options, fractions(options, single), strict=True):
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
        f"      {_xml_text(format_number(row['answer']))}",
        '      <feedback format="html"><text></text></feedback>',
        f"      <tolerance>{format_number(row['tolerance'])}</tolerance>",
        "    </answer>",
    ]
    if row.get("unit"):
        lines.append(
            f"    <units><unit><multiplier>1</multiplier><unit_name>{_xml(row['unit'])}</unit_name></unit></units>"
        )
    return [*lines, "    <unitgradingtype>0</unitgradingtype>", "    <showunits>3</showunits>"]


def _moodle_calculated(row: dict) -> list[str]:
    """Moodle's calculated type: the formula as its answer expression, a nominal (absolute) tolerance, the answer
    shown to 2 decimals, and each variable a private dataset drawn uniformly between its limits. Moodle draws its own
    values per attempt too, so the question works there as here."""
    lines = [
        "    <synchronize>0</synchronize>",
        "    <single>0</single>",
        "    <answernumbering>abc</answernumbering>",
        "    <shuffleanswers>0</shuffleanswers>",
        '    <answer fraction="100">',
        f"      {_xml_text(calculated.FORMULAS[row['formula']].moodle)}",
        f"      <tolerance>{format_number(row['tolerance'])}</tolerance>",
        "      <tolerancetype>2</tolerancetype>",
        "      <correctanswerformat>1</correctanswerformat>",
        "      <correctanswerlength>2</correctanswerlength>",
        '      <feedback format="html"><text></text></feedback>',
        "    </answer>",
    ]
    if row.get("unit"):
        lines.append(
            f"    <units><unit><multiplier>1</multiplier><unit_name>{_xml(row['unit'])}</unit_name></unit></units>"
        )
    lines += ["    <unitgradingtype>0</unitgradingtype>", "    <showunits>3</showunits>", "    <dataset_definitions>"]
    for name, spec in row["variables"].items():
        lines += [
            "      <dataset_definition>",
            "        <status><text>private</text></status>",
            f"        <name>{_xml_text(name)}</name>",
            "        <type>calculated</type>",
            "        <distribution><text>uniform</text></distribution>",
            f"        <minimum><text>{_xml(str(spec['min']))}</text></minimum>",
            f"        <maximum><text>{_xml(str(spec['max']))}</text></maximum>",
            f"        <decimals><text>{int(spec.get('places', 1))}</text></decimals>",
            "        <itemcount>0</itemcount>",
            "        <dataset_items></dataset_items>",
            "        <number_of_items>0</number_of_items>",
            "      </dataset_definition>",
        ]
    return [*lines, "    </dataset_definitions>"]


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml(text: str) -> str:
    """Escaped for XML, without the control characters XML 1.0 cannot hold."""
    return escape(_CONTROL_RE.sub("", text))


def _xml_text(text: str) -> str:
    return f"<text>{_xml(text)}</text>"


def _cdata(text: str) -> str:
    # "]]>" cannot occur inside CDATA: end the section between "]]" and ">" and open another.
    return "<text><![CDATA[" + _CONTROL_RE.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]></text>"


def from_moodle_xml(text: str, skipped: list[dict] | None = None) -> list[dict]:
    """Rows of the JSON format from Moodle XML: multichoice and numerical questions, topic from the category.

    Round trip of our own export is exact but for each option's calcinosis type, which Moodle has no place for.
    Files from elsewhere carry no links (section, about), so those come back empty; their HTML becomes Markdown
    (paragraphs, emphasis, lists, links, code) and other markup keeps only its text. A single-answer question's
    correct option is the one worth 100%; in a multiple-answer one, every option worth more than 0.

    A question that cannot be read (a kind this app lacks, a key it cannot keep) raises ValueError, unless a list is
    given as `skipped`: then each such question is listed there ({"name", "kind", "reason"}) and the others are read.
    """
    rows, topic = [], ""
    for number, element in enumerate(_quiz(text).findall("question"), 1):
        if element.get("type") == "category":
            topic = topic_from(element.findtext("category/text", ""))
            continue
        try:
            rows.append(_moodle_row(element, topic, number))
        except ValueError as error:
            if skipped is None:
                raise
            name = element.findtext("name/text", "").strip() or f"question {number}"
            skipped.append({"name": name, "kind": element.get("type") or "unknown", "reason": str(error)})
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
    if qtype not in ("multichoice", "numerical", "calculated"):
        raise ValueError(
            f"{where} is of type {qtype!r}; only multichoice, numerical and calculated questions can be imported."
        )
    readers = {"numerical": _moodle_numeric_key, "calculated": _moodle_calculated_key}
    key = readers.get(qtype, _moodle_choice_key)(element, where)
    return row_from(
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
    answer = parse_number(best[0].findtext("text", ""), where)
    tolerance = parse_number(best[0].findtext("tolerance", "0") or "0", where)
    units = [u for u in element.findall("units/unit") if float_or_none(u.findtext("multiplier", "1")) == 1]
    unit = units[0].findtext("unit_name", "").strip() if units else ""
    return {"kind": "numeric", "answer": answer, "tolerance": tolerance, "unit": unit}


def _moodle_calculated_key(element: ET.Element, where: str) -> dict:
    """A calculated question whose answer is one of the app's formulas (calculated.FORMULAS, by its Moodle expression)
    with a nominal tolerance and a range for each of its variables."""
    best = [a for a in element.findall("answer") if _fraction(a.get("fraction", "0"), where) > 99.99]
    if not best:
        raise ValueError(f"{where} has no answer worth 100%.")
    expression = re.sub(r"\s+", "", best[0].findtext("text", ""))
    units = [u for u in element.findall("units/unit") if float_or_none(u.findtext("multiplier", "1")) == 1]
    unit = units[0].findtext("unit_name", "").strip() if units else ""
    formulas = [key for key, f in calculated.FORMULAS.items() if f.moodle == expression]
    if len(formulas) > 1:  # the same product in either unit system: the unit says which
        formulas = [key for key in formulas if ("mmol" in unit) == key.endswith("mmol_l")] or formulas[:1]
    if not formulas:
        raise ValueError(f"{where} computes {expression!r}, which is not one of this app's formulas.")
    if best[0].findtext("tolerancetype", "2").strip() != "2":
        raise ValueError(f"{where} has a relative or geometric tolerance; only a nominal (absolute) one is accepted.")
    variables = {}
    for dataset in element.findall("dataset_definitions/dataset_definition"):
        name = dataset.findtext("name/text", "").strip()
        low, high = (dataset.findtext(f"{end}/text", "").strip() for end in ("minimum", "maximum"))
        for limit in (low, high):
            parse_number(limit, where)  # a number, or a clear error; kept as written (2.10 stays 2.10)
        places = parse_number(dataset.findtext("decimals/text", "1") or "1", where)
        variables[name] = {"min": low, "max": high, "places": int(places)}
    tolerance = parse_number(best[0].findtext("tolerance", "0") or "0", where)
    return {"kind": "calculated", "formula": formulas[0], "variables": variables, "tolerance": tolerance, "unit": unit}


def _fraction(value: str, where: str) -> float:
    number = float_or_none(value)
    if number is None:
        raise ValueError(f"{where} has an answer whose fraction {value!r} is not a number.")
    return number
