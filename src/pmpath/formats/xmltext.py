"""XML as text, for the XML formats (Moodle XML, QTI 1.2, QTI 2.1): what the parser does not
tell (the line of an element) and what XML cannot hold (characters outside XML 1.0).

Parsing itself goes through :func:`pmpath.formats.safety.parse_xml`.
"""

from __future__ import annotations

import re

#: Characters XML 1.0 cannot hold, even as references: control characters other than tab,
#: line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

#: Elements start where a ``<`` is followed by a name; comments, CDATA sections, processing
#: instructions and the doctype are matched whole so that a ``<`` inside them is skipped.
_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>|<([^\s/>!?][^\s/>]*)", re.S
)


def xml_characters(text: str) -> str:
    """``text`` without the characters XML cannot hold."""
    return XML_INVALID.sub("", text)


def local_name(tag: object) -> str:
    """An element's name without its namespace (``{ns}item`` -> ``item``); "" for comments."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def start_tag_lines(data: bytes, name: str | None = None) -> list[int]:
    """The 1-based line of each element's start tag, in document order: of every element, or
    of those named ``name`` (with any prefix).

    ElementTree keeps no line numbers; the n-th start tag found here is the n-th element of the
    parsed tree. The text is decoded one byte to one character (or as UTF-16 when it has that
    BOM), so that ``<`` and line breaks are found at their place whatever the encoding.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "replace")
    else:
        text = data.decode("latin-1")
    lines: list[int] = []
    line, position = 1, 0
    for match in _MARKUP.finditer(text):
        tag = match.group(1)
        if tag is None or (name is not None and tag.rsplit(":", 1)[-1] != name):
            continue
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.append(line)
    return lines
