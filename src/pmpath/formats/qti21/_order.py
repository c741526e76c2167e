"""``orderInteraction``: ordering, the correct order being the items' order; choices in no
position and the order shown are kept for QTI."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.formats.qti21._feedback import take_feedback
from pmpath.formats.qti21._scoring import scoring_mode
from pmpath.formats.qti21._vocabulary import (
    MAP_RESPONSE,
    MATCH_CORRECT,
    boolean_attribute,
    letters,
    xml_bool,
)
from pmpath.formats.quiz import QType, QuizQuestion, Text, TextFormat
from pmpath.formats.xmltext import local_name

if TYPE_CHECKING:
    from pmpath.formats.qti21._item_reading import ItemReader
    from pmpath.formats.qti21._item_writing import ItemWriter


# -- reading -----------------------------------------------------------------------------------


def read_order(reader: ItemReader, interaction: Element, question: QuizQuestion) -> None:
    """An ``orderInteraction`` as an ordering question, its items in the correct order."""
    question.type = QType.ORDERING
    declaration = reader.declarations[interaction.get("responseIdentifier", "")]
    choices = [c for c in interaction if local_name(c.tag) == "simpleChoice"]
    if not choices:
        raise reader.fail("the orderInteraction has no simpleChoice")
    by_id = {choice.get("identifier", ""): choice for choice in choices}
    if len(by_id) != len(choices) or "" in by_id:
        raise reader.fail("the simpleChoices need distinct, non-empty identifiers")
    question.shuffle = boolean_attribute(interaction.get("shuffle"))
    unknown = [value for value in declaration.correct if value not in by_id]
    if unknown:
        raise reader.fail(f"the correct order names unknown choices: {', '.join(unknown)}")
    if len(set(declaration.correct)) != len(declaration.correct):
        raise reader.fail("the correct order names a choice twice")
    if not declaration.correct:
        reader.warn("the orderInteraction has no correct order: the choices are kept as shown")
    ordered = declaration.correct or list(by_id)
    question.order = [reader.html(reader.inner(by_id[key])) for key in ordered]
    rest = [key for key in by_id if key not in ordered]
    if rest:
        reader.extra["distractors"] = [reader.inner(by_id[key]) for key in rest]
        reader.warn(f"{len(rest)} choice(s) are in no correct position: kept only for QTI")
    shown = [[*ordered, *rest].index(key) for key in by_id]
    if shown != list(range(len(shown))):
        reader.extra["display"] = shown
    for name in ("maxChoices", "minChoices"):
        if interaction.get(name) is not None:
            reader.extra[name] = reader.whole(interaction.get(name), name)
    scoring_mode(reader, declaration)
    if reader.processing.template == MAP_RESPONSE:
        reader.warn("map_response scoring of an order is read as all-or-nothing")
    if take_feedback(reader, [], numeric=False):
        reader.warn("conditional feedback of an ordering question is not kept")


# -- writing -----------------------------------------------------------------------------------


def write_order(writer: ItemWriter) -> str:
    """The ``orderInteraction`` of an ordering question, scored all or nothing."""
    q = writer.q
    texts = [writer.fragment(text, path=f"order/{i}") for i, text in enumerate(q.order)]
    texts += [writer.fragment(Text(str(text), TextFormat.HTML))
              for text in writer.extra.get("distractors", [])]  # fmt: skip
    ids = [letters(index) for index in range(len(texts))]
    display = writer.extra.get("display")
    if not (isinstance(display, list) and sorted(display) == list(range(len(texts)))):
        display = list(range(len(texts)))
    writer.declare("identifier", "ordered", ids[: len(q.order)], "")
    writer.score(MATCH_CORRECT)
    shuffle = q.shuffle if q.shuffle is not None else True
    limits = "".join(
        f' {name}="{int(writer.extra[name])}"'
        for name in ("minChoices", "maxChoices")
        if name in writer.extra
    )
    choices = "".join(
        f'<simpleChoice identifier="{ids[index]}">{texts[index]}</simpleChoice>'
        for index in display
    )
    return (
        f'<orderInteraction responseIdentifier="{writer.response}" '
        f'shuffle="{xml_bool(shuffle)}"{limits}>{choices}</orderInteraction>'
    )
