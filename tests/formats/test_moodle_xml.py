"""Moodle XML: every question type read field by field, the writer, round trips, hostile XML."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmpath.errors import FormatError, Location
from pmpath.formats import moodle_xml
from pmpath.formats.moodle_xml._vocabulary import QTYPES
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
from pmpath.formats.safety import parse_xml
from pmpath.formats.xmltext import xml_characters
from tests.formats.fuzzing import assert_only_format_errors

FIXTURES = Path(__file__).parent / "fixtures" / "moodle_xml"
UNSAFE = {"billion_laughs.xml", "external_entity.xml"}
GOOD = sorted(path for path in FIXTURES.glob("*.xml") if path.name not in UNSAFE)
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b"
)
HTML, MOODLE, PLAIN, MARKDOWN = (
    TextFormat.HTML,
    TextFormat.MOODLE,
    TextFormat.PLAIN,
    TextFormat.MARKDOWN,
)


def read(name: str) -> QuizFile:
    path = FIXTURES / name
    return moodle_xml.read(path.read_bytes(), name)


def read_text(xml: str, source: str = "inline.xml") -> QuizFile:
    return moodle_xml.read(xml.encode("utf-8"), source)


def refused(xml: str | bytes, source: str = "bad.xml") -> FormatError:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    with pytest.raises(FormatError) as caught:
        moodle_xml.read(data, source)
    assert caught.value.location.file == source
    return caught.value


def messages(result: QuizFile) -> list[str]:
    return [f"{w.location.line}: {w.question}: {w.message}" for w in result.warnings]


def round_trip(questions: list[QuizQuestion]) -> tuple[list[QuizQuestion], list[str]]:
    data, warnings = moodle_xml.write(questions)
    return moodle_xml.read(data, "written.xml").questions, [w.message for w in warnings]


def question(kind: QType, **fields: object) -> QuizQuestion:
    fields = {"text": Text("Stem?", HTML), "name": "q1", **fields}
    return QuizQuestion(type=kind, **fields)  # type: ignore[arg-type]


# -- reading, one construct at a time ---------------------------------------------------------


def test_single_answer_multichoice_reads_field_by_field() -> None:
    result = read("multichoice.xml")
    first = result.questions[0]
    assert result.warnings == []
    assert first.type is QType.MULTICHOICE
    assert first.name == "North star metric"
    assert first.text == Text(
        "<p>Which metric is the best <strong>north star</strong> for a marketplace?</p>", HTML
    )
    assert first.general_feedback == Text(
        "<p>A north star tracks value delivered to both sides.</p>", HTML
    )
    assert (first.default_grade, first.penalty, first.id_number) == (2.0, 0.3333333, "ns-001")
    assert (first.single, first.shuffle) == (True, True)
    assert [a.text for a in first.answers] == [
        Text("<p>Completed transactions per week</p>", HTML),
        Text("<p>Registered users</p>", HTML),
        Text("<p>Page views</p>", HTML),
    ]
    assert [a.fraction for a in first.answers] == [1.0, 0.0, 0.0]
    assert [a.feedback for a in first.answers] == [
        Text("Yes: both buyers and sellers got value.", HTML),
        Text("A vanity metric.", HTML),
        None,
    ]
    assert first.hints == [
        Text("Think about value exchanged.", HTML),
        Text("Which one needs both sides?", HTML),
    ]
    assert first.tags == ["metrics", "level:mid-career"]
    assert first.source == Location(file="multichoice.xml", line=4)
    assert first.extra == {
        "moodle_options": {
            "answernumbering": "ABCD",
            "showstandardinstruction": "0",
            "shownumcorrect": "",
        },
        "moodle_combined_feedback": {
            "correctfeedback": {"text": "Your answer is correct.", "format": "html"},
            "partiallycorrectfeedback": {
                "text": "Your answer is partially correct.",
                "format": "html",
            },
            "incorrectfeedback": {"text": "Your answer is incorrect.", "format": "html"},
        },
        "moodle_hint_options": [
            {"shownumcorrect": True, "clearwrong": True, "options": ""},
            {"shownumcorrect": False, "clearwrong": False, "options": ""},
        ],
    }


def test_multiple_response_multichoice_keeps_its_weights() -> None:
    second = read("multichoice.xml").questions[1]
    assert (second.single, second.shuffle, second.id_number) == (False, False, None)
    assert second.text == Text("Select every discovery technique.", MOODLE)
    assert second.general_feedback is None
    assert [(a.text.text, a.fraction) for a in second.answers] == [
        ("Customer interviews", 0.5),
        ("Fake-door tests", 0.5),
        ("Quarterly roadmap review", -1.0),
    ]
    assert second.answers[2].feedback == Text("That is planning, not discovery.", MOODLE)
    assert second.extra == {"moodle_options": {"answernumbering": "abc"}}
    assert second.source.line == 65


def test_true_false_is_true_then_false_whatever_the_file_order() -> None:
    result = read("truefalse.xml")
    first, second = result.questions
    assert result.warnings == []
    assert first.type is QType.TRUEFALSE
    assert first.text == Text("A product roadmap is a contract with customers.", PLAIN)
    assert first.penalty == 1.0
    assert first.answers == [
        Answer(Text("true"), 0.0, Text("No: plans change as you learn.", PLAIN)),
        Answer(Text("false"), 1.0, Text("Right.", PLAIN)),
    ]
    # Without format attributes, feedback takes the question text's format (html), as in Moodle.
    assert second.answers == [
        Answer(Text("true"), 1.0, Text("Correct.", HTML)),
        Answer(Text("false"), 0.0, None),
    ]
    assert second.hints == [Text("Output or outcome?", HTML)]
    assert second.penalty is None
    assert second.default_grade == 1.0


def test_short_answer_keeps_case_sensitivity_and_wildcards() -> None:
    [only] = read("shortanswer.xml").questions
    assert only.type is QType.SHORTANSWER
    assert only.text.text.endswith("Reach \u00d7 Impact \u00d7 Confidence \u00f7 Effort.")
    assert [(a.text, a.fraction) for a in only.answers] == [
        (Text("RICE"), 1.0),
        (Text("rice"), 0.5),
        (Text("*"), 0.0),
    ]
    assert only.answers[1].feedback == Text("Right idea; it is written in capitals.", HTML)
    assert only.extra == {"moodle_options": {"usecase": "1"}}


def test_numerical_answers_have_values_and_tolerances() -> None:
    result = read("numerical.xml")
    first, second = result.questions
    assert [(a.text.text, a.fraction, a.value, a.tolerance) for a in first.answers] == [
        ("2.5", 1.0, 2.5, 0.05),
        ("25", 0.0, 25.0, 0.0),
        ("*", 0.0, None, None),
    ]
    assert first.answers[1].feedback == Text("You divided by 200.", HTML)
    assert first.extra == {"unit": "%"}
    assert second.answers == [Answer(Text("12"), 1.0, None, 12.0, 0.0)]
    assert second.extra == {}


def test_numerical_units_beyond_the_base_unit_are_reported() -> None:
    assert messages(read("numerical.xml")) == [
        "3: Conversion rate: units are not graded: the base unit '%' is kept as the answer's "
        "unit; not kept: ratio (x0.01); unit grading settings ignored"
    ]


def test_matching_pairs_include_distractors() -> None:
    result = read("matching.xml")
    [only] = result.questions
    assert result.warnings == []
    assert only.type is QType.MATCHING
    assert only.shuffle is True
    assert only.pairs == [
        MatchPair(Text("<p>Kano</p>", HTML), "Classify features by satisfaction"),
        MatchPair(Text("MoSCoW", HTML), "Rank requirements by necessity"),
        MatchPair(Text("", HTML), "Estimate market size"),
    ]
    assert only.extra == {
        "moodle_options": {"shownumcorrect": ""},
        "moodle_combined_feedback": {"correctfeedback": {"text": "All matched.", "format": "html"}},
    }


def test_ordering_reads_the_ordering_plugins_format() -> None:
    result = read("ordering.xml")
    [only] = result.questions
    assert result.warnings == []
    assert only.type is QType.ORDERING
    assert only.order == [
        Text("Frame the problem", MOODLE),
        Text("Test solutions with users", MOODLE),
        Text("Ship and measure", MOODLE),
    ]
    assert only.answers == []
    assert only.hints == [Text("What must you know before building?", HTML)]
    assert only.id_number == "order-1"
    assert only.extra == {
        "moodle_options": {
            "layouttype": "VERTICAL",
            "selecttype": "ALL",
            "selectcount": "0",
            "gradingtype": "ABSOLUTE_POSITION",
            "showgrading": "SHOW",
            "numberingstyle": "123",
        },
        "moodle_combined_feedback": {
            "correctfeedback": {"text": "Well ordered.", "format": "html"}
        },
        "rationales": ["Start with the problem.", "", "Measure the outcome."],
    }


def test_essay_and_description() -> None:
    description, essay = read("essay_description.xml").questions
    assert description.type is QType.DESCRIPTION
    assert description.text == Text(
        "Checkout conversion fell **12 %** after the redesign.", MARKDOWN
    )
    assert (description.default_grade, description.penalty) == (0.0, 0.0)
    assert essay.type is QType.ESSAY
    assert essay.default_grade == 5.0
    assert essay.extra == {
        "moodle_options": {
            "responseformat": "editor",
            "responserequired": "1",
            "responsefieldlines": "15",
            "minwordlimit": "50",
            "maxwordlimit": "400",
            "attachments": "0",
            "attachmentsrequired": "0",
            "maxbytes": "0",
            "filetypeslist": "",
        },
        "moodle_graderinfo": {
            "text": "Look for segmentation by device and a funnel analysis.",
            "format": "html",
        },
        "moodle_responsetemplate": {"text": "Hypotheses: ...", "format": "html"},
    }


def test_category_questions_set_the_category_of_the_questions_after_them() -> None:
    result = read("categories.xml")
    assert [(q.name, q.category) for q in result.questions] == [
        ("Before any category", None),
        ("In Product", "Product"),
        ("In North star 1", "Product/Metrics/North star"),
        ("In North star 2", "Product/Metrics/North star"),
        ("In an old-style path", "Legacy/Old"),
    ]
    product, star, _, legacy = result.questions[1:]
    assert product.extra == {
        "moodle_category_info": {
            "text": "Product questions",
            "format": "html",
            "idnumber": "cat-product",
        }
    }
    assert star.extra == {}
    assert legacy.extra == {"moodle_category_prefix": "$course$"}


def test_a_category_without_questions_is_reported_unless_a_later_path_implies_it() -> None:
    assert messages(read("categories.xml")) == [
        "56: None: category '$course$/top/Empty with notes' has no questions: not kept"
    ]


def test_cloze_text_gets_placeholders_and_blanks_in_order() -> None:
    result = read("cloze.xml")
    first, second = result.questions
    assert first.type is QType.CLOZE
    assert first.text == Text(
        "<p>The {#1} model sorts features by delight.</p>\n"
        "<p>An {#2} tests a hypothesis. Conversion was {#3} %.</p>\n"
        "<p>Key results are {#4}; roadmaps show {#5}.</p>\n"
        "<p>Discovery uses {#6} and {#7}.</p>\n"
        "<p>Escapes: {#8} and {not a code}.</p>",
        HTML,
    )
    assert first.default_grade == 9.0
    assert first.general_feedback == Text("Review the glossary.", HTML)
    assert first.hints == [Text("Two of the blanks are acronyms.", HTML)]
    assert (first.id_number, first.tags) == ("cloze-1", ["vocabulary"])
    assert [(b.type, b.default_grade) for b in first.blanks] == [
        (QType.SHORTANSWER, 1.0),
        (QType.SHORTANSWER, 2.0),
        (QType.NUMERICAL, 1.0),
        (QType.MULTICHOICE, 1.0),
        (QType.MULTICHOICE, 1.0),
        (QType.MULTICHOICE, 1.0),
        (QType.MULTICHOICE, 1.0),
        (QType.SHORTANSWER, 1.0),
    ]
    assert second.text == Text("The answer to everything is {#1}.", MOODLE)
    assert second.default_grade == 3.0
    assert messages(result) == [
        "28: Old type name: a cloze question's grade is the sum of its blanks' weights (3): "
        "its <defaultgrade> is ignored"
    ]


def test_cloze_short_answer_and_numerical_blanks() -> None:
    blanks = read("cloze.xml").questions[0].blanks
    assert blanks[0].answers == [
        Answer(Text("Kano"), 1.0, Text("Right", HTML)),
        Answer(Text("kano model"), 0.5, Text("Nearly", HTML)),
        Answer(Text("*"), 0.0, Text("No, the Kano model", HTML)),
    ]
    assert blanks[1].answers == [Answer(Text("MVP"), 1.0)]
    assert blanks[1].extra == {"moodle_options": {"usecase": "1"}}
    assert blanks[2].answers == [
        Answer(Text("2.5"), 1.0, Text("Good", HTML), 2.5, 0.1),
        Answer(Text("2.5"), 0.5, Text("Close", HTML), 2.5, 1.0),
        Answer(Text("*"), 0.0, Text("Wrong", HTML)),
    ]


def test_cloze_choice_blanks_keep_layout_shuffle_and_moodles_multiresponse_weights() -> None:
    blanks = read("cloze.xml").questions[0].blanks
    dropdown, vertical, response, horizontal = blanks[3:7]
    assert (dropdown.single, dropdown.shuffle, dropdown.extra) == (True, False, {})
    assert dropdown.answers == [
        Answer(Text("outcomes", HTML), 1.0, Text("Yes", HTML)),
        Answer(Text("outputs", HTML), 0.0, Text("No", HTML)),
    ]
    assert (vertical.single, vertical.shuffle) == (True, True)
    assert vertical.extra == {"moodle_cloze_layout": "vertical"}
    # {1:MR:=a~=b~c}: the right answers share the grade and a plain wrong one costs as much.
    assert (response.single, response.shuffle) == (False, False)
    assert [(a.text.text, a.fraction) for a in response.answers] == [
        ("interviews", 0.5),
        ("surveys", 0.5),
        ("roadmaps", -0.5),
    ]
    assert (horizontal.single, horizontal.shuffle) == (False, True)
    assert horizontal.extra == {"moodle_cloze_layout": "horizontal"}
    assert [a.fraction for a in horizontal.answers] == [1.0, 0.0]


def test_cloze_escapes_and_entities_are_decoded_as_moodle_does() -> None:
    escapes = read("cloze.xml").questions[0].blanks[7]
    assert escapes.answers == [
        Answer(Text("a}b"), 1.0, Text("a closing } and a # hash", HTML)),
        Answer(Text("R&D"), 1.0, Text("R & D", HTML)),
    ]


def test_a_cloze_code_that_is_never_closed_stays_text() -> None:
    xml = """<quiz><question type="cloze"><name><text>open</text></name>
    <questiontext><text>{1:SA:=x} then {1:SA:=never closed ~ {2:MC:=a</text></questiontext>
    </question></quiz>"""
    [only] = read_text(xml).questions
    assert only.text.text == "{#1} then {1:SA:=never closed ~ {2:MC:=a"
    assert len(only.blanks) == 1


def test_text_formats_cdata_entities_and_trimming() -> None:
    result = read("text_formats.xml")
    texts = {q.name: q.text for q in result.questions}
    assert texts == {
        "html": Text("<p>HTML with <em>markup</em> &amp; an entity</p>", HTML),
        "moodle auto": Text("Moodle auto-format text", MOODLE),
        "plain": Text("Plain 5 < 6 & 7 > 6", PLAIN),
        "markdown": Text("**Markdown**, trimmed at both ends", MARKDOWN),
        "no format": Text("No format attribute: html", HTML),
        "wiki": Text("Old wiki text", MOODLE),
        "unknown": Text("Unknown format", HTML),
        "cdata end": Text("<code>a]]>b</code>", HTML),
    }
    no_format = result.questions[4]
    assert no_format.general_feedback == Text("Feedback takes the question text's format", HTML)
    assert messages(result) == [
        "28: wiki: text format 'wiki_like' is read as 'moodle_auto_format'",
        "32: unknown: unknown text format 'rtf' is read as 'html', as Moodle does",
    ]


def test_embedded_files_become_attachments_with_the_text_they_belong_to() -> None:
    chart = read("files.xml").questions[0]
    assert chart.attachments == [
        Attachment("funnel.gif", GIF, "/"),
        Attachment("funnel notes.txt", b"hello world", "/notes/"),
        Attachment("step2.gif", GIF, "/"),
        Attachment("tick.gif", GIF, "/"),
        Attachment("hint.gif", GIF, "/"),
    ]
    assert chart.extra["moodle_file_areas"] == [
        "questiontext",
        "generalfeedback",
        "answer/0",
        "answer/0/feedback",
        "hint/0",
    ]
    assert '<img src="@@PLUGINFILE@@/funnel.gif"' in chart.text.text


def test_files_moodle_cannot_use_are_reported_not_dropped_silently() -> None:
    result = read("files.xml")
    broken, image = result.questions[1:]
    assert broken.attachments == [Attachment("twice.txt", b"one", "/")]
    assert image.attachments == [Attachment("pics_pixel.gif", GIF, "/")]
    assert image.text.text == 'Is this a pixel? <img src="@@PLUGINFILE@@/pics_pixel.gif" />'
    assert messages(result) == [
        "35: Broken files: embedded file /twice.txt appears twice in <questiontext>: kept once",
        "35: Broken files: embedded file 'bad.bin' is not valid base64: not kept",
        "35: Broken files: embedded file 'plain.txt' is not base64 but 'plain': not kept",
        "35: Broken files: 1 embedded file(s) where Moodle does not read them: not kept",
        "51: Old image tag: the old <image> tag is read as the embedded file 'pics_pixel.gif' "
        "after the text",
    ]


def test_fractions_outside_moodles_grades_are_read_as_the_nearest_with_a_warning() -> None:
    result = read("grades.xml")
    [only] = result.questions
    assert [a.fraction for a in only.answers] == [
        0.8333333,
        0.3333333,  # 33.333 is within Moodle's tolerance of 33.33333: no warning
        0.5,
        0.05,
        -1.0,
        1.0,
    ]
    assert messages(result) == [
        f"3: Odd grades: answer fraction {given}% is not one of Moodle's grades: "
        f"read as the nearest, {nearest}%"
        for given, nearest in (("47", "50"), ("3", "5"), ("-97", "-100"), ("110", "100"))
    ]


def test_unsupported_types_and_elements_are_reported_with_line_and_name() -> None:
    result = read("unsupported.xml")
    assert [q.name for q in result.questions] == ["Essay with extras"]
    assert result.questions[0].hints == []
    assert messages(result) == [
        "3: Markers: question type 'ddmarker' is not supported: question not kept",
        "7: Essay with extras: <hint>, <single> not used by essay questions: not kept",
        "13: None: <notaquestion> is not a question: not kept",
    ]


# -- line numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_every_question_points_at_its_own_start_tag(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    for read_question in moodle_xml.read(path.read_bytes(), path.name).questions:
        assert read_question.source.file == path.name
        assert read_question.source.line is not None
        assert '<question type="' in lines[read_question.source.line - 1]


def test_lines_skip_question_tags_inside_comments_cdata_and_instructions() -> None:
    xml = """<?xml version="1.0"?>
<!-- <question type="x"> in a comment -->
<quiz>
<?pi <question ?>
  <question type="description">
    <questiontext><text><![CDATA[
      <question type="fake">
    ]]></text></questiontext>
  </question>
  <question
      type="description"><questiontext><text>second</text></questiontext></question>
</quiz>"""
    assert [q.source.line for q in read_text(xml).questions] == [5, 10]


def test_lines_are_found_in_utf16_files() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<quiz>\n\n<question type="description"/>\n</quiz>'
    )
    result = moodle_xml.read(xml.encode("utf-16"), "wide.xml")
    assert result.questions[0].source == Location(file="wide.xml", line=4)


# -- bad input --------------------------------------------------------------------------------


def test_billion_laughs_is_refused() -> None:
    error = refused((FIXTURES / "billion_laughs.xml").read_bytes())
    assert error.location.line == 2
    assert "refused unsafe XML" in str(error)


def test_external_entities_are_refused() -> None:
    error = refused((FIXTURES / "external_entity.xml").read_bytes())
    assert error.location.line == 2
    assert "refused unsafe XML" in str(error)
    assert "root:" not in str(error)


def test_broken_xml_is_refused_at_its_line() -> None:
    error = refused("<quiz>\n<question type='truefalse'>\n<name><text>x</name>\n</quiz>")
    assert error.location.line == 3
    assert "invalid XML" in str(error)


def test_a_file_that_is_not_a_quiz_is_refused() -> None:
    error = refused("<?xml version='1.0'?>\n\n<questestinterop/>")
    assert error.location.line == 3
    assert "not <quiz>" in str(error)


def test_a_question_without_a_type_is_refused_at_its_line() -> None:
    error = refused("<quiz>\n\n  <question>\n  </question>\n</quiz>")
    assert (error.location.line, error.problems[0].message) == (
        3,
        "a <question> without a type attribute",
    )


def test_a_numerical_answer_that_is_not_a_number_is_refused_at_its_line() -> None:
    xml = """<quiz>
  <question type="numerical">
    <questiontext><text>How many?</text></questiontext>
    <answer fraction="100"><text>twelve</text></answer>
  </question>
</quiz>"""
    error = refused(xml)
    assert (error.location.line, error.problems[0].message) == (
        4,
        "numerical answer 'twelve' is not a number",
    )


def test_a_fraction_that_is_not_a_number_is_refused_at_its_line() -> None:
    xml = """<quiz><question type="multichoice">
    <questiontext><text>Pick</text></questiontext>

    <answer fraction="lots"><text>A</text></answer>
    </question></quiz>"""
    error = refused(xml)
    assert (error.location.line, error.problems[0].message) == (
        4,
        "answer fraction 'lots' is not a number",
    )


def test_html_that_is_not_in_cdata_is_refused_as_moodle_does() -> None:
    xml = "<quiz>\n<question type='description'>\n<questiontext>\n<text><p>hi</p></text>"
    xml += "</questiontext></question></quiz>"
    error = refused(xml)
    assert error.location.line == 4
    assert "put HTML in a CDATA section" in str(error)


def test_an_unknown_declared_encoding_is_refused() -> None:
    error = refused(b'<?xml version="1.0" encoding="x-unknown"?><quiz/>')
    assert error.location.line == 1


def test_an_empty_quiz_has_no_questions() -> None:
    assert read_text("<quiz/>") == QuizFile([], [])


# -- writing ----------------------------------------------------------------------------------


def test_the_written_file_is_moodle_xml() -> None:
    data, warnings = moodle_xml.write([question(QType.ESSAY)])
    assert warnings == []
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    root = parse_xml(data, "written.xml")
    [written] = root.findall("question")
    assert written.get("type") == "essay"
    assert written.findtext("name/text") == "q1"
    assert written.find("questiontext").get("format") == "html"


def test_html_is_written_in_cdata_and_a_cdata_end_is_split() -> None:
    data, _ = moodle_xml.write([question(QType.DESCRIPTION, general_feedback=Text("a]]>b<", HTML))])
    assert b"<text><![CDATA[a]]]]><![CDATA[>b<]]></text>" in data


def test_carriage_returns_and_markup_survive_the_writer() -> None:
    text = Text("line 1\r\nline <2> & ]]> 3", PLAIN)
    [again], warnings = round_trip([question(QType.DESCRIPTION, text=text, default_grade=0.0)])
    assert warnings == []
    assert again.text == text


def test_characters_xml_cannot_hold_are_left_out_with_a_warning() -> None:
    [again], warnings = round_trip([question(QType.ESSAY, text=Text("bell\x07 here"))])
    assert again.text.text == "bell here"
    assert warnings == ["characters that XML cannot hold (control characters) were left out"]


def test_the_writer_maps_fractions_to_moodles_grades() -> None:
    answers = [
        Answer(Text("a"), 1 / 3),  # a third: Moodle's 33.33333, no warning
        Answer(Text("b"), 0.47),
        Answer(Text("c"), -1 / 11),
    ]
    data, warnings = moodle_xml.write([question(QType.MULTICHOICE, answers=answers, single=False)])
    assert b'fraction="33.33333"' in data
    assert b'fraction="50"' in data
    assert b'fraction="-10"' in data
    assert [w.message for w in warnings] == [
        "answer fraction 47% is not one of Moodle's grades: written as the nearest, 50%",
        "answer fraction -9.09091% is not one of Moodle's grades: written as the nearest, -10%",
    ]
    assert all(w.question == "q1" for w in warnings)


def test_true_false_answers_are_recognised_by_their_text() -> None:
    answers = [
        Answer(Text("False", MARKDOWN), 1.0, Text("Right", MARKDOWN)),
        Answer(Text("True", MARKDOWN), 0.0),
    ]
    [again], warnings = round_trip([question(QType.TRUEFALSE, answers=answers)])
    assert warnings == []
    assert again.answers == [
        Answer(Text("true"), 0.0),
        Answer(Text("false"), 1.0, Text("Right", MARKDOWN)),
    ]


def test_categories_are_written_as_category_questions_when_they_change() -> None:
    questions = [
        question(QType.ESSAY, category=None),
        question(QType.ESSAY, category="Product/Metrics"),
        question(QType.ESSAY, category="Product/Metrics"),
        question(QType.ESSAY, category="Delivery"),
    ]
    data, warnings = moodle_xml.write(questions)
    assert warnings == []
    paths = [
        element.findtext("category/text")
        for element in parse_xml(data, "w").findall("question")
        if element.get("type") == "category"
    ]
    assert paths == ["$course$/top/Product/Metrics", "$course$/top/Delivery"]
    again, _ = round_trip(questions)
    assert [q.category for q in again] == [None, "Product/Metrics", "Product/Metrics", "Delivery"]


def test_a_question_without_category_after_one_with_is_written_under_top() -> None:
    questions = [question(QType.ESSAY, category="A"), question(QType.ESSAY, name="q2")]
    again, warnings = round_trip(questions)
    assert [q.category for q in again] == ["A", None]
    assert warnings == [
        "no category, after questions that have one: written under the course's top category"
    ]


def test_what_a_type_cannot_hold_is_reported() -> None:
    odd = question(
        QType.ESSAY,
        answers=[Answer(Text("x"), 1.0)],
        pairs=[MatchPair(Text("l"), "r")],
        hints=[Text("h")],
        shuffle=True,
    )
    _, warnings = moodle_xml.write([odd])
    assert [w.message for w in warnings] == [
        "essay questions have no answers: 1 not written",
        "essay questions have no matching pairs: pairs not written",
        "essay questions have no shuffle setting: not written",
        "essay questions have no hints: hints not written",
    ]


def test_matching_pair_feedback_is_kept_for_pmpath_with_a_warning() -> None:
    pairs = [MatchPair(Text("Kano"), "Delight", Text("Why", MARKDOWN)), MatchPair(Text(""), "x")]
    [again], warnings = round_trip([question(QType.MATCHING, pairs=pairs)])
    assert again.pairs == pairs
    assert warnings == [
        "Moodle has no feedback per matching pair: it is written inside <subquestion>, where "
        "pmpath reads it and Moodle ignores it"
    ]


def test_ordering_without_options_is_graded_like_pmpath_grades_it() -> None:
    order = [Text("one", MARKDOWN), Text("two", MARKDOWN)]
    [again], warnings = round_trip(
        [question(QType.ORDERING, order=order, extra={"rationales": ["first", ""]})]
    )
    assert warnings == []
    assert again.order == order
    assert again.extra["rationales"] == ["first", ""]
    assert again.extra["moodle_options"] == {
        "layouttype": "VERTICAL",
        "selecttype": "ALL",
        "selectcount": "0",
        "gradingtype": "ABSOLUTE_POSITION",
        "showgrading": "SHOW",
    }


def test_numerical_units_and_answer_values_are_written() -> None:
    answers = [Answer(Text("2.50"), 1.0, None, 2.5, 0.1), Answer(Text("ten"), 0.0, None, 10.0)]
    [again], warnings = round_trip(
        [question(QType.NUMERICAL, answers=answers, extra={"unit": "%"})]
    )
    assert warnings == []
    assert again.answers == [
        Answer(Text("2.50"), 1.0, None, 2.5, 0.1),
        Answer(Text("10"), 0.0, None, 10.0, 0.0),
    ]
    assert again.extra == {"unit": "%"}


def test_attachments_without_a_known_place_go_where_they_are_linked() -> None:
    linked = question(
        QType.MULTICHOICE,
        answers=[Answer(Text("x"), 1.0, Text('<img src="@@PLUGINFILE@@/a%20b.png">', HTML))],
        attachments=[Attachment("a b.png", b"\x89PNG"), Attachment("loose.txt", b"x")],
    )
    [again], warnings = round_trip([linked])
    assert warnings == []
    # Read back in the order of the texts they belong to: the question text comes first.
    assert again.attachments == linked.attachments[::-1]
    assert again.extra["moodle_file_areas"] == ["questiontext", "answer/0/feedback"]


def test_cloze_blanks_are_written_as_embedded_codes() -> None:
    blanks = [
        QuizQuestion(
            type=QType.SHORTANSWER,
            text=Text(""),
            answers=[Answer(Text("a~b#c}d\\e&f"), 1.0, Text("fb ~ } # \\ &", HTML))],
        ),
        QuizQuestion(
            type=QType.MULTICHOICE,
            text=Text(""),
            single=False,
            shuffle=True,
            default_grade=2.0,
            answers=[Answer(Text("x", HTML), 1.0), Answer(Text("y", HTML), -1.0)],
        ),
    ]
    cloze = question(QType.CLOZE, text=Text("Fill {#1} and", HTML), blanks=blanks, default_grade=3)
    data, warnings = moodle_xml.write([cloze])
    assert [w.message for w in warnings] == [
        "blanks [2] have no {#n} place in the text: written at its end"
    ]
    assert b"{2:MULTIRESPONSE_S:%100%x~%-100%y}" in data
    [again] = moodle_xml.read(data, "w").questions
    assert again.text.text == "Fill {#1} and {#2}"
    assert again.blanks[0].answers == blanks[0].answers
    assert again.blanks[1].answers == blanks[1].answers
    assert (again.blanks[1].single, again.blanks[1].shuffle) == (False, True)


def test_cloze_blanks_the_code_cannot_embed_are_reported() -> None:
    blank = QuizQuestion(type=QType.ESSAY, text=Text(""))
    cloze = question(QType.CLOZE, text=Text("A {#1} and {#4}"), blanks=[blank], default_grade=1)
    _, warnings = moodle_xml.write([cloze])
    assert [w.message for w in warnings] == [
        "blank 1 is essay, which a cloze cannot embed: left out",
        "the text refers to blank 4, which does not exist: left as it is",
    ]


# -- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_every_fixture_survives_a_round_trip(path: Path) -> None:
    first = moodle_xml.read(path.read_bytes(), path.name).questions
    again, _ = round_trip(first)
    assert len(again) == len(first)
    for before, after in zip(first, again, strict=True):
        assert after == before


def test_the_bundled_bank_survives_moodle_xml() -> None:
    from pmpath.formats.mapping import ImportDefaults, bank_to_quiz, quiz_to_bank
    from pmpath.framework import bundled_framework_path, load_framework
    from pmpath.services.banks import open_bank

    framework = load_framework(bundled_framework_path())
    bank = open_bank(framework)
    questions, warnings = round_trip(bank_to_quiz(bank))
    assert set(warnings) <= {
        "Moodle has no feedback per matching pair: it is written inside <subquestion>, where "
        "pmpath reads it and Moodle ignores it"
    }
    levels = {stage.id for stage in framework.stages}
    again, problems = quiz_to_bank(questions, bank.id, ImportDefaults(), levels)
    assert problems == []
    assert again.items == bank.items
    assert again.scenarios == bank.scenarios


XML_TEXT = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40
).map(lambda text: xml_characters(text).strip(" \t\n\r\x0b"))


@settings(max_examples=60, deadline=None)
@given(
    stem=XML_TEXT,
    choices=st.lists(st.tuples(XML_TEXT, st.sampled_from([1.0, 0.5, 0.0, -0.5])), max_size=4),
    fmt=st.sampled_from(list(TextFormat)),
)
def test_any_text_survives_a_round_trip(
    stem: str, choices: list[tuple[str, float]], fmt: TextFormat
) -> None:
    original = question(
        QType.MULTICHOICE,
        text=Text(stem, fmt),
        answers=[Answer(Text(t, fmt), f, Text(t, fmt) or None) for t, f in choices],
        single=False,
        hints=[Text(stem, fmt)],
        tags=[t for t, _ in choices if t],
    )
    [again], warnings = round_trip([original])
    assert warnings == []
    assert again == original


# -- nothing but FormatError escapes ----------------------------------------------------------


def only_format_errors(data: bytes) -> None:
    assert_only_format_errors(moodle_xml.read, data, "fuzz.xml")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_format_error(data: bytes) -> None:
    only_format_errors(data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_raises_only_format_error(text: str) -> None:
    only_format_errors(text.encode("utf-8", "surrogatepass"))


TAGS = [
    "question", "name", "text", "questiontext", "generalfeedback", "answer", "feedback",
    "tolerance", "subquestion", "hint", "tags", "tag", "category", "info", "file", "single",
    "shuffleanswers", "units", "unit", "unit_name", "multiplier", "defaultgrade", "penalty",
    "idnumber", "image", "image_base64", "correctfeedback", "shownumcorrect", "graderinfo",
]  # fmt: skip
ATTRIBUTES = {
    "type": st.sampled_from([*QTYPES, "category", "calculated", ""]),
    "fraction": st.sampled_from(["100", "50", "-33.333", "x", "nan", "1e400", ""]),
    "format": st.sampled_from(["html", "markdown", "wiki_like", "?"]),
    "name": st.sampled_from(["a.png", "", "b"]),
    "encoding": st.sampled_from(["base64", "x"]),
}
LEAF = st.sampled_from(
    ["", "true", "0", "1.5", "*", "$course$/top/A", "{1:SA:=x~y#z}", "{2:MR:=a~b}", "aGk=", "!!"]
).map(lambda text: text.replace("&", "&amp;").replace("<", "&lt;"))


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def build(tag: str, attributes: dict[str, str], inner: list[str], text: str) -> str:
        attrs = "".join(f' {key}="{value}"' for key, value in attributes.items())
        return f"<{tag}{attrs}>{text}{''.join(inner)}</{tag}>"

    return st.builds(
        build,
        st.sampled_from(TAGS),
        st.dictionaries(st.sampled_from(list(ATTRIBUTES)), st.just("")).flatmap(
            lambda keys: st.fixed_dictionaries({key: ATTRIBUTES[key] for key in keys})
        ),
        st.lists(children, max_size=4),
        LEAF,
    )


MOODLE_LIKE = st.recursive(LEAF, _element, max_leaves=30)
QUESTION = st.builds(
    lambda kind, inner: f'<question type="{kind}">{"".join(inner)}</question>',
    ATTRIBUTES["type"],
    st.lists(MOODLE_LIKE, max_size=6),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(QUESTION, max_size=4))
def test_moodle_like_trees_raise_only_format_error(questions: list[str]) -> None:
    only_format_errors(f"<quiz>{''.join(questions)}</quiz>".encode())
