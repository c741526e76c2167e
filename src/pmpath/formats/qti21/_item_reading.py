"""One ``assessmentItem`` document read into one question (:class:`ItemReader`): its
declarations, response processing and feedback are read by ``_processing``, ``_scoring`` and
``_feedback``, its interaction by the module of that interaction (``_choice``, ``_text_entry``,
``_essay``, ``_order``, ``_match``); the body around it becomes the question text."""

from __future__ import annotations

import copy
import math
import posixpath
from dataclasses import replace
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from xml.etree.ElementTree import Element

from pmpath.errors import FormatError, Location
from pmpath.formats.qti21._choice import read_choice
from pmpath.formats.qti21._essay import read_essay
from pmpath.formats.qti21._feedback import feedbacks, general_feedback
from pmpath.formats.qti21._gaps import GAP_INTERACTIONS, read_gaps
from pmpath.formats.qti21._html import inline_content
from pmpath.formats.qti21._match import read_matching
from pmpath.formats.qti21._order import read_order
from pmpath.formats.qti21._processing import read_declaration, response_processing
from pmpath.formats.qti21._scoring import item_grade
from pmpath.formats.qti21._serializing import inner_markup, serialize, tailless
from pmpath.formats.qti21._text_entry import read_text_entry
from pmpath.formats.qti21._tree import (
    check_depth,
    interactions_in,
    is_qti,
    namespace_of,
    parse,
    remove,
    replace_with_element,
    replace_with_text,
)
from pmpath.formats.qti21._vocabulary import (
    BLANK,
    ITEM_PARTS,
    KEY,
    PLUGINFILE,
    QTI_NS,
    RESPONSE,
    SUPPORTED,
    URL_ATTRIBUTES,
)
from pmpath.formats.quiz import Attachment, FormatWarning, QType, QuizQuestion, Text, TextFormat
from pmpath.formats.xmltext import local_name, start_tag_lines


def read_document(
    data: bytes, where: Location, warnings: list[FormatWarning], attachments: dict[str, Attachment]
) -> QuizQuestion:
    """The question of one ``assessmentItem`` document; ``where`` says where it was read
    from (a package's item: the member in ``field_path``), ``attachments`` are the files the
    package lists for it."""
    root = parse(data, where)
    name = local_name(root.tag)
    lines = start_tag_lines(data, name)
    at = replace(where, line=lines[0] if lines else None)
    if name != "assessmentItem":
        hint = {
            "manifest": ": give the whole content package (the zip), not its manifest",
            "questestinterop": ": this is QTI 1.2, not QTI 2.1",
            "assessmentTest": ": give the content package (the zip) that holds its items",
        }.get(name, "")
        raise FormatError(f"not a QTI 2.1 assessmentItem: the root element is <{name}>{hint}", at)
    check_depth(root, at)
    namespace = namespace_of(root.tag)
    if not is_qti(namespace):
        # Read an item in a foreign namespace as QTI (with a warning): its elements become QTI's.
        for element in root.iter():
            if isinstance(element.tag, str) and namespace_of(element.tag) == namespace:
                element.tag = f"{{{QTI_NS}}}{local_name(element.tag)}"
    return ItemReader(root, at, warnings, attachments).question(namespace)


class ItemReader:
    """One ``assessmentItem`` element into a :class:`QuizQuestion`.

    The readers of its parts share its state: the declarations, outcomes and processing read
    first, the feedback not yet given to an answer, the body that becomes the question text,
    the values kept in ``extra`` and the best score an answer gives (``top``).
    """

    def __init__(
        self,
        root: Element,
        where: Location,
        warnings: list[FormatWarning],
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
        self.warnings.append(FormatWarning(message, self.where, self.label))

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
            if local_name(child.tag) not in ITEM_PARTS:
                self.warn(f"<{local_name(child.tag)}> is not imported")
        self.declarations = {
            declaration.identifier: declaration
            for declaration in (
                read_declaration(self, child)
                for child in root
                if local_name(child.tag) == "responseDeclaration"
            )
        }
        self.outcomes = {
            child.get("identifier", ""): child
            for child in root
            if local_name(child.tag) == "outcomeDeclaration"
        }
        self.processing = response_processing(self)
        body = next((child for child in root if local_name(child.tag) == "itemBody"), None)
        self.body = copy.deepcopy(body) if body is not None else Element(f"{{{QTI_NS}}}itemBody")
        self.parents = {child: parent for parent in self.body.iter() for child in parent}
        interactions = list(interactions_in(self.body))
        gaps = [each for each in interactions if local_name(each.tag) in GAP_INTERACTIONS]
        primary = self.primary(interactions)
        if primary is not None:
            gaps = []  # gap interactions make the question only when no other one is there
        kept = [each for each in interactions if each is not primary and each not in gaps]
        self.feedback = feedbacks(self)
        question = QuizQuestion(type=QType.DESCRIPTION, text=Text(""), name=self.label)
        question.id_number = self.identifier
        question.source = self.where
        if gaps:
            read_gaps(self, gaps, question)
        elif primary is not None:
            kind = local_name(primary.tag)
            if kind == "choiceInteraction":
                read_choice(self, primary, question)
            elif kind == "textEntryInteraction":
                read_text_entry(self, primary, question)
            elif kind == "extendedTextInteraction":
                read_essay(self, primary, question)
            elif kind == "orderInteraction":
                read_order(self, primary, question)
            else:
                read_matching(self, primary, question)
        self.keep(kept)
        question.text = self.html(self.body_text(primary, kept))
        if not gaps:
            question.default_grade = item_grade(self, question)
        general_feedback(self, question)
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
        supported = [each for each in interactions if local_name(each.tag) in SUPPORTED]
        bound = [each for each in supported if each.get("responseIdentifier") == RESPONSE]
        primary = bound[0] if bound else supported[0] if supported else None
        if primary is not None:
            response = primary.get("responseIdentifier")
            if not response or response not in self.declarations:
                raise self.fail(
                    f"<{local_name(primary.tag)}> refers to the response {response!r}, "
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
            name = local_name(interaction.tag)
            reason = "is not supported" if name not in SUPPORTED else "is a second interaction"
            self.warn(
                f"<{name}> {reason}: pmpath cannot ask it; it is kept (without its scoring) "
                "for writing QTI 2.1 back"
            )
            response = interaction.get("responseIdentifier")
            for child in self.root:
                if (
                    local_name(child.tag) == "responseDeclaration"
                    and child.get("identifier") == response
                ):
                    declarations.append(serialize(tailless(child), ""))
        self.extra["kept"] = [serialize(tailless(interaction), "") for interaction in kept]
        if declarations:
            self.extra["declarations"] = declarations

    # -- texts ------------------------------------------------------------------------------

    def body_text(self, primary: Element | None, kept: list[Element]) -> str:
        for interaction in kept:
            remove(interaction, self.parents, prune=True)
        if primary is not None:
            name = local_name(primary.tag)
            if name == "textEntryInteraction":
                replace_with_text(primary, self.parents, BLANK)
            else:
                prompt = next((c for c in primary if local_name(c.tag) == "prompt"), None)
                if prompt is not None and (len(prompt) or (prompt.text or "").strip()):
                    paragraph = Element(f"{{{QTI_NS}}}p")
                    paragraph.text = prompt.text
                    paragraph.extend(list(prompt))
                    replace_with_element(primary, self.parents, paragraph)
                else:
                    remove(primary, self.parents, prune=True)
        text = self.inner(self.body)
        if inline_content(self.body):
            self.warn("the item body holds text outside block elements: read inside a <div>")
            return f"<div>{text}</div>"
        return text

    def inner(self, element: Element) -> str:
        """An element's content as HTML, links to package files as ``@@PLUGINFILE@@`` URLs."""
        if self.files:
            for each in element.iter():
                for name in URL_ATTRIBUTES & set(each.attrib):
                    each.set(name, self.file_url(each.get(name, "")))
        return inner_markup(element)

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
