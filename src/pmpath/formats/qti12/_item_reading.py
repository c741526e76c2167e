"""One ``<item>`` read into one question: its metadata, texts, feedback, files and response
processing (:class:`ItemReader`); each kind of question's responses are read by its own module
(``_choice``, ``_short_answer``, ``_numerical``, ``_matching``, ``_blanks``)."""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from pmpath.errors import Location
from pmpath.formats.numbers import grade_fraction
from pmpath.formats.qti12._blanks import read_blanks
from pmpath.formats.qti12._canvas import (
    BANK_FIELD,
    BLANK_TYPES,
    CANVAS_TYPES,
    CHOICE_TYPES,
    EXTRA_FIELD,
    FILE_FOLDER,
    KEY,
    MARKDOWN_FIELD,
    MEDIA,
    TAG_FIELD,
    TYPE_FIELD,
    WRONG_FIELD,
    decimal,
    text_format,
)
from pmpath.formats.qti12._choice import read_choice
from pmpath.formats.qti12._gaps import dropdowns_as_gaps, named_blanks
from pmpath.formats.qti12._markdown import restore_markdown
from pmpath.formats.qti12._matching import read_matching, read_ordering
from pmpath.formats.qti12._metadata import read_fields
from pmpath.formats.qti12._numerical import read_calculated, read_numerical
from pmpath.formats.qti12._responses import Rule, apply_action, holds, references, response_elements
from pmpath.formats.qti12._short_answer import read_short_answer
from pmpath.formats.quiz import Answer, Attachment, QType, QuizQuestion, Text, TextFormat

if TYPE_CHECKING:
    from pmpath.formats.qti12._documents import DocumentReader

_FILE_REFERENCE = re.compile(r"(?:\$IMS-CC-FILEBASE\$|%24IMS-CC-FILEBASE%24)/([^\"'<>\s?#]+)")


def _inner_text(element: Element) -> str:
    """The text of ``element`` with any child elements (unescaped XHTML) serialised back."""
    parts = [element.text or ""]
    parts += [ElementTree.tostring(child, encoding="unicode") for child in element]
    return "".join(parts)


class ItemReader:
    """One ``<item>`` into one :class:`QuizQuestion`.

    Each kind of question's module reads its ``responses``, scores them with :meth:`score`
    (or :meth:`credited`), takes their feedback with :meth:`take_feedback` and keeps what the
    model cannot hold in ``extra``.
    """

    def __init__(
        self,
        document: DocumentReader,
        element: Element,
        quiz: dict[str, Any],
        group: dict[str, Any] | None,
    ) -> None:
        self.document = document
        self.element = element
        self.line = document.lines.get(id(element))
        self.name = element.get("title") or element.get("ident")
        self.extra: dict[str, Any] = {"quiz": quiz}
        if group is not None:
            self.extra["group"] = group
        self.feedback: dict[str, Text] = {}
        self.used_feedback: set[str] = set()

    def warn(self, message: str) -> None:
        self.document.warn(message, self.line, self.name)

    def read(self) -> QuizQuestion:
        element = self.element
        fields = read_fields(element.find("itemmetadata/qtimetadata"))
        kind = next((entry for label, entry in fields if label == "question_type"), None)
        points = next((entry for label, entry in fields if label == "points_possible"), None)
        bank = next((entry for label, entry in fields if label == BANK_FIELD), None)
        tags = [entry for label, entry in fields if label == TAG_FIELD]
        carried = self._carried(fields)
        skip = {
            "question_type",
            "points_possible",
            BANK_FIELD,
            TAG_FIELD,
            WRONG_FIELD,
            MARKDOWN_FIELD,
        }
        if carried is not None:
            skip.add(EXTRA_FIELD)
        self.extra["metadata"] = [pair for pair in fields if pair[0] not in skip]
        presentation = element.find("presentation")
        self.responses = list(response_elements(presentation))
        self.rules, self.maximum = self._rules(element.find("resprocessing"))
        hints = self._feedback()
        for child in element:
            if child.tag not in (
                "itemmetadata",
                "presentation",
                "resprocessing",
                "itemfeedback",
                "itemproc_extension",
            ):
                self.warn(f"<{child.tag}> is not kept")
        question = QuizQuestion(
            type=QType.DESCRIPTION,
            text=self.material(presentation, "the question text"),
            name=element.get("title"),
            id_number=element.get("ident"),
            default_grade=self._points(points),
            category=bank or None,
            tags=tags,
            hints=hints,
            general_feedback=self.take_feedback("general_fb"),
            source=Location(file=self.document.file, line=self.line),
        )
        kind = self._kind(kind)
        self._read_type(question, kind)
        if question.type is QType.DESCRIPTION and not points:
            question.default_grade = 0.0  # text only: Canvas gives it no points
        self._wrong_answers(question, [entry for label, entry in fields if label == WRONG_FIELD])
        for name, ident in (("correct", "correct_fb"), ("incorrect", "general_incorrect_fb")):
            text = self.take_feedback(ident)
            if text is not None:
                self.extra[f"{name}_feedback"] = {"text": text.text, "format": str(text.format)}
                self.warn(
                    f"the {name}-answer feedback ({ident}) has no place in the interchange "
                    "model: kept only for QTI 1.2"
                )
        for ident in sorted(set(self.feedback) - self.used_feedback):
            self.warn(f"feedback {ident!r} belongs to no answer; not kept")
        if element.find("itemproc_extension") is not None and "calculated" not in self.extra:
            self.warn("<itemproc_extension> is not kept")
        question.attachments = self._attachments(question)
        question.extra = {**(carried or {}), KEY: self.extra}
        dropdowns = kind == "multiple_dropdowns_question" and question.type is QType.CLOZE
        if dropdowns:
            named_blanks(question)  # as written, for the Markdown sources
        self._markdown(question, [entry for label, entry in fields if label == MARKDOWN_FIELD])
        if dropdowns:
            dropdowns_as_gaps(self, question)
        return question

    def _markdown(self, question: QuizQuestion, entries: list[str]) -> None:
        """Texts pmpath wrote from Markdown get their source back, unless edited since."""
        sources: list[str] = []
        for entry in entries:
            try:
                values = json.loads(entry)
            except (ValueError, RecursionError):
                values = None
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                self.warn(f"{MARKDOWN_FIELD} is not a JSON list of texts: not kept")
                continue
            sources += values
        stale = restore_markdown(question, sources)
        if stale:
            self.warn(
                f"{stale} text(s) no longer match the Markdown pmpath wrote them from (edited "
                "since?): their HTML is kept"
            )

    def _carried(self, fields: list[list[str]]) -> dict[str, Any] | None:
        """The other ``extra`` values pmpath wrote in a pmpath_extra field, if readable."""
        entry = next((entry for label, entry in fields if label == EXTRA_FIELD), None)
        if entry is None:
            return None
        try:
            values = json.loads(entry)
        except (ValueError, RecursionError):
            values = None
        if not isinstance(values, dict) or KEY in values:
            self.warn(f"{EXTRA_FIELD} is not a JSON object of values: kept as metadata")
            return None
        return values

    def _wrong_answers(self, question: QuizQuestion, entries: list[str]) -> None:
        """The wrong answers pmpath kept out of Canvas's sight (see ItemWriter.keep_wrong)."""
        if entries and question.type not in (QType.NUMERICAL, QType.SHORTANSWER):
            self.warn(f"{WRONG_FIELD} fields on a {question.type.value} question are not kept")
            return
        formats = {str(f): f for f in TextFormat}
        for entry in entries:
            try:
                data = json.loads(entry)
            except (ValueError, RecursionError):
                data = None
            if not isinstance(data, dict) or not isinstance(data.get("text"), str):
                self.warn(f"a {WRONG_FIELD} field is not a JSON answer: not kept")
                continue
            numbers = {
                name: float(data[name])
                for name in ("fraction", "value", "tolerance")
                if isinstance(data.get(name), int | float) and not isinstance(data[name], bool)
            }
            feedback = data.get("feedback")
            question.answers.append(
                Answer(
                    Text(data["text"], formats.get(str(data.get("format")), TextFormat.PLAIN)),
                    min(numbers.get("fraction", 0.0), 0.0),
                    Text(feedback, formats.get(str(data.get("feedback_format")), TextFormat.HTML))
                    if isinstance(feedback, str) and feedback
                    else None,
                    numbers.get("value") if question.type is QType.NUMERICAL else None,
                    numbers.get("tolerance") if question.type is QType.NUMERICAL else None,
                )
            )
            for key in ("answer_ids", "numeric"):
                kept = self.extra.get(key)
                if isinstance(kept, list):
                    kept.append(None)

    def _points(self, text: str | None) -> float:
        if text is None or text == "":
            return 1.0
        value = decimal(text)
        if value is None or value < 0:
            self.warn(f"points_possible {text!r} is not a number of points; read as 1")
            return 1.0
        return float(value)

    def _kind(self, kind: str | None) -> str:
        """The Canvas question type: the item's own, or read from its structure."""
        if kind in CANVAS_TYPES:
            return kind
        guessed = self._guess()
        if kind:
            self.warn(f"unknown Canvas question type {kind!r}: read as {guessed} from its form")
        else:
            self.warn(f"no Canvas question_type: read as {guessed} from its form")
        return guessed

    def _guess(self) -> str:
        lids = [r for r in self.responses if r.tag == "response_lid"]
        texts = [r for r in self.responses if r.tag in ("response_str", "response_num")]
        if len(lids) == 1 and not texts:
            multiple = lids[0].get("rcardinality", "Single").lower() == "multiple"
            return "multiple_answers_question" if multiple else "multiple_choice_question"
        if len(lids) > 1 and not texts:
            return "matching_question"
        if len(texts) == 1 and not lids:
            numeric = texts[0].tag == "response_num" or any(
                condition.tag in ("vargte", "varlte", "vargt", "varlt")
                for rule in self.rules
                for condition in rule.condition.iter()
            )
            fib = texts[0].find(".//render_fib")
            if numeric or (fib is not None and fib.get("fibtype") in ("Decimal", "Integer")):
                return "numerical_question"
            if any(rule.condition.find(".//varequal") is not None for rule in self.rules):
                return "short_answer_question"
            return "essay_question"
        if not self.responses:
            return "text_only_question"
        return "essay_question"

    def _read_type(self, question: QuizQuestion, kind: str) -> None:
        if kind in CHOICE_TYPES:
            read_choice(self, question, kind)
        elif kind == "short_answer_question":
            read_short_answer(self, question)
        elif kind == "numerical_question":
            read_numerical(self, question)
        elif kind == "calculated_question":
            read_calculated(self, question)
        elif kind == "matching_question":
            read_matching(self, question)
            if [TYPE_FIELD, "ordering"] in self.extra["metadata"]:
                read_ordering(self, question)
        elif kind in BLANK_TYPES:
            read_blanks(self, question, kind)
        elif kind in ("essay_question", "file_upload_question"):
            question.type = QType.ESSAY
            if kind == "file_upload_question":
                self.extra["question_type"] = kind
                self.warn("a file-upload question is read as an essay question")
        else:
            question.type = QType.DESCRIPTION

    # -- texts ------------------------------------------------------------------------------

    def material(self, container: Element | None, what: str) -> Text:
        """The text of the ``material`` of ``container`` (not of its response elements)."""
        texts: list[Text] = []
        if container is None:
            return Text("", TextFormat.PLAIN)
        stack = [container]
        while stack:
            element = stack.pop(0)
            for child in element:
                if child.tag == "material":
                    texts += self._material(child, what)
                elif child.tag in ("flow", "flow_mat", "flow_label", "hintmaterial"):
                    stack.append(child)
        if not texts:
            return Text("", TextFormat.PLAIN)
        return Text("\n".join(t.text for t in texts), texts[0].format)

    def _material(self, material: Element, what: str) -> list[Text]:
        texts = []
        for child in material:
            if child.tag == "mattext":
                texttype = child.get("texttype")
                if texttype and texttype.lower() not in ("text/plain", "text/html", "text"):
                    self.warn(f"{what}: text type {texttype!r} is read as plain text")
                texts.append(Text(_inner_text(child), text_format(texttype)))
            elif child.tag == "matbreak":
                texts.append(Text("", TextFormat.PLAIN))
            elif child.tag in MEDIA:
                self.warn(f"{what}: <{child.tag}> is not kept")
        return texts

    def _feedback(self) -> list[Text]:
        hints: list[Text] = []
        for element in self.element.findall("itemfeedback"):
            hint = element.find("hint")
            if hint is not None:
                hints.append(self.material(hint, "a hint"))
            else:
                self.feedback[element.get("ident", "")] = self.material(element, "feedback")
        return hints

    def take_feedback(self, ident: str | None) -> Text | None:
        if ident is None or ident not in self.feedback:
            return None
        self.used_feedback.add(ident)
        return self.feedback[ident]

    def _attachments(self, question: QuizQuestion) -> list[Attachment]:
        files = self.document.files
        if files is None:
            return []
        attachments: list[Attachment] = []
        for text in _question_texts(question):
            for match in _FILE_REFERENCE.finditer(text):
                relative = posixpath.normpath(unquote(match.group(1)))
                for member in (f"{FILE_FOLDER}/{relative}", relative):
                    if member in files:
                        folder, name = posixpath.split(relative)
                        attachment = Attachment(
                            name, files[member], f"/{folder}/" if folder else "/"
                        )
                        if attachment not in attachments:
                            attachments.append(attachment)
                        self.document.used_files.add(member)
                        break
                else:
                    self.warn(f"the file {relative!r} is not in the package")
        return attachments

    # -- response processing ----------------------------------------------------------------

    def _rules(self, processing: Element | None) -> tuple[list[Rule], float]:
        if processing is None:
            return [], 100.0
        maximum = 100.0
        for variable in processing.iter("decvar"):
            if variable.get("varname", "SCORE") == "SCORE":
                value = decimal(variable.get("maxvalue"))
                if value is not None and value > 0:
                    maximum = float(value)
                elif variable.get("maxvalue") is not None:
                    self.warn("the SCORE maximum is not a positive number; read as 100")
        rules = []
        for condition in processing.findall("respcondition"):
            actions = []
            for setvar in condition.findall("setvar"):
                if setvar.get("varname", "SCORE") != "SCORE":
                    continue
                value = decimal(setvar.text)
                if value is None:
                    self.warn(f"setvar value {setvar.text!r} is not a number; ignored")
                    continue
                actions.append((setvar.get("action", "Set"), float(value)))
            links = [d.get("linkrefid", "") for d in condition.findall("displayfeedback")]
            test = condition.find("conditionvar")
            rules.append(
                Rule(
                    test if test is not None else Element("conditionvar"),
                    actions,
                    links,
                    condition.get("continue", "No").lower() != "yes",
                )
            )
        return rules, maximum

    def score(self, response: dict[str, set[str]]) -> float:
        """The fraction the rules give ``response`` (label idents chosen per response id)."""
        score = 0.0
        matched = False
        for rule in self.rules:
            if not holds(rule.condition, response, matched):
                continue
            matched = True
            for action, value in rule.actions:
                score = apply_action(action, score, value)
            if rule.stop:
                break
        return grade_fraction(score / self.maximum)

    def credited(self, respident: str) -> list[str]:
        """The labels of ``respident`` that a rule gives credit for (matching, blanks)."""
        labels = []
        for rule in self.rules:
            if any(action.lower() in ("set", "add") and v > 0 for action, v in rule.actions):
                positive, _ = references(rule.condition, respident)
                labels += positive
        return labels


def _question_texts(question: QuizQuestion) -> Iterator[str]:
    yield question.text.text
    for text in (question.general_feedback, *question.hints):
        if text is not None:
            yield text.text
    for answer in question.answers:
        yield answer.text.text
        if answer.feedback is not None:
            yield answer.feedback.text
    for pair in question.pairs:
        yield pair.left.text
        yield pair.right
    for blank in question.blanks:
        yield from _question_texts(blank)
