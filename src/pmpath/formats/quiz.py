"""The interchange model every foreign quiz format is read into and written from.

It is a superset of what GIFT, Moodle XML, Aiken, QTI 1.2/2.1, CSV and Anki express, close
to Moodle's own question model (the richest of them): answers carry a *fraction* of the grade
(1.0 = 100 %, negative for penalties) and their own feedback; texts carry their format. A
format module reads a file into :class:`QuizQuestion` values (with a :class:`FormatWarning`
for everything it had to map or could not keep) and writes them back;
:mod:`pmpath.formats.mapping` converts between these and pmpath's exam items. Round trips
(file -> quiz -> file) keep every question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from pmpath.errors import Location


class QType(StrEnum):
    MULTICHOICE = "multichoice"  # one or several right answers (see ``single``)
    TRUEFALSE = "truefalse"
    SHORTANSWER = "shortanswer"
    NUMERICAL = "numerical"
    MATCHING = "matching"
    ORDERING = "ordering"
    ESSAY = "essay"
    DESCRIPTION = "description"  # text only, no answer (also used for shared scenarios)
    CLOZE = "cloze"  # embedded answers in the text (Moodle "multianswer")
    #: Text with gaps, each filled by choosing from a list (Moodle's "select missing words"
    #: and "drag and drop into text", QTI's inline choice and gap match): see ``choices``.
    GAPS = "gaps"


#: The types whose grading lives in ``QuizQuestion.answers``.
ANSWERED_TYPES = frozenset({QType.MULTICHOICE, QType.TRUEFALSE, QType.SHORTANSWER, QType.NUMERICAL})


class TextFormat(StrEnum):
    MOODLE = "moodle"  # Moodle auto-format
    HTML = "html"
    PLAIN = "plain"
    MARKDOWN = "markdown"


@dataclass(slots=True)
class Text:
    text: str
    format: TextFormat = TextFormat.MOODLE

    def __bool__(self) -> bool:
        return bool(self.text)


@dataclass(slots=True)
class Answer:
    """A choice (multichoice, true/false), an accepted text (short answer) or number (numerical)."""

    text: Text
    fraction: float  # share of the grade: 1.0 full, 0.5 half, 0 none, -0.5 a penalty
    feedback: Text | None = None
    #: Numerical answers: the value and the absolute tolerance (a range a..b is the midpoint
    #: with half the width as tolerance). None for other types.
    value: float | None = None
    tolerance: float | None = None


@dataclass(slots=True)
class MatchPair:
    """A matching pair; an empty ``left`` is a right-hand distractor that matches nothing."""

    left: Text
    right: str
    feedback: Text | None = None


@dataclass(slots=True)
class GapChoice:
    """A choice of a gaps question. The gaps that offer it are those whose right choice is in
    its ``group``; ``reusable``: it may fill more than one gap."""

    text: Text
    group: int = 1
    reusable: bool = False
    feedback: Text | None = None


@dataclass(slots=True)
class Attachment:
    """An embedded file (Moodle's ``@@PLUGINFILE@@`` files, QTI package resources)."""

    name: str
    data: bytes
    path: str = "/"


@dataclass(slots=True)
class QuizQuestion:
    type: QType
    text: Text
    name: str | None = None
    answers: list[Answer] = field(default_factory=list)
    single: bool = True  # multichoice: one right answer (radio) or several (checkboxes)
    pairs: list[MatchPair] = field(default_factory=list)
    #: Ordering: the items in their correct order.
    order: list[Text] = field(default_factory=list)
    #: Cloze: the embedded sub-questions, in the order their blanks appear in the text.
    blanks: list[QuizQuestion] = field(default_factory=list)
    #: Gaps: the choices. As in Moodle, the text marks each gap ``[[n]]`` with the number of
    #: its right choice (1 is the first of ``choices``), so a reusable choice may be named twice.
    choices: list[GapChoice] = field(default_factory=list)
    general_feedback: Text | None = None
    hints: list[Text] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    #: Category path, "/"-separated ("Product/Metrics").
    category: str | None = None
    id_number: str | None = None
    default_grade: float = 1.0
    penalty: float | None = None
    shuffle: bool | None = None
    attachments: list[Attachment] = field(default_factory=list)
    #: Format-specific values kept for writing the same format back (e.g. Canvas metadata).
    extra: dict[str, Any] = field(default_factory=dict)
    source: Location = field(default_factory=Location, compare=False)

    @property
    def right_answers(self) -> list[Answer]:
        return [answer for answer in self.answers if answer.fraction > 0]

    def unused_parts(self) -> dict[str, int]:
        """What the question holds that its type has no use for, and how many of each:
        ``answers`` (outside :data:`ANSWERED_TYPES`), ``pairs`` (outside matching), ``order``
        (outside ordering), ``blanks`` (outside cloze) and ``choices`` (outside gaps). A writer
        reports each in its own words, since where a file would have put it depends on the
        format."""
        kind = self.type
        held = {
            "answers": (len(self.answers), kind in ANSWERED_TYPES),
            "pairs": (len(self.pairs), kind is QType.MATCHING),
            "order": (len(self.order), kind is QType.ORDERING),
            "blanks": (len(self.blanks), kind is QType.CLOZE),
            "choices": (len(self.choices), kind is QType.GAPS),
        }
        return {part: count for part, (count, used) in held.items() if count and not used}


@dataclass(frozen=True)
class FormatWarning:
    """Something a reader or writer mapped by a rule, or could not keep; never silent.

    ``left_out`` marks the one warning that says why a writer left a whole question out of the
    file (see :func:`leave_out`), so that a report can count what was written."""

    message: str
    location: Location = field(default_factory=Location)
    question: str | None = None  # the question's name or number, when known
    left_out: bool = False

    def __str__(self) -> str:
        where = str(self.location)
        who = f"question {self.question!r}: " if self.question else ""
        return f"{where}: {who}{self.message}" if where else f"{who}{self.message}"


#: Records one warning about the question at hand (see :func:`warner`).
Warn = Callable[[str], None]


def question_label(question: QuizQuestion, number: int) -> str:
    """How a warning names a question: its name, else its id number, else its place ("#3")."""
    return question.name or question.id_number or f"#{number}"


def warner(warnings: list[FormatWarning], question: QuizQuestion, number: int) -> Warn:
    """A :data:`Warn` that adds to ``warnings`` a warning about ``question``, the ``number``-th
    of its file: named by :func:`question_label`, located where the question was read from.
    A problem is said once per question, however many of its parts have it."""
    label = question_label(question, number)
    said: set[str] = set()

    def warn(message: str) -> None:
        if message not in said:
            said.add(message)
            warnings.append(FormatWarning(message, question.source, label))

    return warn


def leave_out(
    warnings: list[FormatWarning], first: int, question: QuizQuestion, number: int
) -> None:
    """Marks ``question`` (the ``number``-th) as left out of the file being written: the last of
    the warnings added since index ``first`` (a writer says why just before it drops a
    question) becomes its ``left_out`` warning."""
    if len(warnings) > first:
        warnings[-1] = replace(warnings[-1], left_out=True)
    else:  # a writer that forgot to say why: never silent all the same
        label = question_label(question, number)
        warnings.append(FormatWarning("left out", question.source, label, left_out=True))


def left_out_gaps(
    warnings: list[FormatWarning], question: QuizQuestion, number: int, format_name: str
) -> bool:
    """For a writer with no form for gaps questions: True, with the warning that leaves it out
    of the file, when ``question`` (the ``number``-th) is one."""
    if question.type is not QType.GAPS:
        return False
    label = question_label(question, number)
    message = f"{format_name} cannot hold a text with gaps to fill (a gap item): left out"
    warnings.append(FormatWarning(message, question.source, label, left_out=True))
    return True


def written_count(questions: list[QuizQuestion], warnings: list[FormatWarning]) -> int:
    """How many of ``questions`` a writer put in its file: all but those left out."""
    return len(questions) - sum(1 for warning in warnings if warning.left_out)


#: A description question named ``scenario:<id>`` holds the case text that the questions tagged
#: ``scenario:<id>`` share (pmpath's scenarios, see :mod:`pmpath.formats.mapping`).
SCENARIO_PREFIX = "scenario:"


def shared_cases(questions: list[QuizQuestion]) -> dict[int, QuizQuestion]:
    """The case each question belongs to, by the question's index: the description question
    named ``scenario:<id>`` for the questions tagged ``scenario:<id>``. Formats that show a
    question on its own (a flashcard) put the case's text with it."""
    cases = {
        question.name: question
        for question in questions
        if question.type is QType.DESCRIPTION
        and question.name
        and question.name.startswith(SCENARIO_PREFIX)
    }
    shared: dict[int, QuizQuestion] = {}
    for index, question in enumerate(questions):
        if question.type is QType.DESCRIPTION:
            continue
        tag = next((t for t in question.tags if t in cases), None)
        if tag is not None:
            shared[index] = cases[tag]
    return shared


@dataclass(slots=True)
class QuizFile:
    """What a reader returns: the questions, and every warning with its line."""

    questions: list[QuizQuestion]
    warnings: list[FormatWarning] = field(default_factory=list)


def quiz_file(
    questions: list[QuizQuestion], warnings: list[FormatWarning], source: str
) -> QuizFile:
    """A reader's result; a file without questions is not an error, but it is said."""
    if not questions:
        warnings.append(FormatWarning("the file has no questions", Location(file=source)))
    return QuizFile(questions, warnings)
