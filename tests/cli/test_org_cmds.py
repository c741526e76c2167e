"""``pmpath org`` and ``pmpath my-data``, run as a user types them, acting as the account given
by --as with the web's permission checks: an organisation from creation to ratings side by side,
a refused command (exit 2, "error: ..." on stderr) and bad input naming its field."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pmpath.app import Pmpath
from pmpath.assessment import Rating, SelfAssessment
from pmpath.services.accounts import User
from pmpath.settings import Settings
from tests.conftest import example_ladder_text, replace_once
from tests.services.test_teams import _account

Run = Callable[..., Any]


@dataclass
class Acme:
    run: Run
    app: Pmpath
    people: dict[str, User]
    organisation: int
    growth: int


def _link(out: Any) -> str:
    match = re.search(r"/invitations/(pmi_\S+)", out.stdout)
    assert match, out.stdout
    return match.group(0)


@pytest.fixture
def acme(pmpath: Run, tmp_path: Path) -> Any:
    """Ada makes Acme Products and its Growth team on the command line; Max joins as its
    manager, Mia and Pat as members, each by an invitation link; Otto is outside."""
    app = Pmpath(Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}"))
    people = {n: _account(app, n) for n in ("Ada", "Max", "Mia", "Pat", "Otto")}
    made = pmpath("org", "create", "Acme Products", "--as", "ada@example.org", "--json")
    assert made.exit_code == 0, made.stderr
    organisation = made.json()["id"]
    team = pmpath("org", "team-create", "Acme Products", "Growth", "--as", "ada@example.org")
    assert team.exit_code == 0, team.stderr
    growth = app.teams.organisation(people["Ada"], organisation).teams[0].id
    invited = pmpath(
        "org", "invite", "Acme Products", "Growth", "--role", "manager", "--as", "ada@example.org"
    )
    assert invited.exit_code == 0, invited.stderr
    assert pmpath("org", "accept", _link(invited), "--as", "max@example.org").exit_code == 0
    for name in ("mia", "pat"):
        link = _link(
            pmpath("org", "invite", str(organisation), str(growth), "--as", "max@example.org")
        )
        joined = pmpath("org", "accept", link, "--as", f"{name}@example.org")
        assert joined.exit_code == 0, joined.stderr
        assert "You are now in Growth at Acme Products, as a member." in joined.stdout
    ratings = {c.id: Rating(c.id, 2) for c in app.framework.competencies}
    app.assessments.record(people["Mia"].profile, SelfAssessment(ratings))
    yield Acme(pmpath, app, people, organisation, growth)
    app.database.dispose()


def test_list_show_and_team_print_what_each_may_see(acme: Acme) -> None:
    run = acme.run
    listed = run("org", "list", "--as", "mia@example.org")
    assert listed.exit_code == 0
    assert "Acme Products" in listed.stdout
    assert "member" in listed.stdout
    shown = run("org", "show", "Acme Products", "--as", "ada@example.org")
    assert "Growth" in shown.stdout
    assert "the bundled ladder" in shown.stdout
    as_manager = run("org", "team", "Acme Products", "Growth", "--as", "max@example.org")
    assert as_manager.exit_code == 0, as_manager.stderr
    assert "Mia" in as_manager.stdout
    assert "ready now" in as_manager.stdout or "working towards" in as_manager.stdout
    assert "not self-assessed yet" in as_manager.stdout  # Pat
    as_peer = run("org", "team", "Acme Products", "Growth", "--as", "pat@example.org")
    assert "private" in as_peer.stdout  # Mia's placement, as Pat sees it
    assert "ready now" not in as_peer.stdout
    assert "working towards" not in as_peer.stdout
    # --json is the API's model.
    data = run(
        "org", "team", str(acme.organisation), str(acme.growth), "--as", "max@example.org", "--json"
    ).json()
    assert list(data) == [
        "id",
        "name",
        "organisation_id",
        "organisation",
        "role",
        "may_invite",
        "members",
    ]
    assert [m["name"] for m in data["members"]] == ["Ada", "Max", "Mia", "Pat"]


def test_the_team_fits_80_columns(acme: Acme, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmpath.cli import render

    monkeypatch.setattr(render.console, "width", 80)
    out = acme.run("org", "team", "Acme Products", "Growth", "--as", "ada@example.org")
    assert out.exit_code == 0
    assert max(len(line) for line in out.stdout.splitlines()) <= 80
    assert "Mia" in out.stdout


def test_ratings_side_by_side_and_requests(acme: Acme) -> None:
    run = acme.run
    first = acme.app.framework.competencies[0]
    rated = run(
        "org",
        "rate",
        "Acme Products",
        "mia@example.org",
        first.id,
        "4",
        "--note",
        "Led the pricing review",
        "--as",
        "max@example.org",
    )
    assert rated.exit_code == 0, rated.stderr
    assert f"Rated {first.name}: 4" in rated.stdout
    side = run("org", "ratings", "Acme Products", "mia@example.org", "--as", "max@example.org")
    assert side.exit_code == 0, side.stderr
    assert "2+ apart" in side.stdout  # self 2, manager 4
    assert "fewer than 3" in side.stdout
    asked = run(
        "org",
        "request",
        "Acme Products",
        "Growth",
        "--due",
        "2099-01-31",
        "--member",
        "mia@example.org",
        "--as",
        "max@example.org",
    )
    assert asked.exit_code == 0, asked.stderr
    assert "Asked Mia to self-assess by 31 January 2099." in asked.stdout
    everyone = run(
        "org",
        "request",
        "Acme Products",
        "Growth",
        "--due",
        "2099-02-01",
        "--as",
        "max@example.org",
    )
    assert "Asked Mia and Pat to self-assess by 1 February 2099." in everyone.stdout
    mine = run("org", "requests", "--as", "mia@example.org")
    assert "31 January 2099" in mine.stdout
    assert "Max" in mine.stdout
    team = run("org", "requests", "Acme Products", "Growth", "--as", "max@example.org", "--json")
    assert [r["member"] for r in team.json()["requests"]] == ["Mia", "Pat", "Mia"]  # newest first
    log = run("org", "access-log", "Acme Products", "--as", "ada@example.org")
    assert log.exit_code == 0, log.stderr
    assert "ratings" in log.stdout  # Max read Mia's ratings side by side
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", log.stdout)
    # A compact moment ("7 Dec 2026 15:33") that stays on one line of a table 80 columns wide.
    assert re.search(r"│ \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} +│", log.stdout), log.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # Forbidden: a member creates a team, a peer reads Mia's ratings, a member reads the log.
        (
            ["org", "team-create", "Acme Products", "Design", "--as", "mia@example.org"],
            "error: only an organisation admin can create teams",
        ),
        (
            ["org", "ratings", "Acme Products", "mia@example.org", "--as", "pat@example.org"],
            "error: only the person, their team's manager and the organisation's admins",
        ),
        (
            ["org", "access-log", "Acme Products", "--as", "mia@example.org"],
            "error: only an organisation admin sees the access log",
        ),
        (
            [
                "org",
                "invite",
                "Acme Products",
                "Growth",
                "--role",
                "manager",
                "--as",
                "max@example.org",
            ],
            "error: only an organisation admin can invite a manager",
        ),
        # Outside the organisation: it does not exist for Otto.
        (
            ["org", "show", "Acme Products", "--as", "otto@example.org"],
            "error: organisation: you are in no organisation called 'Acme Products'",
        ),
        # Bad input, each naming its field.
        (
            [
                "org",
                "request",
                "Acme Products",
                "Growth",
                "--due",
                "next week",
                "--as",
                "max@example.org",
            ],
            "error: due: 'next week' is not a date",
        ),
        (
            [
                "org",
                "request",
                "Acme Products",
                "Growth",
                "--due",
                "2001-01-01",
                "--as",
                "max@example.org",
            ],
            "error: due: the date must not be in the past",
        ),
        (
            [
                "org",
                "rate",
                "Acme Products",
                "mia@example.org",
                "no-such-competency",
                "2",
                "--as",
                "max@example.org",
            ],
            "error: competency: there is no competency",
        ),
        (
            ["org", "team", "Acme Products", "Nowhere", "--as", "ada@example.org"],
            "error: team: there is no team 'Nowhere'",
        ),
        (
            ["org", "list", "--as", "nobody@example.org"],
            "error: as: there is no account with the email",
        ),
    ],
)
def test_refusals_and_bad_input_exit_2_with_one_line(
    acme: Acme, args: list[str], message: str
) -> None:
    out = acme.run(*args)
    assert out.exit_code == 2, (out.stdout, out.stderr)
    assert out.stderr.startswith(message), out.stderr
    assert out.stdout == ""


def test_a_bad_level_changes_nothing(acme: Acme) -> None:
    first = acme.app.framework.competencies[0].id
    out = acme.run(
        "org", "rate", "Acme Products", "mia@example.org", first, "9", "--as", "max@example.org"
    )
    assert out.exit_code == 2
    assert "level: pick a level from 1 to" in out.stderr
    sheet = acme.app.colleague_ratings.sheet(
        acme.people["Max"], acme.organisation, acme.people["Mia"].id
    )
    assert all(c.level is None for c in sheet.competencies)


def test_a_used_invitation_is_refused(acme: Acme) -> None:
    link = _link(acme.run("org", "invite", "Acme Products", "Growth", "--as", "ada@example.org"))
    assert acme.run("org", "accept", link, "--as", "otto@example.org").exit_code == 0
    again = acme.run("org", "accept", link, "--as", "otto@example.org")
    assert again.exit_code == 2
    assert "has been used already" in again.stderr


def test_a_ladder_with_problems_is_refused_whole_and_a_good_one_is_a_version(
    acme: Acme, tmp_path: Path
) -> None:
    bad = tmp_path / "design.yaml"
    text = replace_once(
        example_ladder_text(), "      3: Runs generative studies that change a roadmap.\n", ""
    )
    bad.write_text(text, encoding="utf-8")
    refused = acme.run("org", "ladder-upload", "Acme Products", str(bad), "--as", "ada@example.org")
    assert refused.exit_code == 2
    assert re.match(
        r"error: design\.yaml:\d+: competencies\[1\]\.behaviours: no behaviour written for level",
        refused.stderr,
    ), refused.stderr
    none = acme.run("org", "ladder", "Acme Products", "--as", "ada@example.org")
    assert "No ladder of its own yet" in none.stdout
    good = tmp_path / "ladder.yaml"
    good.write_text(example_ladder_text(), encoding="utf-8")
    member = acme.run("org", "ladder-upload", "Acme Products", str(good), "--as", "mia@example.org")
    assert member.exit_code == 2
    assert "only an organisation admin can upload the ladder" in member.stderr
    made = acme.run("org", "ladder-upload", "Acme Products", str(good), "--as", "ada@example.org")
    assert made.exit_code == 0, made.stderr
    assert "as version 1" in made.stdout
    versions = acme.run("org", "ladder", "Acme Products", "--as", "mia@example.org", "--json")
    assert [v["version"] for v in versions.json()["versions"]] == [1]
    assert "by Ada" in acme.run("org", "ladder", "Acme Products", "--as", "ada@example.org").stdout
    downloaded = acme.run("org", "ladder-download", "Acme Products", "1", "--as", "mia@example.org")
    assert downloaded.stdout == example_ladder_text()
    assert (
        acme.run(
            "org", "ladder-download", "Acme Products", "2", "--as", "mia@example.org"
        ).exit_code
        == 2
    )
    assert (
        acme.run(
            "org", "ladder-download", "Acme Products", "1", "--as", "otto@example.org"
        ).exit_code
        == 2
    )
    missing = acme.run(
        "org",
        "ladder-upload",
        "Acme Products",
        str(tmp_path / "nope.yaml"),
        "--as",
        "ada@example.org",
    )
    assert missing.exit_code == 2
    assert "nope.yaml: cannot read the file" in missing.stderr


# -- pmpath my-data ------------------------------------------------------------------------------


def test_my_data_export_writes_the_document(acme: Acme, tmp_path: Path) -> None:
    import json

    printed = acme.run("my-data", "export", "--as", "mia@example.org").json()
    assert printed["account"]["email"] == "mia@example.org"
    assert [t["team"] for t in printed["teams"]] == ["Growth"]
    target = tmp_path / "mine.json"
    written = acme.run("my-data", "export", "--as", "mia@example.org", "-o", str(target))
    assert written.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["account"]["name"] == "Mia"


def test_my_data_delete_needs_yes_and_the_email_typed(acme: Acme) -> None:
    run = acme.run
    without = run("my-data", "delete", "--as", "mia@example.org")
    assert without.exit_code == 2
    assert "nothing was deleted: add --yes" in without.stderr
    assert "Deleting mia@example.org removes for good:" in without.stdout
    wrong = run("my-data", "delete", "--as", "mia@example.org", "--yes", input="pat@example.org\n")
    assert wrong.exit_code == 2
    assert "email: the email typed is not this account's" in wrong.stderr
    assert run("org", "list", "--as", "mia@example.org").exit_code == 0  # still here
    done = run("my-data", "delete", "--as", "mia@example.org", "--yes", input="mia@example.org\n")
    assert done.exit_code == 0, done.stderr
    assert "Deleted mia@example.org and everything about it." in done.stdout
    gone = run("org", "list", "--as", "mia@example.org")
    assert gone.exit_code == 2
    team = run("org", "team", "Acme Products", "Growth", "--as", "max@example.org").stdout
    assert "Mia" not in team


def test_my_data_delete_refuses_the_only_admin(acme: Acme) -> None:
    out = acme.run(
        "my-data", "delete", "--as", "ada@example.org", "--yes", input="ada@example.org\n"
    )
    assert out.exit_code == 2
    assert "error: you are the only admin of Acme Products" in out.stderr
    assert acme.run("org", "list", "--as", "ada@example.org").exit_code == 0


def test_people_roles_and_removal(acme: Acme) -> None:
    listed = acme.run("org", "people", "Acme Products", "--as", "ada@example.org")
    assert listed.exit_code == 0, listed.stderr
    assert "Growth (manager)" in listed.stdout
    last = acme.run(
        "org", "set-role", "Acme Products", "ada@example.org", "member", "--as", "ada@example.org"
    )
    assert last.exit_code == 2
    assert "make someone else an admin first" in last.stderr
    made = acme.run(
        "org", "set-role", "Acme Products", "mia@example.org", "manager", "--team", "Growth",
        "--as", "ada@example.org", "--json",
    )  # fmt: skip
    assert made.json() == {"user_id": acme.people["Mia"].id, "name": "Mia", "role": "manager"}
    refused = acme.run(
        "org", "remove", "Acme Products", "mia@example.org", "--team", "Growth",
        "--as", "max@example.org",
    )  # fmt: skip
    assert refused.exit_code == 2  # a manager does not remove another manager
    assert "only an organisation admin removes a manager" in refused.stderr
    gone = acme.run("org", "remove", "Acme Products", "pat@example.org", "--as", "ada@example.org")
    assert gone.stdout.strip() == "Pat is no longer in the organisation."
    people = acme.app.people.people(acme.people["Ada"], acme.organisation).people
    assert "Pat" not in [p.name for p in people]


@pytest.mark.parametrize(
    "group",
    [
        "org",
        "team",
        "calibration",
        "promotion",
        "check-in",
        "my-data",
        "lti",
        "lti platform",
        "lti keys",
        "lti-grades",
        "badge",
        "xapi",
    ],
)
def test_every_command_summary_fits_its_group_help_at_80_columns(group: str) -> None:
    """Click cuts a summary longer than the room left beside the command names with "...":
    each command's first docstring sentence is short enough not to be cut."""
    from typer.testing import CliRunner

    from pmpath.cli.app import app

    shown = CliRunner().invoke(app, [*group.split(), "--help"], env={"COLUMNS": "80"})
    assert shown.exit_code == 0, shown.output
    commands = shown.output.split("Commands:", 1)[1]
    assert "..." not in commands, commands
    assert all(len(line) <= 80 for line in commands.splitlines())
