"""The interchange model written as a QTI 3.0 content package: QTI 2.1's package (see
:mod:`pmpath.formats.qti21`) respelled, with an assessment test that lists every item."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import unquote

from pmpath.errors import Location
from pmpath.formats import qti21
from pmpath.formats.qti21._package import zip_package
from pmpath.formats.qti21._serializing import escape_attribute
from pmpath.formats.qti21._tree import descendants, parse
from pmpath.formats.qti21._vocabulary import MANIFEST
from pmpath.formats.qti30._names import (
    ITEM_RESOURCE,
    QTI2_ITEM_RESOURCE,
    QTI3_NS,
    QTI3_SCHEMA,
    TEST_RESOURCE,
    message,
    to_qti3,
)
from pmpath.formats.quiz import FormatWarning, QuizQuestion
from pmpath.formats.safety import open_zip

TEST_FILE = "assessment-test.xml"
_CP2 = "http://www.imsglobal.org/xsd/imscp_v1p1"
_CP3 = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
_CP2_SCHEMA = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
_CP3_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[FormatWarning]]:
    """A QTI 3.0 content package (zip): one item file per question, an assessment test of
    them all and an imsmanifest.xml."""
    package, warnings = qti21.write(questions)
    warnings = [replace(each, message=message(each.message)) for each in warnings]
    files = open_zip(package, "export")
    manifest = parse(files[MANIFEST], Location(file=MANIFEST))
    items = [
        (resource.get("identifier", ""), unquote(resource.get("href", "")))
        for resource in descendants(manifest, "resource")
        if resource.get("type") == QTI2_ITEM_RESOURCE
    ]
    written = {MANIFEST: _manifest(files[MANIFEST].decode("utf-8"), items).encode("utf-8")}
    for name, content in files.items():
        if name != MANIFEST and any(name == href for _, href in items):
            content = to_qti3(content.decode("utf-8")).encode("utf-8")
        written.setdefault(name, content)
    if items:
        written[TEST_FILE] = _test(items).encode("utf-8")
    return zip_package(written), warnings


def _manifest(text: str, items: list[tuple[str, str]]) -> str:
    text = text.replace(f'type="{QTI2_ITEM_RESOURCE}"', f'type="{ITEM_RESOURCE}"')
    text = text.replace(_CP2_SCHEMA, _CP3_SCHEMA).replace(f'"{_CP2}', f'"{_CP3}')
    text = text.replace("<schema>QTIv2.1 Package</schema>", "<schema>QTI Package</schema>")
    text = text.replace(
        "<schemaversion>1.0.0</schemaversion>", "<schemaversion>3.0.0</schemaversion>"
    )
    if not items:
        return text
    test = (
        f'    <resource identifier="pmpath-test" type="{TEST_RESOURCE}" href="{TEST_FILE}">\n'
        f'      <file href="{TEST_FILE}"/>\n'
        + "".join(
            f'      <dependency identifierref="{escape_attribute(identifier)}"/>\n'
            for identifier, _ in items
        )
        + "    </resource>\n"
    )
    return text.replace("  </resources>", test + "  </resources>")


def _test(items: list[tuple[str, str]]) -> str:
    """One test part, one section, every item in the manifest's order."""
    refs = "".join(
        f'      <qti-assessment-item-ref identifier="{escape_attribute(identifier)}"'
        f' href="{escape_attribute(href)}"/>\n'
        for identifier, href in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<qti-assessment-test xmlns="{QTI3_NS}"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        f' xsi:schemaLocation="{QTI3_NS} {QTI3_SCHEMA}"'
        ' identifier="pmpath-test" title="Questions exported by pmpath">\n'
        '  <qti-test-part identifier="part-1" navigation-mode="nonlinear"'
        ' submission-mode="simultaneous">\n'
        '    <qti-assessment-section identifier="section-1" title="Questions" visible="true">\n'
        f"{refs}"
        "    </qti-assessment-section>\n"
        "  </qti-test-part>\n"
        "</qti-assessment-test>\n"
    )
