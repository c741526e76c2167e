"""``choiceInteraction``: single and multiple response, and true/false (two choices named
True and False)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.formats.numbers import grade_fraction, number_text
from pmpath.formats.qti21._feedback import answer_feedback, result_feedback, take_feedback
from pmpath.formats.qti21._html import plain_text
from pmpath.formats.qti21._scoring import scores
from pmpath.formats.qti21._vocabulary import (
    FEEDBACK,
    MAP_RESPONSE,
    MATCH_CORRECT,
    boolean_attribute,
    letters,
    xml_bool,
)
from pmpath.formats.quiz import Answer, QType, QuizQuestion
from pmpath.formats.xmltext import local_name

if TYPE_CHECKING:
    from pmpath.formats.qti21._item_reading import ItemReader
    from pmpath.formats.qti21._item_writing import ItemWriter


# -- reading -----------------------------------------------------------------------------------


def read_choice(reader: ItemReader, interaction: Element, question: QuizQuestion) -> None:
    """A ``choiceInteraction`` as a multiple-choice (or true/false) question, scored by the
    item's mapping, correct response or rules."""
    declaration = reader.declarations[interaction.get("responseIdentifier", "")]
    choices = [c for c in interaction if local_name(c.tag) == "simpleChoice"]
    if not choices:
        raise reader.fail("the choiceInteraction has no simpleChoice")
    ids = [choice.get("identifier", "") for choice in choices]
    if len(set(ids)) != len(ids) or not all(ids):
        raise reader.fail("the simpleChoices need distinct, non-empty identifiers")
    reader.choice_ids = set(ids)
    max_choices = reader.whole(interaction.get("maxChoices", "1"), "maxChoices")
    min_choices = reader.whole(interaction.get("minChoices", "0"), "minChoices")
    single = max_choices == 1
    if single != (declaration.cardinality == "single"):
        reader.warn(
            f"maxChoices={max_choices} with a {declaration.cardinality} response: read as "
            f"{'single' if single else 'multiple'} response (maxChoices decides)"
        )
    question.type = QType.MULTICHOICE
    question.single = single
    question.shuffle = boolean_attribute(interaction.get("shuffle"))
    if not single and max_choices != 0:
        reader.extra["maxChoices"] = max_choices
    if min_choices:
        reader.extra["minChoices"] = min_choices
    fixed = [index for index, c in enumerate(choices) if c.get("fixed") == "true"]
    if fixed:
        reader.extra["fixed"] = fixed
    values = scores(reader, declaration, ids, single)
    feedback = take_feedback(reader, ids, numeric=False)
    question.answers = [
        Answer(reader.html(reader.inner(choice)), values[ids[index]])
        for index, choice in enumerate(choices)
    ]
    result_feedback(reader, question, feedback, ids)
    for index, identifier in enumerate(ids):
        texts = feedback.get(identifier, [])
        if texts:
            question.answers[index].feedback = answer_feedback(reader, texts)
    if single and len(choices) == 2:
        words = sorted(plain_text(answer.text.text).lower() for answer in question.answers)
        if words == ["false", "true"]:
            question.type = QType.TRUEFALSE


# -- writing -----------------------------------------------------------------------------------


def write_choice(writer: ItemWriter) -> str:
    """The ``choiceInteraction`` of a multiple-choice or true/false question, with its
    declaration, scoring and per-choice feedback."""
    q = writer.q
    single = q.single or q.type is QType.TRUEFALSE
    words = [plain_text(answer.text.text).lower() for answer in q.answers]
    if q.type is QType.TRUEFALSE and sorted(words) == ["false", "true"]:
        ids = words
    else:
        ids = [letters(index) for index in range(len(q.answers))]
    fractions = [answer.fraction for answer in q.answers]
    right = [key for key, fraction in zip(ids, fractions, strict=True) if fraction > 0]
    best = max(fractions)
    if single:
        template = (
            MATCH_CORRECT
            if fractions.count(1.0) == 1 and all(f in (0.0, 1.0) for f in fractions)
            else MAP_RESPONSE
        )
        correct = [ids[fractions.index(best)]] if best > 0 else []
    else:
        share = grade_fraction(1 / len(right)) if right else 0.0
        template = (
            MATCH_CORRECT
            if writer.extra.get("template") == MATCH_CORRECT
            and right
            and all(f == (share if f > 0 else 0.0) for f in fractions)
            else MAP_RESPONSE
        )
        correct = right
    cardinality = "single" if single else "multiple"
    mapping = ""
    if template == MAP_RESPONSE:
        bounds = "" if single else f' lowerBound="0" upperBound="{number_text(writer.grade)}"'
        mapping = (
            f'<mapping defaultValue="0"{bounds}>'
            + "".join(
                f'<mapEntry mapKey="{key}" mappedValue="{number_text(fraction * writer.grade)}"'
                ' caseSensitive="true"/>'
                for key, fraction in zip(ids, fractions, strict=True)
                if fraction
            )
            + "</mapping>"
        )
    writer.declare("identifier", cardinality, correct, mapping)
    feedback = [answer.feedback for answer in q.answers]
    writer.score(template, echo=any(feedback), cardinality=cardinality)
    for index, (key, text) in enumerate(zip(ids, feedback, strict=True)):
        if text:
            writer.modal.append(
                f'<modalFeedback outcomeIdentifier="{FEEDBACK}" identifier="{key}" '
                f'showHide="show">{writer.fragment(text, path=f"answers/{index}/feedback")}'
                "</modalFeedback>"
            )
    fixed = set(writer.extra.get("fixed", []))
    choices = "".join(
        f'<simpleChoice identifier="{key}"'
        + (' fixed="true"' if index in fixed else "")
        + f">{writer.fragment(answer.text, path=f'answers/{index}/text')}</simpleChoice>"
        for index, (key, answer) in enumerate(zip(ids, q.answers, strict=True))
    )
    shuffle = q.shuffle if q.shuffle is not None else q.type is not QType.TRUEFALSE
    max_choices = 1 if single else int(writer.extra.get("maxChoices", 0))
    minimum = writer.extra.get("minChoices")
    return (
        f'<choiceInteraction responseIdentifier="{writer.response}" '
        f'shuffle="{xml_bool(shuffle)}" maxChoices="{max_choices}"'
        + (f' minChoices="{int(minimum)}"' if minimum else "")
        + f">{choices}</choiceInteraction>"
    )
