"""The front door: the landing page and a practice question for visitors, the dashboard for
signed-in learners, and the ladder at /ladder."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.assessment import Rating, SelfAssessment
from pmpath.exams.items import Item
from pmpath.services import sample
from pmpath.services.models.exams import QuestionView
from pmpath.settings import Settings
from tests.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium, serve
from tests.conftest import as_shown, right_answer
from tests.web.conftest import PASSWORD, csrf_of, profile_of, sign_up

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def visible(page: str) -> str:
    """The page's text as a reader sees it: no tags, scripts or hidden form values."""
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def wrong_answer(item: Item, question: QuestionView) -> Any:
    """A choice answer with no credit, in the ids ``question`` shows."""
    wrong = next(option.id for option in item.options if not option.correct)
    return as_shown(item, question, [wrong] if item.type == "multiple" else wrong)


def answer_practice(context: Pmpath, profile: str, count: int, finish: bool = True) -> int:
    """A practice session of ``count`` questions answered right through the service."""
    attempt = context.exams.start_practice(profile, None, None, count)
    for question in context.exams.view(attempt, profile).questions:
        item = context.exams.bank.item(question.item_id)
        context.exams.answer(attempt, profile, question.position, right_answer(item, question))
    if finish:
        context.exams.finish(attempt, profile)
    return attempt


def kebab_ids(context: Pmpath) -> set[str]:
    """The framework's kebab-case ids a page could leak instead of a name."""
    fw = context.framework
    ids = {c.id for c in fw.competencies} | {a.id for a in fw.development_actions}
    ids |= {a.kind.value for a in fw.development_actions} | {r.id for r in fw.roles}
    return {i for i in ids if "-" in i}


def assess(context: Pmpath, profile: str, role_id: str, **intake: Any) -> None:
    """A finished self-assessment rating every competency at what ``role_id`` expects."""
    fw = context.framework
    role = fw.role(role_id)
    ratings = {
        c.id: Rating(c.id, role.expectations[c.id].level if c.id in role.expectations else 1)
        for c in fw.competencies
    }
    context.assessments.record(profile, SelfAssessment(ratings, **intake))


# -- visitors ---------------------------------------------------------------------------------


def test_a_visitor_gets_what_pmpath_does_and_two_calls_to_action(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    text = visible(page.text)
    assert "pmpath places you on the product-management career ladder" in text
    assert '<a class="button" href="/signup">Take the self-assessment</a>' in page.text
    assert 'href="/try">Try a practice question</a>' in page.text
    assert "Hello," not in text  # not the dashboard


def test_the_ladder_moved_to_its_own_page(client: TestClient) -> None:
    ladder = client.get("/ladder").text
    assert "<svg" in ladder
    assert 'href="/roles/product-manager"' in ladder
    assert 'href="/ladder"' in client.get("/").text


def test_a_visitor_tries_a_question_and_sees_feedback_without_an_account(
    client: TestClient, context: Pmpath
) -> None:
    page = client.get("/try")
    assert page.status_code == 200
    item_id = re.search(r'name="item" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    seed = int(re.search(r'name="seed" value="(\d+)"', page.text).group(1))  # type: ignore[union-attr]
    item = context.exams.bank.item(item_id)
    assert item in sample.candidates(context.exams.bank)
    assert html.escape(item.explanation.strip(), quote=False) not in page.text  # not before
    shown = sample.shown(context.exams.bank, item_id, seed).question
    answer = right_answer(item, shown)
    data = {"item": item_id, "seed": str(seed), "response": answer}
    replied = client.post("/try", data=data)
    assert replied.status_code == 200
    text = visible(replied.text)
    assert "Correct" in text
    assert item.explanation.split(".")[0] in text
    assert 'href="/signup">Sign up to keep practising</a>' in replied.text
    assert f'href="/try?after={item_id}">Try another question</a>' in replied.text
    # Nothing is stored: no profile, attempt or answer rows for a visitor.
    with context.database.transaction() as session:
        from sqlalchemy import func, select

        from pmpath.store.tables import AttemptRow, ProfileRow

        assert session.scalar(select(func.count()).select_from(AttemptRow)) == 0
        assert session.scalar(select(func.count()).select_from(ProfileRow)) == 0


def test_a_wrong_try_says_so_and_shows_the_right_answer(
    client: TestClient, context: Pmpath
) -> None:
    bank = context.exams.bank
    item = next(i for i in sample.candidates(bank) if i.type == "single")
    shown = sample.shown(bank, item.id, 7).question
    data = {"item": item.id, "seed": "7", "response": wrong_answer(item, shown)}
    text = visible(client.post("/try", data=data).text)
    assert "Not quite" in text
    assert "✓ right answer" in text
    assert "your answer" in text


def test_the_same_seed_shows_the_same_order_and_another_seed_may_not(context: Pmpath) -> None:
    bank = context.exams.bank
    item = next(i for i in sample.candidates(bank) if i.type == "single")
    orders = {
        tuple(o.text for o in sample.shown(bank, item.id, seed).question.options)
        for seed in range(20)
    }
    assert len(orders) > 1  # shuffled
    again = sample.shown(bank, item.id, 3).question.options
    assert again == sample.shown(bank, item.id, 3).question.options


def test_a_try_without_an_answer_keeps_the_question_and_says_what_to_do(
    client: TestClient, context: Pmpath
) -> None:
    item = sample.candidates(context.exams.bank)[0]
    replied = client.post("/try", data={"item": item.id, "seed": "1"})
    assert replied.status_code == 422
    assert "Choose an answer first" in replied.text
    assert f'name="item" value="{item.id}"' in replied.text


def test_bad_try_forms_are_refused_clearly(client: TestClient, context: Pmpath) -> None:
    unknown = client.post("/try", data={"item": "no-such-item", "seed": "1", "response": "a"})
    assert unknown.status_code == 404
    assert "No question &#39;no-such-item&#39; to try" in unknown.text
    item = sample.candidates(context.exams.bank)[0]
    damaged = client.post("/try", data={"item": item.id, "seed": "x", "response": "a"})
    assert damaged.status_code == 422
    assert "Load a new question" in damaged.text
    not_shown = client.post("/try", data={"item": item.id, "seed": "1", "response": "zz"})
    assert not_shown.status_code == 422
    # A question visitors are not offered (one with a case study) is not found either.
    hidden = next(i for i in context.exams.bank.items if i.scenario is not None)
    assert client.post("/try", data={"item": hidden.id, "seed": "1"}).status_code == 404


def test_another_question_is_not_the_one_just_tried(context: Pmpath) -> None:
    bank = context.exams.bank
    first = sample.candidates(bank)[0]
    assert all(sample.draw(bank, after=first.id).question.item_id != first.id for _ in range(30))


def test_a_signed_in_try_needs_the_sessions_csrf_token(client: TestClient) -> None:
    sign_up(client)
    page = client.get("/try").text
    item_id = re.search(r'name="item" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    forged = client.post("/try", data={"item": item_id, "seed": "1", "response": "a"})
    assert forged.status_code == 403
    token = csrf_of(page)
    fine = client.post("/try", data={"csrf_token": token, "item": item_id, "seed": "1"})
    assert fine.status_code == 422  # past the CSRF check: only the answer is missing


# -- the dashboard ------------------------------------------------------------------------------


def test_sign_up_lands_on_the_dashboard_with_a_welcome(client: TestClient) -> None:
    page = client.get("/signup").text
    replied = client.post(
        "/signup",
        data={
            "csrf_token": csrf_of(page),
            "email": "nia@example.org",
            "name": "Nia",
            "password": PASSWORD,
        },
    )
    assert replied.status_code == 200
    assert str(replied.url).endswith("/")
    text = visible(replied.text)
    assert "Welcome, Nia: your account is ready." in text
    assert "Hello, Nia" in text


def test_a_new_learners_dashboard_calls_for_the_self_assessment(client: TestClient) -> None:
    sign_up(client)
    page = client.get("/")
    text = visible(page.text)
    assert '<a class="button" href="/assess">Take the self-assessment</a>' in page.text
    assert "Your plan appears here after the self-assessment" in text
    assert "Nothing is due" in text
    assert "Answer 20 questions in an exam's topics" in text
    assert "%" not in text  # no readiness figure without evidence
    assert "No finished exams or practice sessions yet." in text
    assert "Continue where you stopped" not in text


def test_the_dashboard_shows_standing_next_step_readiness_and_recent_results(
    client: TestClient, context: Pmpath
) -> None:
    sign_up(client)
    profile = profile_of(context, "ana@example.org")
    assess(context, profile, "product-manager", current_role="associate-product-manager")
    found = context.assessments.profile(profile)
    for _ in range(4):
        answer_practice(context, profile, 10)
    mock = context.exams.start_mock(profile, "pm-readiness")
    context.exams.finish(mock, profile)
    page = client.get("/").text
    text = visible(page)
    flat = " ".join(text.split())
    assert found.placement.role.name in text
    assert found.plan.steps[0].name in text
    assert not [i for i in kebab_ids(context) if i in text]
    readiness = context.psychometrics.readiness(profile)
    shown = [e for e in readiness.exams if e.enough_evidence]
    hidden = [e for e in readiness.exams if not e.enough_evidence]
    assert shown
    assert hidden
    for exam in shown:
        assert f"{exam.name} : {round(exam.probability * 100)}% chance of passing now" in flat
    for exam in hidden:
        more = 20 - exam.answered
        assert f"{exam.name} : answer {more} more question{'' if more == 1 else 's'}" in flat
    # The three newest results, newest first, with pass or fail and a humane date.
    recent = re.findall(r'href="/attempts/(\d+)/results"', page)
    history = context.exams.history(profile).attempts
    assert [int(a) for a in recent] == [a.attempt_id for a in reversed(history[-3:])]
    assert "✗ not passed" in text
    assert not ISO.search(text)


def test_the_dashboard_flags_a_placement_test_that_disagrees(
    client: TestClient, context: Pmpath
) -> None:
    from tests.web.test_profile_pages import take_placement

    sign_up(client)
    profile = profile_of(context, "ana@example.org")
    assess(context, profile, "product-manager", current_role="product-manager")
    assert "placement test put you" not in visible(client.get("/").text)
    tested = take_placement(context, profile, right=False)
    stage = {s.id: s.name for s in context.framework.stages}[tested.overall.level]
    page = client.get("/").text
    assert (
        f"Your latest placement test put you at {stage}, below where your self-assessment "
        "places you." in " ".join(visible(page).split())
    )
    assert 'href="/profile#compare-h">What to do about it</a>' in page


def test_the_dashboard_offers_what_to_continue(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    profile = profile_of(context, "ana@example.org")
    started = client.post("/assess", data={"csrf_token": csrf}, follow_redirects=False)
    assessment = int(started.headers["location"].rsplit("/", 1)[1])
    practice = answer_practice(context, profile, 5, finish=False)
    placement = context.psychometrics.start_placement(profile).attempt_id
    page = client.get("/").text
    text = visible(page)
    assert "Continue where you stopped" in text
    assert f'href="/assess/{assessment}"' in page
    steps = len(context.framework.competencies)
    assert f"Self-assessment : 0 of {steps} answered" in " ".join(text.split())
    assert f'href="/attempts/{practice}"' in page
    assert f'href="/placement/{placement}"' in page
    assert page.count(">Continue</a>") == 3


def test_the_dashboard_counts_reviews_due(client: TestClient, context: Pmpath) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from pmpath.store.tables import ReviewCardRow

    sign_up(client)
    profile = profile_of(context, "ana@example.org")
    attempt = context.exams.start_practice(profile, None, None, 10)
    missed = 0
    for question in context.exams.view(attempt, profile).questions:
        item = context.exams.bank.item(question.item_id)
        if item.type in ("single", "multiple", "true-false"):
            context.exams.answer(attempt, profile, question.position, wrong_answer(item, question))
            missed += 1
    assert missed
    with context.database.transaction() as session:  # as if some time had passed
        session.execute(update(ReviewCardRow).values(due=datetime.now(UTC) - timedelta(minutes=5)))
    due = context.exams.review_due_count(profile)
    assert due == missed
    page = client.get("/").text
    assert f"{due} question{'' if due == 1 else 's'}" in visible(page)
    assert '<a class="button" href="/review">Review now</a>' in page


# -- phones -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Pmpath]]:
    database = tmp_path_factory.mktemp("dash") / "pmpath.db"
    context = Pmpath(Settings(database_url=f"sqlite:///{database}"))
    with serve(context) as base:
        yield base, context


@needs_chromium
def test_dashboard_and_profile_fit_a_phone_without_serious_accessibility_findings(
    served: tuple[str, Pmpath],
) -> None:
    from playwright.sync_api import sync_playwright

    from tests.web.test_browser import serious_violations

    base, context = served
    context.accounts.sign_up("phone@example.org", "Pat", PASSWORD)
    profile = profile_of(context, "phone@example.org")
    assess(context, profile, "senior-product-manager", current_role="product-manager")
    answer_practice(context, profile, 25)
    context.psychometrics.start_placement(profile)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{base}/login")
        page.fill("#email", "phone@example.org")
        page.fill("#password", PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state("load")
        widths = {}
        violations = {}
        for path in ("/", "/profile", "/try"):
            page.goto(f"{base}{path}")
            widths[path] = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            violations[path] = serious_violations(page)
        # On a phone the profile shows its levels as bars; the radar is hidden.
        page.goto(f"{base}/profile")
        bars_shown = page.locator(".level-bars").is_visible()
        radar_shown = page.locator(".radar-wide").is_visible()
        browser.close()
    assert all(scroll <= client for scroll, client in widths.values()), widths
    assert violations == {"/": [], "/profile": [], "/try": []}
    assert bars_shown
    assert not radar_shown
