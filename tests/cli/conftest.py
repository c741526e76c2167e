"""Running the ``pmpath`` command in-process, the way a user would type it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
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
def pmpath(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.delenv("PMPATH_FRAMEWORK", raising=False)
    monkeypatch.delenv("PMPATH_PROFILE", raising=False)
    # Never the user's own database: each test gets a SQLite file of its own.
    monkeypatch.setenv("PMPATH_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("COLUMNS", "160")
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Outcome:
        result = runner.invoke(app, list(args), prog_name="pmpath", input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return run
