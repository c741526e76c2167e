"""What an item, a quiz or a bank carries besides its questions: ``qtimetadata`` fields, and
elements pmpath does not read, kept verbatim in ``extra`` and written back."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
from typing import Any
from xml.etree.ElementTree import Element

from pmpath.formats.xmltext import xml_characters

_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def read_fields(metadata: Element | None) -> list[list[str]]:
    """The ``qtimetadatafield`` label/entry pairs under ``metadata``, in order."""
    if metadata is None:
        return []
    pairs = []
    for entry in metadata:
        if entry.tag in ("qtimetadatafield", "qti_metadatafield"):
            label = (entry.findtext("fieldlabel") or "").strip()
            pairs.append([label, (entry.findtext("fieldentry") or "").strip()])
    return pairs


def write_fields(parent: Element, fields: list[list[str]], tag: str) -> None:
    if not fields:
        return
    metadata = ElementTree.SubElement(parent, tag)
    for label, entry in fields:
        field_element = ElementTree.SubElement(metadata, "qtimetadatafield")
        ElementTree.SubElement(field_element, "fieldlabel").text = xml_characters(label)
        ElementTree.SubElement(field_element, "fieldentry").text = xml_characters(entry)


def field_pairs(value: Any) -> list[list[str]]:
    if not isinstance(value, list):
        return []
    return [
        [str(pair[0]), str(pair[1])]
        for pair in value
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]


def to_data(element: Element) -> dict[str, Any]:
    """An element as plain values (kept in ``extra``); whitespace-only text is layout."""
    text = element.text if element.text and element.text.strip() else None
    return {
        "tag": element.tag,
        "attrib": dict(element.attrib),
        "text": text,
        "children": [to_data(child) for child in element if isinstance(child.tag, str)],
    }


def from_data(data: dict[str, Any]) -> Element:
    """The element :func:`_to_data` kept (names that are not XML names are left out)."""
    tag = str(data.get("tag"))
    attributes = data.get("attrib")
    attributes = attributes if isinstance(attributes, dict) else {}
    element = Element(tag if _XML_NAME.match(tag) else "extension")
    for name, value in attributes.items():
        if _XML_NAME.match(str(name)):
            element.set(str(name), xml_characters(str(value)))
    text = data.get("text")
    element.text = xml_characters(str(text)) if text is not None else None
    children = data.get("children")
    for child in children if isinstance(children, list) else []:
        if isinstance(child, dict):
            element.append(from_data(child))
    return element
