"""CSV: every question type in documented columns, the spreadsheet shorthand, bad cells by line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmpath.errors import FormatError, Location
from pmpath.formats import csv as quiz_csv
from pmpath.formats.mapping import bank_to_quiz
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
from pmpath.framework import bundled_framework_path, load_framework
from pmpath.services.banks import open_bank
from tests.formats.fuzzing import assert_only_format_errors

FIXTURES = Path(__file__).parent / "fixtures" / "csv"
GOOD = sorted(FIXTURES.glob("*.csv"))
MOODLE, HTML, PLAIN, MARKDOWN = (
    TextFormat.MOODLE,
    TextFormat.HTML,
    TextFormat.PLAIN,
    TextFormat.MARKDOWN,
)


def read(name: str) -> QuizFile:
    path = FIXTURES / name
    return quiz_csv.read(path.read_bytes(), str(path))


def problems(name: str) -> list[str]:
    """The errors of a fixture that must be refused, as 'line: column: message'."""
    path = FIXTURES / "errors" / name
    with pytest.raises(FormatError) as caught:
        quiz_csv.read(path.read_bytes(), name)
    assert all(p.location.file == name for p in caught.value.problems)
    return [str(p).removeprefix(f"{name}:") for p in caught.value.problems]


@pytest.fixture(scope="module")
def full() -> dict[str, QuizQuestion]:
    result = read("full.csv")
    assert result.warnings == []
    return {q.name or "": q for q in result.questions}


# -- the full columns, one type per row -------------------------------------------------------


def test_every_row_of_the_full_example_is_a_question_with_its_line(
    full: dict[str, QuizQuestion],
) -> None:
    assert [(q.type, q.source.line) for q in full.values()] == [
        (QType.MULTICHOICE, 2),
        (QType.MULTICHOICE, 3),
        (QType.TRUEFALSE, 4),
        (QType.SHORTANSWER, 5),
        (QType.NUMERICAL, 6),
        (QType.MATCHING, 7),
        (QType.ORDERING, 8),
        (QType.ESSAY, 9),
        (QType.DESCRIPTION, 11),  # the essay's text spans two lines
        (QType.MULTICHOICE, 12),
    ]


def test_a_single_answer_question_with_every_column(full: dict[str, QuizQuestion]) -> None:
    question = full["problem-statement"]
    assert question.category == "Discovery/Framing"
    assert question.text == Text(
        "Which artefact states the problem a team is solving and for whom?", PLAIN
    )
    assert question.answers == [
        Answer(Text("A requirements document", PLAIN), 0.0, Text("It lists solutions.", PLAIN)),
        Answer(
            Text("A problem statement", PLAIN),
            1.0,
            Text("Right: it names the user and the pain.", PLAIN),
        ),
        Answer(Text("A release plan", PLAIN), 0.0),
    ]
    assert question.general_feedback == Text(
        "A problem statement keeps the team on the *why*.", MARKDOWN
    )
    assert question.hints == [
        Text("Think about the user.", PLAIN),
        Text("<b>Not</b> a plan.", HTML),
    ]
    assert question.tags == ["discovery", "framing"]
    assert question.id_number == "DISC-001"
    assert question.single is True
    assert (question.default_grade, question.penalty, question.shuffle) == (1.0, 0.3333333, True)
    assert question.extra == {}


def test_a_multiple_answer_question_with_weights_and_formats(
    full: dict[str, QuizQuestion],
) -> None:
    question = full["select-metrics"]
    assert question.single is False
    assert question.text == Text("<p>Which of these are <em>outcome</em> metrics?</p>", HTML)
    assert [(a.text, a.fraction) for a in question.answers] == [
        (Text("Retention", HTML), 0.5),
        (Text("Activation rate", HTML), 0.5),
        (Text("Lines of code", HTML), -1.0),
    ]
    assert question.answers[2].feedback == Text("That is output.", PLAIN)
    assert (question.default_grade, question.penalty, question.shuffle) == (2.0, None, False)
    assert question.general_feedback is None


def test_true_false_short_answer_and_numerical(full: dict[str, QuizQuestion]) -> None:
    true_false = full["mvp-is-small"]
    assert true_false.text.format is MOODLE  # an empty text_format is Moodle auto-format
    assert true_false.answers == [
        Answer(Text("True"), 1.0, Text("Yes.")),
        Answer(Text("False"), 0.0),
    ]
    assert true_false.category is None
    short = full["dod"]
    assert [(a.text.text, a.fraction) for a in short.answers] == [
        ("Definition of Done", 1.0),
        ("Definition of Ready", 0.0),
    ]
    assert short.answers[1].feedback == Text("That is a different checklist.")
    numerical = full["nps"]
    assert [(a.value, a.tolerance, a.fraction) for a in numerical.answers] == [
        (35.0, 0.0, 1.0),
        (85.0, 0.0, 0.0),
    ]
    assert numerical.answers[0].text == Text("35")
    assert numerical.extra == {"unit": "points"}


def test_matching_with_a_distractor_and_ordering(full: dict[str, QuizQuestion]) -> None:
    assert full["scrum-artefacts"].pairs == [
        MatchPair(Text("Product Backlog"), "Everything that might be built"),
        MatchPair(Text("Sprint Backlog"), "The sprint's plan", Text("Owned by the developers.")),
        MatchPair(Text(""), "The budget"),
    ]
    ordering = full["discovery-steps"]
    assert ordering.order == [
        Text("Frame the problem"),
        Text("Interview users"),
        Text("**Test** a prototype", MARKDOWN),
    ]
    assert ordering.extra == {"rationales": ["First", "Second", "Third"]}


def test_essay_and_description(full: dict[str, QuizQuestion]) -> None:
    essay = full["strategy-essay"]
    assert essay.text.text == "Describe a product strategy you admire.\nSay why in two paragraphs."
    assert essay.general_feedback == Text('Look for a clear "where to play" choice.')
    assert essay.default_grade == 5.0
    assert essay.answers == []
    description = full["scenario:checkout"]
    assert description.tags == ["scenario:checkout", "title:Checkout"]
    assert description.default_grade == 0.0


def test_a_leading_apostrophe_guards_a_formula_and_is_removed(
    full: dict[str, QuizQuestion],
) -> None:
    question = full["formula-like"]
    assert question.text.text.startswith("=SUM(A1:A3)")
    # Apostrophes inside JSON cells are text, not a guard.
    assert [a.text.text for a in question.answers] == ["'+1 for yes", "''-1 for no"]


# -- the shorthand columns ----------------------------------------------------------------------


def test_shorthand_single_answer_options() -> None:
    question = read("shorthand.csv").questions[0]
    assert question.type is QType.MULTICHOICE  # an empty type is multichoice
    assert question.single is True
    assert [(a.text.text, a.fraction) for a in question.answers] == [
        ("Kano", 0.0),
        ("RICE", 1.0),
        ("MoSCoW", 0.0),  # option_d is empty: no fourth option
    ]
    assert question.general_feedback == Text("RICE weighs reach and impact against effort.")
    assert question.tags == ["prioritisation"]


def test_shorthand_several_right_options_share_the_grade() -> None:
    question = read("shorthand.csv").questions[1]
    assert question.single is False
    assert [a.fraction for a in question.answers] == [0.5, -0.5, 0.5, -0.5]


def test_shorthand_true_false_short_answer_and_numbers() -> None:
    _, _, true_false, short, days, pi, essay = read("shorthand.csv").questions
    assert true_false.answers == [Answer(Text("True"), 0.0), Answer(Text("False"), 1.0)]
    assert short.answers == [Answer(Text("MoSCoW"), 1.0), Answer(Text("MOSCOW"), 1.0)]
    assert days.answers == [Answer(Text("10"), 1.0, None, 10.0, 0.0)]
    assert pi.answers == [Answer(Text("3.14"), 1.0, None, 3.14, 0.005)]
    assert essay.type is QType.ESSAY


def test_semicolons_a_byte_order_mark_and_decimal_commas() -> None:
    result = read("semicolon.csv")
    first, second = result.questions
    assert first.text.text == "Welche Kennzahl misst die Kundenbindung?"
    assert first.right_answers[0].text.text == "Retention"
    assert first.default_grade == 1.5
    assert second.text.text == "Which one; with a semicolon, is quoted?"
    assert second.right_answers[0].text.text == "One; quoted"  # a lower-case letter
    assert [q.source.line for q in result.questions] == [2, 3]


def test_unknown_columns_are_reported_and_ignored() -> None:
    result = quiz_csv.read(b"text,difficulty,correct,option_a,option_b\nQ?,3,a,x,y\n", "u.csv")
    assert [str(w) for w in result.warnings] == [
        "u.csv:1: 'difficulty' is not a pmpath CSV column: its cells are ignored"
    ]
    assert result.questions[0].right_answers[0].text.text == "x"


def test_blank_rows_are_skipped() -> None:
    result = quiz_csv.read(b"text,type\n\n,\nAn essay,essay\n", "b.csv")
    assert [(q.source.line, q.type) for q in result.questions] == [(4, QType.ESSAY)]


def test_questions_without_answers_are_kept_with_a_warning() -> None:
    result = quiz_csv.read(b"type,text\nshortanswer,Say it\nmatching,Match\n", "w.csv")
    assert len(result.questions) == 2
    assert [(w.location.line, w.message) for w in result.warnings] == [
        (2, "a shortanswer question without answers"),
        (3, "a matching question without pairs"),
    ]


# -- bad rows, each with its line and column ----------------------------------------------------


def test_invalid_json_names_line_and_column() -> None:
    assert problems("bad_json.csv") == [
        "3: answers: not valid JSON: Expecting value at character 33"
    ]


def test_bad_cells_name_line_and_column() -> None:
    assert problems("bad_cells.csv") == [
        "2: type: unknown question type 'quiz' (types: multichoice, truefalse, shortanswer, "
        "numerical, matching, ordering, essay, description)",
        "3: answers[0].fraction: must be between -1 and 1 (1 is 100 %)",
        "4: default_grade: 'one' is not a number",
        "5: single: 'maybe' is not true or false",
        "6: answers[0].fration: unknown key 'fration' (keys: text, format, fraction, feedback, "
        "feedback_format, value, tolerance)",
    ]


def test_bad_shorthand_cells() -> None:
    assert problems("shorthand.csv") == [
        "2: correct: names C, but option_c is empty",
        "3: correct: name the right option's letter (for example B, or A,C)",
        "4: correct: 'perhaps' is not true or false",
        "5: correct: 'ten' is not a number, or a number and its tolerance like 42:0.5",
        "6: correct: essay questions take no 'correct' answer",
    ]


def test_a_header_without_a_text_column() -> None:
    [problem] = problems("no_text_column.csv")
    assert problem.startswith("1: the first row must name the columns, and one of them must be")


def test_ragged_rows_cloze_and_empty_texts() -> None:
    assert problems("ragged.csv") == [
        "3: the row has 6 cells but the header names 5 columns (a comma inside a text needs "
        "the cell in double quotes)",
        "4: type: cloze questions cannot be held in CSV (use Moodle XML for them)",
        "5: text: the question text is empty",
    ]


def test_answers_and_shorthand_together() -> None:
    with pytest.raises(FormatError) as caught:
        quiz_csv.read(b'text,answers,option_a,correct\nQ?,"[{""text"": ""x""}]",y,A\n', "t.csv")
    assert caught.value.location == Location("t.csv", 2, ("answers",))


@pytest.mark.parametrize("row", [b'"open\nand never closed\n', b'"closed" then more\n'])
def test_broken_quoting_names_the_line_of_the_row(row: bytes) -> None:
    with pytest.raises(FormatError) as caught:
        quiz_csv.read(b"text\nfine\n" + row, "q.csv")
    assert caught.value.location == Location("q.csv", 3)
    assert caught.value.problems[0].message.startswith("not valid CSV: ")


def test_a_cell_may_be_longer_than_pythons_default_limit() -> None:
    text = "<p>" + "x" * 200_000 + "</p>"
    [question] = quiz_csv.read(f"text,text_format\n{text},html\n".encode(), "long.csv").questions
    assert question.text == Text(text, HTML)


def test_deeply_nested_json_is_a_bad_cell() -> None:
    data = b'text,extra\nQ?,"' + b"[" * 50_000 + b'"\n'
    with pytest.raises(FormatError) as caught:
        quiz_csv.read(data, "deep.csv")
    assert caught.value.location.field_path == ("extra",)


# -- writing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_every_fixture_survives_a_round_trip(path: Path) -> None:
    first = quiz_csv.read(path.read_bytes(), str(path))
    data, warnings = quiz_csv.write(first.questions)
    assert warnings == []
    assert quiz_csv.read(data, "again.csv").questions == first.questions


def test_the_bundled_bank_survives_a_round_trip() -> None:
    questions = bank_to_quiz(open_bank(load_framework(bundled_framework_path())))
    data, warnings = quiz_csv.write(questions)
    assert warnings == []
    assert quiz_csv.read(data, "bank.csv").questions == questions


def test_the_written_file_has_a_bom_the_header_and_one_row_per_question() -> None:
    question = QuizQuestion(
        type=QType.MULTICHOICE,
        text=Text("Which, of these?", PLAIN),
        answers=[Answer(Text("Yes", PLAIN), 1.0), Answer(Text("No"), 0.0, Text("Why", HTML))],
        tags=["a", "b"],
    )
    data, _ = quiz_csv.write([question])
    assert data.startswith(b"\xef\xbb\xbf")
    header, row, end = data.decode("utf-8-sig").split("\r\n")
    assert header == ",".join(quiz_csv.COLUMNS)
    assert end == ""
    assert row == (
        'multichoice,,,"Which, of these?",plain,"[{""text"": ""Yes"", ""fraction"": 1}, '
        '{""text"": ""No"", ""format"": ""moodle"", ""fraction"": 0, ""feedback"": ""Why"", '
        '""feedback_format"": ""html""}]",,,,,,a|b,,true,1,,,'
    )


def test_cells_that_look_like_formulas_are_guarded() -> None:
    question = QuizQuestion(type=QType.ESSAY, text=Text("=HYPERLINK(1)"), tags=["-x"])
    data, _ = quiz_csv.write([question])
    assert "'=HYPERLINK(1)" in data.decode("utf-8-sig")
    assert quiz_csv.read(data, "f.csv").questions == [question]


def test_cloze_and_textless_questions_are_skipped_with_a_warning() -> None:
    cloze = QuizQuestion(type=QType.CLOZE, text=Text("{#1}"), name="c")
    empty = QuizQuestion(type=QType.ESSAY, text=Text(""))
    data, warnings = quiz_csv.write([cloze, empty])
    assert quiz_csv.read(data, "s.csv").questions == []
    assert [(w.question, w.message) for w in warnings] == [
        ("c", "cloze questions cannot be held in CSV (use Moodle XML for them): skipped"),
        ("#2", "the question has no text, which a CSV row needs: skipped"),
    ]


def test_what_csv_cannot_hold_is_reported() -> None:
    question = QuizQuestion(
        type=QType.ESSAY,
        text=Text("Q"),
        name="q",
        tags=["a|b", " "],
        general_feedback=Text(""),
        attachments=[Attachment("chart.png", b"png")],
        extra={"when": object()},
    )
    data, warnings = quiz_csv.write([question])
    [again] = quiz_csv.read(data, "r.csv").questions
    assert again.tags == ["a/b"]
    assert again.general_feedback is None  # an empty general feedback is none
    assert again.attachments == []
    assert again.extra == {}
    assert [w.message for w in warnings] == [
        "attachments cannot be held in CSV and are not kept: chart.png",
        "the tag 'a|b' is written as 'a/b': '|' separates tags and spaces around a tag are trimmed",
        "an empty tag is left out",
        "extra values that are not JSON are not kept: when",
    ]


# -- never anything but FormatError -------------------------------------------------------------


def _only_format_errors(data: bytes) -> None:
    assert_only_format_errors(quiz_csv.read, data, "fuzz.csv")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_a_quiz_file_or_a_format_error(data: bytes) -> None:
    _only_format_errors(data)


CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["multichoice", "numerical", "truefalse", "[]", "{}", '[{"text": "a"}]', "A", "1,5", "'="]
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.lists(st.lists(CELLS, max_size=6), max_size=6).map(
            lambda rows: (
                "type,text,answers,correct,option_a,extra\n"
                + "\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in rows)
            )
        ),
    )
)
def test_arbitrary_text_gives_a_quiz_file_or_a_format_error(text: str) -> None:
    _only_format_errors(text.encode("utf-8"))
