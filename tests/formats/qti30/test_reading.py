"""QTI 3.0 items read from fixtures written by hand from the 1EdTech QTI 3.0 specification: one
per interaction, with what each field becomes, and the 3.0 spelling in every message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pmpath.errors import FormatError
from pmpath.formats import qti30
from pmpath.formats.quiz import MatchPair, QType, QuizFile, QuizQuestion, Text, TextFormat

FIXTURES = Path(__file__).parent / "fixtures"
HTML = TextFormat.HTML


def read(name: str) -> QuizFile:
    return qti30.read((FIXTURES / name).read_bytes(), name)


def only(name: str) -> QuizQuestion:
    result = read(name)
    assert result.warnings == []
    [question] = result.questions
    return question


def test_choice_interaction_is_a_single_answer_multichoice() -> None:
    question = only("choice.xml")
    assert question.type is QType.MULTICHOICE
    assert question.single is True
    assert (question.name, question.id_number) == ("North star metric", "north-star")
    assert [answer.text.text for answer in question.answers] == [
        "Monthly revenue",
        "Hours of content watched per week",
        "Number of app downloads",
        "None of these",
    ]
    assert [answer.fraction for answer in question.answers] == [0.0, 1.0, 0.0, 0.0]
    assert question.shuffle is True
    assert question.extra == {"qti21": {"fixed": [3]}}  # fixed="true" on the last choice


def test_prompt_follows_the_text_where_the_interaction_was() -> None:
    assert only("choice.xml").text == Text(
        "<p>A streaming service wants <em>one</em> metric for the value customers get.</p>\n"
        "    <p>Which is its north star metric?</p>",
        HTML,
    )


def test_modal_feedback_content_body_is_the_general_feedback() -> None:
    assert only("choice.xml").general_feedback == Text(
        "<p>See <em>Lean Analytics</em>, chapter 2.</p>", HTML
    )


def test_multiple_response_mapping_gives_fractions_of_the_upper_bound() -> None:
    question = only("multiple_response.xml")
    assert question.single is False
    assert [answer.fraction for answer in question.answers] == [0.5, 0.5, -0.5, 0.0]
    assert question.default_grade == 2.0


def test_text_entry_with_a_mapping_is_a_short_answer_with_a_blank() -> None:
    question = only("text_entry.xml")
    assert question.type is QType.SHORTANSWER
    assert [(a.text.text, a.fraction) for a in question.answers] == [
        ("MVP", 1.0),
        ("minimum viable product", 1.0),
    ]
    assert question.text.text.endswith("is an\n      _____.</p>")
    assert question.extra == {"qti21": {"expectedLength": 20, "caseSensitive": True}}


def test_text_entry_with_a_float_base_type_is_numerical() -> None:
    question = only("numeric.xml")
    assert question.type is QType.NUMERICAL
    assert [(a.value, a.fraction) for a in question.answers] == [(2.5, 1.0)]


def test_order_interaction_gives_the_items_in_their_correct_order() -> None:
    question = only("order.xml")
    assert question.type is QType.ORDERING
    assert [text.text for text in question.order] == [
        "Introduction",
        "Growth",
        "Maturity",
        "Decline",
    ]
    assert question.extra == {"qti21": {"display": [2, 0, 3, 1]}}


def test_match_interaction_pairs_the_two_match_sets() -> None:
    question = only("match.xml")
    assert question.type is QType.MATCHING
    assert question.pairs == [
        MatchPair(Text("RICE", HTML), "Prioritising a backlog"),
        MatchPair(Text("Jobs to be done", HTML), "Discovering needs"),
        MatchPair(Text("", HTML), "Setting a price"),
    ]
    assert question.default_grade == 2.0


def test_extended_text_is_an_essay_graded_by_its_normal_maximum() -> None:
    question = only("extended_text.xml")
    assert question.type is QType.ESSAY
    assert question.default_grade == 5.0
    assert question.extra == {"qti21": {"essay": {"expectedLines": "10", "format": "xhtml"}}}


def test_gap_match_is_a_gaps_question_with_one_shared_list() -> None:
    result = read("gap_match.xml")
    [question] = result.questions
    assert question.type is QType.GAPS
    assert question.text.text == (
        "<p>Complete the definition.</p>"
        "<p>An OKR pairs a qualitative [[1]] with measurable [[2]].</p>"
    )
    assert [(c.text.text, c.group, c.reusable) for c in question.choices] == [
        ("objective", 1, False),
        ("key results", 1, False),
        ("tasks", 1, False),
    ]
    assert question.shuffle is False
    # match_correct gives all or nothing: read as a share per gap, kept for writing back.
    [warning] = result.warnings
    assert "all-or-nothing scoring (match_correct) of a gap match" in warning.message
    assert question.extra["qti21"] == {"gaps": "gapMatchInteraction", "template": "match_correct"}


def test_inline_choice_is_a_gap_named_by_its_right_choice() -> None:
    question = only("inline_choice.xml")
    assert question.type is QType.GAPS
    assert question.text.text.endswith("pleases everyone is a\n      [[2]].</p>")
    assert [c.text.text for c in question.choices] == ["basic need", "delighter"]
    assert question.extra == {"qti21": {"gaps": "inlineChoiceInteraction"}}


def test_a_3_0_test_alone_is_refused_naming_its_root_in_3_0_spelling() -> None:
    test = (
        b'<qti-assessment-test xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"'
        b' identifier="t" title="T"/>'
    )
    with pytest.raises(FormatError) as caught:
        qti30.read(test, "test.xml")
    assert "the root element is <qti-assessment-test>" in str(caught.value)
    assert "give the content package" in str(caught.value)


def test_lines_are_those_of_the_3_0_file_even_after_a_multi_line_content_body() -> None:
    data = (
        (FIXTURES / "choice.xml")
        .read_bytes()
        .replace(b"<qti-content-body>", b'<qti-content-body\n  class="x">')
    )
    data = data.replace(b"</qti-assessment-item>", b"<p>stray</q>\n</qti-assessment-item>")
    with pytest.raises(FormatError) as caught:
        qti30.read(data, "c.xml")
    [problem] = caught.value.problems
    stray = data[: data.index(b"<p>stray")].count(b"\n") + 1
    assert problem.location.line == stray  # not one earlier: the dropped tag kept its newline


def test_errors_name_the_3_0_elements() -> None:
    data = (FIXTURES / "choice.xml").read_bytes()
    with pytest.raises(FormatError) as caught:
        qti30.read(data.replace(b'response-identifier="RESPONSE"', b'response-identifier="X"'), "c")
    assert str(caught.value) == (
        "c:2: <qti-choice-interaction> refers to the response 'X', which has no "
        "qti-response-declaration"
    )


def test_qti_3_0_only_item_children_are_reported_as_not_imported() -> None:
    data = (
        (FIXTURES / "choice.xml")
        .read_bytes()
        .replace(
            b"<qti-item-body>",
            b'<qti-assessment-stimulus-ref identifier="s" href="s.xml"/><qti-item-body>',
        )
    )
    result = qti30.read(data, "c.xml")
    assert [w.message for w in result.warnings] == ["<qti-assessment-stimulus-ref> is not imported"]
    assert result.questions[0].name == "North star metric"


def test_a_utf16_document_is_read_with_its_lines() -> None:
    text = (FIXTURES / "order.xml").read_text().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    result = qti30.read(text.encode("utf-16"), "o.xml")
    assert result.questions[0].order[0].text == "Introduction"
    assert result.questions[0].source.line == 2


def test_a_prefixed_qti_3_0_document_is_read() -> None:
    text = (FIXTURES / "numeric.xml").read_text()
    text = text.replace('xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"', "")
    text = text.replace(
        "<qti-assessment-item",
        '<qti:qti-assessment-item xmlns="http://www.w3.org/1999/xhtml"'
        ' xmlns:qti="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"',
    )
    text = re.sub(r"<(/?)qti-(?!assessment-item )", r"<\1qti:qti-", text)
    text = text.replace("</qti-assessment-item>", "</qti:qti-assessment-item>")
    [question] = qti30.read(text.encode(), "p.xml").questions
    assert question.type is QType.NUMERICAL
    assert [a.value for a in question.answers] == [2.5]
