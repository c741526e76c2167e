"""Aiken: Moodle's one-line, single-answer multiple-choice format, read and written.

A question is its text on one line, then two or more options, each on its own line starting
with an upper-case letter and ``)`` or ``.`` (a space after the marker is optional), then
``ANSWER: <letter>``. Blank lines between questions are optional. This module reads what
Moodle's ``qformat_aiken`` reads, and reports each error Moodle reports, with its line: an
option or ANSWER line outside a question, fewer than two options, a question left without
its ANSWER line, and an ANSWER naming a letter that has no option. A file with any error is
refused as a whole. The mapping rules are in docs/formats.md (section "Aiken").
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pmpath.errors import FormatError, Location, Problem
from pmpath.formats.numbers import number_text
from pmpath.formats.quiz import (
    Answer,
    FormatWarning,
    QType,
    QuizFile,
    QuizQuestion,
    Text,
    TextFormat,
    Warn,
    leave_out,
    quiz_file,
    shared_cases,
    warner,
)
from pmpath.formats.safety import decode_text

OPTION = re.compile(r"^(?P<letter>[A-Z])[).][ \t]?(?P<text>.*)$", re.DOTALL)
ANSWER = re.compile(r"^ANSWER:(?P<rest>.*)$", re.DOTALL)
#: Lines Moodle does not accept but a person clearly meant as an option or an ANSWER line.
LOWER_OPTION = re.compile(r"^(?P<letter>[a-z])[).][ \t]?(?P<text>.*)$", re.DOTALL)
LOOSE_ANSWER = re.compile(r"^answer\s*:", re.IGNORECASE)
LINE_BREAK = re.compile(r"\r\n|\r|\n")
LINE_BREAKS = re.compile(r"\s*(?:\r\n|\r|\n)\s*")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class _Open:
    """A question whose text has been read, waiting for its options and ANSWER line."""

    line: int
    text: str
    options: list[tuple[int, str, str]] = field(default_factory=list)  # (line, letter, text)


# -- reading ----------------------------------------------------------------------------------


def read(data: bytes, source: str) -> QuizFile:
    """Every question of an Aiken file; :class:`FormatError` lists every error with its line."""
    text = decode_text(data, source)
    questions: list[QuizQuestion] = []
    warnings: list[FormatWarning] = []
    problems: list[Problem] = []
    current: _Open | None = None

    def problem(message: str, line: int) -> None:
        problems.append(Problem(message, Location(file=source, line=line)))

    for number, raw in enumerate(LINE_BREAK.split(text), start=1):
        line = raw.strip()
        if len(line) < 2:  # Moodle skips these, so "A" alone is neither text nor option
            continue
        option = OPTION.match(line)
        if option:
            if current is None:
                problem("an option line outside a question: no question text before it", number)
            else:
                current.options.append((number, option["letter"], option["text"].strip()))
            continue
        answer = ANSWER.match(line)
        if answer:
            if current is None:
                problem("an ANSWER line outside a question: no question text before it", number)
            else:
                question = _finish(current, answer["rest"], number, source, problem, warnings)
                if question is not None:
                    questions.append(question)
            current = None
            continue
        if current is not None:
            lower = LOWER_OPTION.match(line)
            if lower:
                problem(
                    f"option letters must be upper case: write {lower['letter'].upper()}) "
                    f"or {lower['letter'].upper()}. (Moodle would read this line as the text "
                    "of a new question)",
                    number,
                )
                current.options.append((number, lower["letter"].upper(), lower["text"].strip()))
                continue
            if LOOSE_ANSWER.match(line):
                problem(
                    "write the answer line as 'ANSWER: <letter>' in capitals (Moodle would read "
                    "this line as the text of a new question)",
                    number,
                )
                current = None
                continue
            problem(_unfinished(current), number)
        current = _Open(number, line)
    if current is not None:
        problem(
            "question not completed: the file ends before its 'ANSWER: <letter>' line",
            current.line,
        )
    if problems:
        raise FormatError(problems)
    return quiz_file(questions, warnings, source)


def _unfinished(current: _Open) -> str:
    if not current.options:
        return (
            f"question not completed: the question on line {current.line} has no options "
            "before this line (a question's text must be one line, followed by options "
            "'A) ...' and an 'ANSWER: <letter>' line)"
        )
    return (
        f"missing ANSWER line: the question on line {current.line} has options but no "
        "'ANSWER: <letter>' line before this new question"
    )


def _finish(
    current: _Open,
    rest: str,
    line: int,
    source: str,
    problem: Callable[[str, int], None],
    warnings: list[FormatWarning],
) -> QuizQuestion | None:
    if len(current.options) < 2:
        problem(
            f"a question needs at least 2 options, the question on line {current.line} "
            f"has {len(current.options)}",
            line,
        )
        return None
    given = rest.strip()
    if not given:
        problem("the ANSWER line names no letter (write 'ANSWER: B')", line)
        return None
    letter = given[0]
    index = LETTERS.find(letter)
    last = LETTERS[len(current.options) - 1] if len(current.options) <= 26 else "Z"
    if index < 0 or index >= len(current.options):
        problem(f"ANSWER: {letter} names no option (the options are A to {last})", line)
        return None
    label = _short(current.text)
    if given[1:].strip():
        warnings.append(
            FormatWarning(
                f"the text after the answer letter ({given[1:].strip()!r}) is ignored",
                Location(file=source, line=line),
                label,
            )
        )
    for position, (option_line, written, _text) in enumerate(current.options):
        expected = LETTERS[position] if position < 26 else f"number {position + 1}"
        if written != expected:
            warnings.append(
                FormatWarning(
                    f"option {written} is read as option {expected}, its position: Moodle "
                    "letters options by position, and so does pmpath",
                    Location(file=source, line=option_line),
                    label,
                )
            )
    return QuizQuestion(
        type=QType.MULTICHOICE,
        text=Text(current.text, TextFormat.PLAIN),
        answers=[
            Answer(Text(text, TextFormat.PLAIN), 1.0 if position == index else 0.0)
            for position, (_line, _letter, text) in enumerate(current.options)
        ],
        single=True,
        source=Location(file=source, line=current.line),
    )


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# -- writing ----------------------------------------------------------------------------------


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[FormatWarning]]:
    """The Aiken file of ``questions``: single-answer multiple choice and true/false only.

    Every other question is left out with a warning naming it, and so is every feature Aiken
    cannot hold (feedback, names, tags, weights other than full and no credit, ...).
    """
    blocks: list[str] = []
    warnings: list[FormatWarning] = []
    cases = shared_cases(questions)
    for number, question in enumerate(questions, start=1):
        first = len(warnings)
        block = _block(question, warner(warnings, question, number), cases.get(number - 1))
        if block is None:
            leave_out(warnings, first, question, number)
        else:
            blocks.append(block)
    text = "\n\n".join(blocks) + "\n" if blocks else ""
    return text.encode("utf-8"), warnings


def _block(question: QuizQuestion, warn: Warn, case: QuizQuestion | None) -> str | None:
    if question.type not in (QType.MULTICHOICE, QType.TRUEFALSE):
        warn(
            f"{question.type.value} questions cannot be written in Aiken, which holds only "
            "single-answer multiple choice: skipped"
        )
        return None
    if question.type is QType.MULTICHOICE and not question.single:
        warn(
            "multiple-answer questions cannot be written in Aiken, which holds only "
            "single-answer multiple choice: skipped"
        )
        return None
    answers = list(question.answers)
    if len(answers) < 2:
        warn(f"Aiken needs at least 2 options, the question has {len(answers)}: skipped")
        return None
    best = max(answer.fraction for answer in answers)
    if best <= 0:
        warn("no answer earns credit, so there is no ANSWER letter to write: skipped")
        return None
    stem = _one_line(question.text, "the question text", warn)
    if len(stem) < 2:
        warn("the question text is shorter than 2 characters, which Aiken ignores: skipped")
        return None
    if OPTION.match(stem) or ANSWER.match(stem):
        warn(
            "the question text starts like an option ('A)' or 'A.') or an 'ANSWER:' line, "
            "which an Aiken reader cannot tell apart: skipped"
        )
        return None
    if case is not None and case.text.text.strip():
        # Aiken has no shared texts: the question carries its case, or cannot be answered.
        warn(
            "the text of its case is written before the question, its line breaks made "
            "spaces, on the question's one line (Aiken has no shared texts)"
        )
        stem = f"{_one_line(case.text, 'the case text', lambda _: None)} {stem}"
    key = next(index for index, answer in enumerate(answers) if answer.fraction == best)
    if best < 1:
        warn(f"no 100 % answer: the best one ({best:.0%}) becomes the ANSWER")
    for index, answer in enumerate(answers):
        if index != key and answer.fraction != 0:
            warn(
                f"the weight {answer.fraction:.0%} of option {answer.text.text!r} is not kept: "
                "Aiken gives full credit to the ANSWER and none to the others"
            )
    if question.type is QType.TRUEFALSE:
        warn("true/false is written as a two-option multiple choice and reads back as one")
    if len(answers) > 26:
        kept = [index for index in range(len(answers)) if index != key][:25]
        kept = sorted([*kept, key])
        warn(
            f"Aiken has letters for 26 options, the question has {len(answers)}: the "
            f"{len(answers) - 26} last wrong options are left out"
        )
        key = kept.index(key)
        answers = [answers[index] for index in kept]
    lines = [stem]
    for index, answer in enumerate(answers):
        option = _one_line(answer.text, f"option {LETTERS[index]}", warn)
        lines.append(f"{LETTERS[index]}) {option}".rstrip())
    lines.append(f"ANSWER: {LETTERS[key]}")
    lost = _lost(question)
    if lost:
        warn(f"not kept, Aiken cannot hold them: {', '.join(lost)}")
    return "\n".join(lines)


def _one_line(text: Text, what: str, warn: Warn) -> str:
    """``text`` as one line of plain text: HTML markup removed, line breaks made spaces."""
    value = text.text
    if text.format is TextFormat.HTML:
        plain = _html_to_plain(value)
        if plain != value.strip():
            warn(f"HTML markup removed from {what}: Aiken texts are plain")
        value = plain
    value = value.strip()
    if LINE_BREAK.search(value):
        warn(f"line breaks in {what} become spaces: an Aiken text is one line")
        value = LINE_BREAKS.sub(" ", value)
    return value


def _html_to_plain(value: str) -> str:
    value = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", value)
    value = re.sub(r"(?i)<br\s*/?>|</(?:p|div|li|h[1-6]|tr|blockquote|pre)\s*>", "\n", value)
    value = re.sub(r"<[^>]*>", "", value)
    value = html.unescape(value).replace("\xa0", " ")
    return value.strip()


def _lost(question: QuizQuestion) -> list[str]:
    lost: list[str] = []
    checks = [
        ("the name", question.name),
        ("the category", question.category),
        ("the id number", question.id_number),
        ("the tags", question.tags),
        ("the general feedback", question.general_feedback),
        ("the per-answer feedback", any(answer.feedback for answer in question.answers)),
        ("the hints", question.hints),
        (f"the default grade {number_text(question.default_grade)}", question.default_grade != 1.0),
        ("the penalty", question.penalty is not None),
        ("the shuffle setting", question.shuffle is not None),
        ("the attachments", question.attachments),
        (f"extra values ({', '.join(sorted(question.extra))})", question.extra),
    ]
    for what, present in checks:
        if present:
            lost.append(what)
    return lost
