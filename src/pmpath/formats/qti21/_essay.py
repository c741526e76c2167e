"""``extendedTextInteraction``: essays, with their expected length and format and a sample
answer kept for QTI."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.formats.qti21._feedback import take_feedback
from pmpath.formats.qti21._serializing import escape_attribute
from pmpath.formats.quiz import QType, QuizQuestion

if TYPE_CHECKING:
    from pmpath.formats.qti21._item_reading import ItemReader
    from pmpath.formats.qti21._item_writing import ItemWriter


# -- reading -----------------------------------------------------------------------------------


def read_essay(reader: ItemReader, interaction: Element, question: QuizQuestion) -> None:
    """An ``extendedTextInteraction`` as an essay question."""
    question.type = QType.ESSAY
    declaration = reader.declarations[interaction.get("responseIdentifier", "")]
    settings = {
        name: interaction.get(name)
        for name in ("expectedLines", "expectedLength", "format")
        if interaction.get(name) is not None
    }
    if settings:
        reader.extra["essay"] = settings
    if declaration.correct:
        reader.extra["sample"] = declaration.correct
        reader.warn("the essay's sample answer (correctResponse) is kept only for QTI")
    feedback = take_feedback(reader, [], numeric=False)
    if feedback:
        reader.warn("conditional feedback of an essay is not kept")


# -- writing -----------------------------------------------------------------------------------


def write_essay(writer: ItemWriter) -> str:
    """The ``extendedTextInteraction`` of an essay question."""
    settings = writer.extra.get("essay", {})
    attributes = "".join(
        f' {name}="{escape_attribute(str(settings[name]))}"'
        for name in ("expectedLines", "expectedLength", "format")
        if isinstance(settings, dict) and name in settings
    )
    writer.declare("string", "single", [str(v) for v in writer.extra.get("sample", [])], "")
    return f'<extendedTextInteraction responseIdentifier="{writer.response}"{attributes}/>'
