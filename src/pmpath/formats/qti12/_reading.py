"""QTI 1.2 read: a zip package or one ``questestinterop`` document."""

from __future__ import annotations

from pmpath.formats.qti12._documents import DocumentReader
from pmpath.formats.qti12._package import PackageReader
from pmpath.formats.quiz import FormatWarning, QuizFile


def read(data: bytes, source: str) -> QuizFile:
    """Every question of a QTI 1.2 file or zip package, with a warning for each mapped rule.

    Bad input raises :class:`FormatError` with the file (``package.zip/folder/file.xml`` for a
    member of a package) and, where it can be told, the line.
    """
    warnings: list[FormatWarning] = []
    if data.startswith(b"PK\x03\x04"):
        questions = PackageReader(data, source, warnings).read()
    else:
        questions = DocumentReader(source, warnings).read(data)
    return QuizFile(questions, warnings)
