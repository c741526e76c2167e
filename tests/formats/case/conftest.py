"""Shared material of the CASE tests: the bundled ladder, its package and the fixtures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pmpath.formats.case import ExportOptions, package
from pmpath.framework import Framework, bundled_framework_path, load_framework

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="session")
def ladder() -> Framework:
    return load_framework(bundled_framework_path())


@pytest.fixture
def exported(ladder: Framework) -> dict[str, Any]:
    """The bundled ladder's CFPackage as JSON values (a fresh copy per test, to edit)."""
    return package(ladder, ExportOptions(changed_at=WHEN))


def as_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
