"""Gap items between pmpath and the interchange quiz model (the entry point of the Moodle and QTI
gap formats), and the exports that cannot hold them: each leaves the item out, saying so by
name, except Anki, whose card shows the text with its gaps and the answers on the back."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pmpath.exams.items import Bank, GapChoice
from pmpath.formats import registry
from pmpath.formats.mapping import ImportDefaults, bank_to_quiz, quiz_to_bank
from pmpath.formats.quiz import GapChoice as QuizGapChoice
from pmpath.formats.quiz import QType, QuizQuestion, Text, TextFormat
from pmpath.framework import Framework, bundled_framework_path, load_framework
from tests.exams.gap_bank import gap_bank
from tests.formats.test_anki import open_package

LEVELS = {"entry", "early-career", "mid-career", "senior", "leadership", "executive"}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return gap_bank(load_framework(bundled_framework_path()))


def test_a_gap_item_becomes_a_gaps_question_in_moodle_s_numbering(bank: Bank) -> None:
    [question, _] = bank_to_quiz(bank)
    assert question.type is QType.GAPS
    # Each gap names its right choice's number: Product Goal is choice 1, "is accountable
    # for" choice 5, Sprint Goal 2, Definition of Done 3.
    assert "serves the [[1]], which the Product Owner [[5]]; each Sprint has its" in (
        question.text.text
    )
    assert "own [[2]], and every Increment meets the [[3]]." in question.text.text
    assert [(c.text.text, c.group, c.reusable) for c in question.choices] == [
        ("Product Goal", 1, False),
        ("Sprint Goal", 1, False),
        ("Definition of Done", 1, False),
        ("Velocity target", 1, False),
        ("is accountable for", 2, False),
        ("hands over to the Scrum Master", 2, False),
    ]
    assert question.choices[3].feedback is not None
    assert question.choices[3].feedback.text.startswith("Velocity is a planning measure")
    assert question.general_feedback is not None


def test_gap_items_come_back_unchanged_from_the_quiz_model(bank: Bank) -> None:
    back, warnings = quiz_to_bank(bank_to_quiz(bank), "gaps", ImportDefaults(), LEVELS)
    assert warnings == []
    assert back.items == bank.items
    assert all(isinstance(o, GapChoice) for item in back.items for o in item.options)


def gaps_question(text: str, *choices: QuizGapChoice) -> QuizQuestion:
    return QuizQuestion(
        type=QType.GAPS,
        name="gaps-1",
        text=Text(text, TextFormat.MARKDOWN),
        choices=list(choices),
        general_feedback=Text("Why.", TextFormat.MARKDOWN),
    )


def choice(text: str, group: int = 1, reusable: bool = False) -> QuizGapChoice:
    return QuizGapChoice(Text(text, TextFormat.MARKDOWN), group, reusable)


def test_gaps_are_numbered_in_reading_order_on_import() -> None:
    # Moodle's numbering: [[2]] is a gap whose right choice is the second.
    question = gaps_question("The [[2]] sat on the [[1]].", choice("mat"), choice("cat"))
    bank, _warnings = quiz_to_bank([question], "b", ImportDefaults(domain="d"), LEVELS)
    [item] = bank.items
    assert item.stem == "The [[1]] sat on the [[2]]."
    assert [(g.number, item.option(g.key_id).text) for g in item.gaps] == [(1, "cat"), (2, "mat")]


def test_a_once_only_choice_named_at_two_gaps_is_made_reusable_with_a_warning() -> None:
    question = gaps_question("[[1]] and [[1]] beat [[2]].", choice("Rock"), choice("Paper"))
    bank, warnings = quiz_to_bank([question], "b", ImportDefaults(domain="d"), LEVELS)
    [item] = bank.items
    assert isinstance(item.options[0], GapChoice)
    assert item.options[0].reusable
    assert [w.message for w in warnings] == ["the choice 'Rock' fills 2 gaps: made reusable"]


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        (gaps_question("No gaps.", choice("a"), choice("b")), "has no gaps in its text"),
        (gaps_question("A [[3]].", choice("a"), choice("b")), "has a gap [[3]] with no choice 3"),
        (
            gaps_question("A [[1]].", choice("a"), choice("b", group=2)),
            "offers a gap only 1 choice (group 1)",
        ),
        (
            gaps_question("A [[1]].", choice("a"), choice("b"), choice("c", group=2)),
            "has choices no gap offers (group 2)",
        ),
        (
            gaps_question("A [[1]].", choice("a"), choice("A")),
            "has the same choice twice in group 1",
        ),
    ],
)
def test_a_gaps_question_pmpath_cannot_hold_is_left_out_saying_why(
    question: QuizQuestion, reason: str
) -> None:
    bank, warnings = quiz_to_bank([question], "b", ImportDefaults(domain="d"), LEVELS)
    assert bank.items == ()
    assert [(w.question, w.message) for w in warnings] == [
        ("gaps-1", f"a gaps question {reason}: left out")
    ]


@pytest.mark.parametrize(
    ("format_name", "message"),
    [
        ("gift", "GIFT has no gaps questions: left out"),
        (
            "aiken",
            "gaps questions cannot be written in Aiken, which holds only single-answer "
            "multiple choice: skipped",
        ),
        ("csv", "CSV cannot hold a text with gaps to fill (a gap item): left out"),
    ],
)
def test_exports_without_gaps_leave_gap_items_out_by_name(
    format_name: str, message: str, bank: Bank
) -> None:
    framework: Framework = load_framework(bundled_framework_path())
    from pmpath.services.banks import open_bank

    single = open_bank(framework).items[0]
    mixed = replace(bank, items=(*bank.items, single))
    _, warnings = registry.module(format_name, writing=True).write(bank_to_quiz(mixed))
    left_out = {w.question: w.message for w in warnings if w.left_out}
    assert left_out == {"agile-901": message, "agile-902": message}


def test_anki_shows_the_text_with_its_gaps_and_the_answers_on_the_back(bank: Bank) -> None:
    data, warnings = registry.module("anki", writing=True).write(bank_to_quiz(bank))
    assert not [w for w in warnings if w.left_out]
    first = open_package(data).notes[0]
    assert "serves the <b>[1]</b> _____, which the Product Owner <b>[2]</b> _____;" in first.front
    assert (
        '<div class="instruction">[1], [3], [4]: Choose from: Definition of Done, Product Goal, '
        "Sprint Goal, Velocity target</div>"
    ) in first.front
    assert (
        '<div class="instruction">[2]: Choose from: hands over to the Scrum Master, '
        "is accountable for</div>"
    ) in first.front
    assert '<div class="answer"><span class="letter">[2]</span> is accountable for</div>' in (
        first.back
    )
    assert "[4] The Definition of Done states the quality" in first.back
    assert "Product Goal" not in first.front.split("Choose from")[0]
