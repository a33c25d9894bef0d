"""Question exchange: the JSON bank format (quizzes/starter/README.md), Moodle XML and GIFT, both ways.

Pure code, no Django: the management commands fetch and save; this package checks rows, writes files and reads them
back into rows of the JSON format, which the starter loader then creates.

- ``rows``: the row shape, a Question as a row, slugs, and the tags that carry what Moodle lacks;
- ``validation``: ``validate_rows`` and ``validate_row`` against the ``Knowledge`` of a database;
- ``json_format``, ``moodle_xml``, ``gift``: one writer and one reader per format;
- ``markup``: HTML from Moodle XML and GIFT back to Markdown or plain text, text in it kept as text.

What callers use is importable from here, and the formats by name as ``WRITERS``, ``READERS`` and ``EXTENSIONS``.
"""

from collections.abc import Callable, Iterable

from quizzes.exchange.gift import from_gift, to_gift
from quizzes.exchange.json_format import from_json, to_json
from quizzes.exchange.markup import escape_markdown, html_to_markdown, html_to_text
from quizzes.exchange.moodle_xml import from_moodle_xml, to_moodle_xml
from quizzes.exchange.rows import ABOUT, KINDS, TOPICS, Reading, as_row, free_slug, same_question, slugify
from quizzes.exchange.validation import Knowledge, validate_row, validate_rows

__all__ = [
    "ABOUT",
    "EXTENSIONS",
    "KINDS",
    "READERS",
    "TOPICS",
    "WRITERS",
    "Knowledge",
    "Reading",
    "as_row",
    "escape_markdown",
    "free_slug",
    "from_gift",
    "from_json",
    "from_moodle_xml",
    "html_to_markdown",
    "html_to_text",
    "same_question",
    "slugify",
    "to_gift",
    "to_json",
    "to_moodle_xml",
    "validate_row",
    "validate_rows",
]

WRITERS: dict[str, Callable[[Iterable], str]] = {"json": to_json, "moodle-xml": to_moodle_xml, "gift": to_gift}
# Each reader takes the text and, optionally, a Reading to collect what it skipped instead of raising.
READERS: dict[str, Callable[..., list[dict]]] = {"json": from_json, "moodle-xml": from_moodle_xml, "gift": from_gift}
EXTENSIONS = {".json": "json", ".xml": "moodle-xml", ".gift": "gift", ".txt": "gift"}
