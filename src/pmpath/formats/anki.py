"""Anki: questions as flashcards in an ``.apkg`` package (export only), built with genanki.

One note per question, of pmpath's own two-field note type: the front holds the stem (and the
options, lettered), the back the right answer(s), the per-answer feedback, the general
feedback and the hints. Tags come from the question's tags and its category. Questions
without a right answer (essay, description) get a warning and no card.

The package is deterministic: the deck and note type ids derive from a stable hash of their
names, note GUIDs from the question's id number, name or text, every timestamp inside the
collection is fixed, and the zip entries carry a fixed date, so the same questions give the
same bytes (with the same genanki, SQLite and zlib). The rules are in docs/formats.md
(section "Anki").
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import json
import re
import sqlite3
import warnings as python_warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

import genanki

from pmpath.exams.gaps import PLACEHOLDER, placeholders
from pmpath.formats.markdown import markdown_html
from pmpath.formats.numbers import number_text
from pmpath.formats.quiz import (
    ANSWERED_TYPES,
    Answer,
    Attachment,
    FormatWarning,
    QType,
    QuizQuestion,
    Text,
    TextFormat,
    Warn,
    leave_out,
    shared_cases,
    warner,
)

DECK_NAME = "pmpath"
MODEL_NAME = "pmpath question"
#: Every note and card is stamped 2024-01-01T00:00:00Z, not the time of the export.
TIMESTAMP = 1_704_067_200
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Extra values of pmpath's own questions (see formats.mapping) that the back shows.
SHOWN_EXTRA = ("unit", "rationales")
PLUGINFILE = re.compile(r"@@PLUGINFILE@@(/[^\"'<>\s)]*)")
BLANK = re.compile(r"\{#(\d+)\}")
MEDIA_NAME = re.compile(r"[^A-Za-z0-9._-]+")
CSS = """\
.card { font-family: sans-serif; font-size: 18px; text-align: left; color: black; }
.option, .prompt, .choice, .answer, .feedback { margin: 0.3em 0; }
.letter { font-weight: bold; }
.instruction, .hints { font-style: italic; }
.case { margin-bottom: 0.8em; padding-bottom: 0.5em; border-bottom: 1px solid #ccc; }
.case table { border-collapse: collapse; }
.case th, .case td { border: 1px solid #999; padding: 0.2em 0.4em; }
.feedback, .general-feedback, .hints { color: #444; }
"""


def stable_id(key: str) -> int:
    """An Anki id from ``key``: the same key always gives the same id, in Anki's id range."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[FormatWarning]]:
    """The ``.apkg`` package of ``questions``, one note each, and what could not be kept."""
    warnings: list[FormatWarning] = []
    model = _model()
    deck = genanki.Deck(stable_id(f"pmpath deck: {DECK_NAME}"), DECK_NAME)
    media = _Media()
    keys: set[str] = set()
    cases = shared_cases(questions)
    shown = {id(case) for case in cases.values()}
    for number, question in enumerate(questions, start=1):
        first = len(warnings)
        warn = warner(warnings, question, number)
        if id(question) in shown:
            # A flashcard is reviewed on its own: the case travels on its questions' fronts.
            warn("a shared case has no card of its own: its text is on its questions' cards")
            leave_out(warnings, first, question, number)
            continue
        render = _Render(question, number, media, warn, cases.get(number - 1))
        card = render.card()
        if card is None:
            leave_out(warnings, first, question, number)
            continue
        front, back = card
        render.check_media()
        if "\x1f" in front + back:
            # Anki separates a note's fields with U+001F, so it cannot appear inside one.
            warn("the control character U+001F is removed from the card's texts")
            front, back = front.replace("\x1f", ""), back.replace("\x1f", "")
        lost = _lost(question)
        if lost:
            warn(f"not kept, a flashcard cannot hold them: {', '.join(lost)}")
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[front, back],
                tags=_tags(question, warn),
                guid=genanki.guid_for("pmpath", _key(question, keys)),
            )
        )
    if not deck.notes:
        warnings.append(FormatWarning("no question became a card: the package is empty"))
    return _package(deck, media, keys), warnings


def _model() -> genanki.Model:
    return genanki.Model(
        stable_id(f"pmpath note type: {MODEL_NAME} v1"),
        MODEL_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Question",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
            }
        ],
        css=CSS,
    )


def _key(question: QuizQuestion, keys: set[str]) -> str:
    """What identifies the question across exports, so re-importing updates its note."""
    if question.id_number:
        key = f"id:{question.id_number}"
    elif question.name:
        key = f"name:{question.category or ''}/{question.name}"
    else:
        key = f"text:{question.category or ''}/{question.text.text}"
    unique = key
    for copy in itertools.count(2):
        if unique not in keys:
            break
        unique = f"{key}#{copy}"
    keys.add(unique)
    return unique


def _tags(question: QuizQuestion, warn: Warn) -> list[str]:
    tags: list[str] = []
    for tag in question.tags:
        written = re.sub(r"\s+", "_", tag.strip())
        if written != tag:
            warn(
                f"the tag {tag!r} is written as {written!r}: Anki tags have no spaces"
                if written
                else "an empty tag is left out"
            )
        if written and written not in tags:
            tags.append(written)
    if question.category:
        parts = [re.sub(r"\s+", "_", part.strip()) for part in question.category.split("/")]
        category = "::".join(part for part in parts if part)
        if category and category not in tags:
            tags.append(category)
    return tags


def _lost(question: QuizQuestion) -> list[str]:
    other_extra = sorted(key for key in question.extra if key not in SHOWN_EXTRA)
    checks = [
        (f"the default grade {number_text(question.default_grade)}", question.default_grade != 1.0),
        ("the penalty", question.penalty is not None),
        ("the shuffle setting", question.shuffle is not None),
        ("the negative weights of wrong answers", any(a.fraction < 0 for a in question.answers)),
        (f"extra values ({', '.join(other_extra)})", other_extra),
    ]
    return [what for what, present in checks if present]


# -- the card's two sides ---------------------------------------------------------------------


@dataclass
class _Media:
    """The package's media files: name -> data, in the order they were first used."""

    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, attachment: Attachment, number: int) -> str:
        name = MEDIA_NAME.sub("_", attachment.name.rsplit("/", 1)[-1]).strip("._") or "file"
        if self.files.get(name, attachment.data) != attachment.data:
            name = f"q{number}-{name}"
        self.files[name] = attachment.data
        return name


class _Render:
    """The front and back of one question's note, as HTML."""

    def __init__(
        self,
        question: QuizQuestion,
        number: int,
        media: _Media,
        warn: Warn,
        case: QuizQuestion | None = None,
    ) -> None:
        self.question = question
        self.case = case
        self.number = number
        self.media = media
        self.warn = warn
        self.used: set[int] = set()  # indexes of the attachments the texts refer to

    def card(self) -> tuple[str, str] | None:
        question = self.question
        kind = question.type
        if kind in (QType.ESSAY, QType.DESCRIPTION):
            self.warn(f"{kind.value} questions have no right answer to put on a card: no card")
            return None
        sides = self._sides()
        if sides is None:
            return None
        front, back = sides
        tail = ""
        if question.general_feedback:
            tail += _div("general-feedback", self.html(question.general_feedback))
        if question.hints:
            hints = "".join(f"<li>{self.html(hint)}</li>" for hint in question.hints)
            tail += f'<div class="hints">Hints:<ul>{hints}</ul></div>'
        return front, back + tail

    def _sides(self) -> tuple[str, str] | None:
        question = self.question
        kind = question.type
        if kind in ANSWERED_TYPES and not question.right_answers:
            self.warn("no answer earns credit, so the card would have no answer: no card")
            return None
        stem = self._case() + _div("stem", self.html(question.text))
        if kind is QType.MULTICHOICE:
            return self._choice(stem)
        if kind is QType.TRUEFALSE:
            front = stem + _div("instruction", "True or false?")
            back = "".join(
                _div("answer", self._answer_text(answer)) for answer in question.right_answers
            )
            return front, back + self._feedback(lambda answer, _index: self._named(answer))
        if kind is QType.SHORTANSWER:
            back = "".join(
                _div("answer", self._answer_text(answer)) for answer in question.right_answers
            )
            return stem, back + self._feedback(lambda answer, _index: self._named(answer))
        if kind is QType.NUMERICAL:
            back = "".join(
                _div("answer", self._number(answer)) for answer in question.right_answers
            )
            return stem, back + self._feedback(
                lambda answer, _index: f'<span class="letter">{self._value(answer)}:</span>'
            )
        if kind is QType.MATCHING:
            return self._matching(stem)
        if kind is QType.ORDERING:
            return self._ordering(stem)
        if kind is QType.GAPS:
            return self._gaps()
        return self._cloze()

    def _choice(self, stem: str) -> tuple[str, str]:
        question = self.question
        answers = question.answers
        front = stem
        if not question.single:
            front += _div("instruction", "Select all that apply.")
        front += "".join(
            _div("option", f'<span class="letter">{_letter(index)}.</span> {self.html(a.text)}')
            for index, a in enumerate(answers)
        )
        back = "".join(
            _div(
                "answer",
                f'<span class="letter">{_letter(index)}.</span> {self._answer_text(answer)}',
            )
            for index, answer in enumerate(answers)
            if answer.fraction > 0
        )
        return front, back + self._feedback(
            lambda _answer, index: f'<span class="letter">{_letter(index)}.</span>'
        )

    def _matching(self, stem: str) -> tuple[str, str] | None:
        pairs = [pair for pair in self.question.pairs if pair.left.text]
        if not pairs:
            self.warn("a matching question without pairs has no answer: no card")
            return None
        choices = sorted({pair.right for pair in self.question.pairs})
        front = stem + "".join(
            _div("prompt", f'<span class="letter">{index}.</span> {self.html(pair.left)}')
            for index, pair in enumerate(pairs, start=1)
        )
        front += _div(
            "instruction", "Match each with one of: " + ", ".join(html.escape(c) for c in choices)
        )
        back = ""
        for index, pair in enumerate(pairs, start=1):
            back += _div(
                "answer",
                f'<span class="letter">{index}.</span> {self.html(pair.left)} '
                f"&rarr; {html.escape(pair.right)}",
            )
            if pair.feedback:
                back += _div("feedback", f"{index}. {self.html(pair.feedback)}")
        return front, back

    def _ordering(self, stem: str) -> tuple[str, str] | None:
        order = self.question.order
        if not order:
            self.warn("an ordering question without items has no answer: no card")
            return None
        # The front lists the items alphabetically: a fixed order that gives nothing away.
        shown = sorted(order, key=lambda item: (item.text.casefold(), item.text))
        front = stem + _div("instruction", "Put these in order:")
        front += "<ul>" + "".join(f"<li>{self.html(item)}</li>" for item in shown) + "</ul>"
        rationales = self.question.extra.get("rationales")
        if not (
            isinstance(rationales, list)
            and len(rationales) == len(order)
            and all(isinstance(r, str) for r in rationales)
        ):
            rationales = [""] * len(order)
        items = "".join(
            f"<li>{self.html(item)}"
            + (f' <span class="feedback">&mdash; {html.escape(why)}</span>' if why else "")
            + "</li>"
            for item, why in zip(order, rationales, strict=True)
        )
        return front, f'<ol class="answer">{items}</ol>'

    def _cloze(self) -> tuple[str, str] | None:
        blanks = self.question.blanks
        if not any(blank.right_answers for blank in blanks):
            self.warn("a cloze question without right answers in its blanks: no card")
            return None
        stem = BLANK.sub(
            lambda match: f"<b>[{match.group(1)}]</b> _____", self.html(self.question.text)
        )
        back = ""
        for index, blank in enumerate(blanks, start=1):
            right = " / ".join(self._answer_text(answer) for answer in blank.right_answers)
            back += _div("answer", f'<span class="letter">[{index}]</span> {right or "?"}')
        return self._case() + _div("stem", stem), back

    def _gaps(self) -> tuple[str, str] | None:
        """The text with its gaps numbered in reading order and the choices each offers (in
        alphabetical order, which gives nothing away); the back, each gap's right choice."""
        choices = self.question.choices
        named = placeholders(self.question.text.text)
        if not named or any(not 1 <= n <= len(choices) for n in named):
            self.warn("a gaps question without a right choice for each gap: no card")
            return None
        counter = iter(range(1, len(named) + 1))
        stem = PLACEHOLDER.sub(
            lambda _: f"<b>[{next(counter)}]</b> _____", self.html(self.question.text)
        )
        offered: dict[int, list[int]] = {}  # group -> its gaps, in reading order
        for gap, choice in enumerate(named, start=1):
            offered.setdefault(choices[choice - 1].group, []).append(gap)
        front = self._case() + _div("stem", stem)
        for group, gaps in offered.items():
            texts = sorted(
                (self.html(c.text) for c in choices if c.group == group), key=str.casefold
            )
            where = "" if len(offered) == 1 else ", ".join(f"[{gap}]" for gap in gaps) + ": "
            front += _div("instruction", f"{where}Choose from: " + ", ".join(texts))
        back = ""
        for gap, choice in enumerate(named, start=1):
            right = choices[choice - 1]
            back += _div("answer", f'<span class="letter">[{gap}]</span> {self.html(right.text)}')
            if right.feedback:
                back += _div("feedback", f"[{gap}] {self.html(right.feedback)}")
        return front, back

    def _case(self) -> str:
        """The text of the case the question belongs to, shown above its stem."""
        return _div("case", self.html(self.case.text)) if self.case is not None else ""

    def _named(self, answer: Answer) -> str:
        return f'<span class="letter">{self.html(answer.text)}:</span>'

    def _answer_text(self, answer: Answer) -> str:
        text = self.html(answer.text)
        return text if answer.fraction >= 1 else f"{text} ({answer.fraction:.0%})"

    def _number(self, answer: Answer) -> str:
        text = self._value(answer)
        return text if answer.fraction >= 1 else f"{text} ({answer.fraction:.0%})"

    def _value(self, answer: Answer) -> str:
        if answer.value is None:
            return self.html(answer.text)
        text = number_text(answer.value)
        if answer.tolerance:
            text += f" &plusmn; {number_text(answer.tolerance)}"
        unit = self.question.extra.get("unit")
        if isinstance(unit, str) and unit:
            text += f" {html.escape(unit)}"
        return text

    def _feedback(self, name: Callable[[Answer, int], str]) -> str:
        return "".join(
            _div("feedback", f"{name(answer, index)} {self.html(answer.feedback)}")
            for index, answer in enumerate(self.question.answers)
            if answer.feedback
        )

    def html(self, text: Text) -> str:
        """``text`` as HTML for a card field, with its attached files linked as Anki media."""
        value = text.text.replace("\r\n", "\n").replace("\r", "\n")
        if text.format is TextFormat.MARKDOWN:
            # A single paragraph (an option, a short stem) is shown inline, without margins.
            value = markdown_html(value, inline=True)
        elif text.format is TextFormat.PLAIN:
            value = html.escape(value).replace("\n", "<br>")
        elif text.format is TextFormat.MOODLE:
            # Moodle's auto-format lets HTML through and turns line breaks into <br>.
            value = value.replace("\n", "<br>")
        return PLUGINFILE.sub(self._media_link, value)

    def _media_link(self, match: re.Match[str]) -> str:
        wanted = unquote(match.group(1))
        for index, attachment in enumerate(self.question.attachments):
            path = "/" + attachment.path.strip("/") + "/" if attachment.path.strip("/") else "/"
            if path + attachment.name == wanted:
                self.used.add(index)
                return html.escape(self.media.add(attachment, self.number))
        self.warn(f"the text refers to {wanted!r}, which is not attached: the link is broken")
        return match.group(0)

    def check_media(self) -> None:
        for index, attachment in enumerate(self.question.attachments):
            if index not in self.used:
                self.warn(
                    f"the attachment {attachment.name!r} is not used by any text on the card: "
                    "left out"
                )


def _div(css_class: str, content: str) -> str:
    return f'<div class="{css_class}">{content}</div>'


def _letter(index: int) -> str:
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


# -- the package ------------------------------------------------------------------------------


def _package(deck: genanki.Deck, media: _Media, keys: set[str]) -> bytes:
    """The .apkg bytes: the collection built in memory, zipped with fixed dates."""
    # Note and card ids count up from a start derived from the questions, so that two
    # different exports rarely share ids (Anki shows the note id as its creation time).
    digest = hashlib.sha256("\n".join(sorted(keys)).encode("utf-8")).digest()
    first_id = TIMESTAMP * 1000 + int.from_bytes(digest[:4], "big") % 10**9
    connection = sqlite3.connect(":memory:")
    try:
        with python_warnings.catch_warnings():
            # genanki warns about "<" in fields; the fields are HTML this module built.
            python_warnings.simplefilter("ignore")
            genanki.Package(deck).write_to_db(
                connection.cursor(), TIMESTAMP, itertools.count(first_id)
            )
        connection.commit()
        collection = connection.serialize()
    finally:
        connection.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _add(archive, "collection.anki2", collection)
        names = {str(index): name for index, name in enumerate(media.files)}
        _add(archive, "media", json.dumps(names).encode("utf-8"))
        for index, data in enumerate(media.files.values()):
            _add(archive, str(index), data)
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
