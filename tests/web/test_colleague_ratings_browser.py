"""In a real browser (Debian's chromium), at phone and desktop widths: a manager rates a member
step by step, opens the ratings side by side (the flag, the peers' median) and asks the team to
self-assess by a date; nothing scrolls sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect

from pmpath.app import Pmpath
from pmpath.assessment import Rating, SelfAssessment
from pmpath.services.accounts import User
from pmpath.store import accounts as account_store
from tests.browser import needs_chromium
from tests.web.test_browser import CONTEXTS, browser, fits, server, shot, sign_up

pytestmark = needs_chromium
__all__ = ["browser", "server"]  # the fixtures, shared with the main journeys


def _account(context: Pmpath, name: str, width: int) -> User:
    email = f"{name.split()[0].lower()}{width}@example.org"
    with context.database.transaction() as session:
        row = account_store.add_user(
            session, email, name, "-", "learner", f"web-{email}", context.clock()
        )
        return User(row.id, row.email, name, "learner", f"web-{email}")


def _lead(context: Pmpath, email: str) -> User:
    from sqlalchemy import select

    from pmpath.store.tables import ProfileRow, UserRow

    with context.database.transaction() as session:
        row = session.scalars(select(UserRow).where(UserRow.email == email)).one()
        profile = session.get(ProfileRow, row.profile_id)
        assert profile is not None
        return User(row.id, row.email, row.name, row.role, profile.name)


@pytest.mark.parametrize("width", [390, 1366])
def test_a_manager_rates_compares_and_asks_for_self_assessments(
    browser: Browser, server: str, width: int
) -> None:
    context = CONTEXTS[server]
    page = browser.new_page(viewport={"width": width, "height": 844 if width == 390 else 900})
    sign_up(page, server, f"lena{width}@example.org", "Lena Lead")
    lena = _lead(context, f"lena{width}@example.org")
    organisation = context.teams.create_organisation(lena, f"Acme {width}")
    team = context.teams.create_team(lena, organisation.id, "Growth")
    people = [_account(context, n, width) for n in ("Mia Marsh", "Pat Park", "Quinn Q", "Rui R")]
    for person in people:
        context.teams.accept(person, context.teams.invite(lena, team.id).token)
    mia, peers = people[0], people[1:]
    ratings = {c.id: Rating(c.id, 2) for c in context.framework.competencies}
    context.assessments.record(mia.profile, SelfAssessment(ratings))
    first = context.framework.competencies[0]
    for peer, level in zip(peers, (3, 3, 4), strict=True):
        context.colleague_ratings.rate(peer, organisation.id, mia.id, first.id, level)

    page.goto(f"{server}/teams/{team.id}")
    page.get_by_role("link", name="Rate Mia Marsh").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.name)
    page.locator("label[for=level-4]").click()
    page.get_by_label("Evidence note").fill("Ran the pricing review end to end and wrote it up.")
    fits(page)
    shot(page, f"colleague-rating-{width}")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#step-of")).to_contain_text("Step 2 of")

    page.goto(f"{server}/organisations/{organisation.id}/members/{mia.id}/ratings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mia Marsh's ratings side by side")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("2+ levels apart")
    expect(row).to_contain_text("3 (median of 3)")
    expect(row).to_contain_text("Ran the pricing review")
    fits(page)
    shot(page, f"ratings-side-by-side-{width}")

    page.goto(f"{server}/teams/{team.id}")
    due = (context.clock().date() + timedelta(days=14)).isoformat()
    page.get_by_label("To self-assess by").fill(due)
    page.get_by_role("button", name="Ask to self-assess").click()
    expect(page.locator("#requests")).to_contain_text("Pat Park")
    expect(page.locator("#requests")).to_contain_text("Open")
    fits(page)
    shot(page, f"team-requests-{width}")
    page.close()
