"""``pmpath calibration``: severities (or why not), a session for one role, adjusting a level with
a reason and the audit trail, acting as the account given by --as with the web's permission
checks; tables and JSON."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pmpath.assessment import Rating, SelfAssessment
from pmpath.cli.app import app
from pmpath.cli.application import application
from tests.services.test_teams import _account, _join

runner = CliRunner()


@pytest.fixture
def acme(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Acme Products: Ada (admin) manages Growth, with Mia and Pat (self-assessed at 2 in
    everything, so placed at one role); Otto is outside."""
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
        pmpath.assessments.record(people[name].profile, SelfAssessment(ratings))
    session = pmpath.calibration_sessions.session(people["Ada"], organisation.id)
    (role,) = [r.id for r in session.roles if r.placed]
    yield url, role
    application.cache_clear()


def _run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["calibration", *args, "--database-url", url], env={"COLUMNS": "120"})


def test_a_session_an_adjustment_and_the_audit_trail(acme: tuple[str, str]) -> None:
    url, role = acme
    ada = ("--as", "ada@example.org")
    shown = _run(url, "session", role, *ada)
    assert shown.exit_code == 0, shown.output
    assert "Mia (Growth)" in shown.output
    assert "Pat (Growth)" in shown.output
    as_json = json.loads(_run(url, "session", role, *ada, "--json").output)
    assert as_json["role_id"] == role
    assert {p["name"] for p in as_json["people"]} == {"Mia", "Pat"}

    no_reason = _run(url, "adjust", "mia@example.org", "prioritisation", "3", *ada)
    assert no_reason.exit_code == 2
    assert "reason" in no_reason.output
    made = _run(
        url,
        "adjust",
        "mia@example.org",
        "prioritisation",
        "3",
        "--reason",
        "Owns the roadmap",
        "--role",
        role,
        *ada,
    )
    assert made.exit_code == 0, made.output
    assert "Set Mia's level in Prioritisation and roadmapping to 3 (it was 2)." in " ".join(
        made.output.split()
    )
    trail = _run(url, "audit", *ada)
    assert trail.exit_code == 0, trail.output
    assert "Owns the roadmap" in trail.output
    assert "2 → 3" in trail.output
    entries = json.loads(_run(url, "audit", *ada, "--json").output)["entries"]
    assert [(e["subject"], e["to_level"], e["reason"]) for e in entries] == [
        ("Mia", 3, "Owns the roadmap")
    ]


def test_raters_say_why_not_and_permissions_hold(acme: tuple[str, str]) -> None:
    url, _ = acme
    shown = _run(url, "raters", "--as", "ada@example.org")
    assert shown.exit_code == 0, shown.output
    assert "there are no ratings to calibrate" in shown.output
    found = json.loads(_run(url, "raters", "--as", "ada@example.org", "--json").output)
    assert found["model"]["available"] is False
    refused = _run(url, "raters", "--as", "mia@example.org")
    assert refused.exit_code == 2
    assert "only the organisation's admins and team managers" in refused.output
    outside = _run(url, "audit", "--as", "otto@example.org")
    assert outside.exit_code == 2
    assert "no organisation" in outside.output
    wrong = _run(url, "audit", "--as", "ada@example.org", "--organisation", "Globex")
    assert wrong.exit_code == 2
    assert "Globex" in wrong.output
