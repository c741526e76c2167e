"""Tables fit the terminal and never break an id (issue #16): at 60, 80 and 120 columns every
id is printed whole, and no line is wider than the terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pmpath.framework import bundled_framework_path, load_framework

Run = Callable[..., Any]
FRAMEWORK = load_framework(bundled_framework_path())
BLUEPRINTS = [
    "apm-readiness",
    "pm-foundations",
    "pm-readiness",
    "product-leadership-readiness",
    "scrum-master",
    "scrum-product-owner",
    "senior-pm-readiness",
]
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    "overview": ([], [role.id for role in FRAMEWORK.roles]),
    "roles": (["roles"], [role.id for role in FRAMEWORK.roles]),
    "exam list": (["exam", "list"], BLUEPRINTS),
    "backgrounds": (["backgrounds"], [background.id for background in FRAMEWORK.backgrounds]),
}


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_ids_stay_whole_and_lines_fit(
    pmpath: Run, monkeypatch: pytest.MonkeyPatch, width: int, command: str
) -> None:
    from pmpath.cli import render

    monkeypatch.setattr(render.console, "width", width)
    args, ids = COMMANDS[command]
    out = pmpath(*args)
    assert out.exit_code == 0, out.stderr
    words = set(out.stdout.replace("│", " ").replace(",", " ").split())
    missing = [identifier for identifier in ids if identifier not in words]
    assert not missing, f"ids broken or missing at {width} columns: {missing}"
    too_wide = [line for line in out.stdout.splitlines() if len(line) > width]
    assert not too_wide, f"{len(too_wide)} lines wider than {width}: {too_wide[:2]}"
