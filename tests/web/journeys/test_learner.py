"""A learner's whole way through pmpath, at 390 px and 1366 px: a visitor's landing page and a
practice question without an account, sign-up to the dashboard, the self-assessment with Back,
the profile and plan, a mock exam (pick, flag, revisit, summary, hand in), results and review,
a practice session and spaced review graded like Anki. Every page is checked (see checks.py)
and screenshotted into test-artifacts/journeys/<width>/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import update

from pmpath.services.models.exams import QuestionView
from pmpath.store.tables import ReviewCardRow
from tests.browser import needs_chromium
from tests.conftest import right_answer
from tests.web.journeys.checks import Journey
from tests.web.journeys.conftest import (
    Site,
    answer_anything,
    current_pick,
    expect_heading,
    nav,
    sign_up_form,
    width_of,
)

pytestmark = needs_chromium

QUESTION = re.compile(r"/attempts/(\d+)/q/(\d+)")
#: The questions a results page's review lists: the collapsible entries whose summary starts
#: with the question's number (the other <details> hold tables).
REVIEW_ENTRIES = """() => [...document.querySelectorAll('main details > summary')]
  .map(s => s.innerText.trim()).filter(t => /^\\d+/.test(t))"""


def test_a_learner_from_visitor_to_spaced_review(page: Page, site: Site) -> None:
    width = width_of(page)
    email = f"lea{width}@example.org"
    with Journey(page, "learner", width, site.known_ids, site.prose) as j:
        visitor(j, site)
        sign_up_to_the_dashboard(j, site, email)
        self_assessment_with_back(j, len(site.context.framework.competencies))
        profile_and_plan(j)
        flagged = mock_exam(j, site, site.profile(email))
        results_and_review(j, flagged)
        practice_session(j, site, email)
        spaced_review(j, site, email)


def visitor(j: Journey, site: Site) -> None:
    """The landing page with its two calls to action; an unknown address; a question to try
    without an account."""
    page = j.page
    page.goto(f"{site.base}/")
    j.visit("landing")
    main = page.locator("main")
    j.check(
        main.locator('a[href^="/assess"]').count() > 0
        or main.get_by_role("link", name=re.compile("self-assessment", re.I)).count() > 0,
        "landing",
        "no call to action to take the self-assessment",
    )
    try_link = main.locator('a[href^="/try"]')
    j.check(try_link.count() > 0, "landing", "no call to action to try a practice question")

    missing = page.goto(f"{site.base}/no-such-page")
    j.check(missing is not None and missing.status == 404, "not-found", "not a 404")
    j.check(
        page.locator("header").count() > 0 and "detail" not in page.content()[:200],
        "not-found",
        "the 404 page is not in the site's layout",
    )
    j.visit("not-found", status=404)

    if try_link.count():
        page.goto(f"{site.base}/")
        page.locator('main a[href^="/try"]').first.click()
    else:
        page.goto(f"{site.base}/try")
    if not j.check(page.url.endswith("/try") or "/try" in page.url, "try", "no /try page"):
        return
    j.visit("try-question")
    if not j.check(
        page.get_by_role("button", name="Check my answer").count() > 0,
        "try-question",
        "no practice question to answer (no 'Check my answer' button)",
    ):
        return
    answer_anything(page)
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_load_state("load")
    j.check(
        page.get_by_text(re.compile(r"^(Correct|Not quite|Partly right)")).count() > 0,
        "try-feedback",
        "no feedback (Correct / Not quite / Partly right) after answering",
    )
    j.visit("try-feedback")
    j.check(
        page.locator("main").get_by_role("link", name=re.compile(r"sign up|create", re.I)).count()
        > 0,
        "try-feedback",
        "no call to sign up after the tried question",
    )


def sign_up_to_the_dashboard(j: Journey, site: Site, email: str) -> None:
    page = j.page
    cta = page.locator("main").get_by_role("link", name=re.compile(r"sign up|create", re.I))
    if "/try" in page.url and cta.count():
        cta.first.click()
    else:
        page.goto(f"{site.base}/signup")
    expect(page.get_by_label("Email")).to_be_visible()
    j.visit("signup")
    # First with two mistakes: both are told at once, and what was typed stays.
    page.get_by_label("Email").fill("lea-at-example")
    page.get_by_label("Name", exact=True).fill("Lea Learner")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state("load")
    j.check(
        page.locator('main [aria-invalid="true"]').count() >= 2,
        "signup-errors",
        "a bad email and a short password are not both marked at once",
    )
    j.check(
        page.get_by_label("Email").input_value() == "lea-at-example"
        and page.get_by_label("Name", exact=True).input_value() == "Lea Learner",
        "signup-errors",
        "the sign-up form lost what was typed",
    )
    j.visit("signup-errors", status=422)
    sign_up_form(page, email, "Lea Learner")
    j.check(
        page.url.rstrip("/") in (site.base, f"{site.base}/dashboard"),
        "dashboard",
        "sign-up does not land on the dashboard",
    )
    j.visit("dashboard")
    text = page.locator("main").inner_text()
    j.check(
        re.search(r"next step", text, re.I) is not None,
        "dashboard",
        "the dashboard does not say what the next step is",
    )
    j.check(
        page.locator("main svg#ladder, main figure.chart").count() == 0,
        "dashboard",
        "a signed-in learner still gets the ladder, not a dashboard",
    )


def self_assessment_with_back(j: Journey, steps: int) -> None:
    """The wizard (one step per competency): a few steps, Back keeps the earlier answer, then
    on to the end."""
    page = j.page
    start = page.locator('main a[href^="/assess"]')
    if j.check(start.count() > 0, "dashboard", "no link to the self-assessment on the dashboard"):
        start.first.click()
    else:
        nav(j, "Assess", "/assess")
    expect_heading(page, "where do you stand|self-assessment")
    j.visit("assess-intake")
    page.get_by_label("The career you come from").select_option(label="Design")
    page.get_by_role("button", name="Start").click()

    def step(number: int) -> None:
        expect(page.locator("main")).to_contain_text(re.compile(rf"\b{number} of {steps}\b"))

    def pick(level: int) -> None:
        page.locator(f'main input[name="level"][value="{level}"]').check()
        page.get_by_role(
            "button", name=re.compile(r"^(save and (continue|review)|next)", re.I)
        ).click()
        page.wait_for_load_state("load")

    step(1)
    j.visit("assess-01", axe="assess-question")
    pick(3)
    step(2)
    j.visit("assess-02", axe="assess-question")
    pick(2)
    step(3)
    j.visit("assess-03", axe="assess-question")
    back = page.locator("main").get_by_role("link", name=re.compile(r"^back", re.I))
    back = back if back.count() else page.get_by_role("button", name=re.compile(r"^back", re.I))
    if j.check(back.count() > 0, "assess-03", "the self-assessment has no Back"):
        back.first.click()
        page.wait_for_load_state("load")
        step(2)
        j.visit("assess-back", axe="assess-question")
        j.check(
            page.locator('main input[name="level"][value="2"]').is_checked(),
            "assess-back",
            "Back shows the earlier step without the answer given to it (level 2)",
        )
        pick(2)
        step(3)
    finish = page.get_by_role("button", name=re.compile("finish", re.I))
    for number in range(3, steps + 2):
        if finish.count():
            break
        step(number)
        j.visit(f"assess-{number:02d}", axe="assess-question")
        pick(3)
    expect(finish).to_be_visible()
    j.visit("assess-done")
    finish.click()
    page.wait_for_load_state("load")


def profile_and_plan(j: Journey) -> None:
    page = j.page
    expect_heading(page, "where you stand")
    expect(page.get_by_role("heading", name=re.compile("growth plan", re.I))).to_be_visible()
    j.visit("profile")
    report = page.locator('main a[href^="/report"]')
    if j.check(report.count() > 0, "profile", "no link to the printable report"):
        report.first.click()
        page.wait_for_load_state("load")
        j.visit("report")
        j.check(
            page.get_by_role("button", name=re.compile("print", re.I)).count() > 0,
            "report",
            "the report has no Print button",
        )
        back = page.get_by_role("link", name=re.compile(r"profile|back", re.I))
        if j.check(back.count() > 0, "report", "the report has no way back"):
            back.first.click()
            page.wait_for_load_state("load")
            j.check("/profile" in page.url, "report", "its way back does not lead to the profile")


def mock_exam(j: Journey, site: Site, profile: str) -> int:
    """Pick, flag, go elsewhere and come back: the pick survives; the summary; hand in.
    Returns the number of the question answered and flagged."""
    page = j.page
    nav(j, "Exams", "/exams")
    j.visit("exams")
    text = page.locator("main").inner_text()
    j.check(
        re.search(r"\b0\s*[-\u2013]\s*100\s*%", text) is None,
        "exams",
        "a readiness figure with nothing behind it (a 0 to 100% range) before any answer",
    )
    page.get_by_role("button", name=re.compile(r"start scrum master", re.I)).click()
    expect(page.locator("main")).to_contain_text(re.compile(r"Question 1 of \d+"))
    j.visit("exam-question", axe="exam-question")
    j.check(
        page.locator("main progress, main [role=progressbar]").count() > 0,
        "exam-question",
        "no progress bar in the exam player",
    )
    # The question answered is the first with radio buttons (its pick is plain to see); the
    # one visited meanwhile is an ordering or matching question if there is one, left as
    # shown: moving on from it must not make up an answer the learner never gave.
    attempt = question_on(page)[0]
    kinds = [
        q.type for q in site.context.exams_for_attempt(attempt).view(attempt, profile).questions
    ]
    position = kinds.index("single")
    untouched = [n for n, kind in enumerate(kinds) if kind == "ordering"]
    untouched += [n for n, kind in enumerate(kinds) if kind == "matching"]
    elsewhere = untouched[0] if untouched else (position + 1) % len(kinds)
    page.goto(f"{site.base}/attempts/{attempt}/q/{position}")  # by address: saves nothing
    picked = answer_anything(page)
    page.get_by_role("button", name="Flag to revisit").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="Clear the flag")).to_be_visible()
    j.check(
        current_pick(page) == picked,
        "exam-flagged",
        f"flagging threw the pick away (picked {picked}, now {current_pick(page)})",
    )
    j.visit("exam-flagged", axe="exam-question")
    navigator = page.get_by_role("navigation", name="Questions")
    navigator.get_by_role("button", name=re.compile(rf"^{elsewhere + 1}\b")).click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text(re.compile(rf"Question {elsewhere + 1} of"))
    j.visit("exam-elsewhere")  # an ordering or matching question: its own controls
    page.get_by_role("navigation", name="Questions").get_by_role(
        "button", name=re.compile(rf"^{position + 1}\b")
    ).click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text(re.compile(rf"Question {position + 1} of"))
    j.check(
        current_pick(page) == picked,
        "exam-revisit",
        f"coming back, the pick is gone (picked {picked}, now {current_pick(page)})",
    )
    j.visit("exam-revisit", axe="exam-question")

    page.get_by_role("button", name="Hand in the exam").click()
    page.wait_for_load_state("load")
    j.visit("exam-summary")
    main = page.locator("main")
    j.check(
        main.get_by_text(re.compile(r"not answered|unanswered", re.I)).count() > 0,
        "exam-summary",
        "the summary does not list the unanswered questions",
    )
    flagged = main.get_by_role("heading", name=re.compile("flagged", re.I))
    j.check(flagged.count() > 0, "exam-summary", "the summary does not list the flagged ones")
    j.check(
        main.get_by_role("link", name=re.compile(rf"question {position + 1}\b", re.I)).count() > 0,
        "exam-summary",
        f"the flagged question {position + 1} is not linked from the summary",
    )
    back = main.get_by_role("link", name=re.compile(r"return to (the )?attempt", re.I))
    if j.check(back.count() > 0, "exam-summary", "no 'Return to attempt'"):
        back.first.click()
        page.wait_for_load_state("load")
        expect(page.locator("main")).to_contain_text(re.compile(r"Question \d+ of"))
        page.get_by_role("button", name="Hand in the exam").click()
        page.wait_for_load_state("load")
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_load_state("load")
    return position + 1


def results_and_review(j: Journey, flagged: int) -> None:
    page = j.page
    expect_heading(page, "score")
    main = page.locator("main")
    text = main.inner_text()
    j.visit("results")
    j.check(
        re.search(r"\bpassed\b|\bnot passed\b|\bfailed\b", text, re.I) is not None,
        "results",
        "no pass or fail at the top",
    )
    answered = re.search(r"\b(\d+) of \d+ (questions )?answered", text)
    j.check(
        answered is not None and answered.group(1) == "1",
        "results",
        "the journey answered one question (and left an ordering or matching question "
        f"untouched), the results say {answered.group(0) if answered else 'nothing'!r}",
    )
    j.check(main.locator("svg").count() > 0, "results", "no per-domain chart")
    collapsed = main.locator("details")
    j.check(
        collapsed.count() > 0 and main.locator("details[open]").count() == 0,
        "results",
        "the review is not collapsed by default",
    )
    j.check(
        re.search(r"your answer", main.text_content() or "", re.I) is not None,
        "results",
        "the review does not show the learner's answer",
    )
    wrong = main.get_by_role("link", name=re.compile(r"wrong", re.I))
    if j.check(wrong.count() > 0, "results", "no filter for wrong answers only"):
        wrong.first.click()
        page.wait_for_load_state("load")
        j.check(
            "show=wrong" in page.url, "results-wrong", "the wrong-only filter is not ?show=wrong"
        )
        j.visit("results-wrong")
        listed: list[str] = page.evaluate(REVIEW_ENTRIES)
        others = [e for e in listed if not re.search(r"wrong|partly", e, re.I)]
        j.check(not others, "results-wrong", f"'wrong only' also lists {others}")
    only = page.locator("main").get_by_role("link", name=re.compile(r"^flagged", re.I))
    if j.check(only.count() > 0, "results", "no filter for the flagged questions"):
        only.first.click()
        page.wait_for_load_state("load")
        j.visit("results-flagged", axe="results-wrong")
        listed = page.evaluate(REVIEW_ENTRIES)
        j.check(
            len(listed) == 1 and bool(re.match(rf"\D*{flagged}\b", listed[0])),
            "results-flagged",
            f"the flagged filter does not list just question {flagged} (it lists {listed})",
        )


def practice_session(j: Journey, site: Site, email: str) -> None:
    """Three questions, the first answered wrong on purpose (so spaced review has one due)."""
    page = j.page
    nav(j, "Practice", "/practice")
    j.visit("practice")
    page.get_by_label("Questions").fill("3")
    page.get_by_role("button", name="Start practising").click()
    profile = site.profile(email)
    for number in range(1, 4):
        expect(page.locator("main")).to_contain_text(re.compile(rf"Question {number} of 3"))
        # axe once per type of question: each type has its own controls.
        kind = shown_question(page, site, profile).type
        j.visit(f"practice-{number}", axe=f"practice-{kind}")
        if number == 1:
            answer_wrong(page, site, profile)
        else:
            answer_anything(page)
        page.get_by_role("button", name="Check my answer").click()
        page.wait_for_load_state("load")
        expect(
            page.locator("main").get_by_text(re.compile(r"^(Correct|Not quite|Partly right)"))
        ).to_be_visible()
        j.check(
            page.get_by_role("button", name="Check my answer").count() == 0,
            f"practice-{number}-feedback",
            "the answer can still be changed after its feedback",
        )
        j.visit(f"practice-{number}-feedback", axe=f"practice-{kind}-feedback")
        if number < 3:
            page.get_by_role("link", name=re.compile("next question", re.I)).click()
        else:
            page.get_by_role("button", name=re.compile("summary", re.I)).click()
        page.wait_for_load_state("load")
    expect_heading(page, "practice done|summary")
    j.visit("practice-summary")


def question_on(page: Page) -> tuple[int, int]:
    """The attempt and position of the question page open."""
    match = QUESTION.search(page.url)
    assert match, f"not on a question page: {page.url}"
    return int(match.group(1)), int(match.group(2))


def shown_question(page: Page, site: Site, profile: str) -> QuestionView:
    """The question on the page, as the service shows it (its type, its options' ids)."""
    attempt, position = question_on(page)
    return site.context.exams_for_attempt(attempt).view(attempt, profile).questions[position]


def answer_wrong(page: Page, site: Site, profile: str) -> None:
    """Answer the practice question on the page with no credit for sure, where its type
    allows (a choice that is not the key); otherwise with the first choice offered."""
    question = shown_question(page, site, profile)
    bank = site.context.exams_for_attempt(question_on(page)[0]).bank
    key = right_answer(bank.item(question.item_id), question)
    choices = page.locator('main input[name="response"]')
    if question.type in ("single", "true-false", "multiple"):
        keys = {key} if isinstance(key, str) else set(key)
        for choice in choices.all():
            if choice.get_attribute("value") not in keys:
                choice.check()
                return
    if question.type in ("numeric", "short-answer"):
        choices.first.fill("987654")
        return
    answer_anything(page)


def spaced_review(j: Journey, site: Site, email: str) -> None:
    page = j.page
    # The missed question comes back after a while: make it due now, as the service tests do.
    with site.context.database.transaction() as session:
        session.execute(
            update(ReviewCardRow)
            .where(ReviewCardRow.profile_id == site.profile_id(email))
            .values(due=datetime.now(UTC) - timedelta(minutes=5))
        )
    page.goto(page.url)  # the navigation's count is read when a page is drawn
    j.check(
        re.search(r"Review\s*\d", page.locator("header").inner_text()) is not None,
        "review",
        "the navigation does not show the number of reviews due",
    )
    nav(j, re.compile(r"^Review"), "/review")
    expect_heading(page, "review")
    j.visit("review-question")
    answer_anything(page)
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_load_state("load")
    grades = {}
    for grade in ("Again", "Hard", "Good", "Easy"):
        button = page.get_by_role("button", name=re.compile(rf"^{grade}\b"))
        expect(button).to_be_visible()
        grades[grade] = button.inner_text()
    j.visit("review-grades")
    for grade, label in grades.items():
        j.check(
            re.search(r"\d+\s*(min|minute|hour|day|week|month|year)|tomorrow", label) is not None,
            "review-grades",
            f"the {grade} button does not show its next interval ({label!r})",
        )
    page.get_by_role("button", name=re.compile(r"^Good\b")).click()
    page.wait_for_load_state("load")
    expect(page.get_by_text(re.compile("Graded “Good”"))).to_be_visible()
    j.visit("review-graded")
    page.goto(f"{site.base}/")
    j.visit("dashboard-later")
    j.check(
        re.search(
            r"recent results|your results|last (exam|attempt)",
            page.locator("main").inner_text(),
            re.I,
        )
        is not None,
        "dashboard-later",
        "the dashboard shows no recent results after an exam",
    )
