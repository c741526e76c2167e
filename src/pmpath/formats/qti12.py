"""QTI 1.2 as Canvas exports and imports it: ``questestinterop`` files and zip packages.

:func:`read` takes one QTI 1.2 XML file or a zip package (an ``imsmanifest.xml`` listing the
assessment files, each quiz in a folder named by its identifier with its Canvas
``assessment_meta.xml`` beside it). :func:`write` always produces such a package. Canvas's
``qtimetadata`` fields say which kind of question an item is; items without them are read
from their structure. What the interchange model cannot hold is kept under
``extra["qti12"]`` so that a file read and written again comes back the same, and every rule
that changes meaning is reported as a :class:`~pmpath.formats.quiz.Warning`. The mapping
rules are in docs/formats.md (section "QTI 1.2 (Canvas)").
"""

from __future__ import annotations

import io
import json
import math
import posixpath
import re
import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from pmpath.errors import FormatError, Location
from pmpath.formats import safety
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

#: The key of this format's own values in ``QuizQuestion.extra``.
KEY = "qti12"

QTI_NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_SCHEMA = f"{QTI_NAMESPACE} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CANVAS_NAMESPACE = "http://canvas.instructure.com/xsd/cccv1p0"
CP_NAMESPACE = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"
QTI_RESOURCE = "imsqti_xmlv1p2"
META_RESOURCE = "associatedcontent/imscc_xmlv1p1/learning-application-resource"
FILE_BASE = "$IMS-CC-FILEBASE$"
FILE_FOLDER = "web_resources"
DEFAULT_QUIZ = {"kind": "assessment", "ident": "pmpath_export", "title": "pmpath export"}

MAX_DEPTH = 100  # deeper XML is refused: nothing Canvas writes nests a tenth of that
CHOICE_TYPES = ("multiple_choice_question", "true_false_question", "multiple_answers_question")
BLANK_TYPES = ("fill_in_multiple_blanks_question", "multiple_dropdowns_question")
CANVAS_TYPES = (
    *CHOICE_TYPES,
    *BLANK_TYPES,
    "short_answer_question",
    "matching_question",
    "numerical_question",
    "calculated_question",
    "essay_question",
    "file_upload_question",
    "text_only_question",
)
RESPONSES = ("response_lid", "response_str", "response_num", "response_xy", "response_grp")
MEDIA = ("matimage", "mataudio", "matvideo", "matapplet", "matapplication", "matref", "matemtext")
KNOWN_FEEDBACK = ("general_fb", "correct_fb", "general_incorrect_fb")
TAG_FIELD = "pmpath_tag"
EXTRA_FIELD = "pmpath_extra"
TYPE_FIELD = "pmpath_type"
BANK_FIELD = "question_bank"

_ITEM_OPENING = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>|<((?:[A-Za-z_][\w.-]*:)?item)(?=[\s/>])",
    re.DOTALL,
)
_FIRST_ELEMENT = re.compile(r"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>]*>|<([A-Za-z_])", re.DOTALL)
_FILE_REFERENCE = re.compile(r"(?:\$IMS-CC-FILEBASE\$|%24IMS-CC-FILEBASE%24)/([^\"'<>\s?#]+)")
_INVALID_XML_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PLACEHOLDER = re.compile(r"\{#(\d+)\}")
_SAFE_FOLDER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


# -- reading ----------------------------------------------------------------------------------


def read(data: bytes, source: str) -> QuizFile:
    """Every question of a QTI 1.2 file or zip package, with a warning for each mapped rule.

    Bad input raises :class:`FormatError` with the file (``package.zip/folder/file.xml`` for a
    member of a package) and, where it can be told, the line.
    """
    warnings: list[Warning] = []
    if data.startswith(b"PK\x03\x04"):
        questions = _PackageReader(data, source, warnings).read()
    else:
        questions = _DocumentReader(source, warnings).read(data)
    return QuizFile(questions, warnings)


def _parse(data: bytes, file: str) -> Element:
    """The root of ``data`` with namespaces dropped from tags, refused when nested too deep."""
    try:
        root: Element = safety.parse_xml(data, file)
    except (LookupError, ValueError) as exc:  # an unknown encoding declaration, for one
        raise FormatError(f"invalid XML: {exc}", Location(file=file, line=1)) from None
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if not isinstance(element.tag, str):
            continue
        if depth > MAX_DEPTH:
            raise FormatError(
                f"elements are nested more than {MAX_DEPTH} deep", Location(file=file)
            )
        element.tag = _local(element.tag)
        for name in [name for name in element.attrib if name.startswith("{")]:
            del element.attrib[name]
        stack.extend((child, depth + 1) for child in element)
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _scan_text(data: bytes) -> str:
    """The file as text for finding line numbers (never fails: the parser judges validity)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8", "replace")


def _item_lines(text: str) -> list[int]:
    """The line of each ``<item`` opening, in document order (comments and CDATA skipped)."""
    lines: list[int] = []
    line, position = 1, 0
    for match in _ITEM_OPENING.finditer(text):
        if match.group(1):
            line += text.count("\n", position, match.start())
            position = match.start()
            lines.append(line)
    return lines


def _first_element_line(text: str) -> int:
    for match in _FIRST_ELEMENT.finditer(text):
        if match.group(1):
            return text.count("\n", 0, match.start()) + 1
    return 1


def _number(text: str | None) -> Decimal | None:
    """A finite decimal from ``text``, or None."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _inner_text(element: Element) -> str:
    """The text of ``element`` with any child elements (unescaped XHTML) serialised back."""
    parts = [element.text or ""]
    parts += [ElementTree.tostring(child, encoding="unicode") for child in element]
    return "".join(parts)


def _to_data(element: Element) -> dict[str, Any]:
    """An element as plain values (kept in ``extra``); whitespace-only text is layout."""
    text = element.text if element.text and element.text.strip() else None
    return {
        "tag": element.tag,
        "attrib": dict(element.attrib),
        "text": text,
        "children": [_to_data(child) for child in element if isinstance(child.tag, str)],
    }


def _fields(metadata: Element | None) -> list[list[str]]:
    """The ``qtimetadatafield`` label/entry pairs under ``metadata``, in order."""
    if metadata is None:
        return []
    pairs = []
    for entry in metadata:
        if entry.tag in ("qtimetadatafield", "qti_metadatafield"):
            label = (entry.findtext("fieldlabel") or "").strip()
            pairs.append([label, (entry.findtext("fieldentry") or "").strip()])
    return pairs


def _text_format(texttype: str | None) -> TextFormat:
    return (
        TextFormat.HTML if (texttype or "").lower() in ("text/html", "html") else TextFormat.PLAIN
    )


@dataclass
class _Rule:
    """One ``respcondition``: its condition, its SCORE changes, feedback links and stop flag."""

    condition: Element
    actions: list[tuple[str, float]]
    feedback: list[str]
    stop: bool


@dataclass
class _Numeric:
    """A numerical answer's condition as written: exact (with margin), precision or range."""

    form: str
    exact: str | None = None
    low: str | None = None
    high: str | None = None
    low_op: str = "vargte"
    high_op: str = "varlte"

    def value(self) -> tuple[float, float] | None:
        """The answer's value and absolute tolerance, or None when the numbers are unusable."""
        low, high = _number(self.low), _number(self.high)
        if self.form == "range":
            if low is None or high is None or high < low:
                return None
            return float((low + high) / 2), float((high - low) / 2)
        exact = _number(self.exact)
        if exact is None:
            return None
        if self.low is None and self.high is None:
            return float(exact), 0.0
        if low is None or high is None or high < low:
            return None
        return float(exact), float((high - low) / 2)

    def data(self) -> dict[str, str]:
        values = {"form": self.form, "low_op": self.low_op, "high_op": self.high_op}
        for name in ("exact", "low", "high"):
            if getattr(self, name) is not None:
                values[name] = getattr(self, name)
        return values


class _PackageReader:
    """A zip package: its manifest, each listed assessment, its meta file and its files."""

    def __init__(self, data: bytes, source: str, warnings: list[Warning]) -> None:
        self.source = source
        self.warnings = warnings
        self.files = safety.open_zip(data, source)

    def read(self) -> list[QuizQuestion]:
        documents = self._documents()
        used = {"imsmanifest.xml"}
        questions: list[QuizQuestion] = []
        for path, meta_path in documents:
            used.add(path)
            meta = None
            if meta_path is not None:
                used.add(meta_path)
                meta = safety.decode_text(self.files[meta_path], self._name(meta_path))
            reader = _DocumentReader(self._name(path), self.warnings, self.files)
            questions += reader.read(self.files[path], meta)
            used |= reader.used_files
        for name in sorted(set(self.files) - used):
            self.warnings.append(
                Warning(
                    "this file of the package is not used by any question; not kept",
                    Location(file=self._name(name)),
                )
            )
        return questions

    def _name(self, member: str) -> str:
        return f"{self.source}/{member}"

    def _documents(self) -> list[tuple[str, str | None]]:
        """(QTI file, its assessment_meta.xml or None) for each assessment of the package."""
        if "imsmanifest.xml" not in self.files:
            return self._documents_without_manifest()
        name = self._name("imsmanifest.xml")
        manifest = _parse(self.files["imsmanifest.xml"], name)
        text = _scan_text(self.files["imsmanifest.xml"])
        resources = {r.get("identifier", ""): r for r in manifest.iter("resource")}
        documents: list[tuple[str, str | None]] = []
        for resource in manifest.iter("resource"):
            if not resource.get("type", "").startswith(QTI_RESOURCE):
                continue
            href = resource.get("href") or next(
                (f.get("href", "") for f in resource.iter("file") if f.get("href")), ""
            )
            path = self._member(href, name, text)
            meta = None
            for dependency in resource.iter("dependency"):
                meta = meta or self._meta_of(resources.get(dependency.get("identifierref", "")))
            sibling = posixpath.join(posixpath.dirname(path), "assessment_meta.xml")
            if meta is None and sibling in self.files:
                meta = sibling
            if (path, meta) not in documents:
                documents.append((path, meta))
        if not documents:
            raise FormatError(
                f"imsmanifest.xml lists no QTI 1.2 assessment (a resource of type {QTI_RESOURCE})",
                Location(file=name),
            )
        return documents

    def _member(self, href: str, manifest: str, text: str) -> str:
        """The archive member a manifest ``href`` names (as written, or URL-decoded)."""
        for candidate in (href, unquote(href)):
            if candidate and posixpath.normpath(candidate) in self.files:
                return posixpath.normpath(candidate)
        at = text.find(f'"{href}"') if href else -1
        raise FormatError(
            f"imsmanifest.xml lists {href!r}, which is not in the archive",
            Location(file=manifest, line=text.count("\n", 0, at) + 1 if at >= 0 else None),
        )

    def _meta_of(self, resource: Element | None) -> str | None:
        if resource is None:
            return None
        for file in resource.iter("file"):
            path = posixpath.normpath(file.get("href", "") or ".")
            if path.endswith("assessment_meta.xml") and path in self.files:
                return path
        return None

    def _documents_without_manifest(self) -> list[tuple[str, str | None]]:
        documents: list[tuple[str, str | None]] = []
        for path in sorted(self.files):
            if path.endswith((".xml", ".qti")) and b"questestinterop" in self.files[path][:4096]:
                sibling = posixpath.join(posixpath.dirname(path), "assessment_meta.xml")
                documents.append((path, sibling if sibling in self.files else None))
        if not documents:
            raise FormatError(
                "the archive has no imsmanifest.xml and no QTI 1.2 file",
                Location(file=self.source),
            )
        self.warnings.append(
            Warning(
                f"the package has no imsmanifest.xml: read the {len(documents)} QTI file(s) in it",
                Location(file=self.source),
            )
        )
        return documents


class _DocumentReader:
    """One ``questestinterop`` document: its assessments, sections and items."""

    def __init__(
        self, file: str, warnings: list[Warning], files: dict[str, bytes] | None = None
    ) -> None:
        self.file = file
        self.warnings = warnings
        self.files = files
        self.used_files: set[str] = set()
        self.lines: dict[int, int] = {}

    def read(self, data: bytes, meta: str | None = None) -> list[QuizQuestion]:
        root = _parse(data, self.file)
        text = _scan_text(data)
        if root.tag != "questestinterop":
            raise FormatError(
                f"not a QTI 1.2 file: the root element is <{root.tag}>, not <questestinterop>",
                Location(file=self.file, line=_first_element_line(text)),
            )
        for element, line in zip(root.iter("item"), _item_lines(text), strict=False):
            self.lines[id(element)] = line
        questions: list[QuizQuestion] = []
        loose: list[Element] = []
        for child in root:
            if child.tag == "assessment":
                questions += self._assessment(child, meta)
            elif child.tag == "objectbank":
                fields = _fields(child.find("qtimetadata"))
                title = next((entry for label, entry in fields if label == "bank_title"), None)
                quiz = _quiz("objectbank", child.get("ident"), title, fields)
                questions += self._container(child, quiz, None)
            elif child.tag in ("item", "section"):
                loose.append(child)
            elif child.tag != "qticomment":
                self.warn(f"<{child.tag}> is not kept", None)
        if loose:
            holder = Element("questestinterop")
            holder.extend(loose)
            questions += self._container(holder, _quiz("items", None, None, []), None)
        if not questions:
            self.warnings.append(Warning("the file has no questions", Location(file=self.file)))
        return questions

    def warn(self, message: str, line: int | None, question: str | None = None) -> None:
        self.warnings.append(Warning(message, Location(file=self.file, line=line), question))

    def _assessment(self, element: Element, meta: str | None) -> list[QuizQuestion]:
        quiz = _quiz(
            "assessment",
            element.get("ident"),
            element.get("title"),
            _fields(element.find("qtimetadata")),
        )
        if meta is not None:
            quiz["meta"] = meta
        sections = element.findall("section")
        if len(sections) == 1 and element.find("item") is None:
            for child in element:
                if child.tag not in ("section", "qtimetadata", "qticomment"):
                    self.warn(f"<{child.tag}> of the assessment is not kept", None)
            quiz["root_section"] = sections[0].get("ident") or "root_section"
            return self._container(sections[0], quiz, None)
        quiz["root_section"] = "root_section"
        return self._container(element, quiz, None)

    def _container(
        self, element: Element, quiz: dict[str, Any], group: dict[str, Any] | None
    ) -> list[QuizQuestion]:
        """The items of a section (or assessment, bank, file); nested sections are groups."""
        questions: list[QuizQuestion] = []
        for child in element:
            if child.tag == "item":
                questions.append(_ItemReader(self, child, quiz, group).read())
            elif child.tag == "section":
                questions += self._group(child, quiz, group)
            elif child.tag == "itemref":
                self.warn(
                    f"<itemref> to {child.get('linkrefid')!r} names a question that is not in "
                    "this file; not kept",
                    None,
                )
            elif child.tag not in ("qtimetadata", "selection_ordering", "qticomment"):
                self.warn(f"<{child.tag}> of a section is not kept", None)
        return questions

    def _group(
        self, element: Element, quiz: dict[str, Any], outer: dict[str, Any] | None
    ) -> list[QuizQuestion]:
        group: dict[str, Any] = {"ident": element.get("ident"), "title": element.get("title")}
        ordering = element.find("selection_ordering")
        if ordering is not None:
            group["selection_ordering"] = _to_data(ordering)
        if outer is not None:
            group = outer
            self.warn(
                f"section {element.get('ident')!r} nested in a question group: its questions "
                "join the outer group",
                None,
            )
        questions = self._container(element, quiz, group)
        if not questions:
            self.warn(
                f"question group {element.get('title') or element.get('ident')!r} holds no "
                "questions (it may draw them from a question bank); not kept",
                None,
            )
        elif ordering is not None and outer is None:
            first = questions[0]
            self.warn(
                "Canvas picks questions at random from this group; the picking rule is kept "
                "only for QTI 1.2",
                first.source.line,
                first.name,
            )
        return questions


def _quiz(
    kind: str, ident: str | None, title: str | None, fields: list[list[str]]
) -> dict[str, Any]:
    return {"kind": kind, "ident": ident, "title": title, "metadata": fields}


class _ItemReader:
    """One ``<item>`` into one :class:`QuizQuestion`."""

    def __init__(
        self,
        document: _DocumentReader,
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
        fields = _fields(element.find("itemmetadata/qtimetadata"))
        kind = next((entry for label, entry in fields if label == "question_type"), None)
        points = next((entry for label, entry in fields if label == "points_possible"), None)
        bank = next((entry for label, entry in fields if label == BANK_FIELD), None)
        tags = [entry for label, entry in fields if label == TAG_FIELD]
        carried = self._carried(fields)
        skip = {"question_type", "points_possible", BANK_FIELD, TAG_FIELD}
        if carried is not None:
            skip.add(EXTRA_FIELD)
        self.extra["metadata"] = [pair for pair in fields if pair[0] not in skip]
        presentation = element.find("presentation")
        self.responses = list(_responses(presentation))
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
        return question

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

    def _points(self, text: str | None) -> float:
        if text is None or text == "":
            return 1.0
        value = _number(text)
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
            self._choice(question, kind)
        elif kind == "short_answer_question":
            self._short_answer(question)
        elif kind == "numerical_question":
            self._numerical(question)
        elif kind == "calculated_question":
            self._calculated(question)
        elif kind == "matching_question":
            self._matching(question)
            if [TYPE_FIELD, "ordering"] in self.extra["metadata"]:
                self._ordering(question)
        elif kind in BLANK_TYPES:
            self._blanks(question, kind)
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
                texts.append(Text(_inner_text(child), _text_format(texttype)))
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

    def _rules(self, processing: Element | None) -> tuple[list[_Rule], float]:
        if processing is None:
            return [], 100.0
        maximum = 100.0
        for variable in processing.iter("decvar"):
            if variable.get("varname", "SCORE") == "SCORE":
                value = _number(variable.get("maxvalue"))
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
                value = _number(setvar.text)
                if value is None:
                    self.warn(f"setvar value {setvar.text!r} is not a number; ignored")
                    continue
                actions.append((setvar.get("action", "Set"), float(value)))
            links = [d.get("linkrefid", "") for d in condition.findall("displayfeedback")]
            test = condition.find("conditionvar")
            rules.append(
                _Rule(
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
            if not _holds(rule.condition, response, matched):
                continue
            matched = True
            for action, value in rule.actions:
                score = _apply(action, score, value)
            if rule.stop:
                break
        return round(score / self.maximum, 7)

    def credited(self, respident: str) -> list[str]:
        """The labels of ``respident`` that a rule gives credit for (matching, blanks)."""
        labels = []
        for rule in self.rules:
            if any(action.lower() in ("set", "add") and v > 0 for action, v in rule.actions):
                positive, _ = _references(rule.condition, respident)
                labels += positive
        return labels

    # -- question types ---------------------------------------------------------------------

    def _choice(self, question: QuizQuestion, kind: str) -> None:
        lids = [r for r in self.responses if r.tag == "response_lid"]
        question.type = QType.TRUEFALSE if kind == "true_false_question" else QType.MULTICHOICE
        question.single = kind != "multiple_answers_question"
        if not lids:
            self.warn("has no choices (<response_lid>)")
            return
        if len(lids) > 1:
            self.warn("has several <response_lid>: only the first is read")
        lid = lids[0]
        ident = lid.get("ident", "")
        labels = _labels(lid)
        fractions = {label: self.score({ident: {label}}) for label, _ in labels}
        if not question.single:
            fractions = self._all_or_nothing(ident, fractions)
        question.shuffle = _shuffle(lid)
        question.answers = [
            Answer(
                self.material(label, "a choice"),
                fractions[label_id],
                self.take_feedback(f"{label_id}_fb"),
            )
            for label_id, label in labels
        ]
        self.extra["answer_ids"] = [label_id for label_id, _ in labels]
        if not any(answer.fraction > 0 for answer in question.answers):
            self.warn("no choice earns any credit")

    def _all_or_nothing(self, ident: str, fractions: dict[str, float]) -> dict[str, float]:
        """Canvas's multiple-answers form: one rule that needs every right choice and no wrong."""
        for rule in self.rules:
            positive, negative = _references(rule.condition, ident)
            if not any(action in ("Set", "Add") and v > 0 for action, v in rule.actions):
                continue
            if len(positive) + len(negative) > 1 and set(positive) <= set(fractions):
                total = self.score({ident: set(positive)})
                if total > 0:
                    self.extra["scoring"] = "all_or_nothing"
                    share = round(total / len(positive), 7)
                    return {
                        label: share if label in positive else min(fraction, 0.0)
                        for label, fraction in fractions.items()
                    }
        return fractions

    def _short_answer(self, question: QuizQuestion) -> None:
        question.type = QType.SHORTANSWER
        found: dict[str, tuple[float | None, tuple[int, int] | None]] = {}
        ids: dict[str, str] = {}
        case = False
        for position, rule in enumerate(self.rules):
            values = _alternatives(rule.condition)
            if values is None:
                continue
            case = case or any(
                v.get("case", "No").lower() == "yes" for v in rule.condition.iter("varequal")
            )
            fraction = None
            if rule.actions:
                fraction = 0.0
                for action, number in rule.actions:
                    fraction = _apply(action, fraction, number)
                fraction = round(fraction / self.maximum, 7)
            for index, value in enumerate(values):
                old = found.get(value)
                if old is None or (old[0] is None and fraction is not None):
                    credit = (position, index) if fraction and fraction > 0 else None
                    found[value] = (fraction, credit)
            links = [link for link in rule.feedback if link.endswith("_fb")]
            if len(values) == 1 and links and links[0] not in KNOWN_FEEDBACK:
                ids.setdefault(values[0], links[0][:-3])
        first_seen = {value: index for index, value in enumerate(found)}
        order = sorted(
            found, key=lambda v: (0, *(found[v][1] or ())) if found[v][1] else (1, first_seen[v], 0)
        )
        question.answers = [
            Answer(
                Text(value, TextFormat.PLAIN),
                found[value][0] or 0.0,
                self.take_feedback(f"{ids[value]}_fb") if value in ids else None,
            )
            for value in order
        ]
        self.extra["answer_ids"] = [ids.get(value) for value in order]
        if case:
            self.extra["case_sensitive"] = True
            self.warn("case-sensitive matching has no place in the model: kept only for QTI 1.2")
        if not question.right_answers:
            self.warn("no accepted answer earns any credit")

    def _numerical(self, question: QuizQuestion) -> None:
        question.type = QType.NUMERICAL
        forms: list[dict[str, str]] = []
        ids: list[str | None] = []
        for rule in self.rules:
            if len(rule.condition) == 0 or rule.condition.find("other") is not None:
                continue
            form = _numeric_form(rule.condition)
            value = form.value() if form else None
            if form is None or value is None:
                self.warn("a numerical answer's condition is not a number, margin or range")
                continue
            fraction = 0.0
            for action, number in rule.actions:
                fraction = _apply(action, fraction, number)
            links = [link for link in rule.feedback if link.endswith("_fb")]
            link = next((link for link in links if link not in KNOWN_FEEDBACK), None)
            question.answers.append(
                Answer(
                    Text(_number_text(value[0]), TextFormat.PLAIN),
                    round(fraction / self.maximum, 7),
                    self.take_feedback(link),
                    value=value[0],
                    tolerance=value[1],
                )
            )
            forms.append(form.data())
            ids.append(link[:-3] if link else None)
        self.extra["numeric"] = forms
        self.extra["answer_ids"] = ids
        if not question.right_answers:
            self.warn("no numerical answer earns any credit")

    def _calculated(self, question: QuizQuestion) -> None:
        question.type = QType.NUMERICAL
        self.extra["question_type"] = "calculated_question"
        extension = self.element.find("itemproc_extension")
        if extension is not None:
            self.extra["calculated"] = _to_data(extension)
        self.warn(
            "a calculated (formula) question is read as a numerical question without answers: "
            "its formulas, variables and answer sets are kept only for QTI 1.2"
        )

    def _matching(self, question: QuizQuestion) -> None:
        question.type = QType.MATCHING
        lids = [r for r in self.responses if r.tag == "response_lid"]
        rights: dict[str, str] = {}
        for lid in lids:
            for label_id, label in _labels(lid):
                if label_id not in rights:
                    text = self.material(label, "a match")
                    if text.format == TextFormat.HTML:
                        self.warn(f"match {text.text!r}: its HTML is kept as plain text")
                    rights[label_id] = text.text
        used: set[str] = set()
        ids: list[str | None] = []
        for lid in lids:
            ident = lid.get("ident", "")
            answer_id = ident.removeprefix("response_")
            left = self.material(lid, "a matching prompt")
            match = next((label for label in self.credited(ident) if label in rights), None)
            if match is None:
                self.warn(f"prompt {left.text!r} has no right match; not kept")
                continue
            used.add(match)
            question.pairs.append(
                MatchPair(left, rights[match], self.take_feedback(f"{answer_id}_fb"))
            )
            ids.append(answer_id)
        for label_id, right in rights.items():
            if label_id not in used:
                question.pairs.append(MatchPair(Text("", TextFormat.PLAIN), right))
                ids.append(None)
        question.shuffle = next((s for s in map(_shuffle, lids) if s is not None), None)
        self.extra["answer_ids"] = ids
        self.extra["match_ids"] = [[label_id, right] for label_id, right in rights.items()]

    def _ordering(self, question: QuizQuestion) -> None:
        """A matching question pmpath wrote for an ordering one: items matched to 1, 2, …."""
        positions = [pair.right for pair in question.pairs]
        if sorted(positions) != [str(n) for n in range(1, len(positions) + 1)] or any(
            not pair.left.text for pair in question.pairs
        ):
            self.warn(f"marked {TYPE_FIELD} ordering, but its matches are not positions 1, 2, …")
            return
        question.type = QType.ORDERING
        question.order = [pair.left for pair in sorted(question.pairs, key=lambda p: int(p.right))]
        question.pairs = []
        self.extra["metadata"].remove([TYPE_FIELD, "ordering"])
        for key in ("answer_ids", "match_ids"):
            self.extra.pop(key, None)

    def _blanks(self, question: QuizQuestion, kind: str) -> None:
        question.type = QType.CLOZE
        dropdowns = kind == "multiple_dropdowns_question"
        text = question.text.text
        found: list[tuple[int, str, Element]] = []
        lids = [r for r in self.responses if r.tag == "response_lid"]
        for lid in lids:
            ident = lid.get("ident", "")
            name = self.material(lid, "a blank").text.strip() or ident.removeprefix("response_")
            at = text.find(f"[{name}]")
            if at < 0:
                self.warn(f"blank [{name}] is not in the question text: added at its end")
                text += f" [{name}]"
                at = text.find(f"[{name}]")
            found.append((at, name, lid))
        found.sort(key=lambda entry: entry[0])
        for number, (_, name, lid) in enumerate(found, start=1):
            text = text.replace(f"[{name}]", f"{{#{number}}}", 1)
            question.blanks.append(self._blank(name, lid, dropdowns))
        question.text = Text(text, question.text.format)
        question.shuffle = next((s for s in map(_shuffle, lids) if s is not None), None)
        if dropdowns:
            self.warn("a multiple-dropdowns question is read as a cloze with a choice per blank")

    def _blank(self, name: str, lid: Element, dropdowns: bool) -> QuizQuestion:
        ident = lid.get("ident", "")
        labels = _labels(lid)
        answers = []
        for label_id, label in labels:
            fraction = 1.0
            if dropdowns:
                fraction = 1.0 if label_id in self.credited(ident) else 0.0
            text = self.material(label, "a blank's answer")
            answers.append(Answer(text, fraction, self.take_feedback(f"{label_id}_fb")))
        blank = QuizQuestion(
            type=QType.MULTICHOICE if dropdowns else QType.SHORTANSWER,
            text=Text(""),
            name=name,
            answers=answers,
            extra={KEY: {"ident": ident, "answer_ids": [label_id for label_id, _ in labels]}},
        )
        if dropdowns and not blank.right_answers:
            self.warn(f"blank [{name}] has no right choice")
        return blank


def _responses(presentation: Element | None) -> Iterator[Element]:
    if presentation is None:
        return
    stack = [presentation]
    while stack:
        element = stack.pop(0)
        for child in element:
            if child.tag in RESPONSES:
                yield child
            elif child.tag == "flow":
                stack.append(child)


def _labels(response: Element) -> list[tuple[str, Element]]:
    """The (ident, element) of each ``response_label`` of a response, in order."""
    return [(label.get("ident", ""), label) for label in response.iter("response_label")]


def _shuffle(response: Element) -> bool | None:
    render = response.find("render_choice")
    if render is None or render.get("shuffle") is None:
        return None
    return render.get("shuffle", "").lower() == "yes"


def _apply(action: str, score: float, value: float) -> float:
    action = action.lower()
    if action == "add":
        return score + value
    if action == "subtract":
        return score - value
    if action == "multiply":
        return score * value
    if action == "divide":
        return score / value if value else score
    return value


def _holds(condition: Element, response: dict[str, set[str]], matched: bool) -> bool:
    """Whether a QTI condition holds for choices ``response`` (children of a node: all)."""
    tag = condition.tag
    children = [child for child in condition if isinstance(child.tag, str)]
    if tag in ("conditionvar", "and"):
        return bool(children) and all(_holds(c, response, matched) for c in children)
    if tag == "or":
        return any(_holds(c, response, matched) for c in children)
    if tag == "not":
        return bool(children) and not _holds(children[0], response, matched)
    if tag == "other":
        return not matched
    if tag == "unanswered":
        chosen = response.get(condition.get("respident", ""), set())
        return not chosen
    if tag == "varequal":
        value = (condition.text or "").strip()
        respident = condition.get("respident")
        if respident is None:
            return any(value in chosen for chosen in response.values())
        return value in response.get(respident, set())
    return False


def _references(condition: Element, respident: str | None = None) -> tuple[list[str], list[str]]:
    """The labels a condition asks for (positive) and rules out (under a ``not``), in order.

    With ``respident``, only the labels of that response count.
    """
    positive: list[str] = []
    negative: list[str] = []
    stack = [(condition, False)]
    while stack:
        node, negated = stack.pop()
        mine = respident is None or node.get("respident", respident) == respident
        if node.tag == "varequal" and mine:
            (negative if negated else positive).append((node.text or "").strip())
        for child in reversed(node):
            stack.append((child, not negated if node.tag == "not" else negated))
    return positive, negative


def _alternatives(condition: Element) -> list[str] | None:
    """The texts a short-answer condition accepts: its ``varequal``s, directly or in an ``or``."""
    children = list(condition)
    if len(children) == 1 and children[0].tag == "or":
        children = list(children[0])
    if not children or any(child.tag != "varequal" for child in children):
        return None
    return [(child.text or "").strip() for child in children]


def _numeric_form(condition: Element) -> _Numeric | None:
    children = list(condition)
    if len(children) == 1 and children[0].tag == "varequal":
        return _Numeric("exact", (children[0].text or "").strip())
    if len(children) == 1 and children[0].tag == "or":
        parts = list(children[0])
        equal = [part for part in parts if part.tag == "varequal"]
        ands = [part for part in parts if part.tag == "and"]
        if len(equal) != 1 or len(ands) > 1 or len(parts) != len(equal) + len(ands):
            return None
        exact = (equal[0].text or "").strip()
        if not ands:
            return _Numeric("exact", exact)
        bounds = _bounds(list(ands[0]))
        if bounds is None:
            return None
        form = "precision" if bounds.low_op == "vargt" else "exact"
        return _Numeric(form, exact, bounds.low, bounds.high, bounds.low_op, bounds.high_op)
    if len(children) == 1 and children[0].tag == "and":
        children = list(children[0])
    return _bounds(children)


def _bounds(parts: list[Element]) -> _Numeric | None:
    lows = [part for part in parts if part.tag in ("vargte", "vargt")]
    highs = [part for part in parts if part.tag in ("varlte", "varlt")]
    if len(lows) != 1 or len(highs) != 1 or len(parts) != 2:
        return None
    return _Numeric(
        "range",
        low=(lows[0].text or "").strip(),
        high=(highs[0].text or "").strip(),
        low_op=lows[0].tag,
        high_op=highs[0].tag,
    )


def _number_text(value: float) -> str:
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


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


# -- writing ----------------------------------------------------------------------------------


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[Warning]]:
    """A Canvas QTI 1.2 zip package of ``questions``, and a warning for everything it changed.

    Questions read from QTI 1.2 go back to their own quiz, group and identifiers; any other
    question joins one quiz named "pmpath export".
    """
    writer = _Writer()
    return writer.write(questions), writer.warnings


@dataclass
class _Quiz:
    data: dict[str, Any]
    questions: list[tuple[int, QuizQuestion]] = field(default_factory=list)


class _Writer:
    def __init__(self) -> None:
        self.warnings: list[Warning] = []
        self.idents: set[str] = set()
        self.files: dict[str, bytes] = {}

    def write(self, questions: list[QuizQuestion]) -> bytes:
        quizzes: dict[tuple[str, str], _Quiz] = {}
        last: tuple[str, str] | None = None
        for number, question in enumerate(questions, start=1):
            data = _quiz_data(question)
            key = (str(data.get("kind")), str(data.get("ident")))
            if key in quizzes and key != last:
                self.warn(question, number, "moved next to the other questions of its quiz")
            quizzes.setdefault(key, _Quiz(data)).questions.append((number, question))
            last = key
        if not quizzes:  # an empty quiz still makes a package Canvas (and pmpath) can open
            quizzes[("assessment", "pmpath_export")] = _Quiz(DEFAULT_QUIZ)
        for question in questions:
            if question.id_number and _ident_ok(question.id_number):
                self.idents.add(question.id_number)
        resources: list[Element] = []
        folders: set[str] = set()
        used_idents: set[str] = set()
        for index, quiz in enumerate(quizzes.values(), start=1):
            ident = str(quiz.data.get("ident") or f"quiz_{index}")
            folder = ident if _SAFE_FOLDER.match(ident) else f"quiz_{index}"
            while folder in folders:
                folder = f"{folder}_{index}"
            folders.add(folder)
            document = self.document(quiz, used_idents)
            path = f"{folder}/{folder}.xml"
            self.files[path] = document
            resource = Element("resource", {"identifier": folder, "type": QTI_RESOURCE})
            ElementTree.SubElement(resource, "file", {"href": path})
            resources.append(resource)
            meta = self.meta(quiz)
            if meta is not None:
                meta_path = f"{folder}/assessment_meta.xml"
                self.files[meta_path] = meta
                meta_id = f"{resource.get('identifier')}_meta"
                ElementTree.SubElement(resource, "dependency", {"identifierref": meta_id})
                meta_resource = Element(
                    "resource", {"identifier": meta_id, "type": META_RESOURCE, "href": meta_path}
                )
                ElementTree.SubElement(meta_resource, "file", {"href": meta_path})
                resources.append(meta_resource)
        for number, question in enumerate(questions, start=1):
            resources += self.attachments(question, number)
        return self.package(resources)

    def warn(self, question: QuizQuestion, number: int, message: str) -> None:
        who = question.name or question.id_number or f"#{number}"
        self.warnings.append(Warning(message, question=who))

    # -- the package ------------------------------------------------------------------------

    def package(self, resources: list[Element]) -> bytes:
        manifest = Element(
            "manifest",
            {
                "identifier": "pmpath_qti_export",
                "xmlns": CP_NAMESPACE,
                "xmlns:xsi": XSI_NAMESPACE,
            },
        )
        metadata = ElementTree.SubElement(manifest, "metadata")
        ElementTree.SubElement(metadata, "schema").text = "IMS Content"
        ElementTree.SubElement(metadata, "schemaversion").text = "1.1.3"
        ElementTree.SubElement(manifest, "organizations")
        listed = ElementTree.SubElement(manifest, "resources")
        listed.extend(resources)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in [("imsmanifest.xml", _xml_bytes(manifest)), *self.files.items()]:
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, content)
        return buffer.getvalue()

    def meta(self, quiz: _Quiz) -> bytes | None:
        """The quiz's assessment_meta.xml: as read, or a minimal one for other questions."""
        data = quiz.data
        if isinstance(data.get("meta"), str):
            return str(data["meta"]).encode("utf-8")
        if data is not DEFAULT_QUIZ:
            return None
        root = Element("quiz", {"identifier": str(data.get("ident")), "xmlns": CANVAS_NAMESPACE})
        points = sum(question.default_grade for _, question in quiz.questions)
        for name, value in (
            ("title", str(data.get("title") or "")),
            ("description", ""),
            ("shuffle_answers", "false"),
            ("scoring_policy", "keep_highest"),
            ("quiz_type", "assignment"),
            ("points_possible", repr(float(points))),
            ("allowed_attempts", "1"),
            ("available", "false"),
        ):
            ElementTree.SubElement(root, name).text = value
        return _xml_bytes(root)

    def attachments(self, question: QuizQuestion, number: int) -> list[Element]:
        resources = []
        for attachment in question.attachments:
            folder = attachment.path.strip("/")
            path = posixpath.normpath(f"{FILE_FOLDER}/{folder}/{attachment.name}")
            if not path.startswith(f"{FILE_FOLDER}/") or ".." in path.split("/"):
                self.warn(
                    question, number, f"file {attachment.name!r} has an unsafe path; left out"
                )
                continue
            if path in self.files:
                if self.files[path] != attachment.data:
                    self.warn(
                        question, number, f"another file is already at {path!r}; this one left out"
                    )
                continue
            self.files[path] = attachment.data
            resource = Element(
                "resource",
                {"identifier": f"file_{len(self.files)}", "type": "webcontent", "href": path},
            )
            ElementTree.SubElement(resource, "file", {"href": path})
            resources.append(resource)
        return resources

    # -- one quiz ---------------------------------------------------------------------------

    def document(self, quiz: _Quiz, used_idents: set[str]) -> bytes:
        data = quiz.data
        root = Element(
            "questestinterop",
            {"xmlns": QTI_NAMESPACE, "xmlns:xsi": XSI_NAMESPACE, "xsi:schemaLocation": QTI_SCHEMA},
        )
        kind = data.get("kind")
        if kind == "objectbank":
            holder = ElementTree.SubElement(
                root, "objectbank", _attributes(ident=data.get("ident"))
            )
            _write_fields(holder, _pairs(data.get("metadata")), "qtimetadata")
        elif kind == "items":
            holder = root
        else:
            attributes = _attributes(ident=data.get("ident"), title=data.get("title"))
            assessment = ElementTree.SubElement(root, "assessment", attributes)
            fields = _pairs(data.get("metadata"))
            if data is DEFAULT_QUIZ:
                fields = [["cc_maxattempts", "1"]]
            _write_fields(assessment, fields, "qtimetadata")
            section = str(data.get("root_section") or "root_section")
            holder = ElementTree.SubElement(assessment, "section", {"ident": section})
        groups: dict[str, Element] = {}
        last_group: str | None = None
        for number, question in quiz.questions:
            group = _extra(question).get("group")
            parent = holder
            if isinstance(group, dict):
                key = repr(sorted(group.items(), key=lambda kv: kv[0]))
                if key not in groups:
                    groups[key] = ElementTree.SubElement(
                        holder,
                        "section",
                        _attributes(ident=group.get("ident"), title=group.get("title")),
                    )
                    ordering = group.get("selection_ordering")
                    if isinstance(ordering, dict):
                        groups[key].append(_from_data(ordering))
                elif key != last_group:
                    self.warn(question, number, "moved next to the other questions of its group")
                parent = groups[key]
                last_group = key
            else:
                last_group = None
            ident = self.ident(question, number, used_idents)
            parent.append(_ItemWriter(self, question, number, ident).write())
        return _xml_bytes(root)

    def ident(self, question: QuizQuestion, number: int, used: set[str]) -> str:
        ident = question.id_number
        if ident and _ident_ok(ident) and ident not in used:
            used.add(ident)
            return ident
        if ident:
            self.warn(question, number, f"id number {ident!r} is taken or unusable as an ident")
        candidate = number
        while f"item_{candidate}" in used or f"item_{candidate}" in self.idents:
            candidate += 1
        used.add(f"item_{candidate}")
        return f"item_{candidate}"


def _extra(question: QuizQuestion) -> dict[str, Any]:
    values = question.extra.get(KEY) if isinstance(question.extra, dict) else None
    return values if isinstance(values, dict) else {}


def _quiz_data(question: QuizQuestion) -> dict[str, Any]:
    quiz = _extra(question).get("quiz")
    if isinstance(quiz, dict) and quiz.get("kind") in ("assessment", "objectbank", "items"):
        return quiz
    return DEFAULT_QUIZ


def _ident_ok(ident: str) -> bool:
    return bool(ident.strip()) and not _INVALID_XML_CHARS.search(ident)


def _attributes(**values: Any) -> dict[str, str]:
    return {name: _clean(str(value)) for name, value in values.items() if value is not None}


def _pairs(value: Any) -> list[list[str]]:
    if not isinstance(value, list):
        return []
    return [
        [str(pair[0]), str(pair[1])]
        for pair in value
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]


def _write_fields(parent: Element, fields: list[list[str]], tag: str) -> None:
    if not fields:
        return
    metadata = ElementTree.SubElement(parent, tag)
    for label, entry in fields:
        field_element = ElementTree.SubElement(metadata, "qtimetadatafield")
        ElementTree.SubElement(field_element, "fieldlabel").text = _clean(label)
        ElementTree.SubElement(field_element, "fieldentry").text = _clean(entry)


def _from_data(data: dict[str, Any]) -> Element:
    """The element :func:`_to_data` kept (names that are not XML names are left out)."""
    tag = str(data.get("tag"))
    attributes = data.get("attrib")
    attributes = attributes if isinstance(attributes, dict) else {}
    element = Element(tag if _XML_NAME.match(tag) else "extension")
    for name, value in attributes.items():
        if _XML_NAME.match(str(name)):
            element.set(str(name), _clean(str(value)))
    text = data.get("text")
    element.text = _clean(str(text)) if text is not None else None
    children = data.get("children")
    for child in children if isinstance(children, list) else []:
        if isinstance(child, dict):
            element.append(_from_data(child))
    return element


def _clean(text: str) -> str:
    return _INVALID_XML_CHARS.sub("", text)


def _xml_bytes(root: Element) -> bytes:
    ElementTree.indent(root, space="  ")
    text = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode()


def _percent(fraction: float) -> str:
    """A fraction as a SCORE value out of 100, written exactly ("33.33333", "100")."""
    value = Decimal(repr(fraction)) * 100
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


class _ItemWriter:
    """One :class:`QuizQuestion` into one Canvas ``<item>``."""

    def __init__(self, writer: _Writer, question: QuizQuestion, number: int, ident: str) -> None:
        self.writer = writer
        self.question = question
        self.number = number
        self.ident = ident
        self.extra = _extra(question)
        self.item = Element("item", _attributes(ident=ident, title=question.name))
        self.feedbacks: list[tuple[str, Text]] = []
        self.formats_warned: set[TextFormat] = set()
        self.taken: set[str] = set()
        self.processing: Element | None = None

    def warn(self, message: str) -> None:
        self.writer.warn(self.question, self.number, message)

    def write(self) -> Element:
        question = self.question
        kind, write_body = self.kind()
        fields = [["question_type", kind], ["points_possible", repr(float(question.default_grade))]]
        if question.category:
            fields.append([BANK_FIELD, question.category])
        fields += [[TAG_FIELD, tag] for tag in question.tags]
        carried = self.carried_extra()
        if carried:
            fields.append([EXTRA_FIELD, carried])
        if question.type is QType.ORDERING:
            fields.append([TYPE_FIELD, "ordering"])
        fields += _pairs(self.extra.get("metadata"))
        metadata = ElementTree.SubElement(self.item, "itemmetadata")
        _write_fields(metadata, fields, "qtimetadata")
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
        write_body()
        self.itemfeedback()
        self.unsupported()
        return self.item

    def text(self) -> Text:
        text = self.question.text
        if self.question.type != QType.CLOZE:
            return text
        names = self.blank_names()

        def name_of(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            return f"[{names[index]}]" if 0 <= index < len(names) else match.group(0)

        return Text(_PLACEHOLDER.sub(name_of, text.text), text.format)

    def kind(self) -> tuple[str, Callable[[], None]]:
        question = self.question
        stored = self.extra.get("question_type")
        if question.type == QType.MULTICHOICE:
            kind = "multiple_choice_question" if question.single else "multiple_answers_question"
            return kind, self.choice
        if question.type == QType.TRUEFALSE:
            return "true_false_question", self.choice
        if question.type == QType.SHORTANSWER:
            return "short_answer_question", self.short_answer
        if question.type == QType.NUMERICAL:
            if stored == "calculated_question" and isinstance(self.extra.get("calculated"), dict):
                if not question.answers:
                    return "calculated_question", self.calculated
                self.warn("has answers, so it is written as numerical: its formulas are left out")
            return "numerical_question", self.numerical
        if question.type in (QType.MATCHING, QType.ORDERING):
            return "matching_question", self.matching
        if question.type == QType.CLOZE:
            dropdowns = bool(question.blanks) and all(
                blank.type == QType.MULTICHOICE for blank in question.blanks
            )
            if dropdowns:
                return "multiple_dropdowns_question", self.blanks
            return "fill_in_multiple_blanks_question", self.blanks
        if question.type == QType.ESSAY:
            if stored == "file_upload_question":
                return "file_upload_question", self.essay
            return "essay_question", self.essay
        return "text_only_question", self.description

    # -- shared pieces ----------------------------------------------------------------------

    def mattext(self, material: Element, text: Text, what: str) -> None:
        value = text.text
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            self.warn(f"{what}: carriage returns written as line breaks")
        if _INVALID_XML_CHARS.search(value):
            value = _clean(value)
            self.warn(f"{what}: characters XML cannot hold were left out")
        if "@@PLUGINFILE@@/" in value:
            value = value.replace("@@PLUGINFILE@@/", f"{FILE_BASE}/")
            self.warn(f"{what}: @@PLUGINFILE@@ file links written as {FILE_BASE} links")
        html = text.format == TextFormat.HTML
        plain = text.format in (TextFormat.MOODLE, TextFormat.MARKDOWN)
        if plain and value and text.format not in self.formats_warned:
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
        uses_answers = (QType.MULTICHOICE, QType.TRUEFALSE, QType.SHORTANSWER, QType.NUMERICAL)
        if question.answers and kind not in (*uses_answers, QType.ESSAY, QType.DESCRIPTION):
            self.warn(f"a {kind.value} question has no answers in Canvas: answers left out")
        if question.pairs and kind is not QType.MATCHING:
            self.warn(f"a {kind.value} question has no pairs: pairs left out")
        if question.order and kind is not QType.ORDERING:
            self.warn(f"a {kind.value} question has no order: order left out")
        if question.blanks and kind is not QType.CLOZE:
            self.warn(f"a {kind.value} question has no blanks: blanks left out")
        if kind is QType.MATCHING and any(p.feedback and not p.left.text for p in question.pairs):
            self.warn("Canvas has no feedback on unmatched choices: that feedback is left out")
        if kind is QType.CLOZE and any(b.general_feedback or b.hints for b in question.blanks):
            self.warn("blanks have no feedback or hints of their own in Canvas: left out")
        if kind is QType.NUMERICAL:
            for answer in question.answers:
                number = _number(answer.text.text)
                if answer.value is not None and (number is None or float(number) != answer.value):
                    self.warn(
                        f"numerical answer text {answer.text.text!r} is written as its value "
                        f"{_number_text(answer.value)}"
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
            if isinstance(value, str) and _ident_ok(value) and value not in self.taken:
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

    # -- question types ---------------------------------------------------------------------

    def choice(self) -> None:
        question = self.question
        answers = question.answers
        ids = self.answer_ids(len(answers))
        multiple = question.type == QType.MULTICHOICE and not question.single
        response = ElementTree.SubElement(
            self.presentation,
            "response_lid",
            {"ident": "response1", "rcardinality": "Multiple" if multiple else "Single"},
        )
        self.labels(response, [answer.text for answer in answers], ids)
        if not answers:
            self.warn("has no answers")
        self.rules()
        for ident, answer in zip(ids, answers, strict=True):
            if answer.feedback:
                self.feedbacks.append((f"{ident}_fb", answer.feedback))
                self.rule("Yes", [_varequal("response1", ident)], feedback=f"{ident}_fb")
        if multiple:
            self.multiple_answers(ids)
        else:
            rights = [answer for answer in answers if answer.fraction >= 1]
            if len(rights) > 1:
                self.warn("Canvas allows one right answer in multiple choice: several written")
            if any(0 < answer.fraction < 1 or answer.fraction < 0 for answer in answers):
                self.warn(
                    "Canvas gives full or no credit in multiple choice: weights written as scores"
                )
            best = max((answer.fraction for answer in answers), default=0.0)
            for ident, answer in zip(ids, answers, strict=True):
                if answer.fraction != 0:
                    self.rule(
                        "No",
                        [_varequal("response1", ident)],
                        ("Set", _percent(answer.fraction)),
                        correct=answer.fraction == best and best > 0,
                    )
        self.incorrect_rule()

    def multiple_answers(self, ids: list[str]) -> None:
        answers = self.question.answers
        rights = [answer for answer in answers if answer.fraction > 0]
        share = round(1 / len(rights), 7) if rights else 0.0
        all_or_nothing = (
            self.extra.get("scoring") == "all_or_nothing"
            and rights
            and len(answers) > 1
            and all(answer.fraction in (0.0, share) for answer in answers)
        )
        if all_or_nothing:
            every = Element("and")
            for ident, answer in zip(ids, answers, strict=True):
                if answer.fraction > 0:
                    every.append(_varequal("response1", ident))
                else:
                    ElementTree.SubElement(every, "not").append(_varequal("response1", ident))
            self.rule("No", [every], ("Set", "100"), correct=True)
            return
        for ident, answer in zip(ids, answers, strict=True):
            if answer.fraction != 0:
                self.rule(
                    "Yes", [_varequal("response1", ident)], ("Add", _percent(answer.fraction))
                )

    def short_answer(self) -> None:
        answers = self.question.answers
        response = ElementTree.SubElement(
            self.presentation, "response_str", {"ident": "response1", "rcardinality": "Single"}
        )
        fib = ElementTree.SubElement(response, "render_fib")
        ElementTree.SubElement(fib, "response_label", {"ident": "answer1", "rshuffle": "No"})
        ids = self.answer_ids(len(answers))
        case = self.extra.get("case_sensitive") is True
        positive = [(i, a) for i, a in zip(ids, answers, strict=True) if a.fraction > 0]
        others = [(i, a) for i, a in zip(ids, answers, strict=True) if a.fraction <= 0]
        if positive and others and answers.index(others[0][1]) < answers.index(positive[-1][1]):
            self.warn("answers with credit are written before those without")
        self.rules()
        for ident, answer in positive:
            if answer.feedback:
                self.feedbacks.append((f"{ident}_fb", answer.feedback))
                self.rule(
                    "Yes", [_varequal("response1", answer.text.text, case)], feedback=f"{ident}_fb"
                )
        run: list[Answer] = []
        for index, (_, answer) in enumerate(positive):
            run.append(answer)
            following = positive[index + 1][1] if index + 1 < len(positive) else None
            if following is None or following.fraction != answer.fraction:
                self.rule(
                    "No",
                    [_varequal("response1", a.text.text, case) for a in run],
                    ("Set", _percent(answer.fraction)),
                    correct=answer.fraction >= 1,
                )
                run = []
        if any(answer.fraction < 1 for _, answer in positive):
            self.warn("Canvas gives full or no credit in short answer: weights written as scores")
        if others:
            self.warn(
                "Canvas has no wrong answers in short answer: they are written as conditions "
                "Canvas does not read"
            )
        for ident, answer in others:
            action = ("Add", _percent(answer.fraction)) if answer.fraction < 0 else None
            link = None
            if answer.feedback:
                link = f"{ident}_fb"
                self.feedbacks.append((link, answer.feedback))
            self.rule("Yes", [_varequal("response1", answer.text.text, case)], action, link)
        self.incorrect_rule()

    def numerical(self) -> None:
        answers = self.question.answers
        self.decimal_response()
        ids = self.answer_ids(len(answers))
        forms = self.extra.get("numeric")
        forms = (
            forms
            if isinstance(forms, list) and len(forms) == len(answers)
            else [None] * len(answers)
        )
        self.rules()
        for ident, answer, form in zip(ids, answers, forms, strict=True):
            condition = self.numeric_condition(answer, form)
            if condition is None:
                continue
            link = None
            if answer.feedback:
                link = f"{ident}_fb"
                self.feedbacks.append((link, answer.feedback))
            if answer.fraction > 0:
                self.rule("No", [condition], ("Set", _percent(answer.fraction)), link, correct=True)
            else:
                action = ("Add", _percent(answer.fraction)) if answer.fraction < 0 else None
                self.rule("Yes", [condition], action, link)
        if any(0 < answer.fraction < 1 or answer.fraction <= 0 for answer in answers):
            self.warn("Canvas counts every numerical answer as right: weights written as scores")
        self.incorrect_rule()

    def decimal_response(self) -> None:
        response = ElementTree.SubElement(
            self.presentation, "response_str", {"ident": "response1", "rcardinality": "Single"}
        )
        fib = ElementTree.SubElement(response, "render_fib", {"fibtype": "Decimal"})
        ElementTree.SubElement(fib, "response_label", {"ident": "answer1"})

    def numeric_condition(self, answer: Answer, stored: Any) -> Element | None:
        value, tolerance = answer.value, answer.tolerance or 0.0
        if value is None:
            number = _number(answer.text.text)
            if number is None:
                self.warn(f"numerical answer {answer.text.text!r} has no value: left out")
                return None
            value = float(number)
        if not (math.isfinite(value) and math.isfinite(tolerance)):
            self.warn(
                f"numerical answer {value!r} ± {tolerance!r} is not a finite number: left out"
            )
            return None
        form = _numeric_from(stored)
        if form is None or form.value() != (value, tolerance):
            exact = Decimal(repr(value))
            margin = Decimal(repr(abs(tolerance)))
            kind = form.form if form is not None and form.form == "range" else "exact"
            form = _Numeric(kind, _decimal_text(exact))
            if kind == "range" or margin:
                form.low, form.high = _decimal_text(exact - margin), _decimal_text(exact + margin)
            if kind == "range":
                form.exact = None
        bounds = [
            _varequal_tag(form.low_op, form.low),
            _varequal_tag(form.high_op, form.high),
        ]
        if form.form == "range":
            every = Element("and")
            every.extend(bounds)
            return every
        either = Element("or")
        either.append(_varequal_tag("varequal", form.exact))
        if form.low is not None and form.high is not None:
            ElementTree.SubElement(either, "and").extend(bounds)
        return either

    def calculated(self) -> None:
        self.decimal_response()
        self.rules()
        self.rule(None, [Element("other")], ("Set", "100"))
        never = Element("not")
        never.append(Element("other"))
        self.rule(None, [never], ("Set", "0"))
        self.item.append(_from_data(self.extra["calculated"]))

    def matching(self) -> None:
        question = self.question
        if question.type == QType.ORDERING:
            self.warn(
                "Canvas has no ordering question: written as matching items to positions "
                f"(marked {TYPE_FIELD} for pmpath)"
            )
            pairs = [MatchPair(item, str(n)) for n, item in enumerate(question.order, start=1)]
        else:
            pairs = question.pairs
        prompts = [pair for pair in pairs if pair.left.text]
        lefts = self.answer_ids(
            len(pairs), self.extra.get("answer_ids") if question.type == QType.MATCHING else None
        )
        left_ids = [ident for ident, pair in zip(lefts, pairs, strict=True) if pair.left.text]
        rights: list[str] = []
        for pair in pairs:
            if pair.right not in rights:
                rights.append(pair.right)
        stored = self.extra.get("match_ids") if question.type == QType.MATCHING else None
        known = {
            str(entry[1]): str(entry[0])
            for entry in (stored if isinstance(stored, list) else [])
            if isinstance(entry, list) and len(entry) == 2 and _ident_ok(str(entry[0]))
        }
        ordered = [text for text in known if text in rights]
        ordered += [text for text in rights if text not in ordered]
        match_ids: dict[str, str] = {}
        for text in ordered:
            if text in known and known[text] not in self.taken:
                match_ids[text] = known[text]
                self.taken.add(known[text])
        for text in ordered:
            if text not in match_ids:
                match_ids[text] = self.new_id(1000)
        for ident, pair in zip(left_ids, prompts, strict=True):
            response = ElementTree.SubElement(
                self.presentation, "response_lid", {"ident": f"response_{ident}"}
            )
            self.mattext(ElementTree.SubElement(response, "material"), pair.left, "a prompt")
            render = ElementTree.SubElement(response, "render_choice")
            if question.shuffle is not None:
                render.set("shuffle", "Yes" if question.shuffle else "No")
            for text in ordered:
                label = ElementTree.SubElement(render, "response_label", {"ident": match_ids[text]})
                mattext = ElementTree.SubElement(
                    ElementTree.SubElement(label, "material"), "mattext"
                )
                mattext.text = _clean(text.replace("\r\n", "\n").replace("\r", "\n"))
        if not prompts:
            self.warn("has no pairs")
        share = f"{100 / len(prompts):.2f}" if prompts else "0"
        self.rules()
        for ident, pair in zip(left_ids, prompts, strict=True):
            respident = f"response_{ident}"
            self.rule(None, [_varequal(respident, match_ids[pair.right])], ("Add", share))
            if pair.feedback:
                self.feedbacks.append((f"{ident}_fb", pair.feedback))
                wrong = Element("not")
                wrong.append(_varequal(respident, match_ids[pair.right]))
                self.rule(None, [wrong], feedback=f"{ident}_fb")

    def blank_names(self) -> list[str]:
        names: list[str] = []
        for index, blank in enumerate(self.question.blanks, start=1):
            name = blank.name or f"blank{index}"
            if not re.fullmatch(r"[^\[\]\s]+", name) or name in names:
                name = f"blank{index}"
            names.append(name)
        return names

    def blanks(self) -> None:
        question = self.question
        names = self.blank_names()
        dropdowns = bool(question.blanks) and all(
            blank.type == QType.MULTICHOICE for blank in question.blanks
        )
        found = [int(n) for n in _PLACEHOLDER.findall(question.text.text)]
        if sorted(found) != list(range(1, len(question.blanks) + 1)):
            self.warn("the {#n} placeholders in the text do not match the blanks one to one")
        if not question.blanks:
            self.warn("has no blanks")
        share = f"{100 / len(question.blanks):.2f}" if question.blanks else "0"
        self.rules()
        scoring: list[tuple[str, str]] = []
        respidents: set[str] = set()
        for name, blank in zip(names, question.blanks, strict=True):
            answers = self.blank_answers(name, blank, dropdowns)
            blank_extra = _extra(blank)
            respident = str(blank_extra.get("ident") or f"response_{name}")
            if respident in respidents:
                respident = f"response_{name}"
            respidents.add(respident)
            ids = self.answer_ids(len(answers), blank_extra.get("answer_ids"))
            response = ElementTree.SubElement(
                self.presentation, "response_lid", {"ident": respident}
            )
            mattext = ElementTree.SubElement(
                ElementTree.SubElement(response, "material"), "mattext"
            )
            mattext.text = name
            self.labels(response, [answer.text for answer in answers], ids)
            for ident, answer in zip(ids, answers, strict=True):
                if answer.feedback:
                    self.feedbacks.append((f"{ident}_fb", answer.feedback))
                    self.rule("Yes", [_varequal(respident, ident)], feedback=f"{ident}_fb")
                if answer.fraction > 0:
                    scoring.append((respident, ident))
        if len({blank.default_grade for blank in question.blanks}) > 1:
            self.warn("Canvas weighs every blank the same: blank grades left out")
        for respident, ident in scoring:
            self.rule(None, [_varequal(respident, ident)], ("Add", share))

    def blank_answers(self, name: str, blank: QuizQuestion, dropdowns: bool) -> list[Answer]:
        """The answers a blank can have in Canvas: choices, or accepted texts only."""
        if dropdowns:
            if not blank.single:
                self.warn(f"blank [{name}] takes one choice in Canvas, not several")
            if any(0 < answer.fraction < 1 or answer.fraction < 0 for answer in blank.answers):
                self.warn(f"blank [{name}]: Canvas gives full or no credit; weights left out")
            return [
                Answer(answer.text, 1.0 if answer.fraction > 0 else 0.0, answer.feedback)
                for answer in blank.answers
            ]
        if blank.type == QType.NUMERICAL:
            self.warn(f"blank [{name}] is numerical: written as accepted texts, tolerance left out")
            return [
                Answer(Text(_number_text(answer.value)), 1.0, answer.feedback)
                for answer in blank.answers
                if answer.fraction > 0 and answer.value is not None
            ]
        if blank.type not in (QType.SHORTANSWER, QType.MULTICHOICE):
            self.warn(f"blank [{name}] is a {blank.type.value} question: left empty")
            return []
        if blank.type == QType.MULTICHOICE:
            self.warn(
                f"blank [{name}] is a choice in a text-blank question: wrong choices left out"
            )
        if any(answer.fraction <= 0 for answer in blank.answers):
            self.warn(f"blank [{name}]: Canvas accepts every listed answer; wrong ones left out")
        if any(0 < answer.fraction < 1 for answer in blank.answers):
            self.warn(f"blank [{name}]: Canvas gives full or no credit; weights left out")
        return [
            Answer(Text(answer.text.text, TextFormat.PLAIN), 1.0, answer.feedback)
            for answer in blank.answers
            if answer.fraction > 0
        ]

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


def _varequal(respident: str, value: str, case: bool = False) -> Element:
    element = Element("varequal", {"respident": respident})
    if case:
        element.set("case", "Yes")
    element.text = _clean(value)
    return element


def _varequal_tag(tag: str, value: str | None) -> Element:
    element = Element(tag, {"respident": "response1"})
    element.text = value
    return element


def _numeric_from(stored: Any) -> _Numeric | None:
    if not isinstance(stored, dict) or stored.get("form") not in ("exact", "range", "precision"):
        return None
    values = {name: stored.get(name) for name in ("exact", "low", "high")}
    if not all(value is None or isinstance(value, str) for value in values.values()):
        return None
    low_op = str(stored.get("low_op")) if stored.get("low_op") in ("vargte", "vargt") else "vargte"
    high_op = (
        str(stored.get("high_op")) if stored.get("high_op") in ("varlte", "varlt") else "varlte"
    )
    return _Numeric(
        str(stored["form"]), values["exact"], values["low"], values["high"], low_op, high_op
    )
