"""A quiz load test shaped like the published Moodle 4.5 quiz benchmark, against pmpath serve.

    python benchmarks/web_load.py [--learners 5000] [--duration 180] [--database sqlite|postgresql]

Shape: every learner opens the exam list, then all start the same 30-question mock exam at one
synchronised moment and answer questions with 30-90 s of thinking between answers, for
``--duration`` seconds after the start (16 answers at most, as in the Moodle test). Then a
closed loop: ``--closed`` clients answer with no think time for 20 s, then as many clients hit
the trivial /healthz endpoint for 20 s, for the ratio of the two rates. Finally every answer the
server acknowledged is looked up in the database.

Each learner has their own httpx client and connection, like their own browser. Before the real
run, the same synchronised start is sent to a server that replies at once with a real start
reply and does nothing else: the client floor, the best start latency this client can measure
on this machine, printed beside the server's.

Learners and their API tokens are created directly in the database (hashing 5,000 passwords
with argon2 would take minutes and is not what is being measured). The server runs in its own
processes (uvicorn; 3 workers on PostgreSQL, 1 on SQLite, which has one writer). Prints, for
starting an attempt and for submitting an answer: count, errors, p50/p95/p99 latency.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import itertools
import json
import os
import random
import secrets
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from pmpath.cli.serve_cmds import KEEP_ALIVE_SECONDS
from pmpath.store import Database
from pmpath.store.tables import ApiTokenRow, ProfileRow, ResponseRow, UserRow

BLUEPRINT = "scrum-master"
ANSWERS_PER_LEARNER = 16
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


def make_database(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'load.db'}"
    name = f"pmpath_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    name = make_url(url).database
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def create_learners(url: str, count: int) -> list[str]:
    """``count`` learners with API tokens, inserted in bulk; returns the tokens."""
    from argon2 import PasswordHasher

    database = Database.open(url) if url.startswith("sqlite") else Database(url)
    if not url.startswith("sqlite"):
        database.upgrade()
    password_hash = PasswordHasher().hash(secrets.token_urlsafe(16))  # nobody signs in
    now = datetime.now(UTC)
    tokens = [f"pmp_load_{secrets.token_urlsafe(24)}" for _ in range(count)]
    with database.transaction() as session:
        session.execute(
            insert(ProfileRow), [{"name": f"load-{n}", "created_at": now} for n in range(count)]
        )
        profiles = dict(session.execute(select(ProfileRow.name, ProfileRow.id)).all())
        session.execute(
            insert(UserRow),
            [
                {
                    "email": f"load{n}@example.org",
                    "name": f"Learner {n}",
                    "password_hash": password_hash,
                    "role": "learner",
                    "profile_id": profiles[f"load-{n}"],
                    "created_at": now,
                }
                for n in range(count)
            ],
        )
        users = dict(session.execute(select(UserRow.email, UserRow.id)).all())
        session.execute(
            insert(ApiTokenRow),
            [
                {
                    "token_hash": hashlib.sha256(t.encode()).hexdigest(),
                    "user_id": users[f"load{n}@example.org"],
                    "name": "load",
                    "created_at": now,
                }
                for n, t in enumerate(tokens)
            ],
        )
    database.dispose()
    return tokens


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PMPATH_DATABASE_URL": url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "pmpath.web.server:app",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--backlog",
            "8192",
            "--timeout-keep-alive",
            str(KEEP_ALIVE_SECONDS),  # as pmpath serve
        ],
        env=env,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start")


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

    async def open_page(self) -> None:
        """What a learner's browser does before pressing start: loads the list of exams. It
        opens the learner's connection, so the start measures the server, not TCP set-up."""
        await self.client.get("/api/v1/exams")

    async def start(self, starts: list[float], errors: Counter[str]) -> dict | None:  # type: ignore[type-arg]
        began = time.perf_counter()
        try:
            response = await self.client.post(f"/api/v1/exams/{BLUEPRINT}/attempts")
        except httpx.HTTPError as error:
            errors[type(error).__name__] += 1
            return None
        starts.append(time.perf_counter() - began)
        if response.status_code != 201:
            errors[f"HTTP {response.status_code}"] += 1
            return None
        attempt: dict = response.json()  # type: ignore[type-arg]
        return attempt


@asynccontextmanager
async def learners_for(base: str, tokens: list[str]) -> AsyncIterator[list[Learner]]:
    """A learner (their own client) per token, closed afterwards; the garbage collector is on
    again afterwards too (``synchronised_start`` turns it off while it measures)."""
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
    learners: list[Learner], starts: list[float], errors: Counter[str]
) -> tuple[float, list[dict | None]]:  # type: ignore[type-arg]
    """Start every learner's attempt at once; returns when that was, and the attempts."""
    await open_all(learners)
    go = asyncio.Event()

    async def start_one(one: Learner) -> dict | None:  # type: ignore[type-arg]
        await go.wait()
        return await one.start(starts, errors)

    tasks = [asyncio.create_task(start_one(one)) for one in learners]
    await asyncio.sleep(0.5)
    # Thousands of clients and their attempts are millions of objects: Python's collector would
    # walk them all, pausing the client for up to a second, and the pause would count as server
    # latency. Reference counting still frees everything without cycles.
    gc.collect()
    gc.disable()
    go.set()  # the synchronised start
    started = time.time()
    return started, list(await asyncio.gather(*tasks))


async def answer_questions(
    one: Learner,
    attempt: dict,  # type: ignore[type-arg]
    until: float,
    think: tuple[float, float],
    answers: list[float],
    errors: Counter[str],
    acknowledged: list[tuple[int, int, str]],
) -> None:
    for position, question in enumerate(attempt["questions"][:ANSWERS_PER_LEARNER]):
        await asyncio.sleep(random.uniform(*think))
        if time.time() >= until:
            return
        body = json.dumps(first_option(question))
        began = time.perf_counter()
        try:
            saved = await one.client.put(
                f"/api/v1/attempts/{attempt['attempt_id']}/answers/{position}", content=body
            )
        except httpx.HTTPError as error:
            errors[type(error).__name__] += 1
            continue
        answers.append(time.perf_counter() - began)
        if saved.status_code == 200 and saved.json().get("saved"):
            acknowledged.append((attempt["attempt_id"], position, body))
        else:
            errors[f"HTTP {saved.status_code}"] += 1


async def open_loop(
    base: str, tokens: list[str], duration: float, think: tuple[float, float]
) -> tuple[list[tuple[int, int, str]], int, float]:
    """The Moodle shape; returns the acknowledged answers, the error count and start p99."""
    starts: list[float] = []
    start_errors: Counter[str] = Counter()
    answers: list[float] = []
    answer_errors: Counter[str] = Counter()
    acknowledged: list[tuple[int, int, str]] = []
    async with learners_for(base, tokens) as learners:
        started, attempts = await synchronised_start(learners, starts, start_errors)
        until = started + duration
        await asyncio.gather(
            *(
                answer_questions(one, attempt, until, think, answers, answer_errors, acknowledged)
                for one, attempt in zip(learners, attempts, strict=True)
                if attempt is not None
            )
        )
    report("start an attempt", starts, start_errors)
    report("submit an answer", answers, answer_errors)
    if starts:
        print(
            f"synchronised start: {len(starts)} attempts started within {max(starts):.1f} s, "
            f"{len(starts) / max(starts):.0f} starts/s"
        )
    return acknowledged, start_errors.total() + answer_errors.total(), percentile(starts, 0.99)


async def client_floor(base: str, learners: int) -> float:
    """The synchronised start's p99 against a server that does no work at all (a canned
    reply, see ``canned_reply``): what this client on this machine can measure at best."""
    starts: list[float] = []
    errors: Counter[str] = Counter()
    async with learners_for(base, ["none"] * learners) as clients:
        await synchronised_start(clients, starts, errors)
    if errors:
        raise SystemExit(f"the canned server failed: {dict(errors)}")
    return percentile(starts, 0.99)


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


async def closed_loop(
    base: str, tokens: list[str], clients: int, seconds: float, errors: Counter[str]
) -> float:
    """Answers per second with no think time, over ``clients`` concurrent learners."""
    async with learners_for(base, tokens[:clients]) as learners:
        attempts = [await one.start([], errors) for one in learners]
        end = time.perf_counter() + seconds
        done = await asyncio.gather(
            *(
                requests_until(end, answering(one, attempt), errors)
                for one, attempt in zip(learners, attempts, strict=True)
                if attempt
            )
        )
    return sum(done) / seconds


async def trivial_loop(base: str, clients: int, seconds: float, errors: Counter[str]) -> float:
    """Requests per second to /healthz, over ``clients`` concurrent clients."""
    async with learners_for(base, ["none"] * clients) as learners:
        end = time.perf_counter() + seconds
        done = await asyncio.gather(
            *(requests_until(end, partial(one.client.get, "/healthz"), errors) for one in learners)
        )
    return sum(done) / seconds


def verify(url: str, acknowledged: list[tuple[int, int, str]]) -> int:
    """How many acknowledged answers are missing from the database."""
    database = Database(url)
    with database.transaction() as session:
        stored = {
            (row.attempt_id, row.position): json.dumps(row.response)
            for row in session.scalars(select(ResponseRow))
        }
    database.dispose()
    return sum(1 for attempt, position, _ in acknowledged if (attempt, position) not in stored)


class _CannedReply(asyncio.Protocol):
    """HTTP/1.1 keep-alive: the same reply to every request, no routing, no database."""

    reply = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].lower()
            length = 0
            if (at := head.find(b"content-length:")) >= 0:
                length = int(head[at + 15 :].split(b"\r\n", 1)[0])
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            self.transport.write(self.reply)  # type: ignore[attr-defined]


def canned_reply(port: int, body_file: Path) -> None:
    """Serve ``body_file`` (a real start reply) to every request on ``port``, forever."""
    body = body_file.read_bytes()
    _CannedReply.reply = (
        b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n"
        b"content-length: %d\r\n\r\n" % len(body) + body
    )

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_CannedReply, "127.0.0.1", port, backlog=8192)
        await server.serve_forever()

    run(serve())


def start_canned(body: bytes, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    body_file = folder / "start-reply.json"
    body_file.write_bytes(body)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--canned-reply", str(port), str(body_file)]
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            httpx.get(base, timeout=2)
            return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the canned server did not start")


def run(coroutine: Any) -> Any:
    """uvloop where it is installed (uvicorn[standard] brings it): the client's own loop
    costs less, leaving more of the machine to the server."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument("--think", type=float, nargs=2, default=(30.0, 90.0))
    parser.add_argument("--closed", type=int, default=50, help="clients in the closed loop")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--workers", type=int, default=None, help="app processes (default: 1 SQLite, 3 PostgreSQL)"
    )
    parser.add_argument("--canned-reply", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.canned_reply:
        canned_reply(int(args.canned_reply[0]), Path(args.canned_reply[1]))
        return 0

    with tempfile.TemporaryDirectory() as folder:
        url = make_database(args.database, Path(folder))
        try:
            tokens = create_learners(url, max(args.learners, args.closed) + 1)  # the last: a spare
            workers = args.workers or (3 if args.database == "postgresql" else 1)
            port = free_port()
            server = start_server(url, port, workers)
            base = f"http://127.0.0.1:{port}"
            try:
                print(
                    f"{args.learners} learners, {args.database}, {workers} worker(s), "
                    f"{args.duration:.0f} s"
                )
                # The floor first: the same synchronised start against a server that sends a
                # real start reply without doing anything, on the same machine, in this run.
                sample = httpx.post(
                    f"{base}/api/v1/exams/{BLUEPRINT}/attempts",
                    headers={"Authorization": f"Bearer {tokens[-1]}"},
                    timeout=30,
                )
                canned, canned_base = start_canned(sample.content, Path(folder))
                try:
                    floor = run(client_floor(canned_base, args.learners))
                finally:
                    canned.terminate()
                    canned.wait(timeout=30)
                acknowledged, errors, start_p99 = run(
                    open_loop(base, tokens[: args.learners], args.duration, tuple(args.think))
                )
                print(
                    f"client floor: the same start against a canned reply has p99 "
                    f"{floor * 1000:.0f} ms; the server's is {start_p99 / floor:.1f}x that"
                )
                loop_errors: Counter[str] = Counter()
                answers = run(closed_loop(base, tokens, args.closed, 20, loop_errors))
                trivial = run(trivial_loop(base, args.closed, 20, loop_errors))
                kinds = ", ".join(f"{kind} x{n}" for kind, n in loop_errors.most_common())
                print(
                    f"closed loop: {answers:.0f} answers/s, /healthz {trivial:.0f} requests/s, "
                    f"ratio {answers / trivial:.2f}; errors {loop_errors.total()}"
                    + (f" ({kinds})" if kinds else "")
                )
                errors += loop_errors.total()
            finally:
                server.terminate()
                server.wait(timeout=30)
            lost = verify(url, acknowledged)
            print(f"acknowledged answers: {len(acknowledged)}, missing from the database: {lost}")
        finally:
            drop_database(url)
    return 0 if lost == 0 and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
