"""Time in the exam player (issue #15, WCAG 2.2.1): extra time set per learner by an
administrator or chosen by the learner for a practice exam, the deadline computed with it, and
running out of time handed in on the server with a message that says what counted."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.errors import ForbiddenError, PmpathError
from pmpath.store.tables import AttemptRow
from tests.conftest import right_answer
from tests.web.conftest import PASSWORD, csrf_of, form_for, profile_of, sign_in, sign_up
from tests.web.player_support import set_deadline

EMAIL = "ana@example.org"
EXAM = "scrum-master"  # 30 questions, 45 minutes


def _start(client: TestClient, csrf: str, time: str | None = None) -> int:
    data = {"csrf_token": csrf} | ({"time": time} if time else {})
    started = client.post(f"/exams/{EXAM}/start", data=data, follow_redirects=False)
    assert started.status_code == 303, started.text
    return int(started.headers["location"].rsplit("/", 1)[1])


def _row(context: Pmpath, attempt: int) -> tuple[datetime, datetime | None, str | None]:
    with context.database.transaction() as session:
        row = session.get(AttemptRow, attempt)
        assert row is not None
        return row.started_at, row.deadline, row.time_allowance


def _right(context: Pmpath, attempt: int, position: int) -> dict[str, object]:
    question = context.exams.view(attempt, profile_of(context, EMAIL)).questions[position]
    item = context.exams.bank.item(question.item_id)
    return form_for(question.model_dump(mode="json"), right_answer(item, question))


# -- the learner's choice -------------------------------------------------------------------------


def test_the_start_page_offers_extra_time_with_minutes(client: TestClient) -> None:
    sign_up(client)
    page = client.get(f"/exams/{EXAM}/start")
    assert page.status_code == 200
    assert "How much time do you want?" in page.text
    assert "50% extra time (68 minutes)" in page.text  # 45 x 1.5 = 67.5
    assert "Double time (90 minutes)" in page.text
    assert "No time limit" in page.text
    assert ">extra-" not in page.text  # ids are form values, never visible text


def test_a_learner_chosen_extra_time_lengthens_the_deadline(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = _start(client, csrf, "extra-50")
    started, deadline, allowance = _row(context, attempt)
    assert deadline == started + timedelta(minutes=68)
    assert allowance == "extra-50"
    page = client.get(f"/attempts/{attempt}/q/0").text
    assert "(50% extra time)" in page
    view = context.exams.view(attempt, profile_of(context, EMAIL))
    assert view.time_allowance == "extra-50"
    assert 67 * 60 < (view.seconds_left or 0) <= 68 * 60


def test_an_untimed_attempt_has_no_deadline_and_no_timer(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = _start(client, csrf, "untimed")
    assert _row(context, attempt)[1] is None
    page = client.get(f"/attempts/{attempt}/q/0").text
    assert 'id="timer"' not in page
    assert "No time limit" in page


def test_the_standard_start_keeps_the_exams_time(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = _start(client, csrf)
    started, deadline, allowance = _row(context, attempt)
    assert deadline == started + timedelta(minutes=45)
    assert allowance is None


def test_an_unknown_time_choice_is_refused_on_its_field(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    refused = client.post(f"/exams/{EXAM}/start", data={"csrf_token": csrf, "time": "extra-900"})
    assert refused.status_code == 422
    assert 'aria-describedby="time-error time-hint"' in refused.text
    assert 'id="time-error" class="field-error"' in refused.text
    assert "Choose one of the times offered." in refused.text
    assert context.exams.unfinished(profile_of(context, EMAIL)) == []


def test_a_blueprint_can_keep_its_time_limit(client: TestClient, context: Pmpath) -> None:
    strict = context.exams.blueprint(EXAM).model_copy(update={"learner_extra_time": False})
    context.exams.blueprints[EXAM] = strict
    csrf = sign_up(client)
    page = client.get(f"/exams/{EXAM}/start").text
    assert "How much time do you want?" not in page
    assert "ask an administrator" in page
    refused = client.post(f"/exams/{EXAM}/start", data={"csrf_token": csrf, "time": "untimed"})
    assert refused.status_code == 422
    assert "runs to its time limit of 45 minutes" in refused.text
    with pytest.raises(PmpathError):
        context.exams.start_mock(profile_of(context, EMAIL), EXAM, time="extra-25")


# -- the administrator's setting ------------------------------------------------------------------


def _admin(client: TestClient, context: Pmpath) -> str:
    context.accounts.sign_up("root@example.org", "Root", PASSWORD, role="admin")
    sign_in(client, "root@example.org")
    return csrf_of(client.get("/account").text)


def test_an_admin_gives_a_learner_extra_time_for_every_exam(
    client: TestClient, context: Pmpath
) -> None:
    learner = context.accounts.sign_up(EMAIL, "Ana", PASSWORD)
    csrf = _admin(client, context)
    users = client.get("/admin/users").text
    assert f'id="time-{learner.id}" name="time_allowance"' in users
    changed = client.post(
        f"/admin/users/{learner.id}/time",
        data={"csrf_token": csrf, "time_allowance": "extra-25"},
    )
    assert "Exams for Ana now run with 25% extra time." in changed.text
    assert re.search(r'<option value="extra-25" selected>25% extra time</option>', changed.text)
    # The learner's next exam runs with it, though they chose nothing.
    client.post("/logout", data={"csrf_token": csrf})
    sign_in(client, EMAIL)
    own = csrf_of(client.get("/account").text)
    assert "25% extra time" in client.get(f"/exams/{EXAM}/start").text
    attempt = _start(client, own)
    started, deadline, allowance = _row(context, attempt)
    assert deadline == started + timedelta(minutes=56)  # 45 x 1.25 = 56.25
    assert allowance == "extra-25"


def test_the_more_generous_of_admin_and_learner_time_applies(context: Pmpath) -> None:
    learner = context.accounts.sign_up(EMAIL, "Ana", PASSWORD)
    admin = context.accounts.sign_up("root@example.org", "Root", PASSWORD, role="admin")
    context.accounts.set_time_allowance(admin, learner.id, "extra-50")
    shorter = context.exams.begin_mock(learner.profile, EXAM, time="extra-25")
    assert shorter.time_allowance == "extra-50"
    longer = context.exams.begin_mock(learner.profile, EXAM, time="untimed")
    assert longer.time_allowance == "untimed"
    assert longer.seconds_left is None


def test_an_unknown_allowance_from_the_admin_form_changes_nothing(
    client: TestClient, context: Pmpath
) -> None:
    learner = context.accounts.sign_up(EMAIL, "Ana", PASSWORD)
    csrf = _admin(client, context)
    refused = client.post(
        f"/admin/users/{learner.id}/time",
        data={"csrf_token": csrf, "time_allowance": "forever"},
    )
    assert refused.status_code == 422
    assert f'aria-describedby="time-{learner.id}-error"' in refused.text
    assert "Choose one of the times in the list." in refused.text
    assert context.exams.time_allowance(learner.profile) == "standard"


def test_extra_time_for_a_missing_user_is_not_found(client: TestClient, context: Pmpath) -> None:
    csrf = _admin(client, context)
    missing = client.post(
        "/admin/users/999/time", data={"csrf_token": csrf, "time_allowance": "extra-50"}
    )
    assert missing.status_code == 404


def test_only_an_admin_sets_extra_time(client: TestClient, context: Pmpath) -> None:
    root = context.accounts.sign_up("root@example.org", "Root", PASSWORD, role="admin")
    csrf = sign_up(client)  # a learner, signed in
    ana = next(u for u in context.accounts.users(root) if u.email == EMAIL)
    forbidden = client.post(
        f"/admin/users/{ana.id}/time", data={"csrf_token": csrf, "time_allowance": "untimed"}
    )
    assert forbidden.status_code == 403
    with pytest.raises(ForbiddenError):
        context.accounts.set_time_allowance(ana, ana.id, "untimed")
    assert context.exams.time_allowance(ana.profile) == "standard"


# -- running out of time --------------------------------------------------------------------------


def test_the_scripts_save_after_the_deadline_leads_to_the_explained_results(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = _start(client, csrf)
    client.post(
        f"/attempts/{attempt}/q/0", data={"csrf_token": csrf, **_right(context, attempt, 0)}
    )
    set_deadline(context, attempt, context.clock() - timedelta(seconds=1))
    late = client.post(
        f"/attempts/{attempt}/q/1",
        data={"csrf_token": csrf, "action": "autosave", **_right(context, attempt, 1)},
    )
    assert late.status_code == 409
    assert late.json() == {"saved": False, "finished": f"/attempts/{attempt}/results"}
    results = client.get(late.json()["finished"]).text
    assert "Time ran out, so the exam was handed in for you: 1 of 30 answers were saved" in results
    assert "The answer sent after the deadline was not saved." in results


def test_the_timers_hand_in_after_the_deadline_loses_nothing_saved(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = _start(client, csrf)
    pick = _right(context, attempt, 0)
    client.post(f"/attempts/{attempt}/q/0", data={"csrf_token": csrf, "action": "autosave", **pick})
    set_deadline(context, attempt, context.clock() - timedelta(seconds=1))
    # The page's clock reached zero and handed the form in, with the pick already saved.
    handed = client.post(
        f"/attempts/{attempt}/q/0", data={"csrf_token": csrf, "action": "timeout", **pick}
    )
    assert handed.url.path == f"/attempts/{attempt}/results"
    assert "1 of 30 answers were saved before the deadline and counted." in handed.text
    assert "was not saved" not in handed.text


def test_the_timers_hand_in_before_the_servers_deadline_goes_back(
    client: TestClient, context: Pmpath
) -> None:
    # A fast client clock never ends an exam early: the server's clock decides.
    csrf = sign_up(client)
    attempt = _start(client, csrf)
    early = client.post(
        f"/attempts/{attempt}/q/3",
        data={"csrf_token": csrf, "action": "timeout"},
        follow_redirects=False,
    )
    assert early.headers["location"] == f"/attempts/{attempt}/q/3"
    assert context.exams.view(attempt, profile_of(context, EMAIL)).finished_at is None


def test_coming_back_after_the_deadline_explains_what_happened(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = _start(client, csrf)
    set_deadline(context, attempt, context.clock() - timedelta(minutes=5))
    back = client.get(f"/attempts/{attempt}/q/2")
    assert back.url.path == f"/attempts/{attempt}/results"
    assert "Time ran out, so the exam was handed in for you: 0 of 30 answers" in back.text


def test_the_timer_script_announces_and_hands_in(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    attempt = _start(client, csrf)
    page = client.get(f"/attempts/{attempt}/q/0").text
    assert 'id="timer-polite" role="status" aria-live="polite"' in page
    assert 'id="timer-alert" aria-live="assertive"' in page
    script = client.get("/static/timer.js").text
    assert "5 minutes left." in script
    assert "1 minute left." in script
    assert '"timeout"' in script
