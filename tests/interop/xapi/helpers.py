"""What the xAPI tests share: a pmpath on a test database with a site address of its own, a
clock the test moves, and real records made through pmpath's own services (exams, practice,
the placement test, self-assessments)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from pmpath.app import Pmpath
from pmpath.assessment.answers import Rating, SelfAssessment
from pmpath.services.xapi import COMMAND_LINE, XapiService
from pmpath.settings import Settings
from pmpath.store.tables_xapi import XapiOutboxRow, XapiSettingsRow
from tests.conftest import as_shown, right_answer

#: The bundled exam the tests sit (20 questions, pass mark 70%).
EXAM = "pm-foundations"


@dataclass
class Clock:
    """The time as the test sets it; it starts now (Ralph stores real times beside it)."""

    now: datetime = field(
        default_factory=lambda: datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    )

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **span: float) -> None:
        self.now += timedelta(**span)


@dataclass
class Site:
    """A pmpath with its own site address (so its statements in a shared LRS are its own)."""

    app: Pmpath
    clock: Clock
    url: str

    @property
    def xapi(self) -> XapiService:
        return self.app.xapi

    def configure(self, endpoint: str, **given: Any) -> None:
        from tests.interop.xapi.ralph import PASSWORD, USER

        values = {"key": USER, "secret": PASSWORD, "enabled": True, **given}
        self.xapi.configure(COMMAND_LINE, endpoint=endpoint, **values)

    def outbox(self) -> list[XapiOutboxRow]:
        with self.app.database.transaction() as session:
            return list(session.scalars(select(XapiOutboxRow).order_by(XapiOutboxRow.id)))

    def mine(self, statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The statements about this site's learners."""
        return [s for s in statements if s["object"]["id"].startswith(self.url + "/")]


def make_site(database_url: str, rng_seed: int = 7) -> Site:
    clock = Clock()
    url = f"https://pmpath-{uuid.uuid4().hex[:10]}.example.org"
    app = Pmpath(Settings(database_url=database_url, public_url=url), clock=clock)
    # A shared PostgreSQL keeps the xAPI tables between tests: start from none.
    with app.database.transaction() as session:
        session.execute(delete(XapiOutboxRow))
        session.execute(delete(XapiSettingsRow))
    app.xapi.rng = random.Random(rng_seed)
    return Site(app, clock, url)


def answer_key(app: Pmpath, question: Any, right: bool) -> Any:
    """A full-credit (or a no-credit) answer to ``question``, in the ids it shows."""
    from tests.services.test_exams import wrong_authored

    item = app.bundled_bank.item(question.item_id)
    return right_answer(item, question) if right else as_shown(item, question, wrong_authored(item))


def sit_exam(site: Site, profile: str, right: int, finish: bool = True) -> int:
    """A mock exam of ``profile`` with the first ``right`` questions answered right and the
    rest wrong (each a minute apart), handed in when ``finish``; its attempt id."""
    exams = site.app.exams
    attempt = exams.start_mock(profile, EXAM, seed=11)
    for question in exams.view(attempt, profile).questions:
        site.clock.advance(minutes=1)
        response = answer_key(site.app, question, question.position < right)
        exams.answer(attempt, profile, question.position, response)
    if finish:
        site.clock.advance(seconds=30)
        exams.finish(attempt, profile)
    return attempt


def practise(site: Site, profile: str, answers: int, count: int = 5) -> int:
    exams = site.app.exams
    attempt = exams.start_practice(profile, count=count, seed=5)
    for question in exams.view(attempt, profile).questions[:answers]:
        site.clock.advance(seconds=40)
        exams.answer(attempt, profile, question.position, answer_key(site.app, question, True))
    return attempt


def take_placement(site: Site, profile: str) -> Any:
    """A placement test answered to its end (right on every other question)."""
    irt = site.app.psychometrics
    view = irt.start_placement(profile, seed=4)
    while not view.finished:
        site.clock.advance(seconds=20)
        right = view.question.position % 2 == 0
        view = irt.answer_placement(
            view.attempt_id, profile, answer_key(site.app, view.question, right)
        )
    return view


def self_assess(site: Site, profile: str, level: int = 3) -> int:
    ratings = {c.id: Rating(c.id, level) for c in site.app.framework.competencies}
    return site.app.assessments.record(profile, SelfAssessment(ratings))


def by_verb(statements: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for statement in statements:
        found.setdefault(statement["verb"]["display"]["en"], []).append(statement)
    return found
