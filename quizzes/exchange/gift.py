"""GIFT, both ways: multiple-choice (single and multiple answer) and numerical questions."""

import re
from collections.abc import Iterable

from quizzes.exchange.markup import html_to_markdown, html_to_text
from quizzes.exchange.rows import (
    format_number,
    fractions,
    options_of,
    parse_number,
    row_from,
    rows_of,
    tags_of,
    topic_from,
)

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
        if row["kind"] == "calculated":
            # GIFT has no calculated type (Moodle's own GIFT format lacks it): left out, and said so in the file.
            blocks.append(f"// {_mark(row['slug'])}: a calculated question, which GIFT cannot hold; use Moodle XML.")
            continue
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
    tags = tags_of(row)
    if row["kind"] == "numeric" and row.get("unit"):
        tags.append(f"unit:{row['unit']}")
    if not row.get("is_published", True):
        tags.append("unpublished")
    return tags


def _mark(text: str) -> str:
    return text.replace("]", "\\]").replace("\n", " ")


def _gift_answers(row: dict) -> list[str]:
    if row["kind"] == "numeric":
        return [f"\t#{format_number(row['answer'])}:{format_number(row['tolerance'])}"]
    options = options_of(row)
    single = row["kind"] == "single"
    lines = []
    for option, fraction in zip(options, fractions(options, single), strict=True):
        prefix = ("=" if option["correct"] else "~") if single else f"~%{fraction}%"
        feedback = f"#{gift_escape(option['explanation'])}" if option.get("explanation") else ""
        lines.append(f"\t{prefix}{gift_escape(option['text'])}{feedback}")
    return lines


def from_gift(text: str, skipped: list[dict] | None = None) -> list[dict]:
    """Rows of the JSON format from GIFT: multiple-choice (single and multiple answer) and numerical questions.

    Round trip of our own export is exact but for each option's calcinosis type. Files from elsewhere carry no
    links (section, about); their topic comes from ``$CATEGORY``; a ``[html]`` text becomes Markdown. A missing-word
    question keeps a _____ where its answers stood. True/false, short-answer, matching, essay and description
    questions raise ValueError, as does a brace left open, naming the line; unless a list is given as `skipped`:
    then each such question is listed there ({"name", "kind", "reason"}) and the others are read.
    """
    rows, topic = [], ""
    for lines in _gift_blocks(text.lstrip("\ufeff")):
        comments = [line for _, line in lines if line.lstrip().startswith("//")]
        body = [(n, line) for n, line in lines if not line.lstrip().startswith("//")]
        if body and body[0][1].strip().startswith("$CATEGORY:"):
            topic = topic_from(body[0][1].strip().removeprefix("$CATEGORY:"))
            body = body[1:]
        if not body:
            continue
        text_of_question = "\n".join(line for _, line in body)
        try:
            rows.append(_gift_row(text_of_question, comments, topic, body[0][0]))
        except ValueError as error:
            if skipped is None:
                raise
            title = _gift_title(text_of_question.strip())[0]
            skipped.append(
                {"name": title or f"line {body[0][0]}", "kind": _skipped_kind(text_of_question), "reason": str(error)}
            )
    return rows


def _skipped_kind(text: str) -> str:
    """What kind a skipped GIFT question is, as the error naming it says (_gift_kind), without the article."""
    answers = text[text.find("{") + 1 : text.rfind("}")].strip() if "{" in text else ""
    kind = _gift_kind(answers.translate(_RESTORE) if answers else "")
    return kind.removeprefix("an ").removeprefix("a ").removesuffix(" question")


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
    return row_from(
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
        low, high = (parse_number(v, where) for v in value.split("..", 1))
        return {"kind": "numeric", "answer": (low + high) / 2, "tolerance": abs(high - low) / 2, "unit": ""}
    answer, _, tolerance = value.partition(":")
    return {
        "kind": "numeric",
        "answer": parse_number(answer, where),
        "tolerance": parse_number(tolerance or "0", where),
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
