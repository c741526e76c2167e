"""A quiz load test shaped like the published Moodle 4.5 quiz benchmark, against pmpath serve.

    python benchmarks/web_load.py [--learners 5000] [--duration 180] [--database sqlite|postgresql]

Shape: every learner starts the same 30-question mock exam at one synchronised moment, then
answers questions with 30-90 s of thinking between answers, for ``--duration`` seconds after
the start (16 answers at most, as in the Moodle test). Then a closed loop: ``--closed``
clients answer with no think time for 20 s, beside the same number hitting the trivial
/healthz endpoint for 20 s, for the ratio of the two rates. Finally every answer the server
acknowledged is looked up in the database.

Learners and their API tokens are created directly in the database (hashing 5,000 passwords
with argon2 would take minutes and is not what is being measured). The server runs in its own
process (uvicorn; 2 workers on PostgreSQL, 1 on SQLite, which has one writer). Prints, for
starting an attempt and for submitting an answer: count, errors, p50/p95/p99 latency.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

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


async def learner(
    client: httpx.AsyncClient,
    token: str,
    go: asyncio.Event,
    until: float,
    think: tuple[float, float],
    starts: list[float],
    start_errors: Counter[str],
    answers: list[float],
    answer_errors: Counter[str],
    acknowledged: list[tuple[int, int, str]],
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    await go.wait()
    began = time.perf_counter()
    try:
        response = await client.post(f"/api/v1/exams/{BLUEPRINT}/attempts", headers=headers)
    except httpx.HTTPError as error:
        start_errors[type(error).__name__] += 1
        return
    starts.append(time.perf_counter() - began)
    if response.status_code != 201:
        start_errors[f"HTTP {response.status_code}"] += 1
        return
    attempt = response.json()
    for position, question in enumerate(attempt["questions"][:ANSWERS_PER_LEARNER]):
        await asyncio.sleep(random.uniform(*think))
        if time.time() >= until:
            return
        body = json.dumps(first_option(question))
        began = time.perf_counter()
        try:
            saved = await client.put(
                f"/api/v1/attempts/{attempt['attempt_id']}/answers/{position}",
                content=body,
                headers=headers,
            )
        except httpx.HTTPError as error:
            answer_errors[type(error).__name__] += 1
            continue
        answers.append(time.perf_counter() - began)
        if saved.status_code == 200 and saved.json().get("saved"):
            acknowledged.append((attempt["attempt_id"], position, body))
        else:
            answer_errors[f"HTTP {saved.status_code}"] += 1


async def open_loop(
    base: str, tokens: list[str], duration: float, think: tuple[float, float]
) -> tuple[list[tuple[int, int, str]], int]:
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    starts: list[float] = []
    start_errors: Counter[str] = Counter()
    answers: list[float] = []
    answer_errors: Counter[str] = Counter()
    acknowledged: list[tuple[int, int, str]] = []
    go = asyncio.Event()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        until = time.time() + duration
        tasks = [
            asyncio.create_task(
                learner(
                    client,
                    t,
                    go,
                    until,
                    think,
                    starts,
                    start_errors,
                    answers,
                    answer_errors,
                    acknowledged,
                )
            )
            for t in tokens
        ]
        await asyncio.sleep(0.5)
        go.set()  # the synchronised start
        await asyncio.gather(*tasks)
    report("start an attempt", starts, start_errors)
    report("submit an answer", answers, answer_errors)
    if starts:
        print(
            f"synchronised start: {len(starts)} attempts started within {max(starts):.1f} s, "
            f"{len(starts) / max(starts):.0f} starts/s"
        )
    return acknowledged, start_errors.total() + answer_errors.total()


async def closed_loop(
    base: str, tokens: list[str], clients: int, seconds: float, errors: Counter[str]
) -> float:
    """Answers per second with no think time, over ``clients`` concurrent learners."""
    done = 0
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        attempts = []
        for token in tokens[:clients]:
            headers = {"Authorization": f"Bearer {token}"}
            created = await client.post(f"/api/v1/exams/{BLUEPRINT}/attempts", headers=headers)
            attempts.append((headers, created.json()))

        async def worker(headers: dict[str, str], attempt: dict) -> None:  # type: ignore[type-arg]
            nonlocal done
            position = 0
            while time.perf_counter() < end:
                slot = position % len(attempt["questions"])
                question = attempt["questions"][slot]
                position += 1
                try:
                    saved = await client.put(
                        f"/api/v1/attempts/{attempt['attempt_id']}/answers/{slot}",
                        content=json.dumps(first_option(question)),
                        headers=headers,
                    )
                except httpx.HTTPError as error:
                    errors[type(error).__name__] += 1
                    continue
                if saved.status_code == 200:
                    done += 1
                else:
                    errors[f"HTTP {saved.status_code}"] += 1

        end = time.perf_counter() + seconds
        await asyncio.gather(*(worker(h, a) for h, a in attempts))
    return done / seconds


async def trivial_loop(base: str, clients: int, seconds: float, errors: Counter[str]) -> float:
    done = 0
    async with httpx.AsyncClient(
        base_url=base, limits=httpx.Limits(max_connections=clients), timeout=60
    ) as client:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < end:
                try:
                    reply = await client.get("/healthz")
                except httpx.HTTPError as error:
                    errors[type(error).__name__] += 1
                    continue
                if reply.status_code == 200:
                    done += 1
                else:
                    errors[f"HTTP {reply.status_code}"] += 1

        end = time.perf_counter() + seconds
        await asyncio.gather(*(worker() for _ in range(clients)))
    return done / seconds


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument("--think", type=float, nargs=2, default=(30.0, 90.0))
    parser.add_argument("--closed", type=int, default=50, help="clients in the closed loop")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--workers", type=int, default=None, help="app processes (default: 1 SQLite, 2 PostgreSQL)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = make_database(args.database, Path(folder))
        try:
            tokens = create_learners(url, max(args.learners, args.closed))
            workers = args.workers or (2 if args.database == "postgresql" else 1)
            port = free_port()
            server = start_server(url, port, workers)
            base = f"http://127.0.0.1:{port}"
            try:
                print(
                    f"{args.learners} learners, {args.database}, {workers} worker(s), "
                    f"{args.duration:.0f} s"
                )
                acknowledged, errors = asyncio.run(
                    open_loop(base, tokens[: args.learners], args.duration, tuple(args.think))
                )
                loop_errors: Counter[str] = Counter()
                answers = asyncio.run(closed_loop(base, tokens, args.closed, 20, loop_errors))
                trivial = asyncio.run(trivial_loop(base, args.closed, 20, loop_errors))
                kinds = ", ".join(f"{kind} x{n}" for kind, n in loop_errors.most_common())
                print(
                    f"closed loop: {answers:.0f} answers/s, /healthz {trivial:.0f} requests/s, "
                    f"ratio {answers / trivial:.2f}; errors {loop_errors.total()}"
                    + (f" ({kinds})" if kinds else "")
                )
                errors += loop_errors.total()
                # The same server cannot even *receive* N requests of any kind faster than its
                # trivial endpoint's rate: the floor under the synchronised start's p99.
                print(
                    f"floor: {args.learners} requests at the /healthz rate take "
                    f"{args.learners / trivial:.1f} s"
                )
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
