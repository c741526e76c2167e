"""In a real browser (Debian's chromium), at phone and desktop widths: a manager opens a
promotion case through the form, reads the document, writes and submits the recommendation,
decides it as the organisation's admin and opens the printable document (also as paper:
print media); nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from pmpath.assessment import Rating, SelfAssessment
from pmpath.store import calibration as calibration_store
from pmpath.store.tables import CalibrationAdjustmentRow
from tests.browser import needs_chromium
from tests.web.test_browser import CONTEXTS, browser, fits, server, shot, sign_up
from tests.web.test_colleague_ratings_browser import _account, _lead

pytestmark = needs_chromium
__all__ = ["browser", "server"]


@pytest.mark.parametrize("width", [390, 1366])
def test_a_manager_builds_a_case_and_the_admin_decides(
    browser: Browser, server: str, width: int
) -> None:
    context = CONTEXTS[server]
    page = browser.new_page(viewport={"width": width, "height": 844 if width == 390 else 900})
    sign_up(page, server, f"lena.p{width}@example.org", "Lena Lead")
    lena = _lead(context, f"lena.p{width}@example.org")
    organisation = context.teams.create_organisation(lena, f"Promo {width}")
    team = context.teams.create_team(lena, organisation.id, "Growth")
    people = [
        _account(context, n, width + 1) for n in ("Mia Marsh", "Pat Park", "Quinn Q", "Rui R")
    ]
    for person in people:
        context.teams.accept(person, context.teams.invite(lena, team.id).token)
    mia, peers = people[0], people[1:]
    competencies = context.framework.competencies
    own = {c.id: Rating(c.id, 3 if n % 3 else 2) for n, c in enumerate(competencies)}
    context.assessments.record(mia.profile, SelfAssessment(own))
    first, second = competencies[0], competencies[1]
    context.colleague_ratings.rate(
        lena,
        organisation.id,
        mia.id,
        first.id,
        4,
        "https://example.org/docs/pricing-review-2026",
        "Ran the pricing review end to end and wrote it up for the leadership team.",
    )
    for peer, level in zip(peers, (3, 3, 4), strict=True):
        context.colleague_ratings.rate(peer, organisation.id, mia.id, first.id, level)
    with context.database.transaction() as session:
        calibration_store.add_adjustment(
            session,
            CalibrationAdjustmentRow(
                organisation_id=organisation.id,
                subject_id=mia.id,
                framework_id=context.framework.id,
                competency_id=second.id,
                role_id="product-manager",
                from_level=2,
                to_level=3,
                reason="The Q3 discovery work shows level 3 across two teams.",
                adjusted_by=lena.id,
                adjusted_at=context.clock(),
            ),
        )

    page.goto(f"{server}/organisations/{organisation.id}/promotions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Promotion cases")
    page.get_by_label("Member").select_option(label="Mia Marsh")
    page.get_by_label("Target role").select_option(label="Senior Product Manager")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mia Marsh for Senior Product Manager"
    )
    page.get_by_label("Your recommendation").fill(
        "Mia has led pricing for two quarters with the scope of a senior PM: she set the "
        "strategy, aligned sales and finance, and coached two associates.\n\nThe gaps below "
        "are in stakeholder management at director level; the plan covers them."
    )
    fits(page)
    shot(page, f"promotion-draft-{width}")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.locator(".flash, [role=status]").first).to_contain_text("Submitted the case")
    page.get_by_label("Promote to Senior Product Manager").check()
    page.get_by_label("Why").fill("Clear evidence at senior scope; agreed in the calibration.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("body")).to_contain_text("Decision: Promote")
    expect(page.locator("tbody tr").first).to_contain_text("3 (median of 3)")
    fits(page)
    shot(page, f"promotion-case-{width}")

    page.get_by_role("link", name="Printable document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mia Marsh for Senior")
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by print.js
    fits(page)
    shot(page, f"promotion-print-{width}")
    page.emulate_media(media="print")
    expect(page.locator(".site-bar")).to_be_hidden()
    after = page.evaluate(
        "getComputedStyle(document.querySelector('td a[href^=\"http\"]'), '::after').content"
    )
    assert "https://example.org/docs/pricing-review-2026" in after
    shot(page, f"promotion-print-paper-{width}")
    page.close()
