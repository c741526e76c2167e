"""More than one machine: two app instances behind HAProxy on one PostgreSQL.

The deployment of docs/deploy.md, run for real: its database migrated once with
``pmpath db upgrade``, two uvicorn processes serving ``pmpath.web.server:app`` on their own
ports, and HAProxy in front with deploy/haproxy.cfg (the file the documentation shows). Twenty
learners, each with an API token, start a mock exam through the load balancer and answer; in
the middle of the exam one instance is killed (SIGKILL, as a crashed machine). Every learner
must finish through the other instance, and every answer the servers acknowledged must be in
the database.

Needs ``PMPATH_TEST_POSTGRES_URL`` (a PostgreSQL server; the test creates and drops a
database of its own) and Debian's haproxy; skipped without them, except that with
``PMPATH_REQUIRE_HAPROXY`` set (as .ci/run does) a missing haproxy fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import own_postgres_database

ROOT = Path(__file__).resolve().parents[2]
HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
HAPROXY = shutil.which("haproxy", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
REQUIRE_HAPROXY = "PMPATH_REQUIRE_HAPROXY"

LEARNERS = 20
BLUEPRINT = "scrum-master"
#: The instance is killed once the learners have given this many answers between them.
KILL_AFTER_ANSWERS = LEARNERS * 8
THINK = (0.03, 0.15)  # seconds between answers: a fast run, still many requests in flight

needs_haproxy = pytest.mark.skipif(
    HAPROXY is None and not os.environ.get(REQUIRE_HAPROXY),
    reason="needs Debian's haproxy (apt-get install haproxy)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args!r} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def database() -> Iterator[str]:
    """A PostgreSQL database of this test's own, migrated once by ``pmpath db upgrade``."""
    with own_postgres_database("pmpath_failover", "the failover test needs PostgreSQL") as url:
        # Once, before any instance starts: instances refuse a database behind their version.
        subprocess.run(
            [sys.executable, "-m", "pmpath", "db", "upgrade", "--database-url", url],
            check=True,
            capture_output=True,
        )
        yield url


def learner_tokens(url: str, count: int) -> list[str]:
    """``count`` learners signed up through the application object, an API token each."""
    from pmpath.app import Pmpath
    from pmpath.settings import Settings

    app = Pmpath(Settings(database_url=url))
    try:
        tokens = []
        for n in range(count):
            user = app.accounts.sign_up(
                f"learner{n}@example.org", f"Learner {n}", secrets.token_urlsafe(18)
            )
            created: Any = app.accounts.create_token(user, "failover")
            # The new token: the string itself, or (as the token API grows) a model holding it.
            tokens.append(created if isinstance(created, str) else created.token)
        return tokens
    finally:
        app.database.dispose()


@dataclass
class Cluster:
    base: str
    instances: dict[str, subprocess.Popen[bytes]]


@pytest.fixture
def cluster(database: str, tmp_path: Path) -> Iterator[Cluster]:
    """Two app instances (uvicorn) and HAProxy in front of them, all on this machine."""
    if HAPROXY is None:
        pytest.fail(f"haproxy is missing and {REQUIRE_HAPROXY} requires it")
    ports = {"app1": free_port(), "app2": free_port()}
    # As docs/deploy.md: one database, the proxy believed, one key for every instance.
    env = {
        **os.environ,
        "PMPATH_DATABASE_URL": database,
        "PMPATH_TRUST_PROXY": "1",
        "PMPATH_SECRET_KEY": secrets.token_urlsafe(32),
    }
    env.pop("PMPATH_FRAMEWORK", None)
    instances = {
        name: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "pmpath.web.server:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--timeout-keep-alive",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=tmp_path,
        )
        for name, port in ports.items()
    }
    balancer_port = free_port()
    balancer: subprocess.Popen[bytes] | None = None
    try:
        for name, port in ports.items():
            wait_for(f"http://127.0.0.1:{port}/healthz", instances[name])
        balancer = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(HAPROXY_CONFIG)],
            env={
                **os.environ,
                "PMPATH_LB_ADDRESS": f"127.0.0.1:{balancer_port}",
                "PMPATH_APP_1": f"127.0.0.1:{ports['app1']}",
                "PMPATH_APP_2": f"127.0.0.1:{ports['app2']}",
            },
            cwd=tmp_path,
        )
        wait_for(f"http://127.0.0.1:{balancer_port}/healthz", balancer)
        yield Cluster(f"http://127.0.0.1:{balancer_port}", instances)
    finally:
        if balancer is not None:
            stop(balancer)
        for process in instances.values():
            stop(process)


# -- the learners: a browser-like client that tries again when the connection fails --


@dataclass
class Traffic:
    """Every reply the learners got (when its request was sent, which instance answered), and
    every failure that made a learner send a request again (when, what it was)."""

    replies: list[tuple[float, str]] = field(default_factory=list)
    failures: list[tuple[float, str, str]] = field(default_factory=list)
    answers_acknowledged: int = 0

    def failure_kinds(self) -> dict[str, int]:
        return dict(Counter(kind for _, kind, _ in self.failures))


class Browser:
    """One learner's client. On a connection error or a 502/503/504 from the balancer it
    sends the request again, as a browser does with a request whose kept-alive connection
    closed without a reply, or a person pressing the button again."""

    def __init__(self, base: str, token: str, traffic: Traffic) -> None:
        self.client = httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        self.traffic = traffic

    async def send(self, method: str, path: str, body: str | None = None) -> httpx.Response:
        for _ in range(20):
            sent = time.monotonic()
            try:
                reply = await self.client.request(method, path, content=body)
            except httpx.TransportError as error:
                kind = type(error).__name__
            else:
                if reply.status_code not in (502, 503, 504):
                    self.traffic.replies.append((sent, reply.headers.get("x-pmpath-server", "")))
                    return reply
                kind = f"HTTP {reply.status_code}"
            self.traffic.failures.append((time.monotonic(), kind, f"{method} {path}"))
            await asyncio.sleep(0.2)
        raise AssertionError(f"{method} {path} failed 20 times")


def first_option(question: dict[str, Any]) -> object:
    ids = [option["id"] for option in question["options"]]
    kind = question["type"]
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


@dataclass
class Run:
    """What the learners saw: the answers acknowledged, per attempt and position."""

    traffic: Traffic = field(default_factory=Traffic)
    acknowledged: dict[tuple[int, int], object] = field(default_factory=dict)
    finished: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: When the kill was sent, and when the instance was gone for certain.
    kill_sent_at: float | None = None
    killed_at: float | None = None
    finished_before_kill: int = 0


async def take_exam(browser: Browser, run: Run, killed: asyncio.Event) -> None:
    assert (await browser.send("GET", "/api/v1/exams")).status_code == 200
    started = await browser.send("POST", f"/api/v1/exams/{BLUEPRINT}/attempts")
    assert started.status_code == 201, started.text
    attempt = started.json()
    attempt_id = attempt["attempt_id"]
    for position, question in enumerate(attempt["questions"]):
        await asyncio.sleep(random.uniform(*THINK))
        answer = first_option(question)
        saved = await browser.send(
            "PUT", f"/api/v1/attempts/{attempt_id}/answers/{position}", json.dumps(answer)
        )
        assert saved.status_code == 200, saved.text
        assert saved.json()["saved"] is True
        run.acknowledged[attempt_id, position] = answer
        run.traffic.answers_acknowledged += 1
    if not killed.is_set():
        run.finished_before_kill += 1
        await killed.wait()  # hand in through the survivor
    finished = await browser.send("POST", f"/api/v1/attempts/{attempt_id}/finish")
    if finished.status_code == 409:  # the first try was handed in, its reply lost
        finished = await browser.send("GET", f"/api/v1/attempts/{attempt_id}/results")
    assert finished.status_code == 200, finished.text
    run.finished[attempt_id] = finished.json()


async def kill_mid_exam(run: Run, victim: subprocess.Popen[bytes], killed: asyncio.Event) -> None:
    while run.traffic.answers_acknowledged < KILL_AFTER_ANSWERS:
        await asyncio.sleep(0.01)
    run.kill_sent_at = time.monotonic()
    victim.send_signal(signal.SIGKILL)
    await asyncio.to_thread(victim.wait)  # gone for certain from here on
    run.killed_at = time.monotonic()
    killed.set()


async def drive(cluster: Cluster, tokens: list[str]) -> Run:
    run = Run()
    killed = asyncio.Event()
    browsers = [Browser(cluster.base, token, run.traffic) for token in tokens]
    try:
        killer = asyncio.create_task(kill_mid_exam(run, cluster.instances["app1"], killed))
        await asyncio.gather(*(take_exam(browser, run, killed) for browser in browsers))
        await killer
    finally:
        await asyncio.gather(*(browser.client.aclose() for browser in browsers))
    return run


def as_compared(kind: str, response: object) -> object:
    """A multiple-response answer is a set: its order is not the learner's."""
    return sorted(response) if kind == "multiple" and isinstance(response, list) else response


def answered_in_database(url: str) -> tuple[set[tuple[int, int]], dict[int, bool]]:
    """(attempt, position) of every answer stored, and whether each attempt is finished."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            answered = connection.execute(
                text(
                    "SELECT attempt_id, position FROM responses "
                    "WHERE response IS NOT NULL AND answered_at IS NOT NULL"
                )
            ).all()
            attempts = connection.execute(text("SELECT id, finished_at FROM attempts")).all()
    finally:
        engine.dispose()
    return {(row.attempt_id, row.position) for row in answered}, {
        row.id: row.finished_at is not None for row in attempts
    }


def test_the_documented_haproxy_config_is_the_tested_one() -> None:
    page = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```haproxy\n(.*?)```", page, re.DOTALL)
    assert blocks == [HAPROXY_CONFIG.read_text(encoding="utf-8")]


@needs_haproxy
def test_killing_an_instance_mid_exam_loses_no_acknowledged_answer(
    cluster: Cluster, database: str
) -> None:
    tokens = learner_tokens(database, LEARNERS)

    run = asyncio.run(drive(cluster, tokens))

    assert run.kill_sent_at is not None
    assert run.killed_at is not None
    # The kill came mid-exam: no learner had answered every question by then.
    assert run.finished_before_kill == 0
    servers_before = Counter(
        server for sent, server in run.traffic.replies if sent < run.kill_sent_at
    )
    servers_after = Counter(server for sent, server in run.traffic.replies if sent > run.killed_at)
    # Nothing failed while both instances ran.
    early = [failure for failure in run.traffic.failures if failure[0] < run.kill_sent_at]
    assert not early, early[:10]
    # Both instances served learners before the kill; only the survivor after it.
    assert servers_before["app1"] > 0, servers_before
    assert servers_before["app2"] > 0, servers_before
    assert set(servers_after) == {"app2"}, servers_after
    # Every learner finished, through the survivor.
    assert len(run.finished) == LEARNERS
    questions = {result["attempt_id"]: len(result["review"]) for result in run.finished.values()}
    assert len(run.acknowledged) == sum(questions.values())
    # Every acknowledged answer is in the database...
    answered, finished = answered_in_database(database)
    lost = set(run.acknowledged) - answered
    assert not lost, f"{len(lost)} acknowledged answers lost: {sorted(lost)[:10]}"
    assert all(finished[attempt_id] for attempt_id in run.finished)
    # ... as it was given: the results (read back from the database by the survivor) show each
    # answer in the option ids the learner saw (the database keeps the authored ones).
    changed = [
        (attempt_id, question["position"])
        for attempt_id, result in run.finished.items()
        for question in result["review"]
        if as_compared(question["type"], question["response"])
        != as_compared(question["type"], run.acknowledged[attempt_id, question["position"]])
    ]
    assert not changed, f"{len(changed)} answers came back changed: {changed[:10]}"
    print(
        f"\nfailover: {LEARNERS} learners, {len(run.acknowledged)} answers acknowledged, "
        f"{len(lost)} lost; app1 killed after {KILL_AFTER_ANSWERS} answers; replies before the "
        f"kill {dict(servers_before)}, after {dict(servers_after)}; requests sent again by the "
        f"clients: {len(run.traffic.failures)} {run.traffic.failure_kinds()}"
    )
