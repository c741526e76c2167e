"""The self-assessment wizard: progress, Back without JavaScript (the saved answer selected,
a changed one stored), resuming where it was left, and every answer committed as given."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect, sync_playwright

from pmpath.app import Pmpath
from pmpath.assessment import Confidence
from pmpath.framework import bundled_framework_path, load_framework
from pmpath.settings import Settings
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, needs_chromium, serve
from tests.web.conftest import PASSWORD, profile_of, sign_up

#: The wizard's steps: one per competency of the bundled ladder.
TOTAL = len(load_framework(bundled_framework_path()).competencies)


def start(client: TestClient, csrf: str, **intake: str | list[str]) -> int:
    response = client.post("/assess", data={"csrf_token": csrf, **intake}, follow_redirects=False)
    assert response.status_code == 303
    match = re.fullmatch(r"/assess/(\d+)/step/1", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def competency_of(html: str) -> str:
    match = re.search(r'name="competency" value="([^"]+)"', html)
    assert match, html[:300]
    return match.group(1)


def step(client: TestClient, assessment: int, number: int) -> str:
    response = client.get(f"/assess/{assessment}/step/{number}")
    assert response.status_code == 200, response.text[:300]
    return response.text


def post(client: TestClient, csrf: str, assessment: int, competency: str, **fields: str) -> object:
    return client.post(
        f"/assess/{assessment}/answer",
        data={"csrf_token": csrf, "competency": competency, **fields},
        follow_redirects=False,
    )


def answer_steps(client: TestClient, csrf: str, assessment: int, count: int) -> list[str]:
    """Answer steps 1..count with level 2; returns their competency ids."""
    ids = []
    for number in range(1, count + 1):
        competency = competency_of(step(client, assessment, number))
        response = post(client, csrf, assessment, competency, level="2")
        assert response.status_code == 303  # type: ignore[attr-defined]
        ids.append(competency)
    return ids


def stored(context: Pmpath, email: str) -> dict[str, tuple[int, str, tuple[str, ...]]]:
    found = context.assessments.unfinished(profile_of(context, email))
    assert found is not None
    return {
        cid: (r.level, r.confidence.value, r.evidence)
        for cid, r in found.assessment.ratings.items()
    }


def test_each_step_shows_where_it_is_with_a_progress_bar(client: TestClient) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf)
    answer_steps(client, csrf, assessment, 4)
    fifth = step(client, assessment, 5)
    assert f"Step 5 of {TOTAL}" in fifth
    assert f'<progress max="{TOTAL}" value="5"' in fifth
    assert re.search(rf"<title>[^<]*step 5 of {TOTAL}[^<]*</title>", fifth)


def test_the_first_step_goes_back_to_the_intake_and_the_others_back_a_step(
    client: TestClient,
) -> None:
    # Step 1's Back leads to the intake questions (see tests/web/test_wizard_intake_back.py).
    csrf = sign_up(client)
    assessment = start(client, csrf)
    assert "Back to the questions about you</button>" in step(client, assessment, 1)
    answer_steps(client, csrf, assessment, 1)
    second = step(client, assessment, 2)
    assert re.search(r'<button type="submit" name="go" value="back"[^>]*formnovalidate', second)


def test_every_answer_is_committed_as_it_is_given(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf)
    competency = competency_of(step(client, assessment, 1))
    post(client, csrf, assessment, competency, level="3", confidence="high", evidence="Led X")
    assert stored(context, "ana@example.org") == {competency: (3, "high", ("Led X",))}


def test_back_shows_the_saved_answer_and_a_change_is_stored(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf)
    first, second = answer_steps(client, csrf, assessment, 2)
    third = competency_of(step(client, assessment, 3))
    # Back from step 3 with a pick: the pick is saved, and the page goes to step 2.
    back = post(client, csrf, assessment, third, level="4", go="back")
    assert back.headers["location"] == f"/assess/{assessment}/step/2"  # type: ignore[attr-defined]
    assert stored(context, "ana@example.org")[third][0] == 4
    page = step(client, assessment, 2)
    assert competency_of(page) == second
    assert re.search(r'id="level-2"[^>]*checked', page)
    assert not re.search(r'id="level-3"[^>]*checked', page)
    assert "Your saved answer is selected" in page
    # Changing the answer on step 2 replaces the stored one and goes on to step 3.
    changed = post(client, csrf, assessment, second, level="5", confidence="low", evidence="E")
    assert changed.headers["location"] == f"/assess/{assessment}/step/3"  # type: ignore[attr-defined]
    ratings = stored(context, "ana@example.org")
    assert ratings[second] == (5, Confidence.LOW.value, ("E",))
    assert ratings[first] == (2, "medium", ())
    assert len(ratings) == 3
    # And step 3 shows what was picked before going back.
    assert re.search(r'id="level-4"[^>]*checked', step(client, assessment, 3))


def test_the_saved_confidence_and_evidence_are_shown_again(client: TestClient) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf)
    competency = competency_of(step(client, assessment, 1))
    post(client, csrf, assessment, competency, level="1", confidence="high", evidence="A link")
    page = step(client, assessment, 1)
    assert '<option value="high" selected>' in page
    assert ">A link</textarea>" in page


def test_back_without_a_pick_stores_nothing_and_goes_back(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf)
    answer_steps(client, csrf, assessment, 1)
    second = competency_of(step(client, assessment, 2))
    back = post(client, csrf, assessment, second, go="back")
    assert back.status_code == 303  # type: ignore[attr-defined]
    assert back.headers["location"] == f"/assess/{assessment}/step/1"  # type: ignore[attr-defined]
    assert second not in stored(context, "ana@example.org")


def test_going_on_without_a_pick_is_explained_and_keeps_what_was_typed(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf)
    competency = competency_of(step(client, assessment, 1))
    response = post(client, csrf, assessment, competency, confidence="low", evidence="My notes")
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    assert 'role="alert"' in html
    assert '<a href="#level-1">Choose the description that fits you best</a>' in html
    assert 'id="level-1-error" class="field-error"' in html
    assert ">My notes</textarea>" in html
    assert '<option value="low" selected>' in html
    assert stored(context, "ana@example.org") == {}


def test_a_level_outside_the_scale_is_refused_and_nothing_stored(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf)
    competency = competency_of(step(client, assessment, 1))
    response = post(client, csrf, assessment, competency, level="9")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert stored(context, "ana@example.org") == {}


def test_steps_are_taken_in_order(client: TestClient) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf)
    answer_steps(client, csrf, assessment, 2)
    ahead = client.get(f"/assess/{assessment}/step/9", follow_redirects=False)
    assert ahead.status_code == 303
    assert ahead.headers["location"] == f"/assess/{assessment}/step/3"
    assert client.get(f"/assess/{assessment}/step/0").status_code == 404
    assert client.get(f"/assess/{assessment}/step/{TOTAL + 1}").status_code == 404


def test_visiting_assess_again_offers_to_continue_where_it_was_left(client: TestClient) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf)
    answer_steps(client, csrf, assessment, 6)
    offer = client.get("/assess", follow_redirects=False)
    assert offer.status_code == 200
    assert (
        f'<a class="button" href="/assess/{assessment}/step/7">'
        f"Continue where you left off (step 7 of {TOTAL})</a>"
    ) in offer.text
    assert f"answered 6 of {TOTAL}" in offer.text
    assert 'href="/assess/new">Start over</a>' in offer.text
    assert f"Step 7 of {TOTAL}" in client.get(f"/assess/{assessment}").text


def test_starting_over_fills_in_the_earlier_intake_and_begins_a_new_assessment(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    first = start(client, csrf, background="design", years="4", interests=["customer-problems"])
    answer_steps(client, csrf, first, 3)
    again = client.get("/assess/new").text
    assert '<option value="design" selected>' in again
    assert 'value="4"' in again
    assert re.search(r'id="interest-customer-problems"[^>]*checked', again)
    second = start(client, csrf, background="design")
    assert second != first
    assert f"Step 1 of {TOTAL}" in client.get(f"/assess/{second}").text
    assert stored(context, "ana@example.org") == {}
    # The one left behind is no longer the one to continue.
    assert client.get(f"/assess/{first}/step/1").status_code == 404


def test_the_last_step_leads_to_finishing_with_a_way_back(client: TestClient) -> None:
    csrf = sign_up(client)
    assessment = start(client, csrf)
    ids = answer_steps(client, csrf, assessment, TOTAL)
    assert len(set(ids)) == TOTAL
    done = client.get(f"/assess/{assessment}").text
    assert "Every competency answered" in done
    assert f'href="/assess/{assessment}/step/{TOTAL}">Back</a>' in done
    last = step(client, assessment, TOTAL)
    assert re.search(r'id="level-2"[^>]*checked', last)
    offer = client.get("/assess").text
    assert "Continue where you left off (finish)" in offer


# -- in a real browser, without JavaScript -------------------------------------------------------


@pytest.fixture
def live(database_url: str) -> Iterator[tuple[str, Pmpath]]:
    """The app served on a free port (a real browser needs a real server)."""
    context = Pmpath(Settings(database_url=database_url))
    context.accounts.sign_up("ana@example.org", "Ana", PASSWORD)
    with serve(context) as base:
        yield base, context


@needs_chromium
def test_back_works_without_javascript_and_nothing_scrolls_sideways_on_a_phone(
    live: tuple[str, Pmpath],
) -> None:
    base, context = live
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, java_script_enabled=False)
        page.goto(f"{base}/login")
        page.locator("#email").fill("ana@example.org")
        page.locator("#password").fill(PASSWORD)
        page.locator("form.stack button[type=submit]").click()
        page.goto(f"{base}/assess")
        page.get_by_role("button", name="Start").click()
        expect(page.get_by_text(f"Step 1 of {TOTAL}")).to_be_visible()
        page.locator("#level-3").check()
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_text(f"Step 2 of {TOTAL}")).to_be_visible()
        page.locator("#level-4").check()
        page.get_by_role("button", name="Back").click()
        # Back on step 1 with the saved answer selected; the pick on step 2 was kept.
        expect(page.get_by_text(f"Step 1 of {TOTAL}")).to_be_visible()
        expect(page.locator("#level-3")).to_be_checked()
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"the wizard is {wide} px wide on a 390 px screen"
        page.locator("#level-1").check()
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_text(f"Step 2 of {TOTAL}")).to_be_visible()
        expect(page.locator("#level-4")).to_be_checked()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "wizard-back-390.png", full_page=True)
        browser.close()
    levels = {cid: r[0] for cid, r in stored(context, "ana@example.org").items()}
    assert sorted(levels.values()) == [1, 4]
