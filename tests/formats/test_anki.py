"""Anki export: one note per question, opened back from the .apkg as Anki would read it."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from dataclasses import dataclass, replace
from io import BytesIO

from hypothesis import given, settings
from hypothesis import strategies as st

from pmpath.errors import Location
from pmpath.formats import anki
from pmpath.formats.mapping import bank_to_quiz
from pmpath.formats.quiz import (
    Answer,
    Attachment,
    GapChoice,
    MatchPair,
    QType,
    QuizQuestion,
    Text,
    TextFormat,
)
from pmpath.formats.safety import open_zip
from pmpath.framework import bundled_framework_path, load_framework
from pmpath.services.banks import open_bank

PLAIN, HTML, MARKDOWN = TextFormat.PLAIN, TextFormat.HTML, TextFormat.MARKDOWN


@dataclass
class Note:
    id: int
    guid: str
    model_id: int
    modified: int
    tags: list[str]
    front: str
    back: str


@dataclass
class Package:
    files: dict[str, bytes]
    notes: list[Note]
    cards: list[tuple[int, int, int]]  # note id, deck id, modified
    decks: dict[str, object]
    models: dict[str, object]

    @property
    def media(self) -> dict[str, bytes]:
        names: dict[str, str] = json.loads(self.files["media"])
        return {name: self.files[index] for index, name in names.items()}


def open_package(data: bytes) -> Package:
    """The notes, cards, decks and note types of an .apkg, read with sqlite3."""
    files = open_zip(data, "test.apkg")
    connection = sqlite3.connect(":memory:")
    connection.deserialize(files["collection.anki2"])
    notes = [
        Note(row[0], row[1], row[2], row[3], row[4].split(), *row[5].split("\x1f"))
        for row in connection.execute(
            "SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id"
        )
    ]
    cards = connection.execute("SELECT nid, did, mod FROM cards ORDER BY id").fetchall()
    decks_json, models_json = connection.execute("SELECT decks, models FROM col").fetchone()
    connection.close()
    return Package(files, notes, cards, json.loads(decks_json), json.loads(models_json))


def export(*questions: QuizQuestion) -> tuple[Package, list[str]]:
    data, warnings = anki.write(list(questions))
    return open_package(data), [f"{w.question}: {w.message}" for w in warnings]


def choice(**fields: object) -> QuizQuestion:
    values: dict[str, object] = {
        "type": QType.MULTICHOICE,
        "name": "rice",
        "text": Text("Which framework weighs reach & impact against effort?", PLAIN),
        "answers": [
            Answer(Text("Kano", PLAIN), 0.0, Text("Kano sorts features by delight.", PLAIN)),
            Answer(Text("RICE", PLAIN), 1.0, Text("Reach, impact, confidence, effort.", PLAIN)),
        ],
        "general_feedback": Text("RICE is a scoring model.", PLAIN),
        "tags": ["prioritisation"],
        "category": "PM Core/Prioritisation",
    }
    values.update(fields)
    return QuizQuestion(**values)  # type: ignore[arg-type]


# -- the notes --------------------------------------------------------------------------------


def test_a_single_answer_question_becomes_one_lettered_note() -> None:
    package, warnings = export(choice())
    assert warnings == []
    [note] = package.notes
    assert note.front == (
        '<div class="stem">Which framework weighs reach &amp; impact against effort?</div>'
        '<div class="option"><span class="letter">A.</span> Kano</div>'
        '<div class="option"><span class="letter">B.</span> RICE</div>'
    )
    assert note.back == (
        '<div class="answer"><span class="letter">B.</span> RICE</div>'
        '<div class="feedback"><span class="letter">A.</span> Kano sorts features by delight.</div>'
        '<div class="feedback"><span class="letter">B.</span> Reach, impact, confidence, effort.'
        "</div>"
        '<div class="general-feedback">RICE is a scoring model.</div>'
    )
    assert len(package.cards) == 1


def test_tags_come_from_the_tags_and_the_category() -> None:
    package, warnings = export(choice(tags=["prioritisation", "two words", "level:entry"]))
    assert package.notes[0].tags == [
        "prioritisation",
        "two_words",
        "level:entry",
        "PM_Core::Prioritisation",
    ]
    assert warnings == [
        "rice: the tag 'two words' is written as 'two_words': Anki tags have no spaces"
    ]


def test_a_multiple_answer_question_says_so_and_shows_every_right_answer() -> None:
    question = choice(
        single=False,
        answers=[
            Answer(Text("Interviews", PLAIN), 0.5),
            Answer(Text("A/B tests", PLAIN), 0.0),
            Answer(Text("Diary studies", PLAIN), 0.5),
        ],
        general_feedback=None,
    )
    package, _ = export(question)
    [note] = package.notes
    assert '<div class="instruction">Select all that apply.</div>' in note.front
    assert note.back == (
        '<div class="answer"><span class="letter">A.</span> Interviews (50%)</div>'
        '<div class="answer"><span class="letter">C.</span> Diary studies (50%)</div>'
    )


def test_true_false_short_answer_and_numerical_backs() -> None:
    true_false = QuizQuestion(
        type=QType.TRUEFALSE,
        name="tf",
        text=Text("A roadmap is a promise of dates."),
        answers=[Answer(Text("True"), 0.0, Text("No.")), Answer(Text("False"), 1.0)],
    )
    short = QuizQuestion(
        type=QType.SHORTANSWER,
        name="sa",
        text=Text("Expand DoD."),
        answers=[Answer(Text("Definition of Done"), 1.0), Answer(Text("DoD"), 0.5)],
    )
    numerical = QuizQuestion(
        type=QType.NUMERICAL,
        name="num",
        text=Text("NPS with 60 % promoters, 25 % detractors?"),
        answers=[
            Answer(Text("35"), 1.0, None, 35.0, 0.5),
            Answer(Text("85"), 0.0, Text("Subtract detractors."), 85.0, 0.0),
        ],
        extra={"unit": "points"},
    )
    package, warnings = export(true_false, short, numerical)
    assert warnings == []
    tf_note, short_note, number_note = package.notes
    assert tf_note.front.endswith('<div class="instruction">True or false?</div>')
    assert tf_note.back == (
        '<div class="answer">False</div>'
        '<div class="feedback"><span class="letter">True:</span> No.</div>'
    )
    assert short_note.back == (
        '<div class="answer">Definition of Done</div><div class="answer">DoD (50%)</div>'
    )
    assert number_note.back == (
        '<div class="answer">35 &plusmn; 0.5 points</div>'
        '<div class="feedback"><span class="letter">85 points:</span> Subtract detractors.</div>'
    )


def test_matching_lists_the_prompts_and_the_choices() -> None:
    question = QuizQuestion(
        type=QType.MATCHING,
        name="match",
        text=Text("Match the artefacts."),
        pairs=[
            MatchPair(Text("Product Backlog"), "Everything"),
            MatchPair(Text("Sprint Backlog"), "The plan", Text("Owned by developers.")),
            MatchPair(Text(""), "The budget"),
        ],
    )
    package, _ = export(question)
    [note] = package.notes
    assert note.front == (
        '<div class="stem">Match the artefacts.</div>'
        '<div class="prompt"><span class="letter">1.</span> Product Backlog</div>'
        '<div class="prompt"><span class="letter">2.</span> Sprint Backlog</div>'
        '<div class="instruction">Match each with one of: Everything, The budget, The plan</div>'
    )
    assert note.back == (
        '<div class="answer"><span class="letter">1.</span> Product Backlog &rarr; Everything</div>'
        '<div class="answer"><span class="letter">2.</span> Sprint Backlog &rarr; The plan</div>'
        '<div class="feedback">2. Owned by developers.</div>'
    )


def test_ordering_shows_the_items_alphabetically_and_the_order_on_the_back() -> None:
    question = QuizQuestion(
        type=QType.ORDERING,
        name="order",
        text=Text("Order the steps."),
        order=[Text("Frame"), Text("Interview"), Text("Build")],
        extra={"rationales": ["first", "", "last"]},
    )
    package, _ = export(question)
    [note] = package.notes
    assert note.front.endswith("<ul><li>Build</li><li>Frame</li><li>Interview</li></ul>")
    assert note.back == (
        '<ol class="answer"><li>Frame <span class="feedback">&mdash; first</span></li>'
        '<li>Interview</li><li>Build <span class="feedback">&mdash; last</span></li></ol>'
    )


def test_cloze_blanks_are_numbered_and_answered_on_the_back() -> None:
    blank = QuizQuestion(type=QType.SHORTANSWER, text=Text(""), answers=[Answer(Text("Goal"), 1.0)])
    question = QuizQuestion(
        type=QType.CLOZE,
        name="cloze",
        text=Text("The Product {#1} is the commitment of the Product Backlog."),
        blanks=[blank],
    )
    package, _ = export(question)
    [note] = package.notes
    assert note.front == (
        '<div class="stem">The Product <b>[1]</b> _____ is the commitment of the Product '
        "Backlog.</div>"
    )
    assert note.back == '<div class="answer"><span class="letter">[1]</span> Goal</div>'


def test_questions_without_a_right_answer_get_a_warning_and_no_card() -> None:
    essay = QuizQuestion(type=QType.ESSAY, name="essay", text=Text("Discuss."))
    description = QuizQuestion(type=QType.DESCRIPTION, text=Text("A scenario."))
    wrong = choice(name="wrong", answers=[Answer(Text("a"), 0.0), Answer(Text("b"), -1.0)])
    package, warnings = export(essay, description, wrong, choice())
    assert [note.guid for note in package.notes] == [package.notes[0].guid]
    assert warnings == [
        "essay: essay questions have no right answer to put on a card: no card",
        "#2: description questions have no right answer to put on a card: no card",
        "wrong: no answer earns credit, so the card would have no answer: no card",
    ]


def test_an_export_without_cards_is_an_empty_package_with_a_warning() -> None:
    data, warnings = anki.write([])
    assert open_package(data).notes == []
    assert [w.message for w in warnings] == ["no question became a card: the package is empty"]


def test_warnings_carry_the_questions_source() -> None:
    essay = QuizQuestion(type=QType.ESSAY, text=Text("x"), source=Location("bank.xml", 12))
    _, [warning, _empty] = anki.write([essay])
    assert warning.location == Location("bank.xml", 12)
    assert warning.question == "#1"


def test_what_a_flashcard_cannot_hold_is_reported() -> None:
    question = choice(
        default_grade=2.0,
        penalty=0.1,
        shuffle=True,
        answers=[Answer(Text("a"), 1.0), Answer(Text("b"), -0.5)],
        extra={"canvas_id": "g1"},
    )
    _, warnings = export(question)
    assert warnings == [
        "rice: not kept, a flashcard cannot hold them: the default grade 2, the penalty, the "
        "shuffle setting, the negative weights of wrong answers, extra values (canvas_id)"
    ]


def test_texts_are_rendered_by_their_format() -> None:
    question = choice(
        text=Text("Pick **one**:\n\n- a list <script>", MARKDOWN),
        answers=[
            Answer(Text("<b>bold</b>", HTML), 1.0),
            Answer(Text("line one\nline two <i>", PLAIN), 0.0),
            Answer(Text("moodle <i>html</i>\nbreak", TextFormat.MOODLE), 0.0),
        ],
        general_feedback=None,
    )
    package, _ = export(question)
    front = package.notes[0].front
    assert "<p>Pick <strong>one</strong>:</p>" in front
    assert "<li>a list &lt;script&gt;</li>" in front
    assert "</span> <b>bold</b></div>" in front
    assert "</span> line one<br>line two &lt;i&gt;</div>" in front
    assert "</span> moodle <i>html</i><br>break</div>" in front


def test_attached_files_become_anki_media() -> None:
    question = choice(
        text=Text('See <img src="@@PLUGINFILE@@/chart%201.png">', HTML),
        attachments=[Attachment("chart 1.png", b"PNG1"), Attachment("unused.txt", b"x")],
    )
    other = choice(
        name="other",
        text=Text(
            '<img src="@@PLUGINFILE@@/chart%201.png"><img src="@@PLUGINFILE@@/gone.png">', HTML
        ),
        attachments=[Attachment("chart 1.png", b"PNG2")],
    )
    package, warnings = export(question, other)
    assert package.media == {"chart_1.png": b"PNG1", "q2-chart_1.png": b"PNG2"}
    assert '<img src="chart_1.png">' in package.notes[0].front
    assert '<img src="q2-chart_1.png"><img src="@@PLUGINFILE@@/gone.png">' in (
        package.notes[1].front
    )
    assert warnings == [
        "rice: the attachment 'unused.txt' is not used by any text on the card: left out",
        "other: the text refers to '/gone.png', which is not attached: the link is broken",
    ]


# -- determinism ------------------------------------------------------------------------------


def test_the_same_questions_give_the_same_bytes() -> None:
    questions = [choice(), choice(name="second", id_number="Q-2")]
    first, _ = anki.write(questions)
    second, _ = anki.write(questions)
    assert first == second
    with zipfile.ZipFile(BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {anki.ZIP_DATE}


def test_ids_derive_from_stable_hashes_and_timestamps_are_fixed() -> None:
    package, _ = export(choice())
    deck_id = anki.stable_id(f"pmpath deck: {anki.DECK_NAME}")
    model_id = anki.stable_id(f"pmpath note type: {anki.MODEL_NAME} v1")
    assert 1 << 30 <= deck_id < 1 << 31
    assert package.decks[str(deck_id)]["name"] == "pmpath"  # type: ignore[index]
    assert package.models[str(model_id)]["name"] == "pmpath question"  # type: ignore[index]
    [note] = package.notes
    assert note.model_id == model_id
    assert note.modified == anki.TIMESTAMP
    assert package.cards == [(note.id, deck_id, anki.TIMESTAMP)]


def test_a_note_keeps_its_guid_when_the_question_is_edited() -> None:
    before, _ = export(choice(id_number="PM-1"))
    after, _ = export(choice(id_number="PM-1", text=Text("Edited stem?")))
    renamed, _ = export(choice(id_number="PM-2"))
    assert before.notes[0].guid == after.notes[0].guid
    assert before.notes[0].guid != renamed.notes[0].guid


def test_questions_with_the_same_identity_get_distinct_guids() -> None:
    package, _ = export(choice(), choice(), replace(choice(), name=None))
    assert len({note.guid for note in package.notes}) == 3


def test_the_bundled_bank_exports_every_answerable_item() -> None:
    questions = bank_to_quiz(open_bank(load_framework(bundled_framework_path())))
    package, warnings = export(*questions)
    descriptions = [q for q in questions if q.type is QType.DESCRIPTION]
    assert len(package.notes) == len(questions) - len(descriptions)
    assert all("a shared case has no card" in w or "negative weights" in w for w in warnings)
    assert all(note.tags for note in package.notes)


# -- never a crash ----------------------------------------------------------------------------

TEXTS = st.builds(Text, st.text(max_size=40), st.sampled_from(list(TextFormat)))
QUESTIONS = st.builds(
    QuizQuestion,
    type=st.sampled_from(list(QType)),
    text=TEXTS,
    name=st.none() | st.text(max_size=10),
    answers=st.lists(
        st.builds(
            Answer,
            TEXTS,
            st.sampled_from([1.0, 0.5, 0.0, -0.5]),
            st.none() | TEXTS,
            st.none() | st.floats(allow_nan=False, allow_infinity=False),
            st.none() | st.floats(min_value=0, max_value=10),
        ),
        max_size=4,
    ),
    pairs=st.lists(st.builds(MatchPair, TEXTS, st.text(max_size=10)), max_size=3),
    order=st.lists(TEXTS, max_size=3),
    choices=st.lists(
        st.builds(GapChoice, TEXTS, st.integers(1, 3), st.booleans(), st.none() | TEXTS),
        max_size=4,
    ),
    tags=st.lists(st.text(max_size=10), max_size=3),
    category=st.none() | st.text(max_size=20),
    attachments=st.lists(
        st.builds(Attachment, st.text(max_size=10), st.binary(max_size=10)), max_size=2
    ),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(QUESTIONS, max_size=4))
def test_any_questions_give_a_package_that_opens(questions: list[QuizQuestion]) -> None:
    data, warnings = anki.write(questions)
    package = open_package(data)
    assert len(package.notes) + sum("no card" in w.message for w in warnings) == len(questions)


def test_the_field_separator_character_is_removed_from_texts() -> None:
    package, warnings = export(choice(text=Text("a\x1fb", PLAIN)))
    assert package.notes[0].front.startswith('<div class="stem">ab</div>')
    assert warnings == ["rice: the control character U+001F is removed from the card's texts"]
