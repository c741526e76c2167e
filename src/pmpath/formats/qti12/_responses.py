"""An item's responses: the response elements and their labels, and the response conditions
that score them, evaluated when reading (:func:`holds`) and built when writing
(:func:`varequal`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from pmpath.formats.qti12._canvas import RESPONSES
from pmpath.formats.xmltext import xml_characters


@dataclass
class Rule:
    """One ``respcondition``: its condition, its SCORE changes, feedback links and stop flag."""

    condition: Element
    actions: list[tuple[str, float]]
    feedback: list[str]
    stop: bool


def response_elements(presentation: Element | None) -> Iterator[Element]:
    if presentation is None:
        return
    stack = [presentation]
    while stack:
        element = stack.pop(0)
        for child in element:
            if child.tag in RESPONSES:
                yield child
            elif child.tag == "flow":
                stack.append(child)


def labels_of(response: Element) -> list[tuple[str, Element]]:
    """The (ident, element) of each ``response_label`` of a response, in order."""
    return [(label.get("ident", ""), label) for label in response.iter("response_label")]


def shuffle_of(response: Element) -> bool | None:
    render = response.find("render_choice")
    if render is None or render.get("shuffle") is None:
        return None
    return render.get("shuffle", "").lower() == "yes"


def apply_action(action: str, score: float, value: float) -> float:
    action = action.lower()
    if action == "add":
        return score + value
    if action == "subtract":
        return score - value
    if action == "multiply":
        return score * value
    if action == "divide":
        return score / value if value else score
    return value


def holds(condition: Element, response: dict[str, set[str]], matched: bool) -> bool:
    """Whether a QTI condition holds for choices ``response`` (children of a node: all)."""
    tag = condition.tag
    children = [child for child in condition if isinstance(child.tag, str)]
    if tag in ("conditionvar", "and"):
        return bool(children) and all(holds(c, response, matched) for c in children)
    if tag == "or":
        return any(holds(c, response, matched) for c in children)
    if tag == "not":
        return bool(children) and not holds(children[0], response, matched)
    if tag == "other":
        return not matched
    if tag == "unanswered":
        chosen = response.get(condition.get("respident", ""), set())
        return not chosen
    if tag == "varequal":
        value = (condition.text or "").strip()
        respident = condition.get("respident")
        if respident is None:
            return any(value in chosen for chosen in response.values())
        return value in response.get(respident, set())
    return False


def references(condition: Element, respident: str | None = None) -> tuple[list[str], list[str]]:
    """The labels a condition asks for (positive) and rules out (under a ``not``), in order.

    With ``respident``, only the labels of that response count.
    """
    positive: list[str] = []
    negative: list[str] = []
    stack = [(condition, False)]
    while stack:
        node, negated = stack.pop()
        mine = respident is None or node.get("respident", respident) == respident
        if node.tag == "varequal" and mine:
            (negative if negated else positive).append((node.text or "").strip())
        for child in reversed(node):
            stack.append((child, not negated if node.tag == "not" else negated))
    return positive, negative


def varequal(respident: str, value: str, case: bool = False) -> Element:
    element = Element("varequal", {"respident": respident})
    if case:
        element.set("case", "Yes")
    element.text = xml_characters(value)
    return element
