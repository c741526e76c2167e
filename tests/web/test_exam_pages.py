"""Exams in the browser: start, answer, resume, finish, review; keys never shown early."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.conftest import right_answer
from tests.web.conftest import form_for, profile_of, sign_up


def start(client: TestClient, csrf: str, blueprint: str = "scrum-master") -> int:
    response = client.post(
        f"/exams/{blueprint}/start", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_a_mock_exam_in_the_browser(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    page = client.get(f"/attempts/{attempt}").text
    assert "Question 1 of 30" in page
    assert 'id="timer"' in page
    view = context.exams.view(attempt, profile_of(context, "ana@example.org"))
    first = context.exams.bank.item(view.questions[0].item_id)
    # No rationale or explanation of the item is in the page before the end.
    assert first.explanation not in page
    assert all(o.rationale not in page for o in first.options if o.rationale)
    field = re.search(r'name="(response|order-0|match-0)"', page)
    assert field
    saved = client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "action": "flag"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    # Reloading the attempt resumes at the first unanswered question; the flag is kept.
    resumed = client.get(f"/attempts/{attempt}/q/0").text
    assert "flagged" in resumed
    client.post(f"/attempts/{attempt}/finish", data={"csrf_token": csrf})
    results = client.get(f"/attempts/{attempt}/results").text
    assert "Score 0.0%" in results
    # The bundled exams' review policy: no key for a question left unanswered.
    assert first.explanation.split("\n")[0][:40] not in html.unescape(results)
    assert "shows right answers only for the questions you answered" in results


def test_another_learner_cannot_open_the_attempt(client: TestClient) -> None:
    csrf = sign_up(client, "ana@example.org", "Ana")
    attempt = start(client, csrf)
    client.cookies.clear()
    other = sign_up(client, "ben@example.org", "Ben")
    assert client.get(f"/attempts/{attempt}/q/0").status_code == 404
    assert (
        client.post(
            f"/attempts/{attempt}/q/0",
            data={"csrf_token": other, "action": "save", "response": "a"},
        ).status_code
        == 404
    )
    assert client.post(f"/attempts/{attempt}/finish", data={"csrf_token": other}).status_code == 404


def test_practice_shows_feedback_at_once(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    response = client.post(
        "/practice",
        data={
            "csrf_token": csrf,
            "domains": ["agile-and-scrum"],
            "levels": ["entry"],
            "count": "2",
        },
        follow_redirects=False,
    )
    attempt = int(response.headers["location"].rsplit("/", 1)[1])
    question = context.exams.view(attempt, profile_of(context, "ana@example.org")).questions[0]
    item = context.exams.bank.item(question.item_id)
    fields = form_for(question.model_dump(mode="json"), right_answer(item, question))
    answered = client.post(
        f"/attempts/{attempt}/q/0", data={"csrf_token": csrf, "action": "save", **fields}
    )
    assert answered.status_code == 200
    assert 'class="feedback right"' in answered.text
    assert "<span>Correct</span>" in answered.text


def test_a_wrongly_shaped_answer_is_explained_not_stored(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    profile = profile_of(context, "ana@example.org")
    questions = context.exams.view(attempt, profile).questions
    # Any text is a well-shaped short answer, so test on the first question of another type.
    bad_fields = {
        "single": {"response": "zzz"},
        "true-false": {"response": "zzz"},
        "multiple": {"response": "zzz"},
        "numeric": {"response": "twelve"},
        "ordering": {"order-0": "zzz", "touched": "1"},
        "matching": {"match-0": "zzz"},
    }
    question = next(q for q in questions if q.type in bad_fields)
    position = question.position
    page = client.post(
        f"/attempts/{attempt}/q/{position}",
        data={"csrf_token": csrf, "action": "save", **bad_fields[question.type]},
    )
    assert 'role="alert"' in page.text
    assert context.exams.view(attempt, profile).questions[position].response is None


def test_saving_without_an_answer_moves_on(client: TestClient) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    moved = client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "action": "save"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/attempts/{attempt}/q/1"


def test_exams_page_lists_the_blueprints(client: TestClient) -> None:
    page = client.get("/exams").text
    assert "PM foundations" in page
    assert "Sign in" in page


def test_the_exams_page_charts_score_trends(client: TestClient) -> None:
    csrf = sign_up(client)
    for _ in range(2):
        number = start(client, csrf)
        client.post(f"/attempts/{number}/finish", data={"csrf_token": csrf})
    page = client.get("/exams").text
    assert '<svg id="trend"' in page or 'id="trend"' in page
    assert "Your scores over your attempts" in page


def test_saving_an_ordering_question_without_its_order_moves_on(
    client: TestClient, context: Pmpath
) -> None:
    # A form assembled at random put an ordering item first now and then, and a save without
    # any field was then refused instead of moving on.
    csrf = sign_up(client)
    profile = profile_of(context, "ana@example.org")
    for _ in range(40):
        attempt = start(client, csrf)
        questions = context.exams.view(attempt, profile).questions
        ordering = [q for q in questions if q.type == "ordering"]
        if ordering:
            break
    position = ordering[0].position
    moved = client.post(
        f"/attempts/{attempt}/q/{position}",
        data={"csrf_token": csrf, "action": "save"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert context.exams.view(attempt, profile).questions[position].response is None
