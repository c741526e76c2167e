"""A gap question in a real browser (Debian's chromium): each list found by its name ("Gap 1"),
a pick saved as it is made, and no sideways scrolling on a phone, in the player and the review."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from pmpath.app import Pmpath
from pmpath.settings import Settings
from tests.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium, serve
from tests.exams.gap_bank import BLUEPRINT, gap_bank

pytestmark = needs_chromium
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with a bank of gap items and one exam on it in place of the bundled ones."""
    database = tmp_path_factory.mktemp("gaps") / "pmpath.db"
    context = Pmpath(Settings(database_url=f"sqlite:///{database}"))
    context.__dict__["_bundled_bank"] = gap_bank(context.framework, "pm-core")
    context.__dict__["blueprints"] = [BLUEPRINT]
    with serve(context) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_a_gap_question_is_answered_by_its_named_lists_and_fits(
    browser: Browser, server: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{server}/signup")
    page.get_by_label("Email").fill(f"gaps{width}@example.org")
    page.get_by_label("Name").fill("Ola")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(lambda url: "/signup" not in url)
    page.goto(f"{server}/exams/{BLUEPRINT.id}/start")
    page.locator("main form").get_by_role("button").first.click()
    page.wait_for_url(lambda url: "/q/" in url)
    if not page.get_by_role("combobox", name="Gap 4").count():
        page.goto(page.url.rsplit("/q/", 1)[0] + "/q/1")
    page.get_by_role("combobox", name="Gap 1").select_option(label="Product Goal")
    expect(page.locator("#save-status")).to_have_text("Saved")
    page.get_by_role("combobox", name="Gap 2").select_option(label="is accountable for")
    expect(page.locator("#progress-text")).to_have_text("1 of 2 answered")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.reload()  # the picks were saved as they were made
    expect(page.locator("#gap-1 option:checked")).to_have_text("Product Goal")
    expect(page.locator("#gap-2 option:checked")).to_have_text("is accountable for")
    page.get_by_role("button", name="Hand in the exam").click()
    page.locator('form[action$="/finish"] button').first.click()
    page.wait_for_url(lambda url: url.endswith("/results"))
    page.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    expect(page.get_by_text("Partly right (50% credit)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
