"""Shared fixtures: the small example ladder of docs/framework-format.md, and file helpers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

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


def bundled_bank_size() -> tuple[int, int]:
    """(items, scenario texts) of the bundled bank, counted from its content, so tests that
    check counts follow the bank as it grows."""
    from pmpath.framework import bundled_framework_path, load_framework
    from pmpath.services.banks import open_bank

    bank = open_bank(load_framework(bundled_framework_path()))
    return len(bank.items), len(bank.scenarios)


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


# -- databases: every storage test runs on SQLite and, when a server is given, PostgreSQL --

POSTGRES_ENV = "PMPATH_TEST_POSTGRES_URL"


@contextmanager
def own_postgres_database(
    prefix: str, why: str = "PostgreSQL cases need a server"
) -> Iterator[str]:
    """A new, empty PostgreSQL database on PMPATH_TEST_POSTGRES_URL's server, dropped after;
    the test is skipped, saying ``why``, when that variable is unset."""
    import os
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: {why} (.ci/run sets it)")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    with own_postgres_database("pmpath_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database URL: a SQLite file, or the session's PostgreSQL database."""
    from sqlalchemy import text

    from pmpath.store import Database

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pmpath.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    database = Database(url)
    database.upgrade()
    with database.transaction() as session:
        # Every table pmpath has, so a new one (an LMS platform, a badge's status entry, the
        # xAPI settings) never carries over from one test to the next.
        from pmpath.store.tables import Base

        tables = ", ".join(sorted(Base.metadata.tables))
        session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    database.dispose()
    yield url


# -- the command line, run in-process the way a user types it --


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def terminal_80(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's Rich console as a terminal 80 columns wide. Rich reads COLUMNS once,
    when the console is made (on the first import of pmpath.cli.render), so setting COLUMNS in
    a test is not enough when an earlier test imported it at another width."""
    from rich.console import Console

    from pmpath.cli import render

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(render, "console", Console(highlight=False, markup=False, width=80))


@pytest.fixture
def pmpath(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.delenv("PMPATH_FRAMEWORK", raising=False)
    monkeypatch.delenv("PMPATH_PROFILE", raising=False)
    # Never the user's own database: each test gets a SQLite file of its own.
    monkeypatch.setenv("PMPATH_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("COLUMNS", "160")
    from pmpath.cli.app import app

    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Outcome:
        result = runner.invoke(app, list(args), prog_name="pmpath", input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return run


def assert_no_answers_revealed(questions: Sequence[BaseModel | dict[str, Any]]) -> None:
    """Questions as a learner sees them before the end (as JSON, or the service's models): no
    key, feedback or rationale fields."""
    shown = {
        "position",
        "item_id",
        "type",
        "domain",
        "level",
        "stem",
        "scenario",
        "options",
        "lefts",
        "unit",
        "gaps",  # a gap item's gaps: each its number and the options it offers, never its key
        "response",
        "flagged",
        "due",
        "reviews",
    }
    for shape in questions:
        question = shape.model_dump(mode="json") if isinstance(shape, BaseModel) else shape
        assert set(question) <= shown, set(question) - shown
        assert all(set(option) == {"id", "text"} for option in question["options"])
        assert all(set(gap) == {"number", "choices"} for gap in question.get("gaps", []))


def as_shown(item: Any, question: BaseModel | dict[str, Any], response: Any) -> Any:
    """``response``, written in ``item``'s authored option ids, in the ids ``question`` (a view
    of the item, or its JSON) shows the options under (see pmpath.exams.shown)."""
    from pmpath.exams.shown import Shown

    shown = question.model_dump(mode="json") if isinstance(question, BaseModel) else question
    by_text = {option.text: option.id for option in item.options}
    order = [by_text[option["text"]] for option in shown["options"]]
    return Shown(item, order).response_out(response)


def right_answer(item: Any, question: BaseModel | dict[str, Any]) -> Any:
    """A full-credit answer to ``question`` (showing ``item``), in the ids it shows."""
    from pmpath.exams.scoring import correct_response

    return as_shown(item, question, correct_response(item))
