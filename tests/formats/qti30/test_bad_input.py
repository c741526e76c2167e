"""Arbitrary and hostile input to the QTI 3.0 reader gives questions or a located FormatError."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmpath.errors import FormatError
from pmpath.formats import qti30
from tests.formats.fuzzing import assert_only_format_errors

FIXTURES = Path(__file__).parent / "fixtures"
ITEMS = sorted(path.name for path in FIXTURES.glob("*.xml"))
ATTRIBUTE = re.compile(rb'="([^"]*)"')
TAG = re.compile(rb"</?qti-([a-z-]+)")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_read_or_raise_format_error(data: bytes) -> None:
    assert_only_format_errors(qti30.read, data, "fuzz.xml")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_zip_like_bytes_read_or_raise_format_error(data: bytes) -> None:
    assert_only_format_errors(qti30.read, b"PK\x03\x04" + data, "fuzz.zip")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_reads_or_raises_format_error(text: str) -> None:
    assert_only_format_errors(qti30.read, text.encode("utf-8", "surrogatepass"), "fuzz.xml")


SAFE_VALUE = st.text(max_size=12).map(lambda text: re.sub('["<&]', "", text).encode())
ELEMENT_NAME = st.from_regex(r"[a-z]{1,8}(-[a-z]{1,8})?", fullmatch=True).map(str.encode)


def mutated(data: bytes, pattern: re.Pattern[bytes], draw: st.DataObject, values: Any) -> bytes:
    """``data`` with up to three matches of ``pattern`` (its group 1) replaced by drawn values."""
    for _ in range(draw.draw(st.integers(min_value=1, max_value=3))):
        spans = [match.span(1) for match in pattern.finditer(data)]
        start, end = draw.draw(st.sampled_from(spans))
        data = data[:start] + draw.draw(values) + data[end:]
    return data


@pytest.mark.parametrize(
    ("pattern", "values"),
    [(ATTRIBUTE, SAFE_VALUE), (TAG, ELEMENT_NAME)],
    ids=["changed attribute values", "renamed elements"],
)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ITEMS), st.data())
def test_mutated_fixtures_read_or_raise_format_error(
    pattern: re.Pattern[bytes], values: Any, name: str, draw: st.DataObject
) -> None:
    data = mutated((FIXTURES / name).read_bytes(), pattern, draw, values)
    assert_only_format_errors(qti30.read, data, name)


def test_a_damaged_zip_is_bad_input_located_at_the_zip() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", b"<manifest/>" * 100)
    data = bytearray(buffer.getvalue())
    data[40:70] = b"\xff" * 30
    with pytest.raises(FormatError) as caught:
        qti30.read(bytes(data), "p.zip")
    assert caught.value.problems[0].location.file == "p.zip"


def test_a_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", b"<manifest/>")
        archive.writestr("big.xml", b"\0" * 5_000_000)
    with pytest.raises(FormatError, match="compresses suspiciously well"):
        qti30.read(buffer.getvalue(), "bomb.zip")


def test_entities_are_refused() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0">&a;'
        b"</qti-assessment-item>"
    )
    with pytest.raises(FormatError) as caught:
        qti30.read(data, "e.xml")
    assert caught.value.problems[0].location.file == "e.xml"


def test_a_file_over_the_size_limit_is_refused() -> None:
    with pytest.raises(FormatError, match="MiB limit"):
        qti30.read(b"<" + b" " * (50 * 1024 * 1024), "huge.xml")
