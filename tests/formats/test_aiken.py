"""Aiken: what Moodle reads, each Moodle error with its line, and the single-answer writer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmpath.errors import FormatError, Location
from pmpath.formats import aiken
from pmpath.formats.quiz import (
    Answer,
    Attachment,
    MatchPair,
    QType,
    QuizFile,
    QuizQuestion,
    Text,
    TextFormat,
)
from tests.formats.fuzzing import assert_only_format_errors

FIXTURES = Path(__file__).parent / "fixtures" / "aiken"
GOOD = sorted(FIXTURES.glob("*.txt"))


def read(name: str) -> QuizFile:
    path = FIXTURES / name
    return aiken.read(path.read_bytes(), str(path))


def problems(name: str) -> list[str]:
    """The errors of a fixture that must be refused, as 'line: message'."""
    path = FIXTURES / "errors" / name
    with pytest.raises(FormatError) as caught:
        aiken.read(path.read_bytes(), name)
    assert all(p.location.file == name for p in caught.value.problems)
    return [f"{p.location.line}: {p.message}" for p in caught.value.problems]


def plain(text: str) -> Text:
    return Text(text, TextFormat.PLAIN)


def choice(stem: str, options: list[str], right: int, **fields: object) -> QuizQuestion:
    return QuizQuestion(
        type=QType.MULTICHOICE,
        text=plain(stem),
        answers=[Answer(plain(o), 1.0 if i == right else 0.0) for i, o in enumerate(options)],
        **fields,  # type: ignore[arg-type]
    )


# -- reading ----------------------------------------------------------------------------------


def test_the_documented_example_reads_field_by_field() -> None:
    result = read("basic.txt")
    first, second = result.questions
    assert result.warnings == []
    assert first.type is QType.MULTICHOICE
    assert first.single is True
    assert first.text == plain(
        "Which artefact states the problem a product team is solving and for whom?"
    )
    assert [a.text for a in first.answers] == [
        plain("A product requirements document"),
        plain("A problem statement"),
        plain("A release plan"),
        plain("A burndown chart"),
    ]
    assert [a.fraction for a in first.answers] == [0.0, 1.0, 0.0, 0.0]
    assert all(a.feedback is None for a in first.answers)
    assert (first.name, first.category, first.general_feedback, first.tags) == (
        None,
        None,
        None,
        [],
    )
    assert first.source == Location(file=str(FIXTURES / "basic.txt"), line=1)
    assert second.source.line == 8
    assert len(second.answers) == 6
    assert second.right_answers == [Answer(plain("Activation rate"), 1.0)]


def test_options_with_a_bracket_or_a_period_and_no_space() -> None:
    first, second, _, _ = read("markers.txt").questions
    assert [a.text.text for a in first.answers] == ["Interviews", "Surveys", "Analytics"]
    assert first.right_answers[0].text.text == "Analytics"
    assert [a.text.text for a in second.answers] == ["Kano model", "RICE scoring"]
    assert second.right_answers[0].text.text == "Kano model"  # "ANSWER:A" without a space


def test_a_question_may_follow_the_previous_answer_without_a_blank_line() -> None:
    questions = read("markers.txt").questions
    assert [q.source.line for q in questions] == [1, 6, 11, 16]


def test_surrounding_spaces_are_trimmed() -> None:
    question = read("markers.txt").questions[2]
    assert question.text.text == "An indented question with trailing spaces"
    assert [a.text.text for a in question.answers] == ["Padded option", "Plain option"]
    assert question.right_answers[0].text.text == "Plain option"


def test_markup_characters_stay_as_typed() -> None:
    question = read("markers.txt").questions[3]
    assert question.text == plain('Which symbols stay as typed: <b>, & and "quotes"?')
    assert question.answers[1].text == plain("Ampersand & entity &amp;")


def test_option_letters_count_positions_like_moodle_with_a_warning() -> None:
    result = read("letters.txt")
    [question] = result.questions
    assert question.right_answers[0].text.text == "Second option, written as C"
    assert [(w.location.line, w.message) for w in result.warnings] == [
        (
            3,
            "option C is read as option B, its position: Moodle letters options by position, "
            "and so does pmpath",
        ),
        (
            4,
            "option D is read as option C, its position: Moodle letters options by position, "
            "and so does pmpath",
        ),
    ]
    assert result.warnings[0].question == question.text.text[:39] + "…"


def test_windows_line_endings_and_a_byte_order_mark() -> None:
    questions = read("windows.txt").questions
    assert [q.text.text for q in questions] == [
        "A question saved by Windows Notepad",
        "A second Windows question",
    ]
    assert [q.source.line for q in questions] == [1, 6]
    assert questions[1].right_answers[0].text.text == "Two"


def test_an_empty_file_has_no_questions_and_says_so() -> None:
    result = aiken.read(b"\n\n", "empty.txt")
    assert result.questions == []
    assert [w.message for w in result.warnings] == ["the file has no questions"]


def test_text_after_the_answer_letter_is_ignored_with_a_warning() -> None:
    result = aiken.read(b"Q?\nA) x\nB) y\nANSWER: B (the second)\n", "q.txt")
    assert result.questions[0].right_answers[0].text.text == "y"
    assert [(w.location.line, w.message) for w in result.warnings] == [
        (4, "the text after the answer letter ('(the second)') is ignored")
    ]


# -- errors, each with its line -----------------------------------------------------------------


def test_too_few_options() -> None:
    assert problems("too_few_options.txt") == [
        "8: a question needs at least 2 options, the question on line 6 has 1"
    ]


def test_missing_answer_line() -> None:
    assert problems("missing_answer.txt") == [
        "5: missing ANSWER line: the question on line 1 has options but no "
        "'ANSWER: <letter>' line before this new question"
    ]


def test_question_not_completed_at_the_end_of_the_file() -> None:
    assert problems("not_completed.txt") == [
        "6: question not completed: the file ends before its 'ANSWER: <letter>' line"
    ]


def test_answer_naming_a_letter_with_no_option() -> None:
    assert problems("no_such_option.txt") == [
        "5: ANSWER: D names no option (the options are A to C)"
    ]


def test_options_and_answer_outside_a_question() -> None:
    assert problems("not_started.txt") == [
        "1: an option line outside a question: no question text before it",
        "2: an option line outside a question: no question text before it",
        "4: an ANSWER line outside a question: no question text before it",
    ]


def test_lower_case_option_letters() -> None:
    assert problems("lower_case.txt") == [
        "2: option letters must be upper case: write A) or A. (Moodle would read this line "
        "as the text of a new question)",
        "3: option letters must be upper case: write B) or B. (Moodle would read this line "
        "as the text of a new question)",
    ]


def test_question_text_over_two_lines() -> None:
    [problem] = problems("two_line_stem.txt")
    assert problem.startswith("2: question not completed: the question on line 1 has no options")


def test_a_lower_case_answer_line() -> None:
    with pytest.raises(FormatError) as caught:
        aiken.read(b"Q?\nA) x\nB) y\nAnswer: B\n", "q.txt")
    assert caught.value.location == Location(file="q.txt", line=4)
    assert "in capitals" in caught.value.problems[0].message


def test_an_answer_line_without_a_letter() -> None:
    with pytest.raises(FormatError) as caught:
        aiken.read(b"Q?\nA) x\nB) y\nANSWER:\n", "q.txt")
    assert str(caught.value) == "q.txt:4: the ANSWER line names no letter (write 'ANSWER: B')"


def test_bytes_that_are_not_text() -> None:
    with pytest.raises(FormatError) as caught:
        aiken.read(b"Q?\nA) \x81\x00\n", "q.txt")
    assert caught.value.location.file == "q.txt"


# -- writing ----------------------------------------------------------------------------------


def test_a_single_answer_question_is_written_as_moodle_documents_it() -> None:
    question = choice("Which one?", ["One", "Two", "Three"], 1)
    data, warnings = aiken.write([question, question])
    assert data.decode() == (
        "Which one?\nA) One\nB) Two\nC) Three\nANSWER: B\n\n"
        "Which one?\nA) One\nB) Two\nC) Three\nANSWER: B\n"
    )
    assert warnings == []


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_every_fixture_survives_a_round_trip(path: Path) -> None:
    first = aiken.read(path.read_bytes(), str(path))
    data, warnings = aiken.write(first.questions)
    assert warnings == []
    assert aiken.read(data, "again.txt").questions == first.questions


def test_true_false_becomes_two_options_with_a_warning() -> None:
    question = QuizQuestion(
        type=QType.TRUEFALSE,
        text=Text("An MVP is a small product."),
        name="mvp",
        answers=[Answer(Text("True"), 0.0), Answer(Text("False"), 1.0)],
    )
    data, warnings = aiken.write([question])
    assert data.decode() == "An MVP is a small product.\nA) True\nB) False\nANSWER: B\n"
    assert [(w.question, w.message) for w in warnings] == [
        ("mvp", "true/false is written as a two-option multiple choice and reads back as one"),
        ("mvp", "not kept, Aiken cannot hold them: the name"),
    ]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            QuizQuestion(type=QType.SHORTANSWER, text=Text("Say it"), name="q"),
            "shortanswer questions cannot be written in Aiken, which holds only single-answer "
            "multiple choice: skipped",
        ),
        (
            QuizQuestion(
                type=QType.MATCHING, text=Text("Match"), name="q", pairs=[MatchPair(Text("a"), "b")]
            ),
            "matching questions cannot be written in Aiken, which holds only single-answer "
            "multiple choice: skipped",
        ),
        (
            choice("Pick all", ["a", "b"], 0, name="q", single=False),
            "multiple-answer questions cannot be written in Aiken, which holds only "
            "single-answer multiple choice: skipped",
        ),
        (
            choice("One option", ["a"], 0, name="q"),
            "Aiken needs at least 2 options, the question has 1: skipped",
        ),
        (
            choice("No right answer", ["a", "b"], 5, name="q"),
            "no answer earns credit, so there is no ANSWER letter to write: skipped",
        ),
        (
            choice("A. Smith wrote which book?", ["a", "b"], 0, name="q"),
            "the question text starts like an option ('A)' or 'A.') or an 'ANSWER:' line, "
            "which an Aiken reader cannot tell apart: skipped",
        ),
        (
            choice("?", ["a", "b"], 0, name="q"),
            "the question text is shorter than 2 characters, which Aiken ignores: skipped",
        ),
    ],
)
def test_what_aiken_cannot_hold_is_skipped_with_a_warning_naming_it(
    question: QuizQuestion, message: str
) -> None:
    data, warnings = aiken.write([question])
    assert data == b""
    assert [(w.question, w.message) for w in warnings] == [("q", message)]


def test_an_unnamed_question_is_named_by_its_number() -> None:
    essay = QuizQuestion(type=QType.ESSAY, text=Text("Discuss"), source=Location("in.xml", 7))
    _, [warning] = aiken.write([choice("Fine?", ["a", "b"], 0), essay])
    assert warning.question == "#2"
    assert warning.location == Location("in.xml", 7)


def test_line_breaks_become_spaces_with_a_warning() -> None:
    question = choice("First line\n  second line", ["one\r\ntwo", "three"], 0)
    data, warnings = aiken.write([question])
    assert data.decode() == "First line second line\nA) one two\nB) three\nANSWER: A\n"
    assert [w.message for w in warnings] == [
        "line breaks in the question text become spaces: an Aiken text is one line",
        "line breaks in option A become spaces: an Aiken text is one line",
    ]


def test_html_markup_is_removed_with_a_warning() -> None:
    question = QuizQuestion(
        type=QType.MULTICHOICE,
        text=Text("<p>Which is <b>bold</b> &amp; right?</p>", TextFormat.HTML),
        answers=[Answer(Text("Yes", TextFormat.HTML), 1.0), Answer(Text("No"), 0.0)],
    )
    data, warnings = aiken.write([question])
    assert data.decode().splitlines()[0] == "Which is bold & right?"
    assert [w.message for w in warnings] == [
        "HTML markup removed from the question text: Aiken texts are plain"
    ]


def test_more_than_26_options_keep_the_answer_and_the_first_wrong_ones() -> None:
    options = [f"option {n}" for n in range(1, 31)]
    data, warnings = aiken.write([choice("Which?", options, 28)])
    lines = data.decode().splitlines()
    assert lines[1] == "A) option 1"
    assert lines[25] == "Y) option 25"
    assert lines[26] == "Z) option 29"
    assert lines[27] == "ANSWER: Z"
    assert [w.message for w in warnings] == [
        "Aiken has letters for 26 options, the question has 30: the 4 last wrong options "
        "are left out"
    ]


def test_weights_and_everything_else_aiken_lacks_are_reported() -> None:
    question = QuizQuestion(
        type=QType.MULTICHOICE,
        text=Text("Which?"),
        name="w",
        answers=[
            Answer(Text("half"), 0.5, Text("partly")),
            Answer(Text("none"), -0.5),
            Answer(Text("zero"), 0.0),
        ],
        general_feedback=Text("Because."),
        tags=["t"],
        category="C",
        id_number="ID",
        hints=[Text("h")],
        default_grade=2.0,
        penalty=0.1,
        shuffle=False,
        attachments=[Attachment("a.png", b"x")],
        extra={"canvas": 1},
    )
    data, warnings = aiken.write([question])
    assert data.decode().endswith("ANSWER: A\n")
    assert [w.message for w in warnings] == [
        "no 100 % answer: the best one (50%) becomes the ANSWER",
        "the weight -50% of option 'none' is not kept: Aiken gives full credit to the ANSWER "
        "and none to the others",
        "not kept, Aiken cannot hold them: the name, the category, the id number, the tags, "
        "the general feedback, the per-answer feedback, the hints, the default grade 2, "
        "the penalty, the shuffle setting, the attachments, extra values (canvas)",
    ]


# -- never anything but FormatError -------------------------------------------------------------


def _only_format_errors(data: bytes) -> None:
    assert_only_format_errors(aiken.read, data, "fuzz.txt")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_a_quiz_file_or_a_format_error(data: bytes) -> None:
    _only_format_errors(data)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.lists(
            st.one_of(
                st.text(max_size=30),
                st.sampled_from(
                    ["A) x", "B. y", "C)z", "ANSWER: A", "ANSWER: C", "a) q", "Answer:"]
                ),
            ),
            max_size=20,
        ).map("\n".join),
    )
)
def test_arbitrary_text_gives_a_quiz_file_or_a_format_error(text: str) -> None:
    _only_format_errors(text.encode("utf-8"))
