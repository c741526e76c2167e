"""The exam player in a real browser (Debian's chromium): a pick saved as it is made, ordering
by keyboard, the timer's announcements and hand-in, and no sideways scrolling on a phone for
ordering and matching questions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from pmpath.app import Pmpath
from tests.browser import needs_chromium
from tests.web.player_support import item_of, put_item, set_deadline
from tests.web.test_browser import CONTEXTS, PASSWORD, browser, fits, server, shot

pytestmark = needs_chromium
__all__ = ["browser", "server"]  # the fixtures, shared with the main journeys


def _mock_exam(page: Page, base: str, email: str) -> tuple[Pmpath, int]:
    page.goto(f"{base}/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name").fill("Ola")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(lambda url: "/signup" not in url)
    page.goto(f"{base}/exams")
    page.get_by_role("button", name="Start Scrum Master").click()
    attempt = int(page.url.split("/attempts/")[1].split("/")[0])
    return CONTEXTS[base], attempt


def _profile(context: Pmpath, email: str) -> str:
    from tests.web.conftest import profile_of

    return profile_of(context, email)


def test_a_pick_is_saved_as_it_is_made(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    context, attempt = _mock_exam(page, server, "auto@example.org")
    put_item(context, attempt, 0, item_of(context, "single"))
    page.goto(f"{server}/attempts/{attempt}/q/0")
    page.locator('input[name="response"]').first.check()
    expect(page.locator("#save-status")).to_have_text("Saved")
    expect(page.locator("#progress-text")).to_have_text("1 of 30 answered")
    view = context.exams.view(attempt, _profile(context, "auto@example.org"))
    assert view.questions[0].response is not None
    page.reload()  # nothing pressed, and the pick is there
    expect(page.locator('input[name="response"]').first).to_be_checked()
    assert errors == []


@pytest.mark.parametrize("width", [390, 1366])
def test_ordering_by_keyboard_moves_in_place_and_saves(
    browser: Browser, server: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    email = f"order{width}@example.org"
    context, attempt = _mock_exam(page, server, email)
    put_item(context, attempt, 0, item_of(context, "ordering"))
    page.goto(f"{server}/attempts/{attempt}/q/0")
    fits(page)
    texts = page.locator(".order-text").all_text_contents()
    first_down = page.locator(".order-item").first.get_by_role("button", name="Move down")
    first_down.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".order-text").first).to_have_text(texts[1])
    # Focus stays with the moved step, now second, on its "Move down".
    assert page.evaluate("document.activeElement.value") == "down-1"
    expect(page.locator("#order-status")).to_contain_text("is now step 2 of")
    expect(page.locator("#save-status")).to_have_text("Saved")
    shown = context.exams.view(attempt, _profile(context, email)).questions[0]
    by_text = {o.text: o.id for o in shown.options}
    assert shown.response == [by_text[texts[1]], by_text[texts[0]], *map(by_text.get, texts[2:])]
    shot(page, f"player-ordering-{width}")


@pytest.mark.parametrize("width", [390, 1366])
def test_matching_fits_the_screen(browser: Browser, server: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    context, attempt = _mock_exam(page, server, f"match{width}@example.org")
    put_item(context, attempt, 0, item_of(context, "matching"))
    page.goto(f"{server}/attempts/{attempt}/q/0")
    fits(page)
    page.locator('select[name="match-0"]').select_option(index=1)
    expect(page.locator("#save-status")).to_have_text("Saved")
    shot(page, f"player-matching-{width}")


def test_the_timer_warns_politely_then_hands_in_at_zero(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    email = "timer@example.org"
    context, attempt = _mock_exam(page, server, email)
    set_deadline(context, attempt, context.clock() + timedelta(seconds=303))
    page.goto(f"{server}/attempts/{attempt}/q/0")
    expect(page.locator("#timer-polite")).to_have_text("5 minutes left.", timeout=8000)
    expect(page.locator("#timer-alert")).to_have_text("")
    set_deadline(context, attempt, context.clock() + timedelta(seconds=63))
    page.reload()
    expect(page.locator("#timer-polite")).to_have_text("1 minute left.", timeout=8000)
    set_deadline(context, attempt, context.clock() + timedelta(seconds=2))
    page.reload()
    expect(page.locator("#timer-alert")).to_contain_text("Time is up", timeout=5000)
    page.wait_for_url(f"{server}/attempts/{attempt}/results", timeout=10000)
    expect(page.get_by_role("alert").first).to_contain_text("Time ran out")
    assert context.exams.results(attempt, _profile(context, email)).finish_reason == "timeout"
