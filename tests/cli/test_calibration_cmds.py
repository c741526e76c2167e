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
    shown = _run(url, "session", "Acme Products", role, *ada)
    assert shown.exit_code == 0, shown.output
    assert "Mia (Growth)" in shown.output
    assert "Pat (Growth)" in shown.output
    as_json = json.loads(_run(url, "session", "Acme Products", role, *ada, "--json").output)
    assert as_json["role_id"] == role
    assert {p["name"] for p in as_json["people"]} == {"Mia", "Pat"}

    no_reason = _run(url, "adjust", "Acme Products", "mia@example.org", "prioritisation", "3", *ada)
    assert no_reason.exit_code == 2
    assert "reason" in no_reason.output
    made = _run(
        url,
        "adjust",
        "Acme Products",
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
    trail = _run(url, "audit", "Acme Products", *ada)
    assert trail.exit_code == 0, trail.output
    assert "Owns the roadmap" in trail.output
    assert "2 → 3" in trail.output
    entries = json.loads(_run(url, "audit", "acme products", *ada, "--json").output)["entries"]
    assert [(e["subject"], e["to_level"], e["reason"]) for e in entries] == [
        ("Mia", 3, "Owns the roadmap")
    ]


def test_raters_say_why_not_and_permissions_hold(acme: tuple[str, str]) -> None:
    url, _ = acme
    shown = _run(url, "raters", "Acme Products", "--as", "ada@example.org")
    assert shown.exit_code == 0, shown.output
    assert "there are no ratings to calibrate" in shown.output
    found = json.loads(
        _run(url, "raters", "Acme Products", "--as", "ada@example.org", "--json").output
    )
    assert found["model"]["available"] is False
    refused = _run(url, "raters", "Acme Products", "--as", "mia@example.org")
    assert refused.exit_code == 2
    assert "only the organisation's admins and team managers" in refused.output
    outside = _run(url, "audit", "Acme Products", "--as", "otto@example.org")
    assert outside.exit_code == 2
    assert "no organisation" in outside.output
    wrong = _run(url, "audit", "Globex", "--as", "ada@example.org")
    assert wrong.exit_code == 2
    assert "Globex" in wrong.output


def test_org_is_the_first_argument_as_in_the_other_groups(acme: tuple[str, str]) -> None:
    url, _ = acme
    pmpath = application(None, url)
    ada = pmpath.accounts.user_by_email("ada@example.org")
    organisation_id = pmpath.teams.organisations(ada).organisations[0].id
    by_id = _run(url, "audit", str(organisation_id), "--as", "ada@example.org")
    assert by_id.exit_code == 0, by_id.output
    assert "No level has been adjusted yet." in by_id.output
    for gone in (["--organisation", "Acme Products"], ["--framework", "x.yaml"]):
        old = _run(url, "audit", "Acme Products", *gone, "--as", "ada@example.org")
        assert old.exit_code == 2
        assert f"no such option {gone[0]}" in old.output


def _run80(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["calibration", *args, "--database-url", url], env={"COLUMNS": "80"})


def test_raters_and_audit_read_well_at_80_columns(
    acme: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ada rates Mia in three competencies (3, 3, 1): two raters (Ada, Mia's self-assessment)
    of one person. Fit statistics on three ratings mean little: only the few-ratings note."""
    from pmpath.cli import render

    url, role = acme
    # The console takes its width once, at import: set it as a terminal 80 columns wide would.
    monkeypatch.setattr(render.console, "width", 80)
    pmpath = application(None, url)
    ada, mia = (pmpath.accounts.user_by_email(f"{n}@example.org") for n in ("ada", "mia"))
    (organisation,) = pmpath.teams.organisations(ada).organisations
    competencies = [c.id for c in pmpath.framework.competencies][:3]
    for competency, level in zip(competencies, (3, 3, 1), strict=True):
        pmpath.colleague_ratings.rate(ada, organisation.id, mia.id, competency, level)
    shown = _run80(url, "raters", "Acme Products", "--as", "ada@example.org")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert all(len(line) <= 80 for line in lines), shown.output
    assert "by 2 raters of 1 person." in " ".join(shown.output.split())
    start = next(i for i, line in enumerate(lines) if line.startswith("Ada (manager)"))
    block = lines[start : lines.index("", start)]
    assert "3 ratings" in block[0]
    assert block[1].startswith("  Rates ")  # the plain words on their own line, whole
    assert any("Fewer than 10 ratings" in line for line in block), block
    assert not any("across the board" in line or "agree with" in line for line in block), block
    found = json.loads(
        _run(url, "raters", "Acme Products", "--as", "ada@example.org", "--json").output
    )
    (ada_rater,) = [r for r in found["raters"] if r["kind"] == "manager"]
    assert ada_rater["flags"] == ["few_ratings"]

    pmpath.calibration_sessions.adjust(
        ada, organisation.id, mia.id, competencies[0], 3, "Led the pricing research", role
    )
    trail = _run80(url, "audit", "Acme Products", "--as", "ada@example.org")
    assert trail.exit_code == 0, trail.output
    when = pmpath.calibration_sessions.audit(ada, organisation.id).entries[0].at
    assert f"{when.day} {when:%b %Y %H:%M}" in trail.output  # the date on one line
    assert "by Ada" in trail.output
    assert all(len(line) <= 80 for line in trail.output.splitlines())
