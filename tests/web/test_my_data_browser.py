"""In a real browser (Debian's chromium), at phone and desktop widths: a member goes from their
account to Your data, downloads everything, and deletes the account with their password;
nothing scrolls sideways. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import needs_chromium
from tests.web.test_browser import CONTEXTS, PASSWORD, browser, fits, server, shot, sign_up

pytestmark = needs_chromium
__all__ = ["browser", "server"]


@pytest.mark.parametrize("width", [390, 1366])
def test_a_member_downloads_their_data_and_deletes_their_account(
    browser: Browser, server: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 844 if width == 390 else 900})
    email = f"nora{width}@example.org"
    sign_up(page, server, email, "Nora Okonkwo-Delacroix")
    page.goto(f"{server}/account")
    page.get_by_role("link", name="what each does").click()
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
    fits(page)
    shot(page, f"your-data-{width}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything (JSON)").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["email"] == email

    page.get_by_role("link", name="Delete my account").click()
    expect(page.get_by_role("heading", name="What stays")).to_be_visible()
    fits(page)
    shot(page, f"delete-account-{width}")
    page.get_by_label("Your password").fill("not the password")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_role("heading", name="Your account is not deleted")).to_be_visible()
    fits(page)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("Your account and everything about you are deleted.")).to_be_visible()
    fits(page)
    with CONTEXTS[server].database.transaction() as session:
        from sqlalchemy import func, select

        from pmpath.store.tables import UserRow

        assert session.scalar(select(func.count()).where(UserRow.email == email)) == 0
    page.close()
