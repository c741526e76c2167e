"""Moodle XML: Moodle's own question export format, read into and written from the quiz model.

A file is a ``<quiz>`` of ``<question type="...">`` elements. Each question type maps to
:class:`~pmpath.formats.quiz.QType` (docs/formats.md, "Moodle XML", has the full table); the
settings the model has no field for are kept in ``QuizQuestion.extra`` under ``moodle_*`` keys
so that writing Moodle XML again gives them back. What neither the model nor ``extra`` keeps
(units other than the base unit, calculated questions, ...) is reported as a :class:`Warning`
with the question's line and name.

Reading goes through :func:`pmpath.formats.safety.parse_xml`, so DTDs and entities (billion
laughs, external entities) are refused. ElementTree does not keep line numbers, so
:func:`_element_lines` finds them by scanning the text for element start tags in document
order (skipping comments, CDATA sections and processing instructions, where a ``<`` does not
open an element) and pairing the n-th start tag with the n-th element of the parsed tree.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import html
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import quote

from pmpath.errors import FormatError, Location
from pmpath.formats.quiz import (
    Answer,
    Attachment,
    MatchPair,
    QType,
    QuizFile,
    QuizQuestion,
    Text,
    TextFormat,
    Warning,
)
from pmpath.formats.safety import parse_xml

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

#: Moodle's grade choices for an answer, in percent (question_bank::fraction_options_full()).
GRADES = (
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
    16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0,
)  # fmt: skip
_FRACTIONS = sorted({round(sign * grade / 100, 9) for grade in GRADES for sign in (1, -1)})
#: How far a fraction may be from a grade choice and still be that choice (Moodle's own test).
_GRADE_TOLERANCE = 0.00001

_FORMAT_IN = {
    "moodle_auto_format": TextFormat.MOODLE,
    "html": TextFormat.HTML,
    "plain_text": TextFormat.PLAIN,
    "markdown": TextFormat.MARKDOWN,
}
_FORMAT_OUT = {value: key for key, value in _FORMAT_IN.items()}

#: The category prefix Moodle writes today; any other is kept in ``extra``.
DEFAULT_CATEGORY_PREFIX = "$course$/top"
_CATEGORY_CONTEXT = re.compile(r"^(\$[a-z0-9]+\$)(?:/|$)")

_COMBINED = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
_QTYPES = {
    "multichoice": QType.MULTICHOICE,
    "truefalse": QType.TRUEFALSE,
    "shortanswer": QType.SHORTANSWER,
    "numerical": QType.NUMERICAL,
    "matching": QType.MATCHING,
    "match": QType.MATCHING,
    "ordering": QType.ORDERING,
    "essay": QType.ESSAY,
    "description": QType.DESCRIPTION,
    "cloze": QType.CLOZE,
    "multianswer": QType.CLOZE,
}
_WRITTEN_TYPE = {
    QType.MULTICHOICE: "multichoice",
    QType.TRUEFALSE: "truefalse",
    QType.SHORTANSWER: "shortanswer",
    QType.NUMERICAL: "numerical",
    QType.MATCHING: "matching",
    QType.ORDERING: "ordering",
    QType.ESSAY: "essay",
    QType.DESCRIPTION: "description",
    QType.CLOZE: "cloze",
}
#: Option elements kept verbatim in ``extra["moodle_options"]``, in the order they are written.
_OPTIONS: dict[QType, tuple[str, ...]] = {
    QType.MULTICHOICE: ("answernumbering", "showstandardinstruction", "shownumcorrect"),
    QType.TRUEFALSE: (),
    QType.SHORTANSWER: ("usecase",),
    QType.NUMERICAL: (),
    QType.MATCHING: ("shownumcorrect",),
    QType.ORDERING: (
        "layouttype",
        "selecttype",
        "selectcount",
        "gradingtype",
        "showgrading",
        "numberingstyle",
        "shownumcorrect",
    ),
    QType.ESSAY: (
        "responseformat",
        "responserequired",
        "responsefieldlines",
        "minwordlimit",
        "maxwordlimit",
        "attachments",
        "attachmentsrequired",
        "maxbytes",
        "filetypeslist",
    ),
    QType.DESCRIPTION: (),
    QType.CLOZE: (),
}
#: What an ordering question gets when it has no stored options: every item, graded as pmpath
#: grades ordering (the share of items in their right position).
_ORDERING_DEFAULTS = {
    "layouttype": "VERTICAL",
    "selecttype": "ALL",
    "selectcount": "0",
    "gradingtype": "ABSOLUTE_POSITION",
    "showgrading": "SHOW",
}
_COMMON_ELEMENTS = {
    "name",
    "questiontext",
    "generalfeedback",
    "defaultgrade",
    "penalty",
    "hidden",
    "idnumber",
    "tags",
    "coursetags",
    "image",
    "image_base64",
}
_TYPE_ELEMENTS: dict[QType, set[str]] = {
    QType.MULTICHOICE: {"single", "shuffleanswers", "answer", "hint", *_COMBINED},
    QType.TRUEFALSE: {"answer", "hint"},
    QType.SHORTANSWER: {"answer", "hint"},
    QType.NUMERICAL: {
        "answer",
        "hint",
        "units",
        "unitgradingtype",
        "unitpenalty",
        "showunits",
        "unitsleft",
        "instructions",
    },
    QType.MATCHING: {"shuffleanswers", "subquestion", "hint", *_COMBINED},
    QType.ORDERING: {"answer", "hint", *_COMBINED},
    QType.ESSAY: {"graderinfo", "responsetemplate"},
    QType.DESCRIPTION: set(),
    QType.CLOZE: {"hint"},
}

# Cloze (embedded answers): the sub-question codes and the syntax of one code, after Moodle's
# question/type/multianswer/questiontype.php.
_CLOZE_KINDS: tuple[tuple[tuple[str, ...], QType, bool, bool, str], ...] = (
    (("NUMERICAL", "NM"), QType.NUMERICAL, True, False, ""),
    (("SHORTANSWER", "SA", "MW"), QType.SHORTANSWER, True, False, ""),
    (("SHORTANSWER_C", "SAC", "MWC"), QType.SHORTANSWER, True, False, ""),
    (("MULTICHOICE", "MC"), QType.MULTICHOICE, True, False, "dropdown"),
    (("MULTICHOICE_V", "MCV"), QType.MULTICHOICE, True, False, "vertical"),
    (("MULTICHOICE_H", "MCH"), QType.MULTICHOICE, True, False, "horizontal"),
    (("MULTICHOICE_S", "MCS"), QType.MULTICHOICE, True, True, "dropdown"),
    (("MULTICHOICE_VS", "MCVS"), QType.MULTICHOICE, True, True, "vertical"),
    (("MULTICHOICE_HS", "MCHS"), QType.MULTICHOICE, True, True, "horizontal"),
    (("MULTIRESPONSE", "MR"), QType.MULTICHOICE, False, False, "vertical"),
    (("MULTIRESPONSE_H", "MRH"), QType.MULTICHOICE, False, False, "horizontal"),
    (("MULTIRESPONSE_S", "MRS"), QType.MULTICHOICE, False, True, "vertical"),
    (("MULTIRESPONSE_HS", "MRHS"), QType.MULTICHOICE, False, True, "horizontal"),
)
#: Every code name -> (type, single, shuffle, layout).
_CLOZE_CODES = {
    name: (kind, single, shuffle, layout)
    for names, kind, single, shuffle, layout in _CLOZE_KINDS
    for name in names
}
#: The code written for a multiple-choice blank: (single, shuffle, layout) -> code.
_CLOZE_MULTICHOICE = {
    (single, shuffle, layout): names[0]
    for names, kind, single, shuffle, layout in _CLOZE_KINDS
    if kind is QType.MULTICHOICE
}
_CLOZE_START = re.compile(
    r"\{([0-9]*):(" + "|".join(sorted(_CLOZE_CODES, key=len, reverse=True)) + r"):"
)
_CLOZE_FRACTION = re.compile(r"%(-?[0-9]+(?:[.,][0-9]*)?)%")
_CLOZE_NUMBER = r"-?(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?"
_CLOZE_NUMERICAL = re.compile(rf"^({_CLOZE_NUMBER})(?::({_CLOZE_NUMBER}))?$", re.S)
_CLOZE_STOPS = {stops: re.compile(f"[{re.escape(stops)}]") for stops in ("~#}", "~}")}
_CLOZE_PLACEHOLDER = re.compile(r"\{#([0-9]+)\}")
_CLOZE_ESCAPES = {char: f"&#{ord(char)};" for char in "&\\~#{}"}
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")

#: Elements start where a ``<`` is followed by a name; comments, CDATA sections, processing
#: instructions and the doctype are matched whole so that a ``<`` inside them is skipped.
_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>|<([^\s/>!?][^\s/>]*)", re.S
)
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PHP_WHITESPACE = " \t\n\r\0\x0b"


def read(data: bytes, source: str) -> QuizFile:
    """Every question of a Moodle XML file; category pseudo-questions set ``category``."""
    root = _parse(data, source)
    return _Reader(source, _element_lines(data, root)).read(root)


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[Warning]]:
    """A Moodle XML file of ``questions``, and a warning for everything it cannot express."""
    return _Writer().write(questions)


# -- reading ----------------------------------------------------------------------------------


def _parse(data: bytes, source: str) -> Element:
    try:
        root: Element = parse_xml(data, source)
    except FormatError as exc:
        doctype = data.find(b"<!DOCTYPE")
        if exc.location.line is None and doctype >= 0:
            line = data.count(b"\n", 0, doctype) + 1
            raise FormatError(exc.problems[0].message, Location(file=source, line=line)) from None
        raise
    except (ValueError, LookupError) as exc:  # expat: unknown or multi-byte declared encodings
        raise FormatError(f"invalid XML: {exc}", Location(file=source, line=1)) from None
    if root.tag != "quiz":
        raise FormatError(
            f"the root element is <{root.tag}>, not <quiz>: this is not a Moodle XML file",
            Location(file=source, line=_element_lines(data, root).get(root)),
        )
    return root


def _element_lines(data: bytes, root: Element) -> dict[Element, int]:
    """The 1-based line of each element's start tag, or nothing when they cannot be paired.

    The text is decoded one byte to one character (or as UTF-16 when it has that BOM) so that
    ``<`` and newlines are found at their place whatever the declared encoding.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "replace")
    else:
        text = data.decode("latin-1")
    starts: list[int] = []
    line, position = 1, 0
    for match in _MARKUP.finditer(text):
        if match.group(1) is not None:
            line += text.count("\n", position, match.start())
            position = match.start()
            starts.append(line)
    elements = list(root.iter())
    if len(elements) != len(starts):
        return {}
    return dict(zip(elements, starts, strict=True))


def _trim(text: str) -> str:
    """PHP's trim(), which Moodle applies to every text it reads."""
    return text.strip(_PHP_WHITESPACE)


def _trans_single(value: str) -> bool:
    """Moodle's reading of a boolean element: "false", "0" and "" are false."""
    return value not in ("false", "0", "")


def _grade(fraction: float) -> tuple[float, bool]:
    """The grade choice nearest to ``fraction``, and whether it is that choice already."""
    index = bisect.bisect_left(_FRACTIONS, fraction)
    neighbours = _FRACTIONS[max(index - 1, 0) : index + 1]
    nearest = min(neighbours, key=lambda choice: abs(choice - fraction))
    return nearest, abs(nearest - fraction) < _GRADE_TOLERANCE


@dataclass
class _Areas:
    """The embedded files of one question, in reading order, with the text each belongs to."""

    files: list[Attachment]
    areas: list[str]


class _Reader:
    def __init__(self, source: str, lines: dict[Element, int]) -> None:
        self.source = source
        self.lines = lines
        self.warnings: list[Warning] = []

    def read(self, root: Element) -> QuizFile:
        questions: list[QuizQuestion] = []
        category: str | None = None
        prefix = DEFAULT_CATEGORY_PREFIX
        info: dict[str, str] = {}
        #: The last category element while no question has followed it: (path, info, line).
        pending: tuple[str, dict[str, str], int | None] | None = None
        for element in root:
            line = self.lines.get(element)
            if element.tag != "question":
                self.warn(f"<{element.tag}> is not a question: not kept", line)
                continue
            if _trim(element.get("type", "")) == "category":
                raw, info = self._category(element, line)
                self._check_empty(pending, raw)
                prefix, category = _split_category(raw)
                pending = (raw, info, line)
                continue
            question = _QuestionReader(self, element, line).read()
            if question is None:
                continue
            question.category = category
            if category is not None and prefix != DEFAULT_CATEGORY_PREFIX:
                question.extra["moodle_category_prefix"] = prefix
            if pending is not None and info:
                question.extra["moodle_category_info"] = info
            pending = None
            questions.append(question)
        self._check_empty(pending, None)
        return QuizFile(questions, self.warnings)

    def _category(self, element: Element, line: int | None) -> tuple[str, dict[str, str]]:
        path = element.find("category")
        if path is None:
            self.fail("a category question without a <category> path", line)
        text = path.find("text")
        raw = _trim((text if text is not None else path).text or "")
        info: dict[str, str] = {}
        info_element = element.find("info")
        if info_element is not None:
            info_text = info_element.find("text")
            content = _trim(info_text.text or "") if info_text is not None else ""
            if content:
                info["text"] = content
                info["format"] = self.text_format(
                    info_element.get("format"), TextFormat.MOODLE, line, None
                ).value
            if info_element.find("file") is not None:
                self.warn(f"files in the description of category {raw!r}: not kept", line)
        id_number = _trim(element.findtext("idnumber") or "")
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
        if value in _FORMAT_IN:
            return _FORMAT_IN[value]
        if value == "wiki_like":
            self.warn("text format 'wiki_like' is read as 'moodle_auto_format'", line, name)
            return TextFormat.MOODLE
        self.warn(f"unknown text format {value!r} is read as 'html', as Moodle does", line, name)
        return TextFormat.HTML

    def warn(self, message: str, line: int | None, name: str | None = None) -> None:
        self.warnings.append(Warning(message, Location(file=self.source, line=line), name))

    def fail(self, message: str, line: int | None) -> NoReturn:
        raise FormatError(message, Location(file=self.source, line=line))


def _split_category(raw: str) -> tuple[str, str | None]:
    """``$course$/top/A/B`` -> (``$course$/top``, ``A/B``); a path of nothing is None."""
    match = _CATEGORY_CONTEXT.match(raw)
    prefix, rest = "", raw
    if match:
        prefix, rest = match.group(1), raw[match.end() :]
        if rest == "top" or rest.startswith("top/"):
            prefix, rest = prefix + "/top", rest[4:]
    rest = rest.strip("/")
    return prefix, rest or None


class _QuestionReader:
    """One ``<question>`` element into one :class:`QuizQuestion`."""

    def __init__(self, reader: _Reader, element: Element, line: int | None) -> None:
        self.reader = reader
        self.element = element
        self.line = line
        self.name: str | None = None
        self.files = _Areas([], [])
        self.files_seen = 0

    def read(self) -> QuizQuestion | None:
        element = self.element
        if element.get("type") is None:
            self.fail("a <question> without a type attribute")
        kind = _trim(element.get("type", ""))
        self.name = self.content(element.find("name")) or None
        qtype = _QTYPES.get(kind)
        if qtype is None:
            self.warn(f"question type {kind!r} is not supported: question not kept")
            return None
        text = self.text(element.find("questiontext"), TextFormat.HTML, "questiontext")
        self.old_image(text)
        question = QuizQuestion(type=qtype, text=text, name=self.name)
        general = self.text(element.find("generalfeedback"), text.format, "generalfeedback")
        question.general_feedback = general or None
        question.default_grade = self.number(element.find("defaultgrade"), "defaultgrade", 1.0)
        question.penalty = self.penalty()
        question.id_number = _trim(element.findtext("idnumber") or "") or None
        question.tags = self.tags("tags")
        course_tags = self.tags("coursetags")
        if course_tags:
            question.extra["moodle_course_tags"] = course_tags
        options = self.options(("hidden", *_OPTIONS[qtype]))
        if options.get("hidden") in ("0", ""):
            del options["hidden"]  # shown, as Moodle writes for every question
        if options:
            question.extra["moodle_options"] = options
        _TYPE_READERS[qtype](self, question)
        if "hint" in _TYPE_ELEMENTS[qtype]:
            self.hints(question)
        self.check_elements(qtype)
        question.attachments = self.files.files
        if self.files.files:
            question.extra["moodle_file_areas"] = self.files.areas
        unread = sum(1 for _ in element.iter("file")) - self.files_seen
        if unread > 0:
            self.warn(f"{unread} embedded file(s) where Moodle does not read them: not kept")
        question.source = Location(file=self.reader.source, line=self.line)
        return question

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
        return _trim(text.text or "")

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
            name = _trim(file.get("name", ""))
            path = _trim(file.get("path", "/")) or "/"
            encoding = _trim(file.get("encoding", "base64"))
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
        name = _trim(name_element.text or "").replace("/", "_")
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
        try:
            value = float(_trim(text))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            line = self.reader.lines.get(element, self.line) if element is not None else self.line
            self.fail(f"{what} {_trim(text)!r} is not a number", line)
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
        nearest, exact = _grade(fraction)
        if not exact:
            self.warn(
                f"answer fraction {_percent(fraction)}% is not one of Moodle's grades: "
                f"read as the nearest, {_percent(nearest)}%"
            )
        return nearest

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
                options[name] = _trim(element.text or "")
        return options

    def combined_feedback(self, question: QuizQuestion) -> None:
        kept = {}
        for name in _COMBINED:
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
                    "options": _trim(option.text or "") if option is not None else "",
                }
            )
        if any(any(option.values()) for option in options):
            question.extra["moodle_hint_options"] = options

    def check_elements(self, qtype: QType) -> None:
        known = _COMMON_ELEMENTS | _TYPE_ELEMENTS[qtype] | set(_OPTIONS[qtype])
        unknown = sorted({child.tag for child in self.element if child.tag not in known})
        if unknown:
            listed = ", ".join(f"<{tag}>" for tag in unknown)
            self.warn(f"{listed} not used by {_WRITTEN_TYPE[qtype]} questions: not kept")

    def warn(self, message: str) -> None:
        self.reader.warn(message, self.line, self.name)

    def fail(self, message: str, line: int | None = None) -> NoReturn:
        self.reader.fail(message, line or self.line)

    # -- one reader per question type

    def multichoice(self, question: QuizQuestion) -> None:
        single = self.element.find("single")
        question.single = _trans_single(_trim(single.text or "")) if single is not None else True
        self.shuffle(question)
        self.combined_feedback(question)
        for index, answer in enumerate(self.element.findall("answer")):
            text = self.text(answer, question.text.format, f"answer/{index}")
            feedback = self.feedback(
                answer.find("feedback"), question.text.format, f"answer/{index}/feedback"
            )
            question.answers.append(Answer(text, self.fraction(answer), feedback))

    def shuffle(self, question: QuizQuestion) -> None:
        shuffle = self.element.find("shuffleanswers")
        if shuffle is not None:
            question.shuffle = _trans_single(_trim(shuffle.text or ""))

    def truefalse(self, question: QuizQuestion) -> None:
        by_text: dict[str, Element] = {}
        for index, answer in enumerate(self.element.findall("answer")[:2]):
            said = self.content(answer)
            if said not in ("true", "false") or said in by_text:
                said = "true" if index == 0 else "false"
                self.warn(f"a true/false answer that is not 'true' or 'false' is read as {said!r}")
            by_text[said] = answer
        found: dict[str, tuple[float, Text | None]] = {}
        # True first, false second, whatever the file's order, as they are written back.
        for index, said in enumerate(("true", "false")):
            if said not in by_text:
                continue
            answer = by_text[said]
            percent = self.parse_number(answer.get("fraction", "0"), "answer fraction", answer)
            if percent not in (0, 100):
                self.warn(f"true/false answer {said!r} has fraction {percent:g}%: read as 0%")
            feedback = self.feedback(
                answer.find("feedback"), question.text.format, f"answer/{index}/feedback"
            )
            found[said] = (1.0 if percent == 100 else 0.0, feedback)
        if len(self.element.findall("answer")) > 2:
            self.warn("a true/false question has more than two answers: the others not kept")
        if "true" in found:
            truth = found["true"][0] == 1.0
            if "false" in found and (found["false"][0] == 1.0) == truth:
                self.warn("the true and false answers disagree: the 'true' answer decides")
        elif "false" in found:
            truth = found["false"][0] == 0.0
        else:
            self.warn("a true/false question without answers: read as true")
            truth = True
        for said, right in (("true", truth), ("false", not truth)):
            feedback = found.get(said, (0.0, None))[1]
            question.answers.append(Answer(Text(said), 1.0 if right else 0.0, feedback))

    def shortanswer(self, question: QuizQuestion) -> None:
        for index, answer in enumerate(self.element.findall("answer")):
            feedback = self.feedback(
                answer.find("feedback"), question.text.format, f"answer/{index}/feedback"
            )
            question.answers.append(
                Answer(Text(self.content(answer)), self.fraction(answer), feedback)
            )

    def numerical(self, question: QuizQuestion) -> None:
        for index, answer in enumerate(self.element.findall("answer")):
            said = self.content(answer)
            feedback = self.feedback(
                answer.find("feedback"), question.text.format, f"answer/{index}/feedback"
            )
            fraction = self.fraction(answer)
            if said == "*":
                question.answers.append(Answer(Text(said), fraction, feedback))
                continue
            value = self.parse_number(said.replace(",", "."), "numerical answer", answer)
            tolerance = self.number(answer.find("tolerance"), "tolerance", 0.0)
            question.answers.append(Answer(Text(said), fraction, feedback, value, tolerance))
        self.units(question)

    def units(self, question: QuizQuestion) -> None:
        units = []
        for unit in self.element.findall("units/unit"):
            name = _trim(unit.findtext("unit_name") or "")
            multiplier = self.number(unit.find("multiplier"), "unit multiplier", 1.0)
            units.append((name, multiplier))
        base = next((name for name, multiplier in units if multiplier == 1 and name), None)
        if base is not None:
            question.extra["unit"] = base
        others = [f"{name} (x{multiplier:g})" for name, multiplier in units if name != base]
        grading = _trim(self.element.findtext("unitgradingtype") or "0")
        if others or (units and grading != "0") or (units and base is None):
            kept = f"the base unit {base!r} is kept as the answer's unit" if base else "none kept"
            dropped = f"; not kept: {', '.join(others)}" if others else ""
            self.warn(f"units are not graded: {kept}{dropped}; unit grading settings ignored")
        if self.content(self.element.find("instructions")):
            self.warn("unit instructions are not kept")

    def matching(self, question: QuizQuestion) -> None:
        self.shuffle(question)
        self.combined_feedback(question)
        for index, sub in enumerate(self.element.findall("subquestion")):
            left = self.text(sub, question.text.format, f"subquestion/{index}")
            # Not Moodle's: pmpath writes a pair's feedback here, and Moodle ignores it.
            feedback = self.feedback(sub.find("feedback"), left.format, None)
            question.pairs.append(MatchPair(left, self.content(sub.find("answer")), feedback))

    def ordering(self, question: QuizQuestion) -> None:
        self.combined_feedback(question)
        rationales = []
        for index, answer in enumerate(self.element.findall("answer")):
            item = self.text(answer, question.text.format, f"answer/{index}")
            feedback = self.text(answer.find("feedback"), item.format, f"answer/{index}/feedback")
            if feedback and feedback.format != item.format:
                self.warn(f"the format of item {index + 1}'s feedback is not kept")
            question.order.append(item)
            rationales.append(feedback.text)
        if any(rationales):
            question.extra["rationales"] = rationales

    def essay(self, question: QuizQuestion) -> None:
        for name in ("graderinfo", "responsetemplate"):
            area = name if name == "graderinfo" else None  # Moodle keeps no template files
            text = self.text(self.element.find(name), question.text.format, area)
            if text:
                question.extra[f"moodle_{name}"] = {"text": text.text, "format": text.format.value}

    def description(self, question: QuizQuestion) -> None:
        question.default_grade = 0.0  # Moodle gives descriptions no mark, whatever the file says

    def cloze(self, question: QuizQuestion) -> None:
        text, blanks = _ClozeParser(self).parse(question.text.text)
        question.text.text = text
        question.blanks = blanks
        question.default_grade = sum(blank.default_grade for blank in blanks)
        written = self.number(self.element.find("defaultgrade"), "defaultgrade", math.nan)
        if not math.isnan(written) and written != question.default_grade:
            self.warn(
                "a cloze question's grade is the sum of its blanks' weights "
                f"({_number(question.default_grade)}): its <defaultgrade> is ignored"
            )
        if not blanks:
            self.warn("an embedded-answers (cloze) question with no embedded answers")


_TYPE_READERS: dict[QType, Callable[[_QuestionReader, QuizQuestion], None]] = {
    QType.MULTICHOICE: _QuestionReader.multichoice,
    QType.TRUEFALSE: _QuestionReader.truefalse,
    QType.SHORTANSWER: _QuestionReader.shortanswer,
    QType.NUMERICAL: _QuestionReader.numerical,
    QType.MATCHING: _QuestionReader.matching,
    QType.ORDERING: _QuestionReader.ordering,
    QType.ESSAY: _QuestionReader.essay,
    QType.DESCRIPTION: _QuestionReader.description,
    QType.CLOZE: _QuestionReader.cloze,
}


class _ClozeParser:
    """Moodle's embedded-answer codes (``{1:SHORTANSWER:=Paris#Right~*#Wrong}``) into blanks.

    Written by hand rather than as Moodle's one regular expression, whose nested lazy groups
    backtrack exponentially on a code that is never closed; the first match is the same.
    """

    def __init__(self, question: _QuestionReader) -> None:
        self.question = question

    def parse(self, text: str) -> tuple[str, list[QuizQuestion]]:
        blanks: list[QuizQuestion] = []
        parts: list[str] = []
        position = 0
        for start in _CLOZE_START.finditer(text):
            if start.start() < position:
                continue
            parsed = self.alternatives(text, start.end())
            if parsed is None:
                # Nothing after this point can close a code, so no later code can succeed.
                break
            alternatives, end = parsed
            blanks.append(self.blank(start.group(1), start.group(2), alternatives))
            parts += [text[position : start.start()], f"{{#{len(blanks)}}}"]
            position = end
        parts.append(text[position:])
        return "".join(parts), blanks

    def alternatives(self, text: str, position: int) -> tuple[list[_Alternative], int] | None:
        """The alternatives of the code whose answers start at ``position``, and its end."""
        found: list[_Alternative] = []
        while True:
            fraction, given = 0.0, False
            if text.startswith("=", position):
                fraction, position = 1.0, position + 1
            elif percent := _CLOZE_FRACTION.match(text, position):
                fraction, given = float(percent.group(1).replace(",", ".")) / 100, True
                position = percent.end()
            end = _cloze_end(text, position + 1, "~#}", ("\\", "&", "&amp;"))
            if end is None:
                return None
            answer, feedback = text[position:end], None
            if text[end] == "#":
                position = end + 1
                end = _cloze_end(text, position, "~}", ("\\",))
                if end is None:
                    return None
                feedback = text[position:end]
            found.append(_Alternative(fraction, given, answer, feedback))
            position = end + 1
            if text[end] == "}":
                return found, position

    def blank(self, weight: str, code: str, alternatives: list[_Alternative]) -> QuizQuestion:
        kind, single, shuffle, layout = _CLOZE_CODES[code]
        blank = QuizQuestion(type=kind, text=Text(""), default_grade=float(weight or 1))
        for alternative in alternatives:
            raw, raw_feedback = alternative.answer, alternative.feedback
            feedback = Text(_cloze_decode(raw_feedback), TextFormat.HTML) if raw_feedback else None
            answer = Answer(Text(_cloze_decode(raw)), alternative.fraction, feedback)
            if kind is QType.NUMERICAL:
                number = _CLOZE_NUMERICAL.match(raw)
                if number:
                    answer.text = Text(number.group(1))
                    answer.value = float(number.group(1).replace(",", "."))
                    answer.tolerance = float((number.group(2) or "0").replace(",", "."))
                elif raw != "*":
                    self.question.fail(f"embedded numerical answer {raw!r} is not a number")
            if kind is QType.MULTICHOICE:
                answer.text.format = TextFormat.HTML
            blank.answers.append(answer)
        if kind is QType.MULTICHOICE:
            blank.single, blank.shuffle = single, shuffle
            default_layout = "dropdown" if single else "vertical"
            if layout != default_layout:
                blank.extra["moodle_cloze_layout"] = layout
            if not single:
                given = any(alternative.given for alternative in alternatives)
                _share_multiresponse(blank.answers, given)
        if code in ("SHORTANSWER_C", "SAC", "MWC"):
            blank.extra["moodle_options"] = {"usecase": "1"}
        for answer in blank.answers:
            answer.fraction = self.question.grade(answer.fraction)
        return blank


@dataclass
class _Alternative:
    """One ``~``-separated alternative of a cloze code, as written (not yet decoded)."""

    fraction: float
    given: bool  # written as %n% (Moodle's "specific fraction"), rather than = or nothing
    answer: str
    feedback: str | None


def _cloze_end(text: str, position: int, stops: str, not_after: tuple[str, ...]) -> int | None:
    """The first stop character at or after ``position`` not escaped by what precedes it."""
    stop = _CLOZE_STOPS[stops]
    while match := stop.search(text, position):
        if not text.endswith(not_after, 0, match.start()):
            return match.start()
        position = match.start() + 1
    return None


def _cloze_decode(text: str) -> str:
    """Moodle's reading of an answer or feedback: HTML entities decoded, ``\\}``/``\\#`` kept."""
    text = _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)
    return text.replace("\\}", "}").replace("\\#", "#")


def _share_multiresponse(answers: list[Answer], specific: bool) -> None:
    """Moodle's multi-response rule: right answers share the grade; plain wrong ones cost it."""
    total = sum(answer.fraction for answer in answers if answer.fraction > 0)
    if not total:
        return
    for answer in answers:
        if answer.fraction > 0:
            answer.fraction /= total
        elif not specific:
            answer.fraction = -1.0 / total


# -- writing ----------------------------------------------------------------------------------


def _percent(fraction: float) -> str:
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def _attribute(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def _characters(value: str) -> str:
    """Element content: CDATA for markup (as Moodle writes it), references when CDATA cannot."""
    if "\r" in value:  # a parser turns a literal CR into LF; only a reference keeps it
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return escaped.replace("\r", "&#13;")
    if any(char in value for char in "<>&"):
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return value


def _cloze_encode(text: str) -> str:
    return "".join(_CLOZE_ESCAPES.get(char, char) for char in text)


class _Writer:
    def __init__(self) -> None:
        self.warnings: list[Warning] = []
        self.out: list[str] = []
        self.question: QuizQuestion | None = None
        self.label = ""
        self.areas: dict[str, list[Attachment]] = {}

    def write(self, questions: list[QuizQuestion]) -> tuple[bytes, list[Warning]]:
        self.out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
        current: tuple[str | None, str] = (None, DEFAULT_CATEGORY_PREFIX)
        for number, question in enumerate(questions, start=1):
            self.question, self.label = question, question.name or f"#{number}"
            prefix = question.extra.get("moodle_category_prefix", DEFAULT_CATEGORY_PREFIX)
            if not isinstance(prefix, str):
                prefix = DEFAULT_CATEGORY_PREFIX
            wanted = (question.category, prefix)
            info = question.extra.get("moodle_category_info")
            if wanted != current or (question.category is not None and isinstance(info, dict)):
                self.category(question.category, prefix, info if isinstance(info, dict) else {})
                current = wanted
            self.one(question)
        self.out.append("</quiz>")
        return ("\n".join(self.out) + "\n").encode("utf-8"), self.warnings

    def category(self, category: str | None, prefix: str, info: dict[str, Any]) -> None:
        if category is None:
            self.warn(
                "no category, after questions that have one: written under the course's top "
                "category"
            )
            path = DEFAULT_CATEGORY_PREFIX
        else:
            path = f"{prefix}/{category}" if prefix else category
        self.out += [
            '  <question type="category">',
            f"    <category><text>{self.chars(path)}</text></category>",
        ]
        if info.get("text"):
            value = _FORMAT_OUT.get(_text_format(info.get("format")), "moodle_auto_format")
            self.out.append(
                f'    <info format="{value}"><text>{self.chars(str(info["text"]))}</text></info>'
            )
        if info.get("idnumber"):
            self.out.append(f"    <idnumber>{self.chars(str(info['idnumber']))}</idnumber>")
        self.out.append("  </question>")

    def one(self, question: QuizQuestion) -> None:
        qtype = question.type
        self.check_unused(question)
        self.areas = self.place_files(question)
        self.out.append(f'  <question type="{_WRITTEN_TYPE[qtype]}">')
        self.out.append(f"    <name><text>{self.chars(question.name or '')}</text></name>")
        text = question.text
        if qtype is QType.CLOZE:
            text = Text(self.cloze_text(question), text.format)
        self.text_element("questiontext", text, text.format, "questiontext")
        self.text_element(
            "generalfeedback", question.general_feedback, text.format, "generalfeedback"
        )
        if qtype is QType.DESCRIPTION:
            self.element("defaultgrade", "0")
        elif qtype is not QType.CLOZE:
            self.element("defaultgrade", _number(question.default_grade))
        if question.penalty is not None:
            self.element("penalty", _number(question.penalty))
        options = self.options(question)
        if "hidden" in options:
            self.element("hidden", options["hidden"])
        if question.id_number is not None:
            self.element("idnumber", question.id_number)
        _TYPE_WRITERS[qtype](self, question, options)
        if "hint" in _TYPE_ELEMENTS[qtype]:
            self.hints(question)
        elif question.hints:
            self.warn(f"{_WRITTEN_TYPE[qtype]} questions have no hints: hints not written")
        self.tag_list("tags", question.tags)
        course_tags = question.extra.get("moodle_course_tags")
        if isinstance(course_tags, list):
            self.tag_list("coursetags", [str(tag) for tag in course_tags])
        self.out.append("  </question>")

    # -- shared parts

    def check_unused(self, question: QuizQuestion) -> None:
        """Warn about the model's fields this question type has no place for in Moodle."""
        qtype = question.type
        kind = _WRITTEN_TYPE[qtype]
        uses_answers = (QType.MULTICHOICE, QType.TRUEFALSE, QType.SHORTANSWER, QType.NUMERICAL)
        if question.answers and qtype not in uses_answers:
            self.warn(f"{kind} questions have no answers: {len(question.answers)} not written")
        if question.pairs and qtype is not QType.MATCHING:
            self.warn(f"{kind} questions have no matching pairs: pairs not written")
        if question.order and qtype is not QType.ORDERING:
            self.warn(f"{kind} questions have no items to order: items not written")
        if question.blanks and qtype is not QType.CLOZE:
            self.warn(f"{kind} questions have no embedded answers: blanks not written")
        if question.shuffle is not None and qtype not in (QType.MULTICHOICE, QType.MATCHING):
            self.warn(f"{kind} questions have no shuffle setting: not written")
        if not question.single and qtype is not QType.MULTICHOICE:
            self.warn(f"{kind} questions are not multiple-response: 'single' not written")

    def place_files(self, question: QuizQuestion) -> dict[str, list[Attachment]]:
        """Each attachment in the text it came from, else in the first text that links to it."""
        texts = dict(_texts(question))
        stored = question.extra.get("moodle_file_areas")
        if not (
            isinstance(stored, list)
            and len(stored) == len(question.attachments)
            and all(area in texts for area in stored)
        ):
            stored = [_linking_area(file, texts) for file in question.attachments]
        placed: dict[str, list[Attachment]] = {}
        for file, area in zip(question.attachments, stored, strict=True):
            if not file.name:
                self.warn("an attachment without a name: not written")
                continue
            placed.setdefault(area, []).append(file)
        return placed

    def options(self, question: QuizQuestion) -> dict[str, str]:
        stored = question.extra.get("moodle_options")
        options = {}
        if isinstance(stored, dict):
            allowed = ("hidden", *_OPTIONS[question.type])
            options = {key: str(value) for key, value in stored.items() if key in allowed}
        return options

    def write_options(self, question: QuizQuestion, options: dict[str, str]) -> None:
        for name in _OPTIONS[question.type]:
            if name in options:
                self.element(name, options[name])

    def text_element(
        self,
        tag: str,
        text: Text | None,
        default: TextFormat,
        area: str | None,
        indent: str = "    ",
    ) -> None:
        value = text.format if text else default
        self.out.append(f'{indent}<{tag} format="{_FORMAT_OUT[value]}">')
        self.out.append(f"{indent}  <text>{self.chars(text.text if text else '')}</text>")
        self.files(area, indent + "  ")
        self.out.append(f"{indent}</{tag}>")

    def files(self, area: str | None, indent: str) -> None:
        for file in self.areas.get(area or "", []):
            name, path = _attribute(self.clean(file.name)), _attribute(self.clean(file.path))
            encoded = base64.b64encode(file.data).decode("ascii")
            self.out.append(
                f'{indent}<file name="{name}" path="{path}" encoding="base64">{encoded}</file>'
            )

    def element(self, tag: str, value: str, indent: str = "    ") -> None:
        self.out.append(f"{indent}<{tag}>{self.chars(value)}</{tag}>")

    def answer(
        self,
        fraction: str,
        text: Text,
        feedback: Text | None,
        index: int,
        inner: list[str] | None = None,
    ) -> None:
        self.out.append(f'    <answer fraction="{fraction}" format="{_FORMAT_OUT[text.format]}">')
        self.out.append(f"      <text>{self.chars(text.text)}</text>")
        self.files(f"answer/{index}", "      ")
        assert self.question is not None
        self.text_element(
            "feedback", feedback, self.question.text.format, f"answer/{index}/feedback", "      "
        )
        self.out += inner or []
        self.out.append("    </answer>")

    def fraction(self, fraction: float) -> str:
        nearest, exact = _grade(fraction)
        if not exact:
            self.warn(
                f"answer fraction {_percent(fraction)}% is not one of Moodle's grades: "
                f"written as the nearest, {_percent(nearest)}%"
            )
        return _percent(nearest)

    def combined_feedback(self, question: QuizQuestion) -> None:
        stored = question.extra.get("moodle_combined_feedback")
        kept = stored if isinstance(stored, dict) else {}
        for name in _COMBINED:
            value = kept.get(name)
            text = None
            if isinstance(value, dict):
                text = Text(str(value.get("text", "")), _text_format(value.get("format")))
            self.text_element(name, text, question.text.format, name)

    def hints(self, question: QuizQuestion) -> None:
        stored = question.extra.get("moodle_hint_options")
        options = stored if isinstance(stored, list) else []
        for index, hint in enumerate(question.hints):
            self.out.append(f'    <hint format="{_FORMAT_OUT[hint.format]}">')
            self.out.append(f"      <text>{self.chars(hint.text)}</text>")
            option = options[index] if index < len(options) else {}
            if isinstance(option, dict):
                if option.get("shownumcorrect"):
                    self.out.append("      <shownumcorrect/>")
                if option.get("clearwrong"):
                    self.out.append("      <clearwrong/>")
                if option.get("options"):
                    self.element("options", str(option["options"]), "      ")
            self.files(f"hint/{index}", "      ")
            self.out.append("    </hint>")

    def tag_list(self, container: str, tags: list[str]) -> None:
        if not tags:
            return
        self.out.append(f"    <{container}>")
        for tag in tags:
            self.out.append(f"      <tag><text>{self.chars(tag)}</text></tag>")
        self.out.append(f"    </{container}>")

    def chars(self, value: str) -> str:
        return _characters(self.clean(value))

    def clean(self, value: str) -> str:
        cleaned = _XML_INVALID.sub("", value)
        if cleaned != value:
            self.warn("characters that XML cannot hold (control characters) were left out")
        return cleaned

    def warn(self, message: str) -> None:
        location = self.question.source if self.question else Location()
        self.warnings.append(Warning(message, location, self.label))

    # -- one writer per question type

    def multichoice(self, question: QuizQuestion, options: dict[str, str]) -> None:
        self.element("single", "true" if question.single else "false")
        if question.shuffle is not None:
            self.element("shuffleanswers", "true" if question.shuffle else "false")
        self.write_options(question, {k: v for k, v in options.items() if k != "shownumcorrect"})
        self.combined_feedback(question)
        if "shownumcorrect" in options:
            self.out.append("    <shownumcorrect/>")
        for index, answer in enumerate(question.answers):
            self.answer(self.fraction(answer.fraction), answer.text, answer.feedback, index)

    def truefalse(self, question: QuizQuestion, options: dict[str, str]) -> None:
        said = {answer.text.text.strip().lower(): answer for answer in question.answers}
        true, false = said.get("true"), said.get("false")
        if true is None and false is None and question.answers:
            self.warn("the answers are not 'true' and 'false': the first is taken as 'true'")
            true = question.answers[0]
            false = question.answers[1] if len(question.answers) > 1 else None
        others = [a for a in question.answers if a is not true and a is not false]
        if others:
            self.warn(f"a true/false question has {len(others)} other answer(s): not written")
        for answer in (true, false):
            if answer is not None and answer.fraction not in (0.0, 1.0):
                self.warn(
                    f"true/false answers are right or wrong: {_percent(answer.fraction)}% is "
                    "written as 100% or 0%"
                )
        truth = true.fraction > 0 if true is not None else false is None or false.fraction <= 0
        for index, (text, answer, right) in enumerate(
            (("true", true, truth), ("false", false, not truth))
        ):
            feedback = answer.feedback if answer is not None else None
            self.answer("100" if right else "0", Text(text), feedback, index)

    def shortanswer(self, question: QuizQuestion, options: dict[str, str]) -> None:
        self.write_options(question, options)
        for index, answer in enumerate(question.answers):
            self.plain_answer(answer, index)
            self.answer(
                self.fraction(answer.fraction), Text(answer.text.text), answer.feedback, index
            )

    def plain_answer(self, answer: Answer, index: int) -> None:
        if answer.text.format in (TextFormat.HTML, TextFormat.MARKDOWN):
            self.warn(
                f"answer {index + 1} is {answer.text.format.value} but Moodle reads this kind of "
                "answer as plain text: its format is not kept"
            )

    def numerical(self, question: QuizQuestion, options: dict[str, str]) -> None:
        for index, answer in enumerate(question.answers):
            self.plain_answer(answer, index)
            said = answer.text.text.strip()
            if answer.value is not None:
                try:
                    same = float(said.replace(",", ".")) == answer.value
                except ValueError:
                    same = False
                said = said if same else _number(answer.value)
            elif said != "*":
                self.warn(f"numerical answer {said!r} has no value: Moodle will refuse it")
            tolerance = _number(answer.tolerance or 0.0)
            self.answer(
                self.fraction(answer.fraction),
                Text(said),
                answer.feedback,
                index,
                [f"      <tolerance>{tolerance}</tolerance>"],
            )
        unit = question.extra.get("unit")
        if isinstance(unit, str) and unit:
            self.out += [
                "    <units>",
                "      <unit>",
                "        <multiplier>1</multiplier>",
                f"        <unit_name>{self.chars(unit)}</unit_name>",
                "      </unit>",
                "    </units>",
            ]

    def matching(self, question: QuizQuestion, options: dict[str, str]) -> None:
        if question.shuffle is not None:
            self.element("shuffleanswers", "true" if question.shuffle else "false")
        self.combined_feedback(question)
        if "shownumcorrect" in options:
            self.out.append("    <shownumcorrect/>")
        if any(pair.feedback for pair in question.pairs):
            self.warn(
                "Moodle has no feedback per matching pair: it is written inside <subquestion>, "
                "where pmpath reads it and Moodle ignores it"
            )
        for index, pair in enumerate(question.pairs):
            self.out.append(f'    <subquestion format="{_FORMAT_OUT[pair.left.format]}">')
            self.out.append(f"      <text>{self.chars(pair.left.text)}</text>")
            self.files(f"subquestion/{index}", "      ")
            self.out.append(f"      <answer><text>{self.chars(pair.right)}</text></answer>")
            if pair.feedback:
                self.text_element("feedback", pair.feedback, pair.left.format, None, "      ")
            self.out.append("    </subquestion>")

    def ordering(self, question: QuizQuestion, options: dict[str, str]) -> None:
        if not any(name in options for name in _ORDERING_DEFAULTS):
            options = {**_ORDERING_DEFAULTS, **options}
        self.write_options(question, {k: v for k, v in options.items() if k != "shownumcorrect"})
        self.combined_feedback(question)
        if "shownumcorrect" in options:
            self.out.append("    <shownumcorrect/>")
        stored = question.extra.get("rationales")
        rationales = [str(r) for r in stored] if isinstance(stored, list) else []
        if len(rationales) > len(question.order):
            self.warn("more rationales than items: the extra ones are not written")
        for index, item in enumerate(question.order):
            rationale = rationales[index] if index < len(rationales) else ""
            self.answer(str(index + 1), item, Text(rationale, item.format), index)

    def essay(self, question: QuizQuestion, options: dict[str, str]) -> None:
        self.write_options(question, options)
        for name in ("graderinfo", "responsetemplate"):
            stored = question.extra.get(f"moodle_{name}")
            text = None
            if isinstance(stored, dict):
                text = Text(str(stored.get("text", "")), _text_format(stored.get("format")))
            self.text_element(name, text, question.text.format, name)

    def description(self, question: QuizQuestion, options: dict[str, str]) -> None:
        """Nothing beyond the common parts."""

    def cloze_text(self, question: QuizQuestion) -> str:
        """The question text with each ``{#n}`` replaced by the code of blank n."""
        codes = [self.cloze_code(blank, number) for number, blank in enumerate(question.blanks, 1)]
        used: set[int] = set()

        def replace(match: re.Match[str]) -> str:
            number = int(match.group(1))
            if 1 <= number <= len(codes):
                used.add(number)
                return codes[number - 1]
            self.warn(f"the text refers to blank {number}, which does not exist: left as it is")
            return match.group(0)

        text = _CLOZE_PLACEHOLDER.sub(replace, question.text.text)
        missing = [number for number in range(1, len(codes) + 1) if number not in used]
        if missing:
            self.warn(f"blanks {missing} have no {{#n}} place in the text: written at its end")
            text += "".join(" " + codes[number - 1] for number in missing)
        grade = sum(blank.default_grade for blank in question.blanks)
        if question.default_grade != grade:
            self.warn(
                f"a cloze question's grade is the sum of its blanks' ({_number(grade)}), "
                f"not {_number(question.default_grade)}"
            )
        return text

    def cloze_code(self, blank: QuizQuestion, number: int) -> str:
        if blank.type is QType.SHORTANSWER:
            options = blank.extra.get("moodle_options")
            sensitive = isinstance(options, dict) and options.get("usecase") == "1"
            code = "SHORTANSWER_C" if sensitive else "SHORTANSWER"
        elif blank.type is QType.NUMERICAL:
            code = "NUMERICAL"
        elif blank.type is QType.MULTICHOICE:
            layout = blank.extra.get("moodle_cloze_layout")
            usual = "dropdown" if blank.single else "vertical"
            code = _CLOZE_MULTICHOICE.get(
                (blank.single, bool(blank.shuffle), str(layout)),
                _CLOZE_MULTICHOICE[(blank.single, bool(blank.shuffle), usual)],
            )
        else:
            self.warn(f"blank {number} is {blank.type.value}, which a cloze cannot embed: left out")
            return ""
        if (
            blank.general_feedback
            or blank.hints
            or blank.tags
            or blank.attachments
            or blank.text.text
            or blank.pairs
            or blank.order
            or blank.blanks
        ):
            self.warn(f"blank {number} has parts a cloze code cannot hold: only answers written")
        weight = blank.default_grade
        if weight < 0 or weight != int(weight):
            weight = max(0, round(weight))
            self.warn(f"blank {number}'s weight must be a whole number: written as {weight}")
        alternatives = []
        for answer in blank.answers:
            said = answer.text.text
            if blank.type is QType.NUMERICAL and answer.value is not None:
                if not (
                    re.fullmatch(_CLOZE_NUMBER, said)
                    and float(said.replace(",", ".")) == answer.value
                ):
                    said = _number(answer.value)
                if answer.tolerance:
                    said += f":{_number(abs(answer.tolerance))}"
            else:
                said = _cloze_encode(said)
            if not said:
                self.warn(f"blank {number} has an empty answer, which a cloze cannot hold")
                continue
            alternative = f"%{self.fraction(answer.fraction)}%{said}"
            if answer.feedback:
                alternative += "#" + _cloze_encode(answer.feedback.text)
            alternatives.append(alternative)
        if not alternatives:
            self.warn(f"blank {number} has no answers: left out")
            return ""
        return f"{{{_number(weight)}:{code}:{'~'.join(alternatives)}}}"

    def cloze(self, question: QuizQuestion, options: dict[str, str]) -> None:
        """The blanks are in the question text (see :meth:`cloze_text`)."""


_TYPE_WRITERS: dict[QType, Callable[[_Writer, QuizQuestion, dict[str, str]], None]] = {
    QType.MULTICHOICE: _Writer.multichoice,
    QType.TRUEFALSE: _Writer.truefalse,
    QType.SHORTANSWER: _Writer.shortanswer,
    QType.NUMERICAL: _Writer.numerical,
    QType.MATCHING: _Writer.matching,
    QType.ORDERING: _Writer.ordering,
    QType.ESSAY: _Writer.essay,
    QType.DESCRIPTION: _Writer.description,
    QType.CLOZE: _Writer.cloze,
}


def _text_format(value: object) -> TextFormat:
    try:
        return TextFormat(str(value))
    except ValueError:
        return TextFormat.MOODLE


def _texts(question: QuizQuestion) -> Iterator[tuple[str, str]]:
    """(area, text) of every text the writer writes with files, in the order it writes them."""
    yield "questiontext", question.text.text
    yield "generalfeedback", question.general_feedback.text if question.general_feedback else ""
    qtype = question.type
    if qtype in (QType.MULTICHOICE, QType.MATCHING, QType.ORDERING):
        stored = question.extra.get("moodle_combined_feedback")
        for name in _COMBINED:
            value = stored.get(name) if isinstance(stored, dict) else None
            yield name, str(value.get("text", "")) if isinstance(value, dict) else ""
    if qtype in (QType.MULTICHOICE, QType.TRUEFALSE, QType.SHORTANSWER, QType.NUMERICAL):
        answers = question.answers[:2] if qtype is QType.TRUEFALSE else question.answers
        for index, answer in enumerate(answers):
            if qtype is QType.MULTICHOICE:
                yield f"answer/{index}", answer.text.text
            yield f"answer/{index}/feedback", answer.feedback.text if answer.feedback else ""
    if qtype is QType.ORDERING:
        for index, item in enumerate(question.order):
            yield f"answer/{index}", item.text
            yield f"answer/{index}/feedback", ""
    if qtype is QType.MATCHING:
        for index, pair in enumerate(question.pairs):
            yield f"subquestion/{index}", pair.left.text
    if qtype is QType.ESSAY:
        stored = question.extra.get("moodle_graderinfo")
        yield "graderinfo", str(stored.get("text", "")) if isinstance(stored, dict) else ""
    if "hint" in _TYPE_ELEMENTS[qtype]:
        for index, hint in enumerate(question.hints):
            yield f"hint/{index}", hint.text


def _linking_area(file: Attachment, texts: dict[str, str]) -> str:
    """The first text that links to ``file`` through ``@@PLUGINFILE@@``, else the question text."""
    path = file.path if file.path.endswith("/") else file.path + "/"
    links = {f"@@PLUGINFILE@@{path}{file.name}", f"@@PLUGINFILE@@{quote(path + file.name)}"}
    for area, text in texts.items():
        if any(link in text for link in links):
            return area
    return "questiontext"
