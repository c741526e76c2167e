"""Running the ``pmpath`` command in-process, the way a user would type it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from pmpath.cli.app import app


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def pmpath(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("PMPATH_FRAMEWORK", raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    runner = CliRunner()

    def run(*args: str) -> Outcome:
        result = runner.invoke(app, list(args), prog_name="pmpath")
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return run
