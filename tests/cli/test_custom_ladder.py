"""A ladder written from docs/framework-format.md alone works with every command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import line_number

Run = Callable[..., Any]


@pytest.fixture
def ladder_file(tmp_path: Path, ladder_text: str) -> str:
    path = tmp_path / "product-design.yaml"
    path.write_text(ladder_text, encoding="utf-8")
    return str(path)


def test_it_validates(pmpath: Run, ladder_file: str) -> None:
    out = pmpath("framework", "validate", ladder_file)
    assert out.exit_code == 0
    assert "valid framework 'product-design'" in out.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("overview",),
        ("roles",),
        ("role", "design-manager"),
        ("role", "design-consultancy"),
        ("path", "designer", "design-manager"),
        ("diff", "senior-designer", "design-manager"),
        ("stages",),
        ("competencies",),
        ("backgrounds",),
        ("background", "graphic-design"),
        ("certifications",),
        ("actions",),
        ("specialisations",),
        ("exits",),
    ],
)
def test_every_command_works_with_it(pmpath: Run, ladder_file: str, args: tuple[str, ...]) -> None:
    human = pmpath(*args, "--framework", ladder_file)
    assert human.exit_code == 0, human.stderr
    assert human.stdout.strip()
    machine = pmpath(*args, "--framework", ladder_file, "--json")
    assert machine.exit_code == 0, machine.stderr
    assert machine.json()


def test_the_documented_examples_hold(pmpath: Run, ladder_file: str) -> None:
    roles = pmpath("roles", "-f", ladder_file, "--json").json()
    assert [r["id"] for stage in roles["stages"] for r in stage["roles"]] == [
        "designer",
        "senior-designer",
        "staff-designer",
        "design-manager",
        "design-consultancy",
    ]
    paths = pmpath("path", "designer", "design-consultancy", "-f", ladder_file, "--json").json()
    assert len(paths["paths"]) == 2
    diff = pmpath("diff", "senior-designer", "design-manager", "-f", ladder_file, "--json").json()
    coaching = next(c for c in diff["rising"] if c["competency"] == "coaching")
    assert (coaching["from"], coaching["to"]) == (2, 3)
    assert diff["new_must_haves"] == ["coaching"]


def test_the_environment_variable_selects_the_framework(
    pmpath: Run, ladder_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMPATH_FRAMEWORK", ladder_file)
    assert pmpath("role", "designer", "--json").json()["name"] == "Product Designer"


def test_the_documented_falling_error(pmpath: Run, tmp_path: Path, ladder_text: str) -> None:
    text = ladder_text.replace(
        "      research: 3\n      coaching: 2\n", "      research: 1\n      coaching: 2\n"
    )
    path = tmp_path / "our-ladder.yaml"
    path.write_text(text, encoding="utf-8")
    out = pmpath("framework", "validate", str(path))
    assert out.exit_code == 2
    line = line_number(text, "      research: 1", occurrence=2)
    assert out.stderr == (
        f"error: {path}:{line}: roles[2].expectations.research: expectation falls along the "
        "individual-contributor track: 2 in 'senior-designer' "
        "but 1 in 'staff-designer', its next role\n"
    )
