"""Moodle XML files read into the interchange model: the file and its categories
(:class:`Reader`), and the parts every question type shares (:class:`QuestionReader`); each
type's own elements are read by :mod:`pmpath.formats.moodle_xml._type_reading`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import quote

from pmpath.errors import FormatError, Location
from pmpath.formats.categories import DEFAULT_PREFIX, PREFIX_KEY, split_category
from pmpath.formats.moodle_xml import _calculated as calculated
from pmpath.formats.moodle_xml import _random_matching as random_matching
from pmpath.formats.moodle_xml._type_reading import TYPE_READERS
from pmpath.formats.moodle_xml._vocabulary import (
    COMBINED,
    COMMON_ELEMENTS,
    FORMAT_IN,
    OPTIONS,
    QTYPES,
    RANDOM_MATCHING_ELEMENTS,
    TYPE_ELEMENTS,
    WRITTEN_TYPE,
    grade_choice,
    trim,
)
from pmpath.formats.numbers import finite_number
from pmpath.formats.quiz import (
    Attachment,
    FormatWarning,
    QType,
    QuizFile,
    QuizQuestion,
    Text,
    TextFormat,
)
from pmpath.formats.safety import parse_xml
from pmpath.formats.xmltext import start_tag_lines

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element


def read(data: bytes, source: str) -> QuizFile:
    """Every question of a Moodle XML file; category pseudo-questions set ``category``."""
    root = _parse(data, source)
    return _Reader(source, _element_lines(data, root)).read(root)


def _parse(data: bytes, source: str) -> Element:
    try:
        root: Element = parse_xml(data, source)
    except FormatError as exc:
        doctype = data.find(b"<!DOCTYPE")
        if exc.location.line is None and doctype >= 0:
            line = data.count(b"\n", 0, doctype) + 1
            raise FormatError(exc.problems[0].message, Location(file=source, line=line)) from None
        raise
    if root.tag != "quiz":
        raise FormatError(
            f"the root element is <{root.tag}>, not <quiz>: this is not a Moodle XML file",
            Location(file=source, line=_element_lines(data, root).get(root)),
        )
    return root


def _element_lines(data: bytes, root: Element) -> dict[Element, int]:
    """The 1-based line of each element's start tag, or nothing when they cannot be paired."""
    starts = start_tag_lines(data)
    elements = list(root.iter())
    if len(elements) != len(starts):
        return {}
    return dict(zip(elements, starts, strict=True))


@dataclass
class _Areas:
    """The embedded files of one question, in reading order, with the text each belongs to."""

    files: list[Attachment]
    areas: list[str]


class _Reader:
    """One file: its categories and questions, in order."""

    def __init__(self, source: str, lines: dict[Element, int]) -> None:
        self.source = source
        self.lines = lines
        self.warnings: list[FormatWarning] = []
        #: Characters of text the calculated questions' copies hold so far (capped, see
        #: :data:`._calculated.MAX_EXPANDED_CHARS`).
        self.expanded = 0

    def read(self, root: Element) -> QuizFile:
        questions: list[QuizQuestion] = []
        category: str | None = None
        prefix = DEFAULT_PREFIX
        info: dict[str, str] = {}
        #: The last category element while no question has followed it: (path, info, line).
        pending: tuple[str, dict[str, str], int | None] | None = None
        for element in root:
            line = self.lines.get(element)
            if element.tag != "question":
                self.warn(f"<{element.tag}> is not a question: not kept", line)
                continue
            if trim(element.get("type", "")) == "category":
                raw, info = self._category(element, line)
                self._check_empty(pending, raw)
                prefix, category = split_category(raw)
                pending = (raw, info, line)
                continue
            for question in QuestionReader(self, element, line).read():
                question.category = category
                if category is not None and prefix != DEFAULT_PREFIX:
                    question.extra[PREFIX_KEY] = prefix
                if pending is not None and info:
                    question.extra["moodle_category_info"] = info
                pending = None
                questions.append(question)
        self._check_empty(pending, None)
        questions = random_matching.resolve(
            questions,
            lambda question, message: self.warn(message, question.source.line, question.name),
        )
        return QuizFile(questions, self.warnings)

    def _category(self, element: Element, line: int | None) -> tuple[str, dict[str, str]]:
        path = element.find("category")
        if path is None:
            self.fail("a category question without a <category> path", line)
        text = path.find("text")
        raw = trim((text if text is not None else path).text or "")
        info: dict[str, str] = {}
        info_element = element.find("info")
        if info_element is not None:
            info_text = info_element.find("text")
            content = trim(info_text.text or "") if info_text is not None else ""
            if content:
                info["text"] = content
                info["format"] = self.text_format(
                    info_element.get("format"), TextFormat.MOODLE, line, None
                ).value
            if info_element.find("file") is not None:
                self.warn(f"files in the description of category {raw!r}: not kept", line)
        id_number = trim(element.findtext("idnumber") or "")
        if id_number:
            info["idnumber"] = id_number
        return raw, info

    def _check_empty(
        self, pending: tuple[str, dict[str, str], int | None] | None, following: str | None
    ) -> None:
        """Warn about a category with no questions, unless it is implied by the next one."""
        if pending is None:
            return
        raw, info, line = pending
        implied = following is not None and following.startswith(raw.rstrip("/") + "/")
        if info or not implied:
            self.warn(f"category {raw!r} has no questions: not kept", line)

    def text_format(
        self, value: str | None, default: TextFormat, line: int | None, name: str | None
    ) -> TextFormat:
        if value is None:
            return default
        value = value.strip()
        if value in FORMAT_IN:
            return FORMAT_IN[value]
        if value == "wiki_like":
            self.warn("text format 'wiki_like' is read as 'moodle_auto_format'", line, name)
            return TextFormat.MOODLE
        self.warn(f"unknown text format {value!r} is read as 'html', as Moodle does", line, name)
        return TextFormat.HTML

    def warn(self, message: str, line: int | None, name: str | None = None) -> None:
        self.warnings.append(FormatWarning(message, Location(file=self.source, line=line), name))

    def fail(self, message: str, line: int | None) -> NoReturn:
        raise FormatError(message, Location(file=self.source, line=line))


class QuestionReader:
    """One ``<question>`` element into one :class:`QuizQuestion`."""

    def __init__(self, reader: _Reader, element: Element, line: int | None) -> None:
        self.reader = reader
        self.element = element
        self.line = line
        self.name: str | None = None
        self.files = _Areas([], [])
        self.files_seen = 0

    def read(self) -> list[QuizQuestion]:
        """The question; several for a calculated one (one per dataset item), none for a type
        pmpath does not read."""
        element = self.element
        if element.get("type") is None:
            self.fail("a <question> without a type attribute")
        kind = trim(element.get("type", ""))
        self.name = self.content(element.find("name")) or None
        qtype = QTYPES.get(kind, calculated.KINDS.get(kind))
        if qtype is None:
            self.warn(f"question type {kind!r} is not supported: question not kept")
            return []
        text = self.text(element.find("questiontext"), TextFormat.HTML, "questiontext")
        self.old_image(text)
        question = QuizQuestion(type=qtype, text=text, name=self.name)
        general = self.text(element.find("generalfeedback"), text.format, "generalfeedback")
        question.general_feedback = general or None
        question.default_grade = self.number(element.find("defaultgrade"), "defaultgrade", 1.0)
        question.penalty = self.penalty()
        question.id_number = trim(element.findtext("idnumber") or "") or None
        question.tags = self.tags("tags")
        course_tags = self.tags("coursetags")
        if course_tags:
            question.extra["moodle_course_tags"] = course_tags
        options = self.options(("hidden", *OPTIONS[qtype]))
        if options.get("hidden") in ("0", ""):
            del options["hidden"]  # shown, as Moodle writes for every question
        if options:
            question.extra["moodle_options"] = options
        formulas: list[calculated.Formula] = []
        if kind in calculated.KINDS:
            formulas = calculated.read_answers(self, question, kind)
        else:
            TYPE_READERS[qtype](self, question)
        if "hint" in TYPE_ELEMENTS[qtype]:
            self.hints(question)
        known = calculated.known_elements(kind) if kind in calculated.KINDS else None
        if kind == "randomsamatch":
            random_matching.read_settings(self, question)
            known = COMMON_ELEMENTS | TYPE_ELEMENTS[qtype] | RANDOM_MATCHING_ELEMENTS
        self.check_elements(qtype, known)
        question.attachments = self.files.files
        if self.files.files:
            question.extra["moodle_file_areas"] = self.files.areas
        unread = sum(1 for _ in element.iter("file")) - self.files_seen
        if unread > 0:
            self.warn(f"{unread} embedded file(s) where Moodle does not read them: not kept")
        question.source = Location(file=self.reader.source, line=self.line)
        if kind in calculated.KINDS:
            return calculated.variants(self, question, kind, formulas)
        return [question]

    # -- the parts every question type shares

    def content(self, element: Element | None) -> str:
        """The trimmed text of ``element``'s ``<text>``; markup in it is an error, as in Moodle."""
        if element is None:
            return ""
        text = element.find("text")
        if text is None:
            return ""
        if len(text):
            self.fail(
                f"<{element.tag}> has XML elements inside <text>: put HTML in a CDATA section",
                self.reader.lines.get(text, self.line),
            )
        return trim(text.text or "")

    def text(self, element: Element | None, default: TextFormat, area: str | None) -> Text:
        """A text with its format and its embedded files (kept as attachments of ``area``)."""
        if element is None:
            return Text("", default)
        value = self.reader.text_format(element.get("format"), default, self.line, self.name)
        content = self.content(element)
        if area is not None:
            self.embedded_files(element, area)
        return Text(content, value)

    def embedded_files(self, element: Element, area: str) -> None:
        seen = {
            (file.path, file.name)
            for file, where in zip(self.files.files, self.files.areas, strict=True)
            if where == area
        }
        for file in element.findall("file"):
            self.files_seen += 1
            name = trim(file.get("name", ""))
            path = trim(file.get("path", "/")) or "/"
            encoding = trim(file.get("encoding", "base64"))
            if not name:
                self.warn(f"an embedded file without a name in <{element.tag}>: not kept")
                continue
            if encoding != "base64":
                self.warn(f"embedded file {name!r} is not base64 but {encoding!r}: not kept")
                continue
            if (path, name) in seen:
                self.warn(f"embedded file {path}{name} appears twice in <{element.tag}>: kept once")
                continue
            packed = "".join((file.text or "").split())
            try:
                data = base64.b64decode(packed + "=" * (-len(packed) % 4), validate=True)
            except (binascii.Error, ValueError):
                self.warn(f"embedded file {name!r} is not valid base64: not kept")
                continue
            seen.add((path, name))
            self.files.files.append(Attachment(name, data, path))
            self.files.areas.append(area)

    def old_image(self, text: Text) -> None:
        """Moodle 1.x's ``<image>``/``<image_base64>``: an embedded file shown after the text."""
        name_element = self.element.find("image")
        if name_element is None:
            return
        name = trim(name_element.text or "").replace("/", "_")
        data_element = self.element.find("image_base64")
        packed = "".join((data_element.text or "").split()) if data_element is not None else ""
        try:
            data = base64.b64decode(packed + "=" * (-len(packed) % 4), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        if not name or not data:
            self.warn("an <image> without valid <image_base64> data: not kept")
            return
        self.files.files.append(Attachment(name, data, "/"))
        self.files.areas.append("questiontext")
        text.text += f' <img src="@@PLUGINFILE@@/{quote(name)}" />'
        self.warn(f"the old <image> tag is read as the embedded file {name!r} after the text")

    def number(self, element: Element | None, what: str, default: float) -> float:
        if element is None:
            return default
        return self.parse_number(element.text or "", what, element)

    def parse_number(self, text: str, what: str, element: Element | None = None) -> float:
        value = finite_number(trim(text))
        if value is None:
            line = self.reader.lines.get(element, self.line) if element is not None else self.line
            self.fail(f"{what} {trim(text)!r} is not a number", line)
        return value

    def penalty(self) -> float | None:
        element = self.element.find("penalty")
        if element is None:
            return None
        value = self.parse_number(element.text or "", "penalty", element)
        if abs(value - 0.3333333) < 0.005 and value != 0.3333333:
            # Moodle's own fix for old files that rounded a third.
            self.warn(f"penalty {value} is read as 0.3333333 (a third), as Moodle does")
            value = 0.3333333
        return value

    def fraction(self, answer: Element) -> float:
        """An answer's share of the grade, mapped to Moodle's nearest grade choice."""
        percent = self.parse_number(answer.get("fraction", "0"), "answer fraction", answer)
        return self.grade(percent / 100)

    def grade(self, fraction: float) -> float:
        return grade_choice(fraction, self.warn, "read")

    def feedback(
        self, element: Element | None, default: TextFormat, area: str | None
    ) -> Text | None:
        return self.text(element, default, area) or None

    def tags(self, container: str) -> list[str]:
        tags = []
        for tag in self.element.findall(f"{container}/tag"):
            value = self.content(tag)
            if value:
                tags.append(value)
        return tags

    def options(self, names: tuple[str, ...]) -> dict[str, str]:
        options = {}
        for name in names:
            element = self.element.find(name)
            if element is not None:
                options[name] = trim(element.text or "")
        return options

    def combined_feedback(self, question: QuizQuestion) -> None:
        kept = {}
        for name in COMBINED:
            text = self.text(self.element.find(name), question.text.format, name)
            if text:
                kept[name] = {"text": text.text, "format": text.format.value}
        if kept:
            question.extra["moodle_combined_feedback"] = kept

    def hints(self, question: QuizQuestion) -> None:
        options: list[dict[str, Any]] = []
        for index, hint in enumerate(self.element.findall("hint")):
            question.hints.append(self.text(hint, question.text.format, f"hint/{index}"))
            option = hint.find("options")
            options.append(
                {
                    "shownumcorrect": hint.find("shownumcorrect") is not None,
                    "clearwrong": hint.find("clearwrong") is not None,
                    "options": trim(option.text or "") if option is not None else "",
                }
            )
        if any(any(option.values()) for option in options):
            question.extra["moodle_hint_options"] = options

    def check_elements(self, qtype: QType, known: set[str] | None = None) -> None:
        known = (known or COMMON_ELEMENTS | TYPE_ELEMENTS[qtype]) | set(OPTIONS[qtype])
        unknown = sorted({child.tag for child in self.element if child.tag not in known})
        if unknown:
            listed = ", ".join(f"<{tag}>" for tag in unknown)
            self.warn(f"{listed} not used by {WRITTEN_TYPE[qtype]} questions: not kept")

    def warn(self, message: str) -> None:
        self.reader.warn(message, self.line, self.name)

    def fail(self, message: str, line: int | None = None) -> NoReturn:
        self.reader.fail(message, line or self.line)
