"""The page checks themselves: what they catch and what real English they let through (a
check that never fires, or fires on every page, tells nothing)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser import needs_chromium
from tests.web.journeys.checks import SHOTS, Journey, text_problems

IDS = {"strategic-thinking", "stretch-project", "agile-009", "product-manager"}
PROSE = {"jobs-to-be-done", "product-manager"}


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("4 of <built-in method items of dict object at 0x7f3a> answered", "Python repr"),
        ("Your answer: ['a', 'b']", "Python repr"),
        ("Scores {'agile': 3}", "Python repr"),
        ("Readiness: None", "Python None"),
        ("Score None%", "Python None"),
        ("Hello {{ user.name }}", "template tag"),
        ("{% if x %}", "template tag"),
        ("Comes back 2026-12-07T02:05:50+00:00", "ISO timestamp"),
        ("Your biggest gap: strategic-thinking", "kebab-case id"),
        ("Next: stretch-project", "kebab-case id"),
        ("agile-009: Which artifact…", "kebab-case id"),
        ("Bank team-quiz-phone: 4 items", "kebab-case id"),
        ("No assessment yet: run `pmpath assess` first.", "command-line instruction"),
        ("For larger files use pmpath import.", "command-line instruction"),
    ],
)
def test_a_leak_is_caught_and_named(text: str, check: str) -> None:
    problems = text_problems(text, IDS, PROSE)
    assert [p for p in problems if p.startswith(check)], problems


@pytest.mark.parametrize(
    "text",
    [
        "None yet",
        "None of these questions is due.",
        "Domains (none chosen: all)",
        "Take the self-assessment, then a multiple-response question, drag-and-drop too.",
        "Your long-term plan and a follow-up after sign-in.",
        "Find the customers' jobs-to-be-done.",  # English the content itself uses
        "assessing a product-manager candidate",  # an id the content also uses as English
        "Comes back in 3 days (7 December 2026, 02:05)",
        "Email ana@example.org · file team-quiz.gift · /attempts/3/q/1",
        "Question 1 of 30 · 45:00 left",
        "pmpath places you on the ladder; pmpath practice questions explain themselves.",
    ],
)
def test_plain_english_passes(text: str) -> None:
    assert text_problems(text, IDS, PROSE) == []


def test_a_leak_repeated_down_a_table_is_one_finding() -> None:
    assert len(text_problems("strategic-thinking 3\nstrategic-thinking 4", IDS, PROSE)) == 1


BROKEN = """<!DOCTYPE html><html lang="en"><head><title>Broken</title></head><body>
<header><nav>pmpath</nav></header>
<main><h1>Results</h1><div style="width: 600px">A table too wide for a phone</div>
<p>Hello {{ user.name }}</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<script>console.error("boom")</script></main></body></html>"""


@needs_chromium
def test_a_broken_page_fails_every_check_with_its_reason(browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    journey = Journey(page, "selftest", 390)
    page.set_content(BROKEN)
    journey.visit("broken")
    context.close()
    report = "\n".join(journey.problems)
    assert "scrolls sideways: 6" in report  # 600 px and the page's margin
    assert "div (" in report  # the element that sticks out is named
    assert "template tag: '{{'" in report
    assert "console error: boom" in report
    assert "axe critical image-alt" in report
    shot = SHOTS / "390" / "selftest-01-broken.png"
    assert shot.exists()
    shot.unlink()  # not a page of pmpath's: kept out of the journeys' screenshots
