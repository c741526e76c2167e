"""In a real browser (Debian's chromium), at phone and desktop widths: a manager opens the
team's heat map, coverage, bench strength and a what-if; nothing scrolls the page sideways (the
heat map's table scrolls inside its own box). Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from pmpath.assessment import Rating, SelfAssessment
from tests.browser import needs_chromium
from tests.web.test_browser import CONTEXTS, browser, fits, server, shot, sign_up
from tests.web.test_colleague_ratings_browser import _account, _lead

pytestmark = needs_chromium
__all__ = ["browser", "server"]

#: Where Senior PM expects one level more than Product Manager.
RISING = [
    "customer-empathy",
    "data-driven-decision-making",
    "prioritisation",
    "business-and-financial-acumen",
    "innovation-and-risk-management",
    "execution-excellence",
    "technical-fluency",
    "stakeholder-management",
    "leadership",
]


@pytest.mark.parametrize("width", [390, 1366])
def test_a_manager_reads_the_team_views(browser: Browser, server: str, width: int) -> None:
    context = CONTEXTS[server]
    page = browser.new_page(viewport={"width": width, "height": 844 if width == 390 else 900})
    sign_up(page, server, f"tess{width}@example.org", "Tess Lead")
    lead = _lead(context, f"tess{width}@example.org")
    organisation = context.teams.create_organisation(lead, f"Northwind {width}")
    team = context.teams.create_team(lead, organisation.id, "Checkout")
    names = ("Mia Marsh", "Pat Park", "Bo Berg", "Cy Chen", "Eve Ekström", "Flo Fischer")
    people = {n.split()[0]: _account(context, n, width) for n in names}
    for person in people.values():
        context.teams.accept(person, context.teams.invite(lead, team.id).token)
    fw = context.framework
    pm, senior = fw.role("product-manager"), fw.role("senior-product-manager")
    at_pm = {cid: Rating(cid, e.level) for cid, e in pm.expectations.items()}
    for name in ("Mia", "Pat", "Bo", "Cy"):
        context.assessments.record(people[name].profile, SelfAssessment(at_pm))
    some = [c.id for c in fw.competencies][:6]
    context.assessments.record(
        people["Eve"].profile, SelfAssessment({cid: Rating(cid, 3) for cid in some})
    )
    rate = context.colleague_ratings.rate
    for name, leave in (("Mia", []), ("Bo", ["stakeholder-management"])):
        for cid in RISING:
            if cid not in leave:
                rate(lead, organisation.id, people[name].id, cid, senior.expectations[cid].level)
    rate(lead, organisation.id, people["Cy"].id, "customer-empathy", 2)
    for name in ("Mia", "Pat", "Bo", "Cy"):  # nobody at Product Manager's 3: a gap
        rate(lead, organisation.id, people[name].id, "ai-fluency", 2)
    rate(lead, organisation.id, people["Pat"].id, "customer-empathy", 2)
    rate(lead, organisation.id, people["Pat"].id, "prioritisation", 2)
    base = f"{server}/organisations/{organisation.id}/teams/{team.id}"

    page.goto(f"{base}/heat-map")
    expect(page.get_by_role("heading", level=1)).to_have_text("Heat map of Checkout")
    expect(page.locator("table.heat tbody tr").first).to_contain_text("Customer empathy")
    fits(page)
    box = page.locator(".scroll-box")
    inner = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
    if width == 390:
        assert inner[0] > inner[1]  # the table scrolls inside its box, not the page
    shot(page, f"team-heat-map-{width}")

    page.get_by_role("link", name="Coverage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage of Checkout")
    expect(page.locator(".notice")).to_contain_text("AI fluency")
    fits(page)
    shot(page, f"team-coverage-{width}")

    page.get_by_role("link", name="Bench strength").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bench strength of Checkout")
    # Bo: only stakeholder management (a must-have) and AI fluency one short: 6 months
    bo = page.locator(".card", has_text="Bo Berg")
    expect(bo).to_contain_text("Within 6 months")
    fits(page)
    shot(page, f"team-bench-{width}")

    page.get_by_role("link", name="What if", exact=True).click()
    page.get_by_label("Member").select_option(label="Mia Marsh (Product Manager)")
    page.get_by_label("Role they would hold").select_option(label="Group Product Manager")
    page.get_by_role("button", name="Show the team").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        "Mia Marsh as Group Product Manager"
    )
    fits(page)
    shot(page, f"team-what-if-{width}")
