"""End to end through the LTI core's real launch (OIDC login, the platform's signed id_token,
pmpath's launch URL) with the platform's AGS and NRPS claims pointing at the platform's services
of :mod:`tests.interop.lti.platform_services`: the learner's exam score reaches the gradebook
under the ``sub`` they launched with, and the instructor brings the course roster in, matching
the launched learner to the same account. The platform's services verify pmpath's token
requests against the JWKS pmpath publishes at /lti/jwks.json."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from pmpath.errors import ForbiddenError
from pmpath.store import organisations as org_store
from pmpath.store.tables import UserRow
from pmpath.store.tables_lti import LtiIdentityRow, LtiPlatformRow
from tests.conftest import right_answer
from tests.interop.lti.conftest import Lms
from tests.interop.lti.platform import INSTRUCTOR, LEARNER
from tests.interop.lti.platform_services import AGS_SCOPES, PlatformServices, member

EXAM = "pm-foundations"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
COURSE = "econ-1010"


@pytest.fixture
def services(lms: Lms) -> Iterator[PlatformServices]:
    """The platform's LTI Advantage services; its token endpoint is the one registered."""
    found = PlatformServices(
        lms.platform.client_id, lambda: lms.client.get("/lti/jwks.json").json()
    ).start()
    found.add_course(COURSE, "Economics as a Social Science")
    with lms.app.database.transaction() as session:
        row = session.get(LtiPlatformRow, lms.platform_id)
        assert row is not None
        row.auth_token_url = found.token_url
    yield found
    found.stop()


def _claims(lms: Lms, services: PlatformServices, roles: list[str], sub: str) -> dict:  # type: ignore[type-arg]
    claims = lms.platform.resource_link_claims(roles=roles, sub=sub, pmpath_target=f"exam:{EXAM}")
    claims[AGS] = {"scope": AGS_SCOPES, "lineitems": services.lineitems_url(COURSE)}
    claims[NRPS] = {
        "context_memberships_url": services.memberships_url(COURSE),
        "service_versions": ["2.0"],
    }
    return claims


def _user_of(lms: Lms, sub: str) -> UserRow:
    with lms.app.database.read() as session:
        return session.scalars(
            select(UserRow)
            .join(LtiIdentityRow, LtiIdentityRow.user_id == UserRow.id)
            .where(LtiIdentityRow.subject == sub)
        ).one()


def test_a_launched_learners_exam_reaches_the_gradebook(
    lms: Lms, services: PlatformServices
) -> None:
    answer, _ = lms.launch(_claims(lms, services, [LEARNER], "jane-sub"))
    assert answer.headers["location"] == f"/exams/{EXAM}/start"
    from pmpath.store import accounts as account_store

    with lms.app.database.read() as session:
        profile = account_store.profile_name(session, _user_of(lms, "jane-sub"))
    lms.clock.advance(minutes=1)
    exams = lms.app.exams
    attempt = exams.start_mock(profile, EXAM, seed=3)
    for question in exams.view(attempt, profile).questions[:20]:
        item = exams.bank.item(question.item_id)
        exams.answer(attempt, profile, question.position, right_answer(item, question))
    exams.finish(attempt, profile)
    run = lms.app.lti_grades.run()
    assert (run.sent, run.errors) == (1, [])
    [column] = services.courses[COURSE].line_items
    assert (column["label"], column["resourceLinkId"]) == (
        "PM foundations",
        "200d101f-2c14-434a-a0f3-57c2a42369fd",
    )
    [score] = services.courses[COURSE].scores[column["id"]]
    assert (score["userId"], score["scoreGiven"]) == ("jane-sub", 50.0)


def test_an_instructor_brings_in_the_roster_of_the_course_they_launched_from(
    lms: Lms, services: PlatformServices
) -> None:
    lms.launch(_claims(lms, services, [LEARNER], "jane-sub"))
    lms.client.cookies.clear()
    teaching = _claims(lms, services, [INSTRUCTOR], "ines-sub")
    teaching.update(name="Ines Instructor", email="ines@platform.example.edu")
    lms.launch(teaching)
    services.courses[COURSE].members = [
        member("ines-sub", "Ines Instructor", instructor=True),
        member("jane-sub", "Ms Jane Marie Doe", "jane@platform.example.edu"),
        member("omar-sub", "Omar", "omar@platform.example.edu"),
    ]
    jane = _user_of(lms, "jane-sub")
    ines = lms.app.accounts.user_by_email("ines@platform.example.edu")
    [course] = lms.app.lti_grades.courses(ines).courses
    assert course.title == "Economics as a Social Science"
    report = lms.app.lti_grades.rosters.import_roster(ines, course.id)
    assert [(e.name, e.role, e.platform_user_id) for e in report.added] == [
        ("Ines Instructor", "manager", "ines-sub"),
        ("Ms Jane Marie Doe", "member", "jane-sub"),
        ("Omar", "member", "omar-sub"),
    ]
    with lms.app.database.read() as session:
        members = {row.id for row in org_store.team_members(session, report.team_id)}
    assert jane.id in members  # the account her launch made, not a second one
    assert lms.counts()["users"] == 4  # the admin, Jane, Ines and Omar (new)


def test_a_learner_who_launched_cannot_bring_the_roster_in(
    lms: Lms, services: PlatformServices
) -> None:
    lms.launch(_claims(lms, services, [LEARNER], "jane-sub"))
    jane = lms.app.accounts.user_by_email("jane@platform.example.edu")
    with pytest.raises(ForbiddenError):
        lms.app.lti_grades.courses(jane)
    answer = lms.client.get("/admin/lti/grades")  # signed in by the launch
    assert answer.status_code == 403
