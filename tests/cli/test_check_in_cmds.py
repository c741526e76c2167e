"""``pmpath check-in``: goals, a recorded check-in, the history and a team's CSV on the command
line, acting as the account given by --as with the web's permission checks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmpath.assessment import Rating, SelfAssessment
from pmpath.cli.app import app
from pmpath.cli.application import application
from tests.services.test_teams import _account, _join

runner = CliRunner()


@pytest.fixture
def acme(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Acme Products: Ada (admin) manages Growth, with Mia and Pat; Otto is outside."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COLUMNS", "120")
    application.cache_clear()
    pmpath = application(None, url)
    people = {name: _account(pmpath, name) for name in ("Ada", "Mia", "Pat", "Otto")}
    organisation = pmpath.teams.create_organisation(people["Ada"], "Acme Products")
    growth = pmpath.teams.create_team(people["Ada"], organisation.id, "Growth")
    for name in ("Mia", "Pat"):
        _join(pmpath.teams, people["Ada"], growth.id, people[name], "member")
    ratings = {c.id: Rating(c.id, 2) for c in pmpath.framework.competencies}
    pmpath.assessments.record(people["Mia"].profile, SelfAssessment(ratings))
    yield url
    application.cache_clear()


def _run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["check-in", *args, "--database-url", url], env={"COLUMNS": "120"})


def test_goals_a_check_in_the_history_and_the_export(acme: str, tmp_path: Path) -> None:
    mia = ("--as", "mia@example.org")
    ada = ("--as", "ada@example.org")
    made = _run(
        acme,
        "add-goal",
        "Acme Products",
        "mia@example.org",
        "Own the pricing review",
        "-c",
        "prioritisation",
        "-l",
        "3",
        "--due",
        "2099-01-31",
        *mia,
        "--json",
    )
    assert made.exit_code == 0, made.output
    goal = json.loads(made.stdout)
    assert (goal["title"], goal["target_level"], goal["state"]) == (
        "Own the pricing review",
        3,
        "open",
    )
    listed = _run(acme, "goals", "Acme Products", "mia@example.org", *ada)
    assert listed.exit_code == 0, listed.output
    assert "Own the pricing review" in listed.stdout
    assert "31 January 2099" in listed.stdout

    bad = _run(acme, "add-goal", "Acme Products", "mia@example.org", "x", "--due", "soon", *mia)
    assert bad.exit_code == 2
    assert "--due must be a date" in bad.output

    peer = _run(acme, "goals", "Acme Products", "mia@example.org", "--as", "pat@example.org")
    assert peer.exit_code == 2
    assert "only the member" in peer.output
    outsider = _run(acme, "goals", "1", "mia@example.org", "--as", "otto@example.org")
    assert outsider.exit_code == 2

    missing = _run(acme, "record", "Acme Products", "mia@example.org", *ada)
    assert missing.exit_code == 2
    assert "choose a status" in missing.output
    recorded = _run(
        acme,
        "record",
        "Acme Products",
        "mia@example.org",
        "--notes",
        '=SUM(A1:A9), and "quotes"',
        "-s",
        f"{goal['id']}=at-risk",
        "--note",
        f"{goal['id']}=Needs finance data",
        *ada,
    )
    assert recorded.exit_code == 0, recorded.output
    assert "Own the pricing review: At risk (Needs finance data)" in recorded.stdout

    history = _run(acme, "history", "Acme Products", "mia@example.org", *mia, "--json")
    assert history.exit_code == 0, history.output
    data = json.loads(history.stdout)
    assert [s["status"] for s in data["history"][0]["statuses"]] == ["at-risk"]
    assert data["history"][0]["level_then"]["level"] == 2
    text = _run(acme, "history", "Acme Products", "mia@example.org", *ada)
    assert "level when set 2, now 2" in text.stdout
    assert "At risk" in text.stdout

    printed = _run(acme, "export", "Acme Products", "Growth", *ada)
    assert printed.exit_code == 0, printed.output
    rows = list(csv.DictReader(io.StringIO(printed.stdout, newline="")))
    assert [(r["member"], r["goal"], r["status"]) for r in rows] == [
        ("Mia", "Own the pricing review", "At risk")
    ]
    assert rows[0]["check-in notes"] == '\'=SUM(A1:A9), and "quotes"'
    target = tmp_path / "growth.csv"
    written = _run(acme, "export", "Acme Products", "Growth", "-o", str(target), *ada)
    assert written.exit_code == 0
    assert "Written 1 row to" in written.stdout
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    refused = _run(acme, "export", "Acme Products", "Growth", *mia)
    assert refused.exit_code == 2
