"""Which format a file is in, and the module that reads and writes it."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from pmpath.errors import FormatError, Location

#: name -> (module, can read, can write, file extension for exports)
FORMATS: dict[str, tuple[str, bool, bool, str]] = {
    "gift": ("pmpath.formats.gift", True, True, ".gift"),
    "moodle-xml": ("pmpath.formats.moodle_xml", True, True, ".xml"),
    "aiken": ("pmpath.formats.aiken", True, True, ".txt"),
    "qti12": ("pmpath.formats.qti12", True, True, ".zip"),
    "qti21": ("pmpath.formats.qti21", True, True, ".zip"),
    "qti30": ("pmpath.formats.qti30", True, True, ".zip"),
    "csv": ("pmpath.formats.csv", True, True, ".csv"),
    "anki": ("pmpath.formats.anki", False, True, ".apkg"),
}


#: How a page names each format.
LABELS = {
    "gift": "GIFT (Moodle)",
    "moodle-xml": "Moodle XML",
    "aiken": "Aiken",
    "qti12": "QTI 1.2 (Canvas)",
    "qti21": "QTI 2.1",
    "qti30": "QTI 3.0",
    "csv": "CSV",
    "anki": "Anki",
}

#: The collection inside an Anki package, by Anki's versions (2.0, 2.1, 2.1.50 and later).
ANKI_COLLECTIONS = ("collection.anki2", "collection.anki21", "collection.anki21b")


def module(name: str, writing: bool = False) -> ModuleType:
    """The module of format ``name``; unknown names and unsupported directions are bad input."""
    if name not in FORMATS:
        raise FormatError(f"unknown format {name!r}; formats: {', '.join(FORMATS)}")
    path, reads, writes, _ = FORMATS[name]
    if writing and not writes:
        raise FormatError(f"pmpath cannot write {name} files")
    if not writing and not reads:
        raise FormatError(f"pmpath cannot read {name} files (it only exports them)")
    return importlib.import_module(path)


def detect(data: bytes, source: str) -> str:
    """The format of a file, from its content first and its extension second."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    suffix = Path(source).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data, source)
    if head.startswith(b"<"):
        text = head.decode("utf-8", "replace")
        if "<quiz" in text:
            return "moodle-xml"
        if "questestinterop" in text:
            return "qti12"
        if "imsqtiasi_v3p0" in text or "<qti-assessment-" in text:
            return "qti30"
        if "assessmentItem" in text or "imsqti_v2p1" in text:
            return "qti21"
        raise FormatError(
            "an XML file that is neither Moodle XML nor QTI; give --format", Location(file=source)
        )
    if suffix == ".csv":
        return "csv"
    if suffix == ".gift":
        return "gift"
    text = head.decode("utf-8", "replace")
    if "{" in text or "::" in text or "$CATEGORY" in text:
        return "gift"
    if "ANSWER:" in text.upper():
        return "aiken"
    header = text.splitlines()[0].lower() if text else ""
    if ("," in header or ";" in header) and ("type" in header or "option_a" in header):
        return "csv"
    raise FormatError(
        "cannot tell the file's format from its content; give --format", Location(file=source)
    )


def _zip_format(data: bytes, source: str) -> str:
    from pmpath.formats.safety import open_zip

    files = open_zip(data, source)
    if any(name in files for name in ANKI_COLLECTIONS):
        raise FormatError(
            "an Anki package (.apkg): Anki packages are export-only; pmpath writes them but "
            "cannot import them",
            Location(file=source),
        )
    manifest = files.get("imsmanifest.xml", b"").decode("utf-8", "replace")
    if "imsqti_item_xmlv3p0" in manifest or "imsqtiasi_v3p0" in manifest:
        return "qti30"
    if "imsqti_item_xmlv2p1" in manifest or "imsqti_v2p1" in manifest:
        return "qti21"
    if manifest or any(b"questestinterop" in content[:2000] for content in files.values()):
        return "qti12"
    raise FormatError("a zip archive that is not a QTI package", Location(file=source))
