"""Who changes who is in an organisation and its teams, and in what role (issue #19): the
permission matrix, the organisation always keeping an admin, and leaving; on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest

from pmpath.errors import ConflictError, ForbiddenError, NotFoundError, PmpathError
from tests.services.test_teams import Organisation, org

__all__ = ["org"]  # the fixture: Ada (admin); Max manages Growth (Mia, Pat); Olga manages Payments


def test_an_admin_lists_everyone_with_their_roles_and_no_one_else_does(org: Organisation) -> None:
    people = org.app.people.people(org.people["Ada"], org.id).people
    by_name = {p.name: p for p in people}
    assert set(by_name) == {"Ada", "Max", "Mia", "Pat", "Olga"}
    assert by_name["Ada"].role == "admin"
    assert [(t.team, t.role) for t in by_name["Max"].teams] == [("Growth", "manager")]
    assert [(t.team, t.role) for t in by_name["Ada"].teams] == [
        ("Growth", "manager"),
        ("Payments", "manager"),
    ]
    with pytest.raises(ForbiddenError):
        org.app.people.people(org.people["Max"], org.id)
    with pytest.raises(NotFoundError):
        org.app.people.people(org.people["Otto"], org.id)


@pytest.mark.parametrize(
    ("remover", "removed", "outcome"),
    [
        ("Max", "Mia", "removed"),  # the team's manager removes a member
        ("Mia", "Mia", "removed"),  # a member leaves
        ("Ada", "Max", "removed"),  # an admin removes a manager
        ("Pat", "Mia", ForbiddenError),  # a peer
        ("Olga", "Mia", ForbiddenError),  # the manager of another team
        ("Otto", "Mia", NotFoundError),  # an outsider
        ("Max", "Olga", NotFoundError),  # not in this team
    ],
)
def test_who_removes_whom_from_a_team(
    org: Organisation, remover: str, removed: str, outcome: str | type[Exception]
) -> None:
    people = org.app.people
    me, them = org.people[remover], org.people[removed]
    if outcome == "removed":
        assert people.remove_from_team(me, org.growth, them.id) == removed
        members = [m.name for m in org.teams.team(org.people["Ada"], org.growth).members]
        assert removed not in members
    else:
        assert isinstance(outcome, type)
        with pytest.raises(outcome):
            people.remove_from_team(me, org.growth, them.id)
        assert removed == "Olga" or removed in [
            m.name for m in org.teams.team(org.people["Ada"], org.growth).members
        ]


def test_a_manager_cannot_remove_another_manager(org: Organisation) -> None:
    org.app.people.set_team_role(org.people["Ada"], org.growth, org.people["Mia"].id, "manager")
    with pytest.raises(ForbiddenError):
        org.app.people.remove_from_team(org.people["Max"], org.growth, org.people["Mia"].id)


def test_only_an_admin_makes_a_manager_and_the_new_manager_sees_the_team(
    org: Organisation,
) -> None:
    people, mia, pat = org.app.people, org.people["Mia"], org.people["Pat"]
    with pytest.raises(ForbiddenError):
        people.set_team_role(org.people["Max"], org.growth, mia.id, "manager")
    with pytest.raises(PmpathError, match="member or manager"):
        people.set_team_role(org.people["Ada"], org.growth, mia.id, "boss")
    assert org.teams.team(mia, org.growth).members[-1].placement is None  # Pat, hidden
    assert people.set_team_role(org.people["Ada"], org.growth, mia.id, "manager") == "Mia"
    seen = {m.name: m.placement for m in org.teams.team(mia, org.growth).members}
    assert seen["Pat"] is not None
    assert org.teams.member_placement(mia, org.id, pat.id).name == "Pat"


def test_the_organisation_always_keeps_an_admin(org: Organisation) -> None:
    people, ada, max_ = org.app.people, org.people["Ada"], org.people["Max"]
    with pytest.raises(ConflictError, match="make someone else an admin first"):
        people.set_organisation_role(ada, org.id, ada.id, "member")
    with pytest.raises(ConflictError):
        people.remove_from_organisation(ada, org.id, ada.id)
    with pytest.raises(ForbiddenError):
        people.set_organisation_role(max_, org.id, max_.id, "admin")
    assert people.set_organisation_role(ada, org.id, max_.id, "admin") == "Max"
    assert org.app.people.people(max_, org.id).organisation == "Acme Products"
    # With a second admin, Ada may step down and then leave.
    assert people.set_organisation_role(ada, org.id, ada.id, "member") == "Ada"
    with pytest.raises(ForbiddenError):
        org.app.people.people(ada, org.id)
    assert people.remove_from_organisation(ada, org.id, ada.id) == "Ada"
    with pytest.raises(NotFoundError):
        org.teams.organisation(ada, org.id)


def test_leaving_the_organisation_leaves_its_teams_and_hides_its_data(org: Organisation) -> None:
    people, mia = org.app.people, org.people["Mia"]
    with pytest.raises(ForbiddenError):
        people.remove_from_organisation(org.people["Max"], org.id, mia.id)  # not an admin
    assert people.remove_from_organisation(org.people["Ada"], org.id, mia.id) == "Mia"
    assert "Mia" not in [m.name for m in org.teams.team(org.people["Ada"], org.growth).members]
    with pytest.raises(NotFoundError):
        org.teams.member_placement(org.people["Ada"], org.id, mia.id)
    with pytest.raises(NotFoundError):
        org.teams.team(mia, org.growth)
