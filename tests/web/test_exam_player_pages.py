"""The exam player in the browser never loses a pick (issue #15): flagging, moving to another
question and going to hand in all save the pick first, without JavaScript; handing in goes
through a summary of what is unanswered and flagged; running out of time is explained."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.conftest import right_answer
from tests.web.conftest import form_for, profile_of, sign_up
from tests.web.test_exam_pages import start


def _pick(context: Pmpath, attempt: int, position: int) -> dict[str, object]:
    view = context.exams.view(attempt, profile_of(context, "ana@example.org"))
    question = view.questions[position]
    item = context.exams.bank.item(question.item_id)
    return form_for(question.model_dump(mode="json"), right_answer(item, question))


def _responses(context: Pmpath, attempt: int) -> list[object]:
    view = context.exams.view(attempt, profile_of(context, "ana@example.org"))
    return [q.response for q in view.questions]


def test_flagging_keeps_the_pick(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    fields = _pick(context, attempt, 0)
    flagged = client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "action": "flag", **fields},
        follow_redirects=False,
    )
    assert flagged.status_code == 303
    assert _responses(context, attempt)[0] is not None  # was thrown away before
    view = context.exams.view(attempt, profile_of(context, "ana@example.org"))
    assert view.questions[0].flagged


def test_a_question_number_saves_the_pick_and_moves(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    moved = client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "goto": "7", **_pick(context, attempt, 0)},
        follow_redirects=False,
    )
    assert moved.headers["location"] == f"/attempts/{attempt}/q/7"
    assert _responses(context, attempt)[0] is not None
    page = client.get(f"/attempts/{attempt}/q/7").text
    assert 'form="answer-form" name="goto" value="0"' in page


def test_handing_in_goes_through_a_summary(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    client.post(f"/attempts/{attempt}/q/1", data={"csrf_token": csrf, "action": "flag"})
    to_summary = client.post(
        f"/attempts/{attempt}/q/0",
        data={"csrf_token": csrf, "action": "summary", **_pick(context, attempt, 0)},
        follow_redirects=False,
    )
    assert to_summary.headers["location"] == f"/attempts/{attempt}/summary"
    summary = client.get(f"/attempts/{attempt}/summary").text
    assert "1 of 30 questions answered, 1 flagged" in summary
    assert "Not answered" in summary
    assert "Flagged to revisit" in summary
    assert "Return to the attempt" in summary
    assert _responses(context, attempt)[0] is not None  # nothing handed in yet
    finished = client.post(f"/attempts/{attempt}/finish", data={"csrf_token": csrf})
    assert "Score" in finished.text


def test_running_out_of_time_is_explained(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf)
    client.post(f"/attempts/{attempt}/q/0", data={"csrf_token": csrf, **_pick(context, attempt, 0)})
    fields = _pick(context, attempt, 1)
    from pmpath.store.tables import AttemptRow

    with context.database.transaction() as session:  # the deadline passes on this page
        row = session.get(AttemptRow, attempt)
        assert row is not None
        row.deadline = context.clock() - timedelta(seconds=1)
    late = client.post(f"/attempts/{attempt}/q/1", data={"csrf_token": csrf, **fields})
    assert late.url.path == f"/attempts/{attempt}/results"
    assert "Time ran out, so the exam was handed in for you: 1 of 30 answers" in late.text
