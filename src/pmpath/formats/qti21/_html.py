"""Texts between the interchange model and QTI's XHTML: Markdown, plain and Moodle texts
rendered as well-formed fragments (HTML mended when it is not XML), and markup read back as
plain text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

from pmpath.formats.markdown import markdown_html
from pmpath.formats.qti21._serializing import escape, escape_attribute, inner_markup, well_formed
from pmpath.formats.qti21._vocabulary import NAME, VOID
from pmpath.formats.quiz import Text, TextFormat
from pmpath.formats.xmltext import XML_INVALID, local_name, xml_characters

_INLINE = {
    "a", "abbr", "acronym", "b", "big", "br", "cite", "code", "dfn", "em", "i", "img", "kbd",
    "q", "samp", "small", "span", "strong", "sub", "sup", "tt", "var", "math", "u", "s",
    "textEntryInteraction", "inlineChoiceInteraction", "endAttemptInteraction",
}  # fmt: skip
#: How the Markdown renderer aligns a table column.
_ALIGNED = re.compile(r' style="text-align:(?:left|right|center)"')


def body_block(markup: str) -> str:
    """Kept markup as itemBody content: an inline interaction goes into a paragraph."""
    match = re.match(r"<([\w.-]+)", markup)
    inline = match is not None and match.group(1) in _INLINE
    return f"<p>{markup}</p>" if inline else markup


def xhtml_fragment(text: Text, block: bool) -> tuple[str, list[str]]:
    """A text as a well-formed XHTML fragment in the QTI namespace, and what had to change.

    ``block``: the fragment goes straight into ``itemBody``, which holds block elements only.
    """
    problems: list[str] = []
    value = text.text.replace("\r\n", "\n").replace("\r", "\n")
    if text.format is TextFormat.MARKDOWN:
        # A single paragraph (a choice, a short feedback) stays inline, as in anki.py.
        value = markdown_html(value, inline=not block)
        if _ALIGNED.search(value):
            # QTI's XHTML has no style attribute: the columns keep the default alignment.
            problems.append("the alignment of table columns is not written")
            value = _ALIGNED.sub("", value)
    elif text.format is TextFormat.PLAIN or (
        text.format is TextFormat.MOODLE and not re.search(r"<[A-Za-z/!]", value)
    ):
        single = not re.search(r"\n\s*\n", value.strip())
        value = _paragraphs(value) if block or not single else _lines(value)
    elif text.format is TextFormat.MOODLE:
        # Moodle's auto-format lets HTML through and turns line breaks into <br>.
        value = value.replace("\n", "<br/>")
    if XML_INVALID.search(value):
        problems.append("control characters in a text are left out (XML cannot hold them)")
        value = xml_characters(value)
    parsed = well_formed(value) or well_formed(_xhtml(value))
    if parsed is None:
        problems.append("a text is not valid HTML and is written as plain text")
        return (_paragraphs(value) if block else escape(value)), problems
    root, fragment = parsed
    return (f"<div>{fragment}</div>" if block and inline_content(root) else fragment), problems


def normalized(fragment: str) -> str:
    """A fragment as the reader gives it back (serialized by :func:`_inner`)."""
    parsed = well_formed(fragment)
    return inner_markup(parsed[0]) if parsed is not None else fragment


def inline_content(root: Element) -> bool:
    """Whether an element holds text or inline elements directly (an itemBody may not)."""
    return bool((root.text or "").strip()) or any(
        (child.tail or "").strip() or local_name(child.tag) in _INLINE for child in root
    )


def _paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs; single line breaks become ``<br/>``."""
    blocks = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    return "".join(f"<p>{_lines(block)}</p>" for block in blocks)


def _lines(text: str) -> str:
    return "<br/>".join(escape(line) for line in text.strip("\n").split("\n"))


def texts_of(root: Element) -> Iterator[str]:
    """Every text and tail in ``root``'s tree."""
    yield root.text or ""
    for element in root.iter():
        if element is not root:
            yield element.text or ""
            yield element.tail or ""


def _xhtml(markup: str) -> str:
    """HTML (void tags, unclosed elements, named entities) rewritten as well-formed XHTML."""
    builder = _XhtmlBuilder()
    builder.feed(markup)
    builder.close()
    return "".join(builder.out)


class _XhtmlBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []

    def start(self, tag: str, attrs: list[tuple[str, str | None]], empty: bool) -> None:
        if not NAME.fullmatch(tag):
            self.out.append(escape(self.get_starttag_text() or ""))
            return
        written = "".join(
            f' {name}="{escape_attribute(value if value is not None else name)}"'
            for name, value in attrs
            if NAME.fullmatch(name) and not name.startswith("xmlns")
        )
        if empty or tag in VOID:
            self.out.append(f"<{tag}{written}/>")
        else:
            self.out.append(f"<{tag}{written}>")
            self.stack.append(tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start(tag, attrs, empty=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start(tag, attrs, empty=True)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack:
                name = self.stack.pop()
                self.out.append(f"</{name}>")
                if name == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data))

    def close(self) -> None:
        super().close()
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")


def plain_text(markup: str) -> str:
    """Text without tags and with whitespace collapsed."""
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    return " ".join("".join(parser.parts).split())


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
