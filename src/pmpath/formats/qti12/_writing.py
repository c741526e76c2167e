"""The interchange model written as a Canvas QTI 1.2 package: questions grouped back into
their quizzes and question groups (:class:`Writer`), each quiz one document of items."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from pmpath.formats.qti12._canvas import (
    DEFAULT_QUIZ,
    META_RESOURCE,
    QTI_NAMESPACE,
    QTI_RESOURCE,
    QTI_SCHEMA,
    XSI_NAMESPACE,
    ident_ok,
    qti_extra,
    xml_attributes,
    xml_bytes,
)
from pmpath.formats.qti12._gaps import gaps_as_dropdowns
from pmpath.formats.qti12._item_writing import ItemWriter
from pmpath.formats.qti12._metadata import field_pairs, from_data, write_fields
from pmpath.formats.qti12._package import assessment_meta, attachment_resources, package
from pmpath.formats.quiz import FormatWarning, QType, QuizQuestion, Warn, leave_out, warner

_SAFE_FOLDER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[FormatWarning]]:
    """A Canvas QTI 1.2 zip package of ``questions``, and a warning for everything it changed.

    Questions read from QTI 1.2 go back to their own quiz, group and identifiers; any other
    question joins one quiz named "pmpath export".
    """
    writer = Writer()
    return writer.write(questions), writer.warnings


@dataclass
class Quiz:
    """One quiz of the package: its values (as read, or the default quiz) and its questions,
    each with its number in the list written."""

    data: dict[str, Any]
    questions: list[tuple[int, QuizQuestion]] = field(default_factory=list)


class Writer:
    def __init__(self) -> None:
        self.warnings: list[FormatWarning] = []
        self.idents: set[str] = set()
        self.files: dict[str, bytes] = {}
        self.warners: dict[int, Warn] = {}

    def write(self, questions: list[QuizQuestion]) -> bytes:
        quizzes: dict[tuple[str, str], Quiz] = {}
        last: tuple[str, str] | None = None
        for number, question in enumerate(questions, start=1):
            if question.type is QType.GAPS:
                dropdowns = gaps_as_dropdowns(question)
                if dropdowns is None:
                    first = len(self.warnings)
                    self.warn(question, number, "a gap names no choice: left out")
                    leave_out(self.warnings, first, question, number)
                    continue
                question = dropdowns
            data = _quiz_data(question)
            key = (str(data.get("kind")), str(data.get("ident")))
            if key in quizzes and key != last:
                self.warn(question, number, "moved next to the other questions of its quiz")
            quizzes.setdefault(key, Quiz(data)).questions.append((number, question))
            last = key
        if not quizzes:  # an empty quiz still makes a package Canvas (and pmpath) can open
            quizzes[("assessment", "pmpath_export")] = Quiz(DEFAULT_QUIZ)
        for question in questions:
            if question.id_number and ident_ok(question.id_number):
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
            meta = assessment_meta(quiz)
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
            resources += attachment_resources(self, question, number)
        return package(self.files, resources)

    def warn(self, question: QuizQuestion, number: int, message: str) -> None:
        if number not in self.warners:
            self.warners[number] = warner(self.warnings, question, number)
        self.warners[number](message)

    # -- one quiz ---------------------------------------------------------------------------

    def document(self, quiz: Quiz, used_idents: set[str]) -> bytes:
        data = quiz.data
        root = Element(
            "questestinterop",
            {"xmlns": QTI_NAMESPACE, "xmlns:xsi": XSI_NAMESPACE, "xsi:schemaLocation": QTI_SCHEMA},
        )
        kind = data.get("kind")
        if kind == "objectbank":
            holder = ElementTree.SubElement(
                root, "objectbank", xml_attributes(ident=data.get("ident"))
            )
            write_fields(holder, field_pairs(data.get("metadata")), "qtimetadata")
        elif kind == "items":
            holder = root
        else:
            attributes = xml_attributes(ident=data.get("ident"), title=data.get("title"))
            assessment = ElementTree.SubElement(root, "assessment", attributes)
            fields = field_pairs(data.get("metadata"))
            if data is DEFAULT_QUIZ:
                fields = [["cc_maxattempts", "1"]]
            write_fields(assessment, fields, "qtimetadata")
            section = str(data.get("root_section") or "root_section")
            holder = ElementTree.SubElement(assessment, "section", {"ident": section})
        groups: dict[str, Element] = {}
        last_group: str | None = None
        for number, question in quiz.questions:
            group = qti_extra(question).get("group")
            parent = holder
            if isinstance(group, dict):
                key = repr(sorted(group.items(), key=lambda kv: kv[0]))
                if key not in groups:
                    groups[key] = ElementTree.SubElement(
                        holder,
                        "section",
                        xml_attributes(ident=group.get("ident"), title=group.get("title")),
                    )
                    ordering = group.get("selection_ordering")
                    if isinstance(ordering, dict):
                        groups[key].append(from_data(ordering))
                elif key != last_group:
                    self.warn(question, number, "moved next to the other questions of its group")
                parent = groups[key]
                last_group = key
            else:
                last_group = None
            ident = self.ident(question, number, used_idents)
            parent.append(ItemWriter(self, question, number, ident).write())
        return xml_bytes(root)

    def ident(self, question: QuizQuestion, number: int, used: set[str]) -> str:
        ident = question.id_number
        if ident and ident_ok(ident) and ident not in used:
            used.add(ident)
            return ident
        if ident:
            self.warn(question, number, f"id number {ident!r} is taken or unusable as an ident")
        candidate = number
        while f"item_{candidate}" in used or f"item_{candidate}" in self.idents:
            candidate += 1
        used.add(f"item_{candidate}")
        return f"item_{candidate}"


def _quiz_data(question: QuizQuestion) -> dict[str, Any]:
    quiz = qti_extra(question).get("quiz")
    if isinstance(quiz, dict) and quiz.get("kind") in ("assessment", "objectbank", "items"):
        return quiz
    return DEFAULT_QUIZ
