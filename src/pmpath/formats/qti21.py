"""IMS QTI 2.1 items and content packages in and out (docs/formats.md, section "QTI 2.1").

``read`` takes one ``assessmentItem`` XML document or a content package (a zip with an
``imsmanifest.xml`` whose ``imsqti_item_xmlv2p1`` resources name the item files); ``write``
makes a package with one XML file per question and a manifest. The supported interactions
are ``choiceInteraction`` (single and multiple response, true/false), ``textEntryInteraction``
(short answer; numerical with a float or integer base type), ``extendedTextInteraction``
(essay), ``orderInteraction`` and ``matchInteraction``/``associateInteraction`` (matching).

Scores become answer *fractions*: a mapped value (or a rule's score) divided by the item's
maximum score. That is the ``normalMaximum`` of ``SCORE`` (else the default value of
``MAXSCORE``) when the item declares one, else the highest score the item can give: the largest
single mapped value for a single response, the sum of the positive mapped values for a multiple
response, capped by the mapping's ``upperBound``. The maximum is the question's grade
(``default_grade``). Fractions are rounded to 7 decimals, as Moodle stores them.
Everything the interchange model cannot hold is either mapped by a rule written in the
docs, kept in ``extra["qti21"]`` for writing QTI back, or reported as a warning.
"""

from __future__ import annotations

import copy
import io
import math
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from xml.etree.ElementTree import Element

from markdown_it import MarkdownIt

from pmpath.errors import FormatError, Location, Problem
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
from pmpath.formats.safety import check_size, open_zip, parse_xml

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/LOM"
#: pmpath's own metadata: the Markdown source of texts written as HTML.
MARKDOWN_NS = "urn:pmpath:markdown"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
TEMPLATE_BASE = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
MATCH_CORRECT = "match_correct"
MAP_RESPONSE = "map_response"
ITEM_RESOURCE = "imsqti_item_xmlv2p1"
MANIFEST = "imsmanifest.xml"
#: Where a text-entry blank stood inside the question text.
BLANK = "_____"
#: The key of this format's values in ``QuizQuestion.extra``.
KEY = "qti21"
RESPONSE = "RESPONSE"
SCORE = "SCORE"
FEEDBACK = "FEEDBACK"
GENERAL = "GENERAL"
PLUGINFILE = "@@PLUGINFILE@@"
DIGITS = 7
MAX_DEPTH = 200

_SUPPORTED = (
    "choiceInteraction",
    "textEntryInteraction",
    "extendedTextInteraction",
    "orderInteraction",
    "matchInteraction",
    "associateInteraction",
)
_ITEM_PARTS = {
    "responseDeclaration",
    "outcomeDeclaration",
    "itemBody",
    "responseProcessing",
    "modalFeedback",
}
_FEEDBACK_TAGS = {"modalFeedback", "feedbackBlock", "feedbackInline"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
_PREFIXES = {
    XML_NS: "xml",
    XSI_NS: "xsi",
    "http://www.w3.org/1999/xlink": "xlink",
    "http://www.w3.org/1998/Math/MathML": "m",
}
_URL_ATTRIBUTES = {"src", "href", "data"}
_NAME = re.compile(r"[A-Za-z_][\w.-]*")
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LONE_BLANK = re.compile(r"(?<!_)_____(?!_)")
_PLUGINFILE_URL = re.compile(re.escape(PLUGINFILE) + r"/([^\"'<>\s]*)")
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


# -- reading --------------------------------------------------------------------------------


def read(data: bytes, source: str) -> QuizFile:
    """Every item of a QTI 2.1 item document or content package, with warnings for what is lost.

    A package's questions carry ``Location(file=source, line=N, field_path=(member,))``: the
    line is in the item file ``member`` of the zip. Bad input raises :class:`FormatError`.
    """
    check_size(data, source)
    if data.startswith(b"PK\x03\x04"):
        return _read_package(data, source)
    warnings: list[Warning] = []
    question = _read_document(data, Location(file=source), warnings, {})
    return QuizFile([question], warnings)


def _read_package(data: bytes, source: str) -> QuizFile:
    try:
        files = open_zip(data, source)
    except (
        ValueError, EOFError, OSError, OverflowError, IndexError, KeyError, RuntimeError,
        NotImplementedError, struct.error, zlib.error,
    ) as exc:  # fmt: skip
        # safety.open_zip lets some failures of zipfile on damaged archives through (a
        # corrupt deflate stream raises zlib.error): they are still a bad file.
        raise FormatError(f"not a valid zip archive: {exc}", Location(file=source)) from None
    if MANIFEST not in files:
        raise FormatError(
            f"the package has no {MANIFEST} at its root: it is not an IMS content package",
            Location(file=source),
        )
    where = Location(file=source, field_path=(MANIFEST,))
    manifest = _parse(files[MANIFEST], where)
    if _local(manifest.tag) != "manifest":
        raise FormatError(
            f"{MANIFEST} is not a manifest: its root element is <{_local(manifest.tag)}>", where
        )
    resource_lines = _opening_lines(files[MANIFEST], "resource")
    parents = {child: parent for parent in manifest.iter() for child in parent}
    resources: dict[str, Element] = {}
    ordered: list[tuple[Element, int | None, str]] = []
    for index, resource in enumerate(_descendants(manifest, "resource")):
        line = resource_lines[index] if index < len(resource_lines) else None
        base = _xml_base(resource, parents)
        ordered.append((resource, line, base))
        identifier = resource.get("identifier")
        if identifier:
            resources[identifier] = resource
    warnings: list[Warning] = []
    questions: list[QuizQuestion] = []
    used: set[str] = {MANIFEST}
    other_types: set[str] = set()
    for resource, line, base in ordered:
        kind = resource.get("type", "")
        if not re.fullmatch(r"imsqti_item_xmlv2p[0-9]", kind):
            other_types.add(kind)
            continue
        at = replace(where, line=line)
        href = resource.get("href")
        if not href:
            raise FormatError("an item resource has no href", at)
        member = _member(base, href)
        if member is None or member not in files:
            raise FormatError(
                f"the manifest names the item file {href!r}, which is not in the package", at
            )
        used.add(member)
        item_files = _resource_files(resource, base, resources, parents)
        attachments = _attachments(member, item_files, files, used, at, warnings)
        question = _read_document(
            files[member], Location(file=source, field_path=(member,)), warnings, attachments
        )
        _read_metadata(resource, question)
        _restore_markdown(resource, question, warnings)
        questions.append(question)
    if not questions:
        found = ", ".join(sorted(other_types)) or "none"
        raise FormatError(
            f"the package has no QTI 2.x item resources (resource types found: {found})",
            where,
        )
    if any("test" in kind for kind in other_types):
        warnings.append(
            Warning(
                "assessment tests (sections, item order, time limits) are not imported; "
                "their items are read from the manifest",
                where,
            )
        )
    unused = sorted(name for name in files if name not in used)
    if unused:
        shown = ", ".join(unused[:5]) + (" ..." if len(unused) > 5 else "")
        warnings.append(
            Warning(
                f"{len(unused)} file(s) of the package belong to no item and are not imported: "
                f"{shown}",
                where,
            )
        )
    return QuizFile(questions, warnings)


def _resource_files(
    resource: Element, base: str, resources: dict[str, Element], parents: dict[Element, Element]
) -> list[str]:
    """The package paths of a resource's files and of the resources it depends on."""
    paths: list[str] = []
    seen: set[str] = set()
    pending = [(resource, base)]
    while pending:
        current, current_base = pending.pop(0)
        for child in current:
            name = _local(child.tag)
            if name == "file" and child.get("href"):
                path = _member(current_base, child.get("href", ""))
                if path and path not in paths:
                    paths.append(path)
            elif name == "dependency":
                target = resources.get(child.get("identifierref", ""))
                key = child.get("identifierref", "")
                if target is not None and key not in seen:
                    seen.add(key)
                    pending.append((target, _xml_base(target, parents)))
    return paths


def _attachments(
    member: str,
    paths: list[str],
    files: dict[str, bytes],
    used: set[str],
    where: Location,
    warnings: list[Warning],
) -> dict[str, Attachment]:
    """The item's files other than itself, by their path relative to the item's folder."""
    folder = posixpath.dirname(member)
    found: dict[str, Attachment] = {}
    for path in paths:
        if path == member:
            continue
        if path not in files:
            warnings.append(
                Warning(f"the manifest lists {path!r}, which is not in the package", where)
            )
            continue
        relative = posixpath.relpath(path, folder or ".")
        if relative.startswith("../"):
            warnings.append(
                Warning(
                    f"the file {path!r} lies outside the folder of {member!r} and is not kept",
                    where,
                )
            )
            continue
        used.add(path)
        directory, name = posixpath.split(relative)
        found[relative] = Attachment(name, files[path], f"/{directory}/" if directory else "/")
    return found


def _read_metadata(resource: Element, question: QuizQuestion) -> None:
    """Tags and category from the resource's LOM metadata (keywords, classification)."""
    for metadata in (child for child in resource if _local(child.tag) == "metadata"):
        for keyword in _descendants(metadata, "keyword"):
            for string in _descendants(keyword, "string"):
                value = "".join(string.itertext()).strip()
                if value and value not in question.tags:
                    question.tags.append(value)
        for taxon_path in _descendants(metadata, "taxonPath"):
            parts = [
                "".join(string.itertext()).strip()
                for entry in _descendants(taxon_path, "entry")
                for string in _descendants(entry, "string")
            ]
            if any(parts) and question.category is None:
                question.category = "/".join(part for part in parts if part)


def _restore_markdown(resource: Element, question: QuizQuestion, warnings: list[Warning]) -> None:
    """Texts pmpath wrote from Markdown get their source back, unless edited since."""
    sources = {
        text.get("path", ""): "".join(text.itertext())
        for metadata in resource
        if _local(metadata.tag) == "metadata"
        for markdown in metadata
        if markdown.tag == f"{{{MARKDOWN_NS}}}markdown"
        for text in markdown
        if _local(text.tag) == "text"
    }
    if not sources:
        return
    slots: dict[str, tuple[Text | None, Callable[[Text], None]]] = {
        "text": (question.text, partial(setattr, question, "text")),
        "general_feedback": (
            question.general_feedback,
            partial(setattr, question, "general_feedback"),
        ),
    }
    for index, answer in enumerate(question.answers):
        slots[f"answers/{index}/text"] = (answer.text, partial(setattr, answer, "text"))
        slots[f"answers/{index}/feedback"] = (answer.feedback, partial(setattr, answer, "feedback"))
    for index, item in enumerate(question.order):
        slots[f"order/{index}"] = (item, partial(question.order.__setitem__, index))
    for index, pair in enumerate(question.pairs):
        slots[f"pairs/{index}/left"] = (pair.left, partial(setattr, pair, "left"))
    stale = 0
    for path, source in sources.items():
        current, restore = slots.get(path, (None, None))
        rendered = _normalized(_fragment(Text(source, TextFormat.MARKDOWN), path == "text")[0])
        if current is not None and restore is not None and current.text == rendered:
            restore(Text(source, TextFormat.MARKDOWN))
        else:
            stale += 1
    if stale:
        warnings.append(
            Warning(
                f"{stale} text(s) no longer match the Markdown pmpath wrote them from (edited "
                "since?): their HTML is kept",
                question.source,
                question.name,
            )
        )


def _read_document(
    data: bytes, where: Location, warnings: list[Warning], attachments: dict[str, Attachment]
) -> QuizQuestion:
    root = _parse(data, where)
    name = _local(root.tag)
    lines = _opening_lines(data, name)
    at = replace(where, line=lines[0] if lines else None)
    if name != "assessmentItem":
        hint = {
            "manifest": ": give the whole content package (the zip), not its manifest",
            "questestinterop": ": this is QTI 1.2, not QTI 2.1",
            "assessmentTest": ": give the content package (the zip) that holds its items",
        }.get(name, "")
        raise FormatError(f"not a QTI 2.1 assessmentItem: the root element is <{name}>{hint}", at)
    _check_depth(root, at)
    namespace = _namespace(root.tag)
    if not _is_qti(namespace):
        # Read an item in a foreign namespace as QTI (with a warning): its elements become QTI's.
        for element in root.iter():
            if isinstance(element.tag, str) and _namespace(element.tag) == namespace:
                element.tag = f"{{{QTI_NS}}}{_local(element.tag)}"
    return _ItemReader(root, at, warnings, attachments).question(namespace)


def _parse(data: bytes, where: Location) -> Element:
    try:
        root: Element = parse_xml(data, where.file or "")
    except FormatError as exc:
        raise FormatError(
            [
                Problem(problem.message, replace(where, line=problem.location.line))
                for problem in exc.problems
            ]
        ) from None
    except (LookupError, ValueError) as exc:
        # safety.parse_xml lets an unknown encoding="..." declaration through as LookupError.
        raise FormatError(f"invalid XML: {exc}", where) from None
    return root


@dataclass
class _Declaration:
    identifier: str
    cardinality: str
    base_type: str
    correct: list[str]
    mapping: dict[str, float] | None
    case_sensitive: dict[str, bool]
    default: float
    lower: float | None
    upper: float | None


@dataclass
class _Branch:
    """One ``responseIf``/``responseElseIf``/``responseElse`` testing the response's value."""

    key: str | None  # None: the responseElse, any other answer
    score: float | None = None
    feedback: list[tuple[str, str]] = field(default_factory=list)  # (outcome, identifier)
    tolerance: float | None = None
    case_sensitive: bool | None = None


@dataclass
class _Processing:
    """What pmpath understood of an item's response processing."""

    present: bool = False
    template: str | None = None
    echo: set[str] = field(default_factory=set)  # outcomes set to the response itself
    branches: list[_Branch] = field(default_factory=list)
    otherwise: _Branch | None = None
    correct_feedback: list[tuple[str, str]] = field(default_factory=list)
    incorrect_feedback: list[tuple[str, str]] = field(default_factory=list)
    unconditional: list[tuple[str, str]] = field(default_factory=list)
    correct_score: float | None = None
    unknown: list[str] = field(default_factory=list)

    @property
    def scored_by_branches(self) -> bool:
        branches = [*self.branches, *([self.otherwise] if self.otherwise else [])]
        return any(branch.score is not None for branch in branches)

    def sets(self, outcome: str) -> set[str]:
        """The identifiers some rule may put into ``outcome``."""
        pairs = [
            *self.correct_feedback,
            *self.incorrect_feedback,
            *self.unconditional,
            *(pair for branch in self.branches for pair in branch.feedback),
            *(self.otherwise.feedback if self.otherwise else []),
        ]
        return {identifier for name, identifier in pairs if name == outcome}


@dataclass
class _Feedback:
    outcome: str
    identifier: str
    show: bool
    html: str
    choice: str | None = None  # the simpleChoice it sits in


class _ItemReader:
    """One ``assessmentItem`` element into a :class:`QuizQuestion`."""

    def __init__(
        self,
        root: Element,
        where: Location,
        warnings: list[Warning],
        attachments: dict[str, Attachment],
    ) -> None:
        self.root = root
        self.where = where
        self.warnings = warnings
        self.files = attachments
        self.identifier = root.get("identifier")
        self.label = root.get("title") or self.identifier
        self.extra: dict[str, Any] = {}
        self.top = 0.0  # the highest score an answer gives, once scored
        self.choice_ids: set[str] = set()

    # -- helpers --------------------------------------------------------------------------

    def warn(self, message: str) -> None:
        self.warnings.append(Warning(message, self.where, self.label))

    def fail(self, message: str) -> FormatError:
        return FormatError(message, self.where)

    def number(self, value: str | None, what: str) -> float:
        try:
            number = float((value or "").strip())
        except ValueError:
            raise self.fail(f"{what} {value!r} is not a number") from None
        if not math.isfinite(number):
            raise self.fail(f"{what} {value!r} is not a finite number")
        return number

    def whole(self, value: str | None, what: str) -> int:
        try:
            return int((value or "").strip())
        except ValueError:
            raise self.fail(f"{what} {value!r} is not a whole number") from None

    # -- the item -------------------------------------------------------------------------

    def question(self, namespace: str) -> QuizQuestion:
        root = self.root
        if namespace != QTI_NS:
            shown = namespace or "no namespace"
            self.warn(f"the item is in {shown}, not the QTI 2.1 namespace; read as QTI 2.1")
        if root.get("adaptive") == "true":
            self.warn("adaptive item: pmpath reads it as a non-adaptive item (one attempt)")
        if root.get("timeDependent") == "true":
            self.warn("time-dependent item: its timing is not kept")
        for child in root:
            if _local(child.tag) not in _ITEM_PARTS:
                self.warn(f"<{_local(child.tag)}> is not imported")
        self.declarations = {
            declaration.identifier: declaration
            for declaration in (
                self.declaration(child)
                for child in root
                if _local(child.tag) == "responseDeclaration"
            )
        }
        self.outcomes = {
            child.get("identifier", ""): child
            for child in root
            if _local(child.tag) == "outcomeDeclaration"
        }
        self.processing = self.response_processing()
        body = next((child for child in root if _local(child.tag) == "itemBody"), None)
        self.body = copy.deepcopy(body) if body is not None else Element(f"{{{QTI_NS}}}itemBody")
        self.parents = {child: parent for parent in self.body.iter() for child in parent}
        interactions = list(_interactions(self.body))
        primary = self.primary(interactions)
        kept = [interaction for interaction in interactions if interaction is not primary]
        self.feedback = self.feedbacks()
        question = QuizQuestion(type=QType.DESCRIPTION, text=Text(""), name=self.label)
        question.id_number = self.identifier
        question.source = self.where
        if primary is not None:
            kind = _local(primary.tag)
            if kind == "choiceInteraction":
                self.choice(primary, question)
            elif kind == "textEntryInteraction":
                self.text_entry(primary, question)
            elif kind == "extendedTextInteraction":
                self.essay(primary, question)
            elif kind == "orderInteraction":
                self.order(primary, question)
            else:
                self.matching(primary, question)
        self.keep(kept)
        question.text = self.html(self.body_text(primary, kept))
        question.default_grade = self.grade(question)
        self.general_feedback(question)
        for item in self.feedback:
            self.warn(
                f"feedback {item.identifier!r} (outcome {item.outcome}) is shown under "
                "conditions the interchange model cannot express: not kept"
            )
        if self.processing.unknown:
            shown = ", ".join(sorted(set(self.processing.unknown)))
            self.warn(
                f"response processing rules pmpath does not understand ({shown}) are not kept"
            )
        question.attachments = list(self.files.values())
        if self.extra:
            question.extra[KEY] = self.extra
        return question

    def primary(self, interactions: list[Element]) -> Element | None:
        supported = [each for each in interactions if _local(each.tag) in _SUPPORTED]
        bound = [each for each in supported if each.get("responseIdentifier") == RESPONSE]
        primary = bound[0] if bound else supported[0] if supported else None
        if primary is not None:
            response = primary.get("responseIdentifier")
            if not response or response not in self.declarations:
                raise self.fail(
                    f"<{_local(primary.tag)}> refers to the response {response!r}, "
                    "which has no responseDeclaration"
                )
            if response != RESPONSE:
                self.extra["response"] = response
        return primary

    def keep(self, kept: list[Element]) -> None:
        """Interactions beyond the first supported one, kept verbatim for writing QTI back."""
        if not kept:
            return
        declarations: list[str] = []
        for interaction in kept:
            name = _local(interaction.tag)
            reason = "is not supported" if name not in _SUPPORTED else "is a second interaction"
            self.warn(
                f"<{name}> {reason}: pmpath cannot ask it; it is kept (without its scoring) "
                "for writing QTI 2.1 back"
            )
            response = interaction.get("responseIdentifier")
            for child in self.root:
                if (
                    _local(child.tag) == "responseDeclaration"
                    and child.get("identifier") == response
                ):
                    declarations.append(_serialize(_tailless(child), ""))
        self.extra["kept"] = [_serialize(_tailless(interaction), "") for interaction in kept]
        if declarations:
            self.extra["declarations"] = declarations

    # -- declarations and response processing ---------------------------------------------

    def declaration(self, element: Element) -> _Declaration:
        identifier = element.get("identifier")
        if not identifier:
            raise self.fail("a responseDeclaration has no identifier")
        correct = [
            (value.text or "").strip()
            for child in element
            if _local(child.tag) == "correctResponse"
            for value in child
            if _local(value.tag) == "value"
        ]
        mapping_element = next((c for c in element if _local(c.tag) == "mapping"), None)
        mapping: dict[str, float] | None = None
        case_sensitive: dict[str, bool] = {}
        default, lower, upper = 0.0, None, None
        if mapping_element is not None:
            mapping = {}
            for entry in mapping_element:
                if _local(entry.tag) != "mapEntry":
                    continue
                key = entry.get("mapKey")
                if key is None:
                    raise self.fail(f"a mapEntry of {identifier!r} has no mapKey")
                key = key.strip()
                mapping[key] = self.number(entry.get("mappedValue"), "the mappedValue")
                # QTI 2.1 makes caseSensitive required; QTI 2.2 defaults it to true.
                case_sensitive[key] = entry.get("caseSensitive", "true").strip() != "false"
            default = self.number(mapping_element.get("defaultValue", "0"), "the defaultValue")
            if mapping_element.get("lowerBound") is not None:
                lower = self.number(mapping_element.get("lowerBound"), "the lowerBound")
            if mapping_element.get("upperBound") is not None:
                upper = self.number(mapping_element.get("upperBound"), "the upperBound")
        return _Declaration(
            identifier,
            element.get("cardinality", "single"),
            element.get("baseType", "identifier"),
            correct,
            mapping,
            case_sensitive,
            default,
            lower,
            upper,
        )

    def response_processing(self) -> _Processing:
        processing = _Processing()
        element = next((c for c in self.root if _local(c.tag) == "responseProcessing"), None)
        if element is None:
            return processing
        processing.present = True
        template = element.get("template") or element.get("templateLocation")
        if template:
            name = template.rstrip("/").rsplit("/", 1)[-1].removesuffix(".xml")
            if name in (MATCH_CORRECT, MAP_RESPONSE):
                processing.template = name
            else:
                self.warn(
                    f"the response processing template {template!r} is not supported; "
                    "the item is scored by its mapping or correct response"
                )
            return processing
        response = self.response_id()
        for rule in element:
            name = _local(rule.tag)
            if name == "setOutcomeValue":
                self.top_rule(rule, response, processing)
            elif name == "responseCondition":
                self.condition(rule, response, processing)
            else:
                processing.unknown.append(name)
        return processing

    def response_id(self) -> str:
        """The response the first supported interaction answers ("RESPONSE" as a rule)."""
        body = next((child for child in self.root if _local(child.tag) == "itemBody"), None)
        if body is None:
            return RESPONSE
        ids = [
            each.get("responseIdentifier", "")
            for each in _interactions(body)
            if _local(each.tag) in _SUPPORTED
        ]
        return RESPONSE if RESPONSE in ids or not ids else ids[0]

    def top_rule(self, rule: Element, response: str, processing: _Processing) -> None:
        outcome = rule.get("identifier", "")
        expression = _only_child(rule)
        kind = _local(expression.tag) if expression is not None else ""
        if (
            expression is not None
            and kind == "variable"
            and expression.get("identifier") == response
        ):
            processing.echo.add(outcome)
        elif (
            expression is not None
            and kind == "mapResponse"
            and outcome == SCORE
            and expression.get("identifier") == response
        ):
            processing.template = MAP_RESPONSE
        elif (identifier := _identifier_value(expression, outcome)) is not None:
            processing.unconditional.append((outcome, identifier))
        else:
            processing.unknown.append(f"setOutcomeValue {outcome}")

    def condition(self, rule: Element, response: str, processing: _Processing) -> None:
        branches = [child for child in rule if _local(child.tag).startswith("response")]
        chain = processing.branches
        for position, branch in enumerate(branches):
            kind = _local(branch.tag)
            children = list(branch)
            if kind == "responseElse":
                test, actions = None, children
            elif children:
                test, actions = children[0], children[1:]
            else:
                processing.unknown.append(kind)
                return
            if test is not None and _is_null_test(test, response):
                continue  # the templates' "no answer scores 0"
            if test is not None and _is_correct_test(test, response):
                self.correct_branch(actions, processing, correct=True)
                if position + 1 < len(branches) and _local(branches[-1].tag) == "responseElse":
                    self.correct_branch(list(branches[-1]), processing, correct=False)
                    if len(branches) > position + 2:
                        processing.unknown.append("responseElseIf")
                elif position + 1 < len(branches):
                    processing.unknown.append("responseElseIf")
                return
            if test is None:
                if len(actions) == 1 and _maps_response(actions[0], response):
                    processing.template = MAP_RESPONSE
                    continue
                current = _Branch(None)
            else:
                current_or_none = self.value_test(test, response)
                if current_or_none is None:
                    processing.unknown.append(_local(test.tag))
                    return
                current = current_or_none
            for action in actions:
                if not self.branch_action(action, current):
                    processing.unknown.append(_local(action.tag))
            if current.key is None:
                processing.otherwise = current
            else:
                chain.append(current)

    def correct_branch(
        self, actions: list[Element], processing: _Processing, correct: bool
    ) -> None:
        if correct:
            processing.template = processing.template or MATCH_CORRECT
        for action in actions:
            outcome = action.get("identifier", "")
            expression = _only_child(action)
            if _local(action.tag) != "setOutcomeValue" or expression is None:
                processing.unknown.append(_local(action.tag))
            elif outcome == SCORE:
                if correct and _local(expression.tag) == "baseValue":
                    processing.correct_score = self.number(expression.text, "the score")
            elif (identifier := _identifier_value(expression, outcome)) is not None:
                target = processing.correct_feedback if correct else processing.incorrect_feedback
                target.append((outcome, identifier))
            else:
                processing.unknown.append(f"setOutcomeValue {outcome}")

    def value_test(self, test: Element, response: str) -> _Branch | None:
        """A branch for ``match``/``stringMatch``/``equal`` of the response and a value."""
        kind = _local(test.tag)
        operands = list(test)
        if kind not in ("match", "stringMatch", "equal") or len(operands) != 2:
            return None
        variables = [o for o in operands if _local(o.tag) == "variable"]
        values = [o for o in operands if _local(o.tag) == "baseValue"]
        if len(variables) != 1 or len(values) != 1 or variables[0].get("identifier") != response:
            return None
        branch = _Branch((values[0].text or "").strip())
        if kind == "stringMatch":
            branch.case_sensitive = test.get("caseSensitive", "true") != "false"
        elif kind == "match":
            branch.case_sensitive = True
            branch.tolerance = 0.0
        else:
            mode = test.get("toleranceMode", "exact")
            tolerances = (test.get("tolerance") or "0").split()
            low = self.number(tolerances[0] if tolerances else "0", "the tolerance")
            high = self.number(tolerances[1], "the tolerance") if len(tolerances) > 1 else low
            if low != high:
                self.warn(
                    f"the tolerance {low} below and {high} above is kept as ±{max(low, high)}"
                )
            if mode == "exact":
                branch.tolerance = 0.0
            elif mode == "absolute":
                branch.tolerance = max(low, high)
            elif mode == "relative":
                centre = abs(self.number(branch.key, "the value"))
                branch.tolerance = round(centre * max(low, high) / 100, 12)
                self.warn(
                    f"the relative tolerance {max(low, high)} % of {branch.key} is kept "
                    f"as the absolute tolerance {branch.tolerance}"
                )
            else:
                return None
        return branch

    def branch_action(self, action: Element, branch: _Branch) -> bool:
        if _local(action.tag) != "setOutcomeValue":
            return False
        outcome = action.get("identifier", "")
        expression = _only_child(action)
        if expression is None:
            return False
        if outcome == SCORE and _local(expression.tag) == "baseValue":
            branch.score = self.number(expression.text, "the score")
            return True
        identifier = _identifier_value(expression, outcome)
        if identifier is None:
            return False
        branch.feedback.append((outcome, identifier))
        return True

    # -- feedback ---------------------------------------------------------------------------

    def feedbacks(self) -> list[_Feedback]:
        """Every feedback element, taken out of the item body and its choices."""
        found: list[_Feedback] = []
        for element in list(self.body.iter()):
            if _local(element.tag) not in ("feedbackInline", "feedbackBlock"):
                continue
            if element not in self.parents:
                continue  # inside a feedback already taken out
            choice = next(
                (
                    ancestor.get("identifier")
                    for ancestor in _ancestors(element, self.parents)
                    if _local(ancestor.tag) in ("simpleChoice", "simpleAssociableChoice")
                ),
                None,
            )
            found.append(self.feedback_of(element, choice))
            _remove(element, self.parents)
        for element in self.root:
            if _local(element.tag) == "modalFeedback":
                found.append(self.feedback_of(element, None))
        return found

    def feedback_of(self, element: Element, choice: str | None) -> _Feedback:
        return _Feedback(
            element.get("outcomeIdentifier", ""),
            element.get("identifier", ""),
            element.get("showHide", "show") != "hide",
            self.inner(element),
            choice,
        )

    def take_feedback(self, keys: list[str], numeric: bool) -> dict[str, list[str]]:
        """Feedback by the answer it belongs to (a choice identifier or an accepted value).

        ``"*"`` collects the feedback of any other answer (a ``responseElse``), ``"correct"``
        and ``"incorrect"`` that of the correct/incorrect rule. What is taken leaves
        ``self.feedback``.
        """
        processing = self.processing
        result: dict[str, list[str]] = {}
        remaining: list[_Feedback] = []
        by_value: dict[tuple[str, str], list[str]] = {}
        for branch in processing.branches:
            for pair in branch.feedback:
                by_value.setdefault(pair, []).append(branch.key or "*")
        if processing.otherwise:
            for pair in processing.otherwise.feedback:
                by_value.setdefault(pair, []).append("*")
        for pair in processing.correct_feedback:
            by_value.setdefault(pair, []).append("correct")
        for pair in processing.incorrect_feedback:
            by_value.setdefault(pair, []).append("incorrect")
        for item in self.feedback:
            targets: list[str] = []
            if item.choice is not None and item.choice in keys:
                targets = [item.choice]
            elif item.show and item.outcome in processing.echo and item.identifier in keys:
                targets = [item.identifier]
            elif item.show and (item.outcome, item.identifier) in by_value:
                targets = by_value[(item.outcome, item.identifier)]
            if not targets:
                remaining.append(item)
                continue
            for target in targets:
                result.setdefault(_key(target, numeric), []).append(item.html)
        self.feedback = remaining
        return result

    def general_feedback(self, question: QuizQuestion) -> None:
        general: list[str] = []
        remaining: list[_Feedback] = []
        unconditional = set(self.processing.unconditional)
        for item in self.feedback:
            # "hide" feedback shows unless its identifier is set: when nothing sets it, always.
            always_shown = item.identifier not in self.processing.sets(item.outcome) and (
                item.outcome not in self.processing.echo or item.identifier not in self.choice_ids
            )
            if item.choice is None and (
                (not item.show and always_shown)
                or (item.show and (item.outcome, item.identifier) in unconditional)
            ):
                general.append(item.html)
            else:
                remaining.append(item)
        self.feedback = remaining
        if general:
            question.general_feedback = self.html("\n".join(general))

    def answer_feedback(self, texts: list[str]) -> Text | None:
        return self.html("\n".join(texts)) if texts else None

    # -- interactions -----------------------------------------------------------------------

    def choice(self, interaction: Element, question: QuizQuestion) -> None:
        declaration = self.declarations[interaction.get("responseIdentifier", "")]
        choices = [c for c in interaction if _local(c.tag) == "simpleChoice"]
        if not choices:
            raise self.fail("the choiceInteraction has no simpleChoice")
        ids = [choice.get("identifier", "") for choice in choices]
        if len(set(ids)) != len(ids) or not all(ids):
            raise self.fail("the simpleChoices need distinct, non-empty identifiers")
        self.choice_ids = set(ids)
        max_choices = self.whole(interaction.get("maxChoices", "1"), "maxChoices")
        min_choices = self.whole(interaction.get("minChoices", "0"), "minChoices")
        single = max_choices == 1
        if single != (declaration.cardinality == "single"):
            self.warn(
                f"maxChoices={max_choices} with a {declaration.cardinality} response: read as "
                f"{'single' if single else 'multiple'} response (maxChoices decides)"
            )
        question.type = QType.MULTICHOICE
        question.single = single
        question.shuffle = _boolean(interaction.get("shuffle"))
        if not single and max_choices != 0:
            self.extra["maxChoices"] = max_choices
        if min_choices:
            self.extra["minChoices"] = min_choices
        fixed = [index for index, c in enumerate(choices) if c.get("fixed") == "true"]
        if fixed:
            self.extra["fixed"] = fixed
        values = self.scores(declaration, ids, single)
        feedback = self.take_feedback(ids, numeric=False)
        question.answers = [
            Answer(self.html(self.inner(choice)), values[ids[index]])
            for index, choice in enumerate(choices)
        ]
        self.result_feedback(question, feedback, ids)
        for index, identifier in enumerate(ids):
            texts = feedback.get(identifier, [])
            if texts:
                question.answers[index].feedback = self.answer_feedback(texts)
        if single and len(choices) == 2:
            words = sorted(_plain_text(answer.text.text).lower() for answer in question.answers)
            if words == ["false", "true"]:
                question.type = QType.TRUEFALSE

    def result_feedback(
        self, question: QuizQuestion, feedback: dict[str, list[str]], keys: list[str]
    ) -> None:
        """Correct/incorrect feedback onto the answers of a single-response question."""
        correct, incorrect = feedback.pop("correct", []), feedback.pop("incorrect", [])
        if not correct and not incorrect:
            return
        single_answer = (QType.MULTICHOICE, QType.SHORTANSWER, QType.NUMERICAL)
        if not question.single or question.type not in single_answer:
            self.warn(
                "feedback for a correct or an incorrect response has no place in the "
                "interchange model for this question type: not kept"
            )
            return
        best = max((answer.fraction for answer in question.answers), default=0.0)
        for key, answer in zip(keys, question.answers, strict=True):
            if key in feedback:
                continue
            texts = correct if best > 0 and answer.fraction == best else incorrect
            if texts:
                feedback[key] = texts
        if incorrect and question.type is not QType.MULTICHOICE and "*" not in keys:
            question.answers.append(Answer(Text("*", TextFormat.PLAIN), 0.0))
            keys.append("*")
            feedback["*"] = incorrect
        self.warn(
            "feedback for a correct and an incorrect response is read as the feedback of "
            "each right and each wrong answer"
        )

    def scores(self, declaration: _Declaration, keys: list[str], single: bool) -> dict[str, float]:
        """Each answer's fraction, by the rules in the module's docstring."""
        processing = self.processing
        raw: dict[str, float]
        if processing.scored_by_branches:
            by_key = {branch.key: branch.score or 0.0 for branch in processing.branches}
            other = processing.otherwise.score if processing.otherwise else None
            raw = {key: by_key.get(key, other or 0.0) for key in keys}
            best = max(raw.values(), default=0.0)
            return self.fractions(raw, best)
        mode = self.mode(declaration)
        if mode == MAP_RESPONSE and declaration.mapping is not None:
            raw = {key: declaration.mapping.get(key, declaration.default) for key in keys}
            if single:
                raw = {key: _bounded(value, declaration) for key, value in raw.items()}
                best = max(raw.values(), default=0.0)
            else:
                best = sum(value for value in raw.values() if value > 0)
                if declaration.upper is not None:
                    best = min(best, declaration.upper)
                self.check_bounds(declaration)
            return self.fractions(raw, best)
        if mode == MATCH_CORRECT:
            right = [key for key in keys if key in declaration.correct]
            missing = [value for value in declaration.correct if value not in keys]
            if missing:
                self.warn(f"the correct response names no choice: {', '.join(missing)}")
            if single:
                if len(right) > 1:
                    self.warn("a single response with several correct values: the first counts")
                right = right[:1]
                return {key: 1.0 if key in right else 0.0 for key in keys}
            if right:
                self.extra["template"] = MATCH_CORRECT
                self.warn(
                    "all-or-nothing scoring (match_correct) of a multiple response is read as "
                    f"1/{len(right)} of the grade for each right choice; kept for writing QTI back"
                )
            share = _round(1 / len(right)) if right else 0.0
            return {key: share if key in right else 0.0 for key in keys}
        return dict.fromkeys(keys, 0.0)

    def mode(self, declaration: _Declaration) -> str | None:
        """How the item is scored: the template it names, else what it declares."""
        template = self.processing.template
        if template == MAP_RESPONSE and declaration.mapping is None:
            self.warn("map_response without a mapping: scored by the correct response")
            template = MATCH_CORRECT
        if template is None:
            template = MAP_RESPONSE if declaration.mapping is not None else MATCH_CORRECT
            if not declaration.correct and declaration.mapping is None:
                self.warn("the item declares no correct response: every answer scores 0")
                return None
            if not self.processing.present:
                self.warn(
                    f"the item has no response processing: scored as {template} "
                    "(by its declared mapping or correct response)"
                )
        return template

    def check_bounds(self, declaration: _Declaration) -> None:
        mapping = declaration.mapping or {}
        negative = any(value < 0 for value in [*mapping.values(), declaration.default])
        if declaration.lower is not None and declaration.lower < 0:
            self.warn(
                f"a total below 0 (lowerBound {_number(declaration.lower)}) is not kept: "
                "totals stop at 0"
            )
        elif declaration.lower is None and negative:
            self.warn("the mapping has no lowerBound, so totals may go below 0: not kept")

    def fractions(self, raw: dict[str, float], best: float) -> dict[str, float]:
        """Scores as shares of the item's maximum: the declared one, else the best score."""
        self.top = best if best > 0 else 0.0
        scale = self.declared_maximum() or (best if best > 0 else 1.0)
        return {key: _round(value / scale) for key, value in raw.items()}

    def declared_maximum(self) -> float | None:
        """``SCORE``'s ``normalMaximum``, else ``MAXSCORE``'s default value, when positive."""
        declared = self.outcomes.get(SCORE)
        if declared is not None and declared.get("normalMaximum") is not None:
            value = self.number(declared.get("normalMaximum"), "the normalMaximum")
            if value > 0:
                return value
        maximum = self.outcomes.get("MAXSCORE")
        if maximum is not None:
            values = [v for d in maximum if _local(d.tag) == "defaultValue" for v in d]
            if values:
                value = self.number(values[0].text, "the MAXSCORE default value")
                if value > 0:
                    return value
        return None

    def grade(self, question: QuizQuestion) -> float:
        declared = self.declared_maximum()
        if declared is not None:
            return declared
        if question.type is QType.DESCRIPTION:
            return 0.0
        top = self.top
        if self.processing.template == MATCH_CORRECT and self.processing.correct_score:
            top = self.processing.correct_score
        return top if top > 0 else 1.0

    def text_entry(self, interaction: Element, question: QuizQuestion) -> None:
        declaration = self.declarations[interaction.get("responseIdentifier", "")]
        numeric = declaration.base_type in ("float", "integer")
        question.type = QType.NUMERICAL if numeric else QType.SHORTANSWER
        if declaration.base_type not in ("float", "integer", "string"):
            self.warn(f"a text entry with baseType {declaration.base_type}: read as text")
        if interaction.get("expectedLength"):
            self.extra["expectedLength"] = self.whole(
                interaction.get("expectedLength"), "expectedLength"
            )
        answers: list[tuple[str, float, float | None, bool | None]] = []
        processing = self.processing
        if processing.scored_by_branches:
            for branch in processing.branches:
                answers.append((branch.key or "", branch.score or 0.0, branch.tolerance,
                                branch.case_sensitive))  # fmt: skip
            if processing.otherwise and (
                processing.otherwise.score or processing.otherwise.feedback
            ):
                answers.append(("*", processing.otherwise.score or 0.0, None, None))
            best = max((score for _, score, _, _ in answers), default=0.0)
        else:
            mode = self.mode(declaration)
            if mode == MAP_RESPONSE and declaration.mapping is not None:
                for key, mapped in declaration.mapping.items():
                    case = declaration.case_sensitive.get(key)
                    answers.append((key, _bounded(mapped, declaration), 0.0, case))
                if declaration.default:
                    answers.append(("*", _bounded(declaration.default, declaration), None, None))
                for value in declaration.correct:
                    if value not in declaration.mapping:
                        self.warn(f"the correct response {value!r} is not in the mapping: ignored")
            elif mode == MATCH_CORRECT:
                if len(declaration.correct) > 1 and declaration.cardinality == "single":
                    self.warn("a single response with several correct values: the first counts")
                for value in declaration.correct[:1]:
                    answers.append((value, 1.0, 0.0, True))
            best = max((score for _, score, _, _ in answers), default=0.0)
        raw = {str(index): score for index, (_, score, _, _) in enumerate(answers)}
        fractions = self.fractions(raw, best)
        cases = {case for key, _, _, case in answers if case is not None and key != "*"}
        if not numeric and True in cases:
            if False in cases:
                self.warn("some answers are case-sensitive and some not: read as case-sensitive")
            self.extra["caseSensitive"] = True
        keys = [key for key, _, _, _ in answers]
        feedback = self.take_feedback(keys, numeric)
        for index, (key, _, tolerance, _) in enumerate(answers):
            answer = Answer(Text(key, TextFormat.PLAIN), fractions[str(index)])
            if numeric and key != "*":
                answer.value = self.number(key, "the numerical answer")
                answer.tolerance = tolerance if tolerance is not None else 0.0
            question.answers.append(answer)
        keys = [_key(key, numeric) for key in keys]
        self.result_feedback(question, feedback, keys)
        for index, key in enumerate(keys):
            texts = feedback.get(key, [])
            if texts:
                question.answers[index].feedback = self.answer_feedback(texts)
        # "Any other answer" worth nothing and saying nothing is no answer at all.
        question.answers = [
            answer
            for answer in question.answers
            if answer.text.text != "*" or answer.fraction or answer.feedback
        ]

    def essay(self, interaction: Element, question: QuizQuestion) -> None:
        question.type = QType.ESSAY
        declaration = self.declarations[interaction.get("responseIdentifier", "")]
        settings = {
            name: interaction.get(name)
            for name in ("expectedLines", "expectedLength", "format")
            if interaction.get(name) is not None
        }
        if settings:
            self.extra["essay"] = settings
        if declaration.correct:
            self.extra["sample"] = declaration.correct
            self.warn("the essay's sample answer (correctResponse) is kept only for QTI")
        feedback = self.take_feedback([], numeric=False)
        if feedback:
            self.warn("conditional feedback of an essay is not kept")

    def order(self, interaction: Element, question: QuizQuestion) -> None:
        question.type = QType.ORDERING
        declaration = self.declarations[interaction.get("responseIdentifier", "")]
        choices = [c for c in interaction if _local(c.tag) == "simpleChoice"]
        if not choices:
            raise self.fail("the orderInteraction has no simpleChoice")
        by_id = {choice.get("identifier", ""): choice for choice in choices}
        if len(by_id) != len(choices) or "" in by_id:
            raise self.fail("the simpleChoices need distinct, non-empty identifiers")
        question.shuffle = _boolean(interaction.get("shuffle"))
        unknown = [value for value in declaration.correct if value not in by_id]
        if unknown:
            raise self.fail(f"the correct order names unknown choices: {', '.join(unknown)}")
        if len(set(declaration.correct)) != len(declaration.correct):
            raise self.fail("the correct order names a choice twice")
        if not declaration.correct:
            self.warn("the orderInteraction has no correct order: the choices are kept as shown")
        ordered = declaration.correct or list(by_id)
        question.order = [self.html(self.inner(by_id[key])) for key in ordered]
        rest = [key for key in by_id if key not in ordered]
        if rest:
            self.extra["distractors"] = [self.inner(by_id[key]) for key in rest]
            self.warn(f"{len(rest)} choice(s) are in no correct position: kept only for QTI")
        shown = [[*ordered, *rest].index(key) for key in by_id]
        if shown != list(range(len(shown))):
            self.extra["display"] = shown
        for name in ("maxChoices", "minChoices"):
            if interaction.get(name) is not None:
                self.extra[name] = self.whole(interaction.get(name), name)
        self.mode(declaration)
        if self.processing.template == MAP_RESPONSE:
            self.warn("map_response scoring of an order is read as all-or-nothing")
        if self.take_feedback([], numeric=False):
            self.warn("conditional feedback of an ordering question is not kept")

    def matching(self, interaction: Element, question: QuizQuestion) -> None:
        question.type = QType.MATCHING
        declaration = self.declarations[interaction.get("responseIdentifier", "")]
        question.shuffle = _boolean(interaction.get("shuffle"))
        if _local(interaction.tag) == "matchInteraction":
            sets = [s for s in interaction if _local(s.tag) == "simpleMatchSet"]
            if len(sets) != 2:
                raise self.fail("a matchInteraction needs exactly two simpleMatchSets")
            sources = [c for c in sets[0] if _local(c.tag) == "simpleAssociableChoice"]
            targets = [c for c in sets[1] if _local(c.tag) == "simpleAssociableChoice"]
        else:
            self.extra["interaction"] = "associateInteraction"
            sources = [c for c in interaction if _local(c.tag) == "simpleAssociableChoice"]
            targets = sources
        choices = {c.get("identifier", ""): c for c in [*sources, *targets]}
        pairs_text = declaration.correct
        if not pairs_text and declaration.mapping:
            pairs_text = [key for key, value in declaration.mapping.items() if value > 0]
        pairs: list[tuple[str, str]] = []
        for value in pairs_text:
            parts = value.split()
            if len(parts) != 2 or parts[0] not in choices or parts[1] not in choices:
                raise self.fail(f"the pair {value!r} does not name two choices of the item")
            pairs.append((parts[0], parts[1]))
        mode = self.mode(declaration)
        if mode == MATCH_CORRECT and len(pairs) > 1:
            self.extra["template"] = MATCH_CORRECT
            self.warn(
                "all-or-nothing scoring (match_correct) of a matching is read as an equal "
                "share per pair; kept for writing QTI back"
            )
        elif mode == MAP_RESPONSE and declaration.mapping is not None:
            self.check_pair_scores(declaration, pairs_text)
            top = sum(declaration.mapping.get(pair, declaration.default) for pair in pairs_text)
            self.top = min(top, declaration.upper) if declaration.upper is not None else top
        for left, right in pairs:
            question.pairs.append(
                MatchPair(
                    self.html(self.inner(choices[left])), _plain_text(self.inner(choices[right]))
                )
            )
            self.rich_right(choices[right])
        paired = {key for pair in pairs for key in pair}
        lefts = {left for left, _ in pairs}
        unmatched = [c for c in sources if c.get("identifier") not in paired]
        if _local(interaction.tag) == "matchInteraction":
            if unmatched:
                self.extra["unmatched"] = [self.inner(choice) for choice in unmatched]
                self.warn(f"{len(unmatched)} left-hand choice(s) match nothing: kept only for QTI")
            spare = [c for c in targets if c.get("identifier") not in paired]
        else:
            spare = [c for c in sources if c.get("identifier") not in paired | lefts]
        for choice in spare:
            question.pairs.append(
                MatchPair(Text("", TextFormat.HTML), _plain_text(self.inner(choice)))
            )
            self.rich_right(choice)
        if self.take_feedback([], numeric=False):
            self.warn("conditional feedback of a matching question is not kept")

    def check_pair_scores(self, declaration: _Declaration, pairs: list[str]) -> None:
        mapping = declaration.mapping or {}
        right = {mapping.get(pair, declaration.default) for pair in pairs}
        if len(right) > 1:
            self.warn("the pairs score differently: read as an equal share per pair")
        wrong = [value for key, value in mapping.items() if key not in pairs and value]
        if wrong or declaration.default:
            self.warn("scores for wrong pairs are not kept")

    def rich_right(self, choice: Element) -> None:
        if len(choice):
            self.warn("formatting in a right-hand matching choice is not kept (plain text)")

    # -- texts ------------------------------------------------------------------------------

    def body_text(self, primary: Element | None, kept: list[Element]) -> str:
        for interaction in kept:
            _remove(interaction, self.parents, prune=True)
        if primary is not None:
            name = _local(primary.tag)
            if name == "textEntryInteraction":
                _replace_with_text(primary, self.parents, BLANK)
            else:
                prompt = next((c for c in primary if _local(c.tag) == "prompt"), None)
                if prompt is not None and (len(prompt) or (prompt.text or "").strip()):
                    paragraph = Element(f"{{{QTI_NS}}}p")
                    paragraph.text = prompt.text
                    paragraph.extend(list(prompt))
                    _replace_with_element(primary, self.parents, paragraph)
                else:
                    _remove(primary, self.parents, prune=True)
        text = self.inner(self.body)
        if _inline_content(self.body):
            self.warn("the item body holds text outside block elements: read inside a <div>")
            return f"<div>{text}</div>"
        return text

    def inner(self, element: Element) -> str:
        """An element's content as HTML, links to package files as ``@@PLUGINFILE@@`` URLs."""
        if self.files:
            for each in element.iter():
                for name in _URL_ATTRIBUTES & set(each.attrib):
                    each.set(name, self.file_url(each.get(name, "")))
        return _inner(element)

    def file_url(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("/", "#")) or not parts.path:
            return url
        path = posixpath.normpath(unquote(parts.path))
        if path in self.files:
            return f"{PLUGINFILE}/{quote(path)}" + (f"#{parts.fragment}" if parts.fragment else "")
        return url

    def html(self, text: str) -> Text:
        return Text(text, TextFormat.HTML)


# -- element helpers --------------------------------------------------------------------------


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _is_qti(namespace: str) -> bool:
    return namespace == "" or "imsglobal.org/xsd/imsqti" in namespace


def _descendants(element: Element, name: str) -> Iterator[Element]:
    return (each for each in element.iter() if _local(each.tag) == name)


def _interactions(element: Element) -> Iterator[Element]:
    """Interactions in document order, without looking inside an interaction."""
    stack = list(reversed(list(element)))
    while stack:
        current = stack.pop()
        if _local(current.tag).endswith("Interaction"):
            yield current
        else:
            stack.extend(reversed(list(current)))


def _ancestors(element: Element, parents: dict[Element, Element]) -> Iterator[Element]:
    while element in parents:
        element = parents[element]
        yield element


def _check_depth(root: Element, where: Location) -> None:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FormatError(f"the XML nests deeper than {MAX_DEPTH} elements", where)
        stack.extend((child, depth + 1) for child in element)


def _only_child(element: Element) -> Element | None:
    children = list(element)
    return children[0] if len(children) == 1 else None


def _identifier_value(expression: Element | None, outcome: str) -> str | None:
    """The identifier an outcome is set to: a ``baseValue``, or ``multiple(variable, value)``."""
    if expression is None:
        return None
    if _local(expression.tag) == "baseValue":
        return (expression.text or "").strip()
    if _local(expression.tag) == "multiple":
        parts = list(expression)
        values = [p for p in parts if _local(p.tag) == "baseValue"]
        others = [p for p in parts if _local(p.tag) != "baseValue"]
        if len(values) == 1 and all(
            _local(p.tag) == "variable" and p.get("identifier") == outcome for p in others
        ):
            return (values[0].text or "").strip()
    return None


def _is_null_test(test: Element, response: str) -> bool:
    operand = _only_child(test)
    return (
        _local(test.tag) == "isNull"
        and operand is not None
        and _local(operand.tag) == "variable"
        and operand.get("identifier") == response
    )


def _is_correct_test(test: Element, response: str) -> bool:
    operands = list(test)
    return (
        _local(test.tag) == "match"
        and len(operands) == 2
        and {_local(o.tag) for o in operands} == {"variable", "correct"}
        and all(o.get("identifier") == response for o in operands)
    )


def _maps_response(action: Element, response: str) -> bool:
    expression = _only_child(action)
    return (
        _local(action.tag) == "setOutcomeValue"
        and action.get("identifier") == SCORE
        and expression is not None
        and _local(expression.tag) == "mapResponse"
        and expression.get("identifier") == response
    )


def _remove(element: Element, parents: dict[Element, Element], prune: bool = False) -> None:
    """Take ``element`` out, keeping its tail text; with ``prune``, empty parents go too."""
    parent = parents.get(element)
    if parent is None:
        return
    _splice(parent, element, element.tail or "")
    if (
        prune
        and parent in parents
        and not len(parent)
        and not (parent.text or "").strip()
        and _local(parent.tag) not in _VOID
    ):
        _remove(parent, parents, prune=True)


def _replace_with_text(element: Element, parents: dict[Element, Element], text: str) -> None:
    parent = parents.get(element)
    if parent is None:
        return
    _splice(parent, element, text + (element.tail or ""))
    # A blank alone in its paragraph leaves no trace in the text: the box follows the text.
    if parent in parents and not len(parent) and (parent.text or "").strip() == text:
        parent.text = ""
        _remove(parent, parents, prune=True)


def _replace_with_element(element: Element, parents: dict[Element, Element], new: Element) -> None:
    parent = parents[element]
    index = list(parent).index(element)
    new.tail = element.tail
    parent[index] = new
    parents[new] = parent


def _splice(parent: Element, element: Element, text: str) -> None:
    children = list(parent)
    index = children.index(element)
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        before = children[index - 1]
        before.tail = (before.tail or "") + text
    parent.remove(element)


def _xml_base(resource: Element, parents: dict[Element, Element]) -> str:
    """The folder ``xml:base`` attributes on the resource and its ancestors give its hrefs."""
    chain = [resource, *_ancestors(resource, parents)]
    base = ""
    for element in reversed(chain):
        value = element.get(f"{{{XML_NS}}}base")
        if value:
            base = posixpath.join(base, value)
    return base


def _member(base: str, href: str) -> str | None:
    """The zip member an href names, or None when it points outside the package."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    if path.startswith(("../", "/")) or path == "..":
        return None
    return path


def _opening_lines(data: bytes, name: str) -> list[int]:
    """The lines on which ``<name`` (with any prefix) opens, in document order."""
    pattern = r"<(?:[A-Za-z_][\w.-]*:)?" + re.escape(name) + r"(?=[\s/>])"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "replace")
        return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(pattern, text)]
    return [data.count(b"\n", 0, m.start()) + 1 for m in re.finditer(pattern.encode("ascii"), data)]


def _boolean(value: str | None) -> bool:
    return (value or "").strip() in ("true", "1")


def _bounded(value: float, declaration: _Declaration) -> float:
    if declaration.upper is not None:
        value = min(value, declaration.upper)
    if declaration.lower is not None:
        value = max(value, declaration.lower)
    return value


def _round(value: float) -> float:
    return round(value, DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _key(key: str, numeric: bool) -> str:
    """Answers by value: numbers compare as numbers ("2.50" is "2.5")."""
    if numeric and key not in ("*", "correct", "incorrect"):
        try:
            return repr(float(key))
        except ValueError:
            return key
    return key


def _plain_text(markup: str) -> str:
    """Text without tags and with whitespace collapsed."""
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    return " ".join("".join(parser.parts).split())


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


# -- serializing parsed XML -------------------------------------------------------------------


def _inner(element: Element) -> str:
    namespace = _effective(_namespace(element.tag) if isinstance(element.tag, str) else "")
    text = _escape(element.text or "")
    text += "".join(_serialize(child, namespace) for child in element)
    return text.strip()


def _effective(namespace: str) -> str:
    return "" if _is_qti(namespace) else namespace


def _serialize(element: Element, parent_namespace: str, depth: int | None = None) -> str:
    """An element as XML: QTI (and unqualified) elements without a prefix, others with xmlns.

    With a ``depth``, the children of structural QTI elements (declarations, rules, the
    scaffolding of interactions) go on lines of their own, indented; content never changes.
    """
    if not isinstance(element.tag, str):
        return _escape(element.tail or "")
    namespace = _effective(_namespace(element.tag))
    name = _local(element.tag)
    attributes: list[tuple[str, str]] = []
    if namespace != parent_namespace:
        attributes.append(("xmlns", namespace))
    declared: dict[str, str] = {}
    for key, value in element.attrib.items():
        attribute_namespace = _namespace(key)
        if not attribute_namespace:
            attributes.append((key, value))
            continue
        prefix = _PREFIXES.get(attribute_namespace)
        if prefix is None:
            prefix = declared.get(attribute_namespace) or f"ns{len(declared) + 1}"
        if prefix != "xml" and attribute_namespace not in declared:
            declared[attribute_namespace] = prefix
            attributes.append((f"xmlns:{prefix}", attribute_namespace))
        attributes.append((f"{prefix}:{_local(key)}", value))
    start = name + "".join(f' {key}="{_escape_attribute(value)}"' for key, value in attributes)
    layout = (
        depth is not None
        and name in _STRUCTURAL
        and len(element)
        and not (element.text or "").strip()
        and not any((child.tail or "").strip() for child in element)
    )
    if layout and depth is not None:
        pad = "\n" + "  " * (depth + 1)
        content = "".join(pad + _serialize(_tailless(c), namespace, depth + 1) for c in element)
        content += "\n" + "  " * depth
    else:
        content = _escape(element.text or "") + "".join(
            _serialize(child, namespace) for child in element
        )
    if not content and (name in _VOID or name.endswith("Interaction") or name in _EMPTY_QTI):
        markup = f"<{start}/>"
    else:
        markup = f"<{start}>{content}</{name}>"
    return markup + _escape(element.tail or "")


def _tailless(element: Element) -> Element:
    if element.tail is None:
        return element
    copied = copy.copy(element)
    copied.tail = None
    return copied


def _pretty(markup: str, depth: int) -> str:
    """Our own well-formed QTI markup, laid out on indented lines (see :func:`_serialize`)."""
    parsed = _well_formed(markup)
    if parsed is None:
        return markup
    return "\n".join(_serialize(_tailless(child), "", depth) for child in parsed[0])


_STRUCTURAL = {
    "responseDeclaration", "correctResponse", "mapping", "outcomeDeclaration", "defaultValue",
    "responseCondition", "responseIf", "responseElseIf", "responseElse", "setOutcomeValue",
    "match", "equal", "stringMatch", "isNull", "choiceInteraction", "orderInteraction",
    "matchInteraction", "associateInteraction", "simpleMatchSet",
}  # fmt: skip

_EMPTY_QTI = {
    "value", "mapEntry", "variable", "correct", "mapResponse", "baseValue", "file",
    "responseDeclaration", "outcomeDeclaration", "mapping", "correctResponse", "prompt",
    "areaMapEntry", "printedVariable", "dependency",
}  # fmt: skip


def _escape(text: str) -> str:
    return _BAD_CHARS.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    return (
        _escape(text)
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


# -- writing --------------------------------------------------------------------------------


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[Warning]]:
    """A QTI 2.1 content package (zip): one item file per question and an imsmanifest.xml."""
    warnings: list[Warning] = []
    files: dict[str, bytes] = {}
    resources: list[str] = []
    used: set[str] = set()
    for number, question in enumerate(questions, 1):
        label = question.name or f"#{number}"
        writer = _ItemWriter(question, label, warnings)
        identifier = _unique(writer.identifier(number), used)
        item = writer.item(identifier)
        if item is None:
            continue
        folder = f"{identifier}/" if question.attachments else ""
        href = f"{folder}{identifier}.xml"
        files[href] = item.encode("utf-8")
        listed = [href]
        for path, data in writer.files.items():
            files[folder + path] = data
            listed.append(folder + path)
        resources.append(_resource(identifier, href, listed, question, writer.sources))
    files = {MANIFEST: _manifest(resources).encode("utf-8"), **files}
    return _zip(files), warnings


def _unique(identifier: str, used: set[str]) -> str:
    candidate, number = identifier, 2
    while candidate.lower() in used:
        candidate = f"{identifier}-{number}"
        number += 1
    used.add(candidate.lower())
    return candidate


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _manifest(resources: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest xmlns="{CP_NS}" xmlns:xsi="{XSI_NS}" identifier="MANIFEST-pmpath"'
        f' xsi:schemaLocation="{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd">\n'
        "  <metadata>\n    <schema>QTIv2.1 Package</schema>\n"
        "    <schemaversion>1.0.0</schemaversion>\n  </metadata>\n"
        "  <organizations/>\n  <resources>\n" + "".join(resources) + "  </resources>\n"
        "</manifest>\n"
    )


def _resource(
    identifier: str,
    href: str,
    files: list[str],
    question: QuizQuestion,
    sources: list[tuple[str, str]],
) -> str:
    lines = [
        f'    <resource identifier="{_escape_attribute(identifier)}" type="{ITEM_RESOURCE}"'
        f' href="{_escape_attribute(quote(href))}">\n'
    ]
    metadata = _lom(question) + _markdown_sources(sources)
    if metadata:
        lines.append(f"      <metadata>\n{metadata}      </metadata>\n")
    lines += [f'      <file href="{_escape_attribute(quote(path))}"/>\n' for path in files]
    lines.append("    </resource>\n")
    return "".join(lines)


def _lom(question: QuizQuestion) -> str:
    """Tags as LOM keywords and the category as a LOM classification of the resource."""
    if not question.tags and not question.category:
        return ""
    parts = [f'        <lom xmlns="{LOM_NS}">\n']
    if question.tags:
        parts.append("          <general>\n")
        parts += [
            f"            <keyword><string>{_escape(tag)}</string></keyword>\n"
            for tag in question.tags
        ]
        parts.append("          </general>\n")
    if question.category:
        parts.append(
            "          <classification>\n            <purpose><source>LOMv1.0</source>"
            "<value>discipline</value></purpose>\n            <taxonPath>\n"
            "              <source><string>pmpath category</string></source>\n"
        )
        parts += [
            f"              <taxon><entry><string>{_escape(part)}</string></entry></taxon>\n"
            for part in question.category.split("/")
            if part
        ]
        parts.append("            </taxonPath>\n          </classification>\n")
    parts.append("        </lom>\n")
    return "".join(parts)


def _markdown_sources(sources: list[tuple[str, str]]) -> str:
    """The Markdown a text was rendered from, so that pmpath can read it back unchanged.

    IMS content packaging lets a resource's metadata hold elements of other namespaces; QTI
    2.1 bodies are XHTML, which keeps the rendering for every other tool.
    """
    if not sources:
        return ""
    texts = "".join(
        f'          <text path="{path}">{_escape(source).replace(chr(13), "&#13;")}</text>\n'
        for path, source in sources
    )
    return f'        <markdown xmlns="{MARKDOWN_NS}">\n{texts}        </markdown>\n'


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _ItemWriter:
    """One question as an ``assessmentItem`` document."""

    def __init__(self, question: QuizQuestion, label: str, warnings: list[Warning]) -> None:
        self.q = question
        self.label = label
        self.warnings = warnings
        raw = question.extra.get(KEY)
        self.extra: dict[str, Any] = raw if isinstance(raw, dict) else {}
        self.files: dict[str, bytes] = {}
        self.response = str(self.extra.get("response") or RESPONSE)
        self.declarations: list[str] = []
        self.outcomes: list[str] = []
        self.rules: list[str] = []
        self.template: str | None = None
        self.modal: list[str] = []
        self.grade = question.default_grade
        #: Markdown sources of the texts written as HTML, by their place in the question.
        self.sources: list[tuple[str, str]] = []

    def warn(self, message: str) -> None:
        self.warnings.append(Warning(message, question=self.label))

    def attach(self) -> None:
        """The attachments, by their path in the package relative to the item file."""
        for attachment in self.q.attachments:
            path = posixpath.normpath(posixpath.join(attachment.path.strip("/"), attachment.name))
            if not attachment.name or path.startswith(("..", "/")) or "/" in attachment.name:
                self.warn(f"the attachment {attachment.name!r} has an unsafe name: left out")
                continue
            self.files[path] = attachment.data

    def identifier(self, number: int) -> str:
        wanted = self.q.id_number or self.q.name or ""
        identifier = re.sub(r"[^\w.-]+", "-", wanted.strip()).strip("-.")
        if identifier and not _NAME.fullmatch(identifier):
            identifier = f"item-{identifier}"
        if self.q.id_number and identifier != self.q.id_number:
            self.warn(f"the id number {self.q.id_number!r} is written as {identifier!r}")
        return identifier or f"item-{number}"

    # -- the document ---------------------------------------------------------------------

    def item(self, identifier: str) -> str | None:
        q = self.q
        if q.type is QType.CLOZE:
            self.warn("cloze questions cannot be written to QTI 2.1 by pmpath: left out")
            return None
        self.check_unwritten()
        self.attach()
        if self.grade <= 0 and q.type is not QType.DESCRIPTION:
            self.warn(f"the grade {q.default_grade} is written as 1")
            self.grade = 1.0
        body = self.fragment(q.text, block=True, path="text")
        interaction = ""
        kind = q.type
        if kind in (QType.MULTICHOICE, QType.TRUEFALSE) and not q.answers:
            self.warn("a choice question without answers is written as text only")
            kind = QType.DESCRIPTION
        if kind in (QType.MULTICHOICE, QType.TRUEFALSE):
            interaction = self.choice()
        elif kind in (QType.SHORTANSWER, QType.NUMERICAL):
            interaction, body = self.text_entry(body)
        elif kind is QType.ESSAY:
            interaction = self.essay()
        elif kind is QType.ORDERING:
            interaction = self.order()
        elif kind is QType.MATCHING:
            interaction = self.matching()
        self.declarations += [str(text) for text in self.extra.get("declarations", [])]
        kept = "".join(f"\n    {_block(str(text))}" for text in self.extra.get("kept", []))
        if kind is not QType.DESCRIPTION or self.grade > 0:
            self.outcomes.insert(
                0,
                f'<outcomeDeclaration identifier="{SCORE}" cardinality="single" '
                f'baseType="float" normalMaximum="{_number(self.grade)}">'
                "<defaultValue><value>0</value></defaultValue></outcomeDeclaration>",
            )
        if q.general_feedback:
            self.feedback_outcome("single")
            self.modal.append(
                f'<modalFeedback outcomeIdentifier="{FEEDBACK}" identifier="{GENERAL}" '
                f'showHide="hide">{self.fragment(q.general_feedback, path="general_feedback")}'
                "</modalFeedback>"
            )
        title = q.name or identifier
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<assessmentItem xmlns="{QTI_NS}" xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{QTI_NS}'
            ' http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"'
            f' identifier="{_escape_attribute(identifier)}" title="{_escape_attribute(title)}"'
            ' adaptive="false" timeDependent="false">\n',
            *(f"  {_pretty(text, 1)}\n" for text in self.declarations),
            *(f"  {_pretty(text, 1)}\n" for text in self.outcomes),
            f"  <itemBody>\n    {body}",
            f"\n    {_pretty(interaction, 2)}" if interaction else "",
            kept,
            "\n  </itemBody>\n",
        ]
        if self.template is not None and not self.rules:
            parts.append(f'  <responseProcessing template="{TEMPLATE_BASE}{self.template}"/>\n')
        elif self.rules:
            parts.append("  <responseProcessing>\n")
            parts += [f"    {_pretty(rule, 2)}\n" for rule in self.rules]
            parts.append("  </responseProcessing>\n")
        parts += [f"  {text}\n" for text in self.modal]
        parts.append("</assessmentItem>\n")
        return "".join(parts)

    def check_unwritten(self) -> None:
        q = self.q
        if q.hints:
            self.warn(f"{len(q.hints)} hint(s) are not written (QTI 2.1 hints need adaptive items)")
        if q.penalty is not None:
            self.warn("the penalty for each wrong try is not written")
        if q.blanks:
            self.warn("embedded sub-questions are not written")
        if any(pair.feedback for pair in q.pairs):
            self.warn("feedback on matching pairs is not written")
        if q.type in (QType.ORDERING, QType.MATCHING, QType.ESSAY) and q.answers:
            self.warn(f"answers of a {q.type} question are not written")
        foreign = sorted(key for key in q.extra if key != KEY)
        if foreign:
            self.warn(
                f"extra values QTI 2.1 has no place for are not written: {', '.join(foreign)}"
            )

    def feedback_outcome(self, cardinality: str) -> None:
        declaration = (
            f'<outcomeDeclaration identifier="{FEEDBACK}" cardinality="{cardinality}" '
            'baseType="identifier"/>'
        )
        if not any(f'identifier="{FEEDBACK}"' in text for text in self.outcomes):
            self.outcomes.append(declaration)

    # -- texts ------------------------------------------------------------------------------

    def fragment(self, text: Text | None, block: bool = False, path: str | None = None) -> str:
        """A text as a well-formed XHTML fragment; a Markdown source is kept under ``path``."""
        if text is None or not text.text:
            return ""
        fragment, problems = _fragment(Text(self.links(text.text), text.format), block)
        for problem in problems:
            self.warn(problem)
        if path is not None and text.format is TextFormat.MARKDOWN:
            self.sources.append((path, text.text))
        return fragment

    def links(self, value: str) -> str:
        """``@@PLUGINFILE@@`` links as paths relative to the item file (the package keeps both)."""
        return _PLUGINFILE_URL.sub(lambda match: quote(unquote(match.group(1))), value)

    # -- interactions -----------------------------------------------------------------------

    def choice(self) -> str:
        q = self.q
        single = q.single or q.type is QType.TRUEFALSE
        words = [_plain_text(answer.text.text).lower() for answer in q.answers]
        if q.type is QType.TRUEFALSE and sorted(words) == ["false", "true"]:
            ids = words
        else:
            ids = [_letters(index) for index in range(len(q.answers))]
        fractions = [answer.fraction for answer in q.answers]
        right = [key for key, fraction in zip(ids, fractions, strict=True) if fraction > 0]
        best = max(fractions)
        if single:
            template = (
                MATCH_CORRECT
                if fractions.count(1.0) == 1 and all(f in (0.0, 1.0) for f in fractions)
                else MAP_RESPONSE
            )
            correct = [ids[fractions.index(best)]] if best > 0 else []
        else:
            share = _round(1 / len(right)) if right else 0.0
            template = (
                MATCH_CORRECT
                if self.extra.get("template") == MATCH_CORRECT
                and right
                and all(f == (share if f > 0 else 0.0) for f in fractions)
                else MAP_RESPONSE
            )
            correct = right
        cardinality = "single" if single else "multiple"
        mapping = ""
        if template == MAP_RESPONSE:
            bounds = "" if single else f' lowerBound="0" upperBound="{_number(self.grade)}"'
            mapping = (
                f'<mapping defaultValue="0"{bounds}>'
                + "".join(
                    f'<mapEntry mapKey="{key}" mappedValue="{_number(fraction * self.grade)}"'
                    ' caseSensitive="true"/>'
                    for key, fraction in zip(ids, fractions, strict=True)
                    if fraction
                )
                + "</mapping>"
            )
        self.declare("identifier", cardinality, correct, mapping)
        feedback = [answer.feedback for answer in q.answers]
        self.score(template, echo=any(feedback), cardinality=cardinality)
        for index, (key, text) in enumerate(zip(ids, feedback, strict=True)):
            if text:
                self.modal.append(
                    f'<modalFeedback outcomeIdentifier="{FEEDBACK}" identifier="{key}" '
                    f'showHide="show">{self.fragment(text, path=f"answers/{index}/feedback")}'
                    "</modalFeedback>"
                )
        fixed = set(self.extra.get("fixed", []))
        choices = "".join(
            f'<simpleChoice identifier="{key}"'
            + (' fixed="true"' if index in fixed else "")
            + f">{self.fragment(answer.text, path=f'answers/{index}/text')}</simpleChoice>"
            for index, (key, answer) in enumerate(zip(ids, q.answers, strict=True))
        )
        shuffle = q.shuffle if q.shuffle is not None else q.type is not QType.TRUEFALSE
        max_choices = 1 if single else int(self.extra.get("maxChoices", 0))
        minimum = self.extra.get("minChoices")
        return (
            f'<choiceInteraction responseIdentifier="{self.response}" '
            f'shuffle="{_bool(shuffle)}" maxChoices="{max_choices}"'
            + (f' minChoices="{int(minimum)}"' if minimum else "")
            + f">{choices}</choiceInteraction>"
        )

    def declare(self, base_type: str, cardinality: str, correct: list[str], inner: str) -> None:
        values = "".join(f"<value>{_escape(value)}</value>" for value in correct)
        content = (f"<correctResponse>{values}</correctResponse>" if correct else "") + inner
        start = (
            f'<responseDeclaration identifier="{self.response}" cardinality="{cardinality}" '
            f'baseType="{base_type}"'
        )
        self.declarations.append(
            f"{start}>{content}</responseDeclaration>" if content else f"{start}/>"
        )

    def score(self, template: str, echo: bool = False, cardinality: str = "single") -> None:
        """The response processing: a template when it says it all, else written-out rules."""
        self.template = template
        needs_rules = (
            echo or self.response != RESPONSE or (template == MATCH_CORRECT and self.grade != 1)
        )
        if not needs_rules:
            return
        variable = f'<variable identifier="{self.response}"/>'
        if template == MATCH_CORRECT:
            self.rules.append(
                "<responseCondition><responseIf>"
                f'<match>{variable}<correct identifier="{self.response}"/></match>'
                f"{_set_score(self.grade)}</responseIf>"
                f"<responseElse>{_set_score(0)}</responseElse></responseCondition>"
            )
        else:
            self.rules.append(
                f"<responseCondition><responseIf><isNull>{variable}</isNull>{_set_score(0)}"
                f'</responseIf><responseElse><setOutcomeValue identifier="{SCORE}">'
                f'<mapResponse identifier="{self.response}"/></setOutcomeValue>'
                "</responseElse></responseCondition>"
            )
        if echo:
            self.feedback_outcome(cardinality)
            self.rules.append(
                f'<setOutcomeValue identifier="{FEEDBACK}">{variable}</setOutcomeValue>'
            )

    def text_entry(self, body: str) -> tuple[str, str]:
        q = self.q
        numeric = q.type is QType.NUMERICAL
        answers: list[tuple[str, Answer]] = []
        star: Answer | None = None
        for answer in q.answers:
            key = answer.text.text.strip()
            if key == "*":
                star = answer
                continue
            if numeric:
                written = _float(key)
                if answer.value is not None and written != answer.value:
                    key = _number(answer.value)
                elif written is None:
                    self.warn(f"the answer {key!r} is not a number: left out")
                    continue
            elif "*" in key:
                self.warn(f"the wildcard in {key!r} is written as a literal *")
            answers.append((key, answer))
        if not answers and not star:
            self.warn("a question without answers is written without scoring")
        case = bool(self.extra.get("caseSensitive", False))
        tolerant = numeric and any(answer.tolerance for _, answer in answers)
        with_feedback = any(answer.feedback for _, answer in answers) or bool(
            star and star.feedback
        )
        ranked = sorted(answers, key=lambda pair: -pair[1].fraction)
        correct = [ranked[0][0]] if ranked and ranked[0][1].fraction > 0 else []
        base = "float" if numeric else "string"
        if tolerant or with_feedback:
            self.declare(base, "single", correct, "")
            self.answer_rules(answers, star, numeric, case)
        elif answers or star:
            default = star.fraction * self.grade if star else 0
            entries = "".join(
                f'<mapEntry mapKey="{_escape_attribute(key)}" '
                f'mappedValue="{_number(answer.fraction * self.grade)}" '
                f'caseSensitive="{_bool(case or numeric)}"/>'
                for key, answer in answers
            )
            mapping = f'<mapping defaultValue="{_number(default)}">{entries}</mapping>'
            self.declare(base, "single", correct, mapping)
            self.score(MAP_RESPONSE)
        else:
            self.declare(base, "single", [], "")
        length = self.extra.get("expectedLength")
        interaction = f'<textEntryInteraction responseIdentifier="{self.response}"' + (
            f' expectedLength="{int(length)}"/>' if isinstance(length, int) else "/>"
        )
        if len(_LONE_BLANK.findall(body)) == 1 and (tree := _well_formed(body)) is not None:
            root = tree[0]
            if sum(len(_LONE_BLANK.findall(t)) for t in _texts(root)) == 1:
                return "", _LONE_BLANK.sub(lambda _: interaction, body, count=1)
        return f"<p>{interaction}</p>", body

    def answer_rules(
        self, answers: list[tuple[str, Answer]], star: Answer | None, numeric: bool, case: bool
    ) -> None:
        variable = f'<variable identifier="{self.response}"/>'
        branches = [f"<responseIf><isNull>{variable}</isNull>{_set_score(0)}</responseIf>"]
        for index, (key, answer) in enumerate(answers):
            kind = "float" if numeric else "string"
            value = f'<baseValue baseType="{kind}">{_escape(key)}</baseValue>'
            if numeric and answer.tolerance:
                tolerance = _number(answer.tolerance)
                test = (
                    f'<equal toleranceMode="absolute" tolerance="{tolerance} {tolerance}">'
                    f"{variable}{value}</equal>"
                )
            elif numeric:
                test = f'<equal toleranceMode="exact">{variable}{value}</equal>'
            else:
                test = f'<stringMatch caseSensitive="{_bool(case)}">{variable}{value}</stringMatch>'
            actions = self.actions(answer, f"FB{index + 1}", index)
            branches.append(f"<responseElseIf>{test}{actions}</responseElseIf>")
        if star is not None:
            actions = self.actions(star, "FB0", len(answers))
            branches.append(f"<responseElse>{actions}</responseElse>")
        self.template = None
        self.rules.append(f"<responseCondition>{''.join(branches)}</responseCondition>")

    def actions(self, answer: Answer, feedback_id: str, index: int) -> str:
        """Score and feedback of the answer read back as ``answers[index]``."""
        actions = _set_score(answer.fraction * self.grade)
        if answer.feedback:
            self.feedback_outcome("single")
            actions += (
                f'<setOutcomeValue identifier="{FEEDBACK}">'
                f'<baseValue baseType="identifier">{feedback_id}</baseValue></setOutcomeValue>'
            )
            text = self.fragment(answer.feedback, path=f"answers/{index}/feedback")
            self.modal.append(
                f'<modalFeedback outcomeIdentifier="{FEEDBACK}" identifier="{feedback_id}" '
                f'showHide="show">{text}</modalFeedback>'
            )
        return actions

    def essay(self) -> str:
        settings = self.extra.get("essay", {})
        attributes = "".join(
            f' {name}="{_escape_attribute(str(settings[name]))}"'
            for name in ("expectedLines", "expectedLength", "format")
            if isinstance(settings, dict) and name in settings
        )
        self.declare("string", "single", [str(v) for v in self.extra.get("sample", [])], "")
        return f'<extendedTextInteraction responseIdentifier="{self.response}"{attributes}/>'

    def order(self) -> str:
        q = self.q
        texts = [self.fragment(text, path=f"order/{i}") for i, text in enumerate(q.order)]
        texts += [self.fragment(Text(str(text), TextFormat.HTML))
                  for text in self.extra.get("distractors", [])]  # fmt: skip
        ids = [_letters(index) for index in range(len(texts))]
        display = self.extra.get("display")
        if not (isinstance(display, list) and sorted(display) == list(range(len(texts)))):
            display = list(range(len(texts)))
        self.declare("identifier", "ordered", ids[: len(q.order)], "")
        self.score(MATCH_CORRECT)
        shuffle = q.shuffle if q.shuffle is not None else True
        limits = "".join(
            f' {name}="{int(self.extra[name])}"'
            for name in ("minChoices", "maxChoices")
            if name in self.extra
        )
        choices = "".join(
            f'<simpleChoice identifier="{ids[index]}">{texts[index]}</simpleChoice>'
            for index in display
        )
        return (
            f'<orderInteraction responseIdentifier="{self.response}" '
            f'shuffle="{_bool(shuffle)}"{limits}>{choices}</orderInteraction>'
        )

    def matching(self) -> str:
        q = self.q
        lefts: list[str] = []
        rights: list[str] = []
        pairs: list[tuple[int, int]] = []
        for pair in q.pairs:
            if pair.left:
                # Read back, the pairs with a left-hand side come first, in this order.
                left = self.fragment(pair.left, path=f"pairs/{len(pairs)}/left")
                if left not in lefts:
                    lefts.append(left)
                if pair.right not in rights:
                    rights.append(pair.right)
                pairs.append((lefts.index(left), rights.index(pair.right)))
        # A right-hand distractor is a choice of its own, even when its text is also an answer.
        rights += [pair.right for pair in q.pairs if not pair.left]
        unmatched = [self.fragment(Text(str(text), TextFormat.HTML))
                     for text in self.extra.get("unmatched", [])]  # fmt: skip
        associate = self.extra.get("interaction") == "associateInteraction"
        source = "L" if associate else "S"
        target = "R" if associate else "T"
        values = [f"{source}{left + 1} {target}{right + 1}" for left, right in pairs]
        template = MATCH_CORRECT if self.extra.get("template") == MATCH_CORRECT else MAP_RESPONSE
        mapping = ""
        if template == MAP_RESPONSE and pairs:
            share = _number(self.grade / len(pairs))
            mapping = (
                f'<mapping defaultValue="0" lowerBound="0" upperBound="{_number(self.grade)}">'
                + "".join(
                    f'<mapEntry mapKey="{value}" mappedValue="{share}" caseSensitive="true"/>'
                    for value in values
                )
                + "</mapping>"
            )
        self.declare("pair" if associate else "directedPair", "multiple", values, mapping)
        self.score(template)
        uses_left = [sum(1 for left, _ in pairs if left == i) for i in range(len(lefts))]
        uses_right = [sum(1 for _, right in pairs if right == i) for i in range(len(rights))]
        shuffle = _bool(q.shuffle if q.shuffle is not None else True)
        if associate:
            if unmatched:
                self.warn("left-hand choices without a match cannot be written: left out")
            choices = [
                f'<simpleAssociableChoice identifier="{source}{i + 1}" '
                f'matchMax="{max(1, uses_left[i])}">{text}</simpleAssociableChoice>'
                for i, text in enumerate(lefts)
            ] + [
                f'<simpleAssociableChoice identifier="{target}{i + 1}" '
                f'matchMax="{max(1, uses_right[i])}">{_escape(text)}</simpleAssociableChoice>'
                for i, text in enumerate(rights)
            ]
            return (
                f'<associateInteraction responseIdentifier="{self.response}" '
                f'shuffle="{shuffle}" maxAssociations="{len(pairs)}">'
                + "".join(choices)
                + "</associateInteraction>"
            )
        sources = [
            f'<simpleAssociableChoice identifier="{source}{i + 1}" '
            f'matchMax="{max(1, uses_left[i]) if i < len(lefts) else 1}">{text}'
            "</simpleAssociableChoice>"
            for i, text in enumerate([*lefts, *unmatched])
        ]
        targets = [
            f'<simpleAssociableChoice identifier="{target}{i + 1}" '
            f'matchMax="{max(1, uses_right[i])}">{_escape(text)}</simpleAssociableChoice>'
            for i, text in enumerate(rights)
        ]
        return (
            f'<matchInteraction responseIdentifier="{self.response}" shuffle="{shuffle}" '
            f'maxAssociations="{len(pairs)}"><simpleMatchSet>{"".join(sources)}'
            f"</simpleMatchSet><simpleMatchSet>{''.join(targets)}</simpleMatchSet>"
            "</matchInteraction>"
        )


_INLINE = {
    "a", "abbr", "acronym", "b", "big", "br", "cite", "code", "dfn", "em", "i", "img", "kbd",
    "q", "samp", "small", "span", "strong", "sub", "sup", "tt", "var", "math", "u", "s",
    "textEntryInteraction", "inlineChoiceInteraction", "endAttemptInteraction",
}  # fmt: skip


def _block(markup: str) -> str:
    """Kept markup as itemBody content: an inline interaction goes into a paragraph."""
    match = re.match(r"<([\w.-]+)", markup)
    inline = match is not None and match.group(1) in _INLINE
    return f"<p>{markup}</p>" if inline else markup


def _fragment(text: Text, block: bool) -> tuple[str, list[str]]:
    """A text as a well-formed XHTML fragment in the QTI namespace, and what had to change.

    ``block``: the fragment goes straight into ``itemBody``, which holds block elements only.
    """
    problems: list[str] = []
    value = text.text.replace("\r\n", "\n").replace("\r", "\n")
    if text.format is TextFormat.MARKDOWN:
        value = _MARKDOWN.render(value).strip()
        # A single paragraph (a choice, a short feedback) stays inline, as in anki.py.
        if not block and value.startswith("<p>") and value.count("<p>") == 1:
            value = value.removeprefix("<p>").removesuffix("</p>")
    elif text.format is TextFormat.PLAIN or (
        text.format is TextFormat.MOODLE and not re.search(r"<[A-Za-z/!]", value)
    ):
        single = not re.search(r"\n\s*\n", value.strip())
        value = _paragraphs(value) if block or not single else _lines(value)
    elif text.format is TextFormat.MOODLE:
        # Moodle's auto-format lets HTML through and turns line breaks into <br>.
        value = value.replace("\n", "<br/>")
    if _BAD_CHARS.search(value):
        problems.append("control characters in a text are left out (XML cannot hold them)")
        value = _BAD_CHARS.sub("", value)
    parsed = _well_formed(value) or _well_formed(_xhtml(value))
    if parsed is None:
        problems.append("a text is not valid HTML and is written as plain text")
        return (_paragraphs(value) if block else _escape(value)), problems
    root, fragment = parsed
    return (f"<div>{fragment}</div>" if block and _inline_content(root) else fragment), problems


def _normalized(fragment: str) -> str:
    """A fragment as the reader gives it back (serialized by :func:`_inner`)."""
    parsed = _well_formed(fragment)
    return _inner(parsed[0]) if parsed is not None else fragment


def _inline_content(root: Element) -> bool:
    """Whether an element holds text or inline elements directly (an itemBody may not)."""
    return bool((root.text or "").strip()) or any(
        (child.tail or "").strip() or _local(child.tag) in _INLINE for child in root
    )


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _set_score(value: float) -> str:
    return (
        f'<setOutcomeValue identifier="{SCORE}">'
        f'<baseValue baseType="float">{_number(value)}</baseValue></setOutcomeValue>'
    )


def _paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs; single line breaks become ``<br/>``."""
    blocks = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    return "".join(f"<p>{_lines(block)}</p>" for block in blocks)


def _lines(text: str) -> str:
    return "<br/>".join(_escape(line) for line in text.strip("\n").split("\n"))


def _texts(root: Element) -> Iterator[str]:
    yield root.text or ""
    for element in root.iter():
        if element is not root:
            yield element.text or ""
            yield element.tail or ""


def _well_formed(fragment: str) -> tuple[Element, str] | None:
    """The fragment parsed inside a QTI-namespaced wrapper, or None when it is not XML."""
    wrapped = f'<div xmlns="{QTI_NS}">{fragment}</div>'.encode()
    try:
        root: Element = parse_xml(wrapped, "<text>")
    except FormatError:
        return None
    return root, fragment


def _xhtml(markup: str) -> str:
    """HTML (void tags, unclosed elements, named entities) rewritten as well-formed XHTML."""
    builder = _XhtmlBuilder()
    builder.feed(markup)
    builder.close()
    return "".join(builder.out)


class _XhtmlBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []

    def start(self, tag: str, attrs: list[tuple[str, str | None]], empty: bool) -> None:
        if not _NAME.fullmatch(tag):
            self.out.append(_escape(self.get_starttag_text() or ""))
            return
        written = "".join(
            f' {name}="{_escape_attribute(value if value is not None else name)}"'
            for name, value in attrs
            if _NAME.fullmatch(name) and not name.startswith("xmlns")
        )
        if empty or tag in _VOID:
            self.out.append(f"<{tag}{written}/>")
        else:
            self.out.append(f"<{tag}{written}>")
            self.stack.append(tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start(tag, attrs, empty=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start(tag, attrs, empty=True)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack:
                name = self.stack.pop()
                self.out.append(f"</{name}>")
                if name == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(_escape(data))

    def close(self) -> None:
        super().close()
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")
