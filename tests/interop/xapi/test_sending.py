"""Statements of real records (a mock exam, practice, the placement test, a self-assessment)
collected into the outbox and sent to a real LRS, Ralph, then read back from it; what the
outbox does when Ralph is down, comes back, or refuses a statement. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from pmpath.interop.xapi.retries import FIRST_RETRY
from pmpath.services.xapi import COMMAND_LINE
from pmpath.store.tables import AttemptRow
from pmpath.store.tables_xapi import XapiOutboxRow
from tests.interop.xapi.helpers import (
    EXAM,
    Site,
    by_verb,
    make_site,
    practise,
    self_assess,
    sit_exam,
    take_placement,
)
from tests.interop.xapi.ralph import Ralph

ADL = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def site(database_url: str) -> Site:
    return make_site(database_url)


def _sent_to(ralph: Ralph, site: Site) -> list[dict]:
    return site.mine(ralph.statements())


# -- what is sent ----------------------------------------------------------------------------


def test_an_exam_attempt_its_answers_and_its_verdict_are_read_back_from_the_lrs(
    ralph: Ralph, site: Site
) -> None:
    site.configure(ralph.endpoint)
    attempt = sit_exam(site, "ana", right=30)

    report = site.xapi.run_once(COMMAND_LINE)

    sent = _sent_to(ralph, site)
    questions = len(site.app.exams.view(attempt, "ana").questions)
    verbs = by_verb(sent)
    assert {verb: len(found) for verb, found in verbs.items()} == {
        "attempted": 1,
        "answered": questions,
        "completed": 1,
        "passed": 1,
    }
    assert report.send.sent == questions + 3
    assert report.send.failed == 0
    assert {s["verb"]["id"] for s in sent} == {
        ADL + "attempted",
        ADL + "answered",
        ADL + "completed",
        ADL + "passed",
    }
    exam = f"{site.url}/xapi/activities/exams/{EXAM}"
    assert verbs["attempted"][0]["object"]["id"] == exam
    # One learner, one registration for the whole attempt.
    assert len({json_key(s["actor"]) for s in sent}) == 1
    assert len({s["context"]["registration"] for s in sent}) == 1
    right = [s for s in verbs["answered"] if s["result"]["success"]]
    assert len(right) == 30
    assert all(s["result"]["score"]["scaled"] == 1.0 for s in right)
    parents = {s["context"]["contextActivities"]["parent"][0]["id"] for s in verbs["answered"]}
    assert parents == {exam}
    results = site.app.exams.results(attempt, "ana")
    done = verbs["completed"][0]["result"]
    assert done["completion"] is True
    assert done["score"]["scaled"] == pytest.approx(results.score / 100, abs=1e-4)
    assert results.passed is True
    assert done["duration"] == f"PT{questions}M30S"  # a minute a question, then 30 seconds
    assert verbs["passed"][0]["result"]["success"] is True


def json_key(value: dict) -> str:
    import json

    return json.dumps(value, sort_keys=True)


def test_a_failed_exam_is_stated_as_failed(ralph: Ralph, site: Site) -> None:
    site.configure(ralph.endpoint)
    sit_exam(site, "ana", right=2)
    site.xapi.run_once(COMMAND_LINE)
    verbs = by_verb(_sent_to(ralph, site))
    assert "passed" not in verbs
    assert verbs["failed"][0]["result"]["success"] is False
    assert verbs["completed"][0]["result"]["success"] is False


def test_mock_exam_answers_wait_until_the_exam_is_handed_in(ralph: Ralph, site: Site) -> None:
    site.configure(ralph.endpoint)
    attempt = sit_exam(site, "ana", right=5, finish=False)
    site.xapi.run_once(COMMAND_LINE)
    # Until it is handed in the learner may change any answer: only "attempted" goes.
    assert [s["verb"]["display"]["en"] for s in _sent_to(ralph, site)] == ["attempted"]
    site.app.exams.finish(attempt, "ana")
    site.xapi.run_once(COMMAND_LINE)
    assert "answered" in by_verb(_sent_to(ralph, site))


def test_practice_answers_are_sent_as_they_are_given(ralph: Ralph, site: Site) -> None:
    site.configure(ralph.endpoint)
    practise(site, "ben", answers=3)
    site.xapi.run_once(COMMAND_LINE)
    verbs = by_verb(_sent_to(ralph, site))
    assert len(verbs["answered"]) == 3
    assert all(s["result"]["success"] for s in verbs["answered"])
    assert verbs["attempted"][0]["object"]["id"] == f"{site.url}/xapi/activities/practice/pm-core"
    assert "completed" not in verbs  # the session is still open


def test_a_self_assessment_is_completed_with_the_role_it_placed_the_learner_at(
    ralph: Ralph, site: Site
) -> None:
    site.configure(ralph.endpoint)
    self_assess(site, "dee", level=3)
    site.xapi.run_once(COMMAND_LINE)
    [statement] = _sent_to(ralph, site)
    placed = site.app.assessments.profile("dee").placement
    assert statement["verb"]["id"] == ADL + "completed"
    framework = site.app.framework.id
    assert statement["object"]["id"] == f"{site.url}/xapi/activities/self-assessment/{framework}"
    extensions = statement["result"]["extensions"]
    assert extensions[f"{site.url}/xapi/extensions/role"] == placed.role.id
    assert extensions[f"{site.url}/xapi/extensions/role-status"] == placed.status


def test_a_placement_is_scored_with_the_level_it_placed_the_learner_at(
    ralph: Ralph, site: Site
) -> None:
    site.configure(ralph.endpoint)
    result = take_placement(site, "cy")
    site.xapi.run_once(COMMAND_LINE)
    verbs = by_verb(_sent_to(ralph, site))
    [scored] = verbs["scored"]
    assert scored["verb"]["id"] == ADL + "scored"
    assert scored["object"]["id"] == f"{site.url}/xapi/activities/placement-test"
    extensions = scored["result"]["extensions"]
    assert extensions[f"{site.url}/xapi/extensions/level"] == result.overall.level
    assert extensions[f"{site.url}/xapi/extensions/level-range"] == list(result.overall.level_range)
    assert scored["result"]["score"]["raw"] == pytest.approx(result.overall.theta, abs=1e-4)
    assert len(verbs["answered"]) == result.overall.items
    assert "passed" not in verbs
    assert "failed" not in verbs


def test_learners_are_pseudonyms_unless_the_admin_chose_email(ralph: Ralph, site: Site) -> None:
    from pmpath.store import accounts as account_store

    with site.app.database.transaction() as session:
        account_store.add_user(
            session, "eve@example.org", "Eve", "-", "learner", "web-eve", site.clock()
        )
    site.configure(ralph.endpoint)
    self_assess(site, "web-eve")
    site.xapi.run_once(COMMAND_LINE)
    [first] = _sent_to(ralph, site)
    assert set(first["actor"]) == {"objectType", "account"}
    assert first["actor"]["account"]["homePage"] == site.url
    assert "eve" not in str(first).lower()

    site.xapi.configure(COMMAND_LINE, identify_by="email")
    self_assess(site, "web-eve")
    site.xapi.run_once(COMMAND_LINE)
    emailed = [s for s in _sent_to(ralph, site) if "mbox" in s["actor"]]
    assert [s["actor"]["mbox"] for s in emailed] == ["mailto:eve@example.org"]


def test_only_records_made_after_configuration_are_sent_unless_a_backfill_is_asked(
    ralph: Ralph, site: Site
) -> None:
    self_assess(site, "old")
    site.clock.advance(minutes=1)
    site.configure(ralph.endpoint)
    site.clock.advance(minutes=1)
    self_assess(site, "new")
    assert site.xapi.run_once(COMMAND_LINE).collect.collected == 1

    site.xapi.configure(COMMAND_LINE, backfill=True)
    assert site.xapi.run_once(COMMAND_LINE).collect.collected == 1
    assert len(_sent_to(ralph, site)) == 2


def test_nothing_is_collected_or_sent_while_sending_is_off(ralph: Ralph, site: Site) -> None:
    site.configure(ralph.endpoint, enabled=False)
    self_assess(site, "dee")
    report = site.xapi.run_once(COMMAND_LINE)
    assert not report.enabled
    assert report.collect.collected == 0
    assert site.outbox() == []
    # Turned on, what was recorded meanwhile goes: nothing is lost by pausing.
    site.xapi.configure(COMMAND_LINE, enabled=True)
    assert site.xapi.run_once(COMMAND_LINE).send.sent == 1


# -- the outbox ------------------------------------------------------------------------------


def test_a_statement_sent_twice_is_stored_once(ralph: Ralph, site: Site) -> None:
    site.configure(ralph.endpoint)
    sit_exam(site, "ana", right=10)
    first = site.xapi.run_once(COMMAND_LINE).send.sent
    # As if the process died after the LRS took the batch but before it was marked sent.
    with site.app.database.transaction() as session:
        session.execute(update(XapiOutboxRow).values(state="pending"))
    again = site.xapi.run_once(COMMAND_LINE)
    assert again.collect.collected == 0
    assert again.send.sent == first
    ids = Counter(s["id"] for s in _sent_to(ralph, site))
    assert len(ids) == first
    assert set(ids.values()) == {1}


def test_collecting_twice_makes_each_statement_once(ralph: Ralph, site: Site) -> None:
    site.configure(ralph.endpoint)
    sit_exam(site, "ana", right=10)
    made = site.xapi.collect(COMMAND_LINE).collected
    assert site.xapi.collect(COMMAND_LINE).collected == 0
    assert len(site.outbox()) == made


def test_a_statement_the_lrs_refuses_is_isolated_and_the_rest_go(ralph: Ralph, site: Site) -> None:
    site.configure(ralph.endpoint)
    sit_exam(site, "ana", right=10)
    site.xapi.collect(COMMAND_LINE)
    rows = site.outbox()
    bad = rows[len(rows) // 3]
    # A statement no LRS takes: its object has no id.
    broken = {**bad.statement, "object": {"objectType": "Activity"}}
    with site.app.database.transaction() as session:
        session.execute(
            update(XapiOutboxRow).where(XapiOutboxRow.id == bad.id).values(statement=broken)
        )

    report = site.xapi.send(COMMAND_LINE)

    assert (report.sent, report.failed, report.retrying) == (len(rows) - 1, 1, 0)
    assert report.requests > 1  # the batch was split down to the one Ralph refuses
    states = {row.id: row for row in site.outbox()}
    assert states[bad.id].state == "failed"
    # Ralph's own words, where and what: the statement's object has no id.
    assert states[bad.id].last_error == "HTTP 422: 0.object.id: Field required"
    assert {row.state for row in states.values() if row.id != bad.id} == {"sent"}
    assert bad.statement_id not in {s["id"] for s in _sent_to(ralph, site)}
    status = site.xapi.status(COMMAND_LINE)
    assert [entry.id for entry in status.failures] == [bad.id]
    assert status.counts.failed == 1

    # Fixed (here: put back as built) and retried, it goes too.
    with site.app.database.transaction() as session:
        session.execute(
            update(XapiOutboxRow).where(XapiOutboxRow.id == bad.id).values(statement=bad.statement)
        )
    assert site.xapi.retry(COMMAND_LINE, [bad.id]).retried == 1
    assert site.xapi.send(COMMAND_LINE).sent == 1
    assert len(_sent_to(ralph, site)) == len(rows)


def test_an_lrs_outage_loses_nothing_and_every_statement_arrives_once(
    own_ralph: Ralph, database_url: str
) -> None:
    site = make_site(database_url)
    site.configure(own_ralph.endpoint)
    sit_exam(site, "ana", right=12)
    first = site.xapi.run_once(COMMAND_LINE).send
    assert first.sent > 0
    assert first.retrying == 0

    own_ralph.stop()  # mid-stream: records keep coming while the LRS is down
    take_placement(site, "cy")
    self_assess(site, "dee")
    down = site.xapi.run_once(COMMAND_LINE)
    assert down.collect.collected > 0
    assert down.send.sent == 0
    assert down.send.retrying > 0
    assert "could not be reached" in (down.send.stopped_because or "")
    assert down.send.requests == 1  # no hammering: one try, then the whole rest waits
    waiting = [row for row in site.outbox() if row.state == "pending"]
    assert waiting
    assert {row.tries for row in waiting} <= {0, 1}
    tried = [row for row in waiting if row.tries == 1]
    first_waits = [row.next_try_at - site.clock() for row in tried]
    assert all(FIRST_RETRY / 2 <= wait <= FIRST_RETRY for wait in first_waits)

    # Nothing is due yet: a pass now tries nothing.
    assert site.xapi.run_once(COMMAND_LINE).send.requests == 0
    site.clock.advance(seconds=FIRST_RETRY.total_seconds())
    again = site.xapi.run_once(COMMAND_LINE).send
    assert again.sent == 0
    assert again.retrying > 0
    second_tries = [row for row in site.outbox() if row.tries == 2]
    assert second_tries
    # The backoff grows: the second wait is drawn from twice the first's range.
    assert all(row.next_try_at - site.clock() >= FIRST_RETRY for row in second_tries)
    status = site.xapi.status(COMMAND_LINE)
    assert status.counts.pending == len(waiting)
    assert status.oldest_pending is not None
    assert "could not be reached" in (status.retrying_because or "")

    own_ralph.start()  # back, on the same port and the same data
    site.clock.advance(hours=1)
    back = site.xapi.run_once(COMMAND_LINE).send
    assert back.sent == len(waiting)
    assert back.retrying == 0
    assert back.failed == 0

    outbox = site.outbox()
    assert {row.state for row in outbox} == {"sent"}
    read_back = Counter(s["id"] for s in site.mine(own_ralph.statements()))
    assert set(read_back) == {row.statement_id for row in outbox}
    assert set(read_back.values()) == {1}


def test_a_wrong_secret_keeps_statements_waiting_rather_than_failed(
    ralph: Ralph, site: Site
) -> None:
    site.configure(ralph.endpoint, secret="not-the-secret")
    self_assess(site, "dee")
    report = site.xapi.run_once(COMMAND_LINE).send
    assert (report.sent, report.failed, report.retrying) == (0, 0, 1)
    assert (report.stopped_because or "").startswith("HTTP 401")
    check = site.xapi.test_connection(COMMAND_LINE)
    assert not check.ok
    assert "refused the key and secret" in check.message

    from tests.interop.xapi.ralph import PASSWORD

    site.xapi.configure(COMMAND_LINE, secret=PASSWORD)
    assert site.xapi.test_connection(COMMAND_LINE).ok
    site.xapi.send_now(COMMAND_LINE)  # "Send now" does not wait for the backoff
    assert len(_sent_to(ralph, site)) == 1


def test_a_deleted_profile_takes_its_waiting_statements_with_it(ralph: Ralph, site: Site) -> None:
    from sqlalchemy import delete

    from pmpath.store.tables import ProfileRow

    site.configure(ralph.endpoint)
    self_assess(site, "dee")
    self_assess(site, "eli")
    site.xapi.collect(COMMAND_LINE)
    with site.app.database.transaction() as session:
        session.execute(delete(ProfileRow).where(ProfileRow.name == "dee"))
    assert len(site.outbox()) == 1


def test_an_attempt_finished_before_configuration_sends_only_what_came_after(
    ralph: Ralph, site: Site
) -> None:
    attempt = sit_exam(site, "ana", right=5, finish=False)
    site.clock.advance(minutes=5)
    site.configure(ralph.endpoint)
    site.clock.advance(minutes=1)
    site.app.exams.finish(attempt, "ana")
    site.xapi.run_once(COMMAND_LINE)
    # Its start and its answers came before; its end after.
    assert set(by_verb(_sent_to(ralph, site))) == {"completed", "failed"}
    with site.app.database.transaction() as session:
        assert session.get(AttemptRow, attempt).finished_at is not None


def test_the_statements_are_valid_for_ralphs_strict_xapi_model(ralph: Ralph, site: Site) -> None:
    site.configure(ralph.endpoint)
    sit_exam(site, "ana", right=25)
    practise(site, "ben", answers=2)
    take_placement(site, "cy")
    self_assess(site, "dee")
    site.xapi.collect(COMMAND_LINE)
    statements = [row.statement for row in site.outbox()]
    kinds = {row.kind for row in site.outbox()}
    assert kinds == {"attempted", "answered", "completed", "verdict", "placed", "self-assessed"}
    assert ralph.validate(statements) == [""] * len(statements)


def test_timestamps_follow_the_records(ralph: Ralph, site: Site) -> None:
    site.configure(ralph.endpoint)
    start = site.clock()
    sit_exam(site, "ana", right=3)
    site.xapi.collect(COMMAND_LINE)
    attempted = next(row for row in site.outbox() if row.kind == "attempted")
    assert attempted.occurred_at == start
    assert attempted.statement["timestamp"] == start.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    answers = [row.occurred_at for row in site.outbox() if row.kind == "answered"]
    assert answers == sorted(answers)
    assert answers[0] == start + timedelta(minutes=1)


def test_the_app_pmpath_serve_runs_sends_in_the_background(ralph: Ralph, tmp_path: Path) -> None:
    """The ASGI app `pmpath serve` runs (pmpath.web.server:app), in a process of its own, as
    uvicorn starts it: a self-assessment recorded while it runs reaches Ralph by itself."""
    import os
    import subprocess
    import sys
    import time

    from tests.interop.xapi.ralph import free_port

    database_url = f"sqlite:///{tmp_path / 'served.db'}"
    site = make_site(database_url)
    site.configure(ralph.endpoint)
    environment = {
        **os.environ,
        "PMPATH_DATABASE_URL": database_url,
        "PMPATH_PUBLIC_URL": site.url,
        "PMPATH_XAPI_SEND_EVERY": "0.5",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "pmpath.web.server:app", "--port", str(free_port())],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        self_assess(site, "dee")
        deadline = time.monotonic() + 60
        while not _sent_to(ralph, site) and time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            time.sleep(0.5)
        [statement] = _sent_to(ralph, site)
        assert statement["verb"]["id"] == ADL + "completed"
        assert [row.state for row in site.outbox()] == ["sent"]
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_another_statement_under_the_same_id_in_the_lrs_is_refused_alone(
    ralph: Ralph, site: Site
) -> None:
    """As if another system had used one of pmpath's statement ids: Ralph answers 409 for a
    different statement under an id it holds; that one fails, the rest go."""
    from pmpath.interop.xapi import Lrs
    from tests.interop.xapi.ralph import PASSWORD, USER

    site.configure(ralph.endpoint)
    self_assess(site, "dee")
    self_assess(site, "eli")
    site.xapi.collect(COMMAND_LINE)
    taken = site.outbox()[0]
    impostor = {**taken.statement, "verb": {"id": ADL + "attempted", "display": {"en": "x"}}}
    assert Lrs(ralph.endpoint, USER, PASSWORD).post_statements([impostor]).ok

    report = site.xapi.send(COMMAND_LINE)

    assert (report.sent, report.failed) == (1, 1)
    [failed] = [row for row in site.outbox() if row.state == "failed"]
    assert failed.id == taken.id
    assert failed.last_error == (
        f"HTTP 409: Differing statements already exist with the same ID: {taken.statement_id}"
    )


def test_an_adaptive_exam_is_completed_with_its_verdict(ralph: Ralph, site: Site) -> None:
    from tests.interop.xapi.helpers import answer_key

    site.configure(ralph.endpoint)
    irt = site.app.psychometrics
    view = irt.start_adaptive_exam("gus", EXAM, seed=3)
    while not view.finished:
        site.clock.advance(seconds=20)
        response = answer_key(site.app, view.question, right=True)
        view = irt.answer_placement(view.attempt_id, "gus", response)
    site.xapi.run_once(COMMAND_LINE)
    verbs = by_verb(_sent_to(ralph, site))
    assert view.exam is not None
    verdict = "passed" if view.exam.passed else "failed"
    assert set(verbs) == {"attempted", "answered", "completed", verdict}
    assert verbs[verdict][0]["object"]["id"] == f"{site.url}/xapi/activities/exams/{EXAM}"
    assert verbs["completed"][0]["context"]["extensions"] == {
        f"{site.url}/xapi/extensions/mode": "adaptive"
    }
    assert len(verbs["answered"]) == view.overall.items
