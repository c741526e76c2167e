"""The product leader's journey of issue #19, in a real browser (Debian's chromium) at phone
and desktop widths: a manager creates an organisation and a team, uploads the organisation's
ladder, invites two members through links; both self-assess on that ladder; the manager and a
peer rate; the heat map and the promotion case show it; a calibration adjusts a level with a
reason. Everything through the pages, as people would; nothing scrolls sideways."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from pmpath.framework.loading import parse_framework
from tests.browser import needs_chromium
from tests.conftest import example_ladder_text
from tests.web.test_browser import PASSWORD, browser, fits, server, shot, sign_up

pytestmark = needs_chromium
__all__ = ["browser", "server"]  # the fixtures, shared with the main journeys

LADDER = parse_framework(example_ladder_text(), "design.yaml")


def _height(width: int) -> int:
    return 844 if width == 390 else 900


def _join(browser: Browser, link: str, width: int, email: str, name: str) -> Page:
    """A newcomer opens an invitation link and signs up on it."""
    page = browser.new_context(viewport={"width": width, "height": _height(width)}).new_page()
    page.goto(link)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up and join").click()
    expect(page.get_by_text(f"Welcome, {name}")).to_be_visible()
    return page


def _invite(page: Page, team_url: str) -> str:
    page.goto(team_url)
    page.get_by_role("button", name="Make an invitation").click()
    return page.get_by_label("Invitation link for a member").input_value()


def _self_assess(
    page: Page, server: str, organisation: str, levels: list[int], name: str = ""
) -> None:
    """Through the organisation's page and its own ladder's wizard, one level per
    competency."""
    page.goto(f"{server}/organisations/{organisation}")
    page.get_by_role("link", name="Self-assess on our ladder").click()
    expect(page.get_by_text(f"own ladder: {LADDER.name}")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    for competency, level in zip(LADDER.competencies, levels, strict=True):
        expect(page.get_by_role("heading", level=1)).to_have_text(competency.name)
        page.locator(f"label[for=level-{level}]").click()
        if name and competency is LADDER.competencies[0]:
            fits(page)
            shot(page, name)
        page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Finish and see where it places me").click()
    expect(page.get_by_text(f"Your self-assessment on {LADDER.name} is saved")).to_be_visible()


def _rate(page: Page, team_url: str, name: str, levels: list[int], note: str) -> None:
    page.goto(team_url)
    page.get_by_role("link", name=f"Rate {name}").click()
    for competency, level in zip(LADDER.competencies, levels, strict=True):
        expect(page.get_by_role("heading", level=1)).to_have_text(competency.name)
        page.locator(f"label[for=level-{level}]").click()
        page.get_by_label("Evidence note").fill(note)
        page.get_by_role("button", name=re.compile(r"^Save( and continue)?$")).click()


@pytest.mark.parametrize("width", [390, 1366])
def test_a_leader_builds_a_team_rates_it_and_calibrates(
    browser: Browser, server: str, width: int, tmp_path: Path
) -> None:
    lead = browser.new_page(viewport={"width": width, "height": _height(width)})
    sign_up(lead, server, f"lena.j{width}@example.org", "Lena Lead")
    lead.goto(f"{server}/teams")
    lead.get_by_label("Name of the organisation").fill(f"Studio {width}")
    lead.get_by_role("button", name="Create the organisation").click()
    organisation = lead.url.rstrip("/").rsplit("/", 1)[1]
    lead.get_by_label("Name of the team").fill("Design")
    lead.get_by_role("button", name="Create the team").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Design")
    team_url = lead.url

    ladder_file = tmp_path / "design-ladder.yaml"
    ladder_file.write_text(example_ladder_text(), encoding="utf-8")
    lead.goto(f"{server}/organisations/{organisation}/ladder")
    lead.get_by_label("Ladder file").set_input_files(str(ladder_file))
    lead.get_by_role("button", name="Check and upload").click()
    expect(lead.get_by_text(f"{LADDER.name} is now version 1 of your ladder.")).to_be_visible()

    mia = _join(browser, _invite(lead, team_url), width, f"mia.j{width}@example.org", "Mia Marsh")
    pat = _join(browser, _invite(lead, team_url), width, f"pat.j{width}@example.org", "Pat Park")
    _self_assess(mia, server, organisation, [3, 1, 2], f"org-ladder-wizard-{width}")
    _self_assess(pat, server, organisation, [2, 2, 1])
    fits(mia)

    _rate(lead, team_url, "Mia Marsh", [3, 3, 2], "Led the checkout redesign research.")
    _rate(pat, team_url, "Mia Marsh", [3, 2, 2], "Paired with me on the onboarding flows.")
    lead.goto(team_url)
    expect(lead.get_by_text(f"on {LADDER.name}").first).to_be_visible()
    fits(lead)
    shot(lead, f"journey-team-{width}")

    # The heat map shows the manager's ratings (Mia's research: 3 from the manager).
    lead.goto(team_url)
    lead.get_by_role("link", name="Heat map").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Heat map of Design")
    heat = lead.locator("table.heat")
    expect(heat).to_contain_text("Mia Marsh")
    research = heat.locator("tr", has_text="Design research")
    # The first header cell is "Competency"; each row's cells then follow the members.
    headers = [m.strip() for m in heat.locator("thead th").all_inner_texts()]
    mia_cell = headers.index("Mia Marsh") - 1
    expect(research.locator("td").nth(mia_cell)).to_contain_text("3")
    expect(research.locator("td").nth(mia_cell)).to_contain_text("Manager")
    fits(lead)
    shot(lead, f"journey-heat-map-{width}")

    # A calibration session sets Mia's research level to 2, with the reason.
    lead.goto(f"{server}/organisations/{organisation}")
    lead.get_by_role("link", name="Calibration session").click()
    lead.get_by_label("Role to calibrate").select_option("designer")
    lead.get_by_role("button", name="Show everyone at this role").click()
    form = lead.locator("form", has=lead.locator("input[name=member]")).filter(
        has_text="Record the adjustment for Mia Marsh"
    )
    form.get_by_label("Competency").select_option("research")
    form.get_by_label("New level").select_option("2")
    reason = "Two of the three studies were run by the agency; she planned them."
    form.get_by_label("Why").fill(reason)
    form.get_by_role("button", name="Record the adjustment").click()
    expect(
        lead.get_by_text("Set Mia Marsh's level in Design research to 2 (it was 3)")
    ).to_be_visible()
    fits(lead)
    lead.get_by_role("link", name="Audit trail of adjustments").first.click()
    expect(lead.get_by_text(reason)).to_be_visible()
    fits(lead)
    shot(lead, f"journey-audit-{width}")
    lead.goto(team_url)
    lead.get_by_role("link", name="Heat map").click()
    research = lead.locator("table.heat tr", has_text="Design research")
    expect(research.locator("td").nth(mia_cell)).to_contain_text("Calibrated")

    # The promotion case shows the ratings by source, with the manager's evidence.
    lead.goto(team_url)
    lead.get_by_role("link", name="Promotion case for Mia Marsh").click()
    expect(lead.get_by_label("Member")).to_have_value(
        lead.get_by_label("Member").locator("option", has_text="Mia Marsh").get_attribute("value")
        or ""
    )
    lead.get_by_label("Target role").select_option("senior-designer")
    lead.get_by_role("button", name="Open the case").click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("Mia Marsh for Senior")
    expect(lead.get_by_text("Led the checkout redesign research.").first).to_be_visible()
    expect(lead.get_by_text("Paired with me on the onboarding flows.")).to_have_count(0)
    lead.get_by_label("Your recommendation").fill(
        "Mia led the checkout redesign end to end and coaches the two newer designers."
    )
    lead.get_by_role("button", name="Save and submit").click()
    expect(lead.get_by_text("Submitted the case.")).to_be_visible()
    fits(lead)
    shot(lead, f"journey-promotion-{width}")

    lead.goto(f"{server}/organisations/{organisation}")
    lead.get_by_role("link", name="People and their roles").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("People")
    fits(lead)
    shot(lead, f"people-{width}")
