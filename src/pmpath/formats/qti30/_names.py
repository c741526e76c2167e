"""QTI 3.0's spelling of QTI 2.1: the two versions share one information model, and 3.0 renames
its elements (``choiceInteraction`` -> ``qti-choice-interaction``) and attributes
(``responseIdentifier`` -> ``response-identifier``), moves to its own namespace and template
URIs, and wraps a modal feedback's content in ``qti-content-body``. Translating the text of a
document (never re-serializing it) keeps every line where it was, so a problem found in the
2.1 spelling is reported at the line of the 3.0 file."""

from __future__ import annotations

import re

QTI3_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI2_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI3_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
QTI2_SCHEMA = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
QTI3_TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
QTI2_TEMPLATES = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
ITEM_RESOURCE = "imsqti_item_xmlv3p0"
TEST_RESOURCE = "imsqti_test_xmlv3p0"
QTI2_ITEM_RESOURCE = "imsqti_item_xmlv2p1"
QTI2_TEST_RESOURCE = "imsqti_test_xmlv2p1"
#: The element QTI 3.0 puts around a modal feedback's content; 2.1 has the content bare.
CONTENT_BODY = "qti-content-body"

#: QTI 2.1 element names of one lower-case word, which cannot be told from HTML by their case.
_ONE_WORD = frozenset({
    "and", "contains", "correct", "delete", "divide", "gap", "gcd", "gt", "gte", "hottext",
    "index", "inside", "lcm", "lt", "lte", "mapping", "match", "max", "member", "min", "multiple",
    "not", "null", "or", "ordered", "ordering", "power", "product", "prompt", "random", "repeat",
    "round", "selection", "stylesheet", "substring", "subtract", "sum", "truncate", "value",
    "variable", "weight",
})  # fmt: skip
#: Attributes that keep their name: namespaced ones and those HTML defines the same in both.
_KEPT_ATTRIBUTE = re.compile(r"(?:[\w.-]+:|xmlns|data-|aria-)")

_ATTRIBUTE = re.compile(r"""(\s)([A-Za-z_][\w.:-]*)(\s*=\s*(?:"[^"]*"|'[^']*'))""")
_QTI3_TAG = re.compile(rb"""<(/?(?:[\w.-]+:)?)qti-([a-z0-9-]+)((?:[^<>"']|"[^"]*"|'[^']*')*)>""")
_QTI2_TAG = re.compile(rb"""<(/?)([A-Za-z][\w.-]*)((?:[^<>"']|"[^"]*"|'[^']*')*)>""")
_CONTENT_BODY = re.compile(rb"""</?(?:[\w.-]+:)?qti-content-body(?:[^<>"']|"[^"]*"|'[^']*')*>""")


def camel(kebab: str) -> str:
    """``assessment-item`` -> ``assessmentItem``."""
    first, *rest = kebab.split("-")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


def kebab(name: str) -> str:
    """``assessmentItem`` -> ``assessment-item``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).lower()


def is_qti2_element(name: str) -> bool:
    """Whether a QTI 2.1 element name is QTI's own rather than one of the HTML it embeds."""
    return name != name.lower() or name in _ONE_WORD


def _attributes(text: str, to_camel: bool) -> str:
    convert = camel if to_camel else kebab

    def one(match: re.Match[str]) -> str:
        name = match.group(2)
        if _KEPT_ATTRIBUTE.match(name):
            return match.group(0)
        return match.group(1) + convert(name) + match.group(3)

    return _ATTRIBUTE.sub(one, text)


def to_qti2(data: bytes) -> bytes:
    """A QTI 3.0 document respelled as QTI 2.1, every line where it was."""

    def drop(match: re.Match[bytes]) -> bytes:
        return b"\n" * match.group(0).count(b"\n")

    def tag(match: re.Match[bytes]) -> bytes:
        closing, name, rest = match.group(1), match.group(2).decode("ascii"), match.group(3)
        attributes = _attributes(rest.decode("utf-8", "surrogateescape"), to_camel=True)
        return (
            b"<"
            + closing
            + camel(name).encode("ascii")
            + attributes.encode("utf-8", "surrogateescape")
            + b">"
        )

    data = _utf8(data)
    data = _CONTENT_BODY.sub(drop, data)
    data = _QTI3_TAG.sub(tag, data)
    data = data.replace(QTI3_NS.encode(), QTI2_NS.encode())
    return data.replace(QTI3_SCHEMA.encode(), QTI2_SCHEMA.encode())


def _utf8(data: bytes) -> bytes:
    """UTF-16 documents (with a byte order mark) as UTF-8, so that the names can be found."""
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        return data  # the XML parser reports it, located
    text = re.sub(r"""^(<\?xml[^>]*?encoding\s*=\s*["'])[^"']*""", r"\g<1>UTF-8", text)
    return text.encode("utf-8")


def to_qti3(text: str) -> str:
    """A QTI 2.1 document (as pmpath writes it) respelled as QTI 3.0."""
    raw = text.encode("utf-8")

    def tag(match: re.Match[bytes]) -> bytes:
        closing, name, rest = match.group(1), match.group(2).decode("ascii"), match.group(3)
        if not is_qti2_element(name):
            return match.group(0)
        attributes = _attributes(rest.decode("utf-8"), to_camel=False).encode("utf-8")
        renamed = b"<" + closing + b"qti-" + kebab(name).encode("ascii") + attributes + b">"
        if closing and name == "modalFeedback":
            # 3.0 wants the feedback's content inside a content body (opened below).
            return b"</qti-content-body>" + renamed
        return renamed

    raw = _QTI2_TAG.sub(tag, raw)
    raw = re.sub(
        rb"(<qti-modal-feedback(?:[^<>\"']|\"[^\"]*\"|'[^']*')*(?<!/)>)",
        rb"\1<qti-content-body>",
        raw,
    )
    out = raw.decode("utf-8")
    out = out.replace(QTI2_TEMPLATES, QTI3_TEMPLATES)
    out = out.replace(QTI2_SCHEMA, QTI3_SCHEMA)
    return out.replace(QTI2_NS, QTI3_NS)


#: Element names a message may mention bare (attribute names such as ``baseType`` stay).
_MESSAGE_NAME = re.compile(
    r"<([A-Za-z][\w.-]*)>|\b([a-z]+(?:[A-Z][a-z]+)*"
    r"(?:Interaction|Declaration|Item|Test|Body|Processing|Feedback|Choice|Response|Entry))\b"
)


def message(text: str) -> str:
    """A message about a QTI 2.1 spelling, reworded for the QTI 3.0 file it is about."""

    def name(match: re.Match[str]) -> str:
        bare = match.group(1) or match.group(2)
        if not is_qti2_element(bare):
            return match.group(0)
        renamed = "qti-" + kebab(bare)
        return f"<{renamed}>" if match.group(1) else renamed

    text = text.replace("QTI 2.1", "QTI 3.0").replace("QTI 2.x", "QTI 3.0")
    return _MESSAGE_NAME.sub(name, text)
