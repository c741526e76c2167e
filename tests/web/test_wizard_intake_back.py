"""Back from the wizard's first step: the intake questions again, filled in as answered, changed
in place (the same assessment, its ratings kept), then on to step 1 (issue #15)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.web.conftest import profile_of, sign_up
from tests.web.test_wizard import competency_of, post, start, step

EMAIL = "ana@example.org"


def _unfinished(context: Pmpath):  # type: ignore[no-untyped-def]
    found = context.assessments.unfinished(profile_of(context, EMAIL))
    assert found is not None
    return found


def test_back_from_step_one_saves_its_pick_and_shows_the_intake_as_answered(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    assessment = start(
        client, csrf, background="design", years="4", interests=["customer-problems"]
    )
    first = competency_of(step(client, assessment, 1))
    back = post(client, csrf, assessment, first, level="3", go="back")
    assert back.status_code == 303  # type: ignore[attr-defined]
    assert back.headers["location"] == f"/assess/{assessment}/intake"  # type: ignore[attr-defined]
    assert _unfinished(context).assessment.ratings[first].level == 3
    intake = client.get(f"/assess/{assessment}/intake")
    assert intake.status_code == 200
    html = intake.text
    assert "<h1>About you</h1>" in html
    assert f'action="/assess/{assessment}/intake"' in html
    assert re.search(r'<option value="design" selected>', html)
    assert 'value="4"' in html
    assert re.search(r'value="customer-problems" checked', html)


def test_changed_intake_answers_are_stored_in_place_and_the_ratings_stay(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf, background="design", years="4")
    first = competency_of(step(client, assessment, 1))
    post(client, csrf, assessment, first, level="3")
    changed = client.post(
        f"/assess/{assessment}/intake",
        data={
            "csrf_token": csrf,
            "background": "software-engineering",
            "years": "7",
            "interests": ["customer-problems"],
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert changed.headers["location"] == f"/assess/{assessment}/step/1"
    now = _unfinished(context)
    assert now.id == assessment  # the same assessment, not a new one
    assert now.assessment.background == "software-engineering"
    assert now.assessment.years == 7
    assert now.assessment.interests == ("customer-problems",)
    assert now.assessment.ratings[first].level == 3
    assert re.search(r'id="level-3"[^>]*checked', step(client, assessment, 1))


def test_a_refused_intake_change_keeps_what_was_typed_and_changes_nothing(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf, background="design", years="4")
    refused = client.post(
        f"/assess/{assessment}/intake",
        data={"csrf_token": csrf, "background": "software-engineering", "years": "seventy"},
    )
    assert refused.status_code == 422
    assert "your years of work experience as a number from 0 to 60" in refused.text
    assert 'value="seventy"' in refused.text
    assert re.search(r'<option value="software-engineering" selected>', refused.text)
    assert f'action="/assess/{assessment}/intake"' in refused.text
    kept = _unfinished(context).assessment
    assert (kept.background, kept.years) == ("design", 4)


def test_another_learners_intake_cannot_be_seen_or_changed(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf, background="design")
    client.cookies.clear()
    other = sign_up(client, email="bo@example.org")
    assert client.get(f"/assess/{assessment}/intake").status_code == 404
    refused = client.post(
        f"/assess/{assessment}/intake",
        data={"csrf_token": other, "background": "software-engineering"},
    )
    assert refused.status_code == 404
    assert _unfinished(context).assessment.background == "design"
