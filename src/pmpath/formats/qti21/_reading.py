"""QTI 2.1 read: one ``assessmentItem`` document, or a content package of them."""

from __future__ import annotations

from pmpath.errors import Location
from pmpath.formats.qti21._item_reading import read_document
from pmpath.formats.qti21._package import read_package
from pmpath.formats.quiz import FormatWarning, QuizFile
from pmpath.formats.safety import check_size


def read(data: bytes, source: str) -> QuizFile:
    """Every item of a QTI 2.1 item document or content package, with warnings for what is lost.

    A package's questions carry ``Location(file=source, line=N, field_path=(member,))``: the
    line is in the item file ``member`` of the zip. Bad input raises :class:`FormatError`.
    """
    check_size(data, source)
    if data.startswith(b"PK\x03\x04"):
        return read_package(data, source)
    warnings: list[FormatWarning] = []
    question = read_document(data, Location(file=source), warnings, {})
    return QuizFile([question], warnings)
