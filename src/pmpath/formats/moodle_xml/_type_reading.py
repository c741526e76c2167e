"""One reader per Moodle question type: the elements only that type has."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from pmpath.exams.gaps import placeholders
from pmpath.formats.moodle_xml._cloze import ClozeParser
from pmpath.formats.moodle_xml._vocabulary import moodle_boolean, trim
from pmpath.formats.numbers import number_text
from pmpath.formats.quiz import (
    Answer,
    GapChoice,
    MatchPair,
    QType,
    QuizQuestion,
    Text,
    TextFormat,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from pmpath.formats.moodle_xml._reading import QuestionReader


def multichoice(reader: QuestionReader, question: QuizQuestion) -> None:
    multichoice_settings(reader, question)
    for index, answer in enumerate(reader.element.findall("answer")):
        text = reader.text(answer, question.text.format, f"answer/{index}")
        feedback = reader.feedback(
            answer.find("feedback"), question.text.format, f"answer/{index}/feedback"
        )
        question.answers.append(Answer(text, reader.fraction(answer), feedback))


def multichoice_settings(reader: QuestionReader, question: QuizQuestion) -> None:
    """``single``, ``shuffle`` and the combined feedback (multichoice and calculatedmulti)."""
    single = reader.element.find("single")
    question.single = moodle_boolean(trim(single.text or "")) if single is not None else True
    _shuffle(reader, question)
    reader.combined_feedback(question)


def _shuffle(reader: QuestionReader, question: QuizQuestion) -> None:
    shuffle = reader.element.find("shuffleanswers")
    if shuffle is not None:
        question.shuffle = moodle_boolean(trim(shuffle.text or ""))


def truefalse(reader: QuestionReader, question: QuizQuestion) -> None:
    by_text: dict[str, Element] = {}
    for index, answer in enumerate(reader.element.findall("answer")[:2]):
        said = reader.content(answer)
        if said not in ("true", "false") or said in by_text:
            said = "true" if index == 0 else "false"
            reader.warn(f"a true/false answer that is not 'true' or 'false' is read as {said!r}")
        by_text[said] = answer
    found: dict[str, tuple[float, Text | None]] = {}
    # True first, false second, whatever the file's order, as they are written back.
    for index, said in enumerate(("true", "false")):
        if said not in by_text:
            continue
        answer = by_text[said]
        percent = reader.parse_number(answer.get("fraction", "0"), "answer fraction", answer)
        if percent not in (0, 100):
            reader.warn(
                f"true/false answer {said!r} has fraction {number_text(percent)}%: read as 0%"
            )
        feedback = reader.feedback(
            answer.find("feedback"), question.text.format, f"answer/{index}/feedback"
        )
        found[said] = (1.0 if percent == 100 else 0.0, feedback)
    if len(reader.element.findall("answer")) > 2:
        reader.warn("a true/false question has more than two answers: the others not kept")
    if "true" in found:
        truth = found["true"][0] == 1.0
        if "false" in found and (found["false"][0] == 1.0) == truth:
            reader.warn("the true and false answers disagree: the 'true' answer decides")
    elif "false" in found:
        truth = found["false"][0] == 0.0
    else:
        reader.warn("a true/false question without answers: read as true")
        truth = True
    for said, right in (("true", truth), ("false", not truth)):
        feedback = found.get(said, (0.0, None))[1]
        question.answers.append(Answer(Text(said), 1.0 if right else 0.0, feedback))


def shortanswer(reader: QuestionReader, question: QuizQuestion) -> None:
    for index, answer in enumerate(reader.element.findall("answer")):
        feedback = reader.feedback(
            answer.find("feedback"), question.text.format, f"answer/{index}/feedback"
        )
        question.answers.append(
            Answer(Text(reader.content(answer)), reader.fraction(answer), feedback)
        )


def numerical(reader: QuestionReader, question: QuizQuestion) -> None:
    for index, answer in enumerate(reader.element.findall("answer")):
        said = reader.content(answer)
        feedback = reader.feedback(
            answer.find("feedback"), question.text.format, f"answer/{index}/feedback"
        )
        fraction = reader.fraction(answer)
        if said == "*":
            question.answers.append(Answer(Text(said), fraction, feedback))
            continue
        value = reader.parse_number(said.replace(",", "."), "numerical answer", answer)
        tolerance = reader.number(answer.find("tolerance"), "tolerance", 0.0)
        question.answers.append(Answer(Text(said), fraction, feedback, value, tolerance))
    read_units(reader, question)


def read_units(reader: QuestionReader, question: QuizQuestion) -> None:
    units = []
    for unit in reader.element.findall("units/unit"):
        name = trim(unit.findtext("unit_name") or "")
        multiplier = reader.number(unit.find("multiplier"), "unit multiplier", 1.0)
        units.append((name, multiplier))
    base = next((name for name, multiplier in units if multiplier == 1 and name), None)
    if base is not None:
        question.extra["unit"] = base
    others = [f"{name} (x{number_text(multiplier)})" for name, multiplier in units if name != base]
    grading = trim(reader.element.findtext("unitgradingtype") or "0")
    if others or (units and grading != "0") or (units and base is None):
        kept = f"the base unit {base!r} is kept as the answer's unit" if base else "none kept"
        dropped = f"; not kept: {', '.join(others)}" if others else ""
        reader.warn(f"units are not graded: {kept}{dropped}; unit grading settings ignored")
    if reader.content(reader.element.find("instructions")):
        reader.warn("unit instructions are not kept")


def matching(reader: QuestionReader, question: QuizQuestion) -> None:
    _shuffle(reader, question)
    reader.combined_feedback(question)
    for index, sub in enumerate(reader.element.findall("subquestion")):
        left = reader.text(sub, question.text.format, f"subquestion/{index}")
        # Not Moodle's: pmpath writes a pair's feedback here, and Moodle ignores it.
        feedback = reader.feedback(sub.find("feedback"), left.format, None)
        question.pairs.append(MatchPair(left, reader.content(sub.find("answer")), feedback))


def ordering(reader: QuestionReader, question: QuizQuestion) -> None:
    reader.combined_feedback(question)
    rationales = []
    for index, answer in enumerate(reader.element.findall("answer")):
        item = reader.text(answer, question.text.format, f"answer/{index}")
        feedback = reader.text(answer.find("feedback"), item.format, f"answer/{index}/feedback")
        if feedback and feedback.format != item.format:
            reader.warn(f"the format of item {index + 1}'s feedback is not kept")
        question.order.append(item)
        rationales.append(feedback.text)
    if any(rationales):
        question.extra["rationales"] = rationales


def essay(reader: QuestionReader, question: QuizQuestion) -> None:
    for name in ("graderinfo", "responsetemplate"):
        area = name if name == "graderinfo" else None  # Moodle keeps no template files
        text = reader.text(reader.element.find(name), question.text.format, area)
        if text:
            question.extra[f"moodle_{name}"] = {"text": text.text, "format": text.format.value}


def description(reader: QuestionReader, question: QuizQuestion) -> None:
    question.default_grade = 0.0  # Moodle gives descriptions no mark, whatever the file says


def cloze(reader: QuestionReader, question: QuizQuestion) -> None:
    text, blanks = ClozeParser(reader).parse(question.text.text)
    question.text.text = text
    question.blanks = blanks
    question.default_grade = sum(blank.default_grade for blank in blanks)
    written = reader.number(reader.element.find("defaultgrade"), "defaultgrade", math.nan)
    if not math.isnan(written) and written != question.default_grade:
        reader.warn(
            "a cloze question's grade is the sum of its blanks' weights "
            f"({number_text(question.default_grade)}): its <defaultgrade> is ignored"
        )
    if not blanks:
        reader.warn("an embedded-answers (cloze) question with no embedded answers")


#: The element of each gap question type that holds one choice.
GAP_CHOICE = {"gapselect": "selectoption", "ddwtos": "dragbox"}


def gaps(reader: QuestionReader, question: QuizQuestion) -> None:
    """Select missing words (``gapselect``) and drag and drop into text (``ddwtos``): the text
    marks each gap ``[[n]]`` with its right choice's number, as the quiz model does. A choice
    is reusable when ddwtos says ``<infinite/>``; a gapselect choice may fill any gap of its
    group, so it is reusable when it is right at several gaps (or carries pmpath's
    ``<infinite/>``, which Moodle's gapselect ignores)."""
    kind = trim(reader.element.get("type", ""))
    question.extra["moodle_gap_type"] = kind
    _shuffle(reader, question)
    reader.combined_feedback(question)
    tag = GAP_CHOICE[kind]
    for other in GAP_CHOICE.values():
        if other != tag and reader.element.find(other) is not None:
            reader.warn(f"<{other}> is not part of a {kind} question: not kept")
    if not reader.element.findall(tag) and reader.element.find("answer") is not None:
        reader.warn(f"the old {kind} format (choices as PHP-serialised answers) is not read")
    named = placeholders(question.text.text)
    for index, box in enumerate(reader.element.findall(tag)):
        group_element = box.find("group")
        group = 1
        if group_element is not None:
            value = reader.parse_number(group_element.text or "", "choice group", group_element)
            if value != int(value) or value < 1:
                reader.fail(f"choice group {number_text(value)} is not a whole number from 1")
            group = int(value)
        # Not Moodle's: pmpath writes a choice's rationale here, and Moodle ignores it.
        feedback = reader.feedback(box.find("feedback"), question.text.format, None)
        infinite = box.find("infinite") is not None
        reusable = infinite or (kind == "gapselect" and named.count(index + 1) > 1)
        text = Text(reader.content(box), TextFormat.PLAIN)
        question.choices.append(GapChoice(text, group, reusable, feedback))


TYPE_READERS: dict[QType, Callable[[QuestionReader, QuizQuestion], None]] = {
    QType.MULTICHOICE: multichoice,
    QType.TRUEFALSE: truefalse,
    QType.SHORTANSWER: shortanswer,
    QType.NUMERICAL: numerical,
    QType.MATCHING: matching,
    QType.ORDERING: ordering,
    QType.ESSAY: essay,
    QType.DESCRIPTION: description,
    QType.CLOZE: cloze,
    QType.GAPS: gaps,
}
