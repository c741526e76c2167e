"""In a real browser (Debian's chromium), at phone and desktop widths: a manager creates an
organisation and a team from the account menu, makes an invitation link, and a newcomer signs
up through it and lands on the team's page; nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import needs_chromium
from tests.web.test_browser import PASSWORD, browser, fits, server, shot, sign_up

pytestmark = needs_chromium
__all__ = ["browser", "server"]  # the fixtures, shared with the main journeys


def _open_teams(page: Page) -> None:
    """Teams, from the account's links: in the Menu on a phone, the account menu otherwise."""
    if page.viewport_size and page.viewport_size["width"] < 768:
        page.get_by_text("Menu", exact=True).click()
        page.locator("header .phone-nav").get_by_role("link", name="Teams").click()
    else:
        page.locator("header .account-menu summary").click()
        page.locator("header .account-menu").get_by_role("link", name="Teams").click()


@pytest.mark.parametrize("width", [390, 1366])
def test_a_manager_invites_and_a_newcomer_joins_through_the_link(
    browser: Browser, server: str, width: int
) -> None:
    manager = browser.new_page(viewport={"width": width, "height": 844})
    sign_up(manager, server, f"lead{width}@example.org", "Lena Lead")
    _open_teams(manager)
    expect(manager.get_by_role("heading", level=1)).to_have_text("Teams")
    manager.get_by_label("Name of the organisation").fill(f"Acme {width}")
    manager.get_by_role("button", name="Create the organisation").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(f"Acme {width}")
    manager.get_by_label("Name of the team").fill("Growth")
    manager.get_by_role("button", name="Create the team").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Growth")
    manager.get_by_role("button", name="Make an invitation").click()
    link = manager.get_by_label("Invitation link for a member").input_value()
    fits(manager)
    shot(manager, f"teams-invitation-{width}")
    newcomer = browser.new_context(viewport={"width": width, "height": 844}).new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_text("Lena Lead invites you to join as a member.")).to_be_visible()
    fits(newcomer)
    newcomer.get_by_label("Email").fill(f"nia{width}@example.org")
    newcomer.get_by_label("Name").fill("Nia New")
    newcomer.get_by_label("Password", exact=True).fill(PASSWORD)
    newcomer.get_by_role("button", name="Sign up and join").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Growth")
    expect(newcomer.get_by_text("Welcome, Nia New: you are now in Growth.")).to_be_visible()
    expect(newcomer.get_by_text("Placement private")).to_be_visible()  # the manager's
    fits(newcomer)
    shot(newcomer, f"teams-joined-{width}")
    # The manager's page was the answer to the invitation form: open the team's page again.
    manager.goto(manager.url.removesuffix("/invitations"))
    expect(manager.get_by_role("heading", level=3, name="Nia New")).to_be_visible()
