"""The REST API of the placement test, ability, readiness and calibration."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.services.placement import PLACEMENT_MAX_ITEMS
from tests.conftest import assert_no_answers_revealed, right_answer
from tests.web.conftest import PASSWORD, sign_in, sign_up
from tests.web.test_api_flows import token_for
from tests.web.test_placement_pages import placement_response, seed_finished_attempts

#: A running test shows exactly this, and its question no key: nothing more.
RUNNING = {"attempt_id", "test", "finished", "answered", "max_items", "question"}


def test_a_whole_placement_test_over_the_api(client: TestClient, context: Pmpath) -> None:
    me = token_for(client, context, "ana@example.org")
    before = client.get("/api/v1/readiness", headers=me).json()
    assert before["answered"] == 0
    assert before["profile"] == "me"
    started = client.post("/api/v1/placement", headers=me)
    assert started.status_code == 201
    body = started.json()
    number = body["attempt_id"]
    bank = context.psychometrics.bank
    for step in range(PLACEMENT_MAX_ITEMS + 1):
        if body["finished"]:
            break
        assert set(body) == RUNNING
        assert body["answered"] == step
        assert body["max_items"] == PLACEMENT_MAX_ITEMS
        assert body["question"]["position"] == step
        assert_no_answers_revealed([body["question"]])
        # The same view again: GET never moves the test on.
        assert client.get(f"/api/v1/placement/{number}", headers=me).json() == body
        item = bank.item(body["question"]["item_id"])
        answered = client.put(
            f"/api/v1/placement/{number}/answer",
            content=json.dumps(placement_response(item, body["question"])),
            headers=me,
        )
        assert answered.status_code == 200, answered.text
        body = answered.json()
    else:
        pytest.fail("the placement test did not finish within 48 answers")
    assert 24 <= step <= PLACEMENT_MAX_ITEMS
    assert body["finished"] is True
    assert body["overall"]["items"] == step
    assert body["overall"]["level"] in {stage.id for stage in context.framework.stages}
    assert body["overall"]["se"] <= 0.31 or step == PLACEMENT_MAX_ITEMS
    assert set(body["domains"]) == {domain.id for domain in bank.domains}
    assert client.get(f"/api/v1/placement/{number}", headers=me).json() == body
    late = client.put(f"/api/v1/placement/{number}/answer", content=b'"a"', headers=me)
    assert late.status_code == 409
    ability = client.get("/api/v1/ability", headers=me).json()
    assert ability["profile"] == "me"
    assert ability["overall"]["items"] == step
    assert set(ability["domains"]) == set(body["domains"])
    readiness = client.get("/api/v1/readiness", headers=me).json()
    assert readiness["answered"] == step
    assert {exam["blueprint"] for exam in readiness["exams"]} == set(context.exams.blueprints)
    for exam in readiness["exams"]:
        assert exam["interval"][0] <= exam["probability"] <= exam["interval"][1]
        low, high = exam["expected_percent_interval"]
        assert low <= exam["expected_percent"] <= high


def test_a_malformed_answer_is_a_problem_and_not_stored(
    client: TestClient, context: Pmpath
) -> None:
    me = token_for(client, context, "ana@example.org")
    body = client.post("/api/v1/placement", headers=me).json()
    number = body["attempt_id"]
    broken = client.put(f"/api/v1/placement/{number}/answer", content=b"{not json", headers=me)
    assert broken.status_code == 422
    assert broken.headers["content-type"] == "application/problem+json"
    if body["question"]["type"] != "short-answer":  # any text is a well-shaped short answer
        wrong = client.put(
            f"/api/v1/placement/{number}/answer", content=json.dumps({"x": [1]}), headers=me
        )
        assert wrong.status_code == 422
    assert client.get(f"/api/v1/placement/{number}", headers=me).json()["answered"] == 0


def test_another_learner_gets_404_on_my_placement_test(client: TestClient, context: Pmpath) -> None:
    mine = token_for(client, context, "ana@example.org")
    theirs = token_for(client, context, "ben@example.org")
    body = client.post("/api/v1/placement", headers=mine).json()
    number = body["attempt_id"]
    assert client.get(f"/api/v1/placement/{number}", headers=theirs).status_code == 404
    item = context.psychometrics.bank.item(body["question"]["item_id"])
    stolen = client.put(
        f"/api/v1/placement/{number}/answer",
        content=json.dumps(right_answer(item, body["question"])),
        headers=theirs,
    )
    assert stolen.status_code == 404
    assert stolen.json()["title"] == "Not found"
    assert client.get(f"/api/v1/placement/{number}", headers=mine).json()["answered"] == 0
    # Ben's own estimates know nothing of Ana's test.
    assert client.get("/api/v1/ability", headers=theirs).json()["overall"]["items"] == 0


def test_signed_out_callers_get_401(client: TestClient) -> None:
    assert client.post("/api/v1/placement").status_code == 401
    assert client.get("/api/v1/placement/1").status_code == 401
    assert client.put("/api/v1/placement/1/answer", content=b'"a"').status_code == 401
    assert client.get("/api/v1/ability").status_code == 401
    assert client.get("/api/v1/readiness").status_code == 401
    assert client.get("/api/v1/banks/parameters").status_code == 401
    assert client.post("/api/v1/banks/calibrate").status_code == 401


def test_a_session_cookie_needs_the_csrf_token_to_start_a_test(client: TestClient) -> None:
    csrf = sign_up(client)
    assert client.post("/api/v1/placement").status_code == 403
    assert client.post("/api/v1/banks/calibrate").status_code == 403
    started = client.post("/api/v1/placement", headers={"X-CSRF-Token": csrf})
    assert started.status_code == 201
    number = started.json()["attempt_id"]
    assert client.put(f"/api/v1/placement/{number}/answer", content=b'"a"').status_code == 403


@pytest.mark.parametrize(
    ("role", "parameters", "calibrate"),
    [("learner", 403, 403), ("author", 200, 422), ("admin", 200, 422)],
)
def test_the_calibration_permission_matrix(
    client: TestClient, context: Pmpath, role: str, parameters: int, calibrate: int
) -> None:
    headers = token_for(client, context, f"{role}@example.org", role)
    assert client.get("/api/v1/banks/parameters", headers=headers).status_code == parameters
    # Authors and admins are allowed, but there are no responses yet: a clear 422.
    calibrated = client.post("/api/v1/banks/calibrate?model=2pl", headers=headers)
    assert calibrated.status_code == calibrate
    if calibrate == 422:
        assert "calibration needs at least 2" in calibrated.json()["detail"]
    assert context.psychometrics.parameter_set().version is None


def test_an_author_calibrates_over_the_api(client: TestClient, context: Pmpath) -> None:
    author = token_for(client, context, "ada@example.org", "author")
    before = client.get("/api/v1/banks/parameters", headers=author).json()
    assert before["version"] is None
    assert before["calibrated"] == 0
    assert {item["source"] for item in before["items"]} == {"prior"}
    bad = client.post("/api/v1/banks/calibrate?model=4pl", headers=author)
    assert bad.status_code == 422
    assert "1pl, 2pl or 3pl" in bad.json()["detail"]
    chosen = seed_finished_attempts(context)
    report = client.post(
        "/api/v1/banks/calibrate?model=1pl&min_responses=50", headers=author
    ).json()
    assert report["stored"] is True
    assert report["version"] == 1
    assert report["model"] == "1pl"
    assert report["persons"] == 60
    assert report["calibrated"] == len(chosen)
    assert [item["id"] for item in report["items"]] == chosen
    after = client.get("/api/v1/banks/parameters", headers=author).json()
    assert after["version"] == 1
    assert after["model"] == "1pl"
    calibrated = [item["id"] for item in after["items"] if item["source"] == "calibrated"]
    assert calibrated == chosen
    # With a higher threshold nothing qualifies: refused, and no version 2 is stored.
    refused = client.post("/api/v1/banks/calibrate?min_responses=61", headers=author)
    assert refused.status_code == 422
    assert client.get("/api/v1/banks/parameters", headers=author).json()["version"] == 1


def test_the_openapi_schema_documents_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/placement"]
    assert "put" in paths["/api/v1/placement/{attempt_id}/answer"]
    for path in ("/api/v1/ability", "/api/v1/readiness", "/api/v1/banks/parameters"):
        assert paths[path]["get"]["summary"], path
    assert paths["/api/v1/banks/calibrate"]["post"]["summary"]


def test_an_adaptive_exam_over_the_api(client: TestClient, context: Pmpath) -> None:
    me = token_for(client, context, "ana@example.org")
    started = client.post("/api/v1/exams/pm-foundations/adaptive", headers=me)
    assert started.status_code == 201
    body = started.json()
    assert body["test"] == "pm-foundations"
    bank = context.psychometrics.bank
    while not body["finished"]:
        assert_no_answers_revealed([body["question"]])
        item = bank.item(body["question"]["item_id"])
        body = client.put(
            f"/api/v1/placement/{body['attempt_id']}/answer",
            content=json.dumps(placement_response(item, body["question"])),
            headers=me,
        ).json()
    assert body["exam"]["blueprint"] == "pm-foundations"
    assert body["exam"]["passed"] is True
    assert 10 <= body["overall"]["items"] <= 40
    missing = client.post("/api/v1/exams/no-such-exam/adaptive", headers=me)
    assert missing.status_code == 404


def test_tested_levels_reach_the_profile_and_the_report(
    client: TestClient, context: Pmpath
) -> None:
    me = token_for(client, context, "ana@example.org")
    ratings = {c.id: 1 for c in context.framework.competencies}
    body = {"background": "design", "ratings": ratings}
    assert client.post("/api/v1/assessments", content=json.dumps(body), headers=me).is_success
    before = client.get("/api/v1/profile", headers=me).json()
    assert all(gap["tested"] is None for gap in before["gaps"])
    started = client.post("/api/v1/placement", headers=me).json()
    bank = context.psychometrics.bank
    while not started["finished"]:
        item = bank.item(started["question"]["item_id"])
        started = client.put(
            f"/api/v1/placement/{started['attempt_id']}/answer",
            content=json.dumps(placement_response(item, started["question"])),
            headers=me,
        ).json()
    gaps = client.get("/api/v1/profile", headers=me).json()["gaps"]
    tested = [gap["tested"] for gap in gaps if gap["tested"]]
    assert len(tested) == len(gaps)
    # Right up to mid-career: the tests point well above the self-ratings of 1 (a few
    # competencies, such as managing people, are expected at 1 of mid-career roles too).
    assert sum(t["rating"] > 1 for t in tested) > len(tested) / 2
    assert all(t["level"] in {"early-career", "mid-career", "senior"} for t in tested)
    report = client.get("/api/v1/report", headers=me).json()
    assert report["readiness"]["answered"] == started["overall"]["items"]
    assert any(gap["tested"] for gap in report["gaps"])
    # The same on the pages, for a signed-in browser of the same learner.
    client.cookies.clear()
    sign_in(client, "ana@example.org", PASSWORD)
    page = client.get("/profile").text
    assert '<th scope="col">Tested</th>' in page
    assert "Exam readiness" in client.get("/report").text
