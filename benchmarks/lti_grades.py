"""How long one grade passback pass (collect + send) takes for 1,000 finished attempts, against
the platform's services of the tests (real HTTP on 127.0.0.1), with a bare-requests peer.

    python benchmarks/lti_grades.py [--attempts 1000] [--database-url URL]

(``--database-url``: an empty database; SQLite in a temporary folder by default.)

Builds a database (SQLite by default) with one course, one exam link and N learners who each
launched the link and finished the exam (the attempts are written directly: the exam engine is
measured by benchmarks/exam_engine.py), then times:

- **pass**: ``LtiGradeService.run()`` — collect the N attempts into the outbox, find or create
  the line item, ask for a token, post N scores, record N outcomes;
- **peer**: the floor of the same work on the wire, in the same run: one token, then N score
  POSTs with a bare ``requests.Session`` to the same server (no database, no pylti1p3).

Limits, printed as ratios (a ratio of 1.0 or less meets the limit):

- the pass must fit in **60 s**, the background passback's interval (``pmpath serve`` runs a pass
  a minute): a slower pass would fall behind a course where 1,000 learners finish the same
  minute, the worst case of a timed exam taken by a whole lecture;
- the pass over the peer should stay within **3x**: what the database and pylti1p3 add per
  score must not dwarf the HTTP request it pays for.

Exits with 1 when the pass misses either limit.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.interop.lti.platform_services import AGS_SCOPES, SCORE, PlatformServices

from pmpath.app import Pmpath
from pmpath.services.accounts import User
from pmpath.services.models.lti import PlatformInput
from pmpath.settings import Settings
from pmpath.store import accounts as account_store
from pmpath.store import lti as lti_store
from pmpath.store.tables import AttemptRow, ProfileRow, UserRow
from pmpath.store.tables_lti import (
    LtiContextRow,
    LtiIdentityRow,
    LtiLaunchRow,
    LtiResourceLinkRow,
)

PASS_LIMIT_SECONDS = 60.0
PEER_LIMIT_RATIO = 3.0
EXAM = "pm-foundations"


def build(app: Pmpath, lms: PlatformServices, attempts: int) -> None:
    now = app.clock()
    with app.database.transaction() as session:
        admin_row = account_store.add_user(
            session, "root@example.org", "Root", "-", "admin", "root", now
        )
    admin = User(admin_row.id, admin_row.email, "Root", "admin", "root")
    platform = app.lti.register_platform(
        admin,
        PlatformInput(
            name="Benchmark LMS",
            issuer="https://lms.example.edu",
            client_id="bench",
            deployment_ids=["1"],
            key_set_url=f"{lms.url}/jwks",
            auth_login_url=f"{lms.url}/auth",
            auth_token_url=lms.token_url,
        ),
    )
    with app.database.transaction() as session:
        context = LtiContextRow(
            platform_id=platform.id, deployment_id="1", context_id="big-101", title="Big 101"
        )
        lti_store.add(session, context)
        link = LtiResourceLinkRow(
            platform_id=platform.id,
            context_row_id=context.id,
            resource_link_id="final",
            title="Final",
            target_kind="exam",
            target_ref=EXAM,
            ags_lineitems_url=lms.lineitems_url("big-101"),
            ags_scopes=AGS_SCOPES,
            created_at=now,
        )
        lti_store.add(session, link)
        profiles = (
            session.execute(
                insert(ProfileRow).returning(ProfileRow.id),
                [{"name": f"p{n}", "created_at": now} for n in range(attempts)],
            )
            .scalars()
            .all()
        )
        users = (
            session.execute(
                insert(UserRow).returning(UserRow.id),
                [
                    {
                        "email": f"l{n}@example.edu",
                        "name": f"Learner {n}",
                        "password_hash": "-",
                        "role": "learner",
                        "profile_id": profile,
                        "created_at": now,
                    }
                    for n, profile in enumerate(profiles)
                ],
            )
            .scalars()
            .all()
        )
        session.execute(
            insert(LtiIdentityRow),
            [
                {"platform_id": platform.id, "subject": f"sub-{n}", "user_id": u, "created_at": now}
                for n, u in enumerate(users)
            ],
        )
        session.execute(
            insert(LtiLaunchRow),
            [
                {"resource_link_row_id": link.id, "user_id": u, "roles": [], "launched_at": now}
                for u in users
            ],
        )
        later = now + timedelta(minutes=30)
        session.execute(
            insert(AttemptRow),
            [
                {
                    "profile_id": profile,
                    "mode": "mock",
                    "bank_id": "bundled",
                    "blueprint_id": EXAM,
                    "seed": n,
                    "form": [],
                    "pass_mark": 70.0,
                    "started_at": now + timedelta(minutes=1),
                    "finished_at": later,
                    "finish_reason": "submitted",
                    "score": float(n % 101),
                }
                for n, profile in enumerate(profiles)
            ],
        )


def peer(lms: PlatformServices, line_item: str, attempts: int, token: str) -> float:
    """N score POSTs with a bare requests session: the wire's floor."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": SCORE}
    started = time.perf_counter()
    for n in range(attempts):
        body = {
            "userId": f"peer-{n}",
            "scoreGiven": 50.0,
            "scoreMaximum": 100.0,
            "activityProgress": "Completed",
            "gradingProgress": "FullyGraded",
            "timestamp": datetime.now(UTC).isoformat(),
        }
        answer = session.post(f"{line_item}/scores", data=json.dumps(body), headers=headers)
        answer.raise_for_status()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    if not url.startswith("sqlite"):
        from pmpath.store import Database

        Database(url).upgrade()  # an empty PostgreSQL database is migrated here
    app = Pmpath(Settings(database_url=url))
    lms = PlatformServices("bench", app.lti.jwks).start()
    lms.add_course("big-101", "Big 101")
    try:
        build(app, lms, args.attempts)
        started = time.perf_counter()
        run = app.lti_grades.run(limit=args.attempts)
        seconds = time.perf_counter() - started
        if run.sent != args.attempts:
            print(f"only {run.sent} of {args.attempts} sent: {run.errors}", file=sys.stderr)
            return 1
        [item] = lms.courses["big-101"].line_items
        token = next(iter(lms._tokens))
        floor = peer(lms, item["id"], args.attempts, token)
    finally:
        lms.stop()
        app.database.dispose()
    database = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    per_score, per_peer = 1000 * seconds / args.attempts, 1000 * floor / args.attempts
    print(f"grade passback, {args.attempts:,} finished attempts, {database}, local platform")
    print(f"  one pass (collect + send): {seconds:6.2f} s  ({per_score:.1f} ms a score)")
    print(f"  peer (bare requests POSTs): {floor:6.2f} s  ({per_peer:.1f} ms a score)")
    interval = seconds / PASS_LIMIT_SECONDS
    print(f"  pass / {PASS_LIMIT_SECONDS:.0f} s interval: {interval:.3f}  (limit 1.0)")
    print(f"  pass / peer: {seconds / floor:.2f}  (limit {PEER_LIMIT_RATIO:.1f})")
    ok = seconds <= PASS_LIMIT_SECONDS and seconds / floor <= PEER_LIMIT_RATIO
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
