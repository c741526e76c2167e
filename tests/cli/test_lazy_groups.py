"""Command groups loaded only when used (pmpath.cli.app.LAZY_GROUPS): `pmpath --help` lists
them with their own help without importing them, and each works when named."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from pmpath.cli.app import LAZY_GROUPS, app

runner = CliRunner()


@pytest.mark.parametrize("name", sorted(LAZY_GROUPS))
def test_the_help_line_is_the_groups_own(name: str) -> None:
    module, line = LAZY_GROUPS[name]
    group = get_command(importlib.import_module(module).app)
    assert group.get_short_help_str(limit=200) == line


def test_help_lists_every_lazy_group_without_importing_it() -> None:
    probe = (
        "import sys; from pmpath.cli.app import main, LAZY_GROUPS; sys.argv = ['pmpath', '-h']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print([m for m, _ in LAZY_GROUPS.values() if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    for name in LAZY_GROUPS:
        assert f"\n  {name} " in done.stdout


@pytest.mark.parametrize("name", sorted(LAZY_GROUPS))
def test_a_lazy_group_answers_when_named(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: pmpath {name} [OPTIONS] COMMAND [ARGS]..." in result.output


def test_a_typo_of_a_lazy_group_is_suggested() -> None:
    result = runner.invoke(app, ["orgg"])
    assert result.exit_code == 2
    assert "no such command 'orgg'; did you mean 'org'?" in result.output
