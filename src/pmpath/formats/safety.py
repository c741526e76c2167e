"""Reading untrusted files safely: size limits, XML without entities, zips without bombs.

Every format reader goes through these, so a hostile file is refused with a clear
:class:`FormatError` instead of exhausting memory or writing outside where it should.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from pmpath.errors import FormatError, Location

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # a member may unpack to at most 200x its compressed size


def check_size(data: bytes, source: str, limit: int = MAX_FILE_BYTES) -> None:
    if len(data) > limit:
        raise FormatError(
            f"file is {len(data) // 2**20} MiB, more than the {limit // 2**20} MiB limit",
            Location(file=source),
        )


def decode_text(data: bytes, source: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else a clear error.

    Windows-1252 is accepted as a last resort only when the bytes cannot be UTF-8 and contain
    no control characters, which is how older LMS exports arrive; anything else is refused
    rather than guessed.
    """
    check_size(data, source)
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FormatError("is not valid UTF-16 text", Location(file=source)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = ""
        if text and not any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
            return text
        raise FormatError(
            "is not UTF-8 text (save it as UTF-8 and try again)", Location(file=source, line=line)
        ) from None


def parse_xml(data: bytes, source: str) -> Any:
    """An ElementTree root from untrusted XML: DTDs, entities and external references refused."""
    import xml.etree.ElementTree as ElementTree

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    check_size(data, source)
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FormatError(f"refused unsafe XML: {exc}", Location(file=source)) from None
    except ElementTree.ParseError as exc:
        line, _column = exc.position
        raise FormatError(f"invalid XML: {exc.msg}", Location(file=source, line=line)) from None
    except (LookupError, ValueError) as exc:
        # An unknown or unsupported encoding declared in the XML prolog.
        raise FormatError(
            f"unreadable XML encoding: {exc}", Location(file=source, line=1)
        ) from None


def open_zip(data: bytes, source: str) -> dict[str, bytes]:
    """The members of a zip archive, after checking it is not a bomb and has no unsafe paths."""
    check_size(data, source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FormatError(f"not a valid zip archive: {exc}", Location(file=source)) from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise FormatError(
            f"the archive has more than {MAX_ZIP_MEMBERS} entries", Location(file=source)
        )
    total = 0
    files: dict[str, bytes] = {}
    for member in members:
        name = member.filename
        if (
            name.startswith(("/", "\\"))
            or ".." in name.replace("\\", "/").split("/")
            or ":" in name
        ):
            raise FormatError(
                f"refused the archive entry {name!r}: its path leaves the archive",
                Location(file=source),
            )
        if member.is_dir():
            continue
        total += member.file_size
        if total > MAX_UNPACKED_BYTES:
            raise FormatError("the archive unpacks to more than 200 MiB", Location(file=source))
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
            raise FormatError(
                f"refused the archive entry {name!r}: it compresses suspiciously well "
                "(a zip bomb?)",
                Location(file=source),
            )
        try:
            content = archive.read(member)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error) as exc:
            raise FormatError(
                f"cannot read the archive entry {name!r}: {exc}", Location(file=source)
            ) from None
        if len(content) != member.file_size:
            raise FormatError(
                f"the archive entry {name!r} is not the size it claims", Location(file=source)
            )
        files[name] = content
    return files
