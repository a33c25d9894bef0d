"""HTML back to Markdown (or plain text), for the texts Moodle XML and GIFT files bring in."""

import re
from html.parser import HTMLParser

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
