"""IMS content packages: the manifest's item resources, their files and metadata (tags and
category as LOM), read and written."""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import replace
from urllib.parse import quote, unquote, urlsplit
from xml.etree.ElementTree import Element

from pmpath.errors import FormatError, Location
from pmpath.formats.qti21._item_reading import read_document
from pmpath.formats.qti21._markdown import markdown_sources, restore_markdown
from pmpath.formats.qti21._serializing import escape, escape_attribute
from pmpath.formats.qti21._tree import descendants, parse, xml_base
from pmpath.formats.qti21._vocabulary import CP_NS, ITEM_RESOURCE, LOM_NS, MANIFEST, XSI_NS
from pmpath.formats.quiz import Attachment, FormatWarning, QuizFile, QuizQuestion
from pmpath.formats.safety import open_zip
from pmpath.formats.xmltext import local_name, start_tag_lines

# -- reading -----------------------------------------------------------------------------------


def read_package(data: bytes, source: str) -> QuizFile:
    """Every item of a content package, in the manifest's order."""
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
    manifest = parse(files[MANIFEST], where)
    if local_name(manifest.tag) != "manifest":
        raise FormatError(
            f"{MANIFEST} is not a manifest: its root element is <{local_name(manifest.tag)}>", where
        )
    resource_lines = start_tag_lines(files[MANIFEST], "resource")
    parents = {child: parent for parent in manifest.iter() for child in parent}
    resources: dict[str, Element] = {}
    ordered: list[tuple[Element, int | None, str]] = []
    for index, resource in enumerate(descendants(manifest, "resource")):
        line = resource_lines[index] if index < len(resource_lines) else None
        base = xml_base(resource, parents)
        ordered.append((resource, line, base))
        identifier = resource.get("identifier")
        if identifier:
            resources[identifier] = resource
    warnings: list[FormatWarning] = []
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
        question = read_document(
            files[member], Location(file=source, field_path=(member,)), warnings, attachments
        )
        _read_metadata(resource, question)
        restore_markdown(resource, question, warnings)
        questions.append(question)
    if not questions:
        found = ", ".join(sorted(other_types)) or "none"
        raise FormatError(
            f"the package has no QTI 2.x item resources (resource types found: {found})",
            where,
        )
    if any("test" in kind for kind in other_types):
        warnings.append(
            FormatWarning(
                "assessment tests (sections, item order, time limits) are not imported; "
                "their items are read from the manifest",
                where,
            )
        )
    unused = sorted(name for name in files if name not in used)
    if unused:
        shown = ", ".join(unused[:5]) + (" ..." if len(unused) > 5 else "")
        warnings.append(
            FormatWarning(
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
            name = local_name(child.tag)
            if name == "file" and child.get("href"):
                path = _member(current_base, child.get("href", ""))
                if path and path not in paths:
                    paths.append(path)
            elif name == "dependency":
                target = resources.get(child.get("identifierref", ""))
                key = child.get("identifierref", "")
                if target is not None and key not in seen:
                    seen.add(key)
                    pending.append((target, xml_base(target, parents)))
    return paths


def _attachments(
    member: str,
    paths: list[str],
    files: dict[str, bytes],
    used: set[str],
    where: Location,
    warnings: list[FormatWarning],
) -> dict[str, Attachment]:
    """The item's files other than itself, by their path relative to the item's folder."""
    folder = posixpath.dirname(member)
    found: dict[str, Attachment] = {}
    for path in paths:
        if path == member:
            continue
        if path not in files:
            warnings.append(
                FormatWarning(f"the manifest lists {path!r}, which is not in the package", where)
            )
            continue
        relative = posixpath.relpath(path, folder or ".")
        if relative.startswith("../"):
            warnings.append(
                FormatWarning(
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
    for metadata in (child for child in resource if local_name(child.tag) == "metadata"):
        for keyword in descendants(metadata, "keyword"):
            for string in descendants(keyword, "string"):
                value = "".join(string.itertext()).strip()
                if value and value not in question.tags:
                    question.tags.append(value)
        for taxon_path in descendants(metadata, "taxonPath"):
            parts = [
                "".join(string.itertext()).strip()
                for entry in descendants(taxon_path, "entry")
                for string in descendants(entry, "string")
            ]
            if any(parts) and question.category is None:
                question.category = "/".join(part for part in parts if part)


def _member(base: str, href: str) -> str | None:
    """The zip member an href names, or None when it points outside the package."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    if path.startswith(("../", "/")) or path == "..":
        return None
    return path


# -- writing -----------------------------------------------------------------------------------


def zip_package(files: dict[str, bytes]) -> bytes:
    """The zip of ``files`` (path -> content), with fixed dates so that it is reproducible."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def manifest(resources: list[str]) -> str:
    """The ``imsmanifest.xml`` listing ``resources``."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest xmlns="{CP_NS}" xmlns:xsi="{XSI_NS}" identifier="MANIFEST-pmpath"'
        f' xsi:schemaLocation="{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd">\n'
        "  <metadata>\n    <schema>QTIv2.1 Package</schema>\n"
        "    <schemaversion>1.0.0</schemaversion>\n  </metadata>\n"
        "  <organizations/>\n  <resources>\n" + "".join(resources) + "  </resources>\n"
        "</manifest>\n"
    )


def resource(
    identifier: str,
    href: str,
    files: list[str],
    question: QuizQuestion,
    sources: list[tuple[str, str]],
) -> str:
    """The manifest ``resource`` of one item: its files, and its metadata (tags, category,
    Markdown sources)."""
    lines = [
        f'    <resource identifier="{escape_attribute(identifier)}" type="{ITEM_RESOURCE}"'
        f' href="{escape_attribute(quote(href))}">\n'
    ]
    metadata = _lom(question) + markdown_sources(sources)
    if metadata:
        lines.append(f"      <metadata>\n{metadata}      </metadata>\n")
    lines += [f'      <file href="{escape_attribute(quote(path))}"/>\n' for path in files]
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
            f"            <keyword><string>{escape(tag)}</string></keyword>\n"
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
            f"              <taxon><entry><string>{escape(part)}</string></entry></taxon>\n"
            for part in question.category.split("/")
            if part
        ]
        parts.append("            </taxonPath>\n          </classification>\n")
    parts.append("        </lom>\n")
    return "".join(parts)
