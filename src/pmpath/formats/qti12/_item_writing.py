"""One question written as one Canvas ``<item>``: its metadata, texts, feedback and the
response processing every kind shares (:class:`ItemWriter`); each kind of question's responses
are written by its own module (``_choice``, ``_short_answer``, ``_numerical``, ``_matching``,
``_blanks``)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from pmpath.formats.numbers import number_text
from pmpath.formats.qti12._blanks import blank_names, write_blanks
from pmpath.formats.qti12._canvas import (
    BANK_FIELD,
    EXTRA_FIELD,
    FILE_BASE,
    KEY,
    MARKDOWN_FIELD,
    PLACEHOLDER,
    TAG_FIELD,
    TYPE_FIELD,
    WRONG_FIELD,
    decimal,
    ident_ok,
    qti_extra,
    xml_attributes,
)
from pmpath.formats.qti12._choice import write_choice
from pmpath.formats.qti12._markdown import rendered
from pmpath.formats.qti12._matching import write_matching
from pmpath.formats.qti12._metadata import field_pairs, write_fields
from pmpath.formats.qti12._numerical import write_calculated, write_numerical
from pmpath.formats.qti12._short_answer import write_short_answer
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text, TextFormat
from pmpath.formats.xmltext import XML_INVALID, xml_characters

if TYPE_CHECKING:
    from pmpath.formats.qti12._writing import Writer

#: What a warning says of the parts of a question its Canvas type has no place for.
_UNUSED = {
    "answers": "a {kind} question has no answers in Canvas: answers left out",
    "pairs": "a {kind} question has no pairs: pairs left out",
    "order": "a {kind} question has no order: order left out",
    "blanks": "a {kind} question has no blanks: blanks left out",
    "choices": "a {kind} question has no gap choices: choices left out",
}


class ItemWriter:
    """One :class:`QuizQuestion` into one Canvas ``<item>``."""

    def __init__(self, writer: Writer, question: QuizQuestion, number: int, ident: str) -> None:
        self.writer = writer
        self.question = question
        self.number = number
        self.ident = ident
        self.extra = qti_extra(question)
        self.item = Element("item", xml_attributes(ident=ident, title=question.name))
        self.feedbacks: list[tuple[str, Text]] = []
        self.formats_warned: set[TextFormat] = set()
        self.taken: set[str] = set()
        self.processing: Element | None = None
        #: Wrong answers kept for pmpath where Canvas would take a condition for a right one.
        self.wrong_fields: list[list[str]] = []
        #: The Markdown sources of the texts written as HTML, in order, once each.
        self.markdown: list[str] = []

    def warn(self, message: str) -> None:
        self.writer.warn(self.question, self.number, message)

    def write(self) -> Element:
        question = self.question
        kind, write_body = self.kind()
        points = question.default_grade
        if kind == "text_only_question" and points:
            self.warn("Canvas gives text-only questions no points: written with 0 points")
            points = 0.0
        fields = [["question_type", kind], ["points_possible", repr(float(points))]]
        if question.category:
            fields.append([BANK_FIELD, question.category])
        fields += [[TAG_FIELD, tag] for tag in question.tags]
        carried = self.carried_extra()
        if carried:
            fields.append([EXTRA_FIELD, carried])
        if question.type is QType.ORDERING:
            fields.append([TYPE_FIELD, "ordering"])
        fields += field_pairs(self.extra.get("metadata"))
        metadata = ElementTree.SubElement(self.item, "itemmetadata")
        self.presentation = ElementTree.SubElement(self.item, "presentation")
        self.mattext(ElementTree.SubElement(self.presentation, "material"), self.text(), "text")
        if question.general_feedback:
            self.feedbacks.append(("general_fb", question.general_feedback))
        for name, ident in (("correct", "correct_fb"), ("incorrect", "general_incorrect_fb")):
            stored = self.extra.get(f"{name}_feedback")
            if isinstance(stored, dict) and stored.get("text"):
                formats = {str(f): f for f in TextFormat}
                text_format = formats.get(str(stored.get("format")), TextFormat.HTML)
                self.feedbacks.append((ident, Text(str(stored["text"]), text_format)))
        write_body(self)
        self.itemfeedback()
        if self.markdown:
            fields.append([MARKDOWN_FIELD, json.dumps(self.markdown, ensure_ascii=False)])
        write_fields(metadata, fields + self.wrong_fields, "qtimetadata")
        self.unsupported()
        return self.item

    def text(self) -> Text:
        text = self.question.text
        if self.question.type != QType.CLOZE:
            return text
        names = blank_names(self)

        def name_of(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            return f"[{names[index]}]" if 0 <= index < len(names) else match.group(0)

        return Text(PLACEHOLDER.sub(name_of, text.text), text.format)

    def kind(self) -> tuple[str, Callable[[ItemWriter], None]]:
        """The Canvas question type, and what writes its responses and their scoring."""
        question = self.question
        stored = self.extra.get("question_type")
        if question.type == QType.MULTICHOICE:
            kind = "multiple_choice_question" if question.single else "multiple_answers_question"
            return kind, write_choice
        if question.type == QType.TRUEFALSE:
            return "true_false_question", write_choice
        if question.type == QType.SHORTANSWER:
            return "short_answer_question", write_short_answer
        if question.type == QType.NUMERICAL:
            if stored == "calculated_question" and isinstance(self.extra.get("calculated"), dict):
                if not question.answers:
                    return "calculated_question", write_calculated
                self.warn("has answers, so it is written as numerical: its formulas are left out")
            return "numerical_question", write_numerical
        if question.type in (QType.MATCHING, QType.ORDERING):
            return "matching_question", write_matching
        if question.type == QType.CLOZE:
            dropdowns = bool(question.blanks) and all(
                blank.type == QType.MULTICHOICE for blank in question.blanks
            )
            if dropdowns:
                return "multiple_dropdowns_question", write_blanks
            return "fill_in_multiple_blanks_question", write_blanks
        if question.type == QType.ESSAY:
            if stored == "file_upload_question":
                return "file_upload_question", ItemWriter.essay
            return "essay_question", ItemWriter.essay
        return "text_only_question", ItemWriter.description

    # -- shared pieces ----------------------------------------------------------------------

    def mattext(self, material: Element, text: Text, what: str) -> None:
        value = text.text
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            self.warn(f"{what}: carriage returns written as line breaks")
        if XML_INVALID.search(value):
            value = xml_characters(value)
            self.warn(f"{what}: characters XML cannot hold were left out")
        if "@@PLUGINFILE@@/" in value:
            value = value.replace("@@PLUGINFILE@@/", f"{FILE_BASE}/")
            self.warn(f"{what}: @@PLUGINFILE@@ file links written as {FILE_BASE} links")
        html = text.format == TextFormat.HTML
        if text.format is TextFormat.MARKDOWN and value:
            # Canvas shows text/plain verbatim (a table as pipes): Markdown goes rendered.
            if value not in self.markdown:
                self.markdown.append(value)
            value, html = rendered(value, inline=what != "text"), True
        if text.format is TextFormat.MOODLE and value and text.format not in self.formats_warned:
            self.formats_warned.add(text.format)
            self.warn(f"{text.format.value} text is written as plain text (text/plain)")
        element = ElementTree.SubElement(
            material, "mattext", {"texttype": "text/html" if html else "text/plain"}
        )
        element.text = value

    def rules(self) -> Element:
        if self.processing is None:
            self.processing = ElementTree.SubElement(self.item, "resprocessing")
            outcomes = ElementTree.SubElement(self.processing, "outcomes")
            ElementTree.SubElement(
                outcomes,
                "decvar",
                {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"},
            )
            if self.question.general_feedback:
                self.rule("Yes", [Element("other")], feedback="general_fb")
        return self.processing

    def rule(
        self,
        go_on: str | None,
        conditions: list[Element],
        action: tuple[str, str] | None = None,
        feedback: str | None = None,
        correct: bool = False,
    ) -> None:
        attributes = {"continue": go_on} if go_on else {}
        rule = ElementTree.SubElement(self.rules(), "respcondition", attributes)
        ElementTree.SubElement(rule, "conditionvar").extend(conditions)
        if action is not None:
            setvar = ElementTree.SubElement(
                rule, "setvar", {"action": action[0], "varname": "SCORE"}
            )
            setvar.text = action[1]
        if feedback:
            ElementTree.SubElement(
                rule, "displayfeedback", {"feedbacktype": "Response", "linkrefid": feedback}
            )
        if correct and any(ident == "correct_fb" for ident, _ in self.feedbacks):
            ElementTree.SubElement(
                rule, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "correct_fb"}
            )

    def keep_wrong(self, answers: list[Answer], kind: str) -> None:
        """Wrong answers of a numerical or short-answer question, out of the scoring: Canvas
        takes every condition of these types for a right answer (so a typical mistake with
        feedback would earn full marks). pmpath keeps them, with their feedback, in metadata
        fields Canvas ignores."""
        if not answers:
            return
        self.warn(
            f"Canvas takes every answer of a {kind} question for a right one: its wrong "
            "answers and their feedback are left out of what Canvas reads (kept for pmpath in "
            f"{WRONG_FIELD} fields)"
        )
        for answer in answers:
            entry: dict[str, Any] = {
                "text": answer.text.text,
                "format": answer.text.format.value,
                "fraction": answer.fraction,
            }
            if answer.value is not None:
                entry["value"] = answer.value
            if answer.tolerance is not None:
                entry["tolerance"] = answer.tolerance
            if answer.feedback:
                entry["feedback"] = answer.feedback.text
                entry["feedback_format"] = answer.feedback.format.value
            self.wrong_fields.append([WRONG_FIELD, json.dumps(entry, ensure_ascii=False)])

    def incorrect_rule(self) -> None:
        if any(ident == "general_incorrect_fb" for ident, _ in self.feedbacks):
            self.rule("Yes", [Element("other")], feedback="general_incorrect_fb")

    def itemfeedback(self) -> None:
        for ident, text in self.feedbacks:
            feedback = ElementTree.SubElement(self.item, "itemfeedback", {"ident": ident})
            flow = ElementTree.SubElement(feedback, "flow_mat")
            self.mattext(ElementTree.SubElement(flow, "material"), text, "feedback")
        for number, hint in enumerate(self.question.hints, start=1):
            feedback = ElementTree.SubElement(
                self.item, "itemfeedback", {"ident": f"hint_{number}"}
            )
            holder = ElementTree.SubElement(
                ElementTree.SubElement(feedback, "hint"), "hintmaterial"
            )
            flow = ElementTree.SubElement(holder, "flow_mat")
            self.mattext(ElementTree.SubElement(flow, "material"), hint, "a hint")
        if self.question.hints:
            self.warn("hints are written as QTI hint feedback, which Canvas does not show")

    def carried_extra(self) -> str:
        """The ``extra`` values of other owners as JSON (for pmpath_extra), or ""."""
        values = {}
        for key, value in self.question.extra.items():
            if key == KEY:
                continue
            try:
                json.dumps(value)
            except (TypeError, ValueError, RecursionError):
                self.warn(f"extra value {key!r} cannot be written as JSON: left out")
                continue
            values[str(key)] = value
        return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else ""

    def unsupported(self) -> None:
        """Report what the question holds that its Canvas type has no place for."""
        question = self.question
        kind = question.type
        if question.penalty is not None:
            self.warn("Canvas has no penalty for retries: the penalty is left out")
        if question.shuffle is not None and self.item.find(".//render_choice") is None:
            self.warn("this question type has no choices to shuffle: shuffle left out")
        for part in question.unused_parts():
            if part == "answers" and kind in (QType.ESSAY, QType.DESCRIPTION):
                continue  # their own writers say what becomes of them
            self.warn(_UNUSED[part].format(kind=kind.value))
        if kind is QType.MATCHING and any(p.feedback and not p.left.text for p in question.pairs):
            self.warn("Canvas has no feedback on unmatched choices: that feedback is left out")
        if kind is QType.CLOZE and any(b.general_feedback or b.hints for b in question.blanks):
            self.warn("blanks have no feedback or hints of their own in Canvas: left out")
        if kind is QType.NUMERICAL:
            for answer in question.answers:
                number = decimal(answer.text.text)
                if answer.value is not None and (number is None or float(number) != answer.value):
                    self.warn(
                        f"numerical answer text {answer.text.text!r} is written as its value "
                        f"{number_text(answer.value)}"
                    )

    def answer_ids(self, count: int, stored: Any = None) -> list[str]:
        """An ident per answer: the ones read from QTI while they still fit, else new ones.

        Idents are unique within the item, because feedback links (``<ident>_fb``) are.
        """
        values = stored if stored is not None else self.extra.get("answer_ids")
        if not isinstance(values, list) or len(values) != count:
            values = [None] * count
        ids = []
        for value in values:
            if isinstance(value, str) and ident_ok(value) and value not in self.taken:
                self.taken.add(value)
                ids.append(value)
            else:
                ids.append("")
        return [value or self.new_id() for value in ids]

    def new_id(self, start: int = 1) -> str:
        number = start
        while str(number) in self.taken:
            number += 1
        self.taken.add(str(number))
        return str(number)

    def labels(self, response: Element, texts: list[Text], ids: list[str]) -> None:
        render = ElementTree.SubElement(response, "render_choice")
        if self.question.shuffle is not None:
            render.set("shuffle", "Yes" if self.question.shuffle else "No")
        for ident, text in zip(ids, texts, strict=True):
            label = ElementTree.SubElement(render, "response_label", {"ident": ident})
            self.mattext(ElementTree.SubElement(label, "material"), text, "a choice")

    def essay(self) -> None:
        if self.question.answers:
            self.warn("essay answers have no place in Canvas: left out")
        if (
            self.extra.get("question_type") != "file_upload_question"
            or self.question.type != QType.ESSAY
        ):
            response = ElementTree.SubElement(
                self.presentation, "response_str", {"ident": "response1", "rcardinality": "Single"}
            )
            fib = ElementTree.SubElement(response, "render_fib")
            ElementTree.SubElement(fib, "response_label", {"ident": "answer1", "rshuffle": "No"})
            self.rules()
            self.rule("No", [Element("other")])
        else:
            self.rules()

    def description(self) -> None:
        if self.question.answers or self.question.pairs:
            self.warn("a text-only question has no answers: its answers are left out")
        if self.question.general_feedback:
            self.warn("Canvas shows no feedback on text-only questions")
