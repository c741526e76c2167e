"""Fill in multiple blanks and multiple dropdowns, read as cloze questions: a ``response_lid``
per blank named in the text as ``[name]``, where the interchange model has ``{#n}``. (A
multiple dropdowns question then becomes a gaps question when it can: see ``_gaps``.)"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.formats.numbers import number_text, score_texts
from pmpath.formats.qti12._canvas import KEY, PLACEHOLDER, qti_extra
from pmpath.formats.qti12._responses import labels_of, shuffle_of, varequal
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text, TextFormat

if TYPE_CHECKING:
    from pmpath.formats.qti12._item_reading import ItemReader
    from pmpath.formats.qti12._item_writing import ItemWriter


# -- reading ----------------------------------------------------------------------------------


def read_blanks(reader: ItemReader, question: QuizQuestion, kind: str) -> None:
    """A fill-in-multiple-blanks or multiple-dropdowns item as a cloze question."""
    question.type = QType.CLOZE
    dropdowns = kind == "multiple_dropdowns_question"
    text = question.text.text
    found: list[tuple[int, str, Element]] = []
    lids = [r for r in reader.responses if r.tag == "response_lid"]
    for lid in lids:
        ident = lid.get("ident", "")
        name = reader.material(lid, "a blank").text.strip() or ident.removeprefix("response_")
        at = text.find(f"[{name}]")
        if at < 0:
            reader.warn(f"blank [{name}] is not in the question text: added at its end")
            text += f" [{name}]"
            at = text.find(f"[{name}]")
        found.append((at, name, lid))
    found.sort(key=lambda entry: entry[0])
    for number, (_, name, lid) in enumerate(found, start=1):
        text = text.replace(f"[{name}]", f"{{#{number}}}", 1)
        question.blanks.append(_blank(reader, name, lid, dropdowns))
    question.text = Text(text, question.text.format)
    question.shuffle = next((s for s in map(shuffle_of, lids) if s is not None), None)


def _blank(reader: ItemReader, name: str, lid: Element, dropdowns: bool) -> QuizQuestion:
    ident = lid.get("ident", "")
    labels = labels_of(lid)
    answers = []
    for label_id, label in labels:
        fraction = 1.0
        if dropdowns:
            fraction = 1.0 if label_id in reader.credited(ident) else 0.0
        text = reader.material(label, "a blank's answer")
        answers.append(Answer(text, fraction, reader.take_feedback(f"{label_id}_fb")))
    blank = QuizQuestion(
        type=QType.MULTICHOICE if dropdowns else QType.SHORTANSWER,
        text=Text(""),
        name=name,
        answers=answers,
        extra={KEY: {"ident": ident, "answer_ids": [label_id for label_id, _ in labels]}},
    )
    if dropdowns and not blank.right_answers:
        reader.warn(f"blank [{name}] has no right choice")
    return blank


# -- writing ----------------------------------------------------------------------------------


def blank_names(writer: ItemWriter) -> list[str]:
    """The name of each blank, as the text writes it in brackets."""
    names: list[str] = []
    for index, blank in enumerate(writer.question.blanks, start=1):
        name = blank.name or f"blank{index}"
        if not re.fullmatch(r"[^\[\]\s]+", name) or name in names:
            name = f"blank{index}"
        names.append(name)
    return names


def write_blanks(writer: ItemWriter) -> None:
    """The blanks of a cloze question, each a response with its accepted answers."""
    question = writer.question
    names = blank_names(
        writer,
    )
    dropdowns = bool(question.blanks) and all(
        blank.type == QType.MULTICHOICE for blank in question.blanks
    )
    found = [int(n) for n in PLACEHOLDER.findall(question.text.text)]
    if sorted(found) != list(range(1, len(question.blanks) + 1)):
        writer.warn("the {#n} placeholders in the text do not match the blanks one to one")
    if not question.blanks:
        writer.warn("has no blanks")
    count = len(question.blanks)
    shares = score_texts([1 / count] * count) if count else []
    writer.rules()
    scoring: list[tuple[str, str, str]] = []
    respidents: set[str] = set()
    for name, blank, share in zip(names, question.blanks, shares, strict=True):
        answers = _blank_answers(writer, name, blank, dropdowns)
        blank_extra = qti_extra(blank)
        respident = str(blank_extra.get("ident") or f"response_{name}")
        if respident in respidents:
            respident = f"response_{name}"
        respidents.add(respident)
        ids = writer.answer_ids(len(answers), blank_extra.get("answer_ids"))
        response = ElementTree.SubElement(writer.presentation, "response_lid", {"ident": respident})
        mattext = ElementTree.SubElement(ElementTree.SubElement(response, "material"), "mattext")
        mattext.text = name
        writer.labels(response, [answer.text for answer in answers], ids)
        for ident, answer in zip(ids, answers, strict=True):
            if answer.feedback:
                writer.feedbacks.append((f"{ident}_fb", answer.feedback))
                writer.rule("Yes", [varequal(respident, ident)], feedback=f"{ident}_fb")
            if answer.fraction > 0:
                scoring.append((respident, ident, share))
    if len({blank.default_grade for blank in question.blanks}) > 1:
        writer.warn("Canvas weighs every blank the same: blank grades left out")
    # Every rule goes on to the next: QTI stops at the first condition that holds otherwise.
    for respident, ident, share in scoring:
        writer.rule("Yes", [varequal(respident, ident)], ("Add", share))


def _blank_answers(
    writer: ItemWriter, name: str, blank: QuizQuestion, dropdowns: bool
) -> list[Answer]:
    """The answers a blank can have in Canvas: choices, or accepted texts only."""
    if dropdowns:
        if not blank.single:
            writer.warn(f"blank [{name}] takes one choice in Canvas, not several")
        if any(0 < answer.fraction < 1 or answer.fraction < 0 for answer in blank.answers):
            writer.warn(f"blank [{name}]: Canvas gives full or no credit; weights left out")
        return [
            Answer(answer.text, 1.0 if answer.fraction > 0 else 0.0, answer.feedback)
            for answer in blank.answers
        ]
    if blank.type == QType.NUMERICAL:
        writer.warn(f"blank [{name}] is numerical: written as accepted texts, tolerance left out")
        return [
            Answer(Text(number_text(answer.value)), 1.0, answer.feedback)
            for answer in blank.answers
            if answer.fraction > 0 and answer.value is not None
        ]
    if blank.type not in (QType.SHORTANSWER, QType.MULTICHOICE):
        writer.warn(f"blank [{name}] is a {blank.type.value} question: left empty")
        return []
    if blank.type == QType.MULTICHOICE:
        writer.warn(f"blank [{name}] is a choice in a text-blank question: wrong choices left out")
    if any(answer.fraction <= 0 for answer in blank.answers):
        writer.warn(f"blank [{name}]: Canvas accepts every listed answer; wrong ones left out")
    if any(0 < answer.fraction < 1 for answer in blank.answers):
        writer.warn(f"blank [{name}]: Canvas gives full or no credit; weights left out")
    return [
        Answer(Text(answer.text.text, TextFormat.PLAIN), 1.0, answer.feedback)
        for answer in blank.answers
        if answer.fraction > 0
    ]
