"""Parsed QTI XML as an element tree: parsing with the file's location, walking (namespaces,
descendants, interactions, ancestors) and editing (taking an element out of the item body and
keeping the text around it)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import replace
from xml.etree.ElementTree import Element

from pmpath.errors import FormatError, Location, Problem
from pmpath.formats.qti21._vocabulary import MAX_DEPTH, VOID, XML_NS
from pmpath.formats.safety import parse_xml
from pmpath.formats.xmltext import local_name


def parse(data: bytes, where: Location) -> Element:
    """The root of an XML document, its problems located at ``where``."""
    try:
        root: Element = parse_xml(data, where.file or "")
    except FormatError as exc:
        raise FormatError(
            [
                Problem(problem.message, replace(where, line=problem.location.line))
                for problem in exc.problems
            ]
        ) from None
    return root


def namespace_of(tag: str) -> str:
    """The namespace of a ``{namespace}name`` tag ("" for none)."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def is_qti(namespace: str) -> bool:
    """Whether ``namespace`` is QTI's (any version), or none."""
    return namespace == "" or "imsglobal.org/xsd/imsqti" in namespace


def descendants(element: Element, name: str) -> Iterator[Element]:
    """Every element named ``name`` below ``element`` (any namespace)."""
    return (each for each in element.iter() if local_name(each.tag) == name)


def interactions_in(element: Element) -> Iterator[Element]:
    """Interactions in document order, without looking inside an interaction."""
    stack = list(reversed(list(element)))
    while stack:
        current = stack.pop()
        if local_name(current.tag).endswith("Interaction"):
            yield current
        else:
            stack.extend(reversed(list(current)))


def ancestors(element: Element, parents: dict[Element, Element]) -> Iterator[Element]:
    """The ancestors of ``element``, nearest first."""
    while element in parents:
        element = parents[element]
        yield element


def check_depth(root: Element, where: Location) -> None:
    """Refuse XML nested deeper than :data:`MAX_DEPTH` elements."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FormatError(f"the XML nests deeper than {MAX_DEPTH} elements", where)
        stack.extend((child, depth + 1) for child in element)


def only_child(element: Element) -> Element | None:
    """The element's one child, else None."""
    children = list(element)
    return children[0] if len(children) == 1 else None


def remove(element: Element, parents: dict[Element, Element], prune: bool = False) -> None:
    """Take ``element`` out, keeping its tail text; with ``prune``, empty parents go too."""
    parent = parents.get(element)
    if parent is None:
        return
    _splice(parent, element, element.tail or "")
    if (
        prune
        and parent in parents
        and not len(parent)
        and not (parent.text or "").strip()
        and local_name(parent.tag) not in VOID
    ):
        remove(parent, parents, prune=True)


def replace_with_text(element: Element, parents: dict[Element, Element], text: str) -> None:
    """Put ``text`` where ``element`` was."""
    parent = parents.get(element)
    if parent is None:
        return
    _splice(parent, element, text + (element.tail or ""))
    # A blank alone in its paragraph leaves no trace in the text: the box follows the text.
    if parent in parents and not len(parent) and (parent.text or "").strip() == text:
        parent.text = ""
        remove(parent, parents, prune=True)


def put_text(element: Element, parents: dict[Element, Element], text: str) -> None:
    """Put ``text`` where ``element`` was, whatever else its parent holds."""
    parent = parents.get(element)
    if parent is not None:
        _splice(parent, element, text + (element.tail or ""))


def replace_with_element(element: Element, parents: dict[Element, Element], new: Element) -> None:
    """Put ``new`` where ``element`` was."""
    parent = parents[element]
    index = list(parent).index(element)
    new.tail = element.tail
    parent[index] = new
    parents[new] = parent


def _splice(parent: Element, element: Element, text: str) -> None:
    children = list(parent)
    index = children.index(element)
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        before = children[index - 1]
        before.tail = (before.tail or "") + text
    parent.remove(element)


def xml_base(resource: Element, parents: dict[Element, Element]) -> str:
    """The folder ``xml:base`` attributes on the resource and its ancestors give its hrefs."""
    chain = [resource, *ancestors(resource, parents)]
    base = ""
    for element in reversed(chain):
        value = element.get(f"{{{XML_NS}}}base")
        if value:
            base = posixpath.join(base, value)
    return base
