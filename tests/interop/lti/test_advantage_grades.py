"""Grades back to the LMS (LTI AGS 2.0) against a platform's services built in the tests
(:mod:`tests.interop.lti.platform_services`, real HTTP on 127.0.0.1): a learner's finished
attempt reaches the platform's gradebook with the right score in the right line item, each exam
gets its own line item, a platform that is down loses nothing, a refused token is recorded in
words; on SQLite and PostgreSQL.

The launches are rows written through the stores, as the LTI core's launch would write them
(``test_advantage_launch.py`` goes through a real launch)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from pmpath.app import Pmpath
from pmpath.errors import ForbiddenError
from pmpath.services.accounts import User
from pmpath.services.models.lti import PlatformInput
from pmpath.settings import Settings
from pmpath.store import accounts as account_store
from pmpath.store import lti as lti_store
from pmpath.store.tables_lti import (
    LtiContextRow,
    LtiIdentityRow,
    LtiLaunchRow,
    LtiResourceLinkRow,
)
from pmpath.store.tables_lti_advantage import LtiLineItemRow, LtiScoreRow
from tests.conftest import right_answer
from tests.interop.lti.platform_services import (
    AGS_SCOPES,
    ROLE_INSTRUCTOR,
    ROLE_LEARNER,
    PlatformServices,
)

ISSUER = "https://lms.example.edu"
CLIENT_ID = "pmpath-client"
EXAM = "pm-foundations"  # "PM foundations": 40 items, pass mark 70
OTHER_EXAM = "apm-readiness"  # "Associate PM readiness"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class World:
    """pmpath, a platform with a course (Strategy 101), and its people."""

    app: Pmpath
    clock: Clock
    lms: PlatformServices
    platform_id: int
    context_row_id: int
    admin: User
    people: dict[str, User] = field(default_factory=dict)
    subjects: dict[str, str] = field(default_factory=dict)
    links: dict[str, int] = field(default_factory=dict)

    def person(self, name: str, *, role: str = "learner", subject: str | None = None) -> User:
        """An account made by a launch, with its identity on the platform."""
        subject = subject or f"sub-{name.lower()}"
        with self.app.database.transaction() as session:
            row = account_store.add_user(
                session,
                f"{name.split()[0].lower()}@example.edu",
                name,
                "!lti-only",
                role,
                f"lti-{name.lower()}",
                self.clock(),
            )
            lti_store.add_identity(
                session,
                LtiIdentityRow(
                    platform_id=self.platform_id,
                    subject=subject,
                    user_id=row.id,
                    created_at=self.clock(),
                ),
            )
            user = User(row.id, row.email, name, role, row_profile(session, row))
        self.people[name], self.subjects[name] = user, subject
        return user

    def link(self, resource_link_id: str, blueprint: str, **ags: Any) -> int:
        """A resource link of the course opening ``blueprint``, with the AGS claim's endpoints
        (``lineitems`` by default)."""
        with self.app.database.transaction() as session:
            row = LtiResourceLinkRow(
                platform_id=self.platform_id,
                context_row_id=self.context_row_id,
                resource_link_id=resource_link_id,
                title=f"Week 1: {blueprint}",
                target_kind="exam",
                target_ref=blueprint,
                ags_lineitems_url=ags.get("lineitems", self.lms.lineitems_url("strategy-101")),
                ags_lineitem_url=ags.get("lineitem"),
                ags_scopes=ags.get("scopes", AGS_SCOPES),
                created_at=self.clock(),
            )
            lti_store.add(session, row)
            self.links[resource_link_id] = row.id
            return row.id

    def launch(self, name: str, resource_link_id: str, instructor: bool = False) -> None:
        with self.app.database.transaction() as session:
            lti_store.add(
                session,
                LtiLaunchRow(
                    resource_link_row_id=self.links[resource_link_id],
                    user_id=self.people[name].id,
                    roles=[ROLE_INSTRUCTOR if instructor else ROLE_LEARNER],
                    launched_at=self.clock(),
                ),
            )

    def sit(self, name: str, blueprint: str = EXAM, right: int = 30) -> int:
        """A mock exam taken and finished: the first ``right`` questions answered right, the
        rest left blank (30 of 40: 75 %)."""
        exams, profile = self.app.exams, self.people[name].profile
        attempt = exams.start_mock(profile, blueprint, seed=7)
        for question in exams.view(attempt, profile).questions[:right]:
            item = exams.bank.item(question.item_id)
            exams.answer(attempt, profile, question.position, right_answer(item, question))
        self.clock.advance(minutes=20)
        exams.finish(attempt, profile)
        return attempt

    def scores(self) -> list[LtiScoreRow]:
        with self.app.database.read() as session:
            return list(session.scalars(select(LtiScoreRow).order_by(LtiScoreRow.id)).all())


def row_profile(session: Any, row: Any) -> str:
    return account_store.profile_name(session, row)


def _clean_postgres(url: str) -> None:
    """The shared PostgreSQL test database keeps the LTI tables between tests: empty them."""
    if not url.startswith("postgresql"):
        return
    from pmpath.store import Database

    database = Database(url)
    with database.transaction() as session:
        session.execute(text("TRUNCATE lti_platforms, lti_tool_keys RESTART IDENTITY CASCADE"))
    database.dispose()


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    _clean_postgres(database_url)
    clock = Clock()
    app = Pmpath(Settings(database_url=database_url), clock=clock)
    lms = PlatformServices(CLIENT_ID, app.lti.jwks).start()
    lms.add_course("strategy-101", "Strategy 101")
    with app.database.transaction() as session:
        admin_row = account_store.add_user(
            session, "root@example.org", "Root", "-", "admin", "root", clock()
        )
        admin = User(admin_row.id, admin_row.email, "Root", "admin", "root")
    platform = app.lti.register_platform(
        admin,
        PlatformInput(
            name="Moodle of the Business School",
            issuer=ISSUER,
            client_id=CLIENT_ID,
            deployment_ids=["1"],
            key_set_url=f"{lms.url}/jwks",
            auth_login_url=f"{lms.url}/auth",
            auth_token_url=lms.token_url,
        ),
    )
    with app.database.transaction() as session:
        context = LtiContextRow(
            platform_id=platform.id,
            deployment_id="1",
            context_id="strategy-101",
            title="Strategy 101",
            memberships_url=lms.memberships_url("strategy-101"),
        )
        lti_store.add(session, context)
        context_row_id = context.id
    yield World(app, clock, lms, platform.id, context_row_id, admin)
    lms.stop()
    app.database.dispose()


@pytest.fixture
def mia(world: World) -> World:
    """Mia launched the PM foundations link (week-1) and finished the exam with 75 %."""
    world.person("Mia")
    world.link("week-1", EXAM)
    world.launch("Mia", "week-1")
    world.clock.advance(minutes=1)
    world.sit("Mia")
    return world


# -- a score reaches the gradebook -----------------------------------------------------------


def test_a_finished_attempt_reaches_the_platforms_gradebook(mia: World) -> None:
    run = mia.app.lti_grades.run()
    assert (run.queued, run.sent, run.retrying, run.failed, run.errors) == (1, 1, 0, 0, [])
    [item] = mia.lms.courses["strategy-101"].line_items
    assert (item["label"], item["scoreMaximum"], item["resourceLinkId"]) == (
        "PM foundations",
        100.0,
        "week-1",
    )
    assert (item["tag"], item["resourceId"]) == (EXAM, EXAM)
    [score] = mia.lms.courses["strategy-101"].scores[item["id"]]
    assert score["userId"] == "sub-mia"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (75.0, 100.0)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert score["timestamp"] == "2026-12-07T09:21:00+00:00"  # when the attempt finished
    [row] = mia.scores()
    assert (row.state, row.tries, row.line_item_url, row.passed) == ("sent", 1, item["id"], True)


def test_collecting_twice_queues_an_attempt_once(mia: World) -> None:
    assert mia.app.lti_grades.collect() == (1, 0)
    assert mia.app.lti_grades.collect() == (0, 0)
    assert len(mia.scores()) == 1


def test_the_line_item_is_created_once_and_found_again(mia: World) -> None:
    mia.app.lti_grades.run()
    mia.clock.advance(days=1)
    mia.sit("Mia", right=40)
    run = mia.app.lti_grades.run()
    assert run.sent == 1
    course = mia.lms.courses["strategy-101"]
    assert len(course.line_items) == 1
    assert [s["scoreGiven"] for s in course.scores[course.line_items[0]["id"]]] == [75.0, 100.0]
    # The second score went straight to the line item remembered: no listing, no creation.
    posts = [path for method, path in mia.lms.requests if method == "POST"]
    assert posts.count("/courses/strategy-101/lineitems") == 1


def test_a_line_item_an_instructor_made_for_the_link_is_used(world: World) -> None:
    made = world.lms.add_line_item(
        "strategy-101", label="Foundations quiz", scoreMaximum=20, resourceLinkId="week-1"
    )
    world.person("Mia")
    world.link("week-1", EXAM)
    world.launch("Mia", "week-1")
    world.sit("Mia")
    world.app.lti_grades.run()
    course = world.lms.courses["strategy-101"]
    assert len(course.line_items) == 1
    assert course.scores[made["id"]][0]["scoreGiven"] == 75.0


def test_the_launchs_own_line_item_is_used_when_the_platform_gave_one(world: World) -> None:
    made = world.lms.add_line_item("strategy-101", label="Graded quiz", scoreMaximum=100)
    world.person("Mia")
    world.link("week-1", EXAM, lineitem=made["id"], lineitems=None)
    world.launch("Mia", "week-1")
    world.sit("Mia")
    assert world.app.lti_grades.run().sent == 1
    assert world.lms.courses["strategy-101"].scores[made["id"]][0]["userId"] == "sub-mia"
    assert ("GET", "/courses/strategy-101/lineitems") not in world.lms.requests


def test_a_second_exam_gets_its_own_line_item(mia: World) -> None:
    mia.link("week-2", OTHER_EXAM)
    mia.launch("Mia", "week-2")
    mia.sit("Mia", OTHER_EXAM, right=20)
    assert mia.app.lti_grades.run().sent == 2
    scores = mia.lms.scores_of("strategy-101")
    assert {label: [s["scoreGiven"] for s in given] for label, given in scores.items()} == {
        "PM foundations": [75.0],
        "Associate PM readiness": [50.0],
    }
    with mia.app.database.read() as session:
        remembered = session.scalars(select(LtiLineItemRow.blueprint_id)).all()
    assert sorted(remembered) == [OTHER_EXAM, EXAM]


def test_attempts_before_the_first_launch_are_not_the_courses(world: World) -> None:
    world.person("Mia")
    world.link("week-1", EXAM)
    world.sit("Mia")  # before pmpath was opened from the course
    world.clock.advance(hours=1)
    world.launch("Mia", "week-1")
    run = world.app.lti_grades.run()
    assert (run.queued, run.sent) == (0, 0)
    assert world.lms.courses["strategy-101"].line_items == []


def test_only_the_newest_unsent_attempt_is_sent(mia: World) -> None:
    mia.clock.advance(days=1)
    mia.sit("Mia", right=10)
    run = mia.app.lti_grades.run()
    assert (run.queued, run.sent) == (1, 1)
    [given] = mia.lms.scores_of("strategy-101").values()
    assert [s["scoreGiven"] for s in given] == [25.0]
    assert [row.state for row in mia.scores()] == ["superseded", "sent"]


def test_a_link_without_the_score_scope_queues_nothing(world: World) -> None:
    world.person("Mia")
    world.link("week-1", EXAM, scopes=[AGS_SCOPES[1]])
    world.launch("Mia", "week-1")
    world.sit("Mia")
    assert world.app.lti_grades.run().queued == 0


# -- the platform is down, or refuses pmpath -------------------------------------------------


def test_a_platform_that_is_down_loses_nothing_and_gets_it_later(mia: World) -> None:
    mia.person("Pat")
    mia.launch("Pat", "week-1")
    mia.sit("Pat", right=36)
    mia.lms.down = True
    run = mia.app.lti_grades.run()
    assert (run.queued, run.sent, run.retrying) == (2, 0, 2)
    assert run.errors == [
        "the platform refused pmpath's token request with HTTP 503: "
        "the platform is down for maintenance"
    ]
    rows = mia.scores()
    assert {(r.state, r.tries) for r in rows} == {("pending", 1)}
    assert {r.next_try_at for r in rows} == {mia.clock() + timedelta(minutes=1)}
    # One token request found the platform down; the other score was not even tried.
    assert len(mia.lms.requests) == 1

    mia.lms.down = False
    assert mia.app.lti_grades.run().sent == 0  # not due yet: nothing is sent early
    mia.clock.advance(minutes=1)
    run = mia.app.lti_grades.run()
    assert (run.sent, run.retrying) == (2, 0)
    [given] = mia.lms.scores_of("strategy-101").values()
    assert sorted((s["userId"], s["scoreGiven"]) for s in given) == [
        ("sub-mia", 75.0),
        ("sub-pat", 90.0),
    ]


def test_each_failure_waits_twice_as_long_up_to_six_hours(mia: World) -> None:
    mia.lms.down = True
    waits = []
    for _ in range(11):
        before = mia.clock()
        mia.app.lti_grades.run()
        [row] = mia.scores()
        waits.append(row.next_try_at - before)
        mia.clock.now = row.next_try_at
    assert [w.total_seconds() / 60 for w in waits] == [
        1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360,
    ]  # fmt: skip


def test_after_twelve_failures_a_score_waits_for_an_admin_who_retries_it(mia: World) -> None:
    mia.lms.down = True
    for _ in range(12):
        mia.app.lti_grades.run()
        mia.clock.now = mia.scores()[0].next_try_at
    [row] = mia.scores()
    assert (row.state, row.tries) == ("failed", 12)
    outbox = mia.app.lti_grades.outbox(mia.admin)
    assert outbox.counts["failed"] == 1
    assert outbox.waiting[0].learner == "Mia"
    assert "HTTP 503" in (outbox.waiting[0].last_error or "")
    mia.clock.advance(days=2)
    assert mia.app.lti_grades.run().sent == 0  # failed scores are not retried on their own

    mia.lms.down = False
    assert mia.app.lti_grades.retry(mia.admin) == 1
    assert mia.app.lti_grades.run().sent == 1
    assert mia.scores()[0].state == "sent"


def test_a_refused_token_is_recorded_in_words(mia: World) -> None:
    mia.lms.refuse_tokens = True
    run = mia.app.lti_grades.run()
    assert run.errors == [
        "the platform refused pmpath's token request with HTTP 401: invalid_client (unknown client)"
    ]
    [row] = mia.scores()
    assert (row.state, row.last_error) == ("pending", run.errors[0])


def test_a_token_signed_with_a_key_the_platform_does_not_know_is_refused(mia: World) -> None:
    mia.lms.tool_jwks = lambda: {"keys": []}  # the platform lost the tool's keys
    run = mia.app.lti_grades.run()
    assert len(run.errors) == 1
    assert run.errors[0].startswith(
        "the platform refused pmpath's token request with HTTP 401: invalid_client (no key"
    )


def test_a_token_the_platform_revoked_is_replaced_without_a_failure(mia: World) -> None:
    mia.app.lti_grades.run()
    mia.lms.revoke_tokens()
    mia.clock.advance(days=1)
    mia.sit("Mia", right=40)
    run = mia.app.lti_grades.run()
    assert (run.sent, run.errors) == (1, [])
    assert [m for m, p in mia.lms.requests if p == "/token"] == ["POST", "POST"]


def test_a_score_the_platform_refuses_fails_alone(mia: World) -> None:
    mia.person("Pat")
    mia.launch("Pat", "week-1")
    mia.sit("Pat")
    with mia.app.database.transaction() as session:
        # Pat has no identity on this platform any more (say an admin unlinked it).
        session.execute(text("DELETE FROM lti_identities WHERE subject = 'sub-pat'"))
    run = mia.app.lti_grades.run()
    assert (run.sent, run.retrying) == (1, 1)
    assert run.errors == ["pmpath knows no platform user id for this learner"]


# -- who sees the outbox ---------------------------------------------------------------------


def test_only_admins_see_and_retry_the_outbox(mia: World) -> None:
    learner = mia.people["Mia"]
    with pytest.raises(ForbiddenError):
        mia.app.lti_grades.outbox(learner)
    with pytest.raises(ForbiddenError):
        mia.app.lti_grades.retry(learner)
    with pytest.raises(ForbiddenError):
        mia.app.lti_grades.run_as(learner)
