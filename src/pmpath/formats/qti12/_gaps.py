"""Gaps questions as Canvas's "multiple dropdowns", both ways.

Canvas's multiple dropdowns question is a text with named blanks (``[gap1]``), each a drop-down
list with one right answer, every blank an equal share of the points: a gaps question whose
every gap offers its own list. Written, each gap becomes a blank offering the choices of its
right choice's group (a choice in a list shared by several gaps is written in each); read, a
multiple dropdowns question whose every blank has exactly one right answer becomes a gaps
question again, blanks offering the same answers sharing one group, and a choice right at two
of its blanks being reusable. What Canvas has no place for (the order of the choices across
lists, a reusable mark on a choice right at one gap) pmpath keeps in its own ``pmpath_extra``
field, which Canvas ignores, and uses when the blanks still agree with it.
"""

from __future__ import annotations

from copy import deepcopy
from typing import TYPE_CHECKING, Any

from pmpath.exams.gaps import PLACEHOLDER as GAP
from pmpath.exams.gaps import placeholders
from pmpath.formats.qti12._canvas import PLACEHOLDER
from pmpath.formats.quiz import Answer, GapChoice, QType, QuizQuestion, Text, TextFormat

if TYPE_CHECKING:
    from pmpath.formats.qti12._item_reading import ItemReader

#: pmpath's record of a gaps question's choices, carried in ``pmpath_extra``.
RECORD = "pmpath_gaps"


# -- writing ----------------------------------------------------------------------------------


def gaps_as_dropdowns(question: QuizQuestion) -> QuizQuestion | None:
    """The cloze question with a choice blank per gap that Canvas's multiple dropdowns hold, or
    None when a gap names no choice."""
    named = placeholders(question.text.text)
    choices = question.choices
    if not named or any(not 1 <= right <= len(choices) for right in named):
        return None
    blanks = []
    for gap, right in enumerate(named, start=1):
        group = choices[right - 1].group
        blanks.append(
            QuizQuestion(
                type=QType.MULTICHOICE,
                text=Text(""),
                name=f"gap{gap}",
                answers=[
                    Answer(choice.text, 1.0 if number == right else 0.0, choice.feedback)
                    for number, choice in enumerate(choices, start=1)
                    if choice.group == group
                ],
            )
        )
    counter = iter(range(1, len(named) + 1))
    text = GAP.sub(lambda _: f"{{#{next(counter)}}}", question.text.text)
    record = [{"text": c.text.text, "group": c.group, "reusable": c.reusable} for c in choices]
    converted = deepcopy(question)
    converted.type = QType.CLOZE
    converted.text = Text(text, question.text.format)
    converted.choices = []
    converted.blanks = blanks
    converted.extra[RECORD] = record
    return converted


# -- reading ----------------------------------------------------------------------------------


def named_blanks(question: QuizQuestion) -> None:
    """A cloze's text as the file writes it, each ``{#k}`` the ``[name]`` of blank k: the form
    pmpath's Markdown sources were kept in (see ``_markdown``)."""
    names = [blank.name or "" for blank in question.blanks]
    question.text.text = PLACEHOLDER.sub(
        lambda match: f"[{names[int(match.group(1)) - 1]}]", question.text.text
    )


def _numbered_blanks(question: QuizQuestion) -> None:
    """The inverse of :func:`named_blanks`."""
    for number, blank in enumerate(question.blanks, start=1):
        question.text.text = question.text.text.replace(f"[{blank.name}]", f"{{#{number}}}", 1)


def dropdowns_as_gaps(reader: ItemReader, question: QuizQuestion) -> None:
    """A multiple dropdowns question (read as a cloze, its text in :func:`named_blanks` form)
    as a gaps question, when every blank has exactly one right answer; else it stays a cloze,
    with a warning."""
    record = question.extra.pop(RECORD, None)
    rights: list[int] = []
    choices: list[GapChoice] = []
    groups: dict[tuple[str, ...], int] = {}
    for blank in question.blanks:
        right = [a for a in blank.answers if a.fraction >= 1]
        if blank.type is not QType.MULTICHOICE or len(right) != 1:
            reader.warn("a multiple-dropdowns question is read as a cloze with a choice per blank")
            _numbered_blanks(question)
            return
        texts = tuple(answer.text.text for answer in blank.answers)
        if texts not in groups:
            groups[texts] = len(groups) + 1
            choices += [
                GapChoice(Text(a.text.text, TextFormat.PLAIN), groups[texts], False, a.feedback)
                for a in blank.answers
            ]
        first = next(i for i, c in enumerate(choices) if c.group == groups[texts])
        index = first + blank.answers.index(right[0])
        if index in rights:
            choices[index].reusable = True
        rights.append(index)
    if not rights:
        reader.warn("a multiple-dropdowns question is read as a cloze with a choice per blank")
        _numbered_blanks(question)
        return
    number = _recorded(record, choices)
    if number is None:
        number = {index: index + 1 for index in range(len(choices))}
    elif isinstance(record, list):
        for index, choice in enumerate(choices):
            choice.group = int(record[number[index] - 1]["group"])
            choice.reusable = bool(record[number[index] - 1]["reusable"])
    ordered = sorted(range(len(choices)), key=lambda index: number[index])
    text = question.text.text
    for blank, key in zip(question.blanks, rights, strict=True):
        text = text.replace(f"[{blank.name}]", f"[[{number[key]}]]", 1)
    question.type = QType.GAPS
    question.text = Text(text, question.text.format)
    question.choices = [choices[index] for index in ordered]
    question.blanks = []


def _recorded(record: Any, choices: list[GapChoice]) -> dict[int, int] | None:
    """Each read choice's number in pmpath's record, when the record still fits the blanks
    (the same choices, each list one recorded group); else None."""
    if not isinstance(record, list) or len(record) != len(choices):
        return None
    entries: list[tuple[str, int]] = []
    for entry in record:
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            return None
        group, reusable = entry.get("group"), entry.get("reusable")
        if not isinstance(group, int) or isinstance(group, bool) or not isinstance(reusable, bool):
            return None
        entries.append((entry["text"], group))
    number: dict[int, int] = {}
    for read_group in sorted({choice.group for choice in choices}):
        members = [i for i, c in enumerate(choices) if c.group == read_group]
        texts = [choices[i].text.text for i in members]
        recorded = [n for n, (text, _) in enumerate(entries, start=1) if text in texts]
        wanted = [entries[n - 1] for n in recorded]
        if len({group for _, group in wanted}) != 1 or sorted(t for t, _ in wanted) != sorted(
            texts
        ):
            return None
        for i in members:
            number[i] = next(n for n in recorded if entries[n - 1][0] == choices[i].text.text)
    if len(set(number.values())) != len(choices):
        return None
    return number
