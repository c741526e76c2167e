"""pmpath items <-> the interchange model: the bundled bank survives, foreign ones are mapped."""

from __future__ import annotations

import pytest

from pmpath.exams.items import Bank, ItemType
from pmpath.formats.mapping import ImportDefaults, bank_to_quiz, quiz_to_bank
from pmpath.formats.quiz import Answer, MatchPair, QType, QuizQuestion, Text
from pmpath.framework import Framework, bundled_framework_path, load_framework
from pmpath.services.banks import open_bank

FRAMEWORK: Framework = load_framework(bundled_framework_path())
LEVELS = {stage.id for stage in FRAMEWORK.stages}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return open_bank(FRAMEWORK)


def test_the_bundled_bank_survives_the_interchange_model(bank: Bank) -> None:
    questions = bank_to_quiz(bank)
    assert len(questions) == len(bank.items) + len(bank.scenarios)
    again, warnings = quiz_to_bank(questions, bank.id, ImportDefaults(), LEVELS)
    assert warnings == []
    assert again.items == bank.items
    assert again.scenarios == bank.scenarios


def test_metadata_travels_as_tags(bank: Bank) -> None:
    item = next(i for i in bank.items if i.scenario)
    question = next(q for q in bank_to_quiz(bank) if q.name == item.id)
    assert f"level:{item.level}" in question.tags
    assert f"difficulty:{item.difficulty}" in question.tags
    assert f"scenario:{item.scenario}" in question.tags
    assert question.category == f"{bank.id}/{item.domain}"


def test_a_multiple_response_item_uses_moodles_fractions(bank: Bank) -> None:
    item = next(i for i in bank.items if i.type is ItemType.MULTIPLE)
    question = next(q for q in bank_to_quiz(bank) if q.name == item.id)
    keys = len(item.key_ids)
    wrong = len(item.options) - keys
    fractions = sorted({round(a.fraction, 6) for a in question.answers})
    assert fractions == sorted({round(1 / keys, 6), round(-1 / wrong, 6)})


def foreign(kind: QType, **fields: object) -> QuizQuestion:
    return QuizQuestion(type=kind, text=Text("Stem?"), name="q1", **fields)  # type: ignore[arg-type]


def test_weights_pmpath_cannot_hold_are_reported() -> None:
    question = foreign(
        QType.MULTICHOICE,
        answers=[Answer(Text("A"), 1.0), Answer(Text("B"), 0.5), Answer(Text("C"), 0.0)],
        general_feedback=Text("Because."),
    )
    bank, warnings = quiz_to_bank([question], "x", ImportDefaults(), LEVELS)
    [item] = bank.items
    assert item.type is ItemType.SINGLE
    assert item.key_ids == ("a",)
    assert [w.message for w in warnings] == [
        "the weight 50% of 'B' is not kept: pmpath gives full or no credit"
    ]
    assert warnings[0].question == "q1"


def test_essays_and_cloze_are_left_out_with_a_warning() -> None:
    questions = [foreign(QType.ESSAY), foreign(QType.CLOZE)]
    bank, warnings = quiz_to_bank(questions, "x", ImportDefaults(), LEVELS)
    assert bank.items == ()
    assert [w.message.split(" ")[0] for w in warnings] == ["essay", "cloze"]


def test_defaults_fill_what_foreign_questions_lack() -> None:
    question = foreign(
        QType.MATCHING,
        pairs=[MatchPair(Text("Left"), "Right"), MatchPair(Text(""), "Decoy")],
        category="Course/Product Metrics",
        general_feedback=Text("Because."),
    )
    bank, _ = quiz_to_bank([question], "x", ImportDefaults(level="senior", difficulty=2), LEVELS)
    [item] = bank.items
    assert (item.domain, item.level, item.difficulty) == ("product-metrics", "senior", 2)
    assert [(p.left, p.right_id) for p in item.pairs] == [("Left", "a"), (None, "b")]
    assert item.competencies == ()


def test_a_question_without_feedback_is_imported_with_a_warning() -> None:
    question = foreign(QType.SHORTANSWER, answers=[Answer(Text("DoD"), 1.0)])
    bank, warnings = quiz_to_bank([question], "x", ImportDefaults(), LEVELS)
    assert bank.items[0].accepted == ("DoD",)
    assert [w.message for w in warnings] == ["no general feedback: the item has no explanation"]
