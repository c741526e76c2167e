"""The interchange model written as a QTI 2.1 content package: an item document per question
(with its files in a folder of its own) and the manifest."""

from __future__ import annotations

from pmpath.formats.qti21._item_writing import ItemWriter
from pmpath.formats.qti21._package import manifest, resource, zip_package
from pmpath.formats.qti21._vocabulary import MANIFEST
from pmpath.formats.quiz import FormatWarning, QuizQuestion, leave_out, warner


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[FormatWarning]]:
    """A QTI 2.1 content package (zip): one item file per question and an imsmanifest.xml."""
    warnings: list[FormatWarning] = []
    files: dict[str, bytes] = {}
    resources: list[str] = []
    used: set[str] = set()
    for number, question in enumerate(questions, 1):
        first = len(warnings)
        writer = ItemWriter(question, warner(warnings, question, number))
        identifier = _unique(writer.identifier(number), used)
        item = writer.item(identifier)
        if item is None:
            leave_out(warnings, first, question, number)
            continue
        folder = f"{identifier}/" if question.attachments else ""
        href = f"{folder}{identifier}.xml"
        files[href] = item.encode("utf-8")
        listed = [href]
        for path, data in writer.files.items():
            files[folder + path] = data
            listed.append(folder + path)
        resources.append(resource(identifier, href, listed, question, writer.sources))
    files = {MANIFEST: manifest(resources).encode("utf-8"), **files}
    return zip_package(files), warnings


def _unique(identifier: str, used: set[str]) -> str:
    candidate, number = identifier, 2
    while candidate.lower() in used:
        candidate = f"{identifier}-{number}"
        number += 1
    used.add(candidate.lower())
    return candidate
