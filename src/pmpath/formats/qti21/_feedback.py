"""Feedback read from an item: each feedback element taken out of the body and given to the
answer whose rule shows it, to the general feedback when it always shows, or reported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.formats.qti21._tree import ancestors, remove
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text, TextFormat
from pmpath.formats.xmltext import local_name

if TYPE_CHECKING:
    from pmpath.formats.qti21._item_reading import ItemReader


@dataclass
class Feedback:
    outcome: str
    identifier: str
    show: bool
    html: str
    choice: str | None = None  # the simpleChoice it sits in


def feedbacks(reader: ItemReader) -> list[Feedback]:
    """Every feedback element, taken out of the item body and its choices."""
    found: list[Feedback] = []
    for element in list(reader.body.iter()):
        if local_name(element.tag) not in ("feedbackInline", "feedbackBlock"):
            continue
        if element not in reader.parents:
            continue  # inside a feedback already taken out
        choice = next(
            (
                ancestor.get("identifier")
                for ancestor in ancestors(element, reader.parents)
                if local_name(ancestor.tag) in ("simpleChoice", "simpleAssociableChoice")
            ),
            None,
        )
        found.append(_feedback_of(reader, element, choice))
        remove(element, reader.parents)
    for element in reader.root:
        if local_name(element.tag) == "modalFeedback":
            found.append(_feedback_of(reader, element, None))
    return found


def _feedback_of(reader: ItemReader, element: Element, choice: str | None) -> Feedback:
    return Feedback(
        element.get("outcomeIdentifier", ""),
        element.get("identifier", ""),
        element.get("showHide", "show") != "hide",
        reader.inner(element),
        choice,
    )


def take_feedback(reader: ItemReader, keys: list[str], numeric: bool) -> dict[str, list[str]]:
    """Feedback by the answer it belongs to (a choice identifier or an accepted value).

    ``"*"`` collects the feedback of any other answer (a ``responseElse``), ``"correct"``
    and ``"incorrect"`` that of the correct/incorrect rule. What is taken leaves
    ``reader.feedback``.
    """
    processing = reader.processing
    result: dict[str, list[str]] = {}
    remaining: list[Feedback] = []
    by_value: dict[tuple[str, str], list[str]] = {}
    for branch in processing.branches:
        for pair in branch.feedback:
            by_value.setdefault(pair, []).append(branch.key or "*")
    if processing.otherwise:
        for pair in processing.otherwise.feedback:
            by_value.setdefault(pair, []).append("*")
    for pair in processing.correct_feedback:
        by_value.setdefault(pair, []).append("correct")
    for pair in processing.incorrect_feedback:
        by_value.setdefault(pair, []).append("incorrect")
    for item in reader.feedback:
        targets: list[str] = []
        if item.choice is not None and item.choice in keys:
            targets = [item.choice]
        elif item.show and item.outcome in processing.echo and item.identifier in keys:
            targets = [item.identifier]
        elif item.show and (item.outcome, item.identifier) in by_value:
            targets = by_value[(item.outcome, item.identifier)]
        if not targets:
            remaining.append(item)
            continue
        for target in targets:
            result.setdefault(answer_key(target, numeric), []).append(item.html)
    reader.feedback = remaining
    return result


def general_feedback(reader: ItemReader, question: QuizQuestion) -> None:
    """Feedback that always shows as the question's general feedback."""
    general: list[str] = []
    remaining: list[Feedback] = []
    unconditional = set(reader.processing.unconditional)
    for item in reader.feedback:
        # "hide" feedback shows unless its identifier is set: when nothing sets it, always.
        always_shown = item.identifier not in reader.processing.sets(item.outcome) and (
            item.outcome not in reader.processing.echo or item.identifier not in reader.choice_ids
        )
        if item.choice is None and (
            (not item.show and always_shown)
            or (item.show and (item.outcome, item.identifier) in unconditional)
        ):
            general.append(item.html)
        else:
            remaining.append(item)
    reader.feedback = remaining
    if general:
        question.general_feedback = reader.html("\n".join(general))


def answer_feedback(reader: ItemReader, texts: list[str]) -> Text | None:
    """Feedback texts as one answer's feedback."""
    return reader.html("\n".join(texts)) if texts else None


def result_feedback(
    reader: ItemReader, question: QuizQuestion, feedback: dict[str, list[str]], keys: list[str]
) -> None:
    """Correct/incorrect feedback onto the answers of a single-response question."""
    correct, incorrect = feedback.pop("correct", []), feedback.pop("incorrect", [])
    if not correct and not incorrect:
        return
    single_answer = (QType.MULTICHOICE, QType.SHORTANSWER, QType.NUMERICAL)
    if not question.single or question.type not in single_answer:
        reader.warn(
            "feedback for a correct or an incorrect response has no place in the "
            "interchange model for this question type: not kept"
        )
        return
    best = max((answer.fraction for answer in question.answers), default=0.0)
    for key, answer in zip(keys, question.answers, strict=True):
        if key in feedback:
            continue
        texts = correct if best > 0 and answer.fraction == best else incorrect
        if texts:
            feedback[key] = texts
    if incorrect and question.type is not QType.MULTICHOICE and "*" not in keys:
        question.answers.append(Answer(Text("*", TextFormat.PLAIN), 0.0))
        keys.append("*")
        feedback["*"] = incorrect
    reader.warn(
        "feedback for a correct and an incorrect response is read as the feedback of "
        "each right and each wrong answer"
    )


def answer_key(key: str, numeric: bool) -> str:
    """Answers by value: numbers compare as numbers ("2.50" is "2.5")."""
    if numeric and key not in ("*", "correct", "incorrect"):
        try:
            return repr(float(key))
        except ValueError:
            return key
    return key
