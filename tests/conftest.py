"""Shared fixtures: the small example ladder of docs/framework-format.md, and file helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


def example_ladder_text() -> str:
    """The YAML block under "A complete small ladder" in docs/framework-format.md."""
    page = (DOCS / "framework-format.md").read_text(encoding="utf-8")
    section = page.split("## A complete small ladder", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match, "docs/framework-format.md lost its example ladder"
    return match.group(1)


@pytest.fixture
def ladder_text() -> str:
    return example_ladder_text()


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(text: str, name: str = "ladder.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def line_number(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line on which ``fragment`` appears for the ``occurrence``-th time."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{fragment!r} not found {occurrence} time(s)")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)
