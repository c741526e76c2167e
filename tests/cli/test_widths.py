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
    # Names, not ids, in these: what must fit is every line.
    "actions": (["actions"], []),
    "certifications": (["certifications"], []),
    "specialisations": (["specialisations"], []),
    "exits": (["exits"], [exit.id for exit in FRAMEWORK.exits]),
    "bank list": (["bank", "list"], ["pm-core"]),
    "bank items": (["bank", "items", "--domain", "technical-fluency"], ["tech-001", "tech-052"]),
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


def test_prose_in_narrow_columns_is_stacked_instead(
    pmpath: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmpath.cli import render

    # At 80 columns the actions' "What to do" would get 19 characters: a list reads better.
    monkeypatch.setattr(render.console, "width", 80)
    narrow = pmpath("actions").stdout
    assert "What to do: Spend a few hours a week" in narrow
    assert "┃" not in narrow
    monkeypatch.setattr(render.console, "width", 200)
    wide = pmpath("actions").stdout
    assert "┃ Action" in wide  # room enough: a table


def test_a_shortened_stem_ends_at_a_whole_word() -> None:
    from pmpath.cli.render import shortened

    stem = "Your team works in four-week Sprints. Near the end of one Sprint, the lead developer"
    assert shortened(stem, 200) == stem
    assert (
        shortened(stem, 75)
        == "Your team works in four-week Sprints. Near the end of one Sprint, the lead…"
    )
    assert shortened(stem, 37) == "Your team works in four-week Sprints…"  # a word ends at 36
