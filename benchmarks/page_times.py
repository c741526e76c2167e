"""How long the web app's main pages take on the server, for one signed-in learner.

    python benchmarks/page_times.py [--runs 20] [--warm-ups 2]

Builds the app in this process over a fresh SQLite database and seeds a realistic learner
through the services, as the web tests do: a signed-up account, a self-assessment finished
through the wizard three days ago and a second one left half-way, two finished 40-question
mock exams (about two answers in three right), a finished practice session with wrong answers
that are due for spaced review now, a finished placement test and a mock exam in progress.
Then it requests every main page of that learner ``--warm-ups`` times (not counted) and
``--runs`` times more, one request at a time, and prints each page's median and p95 server
time and the median's ratio to the limit of issue 15, 100 ms at one user (ratio < 1 passes),
beside its first request, which draws everything the page draws for the first time.

Server time is measured inside the process around the ASGI application: from the request's
arrival to its last body message, leaving out the HTTP client. Exits with 1 when any page's
median is over the limit.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.assessment import Rating, SelfAssessment
from pmpath.exams.items import Item, ItemType
from pmpath.exams.scoring import correct_response
from pmpath.exams.shown import Shown
from pmpath.settings import Settings
from pmpath.web.app import create_app

#: Issue 15: "pages stay under 100 ms server time at one user".
LIMIT = 0.100
EMAIL, NAME, PASSWORD = "ana@example.org", "Ana", "correct-horse-battery"
BLUEPRINT = "apm-readiness"  # 40 questions in 11 domains
RIGHT_SHARE = 0.65

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Clock:
    """The services' clock, moved by hand: the learner's history happens days before the
    measurement, so reviews are due and attempt limits and timers behave as they would."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class ServerTimer:
    """Wraps an ASGI app and keeps the server time of the last HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                # Stopped before handing the last bytes over: the client's time is not ours.
                self.last = time.perf_counter() - start
            await send(message)

        await self.app(scope, receive, timed)


# --- the learner ---------------------------------------------------------------------------------


def shown_response(item: Item, question: Any, authored: Any) -> Any:
    """``authored`` (a response in the item's own option ids) in the ids ``question`` shows."""
    by_text = {option.text: option.id for option in item.options}
    order = [by_text[option.text] for option in question.options]
    return Shown(item, order).response_out(authored)


def wrong_response(item: Item) -> Any:
    """A response in the item's own ids that earns no full credit."""
    key = correct_response(item)
    if item.type in (ItemType.SINGLE, ItemType.TRUE_FALSE):
        return next(option.id for option in item.options if not option.correct)
    if item.type is ItemType.MULTIPLE:
        return [option.id for option in item.options if not option.correct][:1] or key[:1]
    if item.type is ItemType.NUMERIC:
        return key + 100
    if item.type is ItemType.ORDERING:
        return list(reversed(key))
    if item.type is ItemType.MATCHING:
        rights = list(key.values())
        return dict(zip(key, [*rights[1:], *rights[:1]], strict=True))
    return "I am not sure"


def answer_for(item: Item, question: Any, rng: random.Random) -> Any:
    authored = correct_response(item) if rng.random() < RIGHT_SHARE else wrong_response(item)
    return shown_response(item, question, authored)


def assess(ctx: Pmpath, profile: str, rng: random.Random, finish: bool) -> None:
    """A self-assessment through the wizard's service calls, each rating near what a Product
    Manager is expected to show; left half-way unless ``finish``."""
    fw = ctx.framework
    role = fw.role("product-manager")
    intake = SelfAssessment(
        {},
        background="software-engineering",
        current_role="associate-product-manager",
        years=4,
        interests=tuple(i.id for i in fw.interests[:2]),
    )
    assessment = ctx.assessments.start(profile, intake)
    competencies = fw.competencies if finish else fw.competencies[: len(fw.competencies) // 2]
    for competency in competencies:
        expected = (
            role.expectations[competency.id].level if competency.id in role.expectations else 2
        )
        level = min(max(expected + rng.choice((-1, 0, 0, 1)), fw.levels.start), fw.levels.stop - 1)
        ctx.assessments.answer(profile, assessment, Rating(competency.id, level))
    if finish:
        ctx.assessments.finish(profile, assessment)


def answer_attempt(ctx: Pmpath, profile: str, attempt: int, rng: random.Random) -> None:
    for question in ctx.exams.view(attempt, profile).questions:
        item = ctx.exams.bank.item(question.item_id)
        ctx.exams.answer(attempt, profile, question.position, answer_for(item, question, rng))


def take_placement(ctx: Pmpath, profile: str, rng: random.Random) -> int:
    irt = ctx.psychometrics
    view = irt.start_placement(profile, seed=5)
    while not view.finished:
        assert view.question is not None
        item = irt.bank.item(view.question.item_id)
        view = irt.answer_placement(view.attempt_id, profile, answer_for(item, view.question, rng))
    return view.attempt_id


def sign_up(client: TestClient) -> None:
    form = csrf_of(client.get("/signup").text)
    data = {"csrf_token": form, "email": EMAIL, "name": NAME, "password": PASSWORD}
    response = client.post("/signup", data=data)
    if response.status_code != 200:
        sys.exit(f"signing up failed with {response.status_code}: {response.text[:300]}")


def sign_in(client: TestClient) -> None:
    form = csrf_of(client.get("/login").text)
    data = {"csrf_token": form, "email": EMAIL, "password": PASSWORD}
    response = client.post("/login", data=data)
    if response.status_code != 200:
        sys.exit(f"signing in failed with {response.status_code}: {response.text[:300]}")


def csrf_of(page: str) -> str:
    marker = 'name="csrf_token" value="'
    if marker not in page:
        sys.exit("no CSRF token in the sign-up or sign-in form")
    return page.split(marker, 1)[1].split('"', 1)[0]


def profile_of(ctx: Pmpath) -> str:
    from sqlalchemy import select

    from pmpath.store.tables import ProfileRow, UserRow

    with ctx.database.transaction() as session:
        user = session.scalars(select(UserRow).where(UserRow.email == EMAIL)).one()
        row = session.get(ProfileRow, user.profile_id)
        assert row is not None
        return row.name


def seed(ctx: Pmpath, client: TestClient, clock: Clock) -> dict[str, int]:
    """The learner's history; returns the ids the pages need."""
    rng = random.Random(15)
    now = clock.now
    clock.now = now - timedelta(days=3)
    sign_up(client)
    profile = profile_of(ctx)
    assess(ctx, profile, rng, finish=True)
    earlier = ctx.exams.start_mock(profile, BLUEPRINT, seed=1)
    answer_attempt(ctx, profile, earlier, rng)
    ctx.exams.finish(earlier, profile)
    clock.now = now - timedelta(days=2)
    practice = ctx.exams.start_practice(profile, None, None, 20, seed=2)
    answer_attempt(ctx, profile, practice, rng)
    ctx.exams.finish(practice, profile)
    placement = take_placement(ctx, profile, rng)
    clock.now = now - timedelta(days=1)
    done = ctx.exams.start_mock(profile, BLUEPRINT, seed=3)
    answer_attempt(ctx, profile, done, rng)
    ctx.exams.finish(done, profile)
    clock.now = now
    assess(ctx, profile, rng, finish=False)
    running = ctx.exams.start_mock(profile, BLUEPRINT, seed=4)
    for question in ctx.exams.view(running, profile).questions[:12]:
        item = ctx.exams.bank.item(question.item_id)
        ctx.exams.answer(running, profile, question.position, answer_for(item, question, rng))
    ctx.exams.flag(running, profile, 3)
    sign_in(client)  # the sign-up's session is three days old: a fresh one, as a returning user
    if not ctx.exams.review_queue(profile).due:
        sys.exit("the seeded learner has no reviews due: the review page would be measured empty")
    return {"done": done, "running": running, "placement": placement}


def pages(ids: dict[str, int]) -> list[tuple[str, str]]:
    done, running = ids["done"], ids["running"]
    return [
        ("dashboard", "/"),
        ("ladder", "/ladder"),
        ("role", "/roles/product-manager"),
        ("compare roles", "/diff?start=associate-product-manager&goal=senior-product-manager"),
        ("exams", "/exams"),
        ("question", f"/attempts/{running}/q/1"),
        ("summary", f"/attempts/{running}/summary"),
        ("results", f"/attempts/{done}/results"),
        ("results, wrong only", f"/attempts/{done}/results?show=wrong"),
        ("practice", "/practice"),
        ("review", "/review"),
        ("placement result", f"/placement/{ids['placement']}"),
        ("profile", "/profile"),
        ("report", "/report"),
        ("assessment, resume", "/assess"),
        ("account", "/account"),
        ("API docs", "/docs"),
        ("try a question", "/try"),
    ]


# --- measuring -----------------------------------------------------------------------------------


def measure(
    client: TestClient, timer: ServerTimer, path: str, warm_ups: int, runs: int
) -> tuple[float, list[float]]:
    """The first request's server time, and those of ``runs`` after ``warm_ups`` more."""
    times = []
    for _ in range(1 + warm_ups + runs):
        response = client.get(path, follow_redirects=False)
        if response.status_code != 200:
            sys.exit(f"GET {path} answered {response.status_code}: {response.text[:300]}")
        times.append(timer.last)
    return times[0], times[1 + warm_ups :]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="counted requests per page")
    parser.add_argument("--warm-ups", type=int, default=2, help="uncounted requests per page")
    args = parser.parse_args()
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'pages.db'}"
        ctx = Pmpath(Settings(database_url=url), clock=clock)
        timer = ServerTimer(create_app(pmpath=ctx))
        with TestClient(timer) as client:
            ids = seed(ctx, client, clock)
            print(
                f"{'page':<22} {'first':>8} {'median':>8} {'p95':>8}  ratio to "
                f"{LIMIT * 1000:.0f} ms"
            )
            over = 0
            for name, path in pages(ids):
                first, times = measure(client, timer, path, args.warm_ups, args.runs)
                median = statistics.median(times)
                ratio = median / LIMIT
                over += ratio >= 1
                verdict = "ok" if ratio < 1 else "OVER"
                print(
                    f"{name:<22} {first * 1000:6.1f}ms {median * 1000:6.1f}ms "
                    f"{p95(times) * 1000:6.1f}ms  {ratio:5.2f} {verdict}"
                )
        ctx.database.dispose()
    print(
        f"server time of {args.runs} requests per page after {args.warm_ups} warm-ups, one "
        f"user; 'first' is each page's first request; {over} page(s) over the limit"
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
