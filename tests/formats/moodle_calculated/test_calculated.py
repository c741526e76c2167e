"""Moodle's calculated family read as one question per dataset item, written back, and brought
into a pmpath bank."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmpath.errors import FormatError
from pmpath.exams.items import ItemType
from pmpath.formats import moodle_xml
from pmpath.formats.mapping import ImportDefaults, quiz_to_bank
from pmpath.formats.moodle_xml import _calculated as calculated
from pmpath.formats.moodle_xml._calculated import (
    correct_answer_text,
    substitute,
    tolerance_interval,
)
from pmpath.formats.quiz import QType, QuizFile, TextFormat
from pmpath.framework import bundled_framework_path, load_framework
from tests.formats.fuzzing import assert_only_format_errors

FIXTURE = Path(__file__).parent / "fixtures" / "calculated.xml"
LEVELS = {stage.id for stage in load_framework(bundled_framework_path()).stages}


def read_fixture() -> QuizFile:
    return moodle_xml.read(FIXTURE.read_bytes(), FIXTURE.name)


def messages(result: QuizFile) -> list[str]:
    return [f"{w.location.line}: {w.question}: {w.message}" for w in result.warnings]


def one_question(body: str, kind: str = "calculated") -> str:
    """A Moodle XML file with one ``kind`` question whose parts are ``body``."""
    return (
        f'<?xml version="1.0"?>\n<quiz>\n<question type="{kind}">\n'
        f"<name><text>Q</text></name>\n"
        f'<questiontext format="html"><text>What is {{a}} + {{b}}?</text></questiontext>\n'
        f"{body}\n</question>\n</quiz>\n"
    )


def answer(formula: str, tolerance: str = "0", kind: str = "2") -> str:
    return (
        f'<answer fraction="100"><text>{formula}</text><tolerance>{tolerance}</tolerance>'
        f"<tolerancetype>{kind}</tolerancetype><correctanswerformat>1</correctanswerformat>"
        "<correctanswerlength>2</correctanswerlength></answer>"
    )


def dataset(name: str, *values: str) -> str:
    items = "".join(
        f"<dataset_item><number>{n}</number><value>{v}</value></dataset_item>"
        for n, v in enumerate(values, start=1)
    )
    return (
        f"<dataset_definition><name><text>{name}</text></name>"
        f"<itemcount>{len(values)}</itemcount><dataset_items>{items}</dataset_items>"
        "</dataset_definition>"
    )


def datasets(*definitions: str) -> str:
    return f"<dataset_definitions>{''.join(definitions)}</dataset_definitions>"


def read_text(xml: str) -> QuizFile:
    return moodle_xml.read(xml.encode(), "q.xml")


# -- the fixture, field by field ------------------------------------------------------------


def test_each_dataset_item_becomes_its_own_question() -> None:
    result = read_fixture()
    assert [(q.type, q.name) for q in result.questions] == [
        (QType.NUMERICAL, "Rectangle area (1 of 3)"),
        (QType.NUMERICAL, "Rectangle area (2 of 3)"),
        (QType.NUMERICAL, "Rectangle area (3 of 3)"),
        (QType.NUMERICAL, "Growth (1 of 2)"),
        (QType.NUMERICAL, "Growth (2 of 2)"),
        (QType.MULTICHOICE, "Conversion rate (1 of 2)"),
        (QType.MULTICHOICE, "Conversion rate (2 of 2)"),
    ]
    assert all(q.category == "Calculated" for q in result.questions)


def test_items_are_taken_by_their_number_not_their_place_in_the_file() -> None:
    first, second, third = read_fixture().questions[:3]
    # w's items are written 2, 1, 3 in the file.
    assert first.text.text.startswith("<p>A rectangle is 3 m wide and 4 m high.")
    assert second.text.text.startswith("<p>A rectangle is 2.5 m wide and 1.5 m high.")
    assert third.text.text.startswith("<p>A rectangle is 7.2 m wide and 3.3 m high.")


def test_values_and_inline_formulas_are_put_into_every_text() -> None:
    first = read_fixture().questions[0]
    assert "(6 is twice the width)" in first.text.text
    assert first.general_feedback is not None
    assert first.general_feedback.text == "<p>3 \u00d7 4 = 12</p>"
    assert first.answers[0].feedback is not None
    assert first.answers[0].feedback.text == "<p>Right: 3 times 4.</p>"


def test_an_inline_formula_shows_as_php_prints_a_float() -> None:
    third = read_fixture().questions[2]
    assert third.general_feedback is not None
    assert third.general_feedback.text == "<p>7.2 \u00d7 3.3 = 23.76</p>"


def test_answers_are_computed_with_their_tolerance_made_absolute() -> None:
    first = read_fixture().questions[0]
    product, total = first.answers
    assert (product.text.text, product.fraction, product.value, product.tolerance) == (
        "12.00",  # two decimals, as the answer's correctanswerlength says
        1.0,
        12.0,
        0.12,  # relative: 1 % of 12
    )
    assert (total.text.text, total.fraction, total.value, total.tolerance) == ("7", 0.5, 7.0, 0.5)


def test_a_geometric_tolerance_keeps_its_range() -> None:
    growth = read_fixture().questions[3]
    (answer,) = growth.answers
    assert answer.text.text == "270"  # 120 * 1.5², to two significant figures
    assert answer.value is not None
    assert answer.tolerance is not None
    low, high = answer.value - answer.tolerance, answer.value + answer.tolerance
    assert (low, high) == pytest.approx((270 / 1.1, 270 * 1.1))


def test_the_common_parts_travel_to_every_question() -> None:
    questions = read_fixture().questions
    assert [q.id_number for q in questions[:3]] == ["area-1", "area-2", "area-3"]
    assert all(q.penalty == 0.3333333 and q.default_grade == 1 for q in questions[:3])
    assert all(q.extra["unit"] == "m²" for q in questions[:3])
    assert [q.default_grade for q in questions[3:5]] == [2.0, 2.0]
    assert [q.source.line for q in questions] == [8, 8, 8, 86, 86, 143, 143]


def test_calculatedmulti_options_are_computed_and_rounded() -> None:
    first, second = read_fixture().questions[5:]
    assert [(a.text.text, a.fraction) for a in first.answers] == [("3.0 %", 1.0), ("33.3 %", 0.0)]
    assert [a.text.text for a in second.answers] == ["2.3 %", "42.9 %"]
    assert first.single is True
    assert first.shuffle is True
    assert first.text.text == (
        "<p>12 of 400 visitors bought. What is the conversion rate in percent?</p>"
    )
    assert first.extra["moodle_combined_feedback"]["correctfeedback"]["text"] == (
        "Your answer is correct."
    )
    assert first.answers[1].feedback is not None
    assert first.answers[1].feedback.text == "Upside down."
    assert first.answers[0].text.format is TextFormat.HTML


def test_a_warning_says_how_many_questions_were_made_and_why() -> None:
    assert messages(read_fixture()) == [
        "8: Rectangle area: a calculated question is read as 3 questions, one per dataset "
        "item, each with the wildcards' values put in and its answers computed",
        "86: Growth: a calculatedsimple question is read as 2 questions, one per dataset "
        "item, each with the wildcards' values put in and its answers computed",
        "143: Conversion rate: a calculatedmulti question is read as 2 questions, one per "
        "dataset item, each with the wildcards' values put in and its answers computed",
    ]


# -- rounding and tolerance rules -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "style", "length", "text"),
    [
        (12.0, "1", "2", "12.00"),
        (2.345, "1", "2", "2.35"),  # halves away from zero
        (-2.345, "1", "2", "-2.35"),
        (2.5, "1", "0", "3"),
        (123456.0, "2", "3", "123000"),
        (0.00123456, "2", "2", "0.0012"),
        (0.0, "2", "3", "0"),
        (1.0, "1", "", "1.00"),  # no length: Moodle's default of two
    ],
)
def test_correct_answers_are_rounded_as_moodle_shows_them(
    value: float, style: str, length: str, text: str
) -> None:
    assert correct_answer_text(value, style, length) == text


@pytest.mark.parametrize(
    ("value", "tolerance", "kind", "interval"),
    [
        (200.0, 0.1, "1", (180.0, 220.0)),  # relative
        (-200.0, 0.1, "1", (-220.0, -180.0)),
        (200.0, 5.0, "2", (195.0, 205.0)),  # nominal
        (200.0, -5.0, "2", (195.0, 205.0)),
        (200.0, 1.0, "3", (100.0, 400.0)),  # geometric
        (-200.0, 1.0, "3", (-400.0, -100.0)),
    ],
)
def test_tolerance_intervals_follow_moodle(
    value: float, tolerance: float, kind: str, interval: tuple[float, float]
) -> None:
    assert tolerance_interval(value, tolerance, kind) == pytest.approx(interval)


def test_wildcards_without_a_value_stay_as_written() -> None:
    assert substitute("{a} and {c} and {=2*{a}}", {"a": 1.5}) == "1.5 and {c} and 3"


# -- problems --------------------------------------------------------------------------------


def test_a_dataset_item_that_gives_no_answer_is_left_out_with_a_warning() -> None:
    result = read_text(
        one_question(answer("{a} / {b}") + datasets(dataset("a", "1", "2"), dataset("b", "0", "4")))
    )
    assert [q.name for q in result.questions] == ["Q (2 of 2)"]
    assert [a.value for a in result.questions[0].answers] == [0.5]
    assert "dataset items that give no answer, not kept: item 1: division by zero at column 5" in [
        w.message for w in result.warnings
    ]


def test_a_formula_moodle_would_refuse_leaves_the_question_out() -> None:
    result = read_text(one_question(answer("{a} ^ 2") + datasets(dataset("a", "1", "2"))))
    assert result.questions == []
    assert [w.message for w in result.warnings] == [
        "no dataset item gives the answers (item 1: '^' is not a power in Moodle (PHP reads "
        "it as bitwise XOR): write pow(a, b) or a ** b at column 5): question not kept"
    ]


def test_a_calculated_question_without_a_dataset_is_left_out() -> None:
    result = read_text(one_question(answer("1 + 1")))
    assert result.questions == []
    assert [w.message for w in result.warnings] == [
        "a calculated question without a dataset: question not kept"
    ]


def test_datasets_of_different_sizes_use_the_items_all_have() -> None:
    result = read_text(
        one_question(
            answer("{a} + {b}") + datasets(dataset("a", "1", "2", "3"), dataset("b", "10", "20"))
        )
    )
    assert [a.value for q in result.questions for a in q.answers] == [11.0, 22.0]
    assert "the wildcards' datasets have 2, 3 items: the first 2 of each are used" in [
        w.message for w in result.warnings
    ]


def test_a_single_item_keeps_the_questions_name() -> None:
    result = read_text(one_question(answer("{a}") + datasets(dataset("a", "4"))))
    assert [q.name for q in result.questions] == ["Q"]
    assert result.warnings[-1].message.startswith("a calculated question is read as one question")


def test_a_wildcard_answer_star_is_kept() -> None:
    body = answer("{a}") + '<answer fraction="0"><text>*</text></answer>'
    result = read_text(one_question(body + datasets(dataset("a", "4"))))
    assert [(a.text.text, a.value) for a in result.questions[0].answers] == [
        ("4.00", 4.0),
        ("*", None),
    ]


def test_more_dataset_items_than_moodle_allows_is_an_error_with_its_line() -> None:
    values = [str(n) for n in range(101)]
    with pytest.raises(FormatError) as caught:
        read_text(one_question(answer("{a}") + "\n" + datasets(dataset("a", *values))))
    problem = caught.value.problems[0]
    assert problem.message == "wildcard {a} has 101 dataset items, more than Moodle's 100"
    assert problem.location.line == 7


def test_copies_holding_too_much_text_are_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calculated, "MAX_EXPANDED_CHARS", 1000)
    within = "x" * 50
    xml = one_question(answer("{a}") + datasets(dataset("a", *"123456789")))
    assert len(read_text(xml.replace("What is", within)).questions) == 9
    with pytest.raises(FormatError) as caught:
        read_text(xml.replace("What is", within * 2))
    problem = caught.value.problems[0]
    assert problem.message == (
        "the calculated questions' copies, one per dataset item, would hold more than 1,000 "
        "characters of text"
    )
    assert problem.location.line == 3


def test_a_dataset_value_that_is_not_a_number_is_an_error() -> None:
    with pytest.raises(FormatError, match="the value of \\{a\\} 'x' is not a number"):
        read_text(one_question(answer("{a}") + datasets(dataset("a", "x"))))


# -- writing back and importing ---------------------------------------------------------------


def test_written_back_as_numerical_and_multichoice_questions_with_a_warning() -> None:
    questions = read_fixture().questions
    data, warnings = moodle_xml.write(questions)
    text = data.decode()
    assert text.count('<question type="numerical">') == 5
    assert text.count('<question type="multichoice">') == 2
    assert "dataset_definitions" not in text
    assert warnings[0].message == (
        "read from item 1 of a calculated question's dataset: written as a numerical "
        "question with its values computed (the calculated question is not rebuilt)"
    )
    assert len(warnings) == 7


def test_a_round_trip_keeps_every_value_tolerance_and_option() -> None:
    questions = read_fixture().questions
    again = moodle_xml.read(moodle_xml.write(questions)[0], "again.xml").questions
    assert len(again) == len(questions)
    for before, after in zip(questions, again, strict=True):
        assert (after.type, after.name, after.text, after.general_feedback) == (
            before.type,
            before.name,
            before.text,
            before.general_feedback,
        )
        assert [(a.value, a.tolerance, a.fraction) for a in after.answers] == [
            (a.value, a.tolerance, a.fraction) for a in before.answers
        ]
        if before.type is QType.MULTICHOICE:
            assert after.answers == before.answers
    # Written once more, the file does not change: the computed questions are stable.
    first = moodle_xml.write(again)[0]
    assert moodle_xml.write(moodle_xml.read(first, "third.xml").questions)[0] == first


def test_imported_into_a_bank_as_numeric_and_single_choice_items() -> None:
    bank, _ = quiz_to_bank(read_fixture().questions, "calc", ImportDefaults(), LEVELS)
    types = [item.type for item in bank.items]
    assert types == [ItemType.NUMERIC] * 5 + [ItemType.SINGLE] * 2
    first = bank.items[0]
    assert first.numeric is not None
    assert (first.numeric.answer, first.numeric.tolerance, first.numeric.unit) == (
        12.0,
        0.12,
        "m²",
    )
    assert [option.text for option in bank.items[5].options] == ["3.0 %", "33.3 %"]
    assert len({item.id for item in bank.items}) == 7


# -- arbitrary input ---------------------------------------------------------------------------

PARTS = st.sampled_from(
    [
        answer("{a} + {b}"), answer("{a} / {b}", "0.1", "1"), answer("{a} ** {b}", "1", "3"),
        answer("sqrt({a})"), answer("{c}"), answer("(("), answer("*"), answer("{=1}"),
        dataset("a", "1", "-2"), dataset("b", "0", "3.5", "x"), dataset("a", "1e308"),
        datasets(dataset("a", "1", "0"), dataset("b", "0")), datasets(dataset("b", "2")),
        "<single>0</single>", "<tolerancetype>9</tolerancetype>", "<dataset_definitions/>",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["calculated", "calculatedsimple", "calculatedmulti"]),
    st.lists(PARTS, max_size=6).map("".join),
)
def test_arbitrary_calculated_questions_give_questions_or_a_located_error(
    kind: str, body: str
) -> None:
    assert_only_format_errors(moodle_xml.read, one_question(body, kind).encode(), "fuzz.xml")


def test_texts_are_substituted_as_moodles_own_tests_expect() -> None:
    values = {"a": 1.0, "b": 2.0, "theta": 0.25}
    assert substitute("{a} + {b}", values) == "1 + 2"
    assert substitute("(1) {a}\n(2) {b}", values) == "(1) 1\n(2) 2"
    assert substitute("= {={a} + {b}}", values) == "= 3"
    assert substitute("temperatures {=-{a}} and {b}", values) == "temperatures -1 and 2"
    assert substitute("<p>{=sin(2*pi()*{theta})}</p>", values) == "<p>1</p>"


@pytest.mark.parametrize(
    ("length", "style", "text"),
    [("0", "1", "0"), ("2", "1", "0.12"), ("4", "1", "0.1235"), ("2", "2", "0.12")],
)
def test_rounding_matches_moodles_format_float(length: str, style: str, text: str) -> None:
    assert correct_answer_text(0.12345, style, length) == text
