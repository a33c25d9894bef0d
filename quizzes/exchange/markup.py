"""HTML back to Markdown (or plain text), for the texts Moodle XML and GIFT files bring in.

Text in the HTML stays text: whatever Markdown would read as markup in it (``*``, ``_``, a ``#`` or ``1.`` that starts
a line, ``&lt;b&gt;`` written as an entity) is escaped, so calcinosis.markup renders it exactly as the HTML showed it.

An image embedded in the file (Moodle's ``<img src="@@PLUGINFILE@@/rash.png">``) becomes a Markdown image whose
link keeps that marker, ``![alt](@@PLUGINFILE@@/rash.png)``, until the loader saves the file and puts its URL there.
"""

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import quote, unquote

# Moodle's marker for a file embedded beside the text; a row's Markdown keeps it until the loader saves the file.
PLUGINFILE = "@@PLUGINFILE@@/"
_PLUGIN_IMAGE_RE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\(" + re.escape(PLUGINFILE) + r"([^)\s]+)\)")

_BLOCKS = {"p", "div", "blockquote", "pre", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
_INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}
# Markdown's inline syntax anywhere in a line; "<" only where it would open a tag or an autolink, "&" only where it
# would start an entity, so ordinary text ("Ca < 2", "A & B") stays as written.
_INLINE_SPECIAL_RE = re.compile(r"[\\*_`\[\]]|<(?=[A-Za-z/!?])|&(?=#?\w+;)")
_INLINE_ESCAPES = {"<": "&lt;", "&": "&amp;"}
# Block syntax at the start of a line: a heading, a quote, a list item (bulleted or numbered), a rule or the line under
# a setext heading.
_LINE_START_RE = re.compile(r"^(\s*)(#|>|[-+](?=\s|$)|\d+(?=[.)](?:\s|$))|-(?=-+\s*$)|=(?=[=\s]*$))")


def escape_markdown(text: str, at_line_start: bool = True) -> str:
    """Plain text as Markdown that renders as exactly this text (with at_line_start=False: text that continues a
    line already begun, so only its later lines can open a block)."""
    escaped = _INLINE_SPECIAL_RE.sub(lambda m: _INLINE_ESCAPES.get(m.group(), "\\" + m.group()), text)
    lines = escaped.split("\n")
    return "\n".join(_escape_line_start(line) if i or at_line_start else line for i, line in enumerate(lines))


def _escape_line_start(line: str) -> str:
    match = _LINE_START_RE.match(line)
    if not match:
        return line
    indent, marker = match.groups()
    if marker.isdigit():  # "1." or "1)" starts a numbered list: escape the dot or parenthesis
        return f"{indent}{marker}\\{line[match.end() :]}"
    if marker == "=":  # a line of "=" under a paragraph makes it a heading; Markdown has no escape for "="
        return f"{indent}&#61;{line[match.end() :]}"
    return f"{indent}\\{marker}{line[match.end() :]}"


def image_link(alt: str, url: str) -> str:
    """A Markdown image; its description on one line, escaped so that it stays text."""
    return f"![{escape_markdown(' '.join(alt.split()), at_line_start=False)}]({url})"


def plugin_image_link(name: str, alt: str) -> str:
    """A Markdown image of the file `name` embedded beside the text (a path under Moodle's marker)."""
    return image_link(alt, PLUGINFILE + quote(name))


def plugin_images(text: str) -> list[tuple[str, str]]:
    """The embedded files a Markdown text shows, as (name, description), in order."""
    return [(unquote(match[2]), _unescape(match[1])) for match in _PLUGIN_IMAGE_RE.finditer(text)]


def replace_plugin_images(text: str, replacement: Callable[[str, str], str]) -> str:
    """The text with each image of an embedded file replaced by replacement(name, description)."""
    return _PLUGIN_IMAGE_RE.sub(lambda match: replacement(unquote(match[2]), _unescape(match[1])), text)


def _unescape(markdown: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown))


class _HtmlReader(HTMLParser):
    """HTML to Markdown for what render_markdown writes and the usual tags of Moodle's editor; other tags keep their
    text. With markdown=False (option texts and explanations, shown as plain text) it keeps the text alone.

    Each ``<img>`` is listed in `images` ({"src", "name", "alt"}; name: the embedded file's, else None). One of a
    file embedded beside the text becomes a Markdown image (described by its file name when it has no alt text);
    any other image, and every image in plain text, leaves only its alt text."""

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
        self.at_line_start = True
        self.images: list[dict] = []

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
            self.after_break = self.at_line_start = True
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self._write("[")
        elif tag in _INLINE:
            self._write(_INLINE[tag])
            self.in_code = self.in_code or tag == "code"
        elif tag == "img":
            self._image(dict(attrs))
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
            data = escape_markdown(data, at_line_start=self.at_line_start)
        self.current.append(data)
        if data.strip():
            self.at_line_start = False

    def _image(self, attrs: dict) -> None:
        src, alt = (attrs.get("src") or "").strip(), " ".join((attrs.get("alt") or "").split())
        name = (
            unquote(src.removeprefix(PLUGINFILE).partition("?")[0]).lstrip("/") if src.startswith(PLUGINFILE) else None
        )
        self.images.append({"src": src, "name": name, "alt": alt})
        if name and self.markdown:
            self.current.append(plugin_image_link(name, alt or name.rpartition("/")[2]))
            self.at_line_start = False
        elif alt:
            self.handle_data(alt)

    def _write(self, markup: str) -> None:
        if self.markdown or markup == "\n":
            self.current.append(markup)
        # After a list item's marker the text is still at the start of what Markdown reads as the item's line.
        self.at_line_start = markup.endswith(("\n", "- ", "1. "))

    def _end_block(self, item: bool = False) -> None:
        text = "".join(self.current).strip()
        self.current = []
        self.at_line_start = True
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


def html_to_markdown(text: str, images: list[dict] | None = None) -> str:
    """The HTML as Markdown; the images it holds are added to `images` when given (see _HtmlReader)."""
    return _read(text, True, images)


def html_to_text(text: str, images: list[dict] | None = None) -> str:
    return _read(text, False, images)


def _read(text: str, markdown: bool, images: list[dict] | None) -> str:
    reader = _HtmlReader(markdown=markdown)
    reader.feed(text)
    result = reader.result()
    if images is not None:
        images += reader.images
    return result
