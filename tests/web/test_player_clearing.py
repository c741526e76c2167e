"""Only a deliberate answer counts, and a deliberate clear stores "no answer" (issue #15).

An ordering question always posts its steps in the order shown, so leaving it untouched must not
answer it: the order counts once a step was moved or "This order is my answer" was ticked
(``touched``). Unticking every box, emptying a typed answer or unticking "This order is my
answer" withdraws a saved mock-exam answer (``had-answer`` says the page showed one); practice,
placement and review answers are final once given, so there is nothing there to clear.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import update

from pmpath.app import Pmpath
from pmpath.store.tables import ReviewCardRow
from tests.conftest import as_shown
from tests.web.conftest import profile_of, sign_up
from tests.web.player_support import item_of, put_item
from tests.web.test_exam_pages import start

EMAIL = "ana@example.org"
UNTOUCHED = "tick “This order is my answer” to answer with the order shown"


def _view(context: Pmpath, attempt: int):  # type: ignore[no-untyped-def]
    return context.exams.view(attempt, profile_of(context, EMAIL))


def _with(
    client: TestClient, context: Pmpath, kind: str, practice: bool = False
) -> tuple[str, int]:
    """A signed-up learner's mock exam (or practice) whose first question is of type ``kind``."""
    csrf = sign_up(client)
    if practice:
        started = client.post(
            "/practice", data={"csrf_token": csrf, "count": "3"}, follow_redirects=False
        )
        attempt = int(started.headers["location"].rsplit("/", 1)[1])
    else:
        attempt = start(client, csrf)
    put_item(context, attempt, 0, item_of(context, kind))
    return csrf, attempt


def _shown_order(html: str) -> list[str]:
    return re.findall(r'name="order-\d+" value="([^"]+)"', html)


def _order_form(order: list[str]) -> dict[str, str]:
    return {f"order-{n}": option for n, option in enumerate(order)}


def _nav_entry(html: str, number: int) -> str:
    """The navigator's words for question ``number`` (1-based), as a screen reader says them."""
    match = re.search(rf">{number}<span class=\"sr-only\">([^<]*)</span>", html)
    assert match, f"no navigator entry for question {number}"
    return match.group(1)


# -- ordering: only a deliberate order is an answer ------------------------------------------------


def test_leaving_an_untouched_ordering_question_does_not_answer_it(
    client: TestClient, context: Pmpath
) -> None:
    csrf, attempt = _with(client, context, "ordering")
    page = client.get(f"/attempts/{attempt}/q/0").text
    assert re.search(r'id="touched" name="touched" value="1">', page)  # not ticked
    left = client.post(
        f"/attempts/{attempt}/q/0",
        data={
            "csrf_token": csrf,
            "had-answer": "0",
            "goto": "1",
            **_order_form(_shown_order(page)),
        },
        follow_redirects=False,
    )
    assert left.status_code == 303
    assert _view(context, attempt).questions[0].response is None
    nav = client.get(f"/attempts/{attempt}/q/1").text
    assert _nav_entry(nav, 1) == ", not answered"
    summary = client.get(f"/attempts/{attempt}/summary").text
    assert "0 of 30 questions answered" in summary
    assert f'href="/attempts/{attempt}/q/0">Question 1</a>' in summary.split("Not answered")[1]


def test_keep_this_order_answers_with_the_order_shown(client: TestClient, context: Pmpath) -> None:
    csrf, attempt = _with(client, context, "ordering")
    shown = _shown_order(client.get(f"/attempts/{attempt}/q/0").text)
    client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "had-answer": "0", "touched": "1", **_order_form(shown)},
    )
    assert _view(context, attempt).questions[0].response == shown
    again = client.get(f"/attempts/{attempt}/q/0").text
    assert re.search(r'id="touched" name="touched" value="1" checked>', again)
    assert 'name="had-answer" value="1"' in again
    assert _nav_entry(again, 1) == ", answered"


def test_a_move_without_javascript_answers_and_ticks_the_order(
    client: TestClient, context: Pmpath
) -> None:
    csrf, attempt = _with(client, context, "ordering")
    shown = _shown_order(client.get(f"/attempts/{attempt}/q/0").text)
    client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "had-answer": "0", "move": "down-0", **_order_form(shown)},
    )
    assert _view(context, attempt).questions[0].response == [shown[1], shown[0], *shown[2:]]
    assert re.search(
        r'name="touched" value="1" checked>', client.get(f"/attempts/{attempt}/q/0").text
    )


def test_unticking_this_order_is_my_answer_clears_a_saved_order(
    client: TestClient, context: Pmpath
) -> None:
    csrf, attempt = _with(client, context, "ordering")
    shown = _shown_order(client.get(f"/attempts/{attempt}/q/0").text)
    url = f"/attempts/{attempt}/q/0"
    client.post(url, data={"csrf_token": csrf, "touched": "1", **_order_form(shown)})
    assert _view(context, attempt).answered == 1
    client.post(url, data={"csrf_token": csrf, "had-answer": "1", **_order_form(shown)})
    assert _view(context, attempt).questions[0].response is None
    assert _view(context, attempt).answered == 0


def test_practice_check_on_an_untouched_order_says_how_to_answer(
    client: TestClient, context: Pmpath
) -> None:
    csrf, attempt = _with(client, context, "ordering", practice=True)
    url = f"/attempts/{attempt}/q/0"
    shown = _shown_order(client.get(url).text)
    refused = client.post(url, data={"csrf_token": csrf, "action": "save", **_order_form(shown)})
    assert refused.status_code == 422
    assert UNTOUCHED in refused.text
    assert _view(context, attempt).questions[0].response is None
    checked = client.post(
        url, data={"csrf_token": csrf, "action": "save", "touched": "1", **_order_form(shown)}
    )
    assert checked.status_code == 200
    assert _view(context, attempt).questions[0].response == shown


def test_a_placement_ordering_left_as_shown_is_not_an_answer(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    started = client.post("/placement", data={"csrf_token": csrf}, follow_redirects=False)
    url = started.headers["location"]
    attempt = int(url.rsplit("/", 1)[1])
    put_item(context, attempt, 0, item_of(context, "ordering"))
    shown = _shown_order(client.get(url).text)
    form = {"csrf_token": csrf, "position": "0", **_order_form(shown)}
    refused = client.post(url, data=form)
    assert refused.status_code == 422
    assert UNTOUCHED in refused.text
    profile = profile_of(context, EMAIL)
    assert context.psychometrics.placement(attempt, profile).answered == 0
    client.post(url, data={**form, "touched": "1"})
    assert context.psychometrics.placement(attempt, profile).answered == 1


def test_a_review_ordering_left_as_shown_is_not_checked(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    profile = profile_of(context, EMAIL)
    item = item_of(context, "ordering")
    practice = context.exams.start_practice(profile, None, None, 1)
    put_item(context, practice, 0, item)
    question = context.exams.view(practice, profile).questions[0]
    context.exams.answer(practice, profile, 0, [o.id for o in reversed(question.options)])
    with context.database.transaction() as session:
        session.execute(update(ReviewCardRow).values(due=context.clock()))
    shown = _shown_order(client.get("/review").text)
    assert shown, "the ordering item is not the one due"
    form = {"csrf_token": csrf, **_order_form(shown)}
    refused = client.post(f"/review/{item.id}", data=form)
    assert refused.status_code == 422
    assert UNTOUCHED in refused.text
    assert context.exams.review_queue(profile).due  # still due: nothing was checked
    checked = client.post(f"/review/{item.id}", data={**form, "touched": "1"})
    assert checked.status_code == 200
    assert "How well did you know it?" in checked.text


def test_a_review_check_with_no_answer_says_so(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    profile = profile_of(context, EMAIL)
    item = item_of(context, "single")
    practice = context.exams.start_practice(profile, None, None, 1)
    put_item(context, practice, 0, item)
    wrong = next(o.id for o in item.options if not o.correct)
    shown = context.exams.view(practice, profile).questions[0]
    context.exams.answer(practice, profile, 0, as_shown(item, shown, wrong))
    with context.database.transaction() as session:
        session.execute(update(ReviewCardRow).values(due=context.clock()))
    assert [q.item_id for q in context.exams.review_queue(profile).due] == [item.id]
    refused = client.post(f"/review/{item.id}", data={"csrf_token": csrf})
    assert refused.status_code == 422
    assert "Give an answer to check it." in refused.text
    assert context.exams.review_queue(profile).due


# -- a deliberate clear stores "no answer" ---------------------------------------------------------


def test_unticking_every_box_clears_a_saved_multiple_response_answer(
    client: TestClient, context: Pmpath
) -> None:
    csrf, attempt = _with(client, context, "multiple")
    question = _view(context, attempt).questions[0]
    picks = [question.options[0].id, question.options[1].id]
    url = f"/attempts/{attempt}/q/0"
    client.post(url, data={"csrf_token": csrf, "had-answer": "0", "response": picks})
    assert _view(context, attempt).questions[0].response == picks
    page = client.get(url).text
    assert 'name="had-answer" value="1"' in page
    # Every box unticked: a browser sends no "response" at all.
    left = client.post(
        url, data={"csrf_token": csrf, "had-answer": "1", "goto": "1"}, follow_redirects=False
    )
    assert left.status_code == 303
    assert _view(context, attempt).questions[0].response is None
    summary = client.get(f"/attempts/{attempt}/summary").text
    assert "0 of 30 questions answered" in summary


def test_emptying_a_typed_answer_clears_it(client: TestClient, context: Pmpath) -> None:
    csrf, attempt = _with(client, context, "numeric")
    url = f"/attempts/{attempt}/q/0"
    client.post(url, data={"csrf_token": csrf, "had-answer": "0", "response": "12"})
    assert _view(context, attempt).questions[0].response is not None
    client.post(url, data={"csrf_token": csrf, "had-answer": "1", "response": "  "})
    assert _view(context, attempt).questions[0].response is None


def test_the_scripts_save_clears_and_says_so(client: TestClient, context: Pmpath) -> None:
    csrf, attempt = _with(client, context, "multiple")
    question = _view(context, attempt).questions[0]
    url = f"/attempts/{attempt}/q/0"
    headers = {"Accept": "application/json"}
    first = {"csrf_token": csrf, "action": "autosave", "had-answer": "0"}
    saved = client.post(url, data={**first, "response": [question.options[0].id]}, headers=headers)
    assert saved.json() == {"saved": True, "cleared": False, "answered": 1, "items": 30}
    cleared = client.post(url, data={**first, "had-answer": "1"}, headers=headers)
    assert cleared.status_code == 200
    assert cleared.json() == {"saved": False, "cleared": True, "answered": 0, "items": 30}
    assert _view(context, attempt).questions[0].response is None


def test_a_clear_keeps_the_flag(client: TestClient, context: Pmpath) -> None:
    csrf, attempt = _with(client, context, "multiple")
    question = _view(context, attempt).questions[0]
    url = f"/attempts/{attempt}/q/0"
    client.post(url, data={"csrf_token": csrf, "response": [question.options[0].id]})
    client.post(url, data={"csrf_token": csrf, "action": "flag", "had-answer": "1"})
    after = _view(context, attempt).questions[0]
    assert after.response is None
    assert after.flagged is True


def test_a_page_that_showed_no_answer_clears_nothing(client: TestClient, context: Pmpath) -> None:
    # An older tab, loaded before the answer was given elsewhere, must not wipe it by moving on.
    csrf, attempt = _with(client, context, "multiple")
    question = _view(context, attempt).questions[0]
    url = f"/attempts/{attempt}/q/0"
    client.post(url, data={"csrf_token": csrf, "response": [question.options[0].id]})
    client.post(url, data={"csrf_token": csrf, "had-answer": "0", "goto": "2"})
    assert _view(context, attempt).questions[0].response == [question.options[0].id]
