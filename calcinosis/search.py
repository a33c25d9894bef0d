"""Finding the passage of a page that matches a query: plain text in, escaped HTML out; no Django models."""

import re
from html import escape, unescape

_CELL_END = re.compile(r"</t[dh]>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|tr|dd|dt|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """Readable text of a rendered page: table cells kept apart by semicolons, blocks by spaces."""
    text = _BLOCK_END.sub(" ", _CELL_END.sub("; ", html))
    return _SPACE.sub(" ", unescape(_TAG.sub("", text))).strip()


WINDOW = 220


def passage(text: str, words: list[str]) -> str:
    """About WINDOW characters of text around the first word found, the words marked with <mark>."""
    text = text.replace("\0", "").replace("\1", "")
    if not words:
        return escape(text[:WINDOW])
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    start = 0 if first is None else max(0, first.start() - WINDOW // 3)
    # Begin and end on word boundaries so the passage does not open mid-word.
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(text), start + WINDOW)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    excerpt = text[start:end]
    marked = pattern.sub(lambda m: f"\0{m.group(0)}\1", excerpt)
    html = escape(marked).replace("\0", "<mark>").replace("\1", "</mark>")
    return ("… " if start else "") + html + (" …" if end < len(text) else "")


def score(title: str, text: str, words: list[str]) -> int:
    """Rank: a word in the title counts for ten occurrences in the body."""
    lowered_title, lowered_text = title.lower(), text.lower()
    return sum(10 * lowered_title.count(w.lower()) + lowered_text.count(w.lower()) for w in words)
