"""One ``questestinterop`` document read: its assessments, banks and loose items, and the
sections in them (Canvas's question groups); each item by
:class:`~pmpath.formats.qti12._item_reading.ItemReader`."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from pmpath.errors import FormatError, Location
from pmpath.formats import safety
from pmpath.formats.qti12._canvas import MAX_DEPTH
from pmpath.formats.qti12._item_reading import ItemReader
from pmpath.formats.qti12._metadata import read_fields, to_data
from pmpath.formats.quiz import FormatWarning, QuizQuestion
from pmpath.formats.xmltext import local_name, start_tag_lines


def parse(data: bytes, file: str) -> Element:
    """The root of ``data`` with namespaces dropped from tags, refused when nested too deep."""
    root: Element = safety.parse_xml(data, file)
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if not isinstance(element.tag, str):
            continue
        if depth > MAX_DEPTH:
            raise FormatError(
                f"elements are nested more than {MAX_DEPTH} deep", Location(file=file)
            )
        element.tag = local_name(element.tag)
        for name in [name for name in element.attrib if name.startswith("{")]:
            del element.attrib[name]
        stack.extend((child, depth + 1) for child in element)
    return root


class DocumentReader:
    """One ``questestinterop`` document: its assessments, sections and items."""

    def __init__(
        self, file: str, warnings: list[FormatWarning], files: dict[str, bytes] | None = None
    ) -> None:
        self.file = file
        self.warnings = warnings
        self.files = files
        self.used_files: set[str] = set()
        self.lines: dict[int, int] = {}

    def read(self, data: bytes, meta: str | None = None) -> list[QuizQuestion]:
        root = parse(data, self.file)
        if root.tag != "questestinterop":
            first = next(iter(start_tag_lines(data)), 1)
            raise FormatError(
                f"not a QTI 1.2 file: the root element is <{root.tag}>, not <questestinterop>",
                Location(file=self.file, line=first),
            )
        for element, line in zip(root.iter("item"), start_tag_lines(data, "item"), strict=False):
            self.lines[id(element)] = line
        questions: list[QuizQuestion] = []
        loose: list[Element] = []
        for child in root:
            if child.tag == "assessment":
                questions += self._assessment(child, meta)
            elif child.tag == "objectbank":
                fields = read_fields(child.find("qtimetadata"))
                title = next((entry for label, entry in fields if label == "bank_title"), None)
                quiz = quiz_values("objectbank", child.get("ident"), title, fields)
                questions += self._container(child, quiz, None)
            elif child.tag in ("item", "section"):
                loose.append(child)
            elif child.tag != "qticomment":
                self.warn(f"<{child.tag}> is not kept", None)
        if loose:
            holder = Element("questestinterop")
            holder.extend(loose)
            questions += self._container(holder, quiz_values("items", None, None, []), None)
        if not questions:
            self.warnings.append(
                FormatWarning("the file has no questions", Location(file=self.file))
            )
        return questions

    def warn(self, message: str, line: int | None, question: str | None = None) -> None:
        self.warnings.append(FormatWarning(message, Location(file=self.file, line=line), question))

    def _assessment(self, element: Element, meta: str | None) -> list[QuizQuestion]:
        quiz = quiz_values(
            "assessment",
            element.get("ident"),
            element.get("title"),
            read_fields(element.find("qtimetadata")),
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
                questions.append(ItemReader(self, child, quiz, group).read())
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
            group["selection_ordering"] = to_data(ordering)
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


def quiz_values(
    kind: str, ident: str | None, title: str | None, fields: list[list[str]]
) -> dict[str, Any]:
    return {"kind": kind, "ident": ident, "title": title, "metadata": fields}
