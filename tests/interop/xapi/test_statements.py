"""The statements pmpath builds, against the rules of xAPI 1.0.3 (Data, sections 2.4 and 4.6):
ids, actors, verbs, activities, results, durations and timestamps; the retry delays; and how a
refused batch is split down to the statement an LRS refuses. Pure: no database, no LRS."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmpath.interop.xapi import (
    VERBS,
    Answer,
    Attempt,
    Exam,
    Finish,
    Outcome,
    Placement,
    Reply,
    SelfAssessment,
    Site,
    UnreachableError,
    account_agent,
    answered,
    attempted,
    completed,
    deliver,
    email_agent,
    placed,
    retry_delay,
    self_assessed,
    statement_id,
    verdict,
)
from pmpath.interop.xapi.lrs import check_endpoint
from pmpath.interop.xapi.retries import FIRST_RETRY, LONGEST_WAIT
from pmpath.interop.xapi.statements import duration, response_text, timestamp

SITE = Site("https://pmpath.example.org/")
START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ACTOR = account_agent(SITE, "5f1c0a")
EXAM = Exam("exam", "pm-foundations", "PM foundations", "mock")
ATTEMPT = Attempt(7, ACTOR, EXAM, "pm-core", START)
#: xAPI 1.0.3 durations: ISO 8601, at most hundredths of a second.
DURATION = re.compile(r"^P(?:\d+D)?T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d{1,2})?S)?$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def _every_kind() -> list[dict[str, Any]]:
    finish = Finish(START + timedelta(minutes=42, seconds=3.5), 75.0, True)
    answer = Answer(11, "agile-001", 0, ["b", "d"], 0.5, START + timedelta(minutes=1))
    level = Placement("mid-career", ("early-career", "senior"), 0.41, 0.29, 24)
    assessment = SelfAssessment(
        3, ACTOR, "pm", "Product management", "2.1", START, START, "senior-pm", "ready-now"
    )
    return [
        attempted(SITE, ATTEMPT),
        answered(SITE, ATTEMPT, answer),
        completed(SITE, ATTEMPT, finish),
        verdict(SITE, ATTEMPT, finish),
        placed(SITE, ATTEMPT, finish.finished_at, level),
        self_assessed(SITE, assessment),
    ]


def _is_iri(text: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:[^\s]+$", text))


@pytest.mark.parametrize("statement", _every_kind(), ids=lambda s: s["verb"]["display"]["en"])
def test_every_statement_follows_the_xapi_data_rules(statement: dict[str, Any]) -> None:
    assert uuid.UUID(statement["id"]).version == 5
    assert statement["version"] == "1.0.3"
    assert TIMESTAMP.match(statement["timestamp"])
    # An agent has exactly one inverse functional identifier.
    actor = statement["actor"]
    assert actor["objectType"] == "Agent"
    assert len({"mbox", "mbox_sha1sum", "openid", "account"} & set(actor)) == 1
    verb = statement["verb"]
    assert verb["id"].startswith("http://adlnet.gov/expapi/verbs/")
    assert verb["display"] == {"en": verb["id"].rsplit("/", 1)[1]}
    activity = statement["object"]
    assert activity["objectType"] == "Activity"
    assert activity["id"].startswith("https://pmpath.example.org/xapi/activities/")
    assert _is_iri(activity["definition"]["type"])
    assert all(isinstance(name, str) for name in activity["definition"]["name"].values())
    context = statement["context"]
    assert uuid.UUID(context["registration"])
    assert all(_is_iri(key) for key in context.get("extensions", {}))
    result = statement.get("result", {})
    assert all(_is_iri(key) for key in result.get("extensions", {}))
    if "duration" in result:
        assert DURATION.match(result["duration"])
    score = result.get("score", {})
    if "scaled" in score:
        assert -1 <= score["scaled"] <= 1
    if "raw" in score and "min" in score:
        assert score["min"] <= score["raw"] <= score["max"]


def test_a_statement_built_twice_is_the_same_statement() -> None:
    assert _every_kind() == _every_kind()
    ids = [statement["id"] for statement in _every_kind()]
    assert len(set(ids)) == len(ids)  # one id per kind of statement, even on one record


def test_the_same_record_on_another_site_is_another_statement() -> None:
    other = Site("https://other.example.org")
    assert statement_id(SITE, "attempted", 7) != statement_id(other, "attempted", 7)
    assert statement_id(SITE, "attempted", 7) != statement_id(SITE, "attempted", 8)


def test_an_answer_states_its_question_its_response_and_its_credit() -> None:
    answer = Answer(11, "agile 001/é", 3, ["b", "d"], 0.5, START)
    statement = answered(SITE, ATTEMPT, answer)
    assert statement["object"]["id"] == (
        "https://pmpath.example.org/xapi/activities/banks/pm-core/questions/agile%20001%2F%C3%A9"
    )
    assert statement["result"] == {
        "success": False,
        "response": "b[,]d",
        "score": {"scaled": 0.5},
    }
    parent = statement["context"]["contextActivities"]["parent"][0]
    assert parent["id"] == "https://pmpath.example.org/xapi/activities/exams/pm-foundations"


def test_full_credit_is_success() -> None:
    answer = Answer(11, "q", 0, "c", 1.0, START)
    assert answered(SITE, ATTEMPT, answer)["result"]["success"] is True


def test_a_finished_attempt_states_its_score_its_duration_and_its_verdict() -> None:
    finish = Finish(START + timedelta(hours=1, minutes=2, seconds=3.25), 64.5, False)
    done = completed(SITE, ATTEMPT, finish)
    assert done["result"] == {
        "completion": True,
        "duration": "PT1H2M3.25S",
        "score": {"scaled": 0.645, "raw": 64.5, "min": 0, "max": 100},
        "success": False,
    }
    failed = verdict(SITE, ATTEMPT, finish)
    assert failed["verb"] == VERBS["failed"].as_json()
    assert failed["result"] == done["result"]


def test_practice_has_no_verdict() -> None:
    finish = Finish(START, 80.0, None)
    assert "success" not in completed(SITE, ATTEMPT, finish)["result"]
    with pytest.raises(ValueError, match="no verdict"):
        verdict(SITE, ATTEMPT, finish)


def test_a_placement_is_scored_with_its_level_in_the_result_extensions() -> None:
    level = Placement("mid-career", ("early-career", "senior"), -0.41, 0.29, 24)
    statement = placed(SITE, ATTEMPT, START + timedelta(minutes=9), level)
    assert statement["verb"] == VERBS["scored"].as_json()
    extensions = statement["result"]["extensions"]
    base = "https://pmpath.example.org/xapi/extensions/"
    assert extensions == {
        base + "level": "mid-career",
        base + "level-range": ["early-career", "senior"],
        base + "standard-error": 0.29,
        base + "items": 24,
    }
    assert statement["result"]["score"] == {"raw": -0.41}


def test_a_learner_known_by_email_is_an_mbox_agent() -> None:
    assert email_agent("ana@example.org") == {
        "objectType": "Agent",
        "mbox": "mailto:ana@example.org",
    }
    assert ACTOR == {
        "objectType": "Agent",
        "account": {"homePage": "https://pmpath.example.org", "name": "5f1c0a"},
    }


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(0), "PT0S"),
        (timedelta(seconds=0.004), "PT0S"),
        (timedelta(seconds=59.999), "PT1M"),
        (timedelta(minutes=40, seconds=30), "PT40M30S"),
        (timedelta(hours=26, seconds=0.5), "PT26H0.50S"),
        (timedelta(seconds=-3), "PT0S"),
    ],
)
def test_durations_are_iso_8601_to_the_hundredth(span: timedelta, text: str) -> None:
    assert duration(span) == text


@given(st.floats(min_value=0, max_value=10**7, allow_nan=False))
def test_every_duration_matches_the_xapi_pattern(seconds: float) -> None:
    assert DURATION.match(duration(timedelta(seconds=seconds)))


def test_timestamps_are_utc_with_milliseconds() -> None:
    from zoneinfo import ZoneInfo

    paris = datetime(2026, 12, 7, 10, 0, 0, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    assert timestamp(paris) == "2026-12-07T09:00:00.123Z"


@pytest.mark.parametrize(
    ("response", "text"),
    [("b", "b"), (["a", "c"], "a[,]c"), (12.5, "12.5"), ({"Left": "a"}, '{"Left": "a"}')],
)
def test_responses_become_the_xapi_response_string(response: Any, text: str) -> None:
    assert response_text(response) == text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"detail": "Invalid JSON body"}', "HTTP 400: Invalid JSON body"),
        (
            '{"detail": [{"loc": ["body", 0, "object", "id"], "msg": "Field required"}]}',
            "HTTP 400: 0.object.id: Field required",
        ),
        ("<html>\n  Bad  gateway\n</html>", "HTTP 400: <html> Bad gateway </html>"),
        ("", "HTTP 400: (no message)"),
        ("x" * 2000, "HTTP 400: " + "x" * 489 + "…"),
    ],
)
def test_an_lrs_refusal_is_kept_short_and_readable(body: str, message: str) -> None:
    assert Reply(400, body).message() == message


# -- endpoints ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("lrs.example.org/xAPI", "http:// or https://"),
        ("ftp://lrs.example.org", "http:// or https://"),
        ("https://lrs.example.org/xAPI?x=1", "query"),
        ("https://", "http:// or https://"),
    ],
)
def test_an_endpoint_must_be_a_plain_http_address(given: str, why: str) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        check_endpoint(given)


def test_an_endpoint_loses_its_trailing_slash() -> None:
    assert check_endpoint(" https://lrs.example.org/xAPI/ ") == "https://lrs.example.org/xAPI"


# -- retries -----------------------------------------------------------------------------------


def test_the_first_retry_comes_after_15_to_30_seconds() -> None:
    rng = random.Random(1)
    waits = [retry_delay(1, rng) for _ in range(200)]
    assert all(FIRST_RETRY / 2 <= wait <= FIRST_RETRY for wait in waits)
    assert len(set(waits)) > 100  # jitter: processes that failed together come back apart


def test_each_retry_waits_about_twice_as_long_up_to_an_hour() -> None:
    tops = [retry_delay(tries, random.Random(0)) for tries in range(1, 12)]
    share = random.Random(0).uniform(0.5, 1.0)
    assert tops[:4] == [FIRST_RETRY * 2**n * share for n in range(4)]
    assert tops[-1] == LONGEST_WAIT * share
    assert retry_delay(10_000, random.Random(0)) == LONGEST_WAIT * share


def test_tries_count_from_one() -> None:
    with pytest.raises(ValueError, match="from 1"):
        retry_delay(0)


# -- splitting a refused batch -----------------------------------------------------------------


class FussyLrs:
    """An LRS stand-in for the splitting rule alone: it refuses (400) any batch holding a
    statement whose id is in ``refuses``, and is down (raises) once ``down_after`` requests
    have been made. The real LRS (Ralph) is in test_sending.py."""

    def __init__(self, refuses: set[str], down_after: int | None = None) -> None:
        self.refuses = refuses
        self.down_after = down_after
        self.stored: list[str] = []
        self.requests = 0

    def post_statements(self, statements: Sequence[Mapping[str, Any]]) -> Reply:
        self.requests += 1
        if self.down_after is not None and self.requests > self.down_after:
            raise UnreachableError("the LRS could not be reached: refused")
        ids = [str(statement["id"]) for statement in statements]
        bad = [i for i in ids if i in self.refuses]
        if bad:
            return Reply(400, f'{{"detail": "statement {bad[0]} is invalid"}}')
        self.stored += ids
        return Reply(200, "[]")

    def get(self, path: str, query: Mapping[str, str] | None = None) -> Reply:
        raise AssertionError("only a 409 makes the delivery read a statement back")


def _batch(size: int) -> list[tuple[int, dict[str, Any]]]:
    return [(key, {"id": f"s{key}"}) for key in range(size)]


def test_a_refused_batch_is_split_down_to_the_statement_refused() -> None:
    lrs = FussyLrs({"s37"})
    delivery = deliver(lrs, _batch(100))
    assert delivery.outcomes[37].state == "failed"
    assert delivery.outcomes[37].message == "HTTP 400: statement s37 is invalid"
    assert sorted(lrs.stored) == sorted(f"s{k}" for k in range(100) if k != 37)
    assert delivery.requests == lrs.requests <= 1 + 2 * 7  # halving: about 2 per level


def test_two_refused_statements_fail_alone() -> None:
    delivery = deliver(FussyLrs({"s0", "s99"}), _batch(100))
    failed = sorted(k for k, outcome in delivery.outcomes.items() if outcome.state == "failed")
    assert failed == [0, 99]
    assert sum(outcome.state == "sent" for outcome in delivery.outcomes.values()) == 98


def test_an_lrs_that_goes_down_while_splitting_leaves_the_rest_to_retry() -> None:
    lrs = FussyLrs({"s3"}, down_after=2)
    delivery = deliver(lrs, _batch(16))
    states = {outcome.state for outcome in delivery.outcomes.values()}
    assert "failed" not in states  # nothing is given up because the LRS was down
    assert len(delivery.outcomes) == 16
    assert delivery.stopped == "the LRS could not be reached: refused"
    retried = [k for k, outcome in delivery.outcomes.items() if outcome.state == "retry"]
    assert retried
    assert all(delivery.outcomes[k].message == delivery.stopped for k in retried)


@pytest.mark.parametrize("status", [401, 403, 404, 429, 500, 503])
def test_a_refusal_that_is_not_about_the_statements_retries_them_all(status: int) -> None:
    class Refusing:
        def post_statements(self, statements: Sequence[Mapping[str, Any]]) -> Reply:
            return Reply(status, "nope")

        def get(self, path: str, query: Mapping[str, str] | None = None) -> Reply:
            raise AssertionError("not asked")

    delivery = deliver(Refusing(), _batch(10))
    assert delivery.requests == 1
    assert {outcome.state for outcome in delivery.outcomes.values()} == {"retry"}
    assert delivery.stopped == f"HTTP {status}: nope"


class Conflicting:
    """An LRS that answers 409 to any statement whose id it holds (as xAPI allows), holding
    ``held`` (by id)."""

    def __init__(self, held: dict[str, dict[str, Any]]) -> None:
        self.held = held

    def post_statements(self, statements: Sequence[Mapping[str, Any]]) -> Reply:
        if any(statement["id"] in self.held for statement in statements):
            return Reply(409, '{"detail": "a statement with this id exists"}')
        return Reply(200, "[]")

    def get(self, path: str, query: Mapping[str, str] | None = None) -> Reply:
        import json

        assert path == "/statements"
        assert query is not None
        found = self.held.get(query["statementId"])
        return Reply(200, json.dumps(found)) if found else Reply(404, "")


def test_a_409_for_a_statement_the_lrs_already_holds_counts_as_sent() -> None:
    ours = _every_kind()
    stored = {**ours[1], "stored": "2026-12-07T09:00:01.000Z", "authority": {"mbox": "x"}}
    delivery = deliver(Conflicting({ours[1]["id"]: stored}), list(enumerate(ours)))
    assert {outcome.state for outcome in delivery.outcomes.values()} == {"sent"}


def test_a_409_for_another_statement_under_the_same_id_fails_it() -> None:
    ours = _every_kind()
    other = {**ours[1], "verb": VERBS["completed"].as_json()}
    delivery = deliver(Conflicting({ours[1]["id"]: other}), list(enumerate(ours)))
    assert delivery.outcomes[1] == Outcome("failed", "HTTP 409: a statement with this id exists")
    assert [k for k, o in delivery.outcomes.items() if o.state == "sent"] == [0, 2, 3, 4, 5]


@pytest.mark.parametrize("statement", _every_kind(), ids=lambda s: s["verb"]["display"]["en"])
def test_the_typed_model_of_the_api_holds_every_statement_as_sent(
    statement: dict[str, Any],
) -> None:
    from pmpath.services.models.xapi import XapiStatement

    typed = XapiStatement.model_validate(statement)
    assert typed.model_dump(mode="json") == statement
    assert XapiStatement.model_validate(email_agent_statement(statement)).actor.mbox


def email_agent_statement(statement: dict[str, Any]) -> dict[str, Any]:
    return {**statement, "actor": email_agent("ana@example.org")}
