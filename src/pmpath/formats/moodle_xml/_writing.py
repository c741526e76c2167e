"""The interchange model written as Moodle XML: the file and its categories, and the parts
every question type shares (:class:`Writer`); each type's own elements are written by
:mod:`pmpath.formats.moodle_xml._type_writing`, a cloze question's codes by
:mod:`pmpath.formats.moodle_xml._cloze`.
"""

from __future__ import annotations

import base64
from typing import Any

from pmpath.formats.categories import DEFAULT_PREFIX, UNCATEGORISED, category_of, category_path
from pmpath.formats.moodle_xml._cloze import cloze_text
from pmpath.formats.moodle_xml._file_areas import place_files
from pmpath.formats.moodle_xml._type_writing import TYPE_WRITERS, gap_kind
from pmpath.formats.moodle_xml._vocabulary import (
    COMBINED,
    FORMAT_OUT,
    OPTIONS,
    TYPE_ELEMENTS,
    WRITTEN_TYPE,
    grade_choice,
    grade_percent,
    stored_format,
)
from pmpath.formats.numbers import number_text
from pmpath.formats.quiz import (
    Attachment,
    FormatWarning,
    QType,
    QuizQuestion,
    Text,
    TextFormat,
    Warn,
    warner,
)
from pmpath.formats.xmltext import xml_characters

#: How a warning names the parts of a question its Moodle type has no place for, and what is
#: not written (``{}``: how many).
_UNUSED = {
    "answers": ("answers", "{}"),
    "pairs": ("matching pairs", "pairs"),
    "order": ("items to order", "items"),
    "blanks": ("embedded answers", "blanks"),
    "choices": ("gap choices", "choices"),
}


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[FormatWarning]]:
    """A Moodle XML file of ``questions``, and a warning for everything it cannot express."""
    return Writer().write(questions)


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


class Writer:
    """Questions as one ``<quiz>`` document, with a category question wherever the category
    changes."""

    def __init__(self) -> None:
        self.warnings: list[FormatWarning] = []
        self.warn: Warn  # about the question being written (set with it)
        self.out: list[str] = []
        self.question: QuizQuestion | None = None
        self.areas: dict[str, list[Attachment]] = {}

    def write(self, questions: list[QuizQuestion]) -> tuple[bytes, list[FormatWarning]]:
        self.out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
        current: tuple[str | None, str] = (None, DEFAULT_PREFIX)
        for number, question in enumerate(questions, start=1):
            self.question, self.warn = question, warner(self.warnings, question, number)
            wanted = category_of(question)
            prefix = wanted[1]
            info = question.extra.get("moodle_category_info")
            if wanted != current or (question.category is not None and isinstance(info, dict)):
                self.category(question.category, prefix, info if isinstance(info, dict) else {})
                current = wanted
            self.one(question)
        self.out.append("</quiz>")
        return ("\n".join(self.out) + "\n").encode("utf-8"), self.warnings

    def category(self, category: str | None, prefix: str, info: dict[str, Any]) -> None:
        if category is None:
            self.warn(UNCATEGORISED)
            path = DEFAULT_PREFIX
        else:
            path = category_path(category, prefix)
        self.out += [
            '  <question type="category">',
            f"    <category><text>{self.chars(path)}</text></category>",
        ]
        if info.get("text"):
            value = FORMAT_OUT.get(stored_format(info.get("format")), "moodle_auto_format")
            self.out.append(
                f'    <info format="{value}"><text>{self.chars(str(info["text"]))}</text></info>'
            )
        if info.get("idnumber"):
            self.out.append(f"    <idnumber>{self.chars(str(info['idnumber']))}</idnumber>")
        self.out.append("  </question>")

    def one(self, question: QuizQuestion) -> None:
        qtype = question.type
        self.check_unused(question)
        origin = question.extra.get("moodle_calculated")
        if isinstance(origin, dict):
            # Read as one question per dataset item (see _calculated.py); the template with its
            # wildcards, formulas and dataset is gone, so say so rather than pretend.
            self.warn(
                f"read from item {origin.get('item')} of a {origin.get('type')} question's "
                f"dataset: written as a {WRITTEN_TYPE[qtype]} question with its values "
                "computed (the calculated question is not rebuilt)"
            )
        self.areas = place_files(question, self.warn)
        kind = gap_kind(question) if qtype is QType.GAPS else WRITTEN_TYPE[qtype]
        self.out.append(f'  <question type="{kind}">')
        self.out.append(f"    <name><text>{self.chars(question.name or '')}</text></name>")
        text = question.text
        if qtype is QType.CLOZE:
            text = Text(cloze_text(self, question), text.format)
        self.text_element("questiontext", text, text.format, "questiontext")
        self.text_element(
            "generalfeedback", question.general_feedback, text.format, "generalfeedback"
        )
        if qtype is QType.DESCRIPTION:
            self.element("defaultgrade", "0")
        elif qtype is not QType.CLOZE:
            self.element("defaultgrade", number_text(question.default_grade))
        if question.penalty is not None:
            self.element("penalty", number_text(question.penalty))
        options = self.options(question)
        if "hidden" in options:
            self.element("hidden", options["hidden"])
        if question.id_number is not None:
            self.element("idnumber", question.id_number)
        TYPE_WRITERS[qtype](self, question, options)
        if "hint" in TYPE_ELEMENTS[qtype]:
            self.hints(question)
        elif question.hints:
            self.warn(f"{WRITTEN_TYPE[qtype]} questions have no hints: hints not written")
        self.tag_list("tags", question.tags)
        course_tags = question.extra.get("moodle_course_tags")
        if isinstance(course_tags, list):
            self.tag_list("coursetags", [str(tag) for tag in course_tags])
        self.out.append("  </question>")

    # -- shared parts

    def check_unused(self, question: QuizQuestion) -> None:
        """Warn about the model's fields this question type has no place for in Moodle."""
        qtype = question.type
        kind = WRITTEN_TYPE[qtype]
        for part, count in question.unused_parts().items():
            what, dropped = _UNUSED[part]
            self.warn(f"{kind} questions have no {what}: {dropped.format(count)} not written")
        if question.shuffle is not None and qtype not in (
            QType.MULTICHOICE,
            QType.MATCHING,
            QType.GAPS,
        ):
            self.warn(f"{kind} questions have no shuffle setting: not written")
        if not question.single and qtype is not QType.MULTICHOICE:
            self.warn(f"{kind} questions are not multiple-response: 'single' not written")

    def options(self, question: QuizQuestion) -> dict[str, str]:
        stored = question.extra.get("moodle_options")
        options = {}
        if isinstance(stored, dict):
            allowed = ("hidden", *OPTIONS[question.type])
            options = {key: str(value) for key, value in stored.items() if key in allowed}
        return options

    def write_options(self, question: QuizQuestion, options: dict[str, str]) -> None:
        for name in OPTIONS[question.type]:
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
        self.out.append(f'{indent}<{tag} format="{FORMAT_OUT[value]}">')
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
        self.out.append(f'    <answer fraction="{fraction}" format="{FORMAT_OUT[text.format]}">')
        self.out.append(f"      <text>{self.chars(text.text)}</text>")
        self.files(f"answer/{index}", "      ")
        assert self.question is not None
        self.text_element(
            "feedback", feedback, self.question.text.format, f"answer/{index}/feedback", "      "
        )
        self.out += inner or []
        self.out.append("    </answer>")

    def fraction(self, fraction: float) -> str:
        """An answer's fraction as Moodle's nearest grade choice, in percent."""
        return grade_percent(grade_choice(fraction, self.warn, "written"))

    def combined_feedback(self, question: QuizQuestion) -> None:
        stored = question.extra.get("moodle_combined_feedback")
        kept = stored if isinstance(stored, dict) else {}
        for name in COMBINED:
            value = kept.get(name)
            text = None
            if isinstance(value, dict):
                text = Text(str(value.get("text", "")), stored_format(value.get("format")))
            self.text_element(name, text, question.text.format, name)

    def hints(self, question: QuizQuestion) -> None:
        stored = question.extra.get("moodle_hint_options")
        options = stored if isinstance(stored, list) else []
        for index, hint in enumerate(question.hints):
            self.out.append(f'    <hint format="{FORMAT_OUT[hint.format]}">')
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
        cleaned = xml_characters(value)
        if cleaned != value:
            self.warn("characters that XML cannot hold (control characters) were left out")
        return cleaned
