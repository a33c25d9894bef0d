"""The JSON format: questions.json's own shape, so an export imports into an empty bank unchanged."""

import json
from collections.abc import Iterable

from quizzes.exchange.rows import Reading, rows_of


def to_json(questions: Iterable) -> str:
    """The bank in questions.json's format: importing it into an empty bank recreates every question."""
    return json.dumps({"questions": rows_of(questions)}, ensure_ascii=False, indent=2) + "\n"


def from_json(text: str, reading: Reading | None = None) -> list[dict]:
    """The rows of a JSON bank. Every slug in it is an explicit id, so `reading` learns nothing it does not know."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"Malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}.") from None
    except RecursionError:
        raise ValueError("The JSON is nested too deeply to be a question bank.") from None
    rows = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ValueError('The JSON must be an object with a "questions" list (see quizzes/starter/README.md).')
    return rows
