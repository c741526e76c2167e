"""Check-ins on the web and through /api/v1, without JavaScript: a member sets a goal, the
manager records a one-to-one (a form error keeps what was typed; POST, then redirect), the
progress history, who may open the page, and a team's history as a CSV download."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.web.test_colleague_rating_pages import Growth, _growth
from tests.web.test_team_pages import ISO_TIME, _self_assess, _visible_text


def _page(growth: Growth, who: str, member: str) -> str:
    return f"/organisations/{growth.organisation}/members/{growth.people[member].id}/check-ins"


def _goal_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'name="status-(\d+)" value="on-track"', html)]


def test_a_goal_and_a_check_in_end_in_the_progress_history(
    client: TestClient, context: Pmpath
) -> None:
    growth = _growth(client, context, "Mia")
    _self_assess(context, "mia@example.org", level=2)
    ada, mia = growth.people["Ada"], growth.people["Mia"]
    page = _page(growth, "Mia", "Mia")
    own = mia.client.get(page)
    assert own.status_code == 200
    assert "Your check-ins" in own.text
    assert "Record a check-in" not in own.text  # only her manager records one
    assert '<figure class="chart check-in-chart">' not in own.text  # nothing to draw yet
    step = re.search(r'<option value="([^"]+)">\1</option>', own.text.split('id="plan_step"')[1])
    assert step, "her plan's steps are offered"
    competency = context.framework.competencies[0]
    made = mia.client.post(
        page.replace("/check-ins", "/goals"),
        data={
            "csrf_token": mia.csrf,
            "title": "Run the pricing experiment",
            "competency": competency.id,
            "target_level": "3",
            "plan_step": html.unescape(step.group(1)),
            "due_on": "2099-03-31",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, _visible_text(made.text)[-3000:]
    assert made.headers["location"].endswith("/check-ins#goals")
    shown = mia.client.get(made.headers["location"]).text
    assert "Goal set: Run the pricing experiment." in shown
    assert "Due 31 March 2099" in shown

    # the manager records a check-in: a date in the future is refused, and what was typed stays
    form = ada.client.get(page).text
    assert "Mia&#39;s check-ins" in form
    assert "Record a check-in" in form
    (goal,) = _goal_ids(form)
    typed = {
        "csrf_token": ada.csrf,
        "held_on": "2099-01-01",
        "notes": 'Talked about pricing, "v2" and hiring',
        f"status-{goal}": "at-risk",
        f"note-{goal}": "Needs data from finance",
    }
    refused = ada.client.post(page, data=typed)
    assert refused.status_code == 422
    assert "The date must not be in the future" in refused.text
    assert 'value="2099-01-01"' in refused.text
    assert "Talked about pricing, &#34;v2&#34; and hiring</textarea>" in refused.text
    assert 'value="at-risk" checked' in refused.text
    assert 'value="Needs data from finance"' in refused.text
    assert (
        context.check_ins.member(_user(context, "ada"), growth.organisation, mia.id).check_ins == []
    )

    today = context.clock().date()
    saved = ada.client.post(
        page, data={**typed, "held_on": today.isoformat()}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert saved.headers["location"].endswith("#history")
    after = ada.client.get(saved.headers["location"]).text
    day = f"{today.day} {today:%B %Y}"
    assert f"Check-in with Mia on {day} saved." in after
    assert "Needs data from finance" in after
    assert "At risk" in after
    assert "Level when set" in after
    assert '<figure class="chart check-in-chart">' in after
    chart_title = "Each goal&#x27;s status at each check-in: Run the pricing experiment: "
    assert f'aria-label="{chart_title}' in after
    assert "Level now" in after
    assert not ISO_TIME.search(_visible_text(after))

    # done closes the goal: it leaves the form and shows as done
    again = ada.client.post(
        page,
        data={"csrf_token": ada.csrf, "held_on": today.isoformat(), f"status-{goal}": "done"},
    )
    assert again.status_code == 422  # one check-in per day
    assert f"Mia already has a check-in on {day}" in again.text
    yesterday = today - timedelta(days=1)
    closed = ada.client.post(
        page,
        data={"csrf_token": ada.csrf, "held_on": yesterday.isoformat(), f"status-{goal}": "done"},
    )
    assert "1 goal marked done." in closed.text
    assert _goal_ids(closed.text) == []
    assert "Closed goals (1)" in closed.text


def _user(context: Pmpath, name: str):  # type: ignore[no-untyped-def]
    from tests.web.test_colleague_rating_pages import _user as user

    return user(context, f"{name}@example.org")


def test_a_goal_form_error_keeps_what_was_typed(client: TestClient, context: Pmpath) -> None:
    growth = _growth(client, context, "Mia")
    mia = growth.people["Mia"]
    page = _page(growth, "Mia", "Mia")
    refused = mia.client.post(
        page.replace("/check-ins", "/goals"),
        data={"csrf_token": mia.csrf, "title": "Lead discovery", "target_level": "3"},
    )
    assert refused.status_code == 422
    assert 'href="#target_level">Choose the competency the level is for' in refused.text
    assert 'value="Lead discovery"' in refused.text
    assert '<option value="3" selected>' in refused.text
    assert "No open goals." in refused.text


def test_who_may_open_a_members_check_ins(client: TestClient, context: Pmpath) -> None:
    growth = _growth(client, context, "Mia", "Pat")
    pat = growth.people["Pat"]
    assert pat.client.get(_page(growth, "Pat", "Mia")).status_code == 403
    assert pat.client.get(_page(growth, "Pat", "Pat")).status_code == 200
    outsider = TestClient(client.app)
    from tests.web.conftest import sign_up

    sign_up(outsider, "otto@example.org", "Otto")
    assert outsider.get(_page(growth, "Otto", "Mia")).status_code == 404
    team_csv = f"/organisations/{growth.organisation}/teams/{growth.team}/check-ins.csv"
    assert pat.client.get(team_csv).status_code == 403
    assert outsider.get(team_csv).status_code == 404
    anonymous = TestClient(client.app)
    gone = anonymous.get(team_csv, follow_redirects=False)
    assert gone.status_code == 303
    assert gone.headers["location"].startswith("/login")


def test_the_api_sets_goals_records_check_ins_and_exports_csv(
    client: TestClient, context: Pmpath
) -> None:
    growth = _growth(client, context, "Mia")
    ada, mia = growth.people["Ada"], growth.people["Mia"]
    base = f"/api/v1/organisations/{growth.organisation}/members/{mia.id}"
    headers = {"X-CSRF-Token": mia.csrf}
    bad = mia.client.post(f"{base}/goals", json={"title": ""}, headers=headers)
    assert bad.status_code == 422
    assert [p["field"] for p in bad.json()["errors"]] == ["title"]
    goal = mia.client.post(f"{base}/goals", json={"title": "=cmd|' /C calc'!A0"}, headers=headers)
    assert goal.status_code == 201, goal.text
    goal_id = goal.json()["id"]
    today = context.clock().date().isoformat()
    manager = {"X-CSRF-Token": ada.csrf}
    unknown = ada.client.post(
        f"{base}/check-ins", json={"held_on": today, "colour": "red"}, headers=manager
    )
    assert unknown.status_code == 422
    not_mine = mia.client.post(f"{base}/check-ins", json={"held_on": today}, headers=headers)
    assert not_mine.status_code == 403
    made = ada.client.post(
        f"{base}/check-ins",
        json={
            "held_on": today,
            "notes": "Line one\nline two, with a comma",
            "progress": [{"goal_id": goal_id, "status": "on-track", "note": "@here"}],
        },
        headers=manager,
    )
    assert made.status_code == 201, made.text
    assert made.json()["progress"][0]["status"] == "on-track"
    everything = mia.client.get(f"{base}/check-ins").json()
    assert [h["statuses"][0]["status"] for h in everything["history"]] == ["on-track"]
    assert mia.client.get(f"{base}/goals").json()["goals"][0]["status"] == "on-track"

    for path in (
        f"/api/v1/organisations/{growth.organisation}/teams/{growth.team}/check-ins.csv",
        f"/organisations/{growth.organisation}/teams/{growth.team}/check-ins.csv",
    ):
        download = ada.client.get(path)
        assert download.status_code == 200
        assert download.headers["content-type"].startswith("text/csv")
        assert re.fullmatch(
            r'attachment; filename="check-ins-growth-\d{4}-\d{2}-\d{2}\.csv"',
            download.headers["content-disposition"],
        )
        assert download.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"), newline="")))
        assert len(rows) == 1
        assert rows[0]["goal"] == "'=cmd|' /C calc'!A0"
        assert rows[0]["note"] == "'@here"
        assert rows[0]["check-in notes"] == "Line one\nline two, with a comma"
    assert (
        mia.client.get(
            f"/api/v1/organisations/{growth.organisation}/teams/{growth.team}/check-ins.csv"
        ).status_code
        == 403
    )
