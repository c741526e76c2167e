"""Elements as QTI XML text: read elements kept verbatim, and pmpath's own markup laid out on
indented lines; with the escapes XML text and attributes need."""

from __future__ import annotations

import copy
from xml.etree.ElementTree import Element

from pmpath.errors import FormatError
from pmpath.formats.qti21._tree import is_qti, namespace_of
from pmpath.formats.qti21._vocabulary import QTI_NS, VOID, XML_NS, XSI_NS
from pmpath.formats.safety import parse_xml
from pmpath.formats.xmltext import local_name, xml_characters


def inner_markup(element: Element) -> str:
    """An element's content as XML text, without its own tags."""
    namespace = _effective(namespace_of(element.tag) if isinstance(element.tag, str) else "")
    text = escape(element.text or "")
    text += "".join(serialize(child, namespace) for child in element)
    return text.strip()


def _effective(namespace: str) -> str:
    return "" if is_qti(namespace) else namespace


def serialize(element: Element, parent_namespace: str, depth: int | None = None) -> str:
    """An element as XML: QTI (and unqualified) elements without a prefix, others with xmlns.

    With a ``depth``, the children of structural QTI elements (declarations, rules, the
    scaffolding of interactions) go on lines of their own, indented; content never changes.
    """
    if not isinstance(element.tag, str):
        return escape(element.tail or "")
    namespace = _effective(namespace_of(element.tag))
    name = local_name(element.tag)
    attributes: list[tuple[str, str]] = []
    if namespace != parent_namespace:
        attributes.append(("xmlns", namespace))
    declared: dict[str, str] = {}
    for key, value in element.attrib.items():
        attribute_namespace = namespace_of(key)
        if not attribute_namespace:
            attributes.append((key, value))
            continue
        prefix = _PREFIXES.get(attribute_namespace)
        if prefix is None:
            prefix = declared.get(attribute_namespace) or f"ns{len(declared) + 1}"
        if prefix != "xml" and attribute_namespace not in declared:
            declared[attribute_namespace] = prefix
            attributes.append((f"xmlns:{prefix}", attribute_namespace))
        attributes.append((f"{prefix}:{local_name(key)}", value))
    start = name + "".join(f' {key}="{escape_attribute(value)}"' for key, value in attributes)
    layout = (
        depth is not None
        and name in _STRUCTURAL
        and len(element)
        and not (element.text or "").strip()
        and not any((child.tail or "").strip() for child in element)
    )
    if layout and depth is not None:
        pad = "\n" + "  " * (depth + 1)
        content = "".join(pad + serialize(tailless(c), namespace, depth + 1) for c in element)
        content += "\n" + "  " * depth
    else:
        content = escape(element.text or "") + "".join(
            serialize(child, namespace) for child in element
        )
    if not content and (name in VOID or name.endswith("Interaction") or name in _EMPTY_QTI):
        markup = f"<{start}/>"
    else:
        markup = f"<{start}>{content}</{name}>"
    return markup + escape(element.tail or "")


def tailless(element: Element) -> Element:
    """The element without the text that follows it."""
    if element.tail is None:
        return element
    copied = copy.copy(element)
    copied.tail = None
    return copied


def pretty(markup: str, depth: int) -> str:
    """Our own well-formed QTI markup, laid out on indented lines (see :func:`_serialize`)."""
    parsed = well_formed(markup)
    if parsed is None:
        return markup
    return "\n".join(serialize(tailless(child), "", depth) for child in parsed[0])


_STRUCTURAL = {
    "responseDeclaration", "correctResponse", "mapping", "outcomeDeclaration", "defaultValue",
    "responseCondition", "responseIf", "responseElseIf", "responseElse", "setOutcomeValue",
    "match", "equal", "stringMatch", "isNull", "choiceInteraction", "orderInteraction",
    "matchInteraction", "associateInteraction", "simpleMatchSet",
}  # fmt: skip

_EMPTY_QTI = {
    "value", "mapEntry", "variable", "correct", "mapResponse", "baseValue", "file",
    "responseDeclaration", "outcomeDeclaration", "mapping", "correctResponse", "prompt",
    "areaMapEntry", "printedVariable", "dependency",
}  # fmt: skip


def well_formed(fragment: str) -> tuple[Element, str] | None:
    """The fragment parsed inside a QTI-namespaced wrapper, or None when it is not XML."""
    wrapped = f'<div xmlns="{QTI_NS}">{fragment}</div>'.encode()
    try:
        root: Element = parse_xml(wrapped, "<text>")
    except FormatError:
        return None
    return root, fragment


def escape(text: str) -> str:
    """Text as XML character data (characters XML cannot hold left out)."""
    return xml_characters(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    """Text as an XML attribute value in double quotes."""
    return (
        escape(text)
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


_PREFIXES = {
    XML_NS: "xml",
    XSI_NS: "xsi",
    "http://www.w3.org/1999/xlink": "xlink",
    "http://www.w3.org/1998/Math/MathML": "m",
}
