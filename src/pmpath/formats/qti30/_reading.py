"""QTI 3.0 read: an item document or a content package, respelled as QTI 2.1 and read by
:mod:`pmpath.formats.qti21`, its messages reworded for the 3.0 file."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import replace
from urllib.parse import unquote

from pmpath.errors import FormatError, Location, Problem
from pmpath.formats.qti21._item_reading import read_document
from pmpath.formats.qti21._package import read_package
from pmpath.formats.qti21._tree import descendants, parse, xml_base
from pmpath.formats.qti21._vocabulary import MANIFEST
from pmpath.formats.qti30._names import (
    ITEM_RESOURCE,
    QTI2_ITEM_RESOURCE,
    QTI2_TEST_RESOURCE,
    TEST_RESOURCE,
    message,
    to_qti2,
)
from pmpath.formats.quiz import FormatWarning, QuizFile
from pmpath.formats.safety import MAX_RATIO, check_size, open_zip


def read(data: bytes, source: str) -> QuizFile:
    """Every item of a QTI 3.0 item document or content package, with warnings for what is lost.

    Questions keep what only QTI can hold in ``extra["qti21"]`` (the two versions share it).
    Bad input raises :class:`FormatError`, located in the 3.0 file.
    """
    check_size(data, source)
    try:
        if data.startswith(b"PK\x03\x04"):
            quiz = read_package(_respelled_package(data, source), source)
        else:
            warnings: list[FormatWarning] = []
            question = read_document(to_qti2(data), Location(file=source), warnings, {})
            quiz = QuizFile([question], warnings)
    except FormatError as exc:
        raise FormatError(
            [Problem(message(problem.message), problem.location) for problem in exc.problems]
        ) from None
    return QuizFile(
        quiz.questions, [replace(each, message=message(each.message)) for each in quiz.warnings]
    )


def _respelled_package(data: bytes, source: str) -> bytes:
    """The package with its manifest and XML files respelled as QTI 2.1."""
    try:
        files = open_zip(data, source)
    except FormatError:
        raise
    except Exception:
        # zipfile lets some failures on damaged archives through (zlib.error, struct.error,
        # ...): qti21's package reader opens the same bytes again and says why in its words.
        return data
    respelled: dict[str, bytes] = {}
    test_files = _test_files(files.get(MANIFEST, b""), source)
    for name, content in files.items():
        if name in test_files:
            # The tests' own files are accounted for by qti21's warning that tests are not
            # imported; left in, each would be reported again as a file of no item.
            continue
        if name == MANIFEST:
            content = content.replace(ITEM_RESOURCE.encode(), QTI2_ITEM_RESOURCE.encode())
            content = content.replace(TEST_RESOURCE.encode(), QTI2_TEST_RESOURCE.encode())
        elif name.lower().endswith(".xml"):
            content = to_qti2(content)
        respelled[name] = content
    return _zip(respelled)


def _test_files(manifest: bytes, source: str) -> set[str]:
    """The package paths of the files of the manifest's test resources."""
    try:
        root = parse(manifest, Location(file=source, field_path=(MANIFEST,)))
    except FormatError:
        return set()  # qti21 reports a bad manifest where it reads it
    parents = {child: parent for parent in root.iter() for child in parent}
    paths: set[str] = set()
    for resource in descendants(root, "resource"):
        if resource.get("type") != TEST_RESOURCE:
            continue
        base = xml_base(resource, parents)
        hrefs = [resource.get("href")] + [
            each.get("href") for each in descendants(resource, "file")
        ]
        paths.update(posixpath.normpath(posixpath.join(base, unquote(h))) for h in hrefs if h)
    return paths


def _zip(files: dict[str, bytes]) -> bytes:
    """A zip that passes :func:`open_zip`'s limits whenever the original did: a member that
    deflates better than the bomb ratio allows is stored instead (the original may have
    stored it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            packed = zlib.compress(content)
            method = zipfile.ZIP_DEFLATED
            if len(packed) * MAX_RATIO < len(content) * 2:
                method = zipfile.ZIP_STORED
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), content, method)
    return buffer.getvalue()
