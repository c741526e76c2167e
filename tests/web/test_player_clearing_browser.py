"""With JavaScript (Debian's chromium): an untouched ordering is no answer, a move or "This
order is my answer" makes it one, and emptying an answer clears it as the page autosaves."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import needs_chromium
from tests.web.player_support import item_of, put_item
from tests.web.test_browser import browser, fits, server, shot
from tests.web.test_player_browser import _mock_exam, _profile

pytestmark = needs_chromium
__all__ = ["browser", "server"]  # the fixtures, shared with the main journeys


@pytest.mark.parametrize("width", [390, 1366])
def test_an_ordering_counts_once_touched_and_unticking_clears_it(
    browser: Browser, server: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    email = f"touch{width}@example.org"
    context, attempt = _mock_exam(page, server, email)
    put_item(context, attempt, 0, item_of(context, "ordering"))
    page.goto(f"{server}/attempts/{attempt}/q/0")
    fits(page)
    keep = page.get_by_label("This order is my answer")
    expect(keep).not_to_be_checked()
    shot(page, f"player-ordering-untouched-{width}")
    # Leaving it untouched (by the navigator) does not answer it.
    page.locator(".qnav").get_by_role("button", name="2", exact=False).first.click()
    page.wait_for_url(f"{server}/attempts/{attempt}/q/1")
    expect(page.locator(".qnav li").first).to_contain_text("not answered")
    view = context.exams.view(attempt, _profile(context, email))
    assert view.questions[0].response is None
    # A move makes the order the learner's answer, saved at once.
    page.goto(f"{server}/attempts/{attempt}/q/0")
    page.locator(".order-item").first.get_by_role("button", name="Move down").click()
    expect(keep).to_be_checked()
    expect(page.locator("#save-status")).to_have_text("Saved")
    expect(page.locator("#progress-text")).to_have_text("1 of 30 answered")
    assert context.exams.view(attempt, _profile(context, email)).questions[0].response
    shot(page, f"player-ordering-touched-{width}")
    # Unticking it withdraws the answer.
    keep.uncheck()
    expect(page.locator("#save-status")).to_have_text("Answer cleared")
    expect(page.locator("#progress-text")).to_have_text("0 of 30 answered")
    expect(page.locator('.qnav [aria-current="page"]')).to_contain_text("not answered")
    assert context.exams.view(attempt, _profile(context, email)).questions[0].response is None
    # Ticking it again answers with the order shown.
    keep.check()
    expect(page.locator("#save-status")).to_have_text("Saved")
    assert context.exams.view(attempt, _profile(context, email)).questions[0].response
    assert errors == []


def test_unticking_every_box_clears_the_saved_answer(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    email = "untick@example.org"
    context, attempt = _mock_exam(page, server, email)
    put_item(context, attempt, 0, item_of(context, "multiple"))
    page.goto(f"{server}/attempts/{attempt}/q/0")
    boxes = page.locator('input[name="response"]')
    boxes.nth(0).check()
    expect(page.locator("#save-status")).to_have_text("Saved")
    boxes.nth(1).check()
    expect(page.locator("#progress-text")).to_have_text("1 of 30 answered")
    boxes.nth(0).uncheck()
    boxes.nth(1).uncheck()
    expect(page.locator("#save-status")).to_have_text("Answer cleared")
    expect(page.locator("#progress-text")).to_have_text("0 of 30 answered")
    assert context.exams.view(attempt, _profile(context, email)).questions[0].response is None
    page.reload()  # nothing ticked comes back
    expect(page.locator('input[name="response"]:checked')).to_have_count(0)
    # Ticking after a clear saves again.
    boxes.nth(2).check()
    expect(page.locator("#save-status")).to_have_text("Saved")
    assert context.exams.view(attempt, _profile(context, email)).questions[0].response
