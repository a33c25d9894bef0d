"""GIFT, both ways: multiple-choice (single and multiple answer, partial credit kept), true/false (read as a
single-answer question) and numerical questions."""

import re
from collections.abc import Iterable

from quizzes.exchange.markup import escape_markdown, html_to_markdown, html_to_text, replace_plugin_images
from quizzes.exchange.rows import (
    NumericAnswer,
    Reading,
    format_number,
    fractions,
    numeric_key,
    options_of,
    parse_number,
    row_from,
    rows_of,
    tags_of,
    topic_from,
    weighted_choices,
)

_GIFT_SPECIAL = "\\~=#{}:"
_ESCAPABLE = "\\~=#{}:n"
_MARK_RE = re.compile(r"\[(id|tag):((?:\\\]|[^\]\n])+)\]")
_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_FORMAT_RE = re.compile(r"\[(html|moodle|plain|markdown)\]")
_HTML_RE = re.compile(r"<[A-Za-z/][^>]*>|&#?\w+;")
_TRUE_FALSE = ("T", "TRUE", "F", "FALSE")


def gift_escape(text: str) -> str:
    """GIFT's special characters ~ = # { } : and the backslash get a backslash; a newline becomes \\n, since a
    blank line would end the question. Other line breaks (\\r, U+2028, U+2029, ...) stay as they are: GIFT has no
    escape for them, and neither Moodle's reader nor ours ends a line anywhere but at \\n."""
    escaped = "".join(f"\\{ch}" if ch in _GIFT_SPECIAL else ch for ch in text)
    return escaped.replace("\n", "\\n")


def to_gift(questions: Iterable) -> str:
    """GIFT: ``$CATEGORY: topic`` lines, ``::slug::`` titles, Markdown texts, ``#`` option feedback and ``####`` the
    teaching point; single ``{=right ~wrong ~%50%half}``, multiple and body map ``{~%50%right ~%-50%wrong}``, numeric
    ``{#answer:tolerance}``, with feedback or other answers ``{#=answer:tolerance#feedback =%50%value:tolerance#...
    ~#...}``. The ``// [id:...] [tag:...]`` comment above each question carries what GIFT lacks."""
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
    stem, teaching_point = (_without_images(row[field]) for field in ("stem", "teaching_point"))
    teaching = [f"\t####{_gift_out(teaching_point)}"] if teaching_point else []
    lines = [
        f"// [id:{_mark(row['slug'])}]{marks}",
        f"::{gift_escape(row['slug'])}::[markdown]{gift_escape(stem)} {{",
        *_gift_answers(row),
        *teaching,
        "}",
    ]
    return "\n".join(lines)


def _without_images(text: str) -> str:
    """GIFT cannot embed a file (Moodle's GIFT has no place for one): an image leaves its alt text; use Moodle XML to
    keep it."""
    return replace_plugin_images(text, lambda name, alt: escape_markdown(alt, at_line_start=False))


def _gift_out(text: str) -> str:
    """A text after the stem (option, feedback, teaching point) escaped; one that starts like a format marker gets
    the stem's own [markdown] first, so its "[html]" stays text."""
    return ("[markdown]" if _FORMAT_RE.match(text.strip()) else "") + gift_escape(text)


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
        return _gift_numeric(row)
    options = options_of(row)
    single = row["kind"] == "single"
    lines = []
    for option, fraction in zip(options, fractions(options, single), strict=True):
        prefix = _single_prefix(option, fraction) if single else f"~%{fraction}%"
        feedback = f"#{_gift_out(option['explanation'])}" if option.get("explanation") else ""
        lines.append(f"\t{prefix}{_gift_out(option['text'])}{feedback}")
    return lines


def _gift_numeric(row: dict) -> list[str]:
    """``#answer:tolerance``; with feedback or other answers, Moodle's long form: ``#=answer:tolerance#feedback``,
    then ``=%50%value:tolerance#feedback`` for each other answer (``=`` alone is 100%) and ``~#feedback`` for any
    other answer (Moodle's "*")."""
    key = f"{format_number(row['answer'])}:{format_number(row['tolerance'])}"
    others = row.get("numeric_answers", [])
    if not others and not row.get("answer_feedback"):
        return [f"\t#{key}"]
    lines = [f"\t#={key}{_gift_feedback(row.get('answer_feedback', ''))}"]
    for other in others:
        fraction = format_number(other["fraction"])
        if other["value"] is None and fraction == "0":
            lines.append(f"\t~{_gift_feedback(other['feedback'], always=True)}")
            continue
        value = (
            "*" if other["value"] is None else f"{format_number(other['value'])}:{format_number(other['tolerance'])}"
        )
        weight = "" if fraction == "100" else f"%{fraction}%"
        lines.append(f"\t={weight}{value}{_gift_feedback(other.get('feedback', ''))}")
    return lines


def _gift_feedback(text: str, always: bool = False) -> str:
    return f"#{_gift_out(text)}" if text or always else ""


def _single_prefix(option: dict, fraction: str) -> str:
    """= for the right option; ~ for a wrong one, with its weight when it has partial credit, or when its text
    starts like a weight (``~%0%%50% off``), so that is read as text."""
    if option["correct"]:
        return "="
    if fraction != "0" or _WEIGHT_RE.match(option["text"].strip()):
        return f"~%{fraction}%"
    return "~"


def from_gift(text: str, reading: Reading | None = None) -> list[dict]:
    """Rows of the JSON format from GIFT: multiple-choice (single and multiple answer), true/false and numerical.

    Round trip of our own export is exact but for each option's calcinosis type. Files from elsewhere carry no
    links (section, about); their topic comes from ``$CATEGORY``; each text is read in its format ([html], [moodle],
    [plain], [markdown]; an option or feedback without one takes the stem's, as in Moodle). A missing-word question
    keeps a _____ where its answers stood. Short-answer, matching, essay and description questions raise ValueError,
    as does a brace left open, naming the line; unless a Reading is given: then each such question is listed in its
    `skipped`, what a question lost in its `notes`, and the others are read.
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
        question = _GiftQuestion("\n".join(line for _, line in body), comments, body[0][0])
        try:
            rows.append(question.row(topic))
        except ValueError as error:
            if reading is None:
                raise
            reading.skipped.append({"name": question.name, "kind": question.kind(), "reason": str(error)})
            continue
        if reading is not None:
            reading.notes += [{"name": question.name, "kind": "", "reason": note} for note in question.notes]
            if rows[-1]["slug"] != question.explicit_id:
                reading.named.add(rows[-1]["slug"])
    return rows


def _gift_blocks(text: str) -> list[list[tuple[int, str]]]:
    """Questions are separated by blank lines; each block as (line number, line) pairs. Lines end at \\n only (or at
    \\r in a file that has no \\n), as in Moodle: a U+2028 or a lone \\r inside a text is part of it."""
    text = text.replace("\r\n", "\n") if "\n" in text else text.replace("\r", "\n")
    blocks, block = [], []
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            block.append((number, line))
        elif block:
            blocks.append(block)
            block = []
    return blocks + [block] if block else blocks


class _GiftQuestion:
    """One question's text, its escaped characters hidden while the structure is parsed (as Moodle's own parser
    does), behind private-use characters that the text itself does not contain."""

    def __init__(self, text: str, comments: list[str], line: int):
        spare = (chr(c) for c in range(0xF0000, 0x10FFFE) if chr(c) not in text)
        self.hide = {ch: next(spare) for ch in _ESCAPABLE}
        self.restore_table = str.maketrans({v: ("\n" if k == "n" else k) for k, v in self.hide.items()})
        self.text = re.sub(r"\\([\\~=#{}:n])", lambda m: self.hide[m.group(1)], text.strip())
        self.title, self.body = self._title()
        self.comments, self.line, self.notes = comments, line, []
        self.explicit_id, self.tags = _gift_marks(comments)
        self.where = f"GIFT question at line {line}" + (f" ({self.title!r})" if self.title else "")

    @property
    def name(self) -> str:
        return self.title or f"line {self.line}"

    def restore(self, text: str) -> str:
        return text.translate(self.restore_table)

    def _title(self) -> tuple[str, str]:
        if not self.text.startswith("::"):
            return "", self.text
        title, found, rest = self.text[2:].partition("::")
        if not found:
            return "", self.text
        return self.restore(title).strip(), rest.strip()

    def row(self, topic: str) -> dict:
        stem, answers = self._split()
        answers, _, general = answers.rpartition("####") if "####" in answers else (answers, "", "")
        fmt, stem = _format_of(stem, "moodle")
        key = self._key(answers.strip(), fmt)
        return row_from(
            ids=[self.explicit_id, self.title],
            topic=topic,
            stem=self.markdown(stem, fmt),
            teaching_point=self.markdown(general, fmt),
            tags=self.tags,
            key=key,
        )

    def _split(self) -> tuple[str, str]:
        """The text around the answer block, and the block's content."""
        text, where = self.body, self.where
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

    def markdown(self, text: str, default: str) -> str:
        """A stem or teaching point as Markdown, read in its own format or the stem's."""
        fmt, text = _format_of(text, default)
        text = self.restore(text).strip()
        if fmt == "markdown":
            return text
        if fmt == "html" or fmt == "moodle" and _HTML_RE.search(text):
            # Moodle's own format is HTML in which a line break is kept as one.
            return html_to_markdown(text if fmt == "html" else text.replace("\n", "<br>\n"))
        return escape_markdown(text)

    def plain(self, text: str, default: str) -> str:
        """An option or its feedback as the plain text the app shows, read in its own format or the stem's."""
        fmt, text = _format_of(text, default)
        text = self.restore(text).strip()
        if fmt == "html" or fmt == "moodle" and _HTML_RE.search(text):
            return html_to_text(text)
        return text

    def _key(self, answers: str, fmt: str) -> dict:
        if answers.startswith("#"):
            return self._numeric(answers[1:].strip(), fmt)
        if "~" in answers:
            return self._choices(answers, fmt)
        head, *feedback = answers.split("#", 2)
        if head.strip() in _TRUE_FALSE:
            return self._true_false(head.strip().startswith("T"), [*feedback, "", ""], fmt)
        raise ValueError(
            f"{self.where} is {_gift_kind(self.restore(answers))}; only multiple-choice, true/false and numerical "
            "questions can be imported."
        )

    def kind(self) -> str:
        """What kind a skipped question is, as the error naming it says (_gift_kind), without the article."""
        text = self.body
        answers = text[text.find("{") + 1 : text.rfind("}")].strip() if "{" in text else ""
        if answers.startswith("#"):
            return "numerical"
        kind = _gift_kind(self.restore(answers) if answers else "")
        return kind.removeprefix("an ").removeprefix("a ").removesuffix(" question")

    def _choices(self, answers: str, fmt: str) -> dict:
        single = "=" in answers
        parts = [p.strip() for p in answers.replace("=", "~=").split("~") if p.strip()]
        choices, grades = [], []
        for part in parts:
            grade, part = _weight(part)
            text, _, feedback = part.partition("#")
            grades.append(grade)
            choices.append(
                {
                    "text": self.plain(text, fmt),
                    "correct": grade > 99.99 if single else grade > 0,
                    "neutral": not single and grade == 0,
                    "explanation": self.plain(feedback, fmt),
                }
            )
        return {"kind": "single" if single else "multiple", "choices": weighted_choices(choices, grades, single)}

    def _true_false(self, truth: bool, feedback: list[str], fmt: str) -> dict:
        """Moodle's true/false as a single-answer question: its first feedback is for a wrong answer, the second for
        a right one."""
        wrong, right = (self.plain(text, fmt) for text in feedback[:2])
        return {
            "kind": "single",
            "choices": [
                {"text": "True", "correct": truth, "explanation": right if truth else wrong},
                {"text": "False", "correct": not truth, "explanation": wrong if truth else right},
            ],
        }

    def _numeric(self, spec: str, fmt: str) -> dict:
        """``a:tolerance``, ``a``, ``low..high``, or several ``=`` answers with weights and feedback (``*`` for any
        value), and after a ``~`` the feedback for any other answer (Moodle's "*", worth nothing)."""
        spec, _, otherwise = spec.partition("~")
        answers = [self._numeric_answer(a.strip(), fmt) for a in spec.split("=") if a.strip()]
        if otherwise.strip():
            feedback = self.plain(otherwise.partition("#")[2], fmt)
            answers.append(NumericAnswer(grade=0, value=None, tolerance=0, feedback=feedback))
        key, self.notes = numeric_key(answers, self.where)
        return key

    def _numeric_answer(self, answer: str, fmt: str) -> NumericAnswer:
        grade, answer = _weight(answer, default=100.0)
        value, _, feedback = answer.partition("#")
        value, feedback = self.restore(value).strip(), self.plain(feedback, fmt)
        if value == "*":
            return NumericAnswer(grade=grade, value=None, tolerance=0, feedback=feedback)
        if ".." in value:
            low, high = (parse_number(v, self.where) for v in value.split("..", 1))
            middle, tolerance = (low + high) / 2, abs(high - low) / 2
        else:
            answer_text, _, tolerance_text = value.partition(":")
            middle = parse_number(answer_text, self.where)
            tolerance = parse_number(tolerance_text or "0", self.where)
        return NumericAnswer(grade=grade, value=middle, tolerance=tolerance, feedback=feedback)


def _format_of(text: str, default: str) -> tuple[str, str]:
    """GIFT's optional [html], [moodle], [plain] or [markdown] before a text, else the default; we write [markdown]."""
    text = text.strip()
    match = _FORMAT_RE.match(text)
    return (match.group(1), text[match.end() :]) if match else (default, text)


def _weight(part: str, default: float = 0.0) -> tuple[float, str]:
    """An answer's weight in percent (``=`` is 100, ``%50%`` is 50) and the answer without it. As in Moodle, what
    follows ``=`` is text even if it looks like a weight."""
    if part.startswith("="):
        return 100.0, part[1:]
    if match := _WEIGHT_RE.match(part):
        return float(match.group(1)), part[match.end() :]
    return default, part


def _gift_kind(answers: str) -> str:
    if not answers:
        return "an essay question"
    if "->" in answers:
        return "a matching question"
    return "a short-answer question"


def _gift_marks(comments: list[str]) -> tuple[str, list[str]]:
    """Moodle's ``[id:...]`` and ``[tag:...]`` in the comment lines above a question."""
    marks = [(kind, value.replace("\\]", "]")) for kind, value in _MARK_RE.findall("\n".join(comments))]
    ids = [value.strip() for kind, value in marks if kind == "id"]
    return (ids[0] if ids else ""), [value for kind, value in marks if kind == "tag"]
