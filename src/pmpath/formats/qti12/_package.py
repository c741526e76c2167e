"""QTI 1.2 content packages as Canvas writes and reads them: a zip with an
``imsmanifest.xml`` listing each quiz's QTI file, its ``assessment_meta.xml`` and the files
its questions link to."""

from __future__ import annotations

import io
import posixpath
import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
import zipfile
from typing import TYPE_CHECKING
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from pmpath.errors import FormatError, Location
from pmpath.formats import safety
from pmpath.formats.qti12._canvas import (
    CANVAS_NAMESPACE,
    CP_NAMESPACE,
    DEFAULT_QUIZ,
    FILE_FOLDER,
    QTI_RESOURCE,
    XSI_NAMESPACE,
    xml_bytes,
)
from pmpath.formats.qti12._documents import DocumentReader, parse
from pmpath.formats.quiz import FormatWarning, QType, QuizQuestion

if TYPE_CHECKING:
    from pmpath.formats.qti12._writing import Quiz, Writer


# -- reading ----------------------------------------------------------------------------------


def _scan_text(data: bytes) -> str:
    """The file as text for finding line numbers (never fails: the parser judges validity)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8", "replace")


class PackageReader:
    """A zip package: its manifest, each listed assessment, its meta file and its files."""

    def __init__(self, data: bytes, source: str, warnings: list[FormatWarning]) -> None:
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
            reader = DocumentReader(self._name(path), self.warnings, self.files)
            questions += reader.read(self.files[path], meta)
            used |= reader.used_files
        for name in sorted(set(self.files) - used):
            self.warnings.append(
                FormatWarning(
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
        manifest = parse(self.files["imsmanifest.xml"], name)
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
            FormatWarning(
                f"the package has no imsmanifest.xml: read the {len(documents)} QTI file(s) in it",
                Location(file=self.source),
            )
        )
        return documents


# -- writing ----------------------------------------------------------------------------------


def package(files: dict[str, bytes], resources: list[Element]) -> bytes:
    """The zip of ``files`` (path -> content) with a manifest listing ``resources``."""
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
        for name, content in [("imsmanifest.xml", xml_bytes(manifest)), *files.items()]:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def assessment_meta(quiz: Quiz) -> bytes | None:
    """The quiz's assessment_meta.xml: as read, or a minimal one for other questions."""
    data = quiz.data
    if isinstance(data.get("meta"), str):
        return str(data["meta"]).encode("utf-8")
    if data is not DEFAULT_QUIZ:
        return None
    root = Element("quiz", {"identifier": str(data.get("ident")), "xmlns": CANVAS_NAMESPACE})
    # Text-only questions are worth nothing in Canvas (see ItemWriter.write).
    points = sum(
        question.default_grade
        for _, question in quiz.questions
        if question.type is not QType.DESCRIPTION
    )
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
    return xml_bytes(root)


def attachment_resources(writer: Writer, question: QuizQuestion, number: int) -> list[Element]:
    """The question's attachments added to the writer's files under web_resources/, and a
    manifest resource for each."""
    resources = []
    for attachment in question.attachments:
        folder = attachment.path.strip("/")
        path = posixpath.normpath(f"{FILE_FOLDER}/{folder}/{attachment.name}")
        if not path.startswith(f"{FILE_FOLDER}/") or ".." in path.split("/"):
            writer.warn(question, number, f"file {attachment.name!r} has an unsafe path; left out")
            continue
        if path in writer.files:
            if writer.files[path] != attachment.data:
                writer.warn(
                    question, number, f"another file is already at {path!r}; this one left out"
                )
            continue
        writer.files[path] = attachment.data
        resource = Element(
            "resource",
            {"identifier": f"file_{len(writer.files)}", "type": "webcontent", "href": path},
        )
        ElementTree.SubElement(resource, "file", {"href": path})
        resources.append(resource)
    return resources
