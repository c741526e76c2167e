"""How fast pmpath's xAPI outbox gets answers to a real LRS (Ralph), against a plain loop.

    python benchmarks/xapi.py [--answers 10000] [--peer 1000]

Needs Ralph in .venv-ralph (``python3 dev.py test`` makes it). Seeds a fresh SQLite database
with finished 40-question mock exams holding ``--answers`` answers (rows written directly, as
the exam service leaves them), then times one pass of pmpath's outbox: **collect** (statements
made from the records and written to the outbox) and **send** (batches of 100 POSTed to Ralph,
each row marked sent). The peer, in the same run, is what a script without an outbox would do:
POST the same statements one at a time in a plain loop, into a second, empty Ralph (the first
``--peer`` of them: Ralph's file backend reads its whole file for every POST, so the peer's
rate only falls with more; its smaller file favours it). Prints statements per second of both
and their ratio (above 1: the outbox is faster, durability included), and how long a pass with
nothing new takes over those records (what the web app's background sender costs each minute).
No timed assertion.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.interop.xapi.ralph import PASSWORD, USER, Ralph, ralph_python

from pmpath.app import Pmpath
from pmpath.interop.xapi import Lrs
from pmpath.services.xapi import COMMAND_LINE
from pmpath.settings import Settings
from pmpath.store.tables import AttemptRow, ProfileRow, ResponseRow
from pmpath.store.tables_xapi import XapiOutboxRow

QUESTIONS = 40
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def seed(app: Pmpath, answers: int) -> None:
    """Finished mock exams of 40 answers each (two in three right), one learner per exam."""
    rng = random.Random(3)
    items = [item.id for item in app.bundled_bank.items]
    exams = -(-answers // QUESTIONS)
    with app.database.transaction() as session:
        for n in range(exams):
            profile = ProfileRow(name=f"learner-{n}", created_at=START)
            session.add(profile)
            session.flush()
            begun = START + timedelta(minutes=n)
            asked = rng.sample(items, QUESTIONS)
            count = min(QUESTIONS, answers - n * QUESTIONS)
            right = [rng.random() < 2 / 3 for _ in range(count)]
            session.add(
                AttemptRow(
                    profile_id=profile.id,
                    mode="mock",
                    bank_id="pm-core",
                    blueprint_id="apm-readiness",
                    seed=n,
                    form=[
                        {"item_id": item, "option_order": ["a", "b", "c", "d"]} for item in asked
                    ],
                    pass_mark=70.0,
                    started_at=begun,
                    finished_at=begun + timedelta(minutes=45),
                    finish_reason="submitted",
                    score=round(100 * sum(right) / QUESTIONS, 1),
                    responses=[
                        ResponseRow(
                            position=k,
                            item_id=asked[k],
                            response="a",
                            credit=1.0 if right[k] else 0.0,
                            answered_at=begun + timedelta(seconds=30 * (k + 1)),
                        )
                        for k in range(count)
                    ],
                )
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--peer", type=int, default=1_000)
    given = parser.parse_args()
    python = ralph_python()
    if python is None:
        print("needs Ralph in .venv-ralph: run `python3 dev.py test` once", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        ours, peer = Ralph(python, root / "ralph"), Ralph(python, root / "peer")
        ours.start()
        peer.start()
        try:
            app = Pmpath(
                Settings(
                    database_url=f"sqlite:///{root / 'pmpath.db'}",
                    public_url="https://pmpath.example.org",
                )
            )
            seed(app, given.answers)
            app.xapi.configure(
                COMMAND_LINE, endpoint=ours.endpoint, key=USER, secret=PASSWORD, backfill=True
            )
            began = time.perf_counter()
            collected = app.xapi.collect(COMMAND_LINE)
            middle = time.perf_counter()
            sent = app.xapi.send(COMMAND_LINE)
            ended = time.perf_counter()
            assert sent.sent == collected.collected, sent
            assert sent.failed == 0, sent
            idle_began = time.perf_counter()
            idle = app.xapi.run_once(COMMAND_LINE)
            idle_took = time.perf_counter() - idle_began
            assert idle.collect.collected == 0
            with app.database.transaction() as session:
                statements = [
                    row.statement for row in session.query(XapiOutboxRow).order_by(XapiOutboxRow.id)
                ][: given.peer]
            lrs = Lrs(peer.endpoint, USER, PASSWORD)
            peer_began = time.perf_counter()
            for statement in statements:
                reply = lrs.post_statements([statement])
                assert reply.ok, reply.message()
            peer_took = time.perf_counter() - peer_began
        finally:
            ours.stop()
            peer.stop()
    total = collected.collected
    rate = total / (ended - began)
    peer_rate = len(statements) / peer_took
    print(f"statements: {total:,} from {given.answers:,} answers ({sent.requests} POSTs)")
    print(f"collect: {middle - began:.2f} s ({total / (middle - began):,.0f} statements/s)")
    print(f"send:    {ended - middle:.2f} s ({total / (ended - middle):,.0f} statements/s)")
    print(f"outbox, collect + send: {rate:,.0f} statements/s")
    print(f"peer, single POSTs in a loop ({len(statements):,}): {peer_rate:,.0f} statements/s")
    print(f"ratio outbox / peer: {rate / peer_rate:.1f}")
    print(f"a pass with nothing new (the background sender's minute): {idle_took * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
