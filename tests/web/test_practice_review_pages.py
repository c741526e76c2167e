"""Practice and spaced review in the browser: locked feedback, Next, the end summary, grading
like Anki with the next interval on each button, humane dates, the navigation and error pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from pmpath.app import Pmpath
from pmpath.store.tables import ReviewCardRow
from pmpath.web.app import create_app
from pmpath.web.pages.render import span, when
from tests.conftest import as_shown, right_answer
from tests.web.conftest import form_for, profile_of, sign_up

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def visible(html: str) -> str:
    """The page's text without tags, scripts or attribute values."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def start_practice(client: TestClient, csrf: str, count: int = 2) -> int:
    response = client.post(
        "/practice", data={"csrf_token": csrf, "count": str(count)}, follow_redirects=False
    )
    return int(response.headers["location"].rsplit("/", 1)[1])


def answer_right(client: TestClient, context: Pmpath, csrf: str, attempt: int, n: int) -> str:
    question = context.exams.view(attempt, profile_of(context, "ana@example.org")).questions[n]
    item = context.exams.bank.item(question.item_id)
    fields = form_for(question.model_dump(mode="json"), right_answer(item, question))
    reply = client.post(
        f"/attempts/{attempt}/q/{n}", data={"csrf_token": csrf, "action": "save", **fields}
    )
    assert reply.status_code == 200
    return reply.text


def test_practice_locks_the_answer_shows_next_and_ends_with_a_summary(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start_practice(client, csrf, count=2)
    first = client.get(f"/attempts/{attempt}/q/0").text
    assert "Question 1 of 2" in first
    assert "0 of 2 answered" in first
    assert 'id="answer-form"' in first
    page = answer_right(client, context, csrf, attempt, 0)
    # Marked by colour, icon and words; locked: no form to change the answer; Next.
    assert 'class="feedback right"' in page
    assert "<span>Correct</span>" in page
    assert "<svg" in page
    # The key is shown, whatever the question's type.
    assert re.search(r"right answer|Accepted:|The right order|Answer:|yours too", page)
    assert 'id="answer-form"' not in page
    assert f'href="/attempts/{attempt}/q/1">Next question</a>' in page
    assert "1 of 2 answered" in page
    # A second answer is refused with a clear message, and the first one stands.
    profile = profile_of(context, "ana@example.org")
    before = context.exams.view(attempt, profile).questions[0].response
    question = context.exams.view(attempt, profile).questions[0]
    again = client.post(
        f"/attempts/{attempt}/q/0",
        data={
            "csrf_token": csrf,
            "action": "save",
            **form_for(question.model_dump(mode="json"), before),
        },
    )
    assert again.status_code == 409
    assert "already answered this question" in again.text
    assert 'class="feedback right"' in again.text
    assert context.exams.view(attempt, profile).questions[0].response == before
    # The last question offers the summary instead of Next.
    last = answer_right(client, context, csrf, attempt, 1)
    assert "See your summary" in last
    assert "Next question" not in last
    done = client.post(f"/attempts/{attempt}/finish", data={"csrf_token": csrf})
    assert done.status_code == 200
    assert "Practice done: 2 of 2 right" in done.text
    assert "partly right" in done.text
    assert "wrong" in done.text
    assert 'href="/practice"' in done.text
    assert 'href="/review"' in done.text
    assert not ISO.search(visible(done.text))


def no_credit(item: Any) -> Any:
    """An answer of the item's own shape that earns nothing (partial credit would make the
    feedback "partly right"): no step in its place, no left matched, only distractors."""
    from pmpath.exams.items import ItemType
    from pmpath.exams.scoring import correct_response, score

    key = correct_response(item)
    if item.type in (ItemType.SINGLE, ItemType.TRUE_FALSE):
        answer: Any = next(o.id for o in item.options if o.id != key)
    elif item.type is ItemType.MULTIPLE:
        answer = [o.id for o in item.options if not o.correct]
    elif item.type is ItemType.NUMERIC:
        answer = float(key) + 1000 + abs(float(key)) * 10
    elif item.type is ItemType.ORDERING:
        answer = key[1:] + key[:1]
    elif item.type is ItemType.MATCHING:
        lefts, rights = list(key), list(key.values())
        answer = dict(zip(lefts, rights[1:] + rights[:1], strict=True))
    else:
        answer = "certainly not the accepted answer"
    assert score(item, answer) == 0.0, item.id
    return answer


def test_a_missed_practice_question_is_linked_from_the_summary(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start_practice(client, csrf, count=1)
    profile = profile_of(context, "ana@example.org")
    question = context.exams.view(attempt, profile).questions[0]
    item = context.exams.bank.item(question.item_id)
    context.exams.answer(attempt, profile, 0, as_shown(item, question, no_credit(item)))
    page = client.get(f"/attempts/{attempt}/q/0").text
    assert 'class="feedback wrong"' in page
    assert "<span>Not quite</span>" in page
    done = client.post(f"/attempts/{attempt}/finish", data={"csrf_token": csrf}).text
    assert "Practice done: 0 of 1 right" in done
    assert 'href="#rq-0">question 1</a>' in done
    assert "spaced review" in done


def test_a_mock_exam_answer_still_changes_until_handed_in(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    started = client.post(
        "/exams/scrum-master/start", data={"csrf_token": csrf}, follow_redirects=False
    )
    attempt = int(started.headers["location"].rsplit("/", 1)[1])
    profile = profile_of(context, "ana@example.org")
    question = context.exams.view(attempt, profile).questions[0]
    item = context.exams.bank.item(question.item_id)
    fields = form_for(question.model_dump(mode="json"), right_answer(item, question))
    for _ in range(2):
        moved = client.post(
            f"/attempts/{attempt}/q/0",
            data={"csrf_token": csrf, "action": "save", **fields},
            follow_redirects=False,
        )
        assert moved.status_code == 303
    assert 'id="answer-form"' in client.get(f"/attempts/{attempt}/q/0").text


def make_due(context: Pmpath, profile: str) -> None:
    """Miss one practice question, then let its review fall due."""
    attempt = context.exams.start_practice(profile, count=1, seed=3)
    question = context.exams.view(attempt, profile).questions[0]
    item = context.exams.bank.item(question.item_id)
    context.exams.answer(attempt, profile, 0, as_shown(item, question, no_credit(item)))
    with context.database.transaction() as session:
        session.execute(update(ReviewCardRow).values(due=datetime.now(UTC) - timedelta(minutes=5)))


def test_review_grades_again_hard_good_easy_with_intervals_in_words(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    profile = profile_of(context, "ana@example.org")
    empty = client.get("/review").text
    assert "Nothing is due for review" in empty
    make_due(context, profile)
    page = client.get("/review").text
    assert "1 question due" in page
    assert 'Review <span class="count">1<span class="sr-only"> due</span>' in page
    [due] = context.exams.review_queue(profile).due
    item = context.exams.bank.item(due.item_id)
    fields = form_for(due.model_dump(mode="json"), right_answer(item, due))
    answered = client.post(f"/review/{due.item_id}", data={"csrf_token": csrf, **fields})
    assert answered.status_code == 200
    text = visible(answered.text)
    assert 'class="feedback right"' in answered.text
    for grade in ("Again", "Hard", "Good", "Easy"):
        assert f'value="{grade.lower()}"' in answered.text
        assert grade in text
    assert re.search(r"\d+ (min|h|days?)", text)
    assert "comes back in 10 minutes" in text  # as suggested (Good) until graded
    assert not ISO.search(text)
    # Grading schedules the card; the next page says when, in words.
    graded = client.post(f"/review/{due.item_id}/grade", data={"csrf_token": csrf, "grade": "easy"})
    assert graded.status_code == 200
    assert "Graded “Easy”: this question comes back tomorrow at" in graded.text
    assert "Nothing is due for review" in graded.text
    assert "The next question comes back" in graded.text
    assert not ISO.search(visible(graded.text))
    # A second grade for the same answer changes nothing and says so.
    twice = client.post(f"/review/{due.item_id}/grade", data={"csrf_token": csrf, "grade": "again"})
    assert "graded already" in twice.text
    assert context.exams.review_queue(profile).due == []


def test_navigation_has_practice_review_and_a_phone_menu(client: TestClient) -> None:
    visitor = client.get("/").text
    assert 'href="/practice">Practice</a>' in visitor
    assert 'href="/review">Review</a>' in visitor
    assert '<details class="menu">' in visitor
    assert "<summary>Menu</summary>" in visitor
    assert 'rel="icon" href="/static/favicon.svg"' in visitor


def test_favicon(client: TestClient) -> None:
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    moved = client.get("/favicon.ico", follow_redirects=False)
    assert moved.headers["location"] == "/static/favicon.svg"


def test_unknown_pages_get_the_sites_404_and_the_api_keeps_problem_details(
    client: TestClient,
) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page.text
    assert "There is no page at this address" in page.text
    assert 'class="site"' in page.text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


@pytest.fixture
def failing(context: Pmpath) -> Iterator[TestClient]:
    app = create_app(pmpath=context)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    app.add_api_route("/api/v1/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_server_error_is_a_page_for_people_and_problem_details_for_the_api(
    failing: TestClient,
) -> None:
    page = failing.get("/boom")
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Server error</h1>" in page.text
    assert "a bug" not in page.text
    api = failing.get("/api/v1/boom")
    assert api.status_code == 500
    assert api.json()["status"] == 500


NOW = datetime(2026, 12, 7, 14, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (NOW, "now"),
        (NOW + timedelta(minutes=10), "in 10 minutes"),
        (NOW + timedelta(seconds=59), "in 1 minute"),
        (NOW + timedelta(hours=3), "today at 17:05"),
        (NOW + timedelta(days=1), "tomorrow at 14:05"),
        (NOW + timedelta(days=3), "in 3 days"),
        (NOW + timedelta(days=40), "on 16 January 2027"),
        (NOW - timedelta(minutes=5), "5 minutes ago"),
        (NOW - timedelta(days=1), "yesterday at 14:05"),
        ((NOW + timedelta(days=3)).isoformat(), "in 3 days"),
    ],
)
def test_humane_dates(moment: datetime | str, words: str) -> None:
    assert when(moment, NOW) == words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (30, "1 min"),
        (600, "10 min"),
        (3 * 3600, "3 h"),
        (86400, "1 day"),
        (4 * 86400, "4 days"),
        (62 * 86400, "2 months"),
        (547 * 86400, "1.5 years"),
        (730 * 86400, "2 years"),
    ],
)
def test_intervals_in_words(seconds: int, words: str) -> None:
    assert span(seconds) == words
