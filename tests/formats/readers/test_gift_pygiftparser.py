"""GIFT read by pygiftparser, a GIFT reader other than Moodle's: it reads every question of the
export as the bank has it (its raw fields keep GIFT's escapes; its own ``transformSpecials``
resolves them). pygiftparser reads no negative numbers (``=-4``), which Moodle's grammar
allows: those few numerical questions are the only ones it rejects."""

from __future__ import annotations

import io
import logging
import re
from functools import cache
from typing import Any

from pygiftparser import parser as pygift
from pygiftparser.utils import transformSpecials

from pmpath.exams.items import ItemType
from pmpath.formats import gift
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text, TextFormat
from tests.formats.readers import exports


@cache
def parsed() -> dict[str, Any]:
    logging.disable(logging.WARNING)  # a line for every question it finds odd
    try:
        questions = pygift.parseFile(io.StringIO(exports.export("gift")[0].decode("utf-8")))
    finally:
        logging.disable(logging.NOTSET)
    return {question.title: question for question in questions}


def shown(text: str) -> str:
    """A text as pygiftparser holds it, GIFT's escapes resolved: the Markdown source."""
    return " ".join(transformSpecials(text).replace("\\n", "\n").split())


def source(markdown: str) -> str:
    return " ".join(markdown.split())


def test_pygiftparser_reads_every_question_the_report_says_was_written() -> None:
    _, warnings = exports.export("gift")
    written = len(exports.questions()) - sum(1 for w in warnings if w.left_out)
    ordering = sum(1 for item in exports.bank().items if item.type.value == "ordering")
    # Ordering items cannot be held in GIFT; everything else is written and read back.
    assert len(parsed()) == written == exports.question_count() - ordering
    rejected = sorted(title for title, question in parsed().items() if not question.valid)
    negative = sorted(
        item.id
        for item in exports.bank().items
        if item.type is ItemType.NUMERIC
        and (item.numeric.answer < 0 or any(m.answer.startswith("-") for m in item.mistakes))
    )
    assert rejected == negative


def test_no_answer_carries_a_format_tag() -> None:
    """'=[moodle]6': Moodle strips the tag, pygiftparser rejected every numerical question and
    kept "[moodle]aha moment" as gtm-004's answer."""
    text = exports.export("gift")[0].decode("utf-8")
    assert "[moodle]" not in text
    answers = [(a.answer, a.fraction) for a in parsed()["gtm-004"].answers.answers]
    item = exports.items()["gtm-004"]
    assert answers == [(a, 100) for a in item.accepted] + [(m.answer, 0.0) for m in item.mistakes]
    assert type(parsed()["agile-008"].answers).__name__ == "NumericAnswerSet"


def test_every_question_reads_as_the_bank_has_it() -> None:
    differences: list[tuple[str, str]] = []
    for item in exports.bank().items:
        if item.type is ItemType.ORDERING:
            assert item.id not in parsed()
            continue
        question = parsed()[item.id]
        if not question.valid:
            continue  # a negative number: see the first test
        if shown(question.text) != source(item.stem):
            differences.append((item.id, "stem"))
        answers = getattr(question.answers, "answers", [])
        if item.type in (ItemType.SINGLE, ItemType.MULTIPLE):
            got = [(shown(a.answer), a.fraction > 0) for a in answers]
            want = [(source(o.text), o.correct) for o in item.options]
            if got != want:
                differences.append((item.id, "options"))
        elif item.type is ItemType.TRUE_FALSE:
            truth = next(o.correct for o in item.options if o.text == "True")
            if question.answers.answer is not truth:
                differences.append((item.id, "true/false"))
        elif item.type is ItemType.NUMERIC:
            assert item.numeric is not None
            got = [(a.value, a.tolerance, a.fraction) for a in answers]
            want = [(item.numeric.answer, item.numeric.tolerance, 100)]
            want += [(float(m.answer), 0, 0.0) for m in item.mistakes]
            if got != want:
                differences.append((item.id, "numbers"))
        elif item.type is ItemType.SHORT_ANSWER:
            got = [(shown(a.answer), a.fraction) for a in answers]
            want = [(a, 100) for a in item.accepted] + [(m.answer, 0.0) for m in item.mistakes]
            if got != want:
                differences.append((item.id, "answers"))
        elif item.type is ItemType.MATCHING:
            right = {o.id: o.text for o in item.options}
            got = [(shown(a.question), shown(a.answer)) for a in answers]
            want = [(source(p.left or ""), source(right[p.right_id])) for p in item.pairs]
            if got != want:
                differences.append((item.id, "pairs"))
    assert differences == []


def test_numbers_are_written_as_plain_decimals() -> None:
    """A number in exponent notation ("1e+06", "1e-07") is read as 1 by other readers."""
    question = QuizQuestion(
        QType.NUMERICAL,
        Text("How much?", TextFormat.MARKDOWN),
        name="big",
        answers=[
            Answer(Text("1e16"), 1.0, value=1e16, tolerance=1e-7),
            Answer(Text("2.5e-7"), 0.0, Text("Too small.", TextFormat.MARKDOWN), value=2.5e-7),
        ],
    )
    data, _ = gift.write([question])
    assert re.search(r"\d[eE][+-]?\d", data.decode("utf-8")) is None
    read = pygift.parseFile(io.StringIO(data.decode("utf-8")))[0]
    assert [(a.value, a.tolerance) for a in read.answers.answers] == [(1e16, 1e-7), (2.5e-7, 0)]
    assert "=1000000" in exports.export("gift")[0].decode("utf-8")  # agile-046's key


def test_matching_pair_feedback_is_reported_once_per_question() -> None:
    """GIFT repeated its warning for every pair: agile-007 five times."""
    warnings = [w for w in exports.export("gift")[1] if w.question == "agile-007"]
    assert len(warnings) == len({w.message for w in warnings}) == 1
