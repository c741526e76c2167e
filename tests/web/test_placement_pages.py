"""The adaptive placement test, readiness and calibration in the browser (no JavaScript)."""

from __future__ import annotations

import html
import math
import random
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.exams.items import Item, ItemType
from pmpath.services.banks import key_of
from pmpath.services.models.psychometrics import PlacementQuestion
from pmpath.services.placement import PLACEMENT_MAX_ITEMS
from tests.conftest import as_shown, assert_no_answers_revealed, right_answer
from tests.web.conftest import csrf_of, form_for, profile_of, sign_up
from tests.web.conftest import sign_in as web_sign_in

#: Items at these levels are answered right in a test run; harder ones wrong.
EASY_LEVELS = ("entry", "early-career", "mid-career")


def placement_response(item: Item, question: Any) -> Any:
    """The key for an easy item, a wrong (well-shaped) answer for a hard one, in the ids
    ``question`` shows the options under."""
    return as_shown(item, question, _placement_response(item))


def _placement_response(item: Item) -> Any:
    key = key_of(item)
    right = item.level in EASY_LEVELS
    if item.type is ItemType.NUMERIC:
        return key["answer"] if right else key["answer"] + 1000 + abs(key["answer"]) * 10
    if item.type is ItemType.SHORT_ANSWER:
        return key[0] if right else "certainly not the accepted answer"
    if right:
        return key
    if item.type in (ItemType.SINGLE, ItemType.TRUE_FALSE):
        return next(option.id for option in item.options if option.id != key)
    if item.type is ItemType.MULTIPLE:
        others = [option.id for option in item.options if option.id not in key]
        return others[:1] or key[:1]
    if item.type is ItemType.ORDERING:
        return list(reversed(key))
    rights = list(key.values())  # matching: every left gets the next one's right
    return {left: rights[(n + 1) % len(rights)] for n, left in enumerate(key)}


def start(client: TestClient, csrf: str) -> int:
    started = client.post("/placement", data={"csrf_token": csrf}, follow_redirects=False)
    assert started.status_code == 303
    location = started.headers["location"]
    assert re.fullmatch(r"/placement/\d+", location), location
    return int(location.rsplit("/", 1)[1])


def current_question(context: Pmpath, attempt: int, profile: str) -> PlacementQuestion:
    """The question a running test asks now (as the service has it)."""
    view = context.psychometrics.placement(attempt, profile)
    assert not view.finished
    return view.question


def answered(context: Pmpath, attempt: int, profile: str) -> int:
    """How many questions of a running test are answered."""
    view = context.psychometrics.placement(attempt, profile)
    assert not view.finished
    return view.answered


def answer_current(
    client: TestClient, context: Pmpath, csrf: str, attempt: int, profile: str
) -> PlacementQuestion:
    """Answer the question the page shows now; returns that question (as the service has it)."""
    question = current_question(context, attempt, profile)
    item = context.psychometrics.bank.item(question.item_id)
    fields = form_for(question.model_dump(mode="json"), placement_response(item, question))
    posted = client.post(
        f"/placement/{attempt}",
        data={"csrf_token": csrf, "position": str(question.position), **fields},
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    assert posted.headers["location"] == f"/placement/{attempt}"
    return question


def assert_page_reveals_nothing(page: str, item: Item) -> None:
    text = html.unescape(page)
    assert item.explanation.strip() not in text
    assert all(o.rationale.strip() not in text for o in item.options if o.rationale)
    assert "Correct" not in text
    assert 'class="feedback' not in text


def test_a_whole_placement_test_in_the_browser(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    profile = profile_of(context, "ana@example.org")
    intro = client.get("/placement").text
    assert "Between 24 and 48 questions" in intro
    assert "no time limit" in intro
    assert "standard error" in intro
    attempt = start(client, csrf)
    asked = 0
    for step in range(PLACEMENT_MAX_ITEMS + 1):
        page = client.get(f"/placement/{attempt}")
        assert page.status_code == 200
        if "Your placement:" in page.text:
            break
        assert f"Question {step + 1} (up to 48)" in page.text
        assert f'name="position" value="{step}"' in page.text
        view = context.psychometrics.placement(attempt, profile)
        assert not view.finished
        assert view.answered == step
        assert_no_answers_revealed([view.question])
        item = context.psychometrics.bank.item(view.question.item_id)
        assert_page_reveals_nothing(page.text, item)
        answer_current(client, context, csrf, attempt, profile)
        asked += 1
    else:
        pytest.fail("the placement test did not finish within 48 answers")
    assert 24 <= asked <= PLACEMENT_MAX_ITEMS
    result = context.psychometrics.latest_placement(profile)
    assert result is not None
    assert result.attempt_id == attempt
    assert result.overall.items == asked
    stages = {stage.id: stage.name for stage in context.framework.stages}
    text = html.unescape(page.text)
    assert f"Your placement: {stages[result.overall.level]}" in text
    low, high = (stages[level] for level in result.overall.level_range)
    assert low in text
    assert high in text
    assert f"θ (theta) = {result.overall.theta:.2f}" in text
    assert f"standard error is <strong>{result.overall.se:.2f}</strong>" in text
    # Someone who knows the easy half of the bank is placed above the bottom and below the top.
    assert result.overall.level not in ("entry", "executive", "beyond-product")
    domain_rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td[ >]', page.text)
    names = {html.unescape(name) for name in domain_rows}
    assert {domain.name for domain in context.psychometrics.bank.domains} <= names
    assert "Questions answered" in text
    assert "Chance of passing now" in text
    assert f"Based on {asked} answers" in text
    assert 'href="/profile"' in page.text
    assert 'href="/exams#readiness"' in page.text
    # The intro page now shows the latest result and offers a new test, no resume.
    intro = client.get("/placement").text
    assert "Your latest result" in intro
    assert f'href="/placement/{attempt}"' in intro
    assert "Resume" not in intro
    # Answering a finished test changes nothing: back to the result.
    late = client.post(
        f"/placement/{attempt}",
        data={"csrf_token": csrf, "position": str(asked), "response": "a"},
        follow_redirects=False,
    )
    assert late.status_code == 303
    assert context.psychometrics.latest_placement(profile) == result


def test_a_reload_after_answering_shows_the_next_question(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    profile = profile_of(context, "ana@example.org")
    attempt = start(client, csrf)
    first = client.get(f"/placement/{attempt}").text
    assert "Question 1 (up to 48)" in first
    question = answer_current(client, context, csrf, attempt, profile)
    for _ in range(2):  # a reload is a GET: it never answers again
        reloaded = client.get(f"/placement/{attempt}").text
        assert "Question 2 (up to 48)" in reloaded
        assert 'name="position" value="1"' in reloaded
    assert answered(context, attempt, profile) == 1
    # The first question's form posted again (back button, another tab) is not taken as the
    # answer to the second question.
    item = context.psychometrics.bank.item(question.item_id)
    fields = form_for(question.model_dump(mode="json"), right_answer(item, question))
    again = client.post(
        f"/placement/{attempt}",
        data={"csrf_token": csrf, "position": "0", **fields},
        follow_redirects=False,
    )
    assert again.status_code == 303
    view = context.psychometrics.placement(attempt, profile)
    assert not view.finished
    assert view.answered == 1
    assert view.question.position == 1
    # The intro page offers to resume the unfinished test.
    intro = client.get("/placement").text
    assert f'href="/placement/{attempt}"' in intro
    assert "Resume your placement test" in intro


def test_an_empty_or_malformed_answer_is_explained_not_stored(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    profile = profile_of(context, "ana@example.org")
    attempt = start(client, csrf)
    question = current_question(context, attempt, profile)
    blank = client.post(
        f"/placement/{attempt}", data={"csrf_token": csrf, "position": str(question.position)}
    )
    assert blank.status_code == 422
    assert 'role="alert"' in blank.text
    assert "Give an answer" in blank.text
    bad = {
        "single": {"response": "zzz"},
        "true-false": {"response": "zzz"},
        "multiple": {"response": "zzz"},
        "numeric": {"response": "twelve"},
        "ordering": {"order-0": "zzz", "touched": "1"},
        "matching": {"match-0": "zzz"},
        "short-answer": None,  # any text is a well-shaped short answer
    }[question.type]
    if bad is not None:
        refused = client.post(
            f"/placement/{attempt}",
            data={"csrf_token": csrf, "position": str(question.position), **bad},
        )
        assert refused.status_code == 422
        # Tied to the answer's controls, in the words of the screen.
        assert 'aria-describedby="answer-error"' in refused.text
        assert 'id="answer-error" class="field-error"' in refused.text
    assert answered(context, attempt, profile) == 0


def test_another_learner_gets_404_on_my_placement_test(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client, "ana@example.org", "Ana")
    attempt = start(client, csrf)
    client.cookies.clear()
    other = sign_up(client, "ben@example.org", "Ben")
    assert client.get(f"/placement/{attempt}").status_code == 404
    posted = client.post(
        f"/placement/{attempt}", data={"csrf_token": other, "position": "0", "response": "a"}
    )
    assert posted.status_code == 404
    ana = profile_of(context, "ana@example.org")
    assert answered(context, attempt, ana) == 0
    assert f'href="/placement/{attempt}"' not in client.get("/placement").text


def test_signed_out_visitors_read_about_the_test_and_are_sent_to_sign_in(
    client: TestClient,
) -> None:
    intro = client.get("/placement")
    assert intro.status_code == 200
    assert 'href="/login?next=/placement"' in intro.text
    assert 'action="/placement"' not in intro.text
    started = client.post("/placement", follow_redirects=False)
    assert started.status_code == 303
    assert started.headers["location"] == "/login?next=/placement"
    opened = client.get("/placement/1", follow_redirects=False)
    assert opened.headers["location"] == "/login?next=/placement/1"


def test_posts_without_the_csrf_token_are_refused(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    assert client.post("/placement").status_code == 403
    assert client.post("/placement", data={"csrf_token": "forged"}).status_code == 403
    assert (
        context.psychometrics.unfinished_placement(profile_of(context, "ana@example.org")) is None
    )
    attempt = start(client, csrf)
    answered = client.post(f"/placement/{attempt}", data={"position": "0", "response": "a"})
    assert answered.status_code == 403
    make(context, "author@example.org", "author")
    sign_in(client, "author@example.org")
    calibrated = client.post("/author/banks/pm-core/calibrate", data={"model": "2pl"})
    assert calibrated.status_code == 403


def test_the_exams_page_shows_readiness(client: TestClient, context: Pmpath) -> None:
    signed_out = client.get("/exams").text
    assert "Chance of passing now" not in signed_out
    csrf = sign_up(client)
    page = html.unescape(client.get("/exams").text)
    assert page.count("Chance of passing now") == len(context.exams.blueprints)
    # Before any answer no figure: "68% (0-100%)" would read as a verdict with nothing behind it.
    assert "No answers yet: a figure appears once you have answered 20 questions" in page
    assert page.count("Not enough answers yet") == len(context.exams.blueprints)
    assert "%</strong> (" not in page
    profile = profile_of(context, "ana@example.org")
    attempt = start(client, csrf)
    for _ in range(3):
        answer_current(client, context, csrf, attempt, profile)
    page = html.unescape(client.get("/exams").text)
    assert "Based on 3 answers;" in page
    assert page.count("Not enough answers yet") == len(context.exams.blueprints)
    # Enough answers in an exam's domains: its figure is shown.
    practice = context.exams.start_practice(profile, None, None, 30)
    view = context.exams.view(practice, profile)
    for question in view.questions:
        item = context.exams.bank.item(question.item_id)
        context.exams.answer(practice, profile, question.position, right_answer(item, question))
    readiness = context.psychometrics.readiness(profile)
    shown = [e for e in readiness.exams if e.enough_evidence]
    assert shown
    page = html.unescape(client.get("/exams").text)
    first = shown[0]
    low, high = (round(100 * p) for p in first.interval)
    assert f"{round(100 * first.probability)}%</strong> ({low}\u2013{high}%)" in page
    assert page.count("Not enough answers yet") == len(readiness.exams) - len(shown)
    assert "Expected score" in page


# -- calibration by authors -------------------------------------------------------------------


def make(context: Pmpath, email: str, role: str) -> None:
    context.accounts.sign_up(email, role.title(), "correct-horse-battery", role=role)


def sign_in(client: TestClient, email: str) -> str:
    client.cookies.clear()
    response = web_sign_in(client, email, "correct-horse-battery")
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/account").text)


def seed_finished_attempts(context: Pmpath, persons: int = 60, items: int = 5) -> list[str]:
    """Finished practice attempts of ``persons`` learners on the bank's first ``items`` items,
    answered right or wrong as a 2PL model with spread difficulties would have them."""
    from pmpath.store.tables import AttemptRow, ProfileRow, ResponseRow

    bank = context.psychometrics.bank
    chosen = [item.id for item in bank.items[:items]]
    rng = random.Random(7)
    now = datetime.now(UTC)
    with context.database.transaction() as session:
        for person in range(persons):
            owner = ProfileRow(name=f"seeded-{person}", created_at=now)
            session.add(owner)
            session.flush()
            attempt = AttemptRow(
                profile_id=owner.id,
                mode="practice",
                bank_id=bank.id,
                blueprint_id=None,
                seed=person,
                form=[{"item_id": item_id, "option_order": []} for item_id in chosen],
                pass_mark=None,
                started_at=now,
                deadline=None,
                finished_at=now,
                finish_reason="submitted",
            )
            session.add(attempt)
            session.flush()
            theta = rng.gauss(0.0, 1.0)
            for position, item_id in enumerate(chosen):
                difficulty = -1.0 + position * 0.5
                right = rng.random() < 1.0 / (1.0 + math.exp(-1.2 * (theta - difficulty)))
                session.add(
                    ResponseRow(
                        attempt_id=attempt.id,
                        position=position,
                        item_id=item_id,
                        response=None,
                        credit=1.0 if right else 0.0,
                        answered_at=now,
                    )
                )
    return chosen


def test_an_author_calibrating_without_enough_responses_reads_why(
    client: TestClient, context: Pmpath
) -> None:
    make(context, "author@example.org", "author")
    csrf = sign_in(client, "author@example.org")
    banks = client.get("/author/banks").text
    assert "Parameter version: <strong>none</strong>" in banks
    assert 'action="/author/banks/pm-core/calibrate"' in banks
    assert '<option value="3pl"' in banks
    refused = client.post(
        "/author/banks/pm-core/calibrate", data={"csrf_token": csrf, "model": "2pl"}
    )
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert 'role="alert">Not calibrated: only 0 items of bank' in text
    assert "calibration needs at least 2" in text
    assert "Parameter version: <strong>none</strong>" in text
    assert context.psychometrics.parameter_set().version is None


def test_an_author_calibrates_the_stored_responses(client: TestClient, context: Pmpath) -> None:
    chosen = seed_finished_attempts(context)
    make(context, "author@example.org", "author")
    csrf = sign_in(client, "author@example.org")
    done = client.post(
        "/author/banks/pm-core/calibrate",
        data={"csrf_token": csrf, "model": "2pl", "min_responses": "50"},
    )
    assert done.status_code == 200, done.text
    text = html.unescape(done.text)
    assert "Calibrated: parameter version 1" in text
    assert '<th scope="row">Persons (finished attempts)</th><td>60</td>' in text
    assert f'<th scope="row">Calibrated items</th><td>{len(chosen)}</td>' in text
    kept = len(context.psychometrics.bank.items) - len(chosen)
    assert f'<th scope="row">Items kept at their prior</th><td>{kept}</td>' in text
    assert "Flagged items (misfit)" in text
    assert all(f'<th scope="row">{item_id}</th>' in text for item_id in chosen)
    banks = client.get("/author/banks").text
    assert "Parameter version <strong>1</strong> (2pl model" in banks
    assert f"{len(chosen)} of {len(context.psychometrics.bank.items)} items calibrated" in banks
    assert context.psychometrics.parameter_set().version == 1


@pytest.mark.parametrize(("role", "status"), [("learner", 403), ("author", 422)])
def test_only_authors_may_calibrate(
    client: TestClient, context: Pmpath, role: str, status: int
) -> None:
    make(context, f"{role}@example.org", role)
    csrf = sign_in(client, f"{role}@example.org")
    posted = client.post("/author/banks/pm-core/calibrate", data={"csrf_token": csrf})
    assert posted.status_code == status  # an author gets the "not enough data" page
    assert client.get("/author/banks").status_code == (403 if role == "learner" else 200)
    assert context.psychometrics.parameter_set().version is None


def test_an_adaptive_exam_from_the_exams_page(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    profile = profile_of(context, "ana@example.org")
    exams_page = client.get("/exams").text
    assert 'action="/exams/pm-foundations/adaptive"' in exams_page
    started = client.post(
        "/exams/pm-foundations/adaptive", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert started.status_code == 303
    attempt = int(started.headers["location"].rsplit("/", 1)[1])
    first = client.get(f"/placement/{attempt}").text
    assert "PM foundations, adaptive" in first
    assert "(up to 40)" in first
    for _ in range(40):
        view = context.psychometrics.placement(attempt, profile)
        if view.finished:
            break
        answer_current(client, context, csrf, attempt, profile)
    result = html.unescape(client.get(f"/placement/{attempt}").text)
    assert view.finished
    # The easy levels are answered right and PM foundations covers them: a clear pass.
    assert view.exam is not None
    assert view.exam.passed is True
    assert "PM foundations: a pass" in result
    assert client.post("/exams/pm-foundations/adaptive", data={}).status_code == 403
    unknown = client.post("/exams/no-such-exam/adaptive", data={"csrf_token": csrf})
    assert unknown.status_code == 404


def test_an_adaptive_exam_result_is_titled_by_its_exam(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    profile = profile_of(context, "ana@example.org")
    started = client.post(
        "/exams/pm-foundations/adaptive", data={"csrf_token": csrf}, follow_redirects=False
    )
    attempt = int(started.headers["location"].rsplit("/", 1)[1])
    while not context.psychometrics.placement(attempt, profile).finished:
        answer_current(client, context, csrf, attempt, profile)
    assert "<title>PM foundations: adaptive result" in client.get(f"/placement/{attempt}").text
