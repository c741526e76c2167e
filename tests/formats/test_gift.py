"""GIFT, Moodle's text format: every construct read, written back, and every bad input refused.

The fixtures in fixtures/gift/ follow Moodle's GIFT documentation and the examples of Moodle's
own importer tests; each test below asserts what one construct becomes in the interchange model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmpath.errors import FormatError, Location
from pmpath.formats import gift
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

FIXTURES = Path(__file__).parent / "fixtures" / "gift"
HTML, MOODLE, PLAIN, MARKDOWN = (
    TextFormat.HTML,
    TextFormat.MOODLE,
    TextFormat.PLAIN,
    TextFormat.MARKDOWN,
)


def fixture(name: str) -> QuizFile:
    return gift.read((FIXTURES / name).read_bytes(), name)


def named(file: QuizFile, name: str) -> QuizQuestion:
    return next(question for question in file.questions if question.name == name)


def read_text(text: str) -> QuizFile:
    return gift.read(text.encode("utf-8"), "test.gift")


def answers(question: QuizQuestion) -> list[tuple[str, float, str | None]]:
    return [
        (a.text.text, a.fraction, a.feedback.text if a.feedback else None) for a in question.answers
    ]


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(FormatError) as caught:
        read_text(text)
    return [(p.location.line, p.message) for p in caught.value.problems]


# -- multiple choice -------------------------------------------------------------------------


def test_multiple_choice_marks_the_right_answer_and_keeps_each_feedback() -> None:
    question = named(fixture("multichoice.gift"), "Q2")
    assert question.type is QType.MULTICHOICE
    assert question.single is True
    assert question.text == Text("What's between orange and green in the spectrum?", MOODLE)
    assert answers(question) == [
        ("yellow", 1.0, "right; good!"),
        ("red", 0.0, "wrong, it's yellow"),
        ("blue", 0.0, "wrong, it's yellow"),
    ]


def test_several_right_answers_carry_weights_that_add_up_to_100_percent() -> None:
    file = fixture("multichoice.gift")
    question = named(file, "colours")
    assert question.single is False
    assert [a.fraction for a in question.answers] == pytest.approx(
        [0.3333333, 0.3333333, 0.3333333, -1.0]
    )
    assert question.general_feedback == Text(
        "Red, green and blue are the primaries of additive colour.", MOODLE
    )
    assert not file.warnings


def test_negative_weights_are_penalties() -> None:
    question = named(fixture("multichoice.gift"), "tricky")
    assert question.single is False
    assert [a.fraction for a in question.answers] == [1.0, -0.5, -0.5]


def test_one_right_answer_can_sit_among_weighted_ones() -> None:
    question = named(fixture("multichoice.gift"), "partial")
    assert question.single is True
    assert [a.text.text for a in question.answers] == ["2007", "2008", "1997", "2017"]
    assert [a.fraction for a in question.answers] == pytest.approx([1.0, 0.5, -0.3333333, 0.0])


# -- true/false -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "true"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_true_false_reads_every_spelling(name: str, true: bool) -> None:
    question = named(fixture("truefalse.gift"), name)
    assert question.type is QType.TRUEFALSE
    assert [(a.text.text, a.fraction) for a in question.answers] == [
        ("True", 1.0 if true else 0.0),
        ("False", 0.0 if true else 1.0),
    ]


def test_true_false_feedback_is_for_a_wrong_answer_then_for_a_right_one() -> None:
    file = fixture("truefalse.gift")
    assert answers(named(file, "TRUE")) == [
        ("True", 1.0, "Right: plans change."),
        ("False", 0.0, "Think again: it is a plan."),
    ]
    assert answers(named(file, "FALSE")) == [
        ("True", 0.0, "42 is the Ultimate Answer."),
        ("False", 1.0, "You gave the right answer."),
    ]


def test_general_feedback_follows_four_hashes() -> None:
    question = named(fixture("truefalse.gift"), "general")
    assert question.general_feedback == Text("Churn is measured per period.", MOODLE)
    assert answers(question) == [("True", 1.0, None), ("False", 0.0, None)]


# -- short answer -----------------------------------------------------------------------------


def test_short_answer_accepts_several_answers() -> None:
    question = named(fixture("shortanswer.gift"), "Q3")
    assert question.type is QType.SHORTANSWER
    assert answers(question) == [
        ("Grant", 1.0, None),
        ("Ulysses S. Grant", 1.0, None),
        ("Ulysses Grant", 1.0, None),
    ]


def test_short_answers_carry_weights_and_feedback() -> None:
    question = named(fixture("shortanswer.gift"), "weighted")
    assert answers(question) == [
        ("Frog", 1.0, "Good!"),
        ("Cat", 0.5, "What is it with Moodlers and cats?"),
        ("*", 0.0, "Completely wrong"),
    ]


def test_a_lone_short_answer_needs_no_equals_sign() -> None:
    question = named(fixture("shortanswer.gift"), "bare")
    assert question.type is QType.SHORTANSWER
    assert question.text.text == "Two plus two equals _____."
    assert answers(question) == [("four", 1.0, None)]


def test_lower_case_true_is_a_short_answer_and_says_so() -> None:
    file = fixture("shortanswer.gift")
    question = named(file, "lower")
    assert question.type is QType.SHORTANSWER
    assert answers(question) == [("true", 1.0, None)]
    [warning] = file.warnings
    assert warning.question == "lower"
    assert warning.location == Location(file="shortanswer.gift", line=14)
    assert "capitals" in warning.message


# -- numerical --------------------------------------------------------------------------------


def numbers(question: QuizQuestion) -> list[tuple[str, float, float | None, float | None]]:
    return [(a.text.text, a.fraction, a.value, a.tolerance) for a in question.answers]


def test_numerical_value_with_a_tolerance() -> None:
    question = named(fixture("numerical.gift"), "Q5")
    assert question.type is QType.NUMERICAL
    assert numbers(question) == [("3", 1.0, 3.0, 2.0)]


def test_numerical_range_is_its_midpoint_and_half_its_width() -> None:
    file = fixture("numerical.gift")
    assert numbers(named(file, "range")) == [("1..5", 1.0, 3.0, 2.0)]
    assert numbers(named(file, "negative range")) == [("-10..-5", 1.0, -7.5, 2.5)]


def test_numerical_value_alone_has_no_tolerance() -> None:
    assert numbers(named(fixture("numerical.gift"), "exact")) == [("366", 1.0, 366.0, 0.0)]


def test_several_numerical_answers_keep_their_weights() -> None:
    question = named(fixture("numerical.gift"), "pi")
    assert numbers(question) == [("3.14", 1.0, 3.14, 0.01), ("3.1", 0.5, 3.1, 0.1)]


def test_numerical_feedback_for_any_other_answer_is_a_star_answer() -> None:
    question = named(fixture("numerical.gift"), "grant")
    assert numbers(question) == [
        ("1822", 1.0, 1822.0, 0.0),
        ("1822", 0.5, 1822.0, 2.0),
        ("*", 0.0, None, None),
    ]
    assert [a.feedback.text if a.feedback else None for a in question.answers] == [
        "Correct! Full credit.",
        "He was born in 1822. Half credit for being close.",
        "Nope: 1822.",
    ]


def test_negative_numbers_and_general_feedback_in_numerical_questions() -> None:
    question = named(fixture("numerical.gift"), "negative")
    assert numbers(question) == [("-273", 1.0, -273.0, 0.5)]
    assert question.general_feedback == Text("Absolute zero is -273.15 °C.", MOODLE)


# -- matching ---------------------------------------------------------------------------------


def test_matching_pairs() -> None:
    question = named(fixture("matching.gift"), "Q4")
    assert question.type is QType.MATCHING
    assert question.pairs == [
        MatchPair(Text("cat", MOODLE), "cat food"),
        MatchPair(Text("dog", MOODLE), "dog food"),
    ]
    assert question.answers == []


def test_matching_items_have_formats_and_an_empty_left_side_is_a_distractor() -> None:
    question = named(fixture("matching.gift"), "Moodle activities")
    assert question.text == Text("Match the <b>activity</b> to the description.", HTML)
    assert question.pairs == [
        MatchPair(Text("An activity supporting asynchronous discussions.", HTML), "Forum"),
        MatchPair(
            Text("A teacher asks a question and specifies a choice of multiple responses.", MOODLE),
            "Choice",
        ),
        MatchPair(
            Text("A bank of record entries which participants can add to.", PLAIN), "Database"
        ),
        MatchPair(
            Text("A collection of web pages that anyone can add to or edit.", MARKDOWN), "Wiki"
        ),
        MatchPair(Text("", HTML), "Chat"),
    ]
    assert question.general_feedback == Text("<p>Each activity has one description.</p>", HTML)


# -- essay and description --------------------------------------------------------------------


def test_an_empty_answer_block_is_an_essay() -> None:
    file = fixture("essay_description.gift")
    essay = named(file, "Q8")
    assert (essay.type, essay.text, essay.answers) == (QType.ESSAY, Text("How are you?"), [])
    assert named(file, "essay with feedback").general_feedback == Text(
        "A good answer names the job it does."
    )


def test_no_answer_block_is_a_description() -> None:
    file = fixture("essay_description.gift")
    intro = named(file, "intro")
    assert intro.type is QType.DESCRIPTION
    assert intro.text == Text("The following questions are about product metrics.")
    untitled = file.questions[-1]
    assert (untitled.type, untitled.name) == (QType.DESCRIPTION, None)
    assert untitled.text.text == "Questions without a title are fine too."


# -- missing word -----------------------------------------------------------------------------


def test_an_answer_block_inside_the_sentence_leaves_a_blank_there() -> None:
    file = fixture("missing_word.gift")
    texts = [(q.type, q.text.text) for q in file.questions]
    assert texts == [
        (QType.MULTICHOICE, "Grant is _____ in Grant's tomb."),
        (
            QType.MULTICHOICE,
            "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November.",
        ),
        (QType.SHORTANSWER, "Two plus _____ equals four."),
        (QType.TRUEFALSE, "The sun rises in the _____ east."),
        (QType.MULTICHOICE, "_____ is what the cohort chart shows."),
    ]
    assert answers(file.questions[0]) == [
        ("buried", 0.0, None),
        ("entombed", 1.0, None),
        ("living", 0.0, None),
    ]


def test_an_answer_block_after_the_sentence_leaves_no_blank() -> None:
    question = named(fixture("multichoice.gift"), "Q2")
    assert gift.BLANK not in question.text.text


# -- titles, comments, categories, escapes, formats -------------------------------------------


def test_titles_categories_and_lines() -> None:
    file = fixture("syntax.gift")
    assert [(q.name, q.category, q.source.line) for q in file.questions] == [
        ("Escapes: all of them", "Product/Metrics", 6),
        ("formats", "Product/Metrics", 13),
        ("multi-line", "Product/Discovery", 23),
        ("plain text", "Product/Discovery", 32),
    ]
    assert all(q.source.file == "syntax.gift" for q in file.questions)
    assert not file.warnings


def test_categories_leave_out_the_course_context_and_its_top_category() -> None:
    file = fixture("categories.gift")
    assert [(q.name, q.category, q.extra) for q in file.questions] == [
        ("in metrics", "Product/Metrics", {}),
        ("in shared", "Shared", {"moodle_category_prefix": "$system$/top"}),
        ("imported", "Imported/GIFT", {"moodle_category_prefix": ""}),
        ("at the top", None, {}),
    ]
    assert not file.warnings  # empty parents of the next category are no news


def test_a_category_without_questions_is_reported() -> None:
    file = read_text("$CATEGORY: $course$/top/A\n\n$CATEGORY: $course$/top/B\n\nQ {T}")
    [warning] = file.warnings
    assert warning.location.line == 1
    assert "'$course$/top/A' has no questions" in warning.message


def test_id_number_and_tags_come_from_comments() -> None:
    question = named(fixture("syntax.gift"), "Escapes: all of them")
    assert question.id_number == "pm-12"
    assert question.tags == ["metrics", "escap]es"]
    assert named(fixture("syntax.gift"), "formats").tags == []


def test_every_escape_is_resolved() -> None:
    question = named(fixture("syntax.gift"), "Escapes: all of them")
    assert question.text.text == "Which one is ~ = # { } : \\ and a new\nline?"
    assert answers(question) == [
        ("~tilde= equals", 1.0, "the # sign"),
        ("a{brace}", 0.0, ":colon:"),
        ("back\\slash", 0.0, None),
    ]


def test_text_formats_per_question_answer_and_feedback() -> None:
    question = named(fixture("syntax.gift"), "formats")
    assert question.text == Text("Which is **bold**?", MARKDOWN)
    assert [(a.text, a.feedback) for a in question.answers] == [
        (Text("<b>this</b>", HTML), Text("Right.", PLAIN)),
        (Text("that", MOODLE), Text("Wrong.", MARKDOWN)),  # feedback keeps the question's
        (Text("neither", PLAIN), None),
    ]
    assert question.general_feedback == Text("<p>Markdown uses double asterisks.</p>", HTML)
    plain = named(fixture("syntax.gift"), "plain text")
    assert plain.text == Text("Where is http://example.com documented?", PLAIN)
    assert [a.text.format for a in plain.answers] == [PLAIN, PLAIN]


def test_lines_are_trimmed_and_comment_lines_dropped_inside_a_question() -> None:
    question = named(fixture("syntax.gift"), "multi-line")
    assert question.text.text == "What is the first step\nof a discovery sprint?"
    assert answers(question) == [
        ("framing the problem", 1.0, None),
        ("building a prototype", 0.0, None),
    ]


def test_a_byte_order_mark_and_windows_line_ends() -> None:
    file = fixture("windows.gift")
    assert [(q.name, q.source.line) for q in file.questions] == [("crlf", 2), ("crlf2", 4)]
    assert answers(file.questions[0]) == [("True", 1.0, "Richtig."), ("False", 0.0, "Falsch.")]
    assert file.questions[1].text.text == "Wähle eines:"


def test_an_escaped_brace_is_text_and_a_double_backslash_one_backslash() -> None:
    [question] = read_text(r"A \{ B \\ C \\\{ D").questions
    assert (question.type, question.text.text) == (QType.DESCRIPTION, "A { B \\ C \\{ D")


# -- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.gift")))
def test_every_fixture_reads_back_as_written(name: str) -> None:
    first = fixture(name)
    data, warnings = gift.write(first.questions)
    again = gift.read(data, "written.gift")
    # Nothing is lost; returning to no category is said, as the Moodle XML writer says it.
    assert [w.message for w in warnings if "course's top category" not in w.message] == []
    assert again.questions == first.questions
    assert [q.category for q in again.questions] == [q.category for q in first.questions]


# -- writing ----------------------------------------------------------------------------------


def question(kind: QType = QType.MULTICHOICE, **fields: object) -> QuizQuestion:
    defaults: dict[str, object] = {"text": Text("Pick one")}
    if kind is QType.MULTICHOICE:
        defaults["answers"] = [Answer(Text("yes"), 1.0), Answer(Text("no"), 0.0)]
    defaults.update(fields)
    return QuizQuestion(kind, **defaults)  # type: ignore[arg-type]


def written(*questions: QuizQuestion) -> str:
    data, warnings = gift.write(list(questions))
    assert warnings == []
    return data.decode("utf-8")


def test_writer_follows_moodles_layout() -> None:
    text = written(
        question(
            name="Q1",
            text=Text("What's between orange and green?"),
            answers=[
                Answer(Text("yellow"), 1.0, Text("right")),
                Answer(Text("red"), 0.0, Text("wrong", HTML)),
            ],
            general_feedback=Text("Yellow."),
            tags=["colour"],
            id_number="q-1",
            category="Product/Metrics",
        ),
        question(
            QType.TRUEFALSE,
            name="Q2",
            answers=[
                Answer(Text("True"), 0.0, Text("no")),
                Answer(Text("False"), 1.0, Text("yes")),
            ],
            category="Product/Metrics",
        ),
    )
    assert text == (
        "$CATEGORY: $course$/top/Product/Metrics\n\n"
        "// [id:q-1] [tag:colour]\n"
        "::Q1::What's between orange and green?{\n"
        "\t=yellow#right\n"
        "\t~red#[html]wrong\n"
        "\t####Yellow.\n"
        "}\n\n"
        "::Q2::Pick one{FALSE#no#yes}\n\n"
    )


def test_writer_escapes_what_gift_reserves() -> None:
    text = Text("a~b=c#d{e}f:g\\h\ni")
    data, _ = gift.write([question(QType.ESSAY, text=text)])
    assert data.decode() == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni{}\n\n"
    assert read_text(data.decode()).questions[0].text == text


def test_writer_puts_the_answer_block_where_the_blank_is() -> None:
    source = question(
        QType.SHORTANSWER, text=Text("Two plus _____ is four."), answers=[Answer(Text("two"), 1.0)]
    )
    assert written(source) == "Two plus {\n\t=two\n} is four.\n\n"
    assert read_text(written(source)).questions == [source]


@pytest.mark.parametrize(
    "text",
    [
        Text("[html]looks like a format tag"),
        Text("// looks like a comment"),
        Text("%50% looks like a weight"),
        Text("$CATEGORY: looks like a category"),
        Text("::looks:: like a title"),
    ],
)
def test_writer_guards_texts_that_would_be_misread(text: Text) -> None:
    source = question(text=text, answers=[Answer(text, 0.0), Answer(Text("other"), 1.0)])
    assert read_text(written(source)).questions == [source]


def test_writer_keeps_a_choice_question_whose_every_answer_is_right() -> None:
    source = question(answers=[Answer(Text("a->b"), 1.0), Answer(Text("c"), 1.0)])
    assert written(source) == "Pick one{\n\t=a->b\n\t~%100%c\n}\n\n"
    assert read_text(written(source)).questions == [source]


def test_writer_weights_read_back_exactly() -> None:
    source = question(
        single=False,
        answers=[
            Answer(Text("a"), 0.3333333),
            Answer(Text("b"), 0.6666667),
            Answer(Text("c"), -1.0),
        ],
    )
    assert "~%33.33333%a" in written(source)
    assert read_text(written(source)).questions == [source]


def test_writer_guards_a_text_that_starts_with_a_byte_order_mark() -> None:
    source = question(QType.DESCRIPTION, text=Text("\ufeffhidden"))
    assert read_text(written(source)).questions == [source]


def test_writer_writes_a_category_line_when_the_category_changes() -> None:
    text = written(question(category="A"), question(category="A"), question(category="B"))
    assert text.count("$CATEGORY:") == 2


def test_writer_numerical_answers_ranges_and_any_other_answer() -> None:
    source = question(
        QType.NUMERICAL,
        answers=[
            Answer(Text("1..5"), 1.0, None, 3.0, 2.0),
            Answer(Text("10"), 0.5, Text("close"), 10.0, 0.25),
            Answer(Text("*"), 0.0, Text("no")),
        ],
    )
    assert written(source) == "Pick one{#\n\t=1..5\n\t=%50%10:0.25#close\n\t~#no\n}\n\n"
    assert read_text(written(source)).questions == [source]


def test_writer_a_short_answer_with_an_arrow_goes_without_equals_sign() -> None:
    source = question(QType.SHORTANSWER, answers=[Answer(Text("a->b"), 1.0)])
    assert written(source) == "Pick one{a->b}\n\n"
    assert read_text(written(source)).questions == [source]


def warned(*questions: QuizQuestion) -> tuple[str, list[str]]:
    data, warnings = gift.write(list(questions))
    assert all(w.question for w in warnings)
    return data.decode(), [w.message for w in warnings]


@pytest.mark.parametrize(
    ("source", "fragment", "left_out"),
    [
        (question(QType.ORDERING, order=[Text("a"), Text("b")]), "no ordering", True),
        (question(QType.CLOZE, blanks=[question()]), "no cloze", True),
        (question(hints=[Text("think")]), "no hints", False),
        (question(attachments=[Attachment("a.png", b"x")]), "no attached files", False),
        (question(default_grade=2.0), "no default grade", False),
        (question(penalty=0.5), "no penalty", False),
        (question(shuffle=False), "shuffling", False),
        (question(extra={"unit": "kg"}), "unit", False),
        (question(QType.DESCRIPTION, general_feedback=Text("x")), "general feedback", False),
        (question(answers=[Answer(Text("only"), 1.0)]), "at least two answers", True),
        (question(answers=[Answer(Text("a"), 0.5), Answer(Text("b"), 0.0)]), "100 %", False),
        (
            question(
                QType.MATCHING, pairs=[MatchPair(Text("a->b"), "c"), MatchPair(Text("d"), "e")]
            ),
            "'->'",
            True,
        ),
        (
            question(
                QType.MATCHING,
                pairs=[MatchPair(Text("a"), "b", Text("fb")), MatchPair(Text("c"), "d")],
            ),
            "feedback for matching pairs",
            False,
        ),
        (
            question(
                QType.SHORTANSWER, answers=[Answer(Text("a->b"), 1.0), Answer(Text("c"), 1.0)]
            ),
            "matching question",
            True,
        ),
        (question(QType.TRUEFALSE, answers=[Answer(Text("True"), 1.0)]), "True and a False", True),
        (
            question(QType.NUMERICAL, answers=[Answer(Text("lots"), 1.0)]),
            "has no value",
            True,
        ),
        (question(category="A\nB/"), "read as 'A B'", False),
        (question(tags=["a<b"]), "tag", False),
        (question(id_number="bad\nid"), "id number", False),
    ],
)
def test_writer_warns_for_what_gift_cannot_say(
    source: QuizQuestion, fragment: str, left_out: bool
) -> None:
    source.name = "the question"
    text, messages = warned(source)
    assert any(fragment in message for message in messages), messages
    assert ("the question" not in text) is left_out


def test_writer_leaves_out_an_empty_description_without_a_title() -> None:
    text, messages = warned(question(QType.DESCRIPTION, text=Text("")), question(name="next"))
    assert text == "::next::Pick one{\n\t=yes\n\t~no\n}\n\n"
    assert any("empty description" in m for m in messages)


def test_writer_warnings_name_the_question_and_its_location() -> None:
    source = question(name="Q7", hints=[Text("h")], source=Location(file="bank.xml", line=40))
    _, warnings = gift.write([source])
    assert [(w.question, w.location) for w in warnings] == [
        ("Q7", Location(file="bank.xml", line=40))
    ]


def test_writer_returns_to_no_category_through_the_course_top_category() -> None:
    text, messages = warned(question(category="A"), question())
    assert "$CATEGORY: $course$/top\n" in text
    assert [q.category for q in read_text(text).questions] == ["A", None]
    assert any("course's top category" in m for m in messages)


def test_writer_names_true_false_answers_in_other_languages() -> None:
    source = question(
        QType.TRUEFALSE, answers=[Answer(Text("Wahr"), 0.0), Answer(Text("Falsch"), 1.0)]
    )
    text, messages = warned(source)
    assert "{FALSE}" in text
    assert any("TRUE and FALSE" in m for m in messages)


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Who?\n{=a =b", 2, "not closed"),
        ("Who?\n=a}", 2, "without an opening"),
        ("Who } is {=a}", 1, "before '{'"),
        ("Who?\n{=a\n{=b}", 3, "inside an answer block"),
        ("Who {=a} and {=b}", 1, "one answer block"),
        ("::Q1 Who? {T}", 1, "title is not closed"),
        ("// c\n\nPick\n{\n~only\n}", 4, "at least two answers"),
        ("Match\n{\n=a -> b\n=c\n}", 4, "no '->'"),
        ("Match {=a -> b}", 1, "at least two pairs"),
        ("Match {=a -> b =c ->}", 1, "text after '->'"),
        ("How many?\n{#\n=1\n=lots\n}", 4, "not a number"),
        ("How many? {#5..1}", 1, "ends below its start"),
        ("How many? {#5:-1}", 1, "negative"),
        ("How many? {#}", 1, "at least one answer"),
        ("How many? {#1e999}", 1, "not a number"),
        ("Name? {=}", 1, "needs an answer"),
        ("$CATEGORY:\n\nQ{T}", 1, "category path"),
    ],
)
def test_bad_input_is_refused_with_its_line(text: str, line: int, fragment: str) -> None:
    [(where, message)] = problems(text)
    assert where == line
    assert fragment in message


def test_every_bad_block_is_reported_and_good_ones_around_them_do_not_hide_it() -> None:
    found = problems("Q1 {T}\n\nQ2 {=a\n\nQ3 {F}\n\nQ4 =b}")
    assert [line for line, _ in found] == [3, 7]


def test_invalid_utf8_is_refused_with_its_line() -> None:
    with pytest.raises(FormatError) as caught:
        gift.read(b"Q1 {T}\n\n\x81\x00 {T}", "bad.gift")
    assert caught.value.location == Location(file="bad.gift", line=3)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Pick {~a ~b}", 1, "add up to 0 %"),
        ("Pick {\n~%200%a\n=b\n}", 2, "outside -100 %"),
        ("Pick {\n=%50%a\n~b\n}", 2, "full credit"),
        ("Pick {\n~a\n~\n=b\n}", 3, "empty answer"),
        ("Pick {junk ~a =b}", 1, "before the first"),
        ("Match {\n=a -> b # c\n=d -> e\n}", 2, "'#' in a matching pair"),
        ("How many? {#\n=1\n~ junk #no\n}", 3, "ignored"),
        ("$CATEGORY: empty\n\n$CATEGORY: used\n\nQ {T}", 1, "has no questions"),
        ("$CATEGORY: tight\nQ {T}", 2, "no blank line"),
    ],
)
def test_what_moodle_reads_its_own_way_is_warned_with_its_line(
    text: str, line: int, fragment: str
) -> None:
    file = read_text(text)
    assert [w.location.line for w in file.warnings if fragment in w.message] == [line]


# -- properties -------------------------------------------------------------------------------


def read_or_refuse(data: bytes) -> None:
    """``read`` returns a QuizFile or raises a FormatError located in the file, nothing else."""
    outcome: QuizFile | FormatError
    try:
        outcome = gift.read(data, "any.gift")
    except FormatError as error:
        outcome = error
    if isinstance(outcome, FormatError):
        assert all(problem.location.file == "any.gift" for problem in outcome.problems)
    else:
        assert isinstance(outcome, QuizFile)


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_questions_or_a_format_error(data: bytes) -> None:
    read_or_refuse(data)


@given(st.text(max_size=500))
def test_arbitrary_text_gives_questions_or_a_format_error(text: str) -> None:
    read_or_refuse(text.encode("utf-8"))


GIFTISH = st.text(alphabet=st.sampled_from(list("ab ~=#{}:\\%->[].1T/$_\n")), max_size=120)


@settings(max_examples=300)
@given(GIFTISH)
def test_gift_like_text_gives_questions_or_a_format_error(text: str) -> None:
    read_or_refuse(text.encode("utf-8"))


@settings(max_examples=300)
@given(GIFTISH)
def test_what_is_read_is_written_back_unchanged_unless_a_warning_says_otherwise(
    text: str,
) -> None:
    try:
        first = read_text(text)
    except FormatError:
        return
    data, warnings = gift.write(first.questions)
    again = gift.read(data, "written.gift")
    if not warnings:
        assert again.questions == first.questions


# Questions as another format may hand them over: texts trimmed (as any GIFT text is read),
# but holding GIFT's special characters, blanks, tags and newlines anywhere.
PIECES = [*"ab ~=#{}:\\%->[]./$_\n", "TRUE", "[html]", "::", "####", "//", "_____", "%50%", "é"]
TEXTS = st.builds(
    Text,
    st.lists(st.sampled_from(PIECES), max_size=8).map(lambda p: "".join(p).strip(" \t\n")),
    st.sampled_from(list(TextFormat)),
)
SOME_TEXT = TEXTS.filter(lambda text: bool(text.text))
FEEDBACK = st.one_of(st.none(), SOME_TEXT)
FRACTIONS = st.sampled_from([1.0, 0.0, 0.5, -0.5, 0.3333333, -1.0])
CHOICES = st.lists(st.builds(Answer, SOME_TEXT, FRACTIONS, FEEDBACK), min_size=1, max_size=4)
NUMBERS = st.lists(
    st.builds(
        lambda value, tolerance, fraction: Answer(
            Text(repr(value)), fraction, None, value, tolerance
        ),
        st.floats(-1e9, 1e9, allow_nan=False),
        st.floats(0, 1e6, allow_nan=False),
        FRACTIONS,
    ),
    min_size=1,
    max_size=3,
)
PAIRS = st.lists(
    st.builds(MatchPair, TEXTS, st.sampled_from(["x", "a b", "c->d", "#1", "{e}"])),
    min_size=2,
    max_size=4,
)
QUESTIONS = st.one_of(
    st.builds(
        QuizQuestion, st.just(QType.MULTICHOICE), TEXTS, answers=CHOICES, single=st.booleans()
    ),
    st.builds(QuizQuestion, st.just(QType.SHORTANSWER), TEXTS, answers=CHOICES),
    st.builds(QuizQuestion, st.just(QType.NUMERICAL), TEXTS, answers=NUMBERS),
    st.builds(QuizQuestion, st.just(QType.MATCHING), TEXTS, pairs=PAIRS),
    st.builds(QuizQuestion, st.just(QType.ESSAY), TEXTS, general_feedback=FEEDBACK),
    st.builds(QuizQuestion, st.just(QType.DESCRIPTION), TEXTS),
)


@settings(max_examples=200)
@given(st.lists(QUESTIONS, min_size=1, max_size=3))
def test_what_is_written_without_a_warning_reads_back_unchanged(
    questions: list[QuizQuestion],
) -> None:
    data, warnings = gift.write(questions)
    again = gift.read(data, "written.gift")
    if not warnings:
        assert again.questions == questions
