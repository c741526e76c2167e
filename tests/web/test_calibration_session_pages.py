"""Calibration on the web and through /api/v1, without JavaScript: the session grid for a role,
adjusting a level with a reason (and without one), the audit trail, raters' severities in plain
words or the reason the model cannot run yet, and who may open each."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.web.conftest import sign_up
from tests.web.test_colleague_rating_pages import Growth, _growth, _user
from tests.web.test_team_pages import ISO_TIME, _self_assess, _visible_text


def _role(context: Pmpath, growth: Growth) -> tuple[str, str]:
    """(id, name) of the role Mia and Pat's self-assessments (level 2 everywhere) place them."""
    ada = _user(context, "ada@example.org")
    found = context.calibration_sessions.session(ada, growth.organisation)
    (role,) = [r for r in found.roles if r.placed]
    return role.id, role.name


def _setup(client: TestClient, context: Pmpath) -> Growth:
    growth = _growth(client, context, "Mia", "Pat")
    for name in ("mia", "pat"):
        _self_assess(context, f"{name}@example.org", 2)
    return growth


def test_an_admin_adjusts_a_level_with_a_reason_and_it_shows_in_the_session_and_audit(
    client: TestClient, context: Pmpath
) -> None:
    growth = _setup(client, context)
    role, role_name = _role(context, growth)
    ada, mia = growth.people["Ada"], growth.people["Mia"]
    base = f"/organisations/{growth.organisation}/calibration"
    chooser = ada.client.get(base)
    assert chooser.status_code == 200
    assert f"{role_name} (2 placed)" in chooser.text
    grid = ada.client.get(f"{base}?role={role}")
    assert grid.status_code == 200, grid.text
    text = _visible_text(grid.text)
    assert "Mia" in text
    assert "Pat" in text
    assert "self-assessment" in text
    assert "No severity-adjusted levels yet." in text
    assert not ISO_TIME.search(text)
    competency = context.framework.competencies[0]
    form = {
        "csrf_token": ada.csrf,
        "member": str(mia.id),
        "role": role,
        "competency": competency.id,
        "level": "3",
        "reason": "",
    }
    refused = ada.client.post(f"{base}/adjustments", data=form)
    assert refused.status_code == 422
    assert f'href="#reason-{mia.id}"' in refused.text
    assert f'id="reason-{mia.id}"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert "No level has been adjusted yet." in ada.client.get(f"{base}/audit").text
    no_level = ada.client.post(f"{base}/adjustments", data={**form, "level": ""})
    assert no_level.status_code == 422
    assert f'href="#level-{mia.id}"' in no_level.text
    assert "Mia: choose the level to set" in no_level.text  # which form, on a page of many
    done = ada.client.post(
        f"{base}/adjustments",
        data={**form, "reason": "Ran the pricing discovery end to end"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{base}?role={role}#person-{mia.id}"
    after = ada.client.get(done.headers["location"].split("#")[0])
    assert f"Set Mia&#39;s level in {competency.name} to 3 (it was 2)." in after.text
    assert "calibrated" in _visible_text(after.text)
    audit = ada.client.get(f"{base}/audit")
    text = _visible_text(audit.text)
    assert "Ran the pricing discovery end to end" in text
    assert "2 → 3" in text
    assert competency.name in text
    assert "Ada" in text
    assert not ISO_TIME.search(text)


def test_who_may_open_the_calibration_pages(client: TestClient, context: Pmpath) -> None:
    growth = _setup(client, context)
    mia = growth.people["Mia"]
    base = f"/organisations/{growth.organisation}/calibration"
    outsider = TestClient(client.app)
    sign_up(outsider, "otto@example.org", "Otto")
    for path in (base, f"{base}/raters", f"{base}/audit"):
        assert mia.client.get(path).status_code == 403
        assert outsider.get(path).status_code == 404
    post = mia.client.post(
        f"{base}/adjustments",
        data={
            "csrf_token": mia.csrf,
            "member": str(growth.people["Pat"].id),
            "competency": context.framework.competencies[0].id,
            "level": "3",
            "reason": "peer",
        },
    )
    assert post.status_code == 403


def test_raters_page_says_why_without_data_and_shows_plain_words_with_it(
    client: TestClient, context: Pmpath
) -> None:
    growth = _setup(client, context)
    ada = growth.people["Ada"]
    base = f"/organisations/{growth.organisation}/calibration"
    empty = ada.client.get(f"{base}/raters")
    assert empty.status_code == 200
    assert "Not enough data yet." in empty.text
    assert "there are no ratings to calibrate" in empty.text
    ada_user = _user(context, "ada@example.org")
    for name, base_level in (("Mia", 4), ("Pat", 3)):
        for n, competency in enumerate(context.framework.competencies):
            level = min(5, max(1, base_level + n % 3 - 1))
            context.colleague_ratings.rate(
                ada_user, growth.organisation, growth.people[name].id, competency.id, level
            )
    found = ada.client.get(f"{base}/raters")
    text = " ".join(_visible_text(found.text).split())
    assert found.status_code == 200
    assert "Not enough data yet." not in text
    assert re.search(r"Ada \(you\) Manager", text)
    assert "than the average rater." in text
    assert "Levels with rater severity taken out" in text
    assert not ISO_TIME.search(text)


def test_a_rater_with_few_ratings_gets_only_the_few_ratings_note(
    client: TestClient, context: Pmpath
) -> None:
    """Ada rates Mia 3, 3 and 1 in three competencies: two raters (Ada and Mia's
    self-assessment) of one person; three ratings say nothing about Ada's consistency."""
    growth = _setup(client, context)
    ada = growth.people["Ada"]
    ada_user = _user(context, "ada@example.org")
    competencies = [c.id for c in context.framework.competencies][:3]
    for competency, level in zip(competencies, (3, 3, 1), strict=True):
        context.colleague_ratings.rate(
            ada_user, growth.organisation, growth.people["Mia"].id, competency, level
        )
    found = ada.client.get(f"/organisations/{growth.organisation}/calibration/raters")
    assert found.status_code == 200
    text = " ".join(_visible_text(found.text).split())
    assert "From 23 ratings by 2 raters of 1 person." in text
    start = text.index("Ada (you)")
    row = text[start : text.index("Mia", start)]
    assert "fewer than 10 ratings" in row
    assert "across the board" not in row
    assert "agree with the others" not in row


def test_the_api_reports_sessions_adjusts_and_lists_the_trail(
    client: TestClient, context: Pmpath
) -> None:
    growth = _setup(client, context)
    role, _ = _role(context, growth)
    ada, mia = growth.people["Ada"], growth.people["Mia"]
    api = f"/api/v1/organisations/{growth.organisation}/calibration"
    raters = ada.client.get(f"{api}/raters")
    assert raters.status_code == 200
    assert raters.json()["model"]["available"] is False
    assert raters.json()["model"]["reason"]
    session = ada.client.get(f"{api}/session", params={"role": role}).json()
    assert {p["name"] for p in session["people"]} == {"Mia", "Pat"}
    headers = {"X-CSRF-Token": ada.csrf}
    competency = context.framework.competencies[1].id
    body = {"member_id": mia.id, "competency": competency, "level": 4, "reason": "", "role": role}
    refused = ada.client.post(f"{api}/adjustments", json=body, headers=headers)
    assert refused.status_code == 422
    assert "reason" in refused.text
    wrong_type = ada.client.post(f"{api}/adjustments", json={**body, "level": "4"}, headers=headers)
    assert wrong_type.status_code == 422
    made = ada.client.post(
        f"{api}/adjustments", json={**body, "reason": "Calibrated against peers"}, headers=headers
    )
    assert made.status_code == 201, made.text
    assert (made.json()["from_level"], made.json()["to_level"]) == (2, 4)
    trail = ada.client.get(f"{api}/adjustments").json()["entries"]
    assert [(e["subject"], e["reason"]) for e in trail] == [("Mia", "Calibrated against peers")]
    assert mia.client.get(f"{api}/adjustments").status_code == 403
    assert (
        mia.client.post(
            f"{api}/adjustments", json=body | {"reason": "x"}, headers={"X-CSRF-Token": mia.csrf}
        ).status_code
        == 403
    )
