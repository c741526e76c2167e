"""The REST API for assessments, exams, banks and users, with tokens and problem details."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.conftest import assert_no_answers_revealed, right_answer

PASSWORD = "correct-horse-battery"


def token_for(
    client: TestClient, context: Pmpath, email: str, role: str = "learner"
) -> dict[str, str]:
    user = context.accounts.sign_up(email, email.split("@")[0], PASSWORD, role=role)
    return {"Authorization": f"Bearer {context.accounts.create_token(user, 'test').token}"}


def test_record_an_assessment_and_read_the_profile(client: TestClient, context: Pmpath) -> None:
    me = token_for(client, context, "ana@example.org")
    body = {"background": "design", "ratings": {c.id: 3 for c in context.framework.competencies}}
    created = client.post("/api/v1/assessments", content=json.dumps(body), headers=me)
    assert created.status_code == 201
    assert created.json()["placement"]["role"]["id"] == "product-manager"
    profile = client.get("/api/v1/profile", headers=me).json()
    assert profile["target"]["role"]["id"] == "senior-product-manager"
    assert len(client.get("/api/v1/assessments", headers=me).json()["assessments"]) == 1
    assert client.get("/api/v1/report", headers=me).json()["profile"]["name"] == "ana"


def test_bad_answers_are_problem_details_naming_the_field(
    client: TestClient, context: Pmpath
) -> None:
    me = token_for(client, context, "ana@example.org")
    response = client.post(
        "/api/v1/assessments", content=json.dumps({"ratings": {"leadership": 9}}), headers=me
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"] == [
        {
            "detail": "level 9 is outside the scale (1-5)",
            "field": "ratings.leadership",
            "line": None,
        }
    ]
    assert client.get("/api/v1/assessments", headers=me).json()["assessments"] == []
    broken = client.post("/api/v1/assessments", content=b"{not json", headers=me)
    assert broken.status_code == 422
    assert "not JSON" in broken.json()["detail"]


def test_a_mock_exam_over_the_api(client: TestClient, context: Pmpath) -> None:
    me = token_for(client, context, "ana@example.org")
    started = client.post("/api/v1/exams/scrum-master/attempts", headers=me)
    assert started.status_code == 201
    attempt = started.json()
    assert_no_answers_revealed(attempt["questions"])
    number = attempt["attempt_id"]
    first = attempt["questions"][0]
    response = right_answer(context.exams.bank.item(first["item_id"]), first)
    for _ in range(2):  # the same answer twice is stored once
        saved = client.put(
            f"/api/v1/attempts/{number}/answers/0", content=json.dumps(response), headers=me
        )
        assert saved.json() == {"saved": True, "position": 0}
    view = client.get(f"/api/v1/attempts/{number}", headers=me).json()
    assert view["answered"] == 1
    assert client.get(f"/api/v1/attempts/{number}/results", headers=me).status_code == 409
    results = client.post(f"/api/v1/attempts/{number}/finish", headers=me).json()
    assert results["score"] == round(100 / 30, 1)
    assert results["review"][0]["feedback"]["key"] is not None
    late = client.put(f"/api/v1/attempts/{number}/answers/1", content=b'"a"', headers=me)
    assert late.status_code == 409
    assert client.get("/api/v1/history", headers=me).json()["attempts"][0]["attempt_id"] == number


def test_another_learner_gets_404_on_my_attempt(client: TestClient, context: Pmpath) -> None:
    mine = token_for(client, context, "ana@example.org")
    theirs = token_for(client, context, "ben@example.org")
    number = client.post("/api/v1/exams/scrum-master/attempts", headers=mine).json()["attempt_id"]
    assert client.get(f"/api/v1/attempts/{number}", headers=theirs).status_code == 404
    assert (
        client.put(
            f"/api/v1/attempts/{number}/answers/0", content=b'"a"', headers=theirs
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/attempts/{number}/finish", headers=theirs).status_code == 404


@pytest.mark.parametrize(
    ("role", "banks", "users"), [("learner", 403, 403), ("author", 200, 403), ("admin", 200, 200)]
)
def test_the_api_permission_matrix(
    client: TestClient, context: Pmpath, role: str, banks: int, users: int
) -> None:
    headers = token_for(client, context, f"{role}@example.org", role)
    assert client.get("/api/v1/banks", headers=headers).status_code == banks
    assert client.get("/api/v1/banks/pm-core/lint", headers=headers).status_code == banks
    assert client.get("/api/v1/users", headers=headers).status_code == users


def test_an_author_imports_over_the_api(client: TestClient, context: Pmpath) -> None:
    from pathlib import Path

    author = token_for(client, context, "ada@example.org", "author")
    quiz = (
        Path(__file__).resolve().parents[1] / "formats" / "fixtures" / "aiken" / "basic.txt"
    ).read_bytes()
    dry = client.post(
        "/api/v1/banks/import?filename=basic.txt&bank=team", content=quiz, headers=author
    )
    assert dry.json()["stored"] is False
    stored = client.post(
        "/api/v1/banks/import?filename=basic.txt&bank=team&dry_run=false",
        content=quiz,
        headers=author,
    )
    assert stored.json()["stored"] is True
    assert [b["id"] for b in client.get("/api/v1/banks", headers=author).json()["banks"]] == [
        "team"
    ]
    exported = client.get("/api/v1/banks/team/export?format=gift", headers=author)
    assert exported.status_code == 200
