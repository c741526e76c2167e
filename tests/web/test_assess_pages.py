"""The self-assessment wizard, the profile and the report, each only for its owner."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from pmpath.framework import bundled_framework_path, load_framework
from tests.web.conftest import sign_up

#: The wizard's steps: one per competency of the bundled ladder.
STEPS = len(load_framework(bundled_framework_path()).competencies)


def answer_everything(client: TestClient, csrf: str, level: int = 3) -> int:
    response = client.post(
        "/assess",
        data={
            "csrf_token": csrf,
            "background": "design",
            "years": "4",
            "interests": ["customer-problems"],
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assessment = int(response.headers["location"].rsplit("/", 1)[1])
    for _ in range(STEPS):
        page = client.get(f"/assess/{assessment}").text
        competency = re.search(r'name="competency" value="([^"]+)"', page)
        assert competency, page[:500]
        saved = client.post(
            f"/assess/{assessment}/answer",
            data={"csrf_token": csrf, "competency": competency.group(1), "level": str(level)},
            follow_redirects=False,
        )
        assert saved.status_code == 303
    return assessment


def test_the_wizard_from_intake_to_profile_and_report(client: TestClient) -> None:
    csrf = sign_up(client)
    assert client.get("/profile").text.count("no finished self-assessment") == 1
    assessment = answer_everything(client, csrf)
    done = client.get(f"/assess/{assessment}").text
    assert "Every competency answered" in done
    client.post(f"/assess/{assessment}/finish", data={"csrf_token": csrf})
    profile = client.get("/profile").text
    assert "Where you stand: Product Manager" in profile
    assert "Suggested track" in profile
    report = client.get("/report")
    assert report.status_code == 200
    assert 'id="gap-table"' in report.text
    assert "Career report for Ana" in report.text


def test_progress_is_shown_and_answers_are_saved_one_by_one(client: TestClient) -> None:
    csrf = sign_up(client)
    response = client.post("/assess", data={"csrf_token": csrf}, follow_redirects=False)
    assessment = int(response.headers["location"].rsplit("/", 1)[1])
    first = client.get(f"/assess/{assessment}").text
    assert f"Step 1 of {STEPS}" in first
    competency = re.search(r'name="competency" value="([^"]+)"', first).group(1)  # type: ignore[union-attr]
    client.post(
        f"/assess/{assessment}/answer",
        data={"csrf_token": csrf, "competency": competency, "level": "2"},
    )
    # Leaving and coming back offers to continue at the next competency.
    offer = client.get("/assess").text
    assert f"Continue where you left off (step 2 of {STEPS})" in offer
    again = client.get(f"/assess/{assessment}").text
    assert f"Step 2 of {STEPS}" in again


def test_a_learner_cannot_touch_another_learners_assessment(client: TestClient) -> None:
    csrf = sign_up(client, "ana@example.org", "Ana")
    response = client.post("/assess", data={"csrf_token": csrf}, follow_redirects=False)
    assessment = int(response.headers["location"].rsplit("/", 1)[1])
    client.cookies.clear()
    other = sign_up(client, "ben@example.org", "Ben")
    assert client.get(f"/assess/{assessment}").status_code == 404
    denied = client.post(
        f"/assess/{assessment}/answer",
        data={"csrf_token": other, "competency": "leadership", "level": "5"},
    )
    assert denied.status_code == 404
    assert (
        client.post(f"/assess/{assessment}/finish", data={"csrf_token": other}).status_code == 404
    )
    assert "no finished self-assessment" in client.get("/profile").text


def test_signed_out_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    for path in ("/assess", "/profile", "/report"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"


def test_bad_intake_is_refused_with_the_field_named(client: TestClient) -> None:
    csrf = sign_up(client)
    response = client.post("/assess", data={"csrf_token": csrf, "years": "lots"})
    assert response.status_code == 422
    assert 'id="years-error"' in response.text


def test_the_profile_shows_a_radar_chart(client: TestClient) -> None:
    csrf = sign_up(client)
    assessment = answer_everything(client, csrf)
    client.post(f"/assess/{assessment}/finish", data={"csrf_token": csrf})
    assert 'id="radar"' in client.get("/profile").text
