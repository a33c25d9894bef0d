"""Moodle XML, both ways: multichoice (partial credit kept), true/false (read as a single-answer question),
numerical and calculated questions, one category per topic."""

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from calcinosis.markup import render_markdown
from quizzes import calculated
from quizzes.exchange.markup import (
    PLUGINFILE,
    escape_markdown,
    html_to_markdown,
    html_to_text,
    plugin_image_link,
    plugin_images,
    replace_plugin_images,
)
from quizzes.exchange.rows import (
    NumericAnswer,
    Reading,
    float_or_none,
    format_number,
    fractions,
    numeric_key,
    options_of,
    parse_number,
    percent_text,
    row_from,
    rows_of,
    tags_of,
    topic_from,
    weighted_choices,
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
        f'    <questiontext format="html">{_moodle_html(row, "stem")}</questiontext>',
        f'    <generalfeedback format="html">{_moodle_html(row, "teaching_point")}</generalfeedback>',
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


def _moodle_html(row: dict, field: str) -> str:
    """A Markdown text as HTML in CDATA, followed by the files its images show, embedded as Moodle embeds them
    (their links point at its "@@PLUGINFILE@@/")."""
    text, files = row[field], {image["name"]: image["data"] for image in row.get("images", [])}
    shown = [name for name in dict.fromkeys(name for name, _ in plugin_images(text)) if name in files]
    html_text = _cdata(render_markdown(text, images_from=PLUGINFILE))
    return html_text + "".join(_moodle_file(name, files[name]) for name in shown)


def _moodle_file(name: str, data: str) -> str:
    folder, _, base = name.rpartition("/")
    path = f"/{folder}/" if folder else "/"
    return f'<file name={quoteattr(base)} path={quoteattr(path)} encoding="base64">{_xml(data)}</file>'


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
    """The answer worth 100%, then the other answers in order, each with its grade, tolerance and feedback (Moodle's
    "*" for one that takes any value), then the unit."""
    key = {
        "value": row["answer"],
        "tolerance": row["tolerance"],
        "fraction": 100,
        "feedback": row.get("answer_feedback"),
    }
    lines = []
    for answer in [key, *row.get("numeric_answers", [])]:
        value = "*" if answer["value"] is None else format_number(answer["value"])
        lines += [
            f'    <answer fraction="{percent_text(answer["fraction"])}" format="moodle_auto_format">',
            f"      {_xml_text(value)}",
            f'      <feedback format="html">{_numeric_feedback(answer.get("feedback") or "")}</feedback>',
            f"      <tolerance>{format_number(answer['tolerance'] or 0)}</tolerance>",
            "    </answer>",
        ]
    return [*lines, *_moodle_units(row), "    <unitgradingtype>0</unitgradingtype>", "    <showunits>3</showunits>"]


def _numeric_feedback(text: str) -> str:
    return _cdata(_plain_html(text)) if text else "<text></text>"


def _moodle_units(row: dict) -> list[str]:
    """The unit as Moodle writes its units: the base unit, multiplier 1; none when the question has none."""
    if not row.get("unit"):
        return []
    return [
        "    <units>",
        "      <unit>",
        "        <multiplier>1</multiplier>",
        f"        <unit_name>{_xml(row['unit'])}</unit_name>",
        "      </unit>",
        "    </units>",
    ]


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
    lines += [
        *_moodle_units(row),
        "    <unitgradingtype>0</unitgradingtype>",
        "    <showunits>3</showunits>",
        "    <dataset_definitions>",
    ]
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


def from_moodle_xml(text: str, reading: Reading | None = None) -> list[dict]:
    """Rows of the JSON format from Moodle XML: multichoice, true/false, numerical and calculated questions, topic
    from the category.

    Round trip of our own export is exact but for each option's calcinosis type, which Moodle has no place for.
    Files from elsewhere carry no links (section, about), so those come back empty; their HTML becomes Markdown
    (paragraphs, emphasis, lists, links, code; text stays text) and other markup keeps only its text. A
    single-answer question's correct option is the one worth 100%; in a multiple-answer one, every option worth more
    than 0; grades other than the app's own are kept as each option's fraction.

    A question that cannot be read (a kind this app lacks, a key it cannot keep) raises ValueError, unless a Reading
    is given: then each such question is listed in its `skipped` ({"name", "kind", "reason"}), what a question lost
    in its `notes`, and the others are read.
    """
    rows, topic = [], ""
    for number, element in enumerate(_quiz(text).findall("question"), 1):
        if element.get("type") == "category":
            topic = topic_from(element.findtext("category/text", ""))
            continue
        name = element.findtext("name/text", "").strip() or f"question {number}"
        notes: list[str] = []
        try:
            rows.append(_moodle_row(element, topic, number, notes))
        except ValueError as error:
            if reading is None:
                raise
            reading.skipped.append({"name": name, "kind": element.get("type") or "unknown", "reason": str(error)})
            continue
        if reading is not None:
            reading.notes += [{"name": name, "kind": element.get("type"), "reason": note} for note in notes]
            if rows[-1]["slug"] != element.findtext("idnumber", "").strip():
                reading.named.add(rows[-1]["slug"])
    return rows


_SPACE_RE = re.compile(r"[\ufeff \t\r\n]*")


def _declares_doctype(text: str) -> bool:
    """Whether the prolog (what comes before the root element: the XML declaration, comments, processing
    instructions) holds a DOCTYPE, the only place an entity can be declared."""
    at = _SPACE_RE.match(text).end()
    while text.startswith(("<?", "<!--"), at):
        closing = "?>" if text.startswith("<?", at) else "-->"
        end = text.find(closing, at)
        if end < 0:
            return False  # never closed: the parser reports where
        at = _SPACE_RE.match(text, end + len(closing)).end()
    return text.startswith(("<!DOCTYPE", "<!ENTITY"), at)


def _quiz(text: str) -> ET.Element:
    # Entity declarations are how XML bombs (billion laughs, external entities) work, and Moodle never writes them.
    if _declares_doctype(text):
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


def _moodle_row(element: ET.Element, topic: str, number: int, notes: list[str]) -> dict:
    name = element.findtext("name/text", "").strip()
    where = f"Moodle question {number} ({name!r})"
    qtype = element.get("type")
    if qtype not in _KEY_READERS:
        raise ValueError(
            f"{where} is of type {qtype!r}; only multichoice, true/false, numerical and calculated questions can be "
            "imported."
        )
    key = _KEY_READERS[qtype](element, where, notes)
    stem, teaching_point, images = _texts_and_images(element, notes)
    return row_from(
        ids=[element.findtext("idnumber", "").strip(), name],
        topic=topic,
        stem=stem,
        teaching_point=teaching_point,
        tags=[t.findtext("text", "") for t in element.findall("tags/tag")],
        key=key,
        hidden=element.findtext("hidden", "0").strip() == "1",
        images=images,
    )


def _texts_and_images(element: ET.Element, notes: list[str]) -> tuple[str, str, list[dict]]:
    """The stem and the teaching point as Markdown, and the files their images show ({"name", "data"}): each <img> of
    a file embedded beside its text (Moodle's <file encoding="base64">) is kept with its file. An image whose file is
    not in the question leaves its alt text; one from elsewhere (a URL) is left out; both are told in `notes`, as is
    an image without alt text, which its file name describes until an instructor writes one."""
    found: list[dict] = []
    texts = [_moodle_text(element.find(tag), images=found) for tag in ("questiontext", "generalfeedback")]
    files = _files(element.find("questiontext"), element.find("generalfeedback"))
    named = list(dict.fromkeys(image["name"] for image in found if image["name"]))
    missing = [name for name in named if name not in files]
    notes += [f"image {name!r} is shown in its text but not in the file: its alt text stands in." for name in missing]
    undescribed = dict.fromkeys(i["name"] for i in found if i["name"] in files and not i["alt"])
    notes += [f"image {name!r} has no alt text: its file name describes it; write one." for name in undescribed]
    notes += [
        f"an image from elsewhere ({i['src'][:60]!r}) was left out: only files embedded in the question are imported."
        for i in found
        if not i["name"]
    ]
    texts = [replace_plugin_images(text, lambda name, alt: _image_or_alt(name, alt, missing)) for text in texts]
    shown = dict.fromkeys(name for text in texts for name, _ in plugin_images(text))
    return texts[0], texts[1], [{"name": name, "data": files[name]} for name in shown]


def _image_or_alt(name: str, alt: str, missing: list[str]) -> str:
    return escape_markdown(alt, at_line_start=False) if name in missing else plugin_image_link(name, alt)


def _files(*elements: ET.Element | None) -> dict[str, str]:
    """The files embedded in these texts, by their path under Moodle's "@@PLUGINFILE@@/" ("rash.png"), as base64."""
    files = {}
    for element in elements:
        for file in element.findall("file") if element is not None else []:
            name = (file.get("path", "/").strip("/") + "/" + file.get("name", "")).lstrip("/")
            if file.get("encoding", "base64") == "base64" and file.get("name"):
                files[name] = "".join((file.text or "").split())
    return files


_HTML_RE = re.compile(r"<[A-Za-z/][^>]*>|&#?\w+;")


def _moodle_text(element: ET.Element | None, markdown: bool = True, images: list[dict] | None = None) -> str:
    """A Moodle text as Markdown (or plain text for options), read in its format: HTML (and Moodle's auto-format,
    HTML in which a line break is kept) is converted, plain text escaped, Markdown kept. The images of HTML are
    added to `images` when given (markup._HtmlReader)."""
    if element is None:
        return ""
    text, fmt = element.findtext("text", ""), element.get("format", "html")
    if fmt == "moodle_auto_format" and _HTML_RE.search(text):
        fmt, text = "html", text.replace("\n", "<br>\n")
    if fmt == "html":
        return html_to_markdown(text, images) if markdown else html_to_text(text, images)
    if fmt in ("plain_text", "moodle_auto_format") and markdown:
        return escape_markdown(text.strip())
    return text.strip()


def _moodle_choice_key(element: ET.Element, where: str, notes: list[str]) -> dict:
    single = element.findtext("single", "true").strip().lower() in ("true", "1")
    choices, grades = [], []
    for answer in element.findall("answer"):
        fraction = _fraction(answer.get("fraction", "0"), where)
        grades.append(fraction)
        choices.append(
            {
                "text": _plain(answer, notes),
                "correct": fraction > 99.99 if single else fraction > 0,
                "neutral": not single and fraction == 0,
                "explanation": _plain(answer.find("feedback"), notes),
            }
        )
    return {"kind": "single" if single else "multiple", "choices": weighted_choices(choices, grades, single)}


def _moodle_true_false_key(element: ET.Element, where: str, notes: list[str]) -> dict:
    """Moodle's true/false as a single-answer question "True" / "False", each with its own feedback."""
    options = {}
    for answer in element.findall("answer"):
        truth = answer.findtext("text", "").strip().lower()
        if truth in ("true", "false"):
            options[truth] = (_fraction(answer.get("fraction", "0"), where), answer)
    if set(options) != {"true", "false"}:
        raise ValueError(f"{where} is a true/false question without both a 'true' and a 'false' answer.")
    return {
        "kind": "single",
        "choices": [
            {
                "text": truth.capitalize(),
                "correct": fraction > 99.99,
                "explanation": _plain(answer.find("feedback"), notes),
            }
            for truth, (fraction, answer) in ((t, options[t]) for t in ("true", "false"))
        ],
    }


def _moodle_numeric_key(element: ET.Element, where: str, notes: list[str]) -> dict:
    answers = []
    for answer in element.findall("answer"):
        value = answer.findtext("text", "").strip()
        answers.append(
            NumericAnswer(
                grade=_fraction(answer.get("fraction", "0"), where),
                value=None if value == "*" else parse_number(value, where),
                tolerance=parse_number(answer.findtext("tolerance", "0") or "0", where),
                feedback=_plain(answer.find("feedback"), notes),
            )
        )
    key, dropped = numeric_key(answers, where)
    notes += dropped
    units = [u for u in element.findall("units/unit") if float_or_none(u.findtext("multiplier", "1")) == 1]
    return {**key, "unit": units[0].findtext("unit_name", "").strip() if units else ""}


def _moodle_calculated_key(element: ET.Element, where: str, notes: list[str]) -> dict:
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


def _plain(element: ET.Element | None, notes: list[str]) -> str:
    """An option or its feedback as the plain text the app shows them: an image in it leaves its alt text, noted."""
    images: list[dict] = []
    text = _moodle_text(element, markdown=False, images=images)
    for image in images:
        kept = f"; its alt text {image['alt']!r} is kept" if image["alt"] else ""
        notes.append(
            f"image {image['name'] or image['src'][:60]!r} in an option or its feedback was left out: options are "
            f"plain text here{kept}."
        )
    return text


_KEY_READERS = {
    "multichoice": _moodle_choice_key,
    "truefalse": _moodle_true_false_key,
    "numerical": _moodle_numeric_key,
    "calculated": _moodle_calculated_key,
}


def _fraction(value: str, where: str) -> float:
    number = float_or_none(value)
    if number is None:
        raise ValueError(f"{where} has an answer whose fraction {value!r} is not a number.")
    return number
