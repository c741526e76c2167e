"""QTI 1.2 as Canvas writes it: every question type, packages, the writer, and hostile input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmpath.errors import FormatError
from pmpath.formats import qti12
from pmpath.formats.quiz import (
    Answer,
    Attachment,
    GapChoice,
    MatchPair,
    QType,
    QuizFile,
    QuizQuestion,
    Text,
    TextFormat,
)
from tests.conftest import line_number

FIXTURES = Path(__file__).parent / "fixtures" / "qti12"
CANVAS = FIXTURES / "canvas_quiz.xml"


def zip_folder(folder: Path) -> bytes:
    """The files under ``folder`` as a zip package, in a stable order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def fixture_bytes(name: str) -> bytes:
    path = FIXTURES / name
    return zip_folder(path) if path.is_dir() else path.read_bytes()


def read(name: str) -> QuizFile:
    return qti12.read(fixture_bytes(name), name)


def canvas() -> dict[str, QuizQuestion]:
    return {str(q.name): q for q in read("canvas_quiz.xml").questions}


def warnings_of(result: QuizFile, name: str) -> list[str]:
    return [w.message for w in result.warnings if w.question == name]


def plain(text: str) -> Text:
    return Text(text, TextFormat.PLAIN)


def html(text: str) -> Text:
    return Text(text, TextFormat.HTML)


def extra(question: QuizQuestion) -> dict[str, object]:
    values = question.extra["qti12"]
    assert isinstance(values, dict)
    return values


def roundtrip(questions: list[QuizQuestion]) -> tuple[QuizFile, list[str]]:
    data, warnings = qti12.write(questions)
    return qti12.read(data, "written.zip"), [w.message for w in warnings]


# -- reading: one Canvas quiz file -------------------------------------------------------------


def test_every_item_is_read_in_order_with_the_line_of_its_opening() -> None:
    text = CANVAS.read_text(encoding="utf-8")
    questions = read("canvas_quiz.xml").questions
    assert len(questions) == 16
    for question in questions:
        assert question.source.file == "canvas_quiz.xml"
        assert question.source.line == line_number(text, f'<item ident="{question.id_number}"')


def test_multiple_choice_reads_choices_weights_feedback_and_metadata() -> None:
    question = canvas()["North-star metric"]
    assert question.type == QType.MULTICHOICE
    assert question.single is True
    assert question.id_number == "i0a1b2c3d4e5f60718293a4b5c6d7e8f0"
    assert question.default_grade == 2.0
    assert question.category == "Metrics/North star"
    assert question.shuffle is False
    assert question.text == html(
        "<div><p>Which metric best captures the value a music app delivers?</p></div>"
    )
    assert question.answers == [
        Answer(plain("Downloads"), 0.0, plain("Downloads happen once.")),
        Answer(html("<p>Minutes <em>listened</em> per week</p>"), 1.0, plain("Yes.")),
        Answer(plain("Page views"), 0.0),
    ]
    assert question.general_feedback == html("<p>A north-star metric tracks delivered value.</p>")
    assert extra(question)["answer_ids"] == ["1001", "1002", "1003"]
    assert extra(question)["metadata"] == [
        ["original_answer_ids", "1001,1002,1003"],
        ["assessment_question_identifierref", "i9f8e7d6c5b4a39281706f5e4d3c2b1a0"],
    ]


def test_correct_and_incorrect_feedback_are_kept_in_extra_with_a_warning() -> None:
    result = read("canvas_quiz.xml")
    question = result.questions[0]
    assert extra(question)["correct_feedback"] == {
        "text": "Right: listening time is the value.",
        "format": "plain",
    }
    assert extra(question)["incorrect_feedback"] == {
        "text": "Think about what users come back for.",
        "format": "plain",
    }
    messages = warnings_of(result, "North-star metric")
    assert any("correct_fb" in m for m in messages)
    assert any("general_incorrect_fb" in m for m in messages)
    assert all(w.location.line == question.source.line for w in result.warnings[:2])


def test_true_false_reads_the_true_and_false_choices() -> None:
    question = canvas()["Vanity metric"]
    assert question.type == QType.TRUEFALSE
    assert question.answers == [Answer(plain("True"), 1.0), Answer(plain("False"), 0.0)]


def test_short_answer_keeps_the_scoring_order_and_finds_feedback_by_text() -> None:
    question = canvas()["Acronym"]
    assert question.type == QType.SHORTANSWER
    assert question.answers == [
        Answer(plain("DAU"), 1.0),
        Answer(plain("daily active users"), 1.0, plain("Also known as DAU.")),
    ]
    assert extra(question)["answer_ids"] == [None, "3002"]


def test_fill_in_multiple_blanks_becomes_a_cloze_in_text_order() -> None:
    question = canvas()["Funnel blanks"]
    assert question.type == QType.CLOZE
    assert question.text.text == (
        "<div><p>In AARRR, activation comes after {#1} and before {#2}.</p></div>"
    )
    step1, step2 = question.blanks
    assert (step1.name, step1.type) == ("step1", QType.SHORTANSWER)
    assert step1.answers == [
        Answer(plain("acquisition"), 1.0),
        Answer(plain("user acquisition"), 1.0),
    ]
    assert step2.answers == [
        Answer(plain("retention"), 1.0, plain("Retention keeps activated users."))
    ]
    assert extra(step2) == {"ident": "response_step2", "answer_ids": ["4003"]}


def test_multiple_answers_all_or_nothing_gives_each_right_choice_an_equal_share() -> None:
    question = canvas()["Leading indicators"]
    assert (question.type, question.single) == (QType.MULTICHOICE, False)
    assert [a.fraction for a in question.answers] == [0.5, 0.5, 0.0]
    assert question.answers[2].feedback == plain("Revenue lags behind retention.")
    assert extra(question)["scoring"] == "all_or_nothing"


def test_multiple_answers_add_and_subtract_become_answer_fractions() -> None:
    question = canvas()["Retention levers"]
    assert [a.fraction for a in question.answers] == [0.3333, 0.3333, -0.25, 0.3334]
    assert question.shuffle is True
    assert "scoring" not in extra(question)


def test_multiple_dropdowns_become_a_gaps_question_with_a_list_per_dropdown() -> None:
    result = read("canvas_quiz.xml")
    question = next(q for q in result.questions if q.name == "Prioritisation frameworks")
    assert question.type == QType.GAPS
    # [[n]]: the gap's right choice is choice n (Confidence, then Effort).
    assert question.text.text == "<div><p>RICE scores Reach, Impact, [[1]] and [[4]].</p></div>"
    assert question.choices == [
        GapChoice(plain("Confidence"), 1),
        GapChoice(plain("Cost"), 1, feedback=plain("Cost is part of effort.")),
        GapChoice(plain("Engagement"), 2),
        GapChoice(plain("Effort"), 2),
    ]
    assert question.blanks == []
    assert not any("multiple-dropdowns" in m for m in warnings_of(result, question.name))


def test_multiple_dropdowns_with_a_blank_without_a_right_answer_stay_a_cloze() -> None:
    data = (FIXTURES / "canvas_quiz.xml").read_bytes()
    data = data.replace(b'respident="response_e">7004<', b'respident="response_e">9999<')
    result = qti12.read(data, "canvas_quiz.xml")
    question = next(q for q in result.questions if q.name == "Prioritisation frameworks")
    assert question.type == QType.CLOZE
    assert question.text.text == "<div><p>RICE scores Reach, Impact, {#1} and {#2}.</p></div>"
    assert any("multiple-dropdowns" in m for m in warnings_of(result, question.name))


def test_matching_reads_pairs_a_distractor_and_pair_feedback() -> None:
    question = canvas()["Match the metric"]
    assert question.type == QType.MATCHING
    assert question.pairs == [
        MatchPair(plain("Churn rate"), "Share of customers who leave"),
        MatchPair(
            html("<b>NPS</b>"),
            "Likelihood to recommend",
            plain("NPS asks how likely users are to recommend you."),
        ),
        MatchPair(plain(""), "Revenue per user"),
    ]
    assert extra(question)["answer_ids"] == ["8001", "8002", None]
    assert extra(question)["match_ids"] == [
        ["8101", "Share of customers who leave"],
        ["8102", "Likelihood to recommend"],
        ["8103", "Revenue per user"],
    ]


def test_numerical_exact_answer_with_margin_and_without() -> None:
    question = canvas()["Conversion rate"]
    assert question.type == QType.NUMERICAL
    assert question.default_grade == 1.5
    first, second = question.answers
    assert (first.value, first.tolerance, first.fraction) == (10.5, 0.5, 1.0)
    assert first.feedback == plain("21 / 200 = 10.5 %.")
    assert first.text == plain("10.5")
    assert (second.value, second.tolerance) == (0.105, 0.0)
    assert extra(question)["answer_ids"] == ["9001", None]


def test_numerical_range_and_canvas_precision_answer() -> None:
    question = canvas()["Payback period"]
    months, pi = question.answers
    assert (months.value, months.tolerance, months.fraction) == (15.0, 3.0, 1.0)
    assert (pi.value, pi.tolerance, pi.fraction) == (3.14, 0.005, 0.5)
    forms = extra(question)["numeric"]
    assert isinstance(forms, list)
    assert [form["form"] for form in forms] == ["range", "precision"]


def test_calculated_is_read_as_numerical_without_answers_keeping_its_formula() -> None:
    result = read("canvas_quiz.xml")
    question = next(q for q in result.questions if q.name == "Revenue formula")
    assert (question.type, question.answers) == (QType.NUMERICAL, [])
    assert extra(question)["question_type"] == "calculated_question"
    calculated = extra(question)["calculated"]
    assert isinstance(calculated, dict)
    assert calculated["tag"] == "itemproc_extension"
    assert any("calculated" in m for m in warnings_of(result, "Revenue formula"))


def test_essay_file_upload_and_text_only() -> None:
    result = read("canvas_quiz.xml")
    questions = {q.name: q for q in result.questions}
    essay, upload, text = (
        questions["Strategy memo"],
        questions["Upload your roadmap"],
        questions["Case study"],
    )
    assert (essay.type, essay.default_grade) == (QType.ESSAY, 5.0)
    assert essay.general_feedback == plain("Graded against the memo rubric.")
    assert upload.type == QType.ESSAY
    assert extra(upload)["question_type"] == "file_upload_question"
    assert any("file-upload" in m for m in warnings_of(result, "Upload your roadmap"))
    assert (text.type, text.default_grade) == (QType.DESCRIPTION, 0.0)


def test_a_question_group_is_kept_in_extra_with_a_warning() -> None:
    result = read("canvas_quiz.xml")
    kano, moscow = result.questions[-2:]
    group = extra(kano)["group"]
    assert group == extra(moscow)["group"]
    assert isinstance(group, dict)
    assert (group["ident"], group["title"]) == (
        "g7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d",
        "Pick one of two",
    )
    assert "group" not in extra(result.questions[0])
    assert any("picks questions at random" in m for m in warnings_of(result, "Kano basics"))


def test_the_assessment_and_its_metadata_are_kept_for_each_question() -> None:
    question = read("canvas_quiz.xml").questions[0]
    assert extra(question)["quiz"] == {
        "kind": "assessment",
        "ident": "g3f0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e",
        "title": "Product metrics check",
        "metadata": [["qmd_timelimit", "30"], ["cc_maxattempts", "1"]],
        "root_section": "root_section",
    }


def test_a_canvas_question_bank_file_is_read() -> None:
    result = read("question_bank.xml")
    roadmap, themes = result.questions
    assert extra(roadmap)["quiz"] == {
        "kind": "objectbank",
        "ident": "g8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d",
        "title": "Roadmapping bank",
        "metadata": [["bank_title", "Roadmapping bank"]],
    }
    assert [a.fraction for a in roadmap.answers] == [1.0, 0.0, 0.0]
    assert (themes.type, themes.default_grade) == (QType.ESSAY, 4.0)
    assert result.warnings == []


def test_items_without_canvas_metadata_are_read_from_their_form() -> None:
    result = read("generic_qti.xml")
    text = (FIXTURES / "generic_qti.xml").read_text(encoding="utf-8")
    cadence, size, story, reflection, instructions, guardrails = result.questions
    assert cadence.source.line == line_number(text, '<item ident="GEN-1"')
    assert cadence.type == QType.MULTICHOICE
    assert [(a.text, a.fraction) for a in cadence.answers] == [
        (plain("Weekly"), 1.0),
        (plain("Monthly"), 0.5),
        (plain("Once a year"), 0.0),
    ]
    assert cadence.hints == [plain("Continuous discovery is a habit.")]
    assert (size.type, size.answers[0].value) == (QType.NUMERICAL, 5.0)
    assert story.type == QType.SHORTANSWER
    assert extra(story)["case_sensitive"] is True
    assert reflection.type == QType.ESSAY
    assert instructions.type == QType.DESCRIPTION
    assert (guardrails.single, [a.fraction for a in guardrails.answers]) == (False, [0.5, 0.5, 0.0])
    messages = [str(w) for w in result.warnings]
    assert f"generic_qti.xml:{cadence.source.line}: question 'Discovery cadence': " in messages[0]
    assert any("<matimage> is not kept" in m for m in messages)
    assert any("<rubric> is not kept" in m for m in messages)
    assert any("read as numerical_question from its form" in m for m in messages)
    assert any("case-sensitive" in m for m in messages)


# -- reading: packages -------------------------------------------------------------------------


def test_a_package_reads_each_listed_quiz_with_its_meta_and_files() -> None:
    result = read("package")
    drop, rate, interview = result.questions
    assert (
        drop.source.file
        == "package/gb1a2c3d4e5f60718293a4b5c6d7e8f90/gb1a2c3d4e5f60718293a4b5c6d7e8f90.xml"
    )
    assert drop.source.line == 15
    quiz = extra(drop)["quiz"]
    assert isinstance(quiz, dict)
    assert quiz["title"] == "Funnel analysis"
    meta = (FIXTURES / "package/gb1a2c3d4e5f60718293a4b5c6d7e8f90/assessment_meta.xml").read_text()
    assert quiz["meta"] == meta
    png = (FIXTURES / "package/web_resources/Uploaded Media/funnel.png").read_bytes()
    assert drop.attachments == [Attachment("funnel.png", png, "/Uploaded Media/")]
    assert rate.attachments == drop.attachments  # the link is URL-encoded there
    assert (rate.answers[0].value, rate.answers[0].tolerance) == (80.0, 2.0)
    assert extra(interview)["quiz"] != quiz
    assert interview.type == QType.TRUEFALSE
    assert [w.question for w in result.warnings] == ["Interview goal"]


def test_a_package_without_a_manifest_reads_its_qti_files_with_a_warning() -> None:
    files = {"quiz/quiz.xml": CANVAS.read_bytes()}
    result = qti12.read(zip_of(files), "bare.zip")
    assert len(result.questions) == 16
    assert result.questions[0].source.file == "bare.zip/quiz/quiz.xml"
    assert "no imsmanifest.xml" in result.warnings[0].message


def test_a_file_no_question_uses_is_reported() -> None:
    folder = FIXTURES / "package"
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    files["notes/readme.txt"] = b"exported by hand"
    result = qti12.read(zip_of(files), "extra.zip")
    assert any(
        w.location.file == "extra.zip/notes/readme.txt" and "not used" in w.message
        for w in result.warnings
    )


# -- writing -----------------------------------------------------------------------------------


def pm_questions() -> list[QuizQuestion]:
    """Questions as pmpath's mapping makes them: Markdown texts, tags, a category."""
    markdown = TextFormat.MARKDOWN
    return [
        QuizQuestion(
            type=QType.MULTICHOICE,
            text=Text("Which is a **leading** indicator?", markdown),
            name="sample-001",
            id_number="sample-001",
            answers=[
                Answer(Text("Activation", markdown), 1.0, Text("Yes", markdown)),
                Answer(Text("Revenue", markdown), 0.0),
            ],
            tags=["level:mid-career", "difficulty:3"],
            category="pm-core/metrics",
            general_feedback=Text("Leading indicators move first.", markdown),
        ),
        QuizQuestion(
            type=QType.NUMERICAL,
            text=Text("How many users?", markdown),
            name="sample-002",
            id_number="sample-002",
            answers=[
                Answer(Text("300", markdown), 1.0, value=300.0, tolerance=0.1),
                Answer(Text("15", markdown), 0.0, Text("That is the rate.", markdown), value=15.0),
            ],
            extra={"unit": "users"},
        ),
        QuizQuestion(
            type=QType.ORDERING,
            text=Text("Order the Scrum events.", markdown),
            name="sample-005",
            id_number="sample-005",
            order=[Text("Sprint Planning", markdown), Text("Daily Scrum", markdown)],
            extra={"rationales": ["First.", "Every day."]},
        ),
        QuizQuestion(
            type=QType.SHORTANSWER,
            text=Text("The quality bar is the ____.", markdown),
            name="sample-007",
            id_number="sample-007",
            answers=[
                Answer(Text("Definition of Done", markdown), 1.0),
                Answer(Text("DoD", markdown), 1.0),
                Answer(Text("Acceptance criteria", markdown), 0.0, Text("Per story.", markdown)),
            ],
        ),
    ]


def test_the_writer_makes_a_canvas_package_with_manifest_quiz_folder_and_meta() -> None:
    data, _ = qti12.write(pm_questions())
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == [
        "imsmanifest.xml",
        "pmpath_export/assessment_meta.xml",
        "pmpath_export/pmpath_export.xml",
    ]
    manifest = archive.read("imsmanifest.xml").decode()
    assert 'type="imsqti_xmlv1p2"' in manifest
    assert 'href="pmpath_export/pmpath_export.xml"' in manifest
    assert 'type="associatedcontent/imscc_xmlv1p1/learning-application-resource"' in manifest
    meta = archive.read("pmpath_export/assessment_meta.xml").decode()
    assert "<title>pmpath export</title>" in meta
    assert "<points_possible>4.0</points_possible>" in meta


def test_questions_from_other_formats_come_back_with_their_answers_tags_and_category() -> None:
    result, warnings = roundtrip(pm_questions())
    choice, number, ordering, short = result.questions
    markdown = TextFormat.MARKDOWN
    assert choice.type == QType.MULTICHOICE
    assert choice.text == Text("Which is a **leading** indicator?", markdown)
    assert [(a.text.text, a.fraction) for a in choice.answers] == [
        ("Activation", 1.0),
        ("Revenue", 0.0),
    ]
    assert choice.answers[0].feedback == Text("Yes", markdown)
    assert (choice.tags, choice.category) == (
        ["level:mid-career", "difficulty:3"],
        "pm-core/metrics",
    )
    assert (choice.id_number, choice.name) == ("sample-001", "sample-001")
    assert choice.general_feedback == Text("Leading indicators move first.", markdown)
    assert [(a.value, a.tolerance, a.fraction) for a in number.answers] == [
        (300.0, 0.1, 1.0),
        (15.0, None, 0.0),
    ]
    assert number.answers[1].feedback == Text("That is the rate.", markdown)
    assert number.extra["unit"] == "users"
    assert ordering.type == QType.ORDERING
    assert ordering.order == [Text("Sprint Planning", markdown), Text("Daily Scrum", markdown)]
    assert ordering.extra["rationales"] == ["First.", "Every day."]
    assert [(a.text.text, a.fraction) for a in short.answers] == [
        ("Definition of Done", 1.0),
        ("DoD", 1.0),
        ("Acceptance criteria", 0.0),
    ]
    assert short.answers[2].feedback == Text("Per story.", markdown)
    assert not any("text/plain" in m for m in warnings)
    assert any("no ordering question" in m for m in warnings)
    assert any("every answer of a short-answer question for a right one" in m for m in warnings)


def test_an_ordering_question_is_a_matching_question_to_canvas() -> None:
    data, _ = qti12.write([pm_questions()[2]])
    document = zipfile.ZipFile(io.BytesIO(data)).read("pmpath_export/pmpath_export.xml").decode()
    assert "<fieldentry>matching_question</fieldentry>" in document
    assert "<fieldlabel>pmpath_type</fieldlabel>" in document
    assert document.count("<response_lid ") == 2


def test_other_extra_values_travel_as_json_and_unwritable_ones_are_reported() -> None:
    question = QuizQuestion(
        QType.ESSAY, plain("Why?"), extra={"unit": "days", "blob": b"bytes", "moodle": {"a": 1}}
    )
    result, warnings = roundtrip([question])
    back = result.questions[0]
    assert (back.extra["unit"], back.extra["moodle"]) == ("days", {"a": 1})
    assert "blob" not in back.extra
    assert "extra value 'blob' cannot be written as JSON: left out" in warnings


def test_feedback_on_an_unmatched_choice_is_reported() -> None:
    question = QuizQuestion(
        QType.MATCHING,
        plain("Match"),
        pairs=[MatchPair(plain("a"), "1"), MatchPair(plain(""), "2", plain("Never right."))],
    )
    result, warnings = roundtrip([question])
    assert result.questions[0].pairs == [MatchPair(plain("a"), "1"), MatchPair(plain(""), "2")]
    assert any("unmatched choices" in m for m in warnings)


def test_the_writer_names_each_question_it_warns_about() -> None:
    _, warnings = qti12.write(pm_questions())
    assert {w.question for w in warnings} == {
        "sample-002",
        "sample-005",
        "sample-007",
    }


def test_what_canvas_cannot_hold_is_reported() -> None:
    question = QuizQuestion(
        type=QType.MULTICHOICE,
        text=Text("Pick one"),
        name="q",
        answers=[Answer(plain("a"), 1.0), Answer(plain("b"), 0.5), Answer(plain("c"), -0.5)],
        hints=[plain("Think.")],
        penalty=0.33,
    )
    result, warnings = roundtrip([question])
    assert [a.fraction for a in result.questions[0].answers] == [1.0, 0.5, -0.5]
    assert result.questions[0].hints == [plain("Think.")]
    assert any("full or no credit" in m for m in warnings)
    assert any("hint" in m for m in warnings)
    assert any("penalty" in m for m in warnings)
    assert any("moodle text is written as plain text" in m for m in warnings)


def test_multiple_answers_are_written_as_added_shares() -> None:
    question = QuizQuestion(
        type=QType.MULTICHOICE,
        text=plain("Pick all"),
        single=False,
        answers=[Answer(plain("a"), 0.5), Answer(plain("b"), 0.5), Answer(plain("c"), -1.0)],
    )
    data, _ = qti12.write([question])
    document = zipfile.ZipFile(io.BytesIO(data)).read("pmpath_export/pmpath_export.xml").decode()
    assert '<setvar action="Add" varname="SCORE">50</setvar>' in document
    assert '<setvar action="Add" varname="SCORE">-100</setvar>' in document
    result = qti12.read(data, "w.zip")
    assert [a.fraction for a in result.questions[0].answers] == [0.5, 0.5, -1.0]


def test_a_cloze_with_a_numerical_blank_is_written_as_text_blanks_with_a_warning() -> None:
    question = QuizQuestion(
        type=QType.CLOZE,
        text=plain("Capital of France: {#1}. Answer to everything: {#2}."),
        blanks=[
            QuizQuestion(QType.SHORTANSWER, Text(""), answers=[Answer(plain("Paris"), 1.0)]),
            QuizQuestion(
                QType.NUMERICAL,
                Text(""),
                answers=[Answer(plain("42"), 1.0, value=42.0, tolerance=1.0)],
            ),
        ],
    )
    result, warnings = roundtrip([question])
    back = result.questions[0]
    assert back.text == question.text
    assert [b.name for b in back.blanks] == ["blank1", "blank2"]
    assert [b.answers[0].text.text for b in back.blanks] == ["Paris", "42"]
    assert any("tolerance left out" in m for m in warnings)


def test_duplicate_id_numbers_get_new_idents_with_a_warning() -> None:
    first = QuizQuestion(QType.ESSAY, plain("One"), id_number="same")
    second = QuizQuestion(QType.ESSAY, plain("Two"), id_number="same")
    result, warnings = roundtrip([first, second])
    assert [q.id_number for q in result.questions] == ["same", "item_2"]
    assert any("'same' is taken" in m for m in warnings)


def test_texts_xml_cannot_hold_are_cleaned_with_a_warning() -> None:
    question = QuizQuestion(QType.DESCRIPTION, plain("line one\r\nline two\x01"))
    result, warnings = roundtrip([question])
    assert result.questions[0].text == plain("line one\nline two")
    assert any("carriage returns" in m for m in warnings)
    assert any("XML cannot hold" in m for m in warnings)


def test_attachments_are_written_under_web_resources() -> None:
    image = Attachment("chart.png", b"\x89PNG fake", "/")
    question = QuizQuestion(
        QType.DESCRIPTION,
        html('<img src="@@PLUGINFILE@@/chart.png">'),
        attachments=[image],
    )
    data, warnings = qti12.write([question])
    assert "web_resources/chart.png" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    back = qti12.read(data, "w.zip").questions[0]
    assert back.text == html('<img src="$IMS-CC-FILEBASE$/chart.png">')
    assert back.attachments == [image]
    assert any("@@PLUGINFILE@@" in w.message for w in warnings)


def test_questions_of_one_quiz_are_kept_together() -> None:
    questions = read("package").questions
    shuffled = [questions[0], questions[2], questions[1]]
    result, warnings = roundtrip(shuffled)
    assert [q.name for q in result.questions] == ["Biggest drop", "Drop-off rate", "Interview goal"]
    assert any("moved next to the other questions of its quiz" in m for m in warnings)


# -- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["canvas_quiz.xml", "question_bank.xml", "generic_qti.xml", "package"]
)
def test_every_fixture_survives_a_round_trip(name: str) -> None:
    first = read(name)
    data, _ = qti12.write(first.questions)
    again = qti12.read(data, "again.zip")
    assert len(again.questions) == len(first.questions)
    for before, after in zip(first.questions, again.questions, strict=True):
        assert after == before, before.name


def test_a_second_round_trip_writes_the_same_bytes() -> None:
    data, _ = qti12.write(read("canvas_quiz.xml").questions)
    again, _ = qti12.write(qti12.read(data, "w.zip").questions)
    assert again == data


# -- bad input ---------------------------------------------------------------------------------


def refused(data: bytes, source: str = "bad.xml") -> FormatError:
    with pytest.raises(FormatError) as caught:
        qti12.read(data, source)
    return caught.value


def test_broken_xml_is_refused_with_its_line() -> None:
    error = refused(b'<?xml version="1.0"?>\n<questestinterop>\n  <item>\n</questestinterop>\n')
    assert (error.location.file, error.location.line) == ("bad.xml", 4)
    assert "invalid XML" in error.problems[0].message


def test_another_root_element_is_refused_at_its_line() -> None:
    error = refused(b'<?xml version="1.0"?>\n<!-- a quiz -->\n<quiz><question/></quiz>\n')
    assert error.location.line == 3
    assert "not a QTI 1.2 file" in str(error)


def test_an_unknown_encoding_is_refused() -> None:
    error = refused(b'<?xml version="1.0" encoding="klingon"?><questestinterop/>')
    assert error.location.file == "bad.xml"


def test_a_document_type_with_entities_is_refused() -> None:
    error = refused(
        b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa">]>'
        b"<questestinterop>&a;</questestinterop>"
    )
    assert "unsafe XML" in str(error)


def test_deep_nesting_is_refused() -> None:
    data = b"<questestinterop>" + b"<a>" * 500 + b"</a>" * 500 + b"</questestinterop>"
    assert "nested" in str(refused(data))


@pytest.mark.parametrize("member", ["../evil.xml", "/etc/evil.xml", "quiz/../../evil.xml"])
def test_zip_members_that_leave_the_archive_are_refused(member: str) -> None:
    data = zip_of({"imsmanifest.xml": b"<manifest/>", member: CANVAS.read_bytes()})
    error = refused(data, "evil.zip")
    assert error.location.file == "evil.zip"
    assert "leaves the archive" in str(error)


def test_a_zip_bomb_is_refused() -> None:
    data = zip_of({"imsmanifest.xml": b"<manifest/>", "bomb.xml": b"\0" * 5_000_000})
    error = refused(data, "bomb.zip")
    assert "zip bomb" in str(error)


def test_a_manifest_naming_a_missing_file_is_refused_at_its_line() -> None:
    manifest = (
        b'<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">\n'
        b"  <resources>\n"
        b'    <resource identifier="q" type="imsqti_xmlv1p2" href="q/q.xml">\n'
        b'      <file href="q/q.xml"/>\n'
        b"    </resource>\n"
        b"  </resources>\n"
        b"</manifest>\n"
    )
    error = refused(zip_of({"imsmanifest.xml": manifest}), "p.zip")
    assert (error.location.file, error.location.line) == ("p.zip/imsmanifest.xml", 3)
    assert "'q/q.xml'" in str(error)


def test_a_manifest_without_qti_resources_is_refused() -> None:
    manifest = (
        b'<manifest><resources><resource type="webcontent" href="a.html"/></resources></manifest>'
    )
    error = refused(zip_of({"imsmanifest.xml": manifest, "a.html": b"<p/>"}), "p.zip")
    assert "lists no QTI 1.2 assessment" in str(error)


def test_a_zip_without_qti_is_refused() -> None:
    error = refused(zip_of({"notes.txt": b"hello"}), "p.zip")
    assert error.location.file == "p.zip"


def test_a_bad_qti_file_in_a_package_is_refused_with_its_member_and_line() -> None:
    files = {"q/q.xml": b"<questestinterop>\n<item>\n</questestinterop>"}
    error = refused(zip_of(files), "p.zip")
    assert (error.location.file, error.location.line) == ("p.zip/q/q.xml", 3)


# -- properties --------------------------------------------------------------------------------


def assert_only_format_errors(data: bytes, source: str) -> None:
    """``read`` returns a QuizFile or raises a FormatError located in ``source``."""
    error: FormatError | None = None
    try:
        result = qti12.read(data, source)
    except FormatError as caught:
        error = caught
    if error is None:
        assert isinstance(result, QuizFile)
    else:
        assert all(str(p.location.file).startswith(source) for p in error.problems)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_nothing_but_format_errors(data: bytes) -> None:
    assert_only_format_errors(data, "fuzz.xml")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_raises_nothing_but_format_errors(text: str) -> None:
    assert_only_format_errors(text.encode("utf-8"), "fuzz.xml")


ITEM = CANVAS.read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(ITEM) - 1), st.integers(0, 200), st.text(max_size=20))
def test_damaged_canvas_files_raise_nothing_but_format_errors(
    at: int, cut: int, insert: str
) -> None:
    damaged = ITEM[:at] + insert + ITEM[at + cut :]
    assert_only_format_errors(damaged.encode("utf-8"), "damaged.xml")


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=500))
def test_arbitrary_zip_members_raise_nothing_but_format_errors(content: bytes) -> None:
    assert_only_format_errors(zip_of({"imsmanifest.xml": content, "q.xml": content}), "f.zip")


TEXTS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=4), TEXTS)
def test_any_choice_texts_survive_writing(choices: list[str], stem: str) -> None:
    question = QuizQuestion(
        QType.MULTICHOICE,
        html(stem),
        answers=[Answer(html(text), 1.0 if i == 0 else 0.0) for i, text in enumerate(choices)],
    )
    data, warnings = qti12.write([question])
    back = qti12.read(data, "w.zip").questions[0]
    if not warnings:
        assert back.text == question.text
        assert back.answers == question.answers


FORMATS = st.sampled_from(list(TextFormat))
ANY_TEXT = st.builds(Text, st.text(max_size=15), FORMATS)
NUMBERS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, 0.5, 1.0, -1.0])
ANSWERS = st.lists(
    st.builds(
        Answer,
        ANY_TEXT,
        NUMBERS,
        st.none() | ANY_TEXT,
        st.none() | NUMBERS,
        st.none() | NUMBERS,
    ),
    max_size=4,
)
GARBAGE = st.recursive(
    st.none() | st.text(max_size=5) | st.integers(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
EXTRA_KEYS = (
    "quiz",
    "group",
    "metadata",
    "answer_ids",
    "match_ids",
    "numeric",
    "scoring",
    "question_type",
    "calculated",
    "correct_feedback",
    "case_sensitive",
)
EXTRA = st.fixed_dictionaries({}, optional=dict.fromkeys(EXTRA_KEYS, GARBAGE))


@st.composite
def any_question(draw: st.DrawFn) -> QuizQuestion:
    blanks = draw(
        st.lists(
            st.builds(QuizQuestion, st.sampled_from(list(QType)), ANY_TEXT, answers=ANSWERS),
            max_size=3,
        )
    )
    return QuizQuestion(
        type=draw(st.sampled_from(list(QType))),
        text=draw(ANY_TEXT),
        name=draw(st.none() | st.text(max_size=8)),
        id_number=draw(st.none() | st.text(max_size=8)),
        answers=draw(ANSWERS),
        single=draw(st.booleans()),
        pairs=draw(st.lists(st.builds(MatchPair, ANY_TEXT, st.text(max_size=8)), max_size=3)),
        order=draw(st.lists(ANY_TEXT, max_size=3)),
        blanks=blanks,
        general_feedback=draw(st.none() | ANY_TEXT),
        hints=draw(st.lists(ANY_TEXT, max_size=2)),
        tags=draw(st.lists(st.text(max_size=8), max_size=2)),
        category=draw(st.none() | st.text(max_size=8)),
        default_grade=draw(NUMBERS),
        penalty=draw(st.none() | NUMBERS),
        shuffle=draw(st.none() | st.booleans()),
        extra={"qti12": draw(EXTRA)},
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(any_question(), max_size=3))
def test_the_writer_writes_every_question_of_any_shape_readably(
    questions: list[QuizQuestion],
) -> None:
    data, _ = qti12.write(questions)
    # Gaps questions are left out (with a warning): the writer has no form for them yet.
    written = [question for question in questions if question.type is not QType.GAPS]
    assert len(qti12.read(data, "w.zip").questions) == len(written)
