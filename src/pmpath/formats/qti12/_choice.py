"""Multiple choice, true/false and multiple answers: one ``response_lid`` with a label per
choice, scored per choice or, for Canvas's multiple answers, all or nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.formats.numbers import grade_fraction, percent_text, score_texts
from pmpath.formats.qti12._responses import labels_of, references, shuffle_of, varequal
from pmpath.formats.quiz import Answer, QType, QuizQuestion

if TYPE_CHECKING:
    from pmpath.formats.qti12._item_reading import ItemReader
    from pmpath.formats.qti12._item_writing import ItemWriter


# -- reading ----------------------------------------------------------------------------------


def read_choice(reader: ItemReader, question: QuizQuestion, kind: str) -> None:
    """A multiple-choice, true/false or multiple-answers item's choices and their scores."""
    lids = [r for r in reader.responses if r.tag == "response_lid"]
    question.type = QType.TRUEFALSE if kind == "true_false_question" else QType.MULTICHOICE
    question.single = kind != "multiple_answers_question"
    if not lids:
        reader.warn("has no choices (<response_lid>)")
        return
    if len(lids) > 1:
        reader.warn("has several <response_lid>: only the first is read")
    lid = lids[0]
    ident = lid.get("ident", "")
    labels = labels_of(lid)
    fractions = {label: reader.score({ident: {label}}) for label, _ in labels}
    if not question.single:
        fractions = _all_or_nothing(reader, ident, fractions)
    question.shuffle = shuffle_of(lid)
    question.answers = [
        Answer(
            reader.material(label, "a choice"),
            fractions[label_id],
            reader.take_feedback(f"{label_id}_fb"),
        )
        for label_id, label in labels
    ]
    reader.extra["answer_ids"] = [label_id for label_id, _ in labels]
    if not any(answer.fraction > 0 for answer in question.answers):
        reader.warn("no choice earns any credit")


def _all_or_nothing(
    reader: ItemReader, ident: str, fractions: dict[str, float]
) -> dict[str, float]:
    """Canvas's multiple-answers form: one rule that needs every right choice and no wrong."""
    for rule in reader.rules:
        positive, negative = references(rule.condition, ident)
        if not any(action in ("Set", "Add") and v > 0 for action, v in rule.actions):
            continue
        if len(positive) + len(negative) > 1 and set(positive) <= set(fractions):
            total = reader.score({ident: set(positive)})
            if total > 0:
                reader.extra["scoring"] = "all_or_nothing"
                share = grade_fraction(total / len(positive))
                return {
                    label: share if label in positive else min(fraction, 0.0)
                    for label, fraction in fractions.items()
                }
    return fractions


# -- writing ----------------------------------------------------------------------------------


def write_choice(writer: ItemWriter) -> None:
    """The choices of a multiple-choice or true/false question, and their scoring."""
    question = writer.question
    answers = question.answers
    ids = writer.answer_ids(len(answers))
    multiple = question.type == QType.MULTICHOICE and not question.single
    response = ElementTree.SubElement(
        writer.presentation,
        "response_lid",
        {"ident": "response1", "rcardinality": "Multiple" if multiple else "Single"},
    )
    writer.labels(response, [answer.text for answer in answers], ids)
    if not answers:
        writer.warn("has no answers")
    writer.rules()
    for ident, answer in zip(ids, answers, strict=True):
        if answer.feedback:
            writer.feedbacks.append((f"{ident}_fb", answer.feedback))
            writer.rule("Yes", [varequal("response1", ident)], feedback=f"{ident}_fb")
    if multiple:
        _multiple_answers(writer, ids)
    else:
        rights = [answer for answer in answers if answer.fraction >= 1]
        if len(rights) > 1:
            writer.warn("Canvas allows one right answer in multiple choice: several written")
        if any(0 < answer.fraction < 1 or answer.fraction < 0 for answer in answers):
            writer.warn(
                "Canvas gives full or no credit in multiple choice: weights written as scores"
            )
        best = max((answer.fraction for answer in answers), default=0.0)
        for ident, answer in zip(ids, answers, strict=True):
            if answer.fraction != 0:
                writer.rule(
                    "No",
                    [varequal("response1", ident)],
                    ("Set", percent_text(answer.fraction)),
                    correct=answer.fraction == best and best > 0,
                )
    writer.incorrect_rule()


def _multiple_answers(writer: ItemWriter, ids: list[str]) -> None:
    answers = writer.question.answers
    rights = [answer for answer in answers if answer.fraction > 0]
    share = grade_fraction(1 / len(rights)) if rights else 0.0
    all_or_nothing = (
        writer.extra.get("scoring") == "all_or_nothing"
        and rights
        and len(answers) > 1
        and all(answer.fraction in (0.0, share) for answer in answers)
    )
    if all_or_nothing:
        every = Element("and")
        for ident, answer in zip(ids, answers, strict=True):
            if answer.fraction > 0:
                every.append(varequal("response1", ident))
            else:
                ElementTree.SubElement(every, "not").append(varequal("response1", ident))
        writer.rule("No", [every], ("Set", "100"), correct=True)
        return
    # The right choices' scores add up to exactly 100 (three thirds too).
    scores = score_texts([answer.fraction for answer in answers])
    for ident, answer, score in zip(ids, answers, scores, strict=True):
        if answer.fraction != 0:
            writer.rule("Yes", [varequal("response1", ident)], ("Add", score))
