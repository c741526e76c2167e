"""``pmpath team``: the heat map, coverage, bench and what-if at 80 columns and as JSON,
acting as an account given by --as, with the web's permission checks."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from pmpath.assessment import Rating, SelfAssessment
from pmpath.cli.app import app
from pmpath.cli.application import application
from pmpath.cli.team_view_cmds import _levels_short
from tests.services.test_teams import _account, _join

runner = CliRunner()


@pytest.fixture
def team(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Acme Products, whose Growth team Ada manages, with Mia and Pat (Product Managers)."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COLUMNS", "80")
    application.cache_clear()
    pmpath = application(None, url)
    people = {name: _account(pmpath, name) for name in ("Ada", "Mia", "Pat", "Otto")}
    organisation = pmpath.teams.create_organisation(people["Ada"], "Acme Products")
    growth = pmpath.teams.create_team(people["Ada"], organisation.id, "Growth")
    pm = pmpath.framework.role("product-manager")
    for name in ("Mia", "Pat"):
        _join(pmpath.teams, people["Ada"], growth.id, people[name], "member")
        ratings = {cid: Rating(cid, e.level) for cid, e in pm.expectations.items()}
        pmpath.assessments.record(people[name].profile, SelfAssessment(ratings))
    pmpath.colleague_ratings.rate(
        people["Ada"], organisation.id, people["Pat"].id, "prioritisation", 2
    )
    yield url
    application.cache_clear()


def _run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["team", *args, "--database-url", url], env={"COLUMNS": "80"})


def test_heat_map_by_name_as_a_table_within_80_columns(team: str) -> None:
    found = _run(team, "heat-map", "Acme Products", "growth", "--as", "ada@example.org")
    assert found.exit_code == 0, found.output
    assert "Heat map of Growth" in found.output
    assert "2m↓" in found.output  # Pat's prioritisation: 2 by the manager, below 3
    assert max(len(line) for line in found.output.splitlines()) <= 80


def test_json_is_the_api_model(team: str) -> None:
    found = _run(team, "bench", "1", "1", "--as", "ada@example.org", "--json")
    assert found.exit_code == 0, found.output
    body = json.loads(found.output)
    assert body["counts"] == {"now": 0, "within-6-months": 0, "later": 2, "not-enough-data": 0}
    table = _run(team, "bench", "1", "1", "--as", "ada@example.org")
    assert table.exit_code == 0, table.output
    words = " ".join(table.output.split())
    assert re.search(r"fit \d+ of 100", words), table.output  # a whole number, with its scale
    assert "(s)" not in words
    assert "levels short" in table.output  # Mia 9, Pat 10
    assert (_levels_short(1), _levels_short(2)) == ("1 level short", "2 levels short")
    cover = _run(team, "coverage", "1", "Growth", "--as", "ada@example.org")
    assert cover.exit_code == 0, cover.output
    assert "No gaps in coverage." in cover.output
    what = _run(
        team,
        "what-if",
        "1",
        "Growth",
        "--as",
        "ada@example.org",
        "--member",
        "Pat",
        "--role",
        "senior-product-manager",
    )
    assert what.exit_code == 0, what.output
    assert "What if Pat moved from Product Manager to Senior Product Manager" in what.output


def test_a_member_is_refused_and_bad_input_names_the_field(team: str) -> None:
    refused = _run(team, "heat-map", "1", "1", "--as", "mia@example.org")
    assert refused.exit_code != 0
    assert "managers" in refused.output
    outsider = _run(team, "bench", "1", "1", "--as", "otto@example.org")
    assert outsider.exit_code != 0
    assert "no organisation" in outsider.output
    bad = _run(
        team, "what-if", "1", "1", "--as", "ada@example.org", "--member", "Pat", "--role", "nope"
    )
    assert bad.exit_code == 2, bad.output
    assert "role" in bad.output
