"""QTI 3.0 content packages and the writer: the 3.0 spelling of what is written, the manifest's
resource types, the assessment test, round trips and detection."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from pmpath.errors import FormatError
from pmpath.formats import qti21, qti30, registry
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text

FIXTURES = Path(__file__).parent / "fixtures"
ITEMS = sorted(path.name for path in FIXTURES.glob("*.xml"))
QTI3 = "{http://www.imsglobal.org/xsd/imsqtiasi_v3p0}"
QTI21_FIXTURES = Path(__file__).parent.parent / "fixtures" / "qti21"


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def manifest(resources: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"'
        ' identifier="M1">\n  <metadata><schema>QTI Package</schema>'
        "<schemaversion>3.0.0</schemaversion></metadata>\n  <organizations/>\n"
        f"  <resources>\n{resources}  </resources>\n</manifest>\n"
    ).encode()


def hand_package() -> bytes:
    """A package by hand: two items in a folder, and a test that references them."""
    resources = (
        '    <resource identifier="order" type="imsqti_item_xmlv3p0" href="items/order.xml">\n'
        '      <file href="items/order.xml"/>\n    </resource>\n'
        '    <resource identifier="choice" type="imsqti_item_xmlv3p0" href="items/choice.xml">\n'
        '      <file href="items/choice.xml"/>\n    </resource>\n'
        '    <resource identifier="test" type="imsqti_test_xmlv3p0" href="test.xml">\n'
        '      <file href="test.xml"/>\n      <dependency identifierref="order"/>\n'
        '      <dependency identifierref="choice"/>\n    </resource>\n'
    )
    test = (
        b'<qti-assessment-test xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"'
        b' identifier="test" title="T"><qti-test-part identifier="p" navigation-mode="linear"'
        b' submission-mode="individual"><qti-assessment-section identifier="s" title="S"'
        b' visible="true"><qti-assessment-item-ref identifier="order" href="items/order.xml"/>'
        b"</qti-assessment-section></qti-test-part></qti-assessment-test>"
    )
    return make_zip(
        {
            "imsmanifest.xml": manifest(resources),
            "items/order.xml": (FIXTURES / "order.xml").read_bytes(),
            "items/choice.xml": (FIXTURES / "choice.xml").read_bytes(),
            "test.xml": test,
        }
    )


def members(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# -- reading packages ------------------------------------------------------------------------


def test_a_package_gives_its_items_in_manifest_order_with_member_and_line() -> None:
    result = qti30.read(hand_package(), "pack.zip")
    assert [q.name for q in result.questions] == ["Life cycle", "North star metric"]
    assert result.questions[0].source.field_path == ("items/order.xml",)
    assert result.questions[0].source.line == 2


def test_a_package_test_is_reported_once_and_its_file_is_not_reported_as_unused() -> None:
    messages = [w.message for w in qti30.read(hand_package(), "pack.zip").warnings]
    assert len(messages) == 1
    assert messages[0].startswith("assessment tests (sections, item order, time limits)")


def test_a_package_without_3_0_item_resources_says_so_in_3_0_terms() -> None:
    data = make_zip({"imsmanifest.xml": manifest("")})
    with pytest.raises(FormatError) as caught:
        qti30.read(data, "empty.zip")
    assert "has no QTI 3.0 item resources" in str(caught.value)


def test_a_manifest_naming_a_missing_item_names_the_resource_line() -> None:
    resources = '    <resource identifier="x" type="imsqti_item_xmlv3p0" href="gone.xml"/>\n'
    with pytest.raises(FormatError) as caught:
        qti30.read(make_zip({"imsmanifest.xml": manifest(resources)}), "p.zip")
    [problem] = caught.value.problems
    assert "gone.xml" in problem.message
    assert problem.location.line == 6


def test_a_highly_compressible_stored_member_stays_within_the_bomb_ratio() -> None:
    # Stored, 3 MB of spaces passes the zip-bomb check; deflated again it would not.
    filler = b"<p>" + b" " * 3_000_000 + b"</p>"
    item = (
        (FIXTURES / "choice.xml")
        .read_bytes()
        .replace(b"<qti-item-body>", b"<qti-item-body>" + filler)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(
            "imsmanifest.xml",
            manifest('    <resource identifier="c" type="imsqti_item_xmlv3p0" href="c.xml"/>\n'),
        )
        archive.writestr("c.xml", item)
    [question] = qti30.read(buffer.getvalue(), "big.zip").questions
    assert question.name == "North star metric"


# -- writing ---------------------------------------------------------------------------------


def written(questions: list[QuizQuestion]) -> dict[str, bytes]:
    data, _ = qti30.write(questions)
    return members(data)


def test_written_items_are_in_the_3_0_namespace_with_3_0_names_only() -> None:
    files = written(qti30.read((FIXTURES / "match.xml").read_bytes(), "m.xml").questions)
    [name] = [n for n in files if n not in ("imsmanifest.xml", "assessment-test.xml")]
    root = ElementTree.fromstring(files[name])
    assert root.tag == f"{QTI3}qti-assessment-item"
    tags = {element.tag.removeprefix(QTI3) for element in root.iter()}
    assert {
        "qti-match-interaction",
        "qti-simple-match-set",
        "qti-simple-associable-choice",
        "qti-response-declaration",
        "qti-correct-response",
        "qti-item-body",
    } <= tags
    assert all(tag.startswith("qti-") or tag in ("p", "div") for tag in tags), tags
    attributes = {key for element in root.iter() for key in element.attrib if ":" not in key}
    assert "response-identifier" in attributes
    assert not [key for key in attributes if re.search("[A-Z]", key)]


def test_written_templates_are_the_3_0_uris() -> None:
    files = written(qti30.read((FIXTURES / "order.xml").read_bytes(), "o.xml").questions)
    text = files["life-cycle.xml"].decode()
    assert 'template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct"' in text
    assert "qti_v2p1" not in text


def test_written_modal_feedback_wraps_its_content_in_a_content_body() -> None:
    files = written(qti30.read((FIXTURES / "choice.xml").read_bytes(), "c.xml").questions)
    root = ElementTree.fromstring(files["north-star.xml"])
    [feedback] = root.iter(f"{QTI3}qti-modal-feedback")
    [body] = list(feedback)
    assert body.tag == f"{QTI3}qti-content-body"
    assert "".join(body.itertext()) == "See Lean Analytics, chapter 2."


def test_the_manifest_lists_3_0_items_and_a_test_of_them_all() -> None:
    questions = [qti30.read((FIXTURES / n).read_bytes(), n).questions[0] for n in ITEMS]
    files = written(questions)
    root = ElementTree.fromstring(files["imsmanifest.xml"])
    resources = [e for e in root.iter() if e.tag.endswith("}resource")]
    kinds = [r.get("type") for r in resources]
    assert kinds == ["imsqti_item_xmlv3p0"] * len(ITEMS) + ["imsqti_test_xmlv3p0"]
    test = ElementTree.fromstring(files["assessment-test.xml"])
    assert test.tag == f"{QTI3}qti-assessment-test"
    refs = [ref.get("href") for ref in test.iter(f"{QTI3}qti-assessment-item-ref")]
    assert refs == [r.get("href") for r in resources[:-1]]
    assert all(ref in files for ref in refs)


def test_writer_warnings_speak_of_qti_3_0() -> None:
    question = QuizQuestion(
        type=QType.NUMERICAL,
        text=Text("How many?"),
        answers=[Answer(Text("3"), 1.0, value=3.0)],
        hints=[Text("Count")],
    )
    _, warnings = qti30.write([question])
    assert [w.message for w in warnings] == [
        "1 hint(s) are not written (QTI 3.0 hints need adaptive items)"
    ]


# -- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ITEMS)
def test_round_trip_keeps_every_question(name: str) -> None:
    first = qti30.read((FIXTURES / name).read_bytes(), name)
    second = qti30.read(qti30.write(first.questions)[0], "again.zip")
    assert second.questions == first.questions


def test_gap_match_and_inline_choice_are_written_back_in_3_0() -> None:
    questions = [
        qti30.read((FIXTURES / n).read_bytes(), n).questions[0]
        for n in ("gap_match.xml", "inline_choice.xml")
    ]
    files = written(questions)
    gaps = ElementTree.fromstring(files["okr-gaps.xml"])
    assert [g.get("identifier") for g in gaps.iter(f"{QTI3}qti-gap")] == ["G1", "G2"]
    assert len(list(gaps.iter(f"{QTI3}qti-gap-text"))) == 3
    inline = ElementTree.fromstring(files["kano.xml"])
    assert len(list(inline.iter(f"{QTI3}qti-inline-choice"))) == 2


@pytest.mark.parametrize("name", sorted(p.name for p in QTI21_FIXTURES.glob("*.xml")))
def test_a_qti_2_1_item_written_as_3_0_reads_back_as_the_same_question(name: str) -> None:
    """QTI 2.1 and 3.0 hold the same model: 2.1 in, 3.0 out, 3.0 in loses nothing."""
    first = qti21.read((QTI21_FIXTURES / name).read_bytes(), name).questions
    assert qti30.read(qti30.write(first)[0], "as-3.zip").questions == first


# -- detection -------------------------------------------------------------------------------


def test_a_3_0_item_and_test_are_detected() -> None:
    assert registry.detect((FIXTURES / "choice.xml").read_bytes(), "x.xml") == "qti30"
    assert registry.detect(b"<qti-assessment-test identifier='t'/>", "t.xml") == "qti30"


def test_a_3_0_package_is_detected_by_its_manifest() -> None:
    assert registry.detect(hand_package(), "p.zip") == "qti30"
    data, _ = qti30.write(qti30.read((FIXTURES / "order.xml").read_bytes(), "o").questions)
    assert registry.detect(data, "export.zip") == "qti30"


def test_qti_2_1_is_still_detected_as_2_1() -> None:
    data = (QTI21_FIXTURES / "order.xml").read_bytes()
    assert registry.detect(data, "o.xml") == "qti21"
    assert registry.detect(qti21.write(qti21.read(data, "o").questions)[0], "p.zip") == "qti21"
