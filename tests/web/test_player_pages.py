"""The exam player's pages (issue #15): a pick saved as it is made (the script's request), a
progress bar, ordering by "Move up"/"Move down" without JavaScript, partial matching, errors
tied to their fields in the words of the screen, heading order and unique page titles."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.conftest import right_answer
from tests.web.conftest import form_for, profile_of, sign_up
from tests.web.player_support import item_of, put_item
from tests.web.test_exam_pages import start

EMAIL = "ana@example.org"


def _view(context: Pmpath, attempt: int):  # type: ignore[no-untyped-def]
    return context.exams.view(attempt, profile_of(context, EMAIL))


def _right(context: Pmpath, attempt: int, position: int) -> dict[str, object]:
    question = _view(context, attempt).questions[position]
    item = context.exams.bank.item(question.item_id)
    return form_for(question.model_dump(mode="json"), right_answer(item, question))


def _start_practice(client: TestClient, csrf: str, count: int = 3) -> int:
    started = client.post(
        "/practice", data={"csrf_token": csrf, "count": str(count)}, follow_redirects=False
    )
    return int(started.headers["location"].rsplit("/", 1)[1])


# -- saving a pick as it is made ------------------------------------------------------------------


def test_the_scripts_save_stores_the_pick_and_stays_on_the_page(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    saved = client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "action": "autosave", **_right(context, attempt, 0)},
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )
    assert saved.status_code == 200
    assert saved.json() == {"saved": True, "cleared": False, "answered": 1, "items": 30}
    assert _view(context, attempt).questions[0].response is not None


def test_the_scripts_save_needs_the_csrf_token(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    refused = client.post(
        f"/attempts/{attempt}/q/0",
        data={"action": "autosave", **_right(context, attempt, 0)},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert _view(context, attempt).questions[0].response is None


def test_practice_answers_are_not_saved_as_they_are_picked(
    client: TestClient, context: Pmpath
) -> None:
    # Saving a practice answer checks it and makes it final: only the learner's button may.
    csrf = sign_up(client)
    attempt = _start_practice(client, csrf)
    page = client.get(f"/attempts/{attempt}/q/0").text
    assert "data-autosave" not in page
    refused = client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "action": "autosave", **_right(context, attempt, 0)},
    )
    assert refused.status_code == 409
    assert _view(context, attempt).questions[0].response is None


def test_a_mock_exam_page_asks_its_script_to_save_picks(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    page = client.get(f"/attempts/{attempt}/q/0").text
    assert 'id="answer-form" data-autosave' in page
    assert '<script src="/static/player.js" defer></script>' in page
    assert 'id="save-status" role="status" aria-live="polite"' in page
    script = client.get("/static/player.js")
    assert script.status_code == 200
    assert '"autosave"' in script.text


def test_a_refused_pick_from_the_script_says_why_in_the_screens_words(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    put_item(context, attempt, 0, item_of(context, "numeric"))
    refused = client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "action": "autosave", "response": "twelve"},
    )
    assert refused.status_code == 422
    assert refused.json() == {"saved": False, "error": "Type a number, such as 12 or 3.5."}


# -- progress, titles, headings -------------------------------------------------------------------


def test_the_progress_bar_counts_answered_questions(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    before = client.get(f"/attempts/{attempt}/q/0").text
    assert '<progress id="progress" max="30" value="0"' in before
    assert "0 of 30 answered" in before
    client.post(
        f"/attempts/{attempt}/q/0", data={"csrf_token": csrf, **_right(context, attempt, 0)}
    )
    after = client.get(f"/attempts/{attempt}/q/1").text
    assert '<progress id="progress" max="30" value="1"' in after
    assert "1 of 30 answered" in after


def test_page_titles_name_the_question_and_the_exam(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    name = context.exams.blueprint("scrum-master").name
    third = client.get(f"/attempts/{attempt}/q/2").text
    assert f"<title>Question 3 of 30 · {name} · pmpath</title>" in third
    summary = client.get(f"/attempts/{attempt}/summary").text
    assert f"<title>Summary · {name} · pmpath</title>" in summary
    practice = _start_practice(client, csrf)
    assert (
        "<title>Question 1 of 3 · Practice · pmpath</title>"
        in client.get(f"/attempts/{practice}/q/0").text
    )


def test_on_a_scenario_question_the_h1_comes_before_any_h2(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    put_item(context, attempt, 0, item_of(context, "single", scenario=True))
    page = client.get(f"/attempts/{attempt}/q/0").text
    main = page[page.index("<main") :]
    levels = re.findall(r"<h([1-6])\b", main)
    assert levels[0] == "1"
    assert "2" in levels  # the scenario's title is under it
    assert 'id="scenario-h">Scenario: ' in main


def test_the_current_question_is_marked_for_screen_readers_and_sight(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    page = client.get(f"/attempts/{attempt}/q/4").text
    current = re.search(r'<button[^>]*value="4" aria-current="page"[^>]*>5<', page)
    assert current, "question 5's button is not the current one"


# -- errors tied to their fields -----------------------------------------------------------------


def test_a_refused_answer_is_tied_to_its_field_without_ids(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    item = item_of(context, "single")
    put_item(context, attempt, 0, item)
    # An id the screen does not show (a script, a stale page): refused in the screen's words.
    refused = client.post(f"/attempts/{attempt}/q/0", data={"csrf_token": csrf, "response": "zz-9"})
    assert refused.status_code == 422
    text = refused.text
    assert '<fieldset id="answer" aria-invalid="true" aria-describedby="answer-error">' in text
    assert 'id="answer-error" class="field-error"' in text
    assert "Choose one of the answers shown." in text
    assert 'href="#answer"' in text  # the summary at the top leads to the field
    assert item.id not in text
    assert _view(context, attempt).questions[0].response is None


# -- ordering and matching without JavaScript -----------------------------------------------------


def _ordering_page(client: TestClient, context: Pmpath, practice: bool = False) -> tuple[str, int]:
    csrf = sign_up(client)
    attempt = _start_practice(client, csrf) if practice else start(client, csrf)
    put_item(context, attempt, 0, item_of(context, "ordering"))
    return csrf, attempt


def test_move_down_saves_the_new_order_and_comes_back_to_the_step(
    client: TestClient, context: Pmpath
) -> None:
    csrf, attempt = _ordering_page(client, context)
    question = _view(context, attempt).questions[0]
    shown = [o.id for o in question.options]
    page = client.get(f"/attempts/{attempt}/q/0").text
    assert 'name="move" value="down-0"' in page
    assert re.search(r'value="up-0"[^>]*disabled', page)  # the first step cannot go up
    order = {f"order-{n}": option for n, option in enumerate(shown)}
    moved = client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "move": "down-0", **order},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/attempts/{attempt}/q/0#step-1"
    expected = [shown[1], shown[0], *shown[2:]]
    assert _view(context, attempt).questions[0].response == expected
    again = client.get(f"/attempts/{attempt}/q/0").text
    hidden = re.findall(r'name="order-\d+" value="([^"]+)"', again)
    assert hidden == expected


def test_in_practice_a_move_is_shown_but_not_yet_checked(
    client: TestClient, context: Pmpath
) -> None:
    csrf, attempt = _ordering_page(client, context, practice=True)
    shown = [o.id for o in _view(context, attempt).questions[0].options]
    order = {f"order-{n}": option for n, option in enumerate(shown)}
    page = client.post(
        f"/attempts/{attempt}/q/0", data={"csrf_token": csrf, "move": "up-2", **order}
    )
    assert page.status_code == 200
    hidden = re.findall(r'name="order-\d+" value="([^"]+)"', page.text)
    assert hidden == [shown[0], shown[2], shown[1], *shown[3:]]
    assert _view(context, attempt).questions[0].response is None  # checking is the learner's


def test_ordering_has_no_wide_lists_of_every_step(client: TestClient, context: Pmpath) -> None:
    # Each step was a list of every step's text (722-1073 px wide): now a line of its own.
    _, attempt = _ordering_page(client, context)
    page = client.get(f"/attempts/{attempt}/q/0").text
    fieldset = page[page.index('class="ordering"') : page.index("</fieldset>")]
    assert "<select" not in fieldset
    assert 'class="order-list" data-ordering' in fieldset


def test_a_matching_answer_can_leave_items_unmatched(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    item = item_of(context, "matching")
    put_item(context, attempt, 0, item)
    question = _view(context, attempt).questions[0]
    first = question.options[0].id
    saved = client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "match-0": first, "match-1": ""},
        follow_redirects=False,
    )
    assert saved.status_code == 303  # was refused: "the answer names options that are not shown"
    assert _view(context, attempt).questions[0].response == {question.lefts[0]: first}
    page = client.get(f"/attempts/{attempt}/q/0").text
    assert 'class="match-pair"' in page


# -- the placement test ---------------------------------------------------------------------------


def test_the_placement_question_has_a_title_progress_and_its_h1_first(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    started = client.post("/placement", data={"csrf_token": csrf}, follow_redirects=False)
    page = client.get(started.headers["location"]).text
    assert "<title>Question 1 of up to 48 · Placement test · pmpath</title>" in page
    assert "0 answered so far" in page
    assert '<progress max="48" value="0"' in page
    main = page[page.index("<main") :]
    assert re.findall(r"<h([1-6])\b", main)[0] == "1"


def test_a_markdown_table_reflows_with_its_column_names() -> None:
    # A scenario's table of options pushed a 390 px page to 515 px: on a phone each row is
    # now a card whose cells say their column.
    from pmpath.web.pages.render import markdown

    html = str(markdown('| Option | Cost "now" |\n|---|--:|\n| Build <b> | 2 |\n'))
    assert '<table class="reflow">' in html
    assert '<td data-label="Option">Build &lt;b&gt;</td>' in html
    assert '<td style="text-align:right" data-label="Cost &quot;now&quot;">2</td>' in html


def test_a_refused_typed_answer_stays_in_its_field(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    put_item(context, attempt, 0, item_of(context, "numeric"))
    refused = client.post(
        f"/attempts/{attempt}/q/0", data={"csrf_token": csrf, "response": "about twelve"}
    )
    assert refused.status_code == 422
    assert 'id="answer" name="response" inputmode="decimal" value="about twelve"' in refused.text
    assert 'aria-describedby="answer-error"' in refused.text


def test_a_placement_ordering_move_is_shown_not_answered(
    client: TestClient, context: Pmpath
) -> None:
    # An answer in a placement test is final: a move without JavaScript only shows the order.
    csrf = sign_up(client)
    started = client.post("/placement", data={"csrf_token": csrf}, follow_redirects=False)
    url = started.headers["location"]
    attempt = int(url.rsplit("/", 1)[1])
    put_item(context, attempt, 0, item_of(context, "ordering"))
    page = client.get(url).text
    shown = re.findall(r'name="order-\d+" value="([^"]+)"', page)
    assert len(shown) >= 3
    order = {f"order-{n}": option for n, option in enumerate(shown)}
    moved = client.post(url, data={"csrf_token": csrf, "position": "0", "move": "down-1", **order})
    assert moved.status_code == 200
    again = re.findall(r'name="order-\d+" value="([^"]+)"', moved.text)
    assert again == [shown[0], shown[2], shown[1], *shown[3:]]
    view = context.psychometrics.placement(attempt, profile_of(context, EMAIL))
    assert view.answered == 0


def test_a_spaced_review_ordering_move_is_shown_not_answered(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    profile = profile_of(context, EMAIL)
    item = item_of(context, "ordering")
    # A missed practice answer puts the item in the review queue, due at once.
    practice = context.exams.start_practice(profile, None, None, 1)
    put_item(context, practice, 0, item)
    question = context.exams.view(practice, profile).questions[0]
    wrong = [o.id for o in reversed(question.options)]
    context.exams.answer(practice, profile, 0, wrong)
    from sqlalchemy import update

    from pmpath.store.tables import ReviewCardRow

    with context.database.transaction() as session:
        session.execute(update(ReviewCardRow).values(due=context.clock()))
    page = client.get("/review").text
    shown = re.findall(r'name="order-\d+" value="([^"]+)"', page)
    assert shown, "the ordering item is not the one due"
    order = {f"order-{n}": option for n, option in enumerate(shown)}
    moved = client.post(f"/review/{item.id}", data={"csrf_token": csrf, "move": "up-1", **order})
    assert moved.status_code == 200
    again = re.findall(r'name="order-\d+" value="([^"]+)"', moved.text)
    assert again == [shown[1], shown[0], *shown[2:]]
    assert context.exams.review_queue(profile).due  # still due: nothing was answered
