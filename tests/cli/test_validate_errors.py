"""``pmpath framework validate`` on each kind of broken ladder: the line printed, exit code 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import line_number, replace_once

Run = Callable[..., Any]

# case: (text to replace, replacement, the line's text [, occurrence], field path, message start)
CASES: dict[str, tuple[Any, ...]] = {
    "broken YAML": (
        "    name: Product Designer\n",
        "    name: Product: Designer\n",
        "name: Product: Designer",
        "",
        "invalid YAML: mapping values are not allowed here",
    ),
    "unknown id": (
        "next_roles: [senior-designer]",
        "next_roles: [lead-designer]",
        "next_roles: [lead-designer]",
        "roles[0].next_roles[0]",
        "unknown role id 'lead-designer'",
    ),
    "duplicate id": (
        "  - id: coaching\n",
        "  - id: research\n",
        ("- id: research", 2),
        "competencies[2].id",
        "duplicate id 'research' (first used at competencies[1])",
    ),
    "level outside the scale": (
        "      research: 1\n",
        "      research: 6\n",
        "research: 6",
        "roles[0].expectations.research",
        "level 6 is outside the scale (1-4)",
    ),
    "cycle": (
        "next_roles: [staff-designer, design-manager]",
        "next_roles: [staff-designer, design-manager, designer]",
        "next_roles: [senior-designer]",
        "roles[0].next_roles[0]",
        "next roles form a cycle: designer -> senior-designer -> designer",
    ),
    "unreachable role": (
        "next_roles: [staff-designer, design-manager]",
        "next_roles: [design-manager]",
        "- id: staff-designer",
        "roles[2].id",
        "role 'staff-designer' cannot be reached from any entry role",
    ),
    "falling expectation": (
        "      coaching: {level: 3, weight: 2, must_have: true}\n",
        "      coaching: {level: 1, weight: 2, must_have: true}\n",
        "coaching: {level: 1",
        "roles[3].expectations.coaching",
        "expectation falls along the people-leader track: 2 in 'senior-designer' but 1",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_error_names_file_line_and_field(
    pmpath: Run, tmp_path: Path, ladder_text: str, case: str
) -> None:
    old, new, line_fragment, field, message = CASES[case]
    text = replace_once(ladder_text, old, new)
    path = tmp_path / "ladder.yaml"
    path.write_text(text, encoding="utf-8")

    out = pmpath("framework", "validate", str(path))

    assert out.exit_code == 2
    assert out.stdout == ""
    fragment, occurrence = line_fragment if isinstance(line_fragment, tuple) else (line_fragment, 1)
    where = f"{path}:{line_number(text, fragment, occurrence)}"
    expected = f"error: {where}: {field}: {message}" if field else f"error: {where}: {message}"
    assert out.stderr.splitlines()[0].startswith(expected)
