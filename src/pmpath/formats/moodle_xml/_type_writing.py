"""One writer per Moodle question type: the elements only that type has."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pmpath.formats.moodle_xml._vocabulary import (
    FORMAT_OUT,
    ORDERING_DEFAULTS,
    grade_percent,
    stored_format,
)
from pmpath.formats.numbers import finite_number, has_exponent, number_text
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text, TextFormat

if TYPE_CHECKING:
    from pmpath.formats.moodle_xml._writing import Writer


def multichoice(writer: Writer, question: QuizQuestion, options: dict[str, str]) -> None:
    writer.element("single", "true" if question.single else "false")
    if question.shuffle is not None:
        writer.element("shuffleanswers", "true" if question.shuffle else "false")
    writer.write_options(question, {k: v for k, v in options.items() if k != "shownumcorrect"})
    writer.combined_feedback(question)
    if "shownumcorrect" in options:
        writer.out.append("    <shownumcorrect/>")
    for index, answer in enumerate(question.answers):
        writer.answer(writer.fraction(answer.fraction), answer.text, answer.feedback, index)


def truefalse(writer: Writer, question: QuizQuestion, options: dict[str, str]) -> None:
    said = {answer.text.text.strip().lower(): answer for answer in question.answers}
    true, false = said.get("true"), said.get("false")
    if true is None and false is None and question.answers:
        writer.warn("the answers are not 'true' and 'false': the first is taken as 'true'")
        true = question.answers[0]
        false = question.answers[1] if len(question.answers) > 1 else None
    others = [a for a in question.answers if a is not true and a is not false]
    if others:
        writer.warn(f"a true/false question has {len(others)} other answer(s): not written")
    for answer in (true, false):
        if answer is not None and answer.fraction not in (0.0, 1.0):
            writer.warn(
                f"true/false answers are right or wrong: {grade_percent(answer.fraction)}% is "
                "written as 100% or 0%"
            )
    truth = true.fraction > 0 if true is not None else false is None or false.fraction <= 0
    for index, (text, answer, right) in enumerate(
        (("true", true, truth), ("false", false, not truth))
    ):
        feedback = answer.feedback if answer is not None else None
        writer.answer("100" if right else "0", Text(text), feedback, index)


def shortanswer(writer: Writer, question: QuizQuestion, options: dict[str, str]) -> None:
    writer.write_options(question, options)
    for index, answer in enumerate(question.answers):
        _plain_answer(writer, answer, index)
        writer.answer(
            writer.fraction(answer.fraction), Text(answer.text.text), answer.feedback, index
        )


def _plain_answer(writer: Writer, answer: Answer, index: int) -> None:
    if answer.text.format in (TextFormat.HTML, TextFormat.MARKDOWN):
        writer.warn(
            f"answer {index + 1} is {answer.text.format.value} but Moodle reads this kind of "
            "answer as plain text: its format is not kept"
        )


def numerical(writer: Writer, question: QuizQuestion, options: dict[str, str]) -> None:
    for index, answer in enumerate(question.answers):
        _plain_answer(writer, answer, index)
        said = answer.text.text.strip()
        if answer.value is not None:
            same = finite_number(said.replace(",", ".")) == answer.value
            if same and has_exponent(said):
                writer.warn(
                    f"numerical answer {said!r} is written as {number_text(answer.value)} "
                    "(other readers take exponents such as 1e+06 for 1)"
                )
            said = said if same and not has_exponent(said) else number_text(answer.value)
        elif said != "*":
            writer.warn(f"numerical answer {said!r} has no value: Moodle will refuse it")
        tolerance = number_text(answer.tolerance or 0.0)
        writer.answer(
            writer.fraction(answer.fraction),
            Text(said),
            answer.feedback,
            index,
            [f"      <tolerance>{tolerance}</tolerance>"],
        )
    unit = question.extra.get("unit")
    if isinstance(unit, str) and unit:
        writer.out += [
            "    <units>",
            "      <unit>",
            "        <multiplier>1</multiplier>",
            f"        <unit_name>{writer.chars(unit)}</unit_name>",
            "      </unit>",
            "    </units>",
        ]


def matching(writer: Writer, question: QuizQuestion, options: dict[str, str]) -> None:
    if question.shuffle is not None:
        writer.element("shuffleanswers", "true" if question.shuffle else "false")
    writer.combined_feedback(question)
    if "shownumcorrect" in options:
        writer.out.append("    <shownumcorrect/>")
    if any(pair.feedback for pair in question.pairs):
        writer.warn(
            "Moodle has no feedback per matching pair: it is written inside <subquestion>, "
            "where pmpath reads it and Moodle ignores it"
        )
    for index, pair in enumerate(question.pairs):
        writer.out.append(f'    <subquestion format="{FORMAT_OUT[pair.left.format]}">')
        writer.out.append(f"      <text>{writer.chars(pair.left.text)}</text>")
        writer.files(f"subquestion/{index}", "      ")
        writer.out.append(f"      <answer><text>{writer.chars(pair.right)}</text></answer>")
        if pair.feedback:
            writer.text_element("feedback", pair.feedback, pair.left.format, None, "      ")
        writer.out.append("    </subquestion>")


def ordering(writer: Writer, question: QuizQuestion, options: dict[str, str]) -> None:
    if not any(name in options for name in ORDERING_DEFAULTS):
        options = {**ORDERING_DEFAULTS, **options}
    writer.write_options(question, {k: v for k, v in options.items() if k != "shownumcorrect"})
    writer.combined_feedback(question)
    if "shownumcorrect" in options:
        writer.out.append("    <shownumcorrect/>")
    stored = question.extra.get("rationales")
    rationales = [str(r) for r in stored] if isinstance(stored, list) else []
    if len(rationales) > len(question.order):
        writer.warn("more rationales than items: the extra ones are not written")
    for index, item in enumerate(question.order):
        rationale = rationales[index] if index < len(rationales) else ""
        writer.answer(str(index + 1), item, Text(rationale, item.format), index)


def essay(writer: Writer, question: QuizQuestion, options: dict[str, str]) -> None:
    writer.write_options(question, options)
    for name in ("graderinfo", "responsetemplate"):
        stored = question.extra.get(f"moodle_{name}")
        text = None
        if isinstance(stored, dict):
            text = Text(str(stored.get("text", "")), stored_format(stored.get("format")))
        writer.text_element(name, text, question.text.format, name)


def description(writer: Writer, question: QuizQuestion, options: dict[str, str]) -> None:
    """Nothing beyond the common parts."""


def cloze(writer: Writer, question: QuizQuestion, options: dict[str, str]) -> None:
    """The blanks are in the question text (see :func:`._cloze.cloze_text`)."""


def gap_kind(question: QuizQuestion) -> str:
    """The Moodle type a gaps question is written as: the one it was read from, else "drag and
    drop into text" (``ddwtos``) when no choice is reusable, since a dragged choice leaves the
    list there as a once-only choice should, else "select missing words" (``gapselect``),
    whose lists offer every choice at every gap of its group."""
    stored = question.extra.get("moodle_gap_type")
    if stored in ("gapselect", "ddwtos"):
        return str(stored)
    return "gapselect" if any(choice.reusable for choice in question.choices) else "ddwtos"


def gaps(writer: Writer, question: QuizQuestion, options: dict[str, str]) -> None:
    """The choices of a gaps question, the text already marking each gap ``[[n]]`` with its
    right choice's number, as Moodle does. A reusable choice says ``<infinite/>`` in either
    type (ddwtos reads it; gapselect ignores it, and pmpath reads it back)."""
    kind = gap_kind(question)
    if question.shuffle is not None:
        writer.element("shuffleanswers", "1" if question.shuffle else "0")
    writer.combined_feedback(question)
    if "shownumcorrect" in options:
        writer.out.append("    <shownumcorrect/>")
    if any(choice.feedback for choice in question.choices):
        writer.warn(
            "Moodle has no feedback per gap choice: it is written inside each choice, where "
            "pmpath reads it and Moodle ignores it"
        )
    if any(choice.text.format is TextFormat.HTML for choice in question.choices):
        writer.warn("Moodle shows gap choices as plain text: their markup is shown as written")
    tag = "dragbox" if kind == "ddwtos" else "selectoption"
    for choice in question.choices:
        writer.out.append(f"    <{tag}>")
        writer.out.append(f"      <text>{writer.chars(choice.text.text)}</text>")
        writer.element("group", str(choice.group), "      ")
        if choice.reusable:
            writer.out.append("      <infinite/>")
        if choice.feedback:
            writer.text_element("feedback", choice.feedback, choice.feedback.format, None, "      ")
        writer.out.append(f"    </{tag}>")


TYPE_WRITERS: dict[QType, Callable[[Writer, QuizQuestion, dict[str, str]], None]] = {
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
