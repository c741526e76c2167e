"""IMS QTI 2.1 items and content packages: every construct read field by field, the writer,
round trips over every fixture, bad input, and arbitrary bytes."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmpath.errors import FormatError
from pmpath.formats import qti21
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

FIXTURES = Path(__file__).parent / "fixtures" / "qti21"
ITEMS = sorted(path.name for path in FIXTURES.glob("*.xml"))
HTML = TextFormat.HTML
PLAIN = TextFormat.PLAIN
MATCH_CORRECT = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"
MAP_RESPONSE = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"


def fixture(name: str) -> bytes:
    return package() if name == "package" else (FIXTURES / name).read_bytes()


def package(extra: dict[str, bytes] | None = None, skip: str = "") -> bytes:
    """The content package of fixtures/qti21/package/ as a zip (members sorted, fixed dates)."""
    folder = FIXTURES / "package"
    files = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    files.update(extra or {})
    return make_zip({name: data for name, data in files.items() if name != skip})


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def read(name: str) -> QuizFile:
    return qti21.read(fixture(name), name)


def only(name: str) -> QuizQuestion:
    result = read(name)
    assert len(result.questions) == 1
    return result.questions[0]


def line_of(data: bytes, fragment: str) -> int:
    return data[: data.index(fragment.encode())].count(b"\n") + 1


def messages(result: QuizFile) -> list[str]:
    return [warning.message for warning in result.warnings]


def item(body: str, declarations: str = "", after: str = "", namespace: bool = True) -> bytes:
    """A small assessmentItem document around ``body`` (the itemBody's content)."""
    xmlns = ' xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"' if namespace else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<assessmentItem{xmlns} identifier="t1" '
        f'title="Test item" adaptive="false" timeDependent="false">\n{declarations}\n'
        f"<itemBody>\n{body}\n</itemBody>\n{after}\n</assessmentItem>\n"
    ).encode()


CHOICE_DECLARATION = (
    '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
    "<correctResponse><value>A</value></correctResponse></responseDeclaration>"
)
CHOICES = (
    '<choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">'
    '<simpleChoice identifier="A">Yes</simpleChoice>'
    '<simpleChoice identifier="B">No</simpleChoice></choiceInteraction>'
)


# -- choiceInteraction ----------------------------------------------------------------------


def test_single_choice_is_a_multichoice_with_one_right_answer() -> None:
    question = only("choice_single.xml")
    assert question.type is QType.MULTICHOICE
    assert question.single is True
    assert question.name == "North star metric"
    assert question.id_number == "north-star"
    assert question.shuffle is True
    assert [answer.text for answer in question.answers] == [
        Text("Monthly revenue", HTML),
        Text("Hours of content watched per week", HTML),
        Text("Number of app downloads", HTML),
        Text("None of these", HTML),
    ]
    assert [answer.fraction for answer in question.answers] == [0.0, 1.0, 0.0, 0.0]
    assert question.default_grade == 1.0
    assert question.extra == {"qti21": {"fixed": [3]}}


def test_item_body_html_is_the_text_with_the_prompt_where_the_interaction_was() -> None:
    question = only("choice_single.xml")
    assert question.text == Text(
        "<p>A streaming service wants <em>one</em> metric that reflects the value customers "
        "get.</p>\n"
        '    <p><img src="images/dashboard.png" alt="Weekly dashboard"/></p>\n'
        "    <p>Which is the best north star metric?</p>",
        HTML,
    )


def test_question_line_is_the_line_of_the_assessment_item_opening() -> None:
    data = fixture("choice_feedback.xml")
    question = only("choice_feedback.xml")
    assert question.source.file == "choice_feedback.xml"
    assert question.source.line == line_of(data, "<assessmentItem")


def test_feedback_inline_in_a_choice_is_that_answers_feedback() -> None:
    answers = only("choice_feedback.xml").answers
    assert answers[0].feedback == Text("Right: an MVP tests a <strong>hypothesis</strong>.", HTML)
    assert answers[1].feedback == Text("Cost is a means, not the goal.", HTML)
    assert answers[0].text == Text("Validated learning with the least effort", HTML)


def test_modal_feedback_named_after_a_choice_is_that_answers_feedback() -> None:
    answers = only("choice_feedback.xml").answers
    assert answers[2].feedback == Text("A date says nothing about what you learn.", HTML)


def test_modal_feedback_that_is_always_shown_is_general_feedback() -> None:
    result = read("choice_feedback.xml")
    question = result.questions[0]
    assert question.general_feedback == Text(
        "<p>See <em>The Lean Startup</em>, chapter 6.</p>", HTML
    )
    assert question.extra == {}
    assert result.warnings == []


def test_true_false_choices_become_a_true_false_question() -> None:
    result = read("truefalse.xml")
    question = result.questions[0]
    assert question.type is QType.TRUEFALSE
    assert [(answer.text.text, answer.fraction) for answer in question.answers] == [
        ("True", 0.0),
        ("False", 1.0),
    ]
    assert question.default_grade == 10.0
    assert question.shuffle is False


def test_correct_and_incorrect_feedback_go_to_the_right_and_the_wrong_answers() -> None:
    result = read("truefalse.xml")
    true, false = result.questions[0].answers
    assert false.feedback == Text("Yes: tying OKRs to pay makes teams set safe goals.", HTML)
    assert true.feedback == Text("No: OKRs tied to pay become sandbagged.", HTML)
    assert any("correct and an incorrect response" in text for text in messages(result))
    assert all(w.question == "OKRs and compensation" for w in result.warnings)


def test_multiple_response_map_response_gives_fractions_of_the_highest_total() -> None:
    result = read("choice_multiple.xml")
    question = result.questions[0]
    assert question.single is False
    assert [answer.fraction for answer in question.answers] == [0.5, 0.5, -0.5, 0.0]
    assert question.default_grade == 2.0  # the upperBound, the most the mapping can give
    assert question.text == Text(
        "<p>Which of these test whether customers <strong>want</strong> a feature?</p>", HTML
    )
    assert result.warnings == []


def test_multiple_response_match_correct_shares_the_grade_and_warns() -> None:
    result = read("choice_all_or_nothing.xml")
    question = result.questions[0]
    assert [answer.fraction for answer in question.answers] == [
        0.3333333,
        0.3333333,
        0.0,
        0.3333333,
    ]
    assert question.extra == {
        "qti21": {"maxChoices": 3, "minChoices": 1, "template": "match_correct"}
    }
    assert len(result.warnings) == 1
    assert "all-or-nothing" in result.warnings[0].message
    assert result.warnings[0].question == "Pirate metrics"
    assert result.warnings[0].location.line == line_of(
        fixture("choice_all_or_nothing.xml"), "<assessmentItem"
    )


# -- textEntryInteraction -------------------------------------------------------------------


def test_text_entry_with_a_string_mapping_is_a_short_answer() -> None:
    result = read("text_entry.xml")
    question = result.questions[0]
    assert question.type is QType.SHORTANSWER
    assert question.answers == [
        Answer(Text("monthly", PLAIN), 1.0),
        Answer(Text("MAU", PLAIN), 0.5),
    ]
    assert question.extra == {"qti21": {"expectedLength": 10}}  # caseSensitive="false"
    assert result.warnings == []


def test_text_entry_inside_the_text_leaves_a_blank_there() -> None:
    question = only("text_entry.xml")
    assert question.text.format is HTML
    assert "are the\n        _____ active users.</p>" in question.text.text
    assert question.text.text.startswith("<p>Complete the name of the metric.</p>")


def test_numerical_from_a_correct_response() -> None:
    question = only("numeric_correct.xml")
    assert question.type is QType.NUMERICAL
    assert question.answers == [Answer(Text("2.5", PLAIN), 1.0, value=2.5, tolerance=0.0)]
    # The paragraph that held only the entry box leaves no trace.
    assert question.text == Text(
        "<p>40 of 1600 visitors sign up. What is the conversion rate in percent?</p>", HTML
    )


def test_numerical_from_a_mapping_with_partial_credit() -> None:
    question = only("numeric_mapping.xml")
    assert question.answers == [
        Answer(Text("4", PLAIN), 1.0, value=4.0, tolerance=0.0),
        Answer(Text("4.5", PLAIN), 0.5, value=4.5, tolerance=0.0),
    ]
    assert question.default_grade == 2.0  # normalMaximum


def test_numerical_tolerance_and_feedback_from_response_rules() -> None:
    result = read("numeric_tolerance.xml")
    question = result.questions[0]
    assert question.answers == [
        Answer(Text("30", PLAIN), 1.0, value=30.0, tolerance=0.5),
        Answer(
            Text("50", PLAIN),
            0.0,
            Text("That is the share of promoters; subtract the detractors.", HTML),
            value=50.0,
            tolerance=0.0,
        ),
        Answer(Text("*", PLAIN), 0.0, Text("NPS = % promoters \u2212 % detractors.", HTML)),
    ]
    assert result.warnings == []


def test_case_sensitive_mapping_is_kept_in_extra() -> None:
    declaration = (
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">'
        '<mapping defaultValue="0.25"><mapEntry mapKey="MAU" mappedValue="1" '
        'caseSensitive="true"/></mapping></responseDeclaration>'
    )
    body = '<p>Abbreviation? <textEntryInteraction responseIdentifier="RESPONSE"/></p>'
    after = f'<responseProcessing template="{MAP_RESPONSE}"/>'
    question = qti21.read(item(body, declaration, after), "t.xml").questions[0]
    assert question.extra == {"qti21": {"caseSensitive": True}}
    # The mapping's defaultValue scores any other answer: Moodle's "*".
    assert question.answers == [Answer(Text("MAU", PLAIN), 1.0), Answer(Text("*", PLAIN), 0.25)]


# -- orderInteraction, matchInteraction, associateInteraction --------------------------------


def test_order_interaction_gives_the_items_in_their_correct_order() -> None:
    result = read("order.xml")
    question = result.questions[0]
    assert question.type is QType.ORDERING
    assert question.order == [
        Text("Introduction", HTML),
        Text("Growth", HTML),
        Text("Maturity", HTML),
        Text("Decline", HTML),
    ]
    assert question.shuffle is True
    assert question.text == Text("<p>Put the stages of the product life cycle in order.</p>", HTML)
    assert question.extra == {"qti21": {"display": [2, 0, 3, 1]}}
    assert result.warnings == []


def test_match_interaction_pairs_sources_with_targets() -> None:
    result = read("match.xml")
    question = result.questions[0]
    assert question.type is QType.MATCHING
    assert question.pairs == [
        MatchPair(
            Text('<abbr title="Reach, Impact, Confidence, Effort">RICE</abbr>', HTML),
            "Prioritising a backlog",
        ),
        MatchPair(Text("Jobs to be done", HTML), "Discovering needs"),
        MatchPair(Text("HEART", HTML), "Measuring user experience"),
        MatchPair(Text("", HTML), "Setting a price"),  # a target that matches nothing
    ]
    assert question.default_grade == 3.0  # one point per pair
    assert question.shuffle is True
    assert result.warnings == []


def test_associate_interaction_is_a_matching_kept_as_such() -> None:
    result = read("associate.xml")
    question = result.questions[0]
    assert question.type is QType.MATCHING
    assert question.pairs == [
        MatchPair(Text("Product owner", HTML), "The product backlog"),
        MatchPair(Text("Scrum master", HTML), "The retrospective"),
        MatchPair(Text("", HTML), "The annual budget"),
    ]
    assert question.extra == {
        "qti21": {"interaction": "associateInteraction", "template": "match_correct"}
    }
    assert ["all-or-nothing" in text for text in messages(result)] == [True]


# -- extendedTextInteraction, unsupported interactions, no interaction ------------------------


def test_extended_text_is_an_essay() -> None:
    question = only("essay.xml")
    assert question.type is QType.ESSAY
    assert question.default_grade == 5.0
    assert question.text == Text(
        "<p>Your churn doubled after a price rise.</p>\n"
        "    <p>Write a one-page memo on what you would do in the next 30 days.</p>",
        HTML,
    )
    assert question.extra == {"qti21": {"essay": {"expectedLines": "10", "format": "xhtml"}}}


def test_unsupported_interaction_warns_naming_the_item_and_is_kept_in_extra() -> None:
    result = read("hotspot.xml")
    question = result.questions[0]
    assert question.type is QType.DESCRIPTION
    assert question.text == Text("<p>The chart shows a sign-up funnel.</p>", HTML)
    [warning] = result.warnings
    assert "<hotspotInteraction> is not supported" in warning.message
    assert warning.question == "Funnel leak"
    assert warning.location.line == line_of(fixture("hotspot.xml"), "<assessmentItem")
    kept = question.extra["qti21"]
    assert kept["kept"][0].startswith('<hotspotInteraction responseIdentifier="RESPONSE"')
    assert kept["declarations"][0].startswith('<responseDeclaration identifier="RESPONSE"')


def test_an_item_without_interactions_is_a_description() -> None:
    question = qti21.read(item("<p>Read this first.</p>"), "t.xml").questions[0]
    assert question.type is QType.DESCRIPTION
    assert question.text == Text("<p>Read this first.</p>", HTML)
    assert question.default_grade == 0.0


# -- response processing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    [
        MATCH_CORRECT,
        MATCH_CORRECT + ".xml",
        "http://www.imsglobal.org/question/qti_v2p2/rptemplates/match_correct",
        "https://purl.imsglobal.org/spec/qti/v2p1/rptemplates/match_correct.xml",
    ],
)
def test_match_correct_is_known_by_its_template_uri(uri: str) -> None:
    result = qti21.read(
        item(CHOICES, CHOICE_DECLARATION, f'<responseProcessing template="{uri}"/>'), "t.xml"
    )
    assert [answer.fraction for answer in result.questions[0].answers] == [1.0, 0.0]
    assert result.warnings == []


def test_map_response_written_out_as_rules_is_recognised() -> None:
    declaration = (
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
        '<mapping defaultValue="0"><mapEntry mapKey="A" mappedValue="2"/>'
        '<mapEntry mapKey="B" mappedValue="0.5"/></mapping></responseDeclaration>'
    )
    rules = (
        "<responseProcessing><responseCondition><responseIf><isNull>"
        '<variable identifier="RESPONSE"/></isNull><setOutcomeValue identifier="SCORE">'
        '<baseValue baseType="float">0</baseValue></setOutcomeValue></responseIf><responseElse>'
        '<setOutcomeValue identifier="SCORE"><mapResponse identifier="RESPONSE"/>'
        "</setOutcomeValue></responseElse></responseCondition></responseProcessing>"
    )
    result = qti21.read(item(CHOICES, declaration, rules), "t.xml")
    question = result.questions[0]
    assert [answer.fraction for answer in question.answers] == [1.0, 0.25]
    assert question.default_grade == 2.0
    assert result.warnings == []


def test_an_unknown_template_warns_and_scores_by_the_correct_response() -> None:
    after = '<responseProcessing template="http://example.com/rptemplates/my_rules"/>'
    result = qti21.read(item(CHOICES, CHOICE_DECLARATION, after), "t.xml")
    assert [answer.fraction for answer in result.questions[0].answers] == [1.0, 0.0]
    assert "'http://example.com/rptemplates/my_rules' is not supported" in messages(result)[0]


def test_missing_response_processing_warns_and_scores_by_the_correct_response() -> None:
    result = qti21.read(item(CHOICES, CHOICE_DECLARATION), "t.xml")
    assert [answer.fraction for answer in result.questions[0].answers] == [1.0, 0.0]
    assert messages(result) == [
        "the item has no response processing: scored as match_correct "
        "(by its declared mapping or correct response)"
    ]


def test_rules_pmpath_does_not_understand_are_reported() -> None:
    rules = (
        '<responseProcessing><setOutcomeValue identifier="SCORE"><sum><baseValue '
        'baseType="float">1</baseValue></sum></setOutcomeValue></responseProcessing>'
    )
    result = qti21.read(item(CHOICES, CHOICE_DECLARATION, rules), "t.xml")
    assert any("does not understand (setOutcomeValue SCORE)" in text for text in messages(result))


def test_upper_bound_caps_a_single_mapped_value() -> None:
    declaration = (
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
        '<mapping defaultValue="0" upperBound="1"><mapEntry mapKey="A" mappedValue="3"/>'
        '<mapEntry mapKey="B" mappedValue="0.5"/></mapping></responseDeclaration>'
    )
    after = f'<responseProcessing template="{MAP_RESPONSE}"/>'
    question = qti21.read(item(CHOICES, declaration, after), "t.xml").questions[0]
    assert [answer.fraction for answer in question.answers] == [1.0, 0.5]


def test_a_negative_lower_bound_is_reported() -> None:
    declaration = (
        '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">'
        '<mapping defaultValue="0" lowerBound="-2"><mapEntry mapKey="A" mappedValue="1"/>'
        '<mapEntry mapKey="B" mappedValue="-1"/></mapping></responseDeclaration>'
    )
    body = CHOICES.replace('maxChoices="1"', 'maxChoices="0"')
    after = f'<responseProcessing template="{MAP_RESPONSE}"/>'
    result = qti21.read(item(body, declaration, after), "t.xml")
    assert [answer.fraction for answer in result.questions[0].answers] == [1.0, -1.0]
    assert any("lowerBound -2" in text for text in messages(result))


def test_an_item_outside_the_qti_namespace_is_read_with_a_warning() -> None:
    result = qti21.read(item(CHOICES, CHOICE_DECLARATION, namespace=False), "t.xml")
    assert result.questions[0].type is QType.MULTICHOICE
    assert "not the QTI 2.1 namespace" in messages(result)[0]


# -- content packages ------------------------------------------------------------------------


def test_package_items_come_in_manifest_order_with_their_member_and_line() -> None:
    result = read("package")
    assert [question.id_number for question in result.questions] == ["funnel", "intro"]
    funnel, intro = result.questions
    assert funnel.source.file == "package"
    assert funnel.source.field_path == ("items/funnel.xml",)
    assert funnel.source.line == line_of(
        (FIXTURES / "package/items/funnel.xml").read_bytes(), "<assessmentItem"
    )
    assert intro.type is QType.DESCRIPTION
    assert result.warnings == []


def test_package_files_become_attachments_linked_from_the_text() -> None:
    funnel = read("package").questions[0]
    image = (FIXTURES / "package/items/images/funnel.png").read_bytes()
    assert funnel.attachments == [Attachment("funnel.png", image, "/images/")]
    assert '<img src="@@PLUGINFILE@@/images/funnel.png" alt="Funnel"/>' in funnel.text.text


def test_package_lom_keywords_and_classification_are_tags_and_category() -> None:
    funnel = read("package").questions[0]
    assert funnel.tags == ["metrics", "funnels"]
    assert funnel.category == "Product/Metrics"


def test_files_no_item_uses_are_reported() -> None:
    result = qti21.read(package({"notes.txt": b"x"}), "p.zip")
    assert "belong to no item and are not imported: notes.txt" in messages(result)[0]


# -- writing ---------------------------------------------------------------------------------


def written(questions: list[QuizQuestion]) -> tuple[dict[str, str], list[str]]:
    data, warnings = qti21.write(questions)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name).decode() for name in archive.namelist()}
    return files, [warning.message for warning in warnings]


def choice_question(**changes: object) -> QuizQuestion:
    question = QuizQuestion(
        type=QType.MULTICHOICE,
        name="Pick",
        text=Text("Which is right?", PLAIN),
        answers=[Answer(Text("Yes", PLAIN), 1.0), Answer(Text("No", PLAIN), 0.0)],
    )
    for key, value in changes.items():
        setattr(question, key, value)
    return question


def test_writer_makes_a_package_with_a_manifest_and_one_file_per_item() -> None:
    questions = read("choice_single.xml").questions + read("text_entry.xml").questions
    files, warnings = written(questions)
    assert sorted(files) == ["imsmanifest.xml", "mau.xml", "north-star.xml"]
    manifest = files["imsmanifest.xml"]
    assert manifest.count('type="imsqti_item_xmlv2p1"') == 2
    assert 'href="north-star.xml"' in manifest
    assert 'href="mau.xml"' in manifest
    assert warnings == []


def test_writer_uses_the_standard_template_uris() -> None:
    files, _ = written([*read("choice_single.xml").questions, *read("text_entry.xml").questions])
    assert f'<responseProcessing template="{MATCH_CORRECT}"/>' in files["north-star.xml"]
    assert f'<responseProcessing template="{MAP_RESPONSE}"/>' in files["mau.xml"]
    assert '<mapEntry mapKey="MAU" mappedValue="0.5" caseSensitive="false"/>' in files["mau.xml"]


def test_writer_puts_the_blank_where_the_text_had_it() -> None:
    files, _ = written(read("text_entry.xml").questions)
    assert (
        'the\n        <textEntryInteraction responseIdentifier="RESPONSE" expectedLength="10"/>'
        " active users." in files["mau.xml"]
    )


def test_writer_scales_fractions_by_the_grade() -> None:
    question = choice_question(
        single=False,
        default_grade=4.0,
        answers=[
            Answer(Text("a", PLAIN), 0.5),
            Answer(Text("b", PLAIN), 0.5),
            Answer(Text("c", PLAIN), -0.25),
        ],
    )
    files, _ = written([question])
    text = files["Pick.xml"]
    assert 'normalMaximum="4"' in text
    assert '<mapping defaultValue="0" lowerBound="0" upperBound="4">' in text
    assert '<mapEntry mapKey="C" mappedValue="-1" caseSensitive="true"/>' in text


def test_writer_writes_tolerances_as_equal_rules() -> None:
    question = QuizQuestion(
        type=QType.NUMERICAL,
        name="Growth",
        text=Text("Growth in %?", PLAIN),
        answers=[Answer(Text("12", PLAIN), 1.0, value=12.0, tolerance=0.5)],
    )
    files, _ = written([question])
    assert '<equal toleranceMode="absolute" tolerance="0.5 0.5">' in files["Growth.xml"]
    again = qti21.read(qti21.write([question])[0], "w.zip").questions[0]
    assert again.answers == [Answer(Text("12", PLAIN), 1.0, value=12.0, tolerance=0.5)]


def test_writer_renders_markdown_and_escapes_plain_text() -> None:
    question = choice_question(
        text=Text("Is **this** < that?", TextFormat.MARKDOWN),
        answers=[Answer(Text("a & b", PLAIN), 1.0), Answer(Text("*c*", TextFormat.MARKDOWN), 0)],
    )
    files, warnings = written([question])
    assert "<p>Is <strong>this</strong> &lt; that?</p>" in files["Pick.xml"]
    assert '<simpleChoice identifier="A">a &amp; b</simpleChoice>' in files["Pick.xml"]
    assert '<simpleChoice identifier="B"><em>c</em></simpleChoice>' in files["Pick.xml"]
    assert warnings == []


def test_writer_turns_html_into_well_formed_xhtml() -> None:
    question = choice_question(text=Text("Line one<br>two&nbsp;words <b>bold", HTML))
    files, _ = written([question])
    assert "<div>Line one<br/>two\xa0words <b>bold</b></div>" in files["Pick.xml"]
    assert qti21.read(qti21.write([question])[0], "w.zip").questions[0].text.text == (
        "<div>Line one<br/>two\xa0words <b>bold</b></div>"
    )


def test_writer_puts_attachments_in_the_package_and_links_them() -> None:
    question = choice_question(
        text=Text('<p><img src="@@PLUGINFILE@@/pics/a%20b.png"/></p>', HTML),
        attachments=[Attachment("a b.png", b"PNG", "/pics/")],
    )
    data, _ = qti21.write([question])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("Pick/pics/a b.png") == b"PNG"
        assert '<img src="pics/a%20b.png"/>' in archive.read("Pick/Pick.xml").decode()
        assert '<file href="Pick/pics/a%20b.png"/>' in archive.read("imsmanifest.xml").decode()
    again = qti21.read(data, "w.zip").questions[0]
    assert again.attachments == [Attachment("a b.png", b"PNG", "/pics/")]
    assert again.text.text == '<p><img src="@@PLUGINFILE@@/pics/a%20b.png"/></p>'


def test_writer_keeps_tags_and_category_in_the_manifest() -> None:
    question = choice_question(tags=["level:senior-pm", "okrs"], category="pm/strategy")
    files, _ = written([question])
    assert "<keyword><string>level:senior-pm</string></keyword>" in files["imsmanifest.xml"]
    again = qti21.read(qti21.write([question])[0], "w.zip").questions[0]
    assert (again.tags, again.category) == (["level:senior-pm", "okrs"], "pm/strategy")


def test_writer_warns_for_what_qti_cannot_hold() -> None:
    cloze = QuizQuestion(type=QType.CLOZE, name="Gaps", text=Text("{1:SHORTANSWER:=a}"))
    hinted = choice_question(
        name="Hinted", hints=[Text("think")], penalty=0.1, extra={"moodle": {"x": 1}}
    )
    files, warnings = written([cloze, hinted])
    assert sorted(files) == ["Hinted.xml", "imsmanifest.xml"]
    assert warnings == [
        "cloze questions cannot be written to QTI 2.1 by pmpath: left out",
        "1 hint(s) are not written (QTI 2.1 hints need adaptive items)",
        "the penalty for each wrong try is not written",
        "extra values QTI 2.1 has no place for are not written: moodle",
    ]
    assert [w.question for w in qti21.write([cloze, hinted])[1]] == ["Gaps"] + ["Hinted"] * 3


def test_writer_makes_identifiers_valid_and_unique() -> None:
    first = choice_question(name="Same name")
    second = choice_question(name="Same name")
    third = choice_question(name=None, id_number="9 lives")
    files, warnings = written([first, second, third])
    assert sorted(files) == [
        "Same-name-2.xml",
        "Same-name.xml",
        "imsmanifest.xml",
        "item-9-lives.xml",
    ]
    assert warnings == ["the id number '9 lives' is written as 'item-9-lives'"]


def test_writer_output_is_the_same_every_time() -> None:
    questions = read("package").questions
    assert qti21.write(questions)[0] == qti21.write(questions)[0]


def test_true_false_is_written_as_a_choice_with_true_and_false_identifiers() -> None:
    question = QuizQuestion(
        type=QType.TRUEFALSE,
        name="Sky",
        text=Text("The sky is blue.", PLAIN),
        answers=[Answer(Text("true", PLAIN), 1.0), Answer(Text("false", PLAIN), 0.0)],
    )
    files, _ = written([question])
    assert '<simpleChoice identifier="true">true</simpleChoice>' in files["Sky.xml"]
    assert qti21.read(qti21.write([question])[0], "w.zip").questions[0].type is QType.TRUEFALSE


# -- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*ITEMS, "package"])
def test_round_trip_keeps_every_question(name: str) -> None:
    first = read(name)
    data, _ = qti21.write(first.questions)
    second = qti21.read(data, "again.zip")
    assert second.questions == first.questions


def test_round_trip_from_other_formats_is_stable_after_one_write() -> None:
    questions = [
        choice_question(
            text=Text("Pick **one**", TextFormat.MARKDOWN),
            general_feedback=Text("Because.", TextFormat.MARKDOWN),
            answers=[
                Answer(Text("a", PLAIN), 1.0, Text("yes", PLAIN)),
                Answer(Text("b", PLAIN), 0.0),
            ],
        ),
        QuizQuestion(
            type=QType.SHORTANSWER,
            name="Short",
            text=Text("Name it: _____ please", HTML),
            answers=[
                Answer(Text("MAU", PLAIN), 1.0, Text("Right", PLAIN)),
                Answer(Text("*", PLAIN), 0.0, Text("No", PLAIN)),
            ],
        ),
        QuizQuestion(
            type=QType.MATCHING,
            name="Match",
            text=Text("Match", PLAIN),
            pairs=[MatchPair(Text("a"), "1"), MatchPair(Text("b"), "1"), MatchPair(Text(""), "1")],
        ),
        QuizQuestion(
            type=QType.ORDERING, name="Order", text=Text("Order"), order=[Text("x"), Text("y")]
        ),
    ]
    once = qti21.read(qti21.write(questions)[0], "once.zip").questions
    twice = qti21.read(qti21.write(once)[0], "twice.zip").questions
    assert twice == once
    assert once[1].text.text == "<div>Name it: _____ please</div>"
    assert once[2].pairs[2] == MatchPair(Text("", HTML), "1")


# -- bad input -------------------------------------------------------------------------------


def error(data: bytes, source: str = "bad.xml") -> FormatError:
    with pytest.raises(FormatError) as caught:
        qti21.read(data, source)
    return caught.value


def test_invalid_xml_names_its_line() -> None:
    data = item("<p>unclosed\n<p>x</p>")
    exc = error(data)
    assert exc.location.file == "bad.xml"
    assert exc.location.line == line_of(data, "</itemBody>")
    assert "invalid XML" in str(exc)


def test_a_document_that_is_not_an_item_is_refused_on_its_root_line() -> None:
    exc = error(b'<?xml version="1.0"?>\n\n<questestinterop/>\n')
    assert exc.location.line == 3
    assert "QTI 1.2" in str(exc)


def test_an_interaction_without_a_declared_response_is_refused() -> None:
    data = item(CHOICES)
    exc = error(data)
    assert exc.location.line == line_of(data, "<assessmentItem")
    assert "refers to the response 'RESPONSE', which has no responseDeclaration" in str(exc)


def test_a_mapped_value_that_is_not_a_number_is_refused() -> None:
    declaration = (
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
        '<mapping><mapEntry mapKey="A" mappedValue="lots"/></mapping></responseDeclaration>'
    )
    assert "the mappedValue 'lots' is not a number" in str(error(item(CHOICES, declaration)))


def test_a_numerical_answer_that_is_not_a_number_is_refused() -> None:
    declaration = (
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="float">'
        "<correctResponse><value>four</value></correctResponse></responseDeclaration>"
    )
    body = '<p><textEntryInteraction responseIdentifier="RESPONSE"/></p>'
    after = f'<responseProcessing template="{MATCH_CORRECT}"/>'
    assert "'four' is not a number" in str(error(item(body, declaration, after)))


def test_an_unknown_encoding_is_bad_input() -> None:
    exc = error(b'<?xml version="1.0" encoding="klingon"?><assessmentItem/>')
    assert exc.location.file == "bad.xml"


def test_absurdly_deep_nesting_is_refused() -> None:
    body = "<div>" * 300 + "x" + "</div>" * 300
    assert "nests deeper" in str(error(item(body)))


def test_a_package_without_a_manifest_is_refused() -> None:
    exc = error(make_zip({"item.xml": fixture("choice_single.xml")}), "p.zip")
    assert "no imsmanifest.xml" in str(exc)
    assert exc.location.file == "p.zip"


def test_a_manifest_naming_a_missing_item_file_names_the_resource_line() -> None:
    manifest = (FIXTURES / "package/imsmanifest.xml").read_bytes()
    exc = error(package(skip="items/intro.xml"), "p.zip")
    assert "'items/intro.xml', which is not in the package" in str(exc)
    assert exc.location.field_path == ("imsmanifest.xml",)
    assert exc.location.line == line_of(manifest, '<resource identifier="intro"')


def test_a_package_without_item_resources_is_refused() -> None:
    manifest = b'<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources/></manifest>'
    assert "no QTI 2.x item resources" in str(error(make_zip({"imsmanifest.xml": manifest})))


def test_invalid_xml_in_a_package_item_names_the_member_and_its_line() -> None:
    exc = error(package({"items/intro.xml": b"<assessmentItem>\n<itemBody>\n</assessmentItem>"}))
    assert exc.location.field_path == ("items/intro.xml",)
    assert exc.location.line == 3


@pytest.mark.parametrize("name", ["../evil.xml", "items/../../evil.xml", "/etc/evil.xml"])
def test_zip_entries_leaving_the_archive_are_refused(name: str) -> None:
    exc = error(package({name: b"<x/>"}), "p.zip")
    assert "leaves the archive" in str(exc)
    assert exc.location.file == "p.zip"


def test_a_zip_bomb_is_refused() -> None:
    exc = error(package({"items/bomb.xml": b"\0" * 2_000_000}), "p.zip")
    assert "zip bomb" in str(exc)


def test_a_damaged_zip_is_bad_input() -> None:
    data = bytearray(package())
    data[60:90] = b"\xff" * 30
    assert error(bytes(data), "p.zip").location.file == "p.zip"


# -- arbitrary input -------------------------------------------------------------------------


def assert_reads_or_refuses(data: bytes) -> None:
    outcome: QuizFile | FormatError
    try:
        outcome = qti21.read(data, "fuzz.xml")
    except FormatError as exc:
        outcome = exc
    if isinstance(outcome, FormatError):
        assert outcome.location.file == "fuzz.xml"
    else:
        assert isinstance(outcome, QuizFile)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_read_or_raise_format_error(data: bytes) -> None:
    assert_reads_or_refuses(data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_zip_like_bytes_read_or_raise_format_error(data: bytes) -> None:
    assert_reads_or_refuses(b"PK\x03\x04" + data)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_reads_or_raises_format_error(text: str) -> None:
    assert_reads_or_refuses(text.encode("utf-8", "surrogatepass"))


ATTRIBUTE = re.compile(rb'="([^"]*)"')


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(ITEMS),
    st.lists(
        st.tuples(st.integers(min_value=0), st.text(max_size=12).map(str.encode)),
        min_size=1,
        max_size=4,
    ),
)
def test_fixtures_with_changed_attribute_values_read_or_raise_format_error(
    name: str, changes: list[tuple[int, bytes]]
) -> None:
    data = fixture(name)
    for index, value in changes:
        matches = list(ATTRIBUTE.finditer(data))
        match = matches[index % len(matches)]
        value = value.replace(b'"', b"").replace(b"<", b"").replace(b"&", b"")
        data = data[: match.start(1)] + value + data[match.end(1) :]
    assert_reads_or_refuses(data)


# -- more constructs ------------------------------------------------------------------------


def test_a_second_interaction_is_kept_for_qti_and_reported() -> None:
    declarations = CHOICE_DECLARATION + (
        '<responseDeclaration identifier="WHY" cardinality="single" baseType="string"/>'
    )
    body = CHOICES + '<p>Why? <textEntryInteraction responseIdentifier="WHY"/></p>'
    result = qti21.read(item(body, declarations), "t.xml")
    question = result.questions[0]
    assert question.type is QType.MULTICHOICE
    assert question.text == Text("<p>Why? </p>", HTML)
    assert question.extra["qti21"]["kept"] == ['<textEntryInteraction responseIdentifier="WHY"/>']
    assert any("<textEntryInteraction> is a second interaction" in m for m in messages(result))
    data, _ = qti21.write([question])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert (
            '<p><textEntryInteraction responseIdentifier="WHY"/></p>'
            in archive.read("t1.xml").decode()
        )
    assert qti21.read(data, "w.zip").questions[0] == question


def test_lines_are_found_in_utf16_documents() -> None:
    text = fixture("choice_single.xml").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    question = qti21.read(text.encode("utf-16"), "u.xml").questions[0]
    assert question.source.line == line_of(fixture("choice_single.xml"), "<assessmentItem")
    assert question.name == "North star metric"


def test_essay_and_ordering_are_written_with_their_interactions() -> None:
    files, warnings = written([only("essay.xml"), only("order.xml")])
    essay, order = files["strategy-memo.xml"], files["lifecycle.xml"]
    assert (
        '<extendedTextInteraction responseIdentifier="RESPONSE" expectedLines="10" '
        'format="xhtml"/>' in essay
    )
    assert "<responseProcessing" not in essay  # scored by a person
    assert '<responseDeclaration identifier="RESPONSE" cardinality="ordered"' in order
    assert order.index(">Maturity<") < order.index(">Introduction<")  # as first shown
    assert warnings == []


def test_fractions_are_shares_of_the_declared_maximum() -> None:
    declaration = (
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
        '<mapping defaultValue="0"><mapEntry mapKey="A" mappedValue="1"/></mapping>'
        "</responseDeclaration>"
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float" '
        'normalMaximum="4"/>'
    )
    after = f'<responseProcessing template="{MAP_RESPONSE}"/>'
    question = qti21.read(item(CHOICES, declaration, after), "t.xml").questions[0]
    assert [answer.fraction for answer in question.answers] == [0.25, 0.0]
    assert question.default_grade == 4.0


def test_thirds_do_not_drift_over_repeated_round_trips() -> None:
    third = 1 / 3
    question = choice_question(
        single=False,
        default_grade=3.0,
        answers=[
            Answer(Text(t, PLAIN), f) for t, f in zip("abcd", [third] * 3 + [-0.5], strict=True)
        ],
    )
    once = qti21.read(qti21.write([question])[0], "once.zip").questions
    assert [answer.fraction for answer in once[0].answers] == [0.3333333] * 3 + [-0.5]
    twice = qti21.read(qti21.write(once)[0], "twice.zip").questions
    assert twice == once


def test_markdown_is_rendered_for_lms_and_read_back_as_its_source() -> None:
    question = choice_question(
        text=Text("Which *one*?\n\n- a\n- b", TextFormat.MARKDOWN),
        general_feedback=Text("See **A**.", TextFormat.MARKDOWN),
        answers=[
            Answer(Text("`A`", TextFormat.MARKDOWN), 1.0, Text("*Yes*", TextFormat.MARKDOWN)),
            Answer(Text("B", PLAIN), 0.0),
        ],
    )
    files, _ = written([question])
    assert "<p>Which <em>one</em>?</p>" in files["Pick.xml"]
    assert '<text path="answers/0/feedback">*Yes*</text>' in files["imsmanifest.xml"]
    again = qti21.read(qti21.write([question])[0], "w.zip")
    assert again.questions[0].text == Text("Which *one*?\n\n- a\n- b", TextFormat.MARKDOWN)
    assert again.questions[0].general_feedback == Text("See **A**.", TextFormat.MARKDOWN)
    assert again.questions[0].answers[0] == question.answers[0]
    assert again.questions[0].answers[1].text == Text("B", HTML)
    assert again.warnings == []


def test_markdown_source_is_not_used_once_the_item_was_edited() -> None:
    question = choice_question(text=Text("Which *one*?", TextFormat.MARKDOWN))
    data, _ = qti21.write([question])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["Pick.xml"] = files["Pick.xml"].replace(b"<em>one</em>", b"<strong>one</strong>")
    result = qti21.read(make_zip(files), "edited.zip")
    assert result.questions[0].text == Text("<p>Which <strong>one</strong>?</p>", HTML)
    assert "no longer match the Markdown" in messages(result)[0]
