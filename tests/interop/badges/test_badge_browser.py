"""A badge's whole life in a real browser (Debian's chromium) at phone and desktop widths: a
learner passes an exam, gets the badge from the results page, downloads the signed credential;
someone without an account uploads it on the verification page; an admin revokes it and the
shared link says so. Nothing scrolls sideways, and axe finds nothing serious."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from pmpath.app import Pmpath
from pmpath.services.accounts import User
from pmpath.settings import Settings
from tests.browser import needs_chromium, serve
from tests.interop.badges.helpers import take_exam
from tests.web.conftest import PASSWORD, profile_of
from tests.web.test_browser import browser, fits, serious_violations

pytestmark = needs_chromium
__all__ = ["browser"]  # the fixture, shared with the main journeys

DAY = r"\d{1,2} [A-Z][a-z]+ \d{4}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Pmpath]]:
    database = tmp_path_factory.mktemp("badges") / "pmpath.db"
    context = Pmpath(Settings(database_url=f"sqlite:///{database}"))
    context.accounts.sign_up("root@example.org", "Rosa Admin", PASSWORD, role="admin")
    with serve(context) as base:
        yield base, context


def _learner(context: Pmpath, email: str, name: str) -> User:
    context.accounts.sign_up(email, name, PASSWORD)
    found = context.accounts.user_by_email(email)
    return User(found.id, found.email, found.name, found.role, profile_of(context, email))


def _signed_in(browser: Browser, base: str, email: str, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def _no_serious_violations(page: Page) -> None:
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [390, 1366])
def test_get_download_verify_and_revoke_a_badge(
    browser: Browser, site: tuple[str, Pmpath], width: int, tmp_path: Path
) -> None:
    base, context = site
    ana = _learner(context, f"ana{width}@example.org", "Ana Lima")
    attempt = take_exam(context, ana)
    page = _signed_in(browser, base, ana.email, width)
    page.goto(f"{base}/attempts/{attempt}/results")
    page.get_by_role("link", name="Get your badge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Get your badge: Passed: PM foundations"
    )
    fits(page)
    page.get_by_role("button", name="Issue my badge").click()
    expect(page.get_by_text("Your badge is issued: Passed: PM foundations.")).to_be_visible()
    expect(page.get_by_text(re.compile(f"Issued to Ana Lima by pmpath on {DAY}"))).to_be_visible()
    fits(page)
    _no_serious_violations(page)
    share = page.get_by_label("Verification link").input_value()
    with page.expect_download() as download:
        page.get_by_role("link", name="Signed credential (.jwt)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "pmpath-passed-pm-foundations.jwt"

    stranger = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    stranger.goto(f"{base}/verify")
    stranger.get_by_label("or its file").set_input_files(saved)
    stranger.get_by_role("button", name="Check").click()
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Valid badge")
    expect(
        stranger.get_by_text(
            re.compile(f"Valid: issued by pmpath to Ana Lima on {DAY} for “Passed: PM foundations”")
        )
    ).to_be_visible()
    fits(stranger)
    _no_serious_violations(stranger)

    admin = _signed_in(browser, base, "root@example.org", width)
    admin.goto(f"{base}/admin/badges")
    fits(admin)
    _no_serious_violations(admin)
    row = admin.locator("tr", has_text=ana.email)
    row.get_by_label(re.compile("Why revoke")).fill("Answers were shared")
    row.get_by_role("button", name="Revoke").click()
    expect(admin.get_by_text("Revoked: Passed: PM foundations, of Ana Lima.")).to_be_visible()

    stranger.goto(share)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("This badge is not valid")
    expect(
        stranger.get_by_text(
            re.compile(f"Not valid: revoked on {DAY} because “Answers were shared”")
        )
    ).to_be_visible()
    fits(stranger)
