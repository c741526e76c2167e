"""The simulated learners: each with their own httpx client and connection, like their own
browser; what they send, and how their latencies are summed up."""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import random
import ssl
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field

import httpx

BLUEPRINT = "scrum-master"
ANSWERS_PER_LEARNER = 16


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name: str, latencies: list[float], errors: Counter[str]) -> None:
    ms = [v * 1000 for v in latencies]
    kinds = ", ".join(f"{kind} x{count}" for kind, count in errors.most_common())
    print(
        f"{name:<22} count {len(latencies):>7}  errors {errors.total():>5}  "
        f"p50 {percentile(ms, 0.50):8.1f} ms  p95 {percentile(ms, 0.95):8.1f} ms  "
        f"p99 {percentile(ms, 0.99):8.1f} ms" + (f"  ({kinds})" if kinds else "")
    )


@dataclass
class Tally:
    """Latencies and errors of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    def report(self, name: str) -> None:
        report(name, self.latencies, self.errors)

    def p99(self) -> float:
        return percentile(self.latencies, 0.99)


@dataclass
class Outcome:
    """What learners did in one phase: opening the exam list, starting, answering."""

    opens: Tally = field(default_factory=Tally)
    starts: Tally = field(default_factory=Tally)
    answers: Tally = field(default_factory=Tally)
    #: (attempt id, position, the answer's JSON) of every answer the server acknowledged.
    acknowledged: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(t.errors.total() for t in (self.opens, self.starts, self.answers))


def first_option(question: dict) -> object:  # type: ignore[type-arg]
    kind = question["type"]
    ids = [o["id"] for o in question["options"]]
    if kind in ("single", "true-false"):
        return ids[0]
    if kind == "multiple":
        return ids[:2]
    if kind == "ordering":
        return ids
    if kind == "matching":
        return dict.fromkeys(question["lefts"], ids[0])
    if kind == "numeric":
        return 1.0
    return "answer"


_TLS = ssl.create_default_context()


class Learner:
    """One simulated learner: their own connection, like their own browser.

    One shared httpx client for thousands of learners measures httpx rather than the server:
    through one client, concurrent requests to a server that replies at once took longer than
    their number grew (500: 12 s, 1,000: 29 s, 2,000: 86 s); with a client each, 2,000 took
    6.4 s."""

    def __init__(self, base: str, token: str) -> None:
        self.client = httpx.AsyncClient(
            base_url=base,
            headers={"Authorization": f"Bearer {token}"},
            limits=httpx.Limits(max_connections=1),
            timeout=120,
            verify=_TLS,  # never used over http://, but built per client unless shared: 38 ms
        )

    async def open_page(self, tally: Tally | None = None) -> bool:
        """What a learner's browser does before pressing start: loads the list of exams. It
        opens the learner's connection, so the start measures the server, not TCP set-up.
        Measured into ``tally`` when given; True when the list came."""
        began = time.perf_counter()
        try:
            response = await self.client.get("/api/v1/exams")
        except httpx.HTTPError as error:
            if tally is None:
                raise
            tally.errors[type(error).__name__] += 1
            return False
        if tally is not None:
            tally.latencies.append(time.perf_counter() - began)
            if response.status_code != 200:
                tally.errors[f"HTTP {response.status_code}"] += 1
        return response.status_code == 200

    async def start(self, tally: Tally) -> dict | None:  # type: ignore[type-arg]
        began = time.perf_counter()
        try:
            response = await self.client.post(f"/api/v1/exams/{BLUEPRINT}/attempts")
        except httpx.HTTPError as error:
            tally.errors[type(error).__name__] += 1
            return None
        tally.latencies.append(time.perf_counter() - began)
        if response.status_code != 201:
            tally.errors[f"HTTP {response.status_code}"] += 1
            return None
        attempt: dict = response.json()  # type: ignore[type-arg]
        return attempt

    async def answer(
        self,
        attempt: dict,  # type: ignore[type-arg]
        until: float,
        think: tuple[float, float],
        outcome: Outcome,
    ) -> None:
        """Answer the attempt's questions in order, thinking ``think`` seconds (uniform) before
        each, up to 16 answers or until ``until`` (wall clock)."""
        tally = outcome.answers
        for position, question in enumerate(attempt["questions"][:ANSWERS_PER_LEARNER]):
            await asyncio.sleep(random.uniform(*think))
            if time.time() >= until:
                return
            body = json.dumps(first_option(question))
            began = time.perf_counter()
            try:
                saved = await self.client.put(
                    f"/api/v1/attempts/{attempt['attempt_id']}/answers/{position}", content=body
                )
            except httpx.HTTPError as error:
                tally.errors[type(error).__name__] += 1
                continue
            tally.latencies.append(time.perf_counter() - began)
            if saved.status_code == 200 and saved.json().get("saved"):
                outcome.acknowledged.append((attempt["attempt_id"], position, body))
            else:
                tally.errors[f"HTTP {saved.status_code}"] += 1


@contextmanager
def collector_paused() -> Iterator[None]:
    """Thousands of clients and their attempts are millions of objects: Python's collector
    would walk them all, pausing the client for up to a second, and the pause would count as
    server latency. While it is paused, reference counting still frees everything without
    cycles."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@asynccontextmanager
async def learners_for(base: str, tokens: list[str]) -> AsyncIterator[list[Learner]]:
    """A learner (their own client) per token, closed afterwards; the garbage collector is on
    again afterwards too (the phases turn it off while they measure)."""
    learners = [Learner(base, token) for token in tokens]
    try:
        yield learners
    finally:
        await asyncio.gather(*(one.client.aclose() for one in learners))
        gc.enable()


async def open_all(learners: list[Learner]) -> None:
    """Every learner opens their page before the synchronised start, 100 at a time."""
    gate = asyncio.Semaphore(100)

    async def open_one(one: Learner) -> None:
        async with gate:
            await one.open_page()

    await asyncio.gather(*(open_one(one) for one in learners))


async def synchronised_start(
    learners: list[Learner], starts: Tally
) -> tuple[float, list[dict | None]]:  # type: ignore[type-arg]
    """Start every learner's attempt at once; returns when that was, and the attempts."""
    await open_all(learners)
    go = asyncio.Event()

    async def start_one(one: Learner) -> dict | None:  # type: ignore[type-arg]
        await go.wait()
        return await one.start(starts)

    tasks = [asyncio.create_task(start_one(one)) for one in learners]
    await asyncio.sleep(0.5)
    # The collector stays off until learners_for closes the learners (see collector_paused).
    gc.collect()
    gc.disable()
    go.set()  # the synchronised start
    started = time.time()
    return started, list(await asyncio.gather(*tasks))


def drain_rate(starts: Tally) -> float:
    """Starts per second of a synchronised burst: all of them over the slowest one."""
    return len(starts.latencies) / max(starts.latencies) if starts.latencies else float("nan")


async def requests_until(
    end: float, send: Callable[[], Awaitable[httpx.Response]], errors: Counter[str]
) -> int:
    """Send requests back to back until ``end``; returns how many succeeded (HTTP 200)."""
    done = 0
    while time.perf_counter() < end:
        try:
            reply = await send()
        except httpx.HTTPError as error:
            errors[type(error).__name__] += 1
            continue
        if reply.status_code == 200:
            done += 1
        else:
            errors[f"HTTP {reply.status_code}"] += 1
    return done


def answering(one: Learner, attempt: dict) -> Callable[[], Awaitable[httpx.Response]]:  # type: ignore[type-arg]
    """Answers to ``attempt``'s questions in turn, round and round."""
    positions = itertools.count()

    def send() -> Awaitable[httpx.Response]:
        slot = next(positions) % len(attempt["questions"])
        return one.client.put(
            f"/api/v1/attempts/{attempt['attempt_id']}/answers/{slot}",
            content=json.dumps(first_option(attempt["questions"][slot])),
        )

    return send
