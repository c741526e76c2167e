"""The main journeys in a real browser (Debian's chromium, headless, driven by Playwright),
with screenshots in test-artifacts/, and an axe-core accessibility check of the main pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import update

from pmpath.app import Pmpath
from pmpath.settings import Settings
from pmpath.store.tables import ReviewCardRow
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, needs_chromium, serve

PASSWORD = "correct-horse-battery"
GIFT = """// A small team quiz.
::sprint-goal:: Which Scrum artifact's commitment is the Sprint Goal?
{=Sprint Backlog#Right: the Sprint Goal is the Sprint Backlog's commitment.
~Product Backlog#No: its commitment is the Product Goal.
~Increment#No: its commitment is the Definition of Done.}

::daily:: The Daily Scrum is timeboxed to 15 minutes. {TRUE}
"""

pytestmark = needs_chromium

#: The application behind each test server, for a test to move its clock-bound data.
CONTEXTS: dict[str, Pmpath] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("web") / "pmpath.db"
    context = Pmpath(Settings(database_url=f"sqlite:///{database}"))
    context.accounts.sign_up("author@example.org", "Ada Author", PASSWORD, role="author")
    with serve(context) as base:
        CONTEXTS[base] = context
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def sign_up(page: Page, base: str, email: str, name: str) -> None:
    page.goto(f"{base}/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    if page.viewport_size and page.viewport_size["width"] < 768:
        page.get_by_text("Menu", exact=True).click()  # on a phone the links are in the menu
        who = page.locator("header .phone-nav").get_by_text(f"Signed in as {name}", exact=True)
        expect(who).to_be_visible()
        page.get_by_text("Menu", exact=True).click()
        return
    # On a wide screen the account's items are in a menu named for the person.
    expect(page.locator("header .account-menu summary")).to_contain_text(name)


def account_menu(page: Page) -> None:
    """Open the header's account menu (a wide screen's; the sign-out and author links)."""
    page.locator("header .account-menu summary").click()


def test_sign_up_assess_and_read_the_plan_and_report(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    sign_up(page, server, "ana@example.org", "Ana")
    page.goto(f"{server}/assess")
    page.get_by_label("The career you come from").select_option("design")
    page.get_by_role("button", name="Start").click()
    steps = len(CONTEXTS[server].framework.competencies)
    for number in range(1, steps + 1):
        expect(page.get_by_text(f"Step {number} of {steps}")).to_be_visible()
        if number == 1:
            shot(page, "journey-assess-question")
        page.get_by_label("3 · Proficient", exact=False).check()
        page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Finish and see my profile").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Where you stand")
    expect(page.get_by_role("heading", name="Growth plan", exact=False)).to_be_visible()
    shot(page, "journey-profile")
    page.get_by_role("link", name="Open the printable report").click()
    expect(page.locator("#gap-table")).to_be_visible()
    expect(page.locator("svg#radar")).to_be_visible()
    shot(page, "journey-report")
    page.close()


def test_mock_exam_reload_resume_finish_and_review(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    sign_up(page, server, "ben@example.org", "Ben")
    page.goto(f"{server}/exams")
    page.get_by_role("button", name="Start Scrum Master practice").click()
    expect(page.get_by_text("Question 1 of 30")).to_be_visible()
    expect(page.locator("#timer")).to_be_visible()
    page.get_by_role("button", name="Flag to revisit").click()
    expect(page.get_by_text("flagged", exact=True)).to_be_visible()
    shot(page, "journey-exam-question")
    # Answer the first question whatever its type, by the first control offered.
    first = page.locator('input[name="response"]').first
    if first.count():
        if first.get_attribute("type") in ("radio", "checkbox"):
            first.check()
        else:
            first.fill("1")
    page.get_by_role("button", name="Save answer and go on").click()
    expect(page.get_by_text("Question 2 of 30")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Question 2 of 30")).to_be_visible()
    page.goto(f"{server}/exams")
    page.get_by_role("link", name="Scrum Master practice", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("of 30")
    page.get_by_role("button", name="Hand in the exam").click()
    # The summary first: what is unanswered and flagged, and the way back.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hand in")
    expect(page.get_by_role("heading", name="Flagged to revisit")).to_be_visible()
    shot(page, "journey-exam-summary")
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Score")
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    shot(page, "journey-exam-results")
    page.close()


def test_an_author_imports_gift_and_a_learner_practises_it(
    browser: Browser, server: str, tmp_path: Path
) -> None:
    quiz = tmp_path / "team-quiz.gift"
    quiz.write_text(GIFT, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{server}/login")
    page.get_by_label("Email").fill("author@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    account_menu(page)
    page.get_by_role("link", name="Question banks").click()
    page.get_by_role("link", name="Import a quiz file").click()
    page.get_by_label("File", exact=True).set_input_files(str(quiz))
    page.get_by_label("Bank name", exact=False).fill("team quiz")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Preview: 2 questions", exact=False)).to_be_visible()
    shot(page, "journey-import-preview")
    page.get_by_role("button", name="Import these questions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported into “team quiz”")
    page.reload()  # Post/Redirect/Get: a refresh shows the result again
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported into “team quiz”")
    account_menu(page)
    page.get_by_role("button", name="Sign out").click()

    sign_up(page, server, "cy@example.org", "Cy")
    page.goto(f"{server}/practice")
    page.get_by_label("Bank").select_option("team-quiz")
    page.get_by_role("button", name="Start practising").click()
    expect(page.get_by_text("Question 1 of", exact=False)).to_be_visible()
    page.locator('input[name="response"]').first.check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".feedback")).to_be_visible()
    shot(page, "journey-practice-feedback")
    page.close()


def test_a_placement_test_from_start_to_result(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    sign_up(page, server, "dee@example.org", "Dee")
    page.get_by_role("link", name="Placement", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Adaptive placement test")
    shot(page, "journey-placement-intro")
    page.get_by_role("button", name="Start the placement test").click()
    result = page.get_by_role("heading", level=1, name="Your placement", exact=False)
    for number in range(1, 50):
        if result.count():
            break
        assert number <= 48, "the placement test did not stop within 48 questions"
        expect(page.get_by_text(f"Question {number} (up to 48)")).to_be_visible()
        if number == 1:
            shot(page, "journey-placement-question")
            assert serious_violations(page) == []
        answer_anything(page)
        page.get_by_role("button", name="Save answer and go on").click()
        page.wait_for_load_state()
    expect(result).to_be_visible()
    expect(page.get_by_role("heading", name="By domain")).to_be_visible()
    domains = page.locator("table").first.locator("tbody tr")
    assert domains.count() == 12
    expect(page.get_by_role("heading", name="Exam readiness")).to_be_visible()
    expect(page.get_by_role("link", name="Your profile and gap analysis")).to_be_visible()
    shot(page, "journey-placement-result")
    assert serious_violations(page) == []
    page.goto(f"{server}/exams")
    expect(page.get_by_text("Chance of passing now").first).to_be_visible()
    shot(page, "journey-placement-readiness")
    assert serious_violations(page) == []
    page.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/ladder",
        "/try",
        "/roles/product-manager",
        "/diff?start=product-manager&goal=senior-product-manager",
        "/exams",
        "/placement",
        "/signup",
        "/login",
    ],
)
def test_main_pages_have_no_serious_accessibility_violations(
    browser: Browser, server: str, path: str
) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{server}{path}")
    serious = serious_violations(page)
    page.close()
    assert serious == []


def answer_anything(page: Page) -> None:
    """Answer the question on the page whatever its type, with the first choice offered."""
    first = page.locator('input[name="response"]').first
    if first.count():
        if first.get_attribute("type") in ("radio", "checkbox"):
            first.check()
        else:
            first.fill("1")
    for match in page.locator('select[name^="match-"]').all():
        match.select_option(index=1)
    # An ordering question counts only once the learner says the order is their answer.
    keep_order = page.locator('input[name="touched"]')
    if keep_order.count():
        keep_order.check()


def fits(page: Page) -> None:
    """No sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]  # type: ignore[index]


@pytest.mark.parametrize("width", [390, 1366])
def test_practice_then_spaced_review_with_grading(
    browser: Browser, server: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_up(page, server, f"gus{width}@example.org", "Gus")
    if width == 390:
        # One row of header on a phone; the menu opens without JavaScript.
        assert page.locator("header.site").bounding_box()["height"] < 100  # type: ignore[index]
        page.get_by_text("Menu", exact=True).click()
        page.get_by_role("link", name="Practice").click()
    else:
        page.get_by_role("link", name="Practice").click()
    page.get_by_label("Questions").fill("2")
    page.get_by_role("button", name="Start practising").click()
    expect(page.get_by_text("Question 1 of 2", exact=False)).to_be_visible()
    answer_anything(page)
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".feedback")).to_be_visible()
    expect(page.locator("#answer-form")).to_have_count(0)  # locked once the feedback shows
    fits(page)
    page.get_by_role("link", name="Next question").click()
    expect(page.get_by_text("Question 2 of 2", exact=False)).to_be_visible()
    answer_anything(page)
    page.get_by_role("button", name="Check my answer").click()
    page.get_by_role("button", name="See your summary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Practice done")
    fits(page)
    assert serious_violations(page) == []
    shot(page, f"journey-practice-summary-{width}")
    # Make whatever was missed due now (a missed item comes back after a minute).
    with CONTEXTS[server].database.transaction() as session:
        session.execute(update(ReviewCardRow).values(due=datetime.now(UTC) - timedelta(minutes=5)))
    page.goto(f"{server}/review")
    if page.get_by_text("Nothing is due for review").count():
        page.close()
        return  # both answers happened to be right: nothing to review
    answer_anything(page)
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_role("button", name="Good", exact=False)).to_be_visible()
    fits(page)
    assert serious_violations(page) == []
    shot(page, f"journey-review-grades-{width}")
    page.get_by_role("button", name="Easy", exact=False).click()
    expect(page.get_by_text("Graded “Easy”", exact=False)).to_be_visible()
    page.close()


def serious_violations(page: Page) -> list[tuple[str, str, int]]:
    """axe-core's serious and critical findings on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
