"""Organisations and teams: who sees whose data (the permission matrix of issue #19), the access
log, single-use invitations with an expiry, and an organisation's ladder versions; on SQLite and
PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from pmpath.app import Pmpath
from pmpath.assessment import Rating, SelfAssessment
from pmpath.errors import ForbiddenError, FrameworkError, InvitationError, NotFoundError
from pmpath.services.accounts import User
from pmpath.services.teams import TeamService
from pmpath.settings import Settings
from pmpath.store import accounts as account_store
from pmpath.store.tables import InvitationRow
from tests.conftest import example_ladder_text, replace_once


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Organisation:
    """An organisation of two teams: Ada (organisation admin) made it; Max manages Growth,
    where Mia and Pat are members; Olga manages Payments; Otto is outside it."""

    app: Pmpath
    teams: TeamService
    clock: Clock
    id: int
    growth: int
    payments: int
    people: dict[str, User]


def _join(teams: TeamService, inviter: User, team: int, person: User, role: str) -> None:
    invitation = teams.invite(inviter, team, role)  # type: ignore[arg-type]
    teams.accept(person, invitation.token)


@pytest.fixture
def org(database_url: str) -> Iterator[Organisation]:
    clock = Clock()
    app = Pmpath(Settings(database_url=database_url), clock=clock)
    people = {name: _account(app, name) for name in ("Ada", "Max", "Mia", "Pat", "Olga", "Otto")}
    teams = app.teams
    ada = people["Ada"]
    organisation = teams.create_organisation(ada, "Acme Products")
    growth = teams.create_team(ada, organisation.id, "Growth").id
    payments = teams.create_team(ada, organisation.id, "Payments").id
    _join(teams, ada, growth, people["Max"], "manager")
    _join(teams, ada, growth, people["Mia"], "member")
    _join(teams, people["Max"], growth, people["Pat"], "member")
    _join(teams, ada, payments, people["Olga"], "manager")
    for name in ("Mia", "Pat"):
        _self_assess(app, people[name], level=2)
    yield Organisation(app, teams, clock, organisation.id, growth, payments, people)
    app.database.dispose()


def _account(app: Pmpath, name: str) -> User:
    """A new account, stored directly: signing up hashes the password (a third of a second),
    and these people never sign in."""
    profile = f"web-{name.lower()}"
    with app.database.transaction() as session:
        row = account_store.add_user(
            session, f"{name.lower()}@example.org", name, "-", "learner", profile, app.clock()
        )
        return User(row.id, row.email, name, "learner", profile)


def _self_assess(app: Pmpath, person: User, level: int) -> None:
    ratings = {c.id: Rating(c.id, level) for c in app.framework.competencies}
    app.assessments.record(person.profile, SelfAssessment(ratings))


# -- who sees Mia's placement ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "outcome"),
    [
        ("Mia", "sees"),  # herself
        ("Max", "sees"),  # her team's manager
        ("Ada", "sees"),  # the organisation admin
        ("Pat", ForbiddenError),  # a peer in the same team
        ("Olga", ForbiddenError),  # the manager of another team
        ("Otto", NotFoundError),  # outside the organisation: it does not exist for him
    ],
)
def test_who_may_read_a_members_placement(
    org: Organisation, viewer: str, outcome: str | type[Exception]
) -> None:
    mia, me = org.people["Mia"], org.people[viewer]
    if outcome == "sees":
        found = org.teams.member_placement(me, org.id, mia.id)
        assert found.name == "Mia"
        assert found.placement is not None
        assert found.placement.framework_id == org.app.framework.id
    else:
        assert isinstance(outcome, type)
        with pytest.raises(outcome):
            org.teams.member_placement(me, org.id, mia.id)


def test_every_read_of_someone_elses_data_is_logged_and_nothing_else(org: Organisation) -> None:
    mia = org.people["Mia"]
    org.clock.now += timedelta(hours=1)
    org.teams.member_placement(org.people["Max"], org.id, mia.id)
    org.teams.member_placement(mia, org.id, mia.id)  # her own: not a read of another's data
    with pytest.raises(ForbiddenError):
        org.teams.member_placement(org.people["Pat"], org.id, mia.id)  # refused: nothing read
    log = org.teams.access_log(org.people["Ada"], org.id)
    assert [(e.viewer, e.subject, e.what, e.at) for e in log.entries] == [
        ("Max", "Mia", "placement", org.clock.now)
    ]


def test_a_manager_viewing_the_team_sees_and_logs_each_members_placement(
    org: Organisation,
) -> None:
    team = org.teams.team(org.people["Max"], org.growth)
    shown = {m.name: (m.role, m.visible, m.placement is not None) for m in team.members}
    assert list(shown) == ["Ada", "Max", "Mia", "Pat"]  # managers first, then by name
    assert shown == {
        "Ada": ("manager", True, False),  # made the team; has not self-assessed
        "Max": ("manager", True, False),
        "Mia": ("member", True, True),
        "Pat": ("member", True, True),
    }
    assert team.may_invite
    log = org.teams.access_log(org.people["Ada"], org.id)
    assert sorted(e.subject or "" for e in log.entries) == ["Ada", "Mia", "Pat"]
    assert {e.viewer for e in log.entries} == {"Max"}


def test_a_peer_sees_names_and_roles_but_only_their_own_placement(org: Organisation) -> None:
    team = org.teams.team(org.people["Pat"], org.growth)
    shown = {m.name: (m.visible, m.placement is not None) for m in team.members}
    assert shown == {
        "Ada": (False, False),
        "Max": (False, False),
        "Mia": (False, False),
        "Pat": (True, True),
    }
    assert not team.may_invite
    assert org.teams.access_log(org.people["Ada"], org.id).entries == []


def test_another_teams_manager_cannot_open_the_team_and_an_outsider_finds_nothing(
    org: Organisation,
) -> None:
    with pytest.raises(ForbiddenError):
        org.teams.team(org.people["Olga"], org.growth)
    with pytest.raises(NotFoundError):
        org.teams.team(org.people["Otto"], org.growth)
    with pytest.raises(NotFoundError):
        org.teams.organisation(org.people["Otto"], org.id)
    assert org.teams.organisations(org.people["Otto"]).organisations == []


def test_only_an_organisation_admin_sees_the_access_log_and_makes_teams(
    org: Organisation,
) -> None:
    for name in ("Max", "Mia"):
        with pytest.raises(ForbiddenError):
            org.teams.access_log(org.people[name], org.id)
        with pytest.raises(ForbiddenError):
            org.teams.create_team(org.people[name], org.id, "Platform")


def test_the_organisation_lists_its_teams_with_the_callers_role(org: Organisation) -> None:
    seen = org.teams.organisation(org.people["Mia"], org.id)
    assert seen.role == "member"
    assert [(t.name, t.members, t.role) for t in seen.teams] == [
        ("Growth", 4, "member"),
        ("Payments", 2, None),
    ]
    [summary] = org.teams.organisations(org.people["Olga"]).organisations
    assert (summary.name, summary.role) == ("Acme Products", "member")


def test_a_team_name_is_taken_once_per_organisation(org: Organisation) -> None:
    with pytest.raises(Exception, match="there is a team called growth already"):
        org.teams.create_team(org.people["Ada"], org.id, "growth")


# -- invitations -------------------------------------------------------------------------------


def test_an_invitation_works_once(org: Organisation) -> None:
    newcomer = _account(org.app, "Nia")
    invitation = org.teams.invite(org.people["Max"], org.growth)
    joined = org.teams.accept(newcomer, invitation.token)
    assert (joined.team, joined.role, joined.organisation) == ("Growth", "member", "Acme Products")
    assert org.teams.invitation(invitation.token).state == "used"
    with pytest.raises(InvitationError, match="used already"):
        org.teams.accept(org.people["Otto"], invitation.token)
    assert org.teams.organisations(org.people["Otto"]).organisations == []


def test_an_invitation_expires(org: Organisation) -> None:
    invitation = org.teams.invite(org.people["Ada"], org.payments, lifetime=timedelta(days=2))
    assert invitation.expires_at == org.clock.now + timedelta(days=2)
    org.clock.now += timedelta(days=2)
    assert org.teams.invitation(invitation.token).state == "expired"
    with pytest.raises(InvitationError, match="expired"):
        org.teams.accept(org.people["Otto"], invitation.token)


def test_an_unknown_invitation_is_not_found(org: Organisation) -> None:
    with pytest.raises(NotFoundError):
        org.teams.invitation("pmi_" + "x" * 43)
    with pytest.raises(NotFoundError):
        org.teams.accept(org.people["Otto"], "pmi_" + "x" * 43)


def test_only_the_invitations_hash_is_stored(org: Organisation) -> None:
    invitation = org.teams.invite(org.people["Ada"], org.payments)
    with org.app.database.transaction() as session:
        stored = session.scalars(select(InvitationRow.token_hash)).all()
    assert invitation.token not in stored
    assert hashlib.sha256(invitation.token.encode()).hexdigest() in stored


@pytest.mark.parametrize(
    ("inviter", "team", "role"),
    [
        ("Pat", "growth", "member"),  # a member does not invite
        ("Max", "growth", "manager"),  # a manager invites members, not managers
        ("Olga", "growth", "member"),  # nor to another team
    ],
)
def test_who_may_not_invite(org: Organisation, inviter: str, team: str, role: str) -> None:
    with pytest.raises(ForbiddenError):
        org.teams.invite(org.people[inviter], getattr(org, team), role)  # type: ignore[arg-type]


def test_accepting_a_manager_invitation_makes_a_manager_who_sees_the_team(
    org: Organisation,
) -> None:
    _join(org.teams, org.people["Ada"], org.growth, org.people["Otto"], "manager")
    found = org.teams.member_placement(org.people["Otto"], org.id, org.people["Mia"].id)
    assert found.placement is not None


# -- the organisation's own ladder -------------------------------------------------------------


def test_each_ladder_upload_is_a_new_version_and_the_old_ones_stay(org: Organisation) -> None:
    ada = org.people["Ada"]
    first = org.teams.ladders.upload(ada, org.id, example_ladder_text(), "design.yaml")
    org.clock.now += timedelta(days=1)
    changed = replace_once(example_ladder_text(), 'version: "2026.1"', 'version: "2026.2"')
    second = org.teams.ladders.upload(ada, org.id, changed, "../../etc/design.yaml")
    assert (first.version, second.version) == (1, 2)
    assert second.filename == "design.yaml"  # a name only, never a path
    versions = org.teams.ladders.versions(org.people["Mia"], org.id).versions
    assert [(v.version, v.file_version, v.uploaded_by) for v in versions] == [
        (2, "2026.2", "Ada"),
        (1, "2026.1", "Ada"),
    ]
    assert org.teams.ladders.text(ada, org.id, 1) == example_ladder_text()
    assert org.teams.organisation(ada, org.id).ladder_version == 2


def test_a_bad_ladder_is_refused_with_file_line_and_field_and_nothing_is_kept(
    org: Organisation,
) -> None:
    text = example_ladder_text()
    bad = replace_once(text, "      2: Designs complete flows", "      7: Designs complete flows")
    with pytest.raises(FrameworkError) as refused:
        org.teams.ladders.upload(org.people["Ada"], org.id, bad, "design.yaml")
    line = bad.splitlines().index(
        "      7: Designs complete flows for a feature and tests them with users."
    )
    where = [str(problem.location) for problem in refused.value.problems]
    assert any(
        w.startswith(f"design.yaml:{line + 1}: competencies[0].behaviours") for w in where
    ), where
    assert org.teams.ladders.versions(org.people["Ada"], org.id).versions == []


def test_only_an_organisation_admin_uploads_the_ladder(org: Organisation) -> None:
    with pytest.raises(ForbiddenError):
        org.teams.ladders.upload(org.people["Max"], org.id, example_ladder_text(), "a.yaml")
    with pytest.raises(NotFoundError):
        org.teams.ladders.versions(org.people["Otto"], org.id)


def test_names_lose_control_and_invisible_characters_and_extra_spaces(org: Organisation) -> None:
    made = org.teams.create_organisation(org.people["Otto"], " Acme\x00\u200b   Labs ")
    assert made.name == "Acme Labs"
    with pytest.raises(Exception, match="enter the team's name"):
        org.teams.create_team(org.people["Otto"], made.id, "\x01\u200b ")


def test_a_member_assessed_on_the_organisations_ladder_is_placed_on_it(org: Organisation) -> None:
    from pmpath.framework.loading import parse_framework
    from pmpath.store.tables import AssessmentRow

    ladder = parse_framework(example_ladder_text())
    org.teams.ladders.upload(org.people["Ada"], org.id, example_ladder_text(), "design.yaml")
    answers = {"ratings": {c.id: 2 for c in ladder.competencies}}
    recorded = org.teams.ladders.assess(org.people["Mia"], org.id, answers)
    assert recorded.profile == "me"
    with org.app.database.transaction() as session:
        row = session.get(AssessmentRow, recorded.assessment_id)
        assert row is not None
        assert (row.framework_id, row.framework_version) == ("product-design", "2026.1")
    members = {m.name: m.placement for m in org.teams.team(org.people["Max"], org.growth).members}
    mia, pat = members["Mia"], members["Pat"]
    assert mia is not None
    assert pat is not None
    assert (mia.framework_name, mia.role) == ("Product design ladder", recorded.placement.role.id)
    assert mia.role in {role.id for role in ladder.roles}
    # Pat has assessed on the bundled ladder only: his placement stays on it.
    assert pat.framework_id == org.app.framework.id


def test_answers_are_checked_against_the_organisations_ladder(org: Organisation) -> None:
    from pmpath.errors import AssessmentError

    with pytest.raises(NotFoundError, match="not uploaded its own ladder"):
        org.teams.ladders.assess(org.people["Mia"], org.id, {"ratings": {"coaching": 2}})
    org.teams.ladders.upload(org.people["Ada"], org.id, example_ladder_text(), "design.yaml")
    with pytest.raises(AssessmentError):
        org.teams.ladders.assess(org.people["Mia"], org.id, {"ratings": {"leadership": 2}})
    with pytest.raises(NotFoundError):
        org.teams.ladders.assess(org.people["Otto"], org.id, {"ratings": {"coaching": 2}})
