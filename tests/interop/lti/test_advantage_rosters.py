"""A course's roster brought in (LTI NRPS 2.0) from the platform's membership container, paged
over real HTTP: a team named after the course, Instructors as managers, people matched by
(platform, sub) as a launch matches them, a second import that reports what changed and who
left (without removing them), and who may do it; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pmpath.errors import ConflictError, ForbiddenError, NotFoundError, PlatformError, RosterError
from pmpath.store import organisations as org_store
from pmpath.store.tables import TeamMemberRow, UserRow
from pmpath.store.tables_lti import LtiContextRow, LtiIdentityRow
from tests.interop.lti.platform_services import member
from tests.interop.lti.test_advantage_grades import EXAM, World, world

__all__ = ["world"]  # the fixture: pmpath, a platform with the course Strategy 101


@pytest.fixture
def course(world: World) -> World:
    """Strategy 101 taught by Ines (who launched pmpath from it as an Instructor), with 120
    learners (121 members: three pages of 50); Ines and Mia launched pmpath before and so have
    accounts, the 119 others do not."""
    world.lms.courses["strategy-101"].members = [
        member("sub-ines", "Ines Instructor", "ines@example.edu", instructor=True),
        *[
            member(f"sub-{n:03}", f"Learner {n:03}", f"learner{n:03}@example.edu")
            for n in range(1, 120)
        ],
        member("sub-mia", "Mia Platform Name", "mia@example.edu"),
    ]
    world.person("Ines", role="author")
    world.person("Mia")
    world.link("week-1", EXAM)
    world.launch("Ines", "week-1", instructor=True)
    world.launch("Mia", "week-1")
    return world


def _team(world: World, team_id: int) -> dict[str, str]:
    with world.app.database.read() as session:
        return {row.name: row.role for row in org_store.team_members(session, team_id)}


def test_the_roster_becomes_a_team_named_after_the_course(course: World) -> None:
    ines = course.people["Ines"]
    report = course.app.lti_grades.rosters.import_roster(ines, course.context_row_id)
    assert (report.team, report.organisation) == ("Strategy 101", "Moodle of the Business School")
    assert (len(report.added), len(report.updated), len(report.left)) == (121, 0, 0)
    assert [e.name for e in report.unchanged] == []
    team = _team(course, report.team_id)
    assert len(team) == 121
    assert team["Ines"] == "manager"
    assert team["Learner 042"] == team["Mia"] == "member"
    # Three pages were read, following Link: rel="next".
    pages = [p for m, p in course.lms.requests if p.endswith("/memberships")]
    assert len(pages) == 3


def test_members_are_matched_by_platform_and_subject_as_a_launch_does(course: World) -> None:
    course.app.lti_grades.rosters.import_roster(course.people["Ines"], course.context_row_id)
    with course.app.database.read() as session:
        users = session.scalar(select(func.count()).select_from(UserRow))
        identities = session.scalar(select(func.count()).select_from(LtiIdentityRow))
        learner = session.scalars(
            select(UserRow)
            .join(LtiIdentityRow, LtiIdentityRow.user_id == UserRow.id)
            .where(LtiIdentityRow.subject == "sub-007")
        ).one()
    # Root, Ines and Mia existed; 119 learners are new, each with an identity.
    assert (users, identities) == (122, 121)
    assert (learner.name, learner.email, learner.role) == (
        "Learner 007",
        "learner007@example.edu",
        "learner",
    )
    assert learner.password_hash == "!lti-only"  # used through the LMS only, like a launch's


def test_a_second_import_reports_changes_and_leavers_without_removing_them(
    course: World,
) -> None:
    rosters, ines = course.app.lti_grades.rosters, course.people["Ines"]
    first = rosters.import_roster(ines, course.context_row_id)
    members = course.lms.courses["strategy-101"].members
    members[:] = [m for m in members if m["user_id"] != "sub-003"]  # dropped the course
    next(m for m in members if m["user_id"] == "sub-004")["status"] = "Inactive"
    next(m for m in members if m["user_id"] == "sub-005")["roles"] = [
        "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
    ]
    members.append(member("sub-new", "Nora New", "nora@example.edu"))
    second = rosters.import_roster(ines, course.context_row_id)
    assert second.team_id == first.team_id
    assert [e.name for e in second.added] == ["Nora New"]
    assert [(e.name, e.detail) for e in second.updated] == [("Learner 005", "member → manager")]
    assert sorted(e.name for e in second.left) == ["Learner 003", "Learner 004"]
    assert len(second.unchanged) == 118
    team = _team(course, second.team_id)
    assert "Learner 003" in team
    assert "Learner 004" in team
    assert team["Learner 005"] == "manager"
    assert rosters.newest_report(ines, course.context_row_id) == second


def test_a_roster_goes_into_an_organisation_the_instructor_chose(course: World) -> None:
    ines = course.people["Ines"]
    academy = course.app.teams.create_organisation(ines, "Business School Academy")
    report = course.app.lti_grades.rosters.import_roster(ines, course.context_row_id, academy.id)
    assert (report.organisation_id, report.team) == (academy.id, "Strategy 101")


def test_a_learner_cannot_bring_the_roster_in(course: World) -> None:
    with pytest.raises(ForbiddenError):
        course.app.lti_grades.rosters.import_roster(course.people["Mia"], course.context_row_id)
    with course.app.database.read() as session:
        assert session.scalar(select(func.count()).select_from(TeamMemberRow)) == 0


def test_an_instructor_cannot_use_an_organisation_they_do_not_administer(
    course: World,
) -> None:
    other = course.app.teams.create_organisation(course.admin, "Root's own")
    with pytest.raises(NotFoundError):
        course.app.lti_grades.rosters.import_roster(
            course.people["Ines"], course.context_row_id, other.id
        )


def test_an_unknown_course_is_not_found(course: World) -> None:
    with pytest.raises(NotFoundError):
        course.app.lti_grades.rosters.import_roster(course.admin, 9999)


def test_a_course_without_a_roster_service_says_so(course: World) -> None:
    with course.app.database.transaction() as session:
        context = session.get(LtiContextRow, course.context_row_id)
        assert context is not None
        context.memberships_url = None
    with pytest.raises(ConflictError, match="offers no roster"):
        course.app.lti_grades.rosters.import_roster(course.admin, course.context_row_id)


def test_a_platform_that_is_down_changes_nothing_and_says_so(course: World) -> None:
    course.lms.down = True
    with pytest.raises(PlatformError, match="HTTP 503"):
        course.app.lti_grades.rosters.import_roster(course.people["Ines"], course.context_row_id)
    with course.app.database.read() as session:
        assert session.scalar(select(func.count()).select_from(TeamMemberRow)) == 0


def test_a_broken_membership_container_changes_nothing(course: World) -> None:
    course.lms.courses["strategy-101"].members.append({"name": "No id", "roles": []})
    with pytest.raises(RosterError, match=r"page 3\[21\]: a member needs its user_id"):
        course.app.lti_grades.rosters.import_roster(course.people["Ines"], course.context_row_id)
    with course.app.database.read() as session:
        assert session.scalar(select(func.count()).select_from(TeamMemberRow)) == 0
