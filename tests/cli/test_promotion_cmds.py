"""``pmpath promotion``: a case from opening to decision on the command line, acting as the
account given by --as with the web's permission checks; Markdown, HTML and JSON."""

from __future__ import annotations

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
    monkeypatch.setenv("COLUMNS", "100")
    application.cache_clear()
    pmpath = application(None, url)
    people = {name: _account(pmpath, name) for name in ("Ada", "Mia", "Pat", "Otto")}
    organisation = pmpath.teams.create_organisation(people["Ada"], "Acme Products")
    growth = pmpath.teams.create_team(people["Ada"], organisation.id, "Growth")
    for name in ("Mia", "Pat"):
        _join(pmpath.teams, people["Ada"], growth.id, people[name], "member")
    ratings = {c.id: Rating(c.id, 2) for c in pmpath.framework.competencies}
    pmpath.assessments.record(people["Mia"].profile, SelfAssessment(ratings))
    pmpath.colleague_ratings.rate(
        people["Ada"],
        organisation.id,
        people["Mia"].id,
        "prioritisation",
        4,
        note="Owns the roadmap",
    )
    yield url
    application.cache_clear()


def _run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["promotion", *args, "--database-url", url], env={"COLUMNS": "100"})


def test_a_case_from_open_to_decided(acme: str, tmp_path: Path) -> None:
    ada = ("--as", "ada@example.org")
    opened = _run(acme, "open", "Acme Products", "mia@example.org", "senior-product-manager", *ada)
    assert opened.exit_code == 0, opened.output
    assert "Opened case 1: Mia for Senior Product Manager" in opened.output

    shown = _run(acme, "show", "Acme Products", "1", *ada)
    assert shown.exit_code == 0, shown.output
    for part in (
        "- **Document:** Assembled now from what pmpath holds today",
        "# Promotion case: Mia for Senior Product Manager",
        "## Ratings by source",
        "Owns the roadmap",
        "No exams taken",
        "## Gaps left for",
        "## Plan",
    ):
        assert part in shown.output, part

    # Mia does not see the draft; Pat may not write it; Otto is outside.
    assert _run(acme, "show", "1", "1", "--as", "mia@example.org").exit_code == 2
    refused = _run(acme, "recommend", "1", "1", "--text", "x", "--as", "pat@example.org")
    assert refused.exit_code == 2
    assert "a promotion case is for the member" in refused.output
    assert _run(acme, "list", "1", "--as", "otto@example.org").exit_code == 2

    empty = _run(acme, "submit", "1", "1", *ada)
    assert empty.exit_code == 2
    assert "recommendation" in empty.output
    written = tmp_path / "recommendation.md"
    written.write_text("Mia owns the roadmap.\nShe is ready.", encoding="utf-8")
    saved = _run(acme, "recommend", "1", "1", "--file", str(written), *ada, "--json")
    assert json.loads(saved.output)["recommendation"] == "Mia owns the roadmap.\nShe is ready."
    assert _run(acme, "submit", "1", "1", *ada).exit_code == 0
    again = _run(acme, "submit", "1", "1", *ada)
    assert again.exit_code == 2
    assert "cannot be submitted again" in again.output

    listed = _run(acme, "list", "Acme Products", "--as", "mia@example.org", "--json")
    assert [c["status"] for c in json.loads(listed.output)["cases"]] == ["submitted"]
    html = tmp_path / "case.html"
    printed = _run(acme, "show", "1", "1", "--format", "html", "-o", str(html), *ada)
    assert printed.exit_code == 0, printed.output
    assert "@media print" in html.read_text(encoding="utf-8")
    assert "Back to the case" not in html.read_text(encoding="utf-8")  # no web bar in a file

    submitted_doc = _run(acme, "show", "1", "1", *ada)
    assert "- **Document:** As submitted on " in submitted_doc.output
    maybe = _run(acme, "decide", "1", "1", "maybe", "--note", "Hm.", *ada)
    assert maybe.exit_code == 2
    assert "choose Promote or Not yet" in maybe.output
    decided = _run(acme, "decide", "1", "1", "Promote", "--note", "Clear evidence.", *ada)
    assert decided.exit_code == 0, decided.output
    said = " ".join(decided.output.split())
    assert "Decided case 1 (Mia): Promote to Senior Product Manager." in said
    assert "it does not change anyone's placement" in said
    full = json.loads(_run(acme, "show", "1", "1", "--as", "mia@example.org", "--json").output)
    assert full["case"]["decision"] == "promote"
    assert full["frozen"] is True
    assert {"competencies", "gaps", "plan", "exams"} <= set(full["document"])
    listed = _run(acme, "list", "1", *ada)
    status = [line.split("│")[4].strip() for line in listed.output.splitlines() if "│" in line]
    assert " ".join(part for part in status if part) == "Decided: Promote to Senior Product Manager"
    shown = _run(acme, "show", "1", "1", "--as", "mia@example.org")
    assert "Decided on " in shown.output
    assert ": Promote to Senior Product Manager" in shown.output
    assert "**Promote to Senior Product Manager**" in shown.output


def test_in_a_terminal_the_document_is_drawn_not_printed_as_markdown(
    acme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from rich.console import Console

    from pmpath.cli import render

    screen = io.StringIO()
    monkeypatch.setattr(
        render, "console", Console(file=screen, force_terminal=True, width=80, color_system=None)
    )
    ada = ("--as", "ada@example.org")
    _run(acme, "open", "Acme Products", "mia@example.org", "senior-product-manager", *ada)
    shown = _run(acme, "show", "Acme Products", "1", *ada)
    assert shown.exit_code == 0, shown.output
    drawn = screen.getvalue()
    assert "Promotion case: Mia for Senior Product Manager" in drawn
    assert "# Promotion case" not in drawn
    assert "**" not in drawn
    assert max(len(line) for line in drawn.splitlines()) <= 80
