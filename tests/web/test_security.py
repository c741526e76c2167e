"""One test per finding of the security probe (issue #13) that the web app now refuses."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.web.conftest import sign_up
from tests.web.test_api_flows import token_for


def test_a_form_field_never_names_a_file_on_the_server(client: TestClient) -> None:
    csrf = sign_up(client)
    replies = []
    for bank in ("/dev/zero", "/etc/shadow", "/etc/no-such-file", "/root", "src/pmpath/content"):
        began = time.perf_counter()
        reply = client.post("/practice", data={"csrf_token": csrf, "bank": bank, "count": "5"})
        assert time.perf_counter() - began < 5  # /dev/zero used to be read until memory ran out
        replies.append((reply.status_code, reply.text.replace(bank, "BANK")))
    # One answer for all: nothing tells which files exist.
    assert {status for status, _ in replies} == {404}
    assert len({text for _, text in replies}) == 1


def test_author_routes_take_bank_ids_not_paths(client: TestClient, context: Pmpath) -> None:
    author = token_for(client, context, "ed@example.org", role="author")
    reply = client.get("/api/v1/banks/src%2Fpmpath%2Fcontent%2Fbank/lint", headers=author)
    assert reply.status_code == 404


def _first_question(client: TestClient, me: dict[str, str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    started = client.post("/api/v1/exams/scrum-master/attempts", headers=me).json()
    return started["attempt_id"], started["questions"][0]


def test_review_never_answers_an_item_of_an_open_exam(client: TestClient, context: Pmpath) -> None:
    me = token_for(client, context, "ana@example.org")
    _, question = _first_question(client, me)
    reply = client.post(f"/api/v1/review/{question['item_id']}", content=b'"a"', headers=me)
    assert reply.status_code == 404
    assert "key" not in reply.text
    assert "explanation" not in reply.text
    unknown = client.post("/api/v1/review/no-such-item", content=b'"a"', headers=me)
    # Not due and unknown read the same: the route tells nothing about the bank.
    assert unknown.json()["detail"].replace("no-such-item", "X") == reply.json()["detail"].replace(
        question["item_id"], "X"
    )


def test_review_leaves_out_items_of_an_open_exam(context: Pmpath) -> None:
    from pmpath.errors import NotFoundError
    from pmpath.exams.review import schedule
    from pmpath.store import assessments as profiles
    from pmpath.store import attempts as attempt_store

    exams = context.exams
    mock = exams.start_mock("ana", "scrum-master", seed=3)
    item_id = exams.view(mock, "ana").questions[0].item_id
    # A review card for that item, due now (as if missed in an earlier exam).
    with context.database.transaction() as session:
        owner = profiles.find_profile(session, "ana")
        assert owner is not None
        card = attempt_store.new_review_card(session, owner.id, exams.bank.id, item_id)
        now = context.clock()
        card.card, _ = schedule(None, 0.0, now)
        card.due, card.updated_at, card.reviews = now, now, 1
    assert exams.review_queue("ana").due == []  # held back while the exam is open
    with pytest.raises(NotFoundError, match="not due for review"):
        exams.review_answer("ana", item_id, "a")
    exams.finish(mock, "ana")
    # Handed in: the card is back (the exam's result rescheduled it, as a missed item).
    assert exams.review_queue("ana").next_due is not None


def test_sign_in_is_checked_before_the_body_is_read(client: TestClient) -> None:
    big = b'"' + b"a" * (1024 * 1024) + b'"'
    anonymous = client.put("/api/v1/attempts/1/answers/0", content=big)
    assert anonymous.status_code == 401


def test_bodies_over_their_limit_are_refused(client: TestClient, context: Pmpath) -> None:
    me = token_for(client, context, "ana@example.org")
    attempt, _ = _first_question(client, me)
    answer = f"/api/v1/attempts/{attempt}/answers/0"
    over = client.put(answer, content=b'"' + b"a" * 40_000 + b'"', headers=me)
    assert over.status_code == 413
    assert over.headers["content-type"] == "application/problem+json"

    def chunks():  # no Content-Length: the limit holds while the body streams in
        for _ in range(64):
            yield b" " * 8192

    streamed = client.post("/api/v1/assessments", content=chunks(), headers=me)
    assert streamed.status_code == 413
    assert (
        client.get(f"/api/v1/attempts/{attempt}", headers=me).json()["questions"][0]["response"]
        is None
    )


@pytest.mark.parametrize(
    "body",
    [b"[" * 1000 + b"]" * 1000, b'"\\ud800"', b"[[1]]", b'{"a": [1]}', b"\xed\xa0\x80"],
    ids=["deep", "surrogate", "nested-list", "map-of-lists", "bad-utf8"],
)
def test_odd_answers_are_422_problems(client: TestClient, context: Pmpath, body: bytes) -> None:
    me = token_for(client, context, "ana@example.org")
    attempt, _ = _first_question(client, me)
    for position in range(30):  # every question type of the form gets the odd body
        reply = client.put(
            f"/api/v1/attempts/{attempt}/answers/{position}", content=body, headers=me
        )
        assert reply.status_code == 422, (position, reply.text)
        assert reply.headers["content-type"] == "application/problem+json"


def test_huge_and_odd_ids_are_problems_not_500(client: TestClient, context: Pmpath) -> None:
    me = token_for(client, context, "ana@example.org")
    for path in (
        f"/api/v1/attempts/{2**63}",
        "/api/v1/attempts/abc",
        f"/api/v1/attempts/1/answers/{2**70}",
    ):
        reply = (
            client.get(path, headers=me)
            if "answers" not in path
            else client.put(path, content=b'"a"', headers=me)
        )
        assert reply.status_code == 422, (path, reply.text)
        assert reply.json()["title"] == "Invalid input"
    deep = client.post("/api/v1/assessments", content=b"[" * 5000, headers=me)
    assert deep.status_code in (400, 422)
    assert deep.headers["content-type"] == "application/problem+json"


def test_unknown_routes_and_methods_are_problem_details(client: TestClient) -> None:
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.json()["title"] == "Not found"
    wrong_method = client.delete("/api/v1/exams")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET"
    assert wrong_method.headers["content-type"] == "application/problem+json"


def test_every_reply_carries_security_headers(client: TestClient) -> None:
    for path in ("/", "/login", "/api/v1/roles", "/static/app.css", "/api/v1/nothing"):
        reply = client.get(path)
        assert "frame-ancestors 'none'" in reply.headers["content-security-policy"], path
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["x-frame-options"] == "DENY"
        assert reply.headers["referrer-policy"] == "same-origin"
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")


def test_answers_of_wrong_shape_are_refused_by_scoring() -> None:
    from pmpath.errors import ResponseError
    from pmpath.exams.scoring import MAX_TEXT_ANSWER, score
    from pmpath.framework import bundled_framework_path, load_framework
    from pmpath.services.banks import open_bank

    bank = open_bank(load_framework(bundled_framework_path()))
    by_type = {}
    for item in bank.items:
        by_type.setdefault(item.type.value, item)
    odd = [[1], [["a"]], {"x": ["a"]}, 3, None, "x" * (MAX_TEXT_ANSWER + 1)]
    for kind, item in by_type.items():
        for response in odd:
            if kind == "numeric" and response == 3:
                continue
            with pytest.raises(ResponseError):
                score(item, response)
    assert len(by_type) == 7  # every item type was tried


def test_the_client_address_is_the_proxys_last_hop_over_every_header_line() -> None:
    from types import SimpleNamespace

    from starlette.requests import Request

    from pmpath.web.auth import client_address

    def address(trust: bool, *lines: str) -> str:
        settings = SimpleNamespace(trust_proxy_headers=trust)
        state = SimpleNamespace(pmpath=SimpleNamespace(settings=settings))
        scope = {
            "type": "http",
            "headers": [(b"x-forwarded-for", line.encode()) for line in lines],
            "app": SimpleNamespace(state=state),
            "client": ("10.0.0.7", 5000),
        }
        return client_address(Request(scope))

    # The client's own line comes first, the proxy appends its own: the proxy's hop counts.
    assert address(True, "6.6.6.6", "203.0.113.9") == "203.0.113.9"
    assert address(True, "6.6.6.6, 198.51.100.2") == "198.51.100.2"
    assert address(False, "6.6.6.6") == "10.0.0.7"
