"""Promotion cases on the web and through /api/v1, without JavaScript: opening a case, the
document on the case page, the recommendation from draft to submitted, the decision, the
printable document, who may open what, and the API's statuses (201, 403, 404, 409, 422)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.reports.promotions import promotion_case_markdown
from pmpath.services.promotions import PromotionService
from tests.web.conftest import sign_up
from tests.web.test_colleague_rating_pages import Growth, _growth, _rate, _user
from tests.web.test_team_pages import ISO_TIME, _self_assess, _visible_text

TARGET = "senior-product-manager"
#: A decision shown as its stored value ("Decided: promote", "not-yet") instead of words.
RAW_DECISION = re.compile(r"\bpromote\b(?! to)|not-yet")
AS_SUBMITTED = re.compile(r"As submitted on \d{1,2} [A-Z][a-z]+ \d{4}")


def _words(html: str) -> str:
    return " ".join(unescape(_visible_text(html)).split())


def _open_case(growth: Growth, member: str = "Mia") -> str:
    """Ada opens a case for ``member`` through the form; the case page's path."""
    ada = growth.people["Ada"]
    opened = ada.client.post(
        f"/organisations/{growth.organisation}/promotions",
        data={
            "csrf_token": ada.csrf,
            "member": str(growth.people[member].id),
            "target_role": TARGET,
            "specialisation": "",
        },
    )
    assert opened.status_code == 200, opened.text
    assert re.search(r"/promotions/\d+$", str(opened.url))
    return str(opened.url).split("testserver", 1)[1]


def test_a_case_from_draft_to_decision_on_the_pages(client: TestClient, context: Pmpath) -> None:
    growth = _growth(client, context, "Mia", "Pat")
    _self_assess(context, "mia@example.org", 2)
    _rate(growth, "Ada", "Mia", 4, note="Led the pricing review", link="https://example.org/r")
    ada, mia, pat = growth.people["Ada"], growth.people["Mia"], growth.people["Pat"]
    listing = client.get(f"/organisations/{growth.organisation}/promotions")
    assert listing.status_code == 200
    assert "Open a case" in listing.text
    assert f'<option value="{mia.id}">Mia</option>' in listing.text

    path = _open_case(growth)
    page = client.get(path)
    words = _words(page.text)
    for part in (
        "Mia for Senior Product Manager",
        "Draft",
        "Ratings by source",
        "Led the pricing review",
        "2+ levels apart",
        "No exams taken",
        "Gaps left for Senior Product Manager",
        "The plan",
        "Assembled now from what pmpath holds today",
    ):
        assert part in words, part
    assert "As submitted on" not in words
    assert 'name="recommendation"' in page.text
    assert not ISO_TIME.search(_visible_text(page.text))
    # A draft is Ada's working copy: Mia does not see it, a peer never.
    assert mia.client.get(path).status_code == 404
    assert (
        "No promotion cases for you to see"
        in mia.client.get(f"/organisations/{growth.organisation}/promotions").text
    )
    assert pat.client.get(path).status_code == 403

    empty = client.post(
        f"{path}/recommendation",
        data={"csrf_token": ada.csrf, "recommendation": "  ", "then": "submit"},
    )
    assert empty.status_code == 422
    assert 'id="recommendation-error"' in empty.text
    saved = client.post(
        f"{path}/recommendation",
        data={"csrf_token": ada.csrf, "recommendation": "Mia runs pricing.", "then": "save"},
    )
    assert saved.status_code == 200
    assert "Saved your recommendation" in saved.text
    assert ">Mia runs pricing.</textarea>" in saved.text
    submitted = client.post(
        f"{path}/recommendation",
        data={"csrf_token": ada.csrf, "recommendation": "Mia runs pricing well.", "then": "submit"},
    )
    assert "Submitted the case" in submitted.text
    assert 'name="recommendation"' not in submitted.text  # no more edits
    late = client.post(
        f"{path}/recommendation",
        data={"csrf_token": ada.csrf, "recommendation": "Changed", "then": "save"},
    )
    assert late.status_code == 409
    assert "cannot be edited" in late.text

    mine = mia.client.get(path)
    assert mine.status_code == 200
    assert "Your case for Senior Product Manager" in _words(mine.text)
    assert AS_SUBMITTED.search(_words(mine.text))
    assert "Assembled now" not in _words(mine.text)
    assert "Mia runs pricing well." in mine.text
    assert "Record the decision" not in mine.text
    assert (
        mia.client.post(
            f"{path}/decide", data={"csrf_token": mia.csrf, "decision": "promote", "note": "Yes"}
        ).status_code
        == 403
    )

    deciding = _words(client.get(path).text)
    assert "a decision records the outcome; it does not change anyone's placement" in (
        deciding.casefold()
    )
    undecided = client.post(f"{path}/decide", data={"csrf_token": ada.csrf, "note": "Good"})
    assert undecided.status_code == 422
    assert 'id="decision-error"' in undecided.text
    assert "Choose Promote or Not yet" in _words(undecided.text)
    decided = client.post(
        f"{path}/decide",
        data={"csrf_token": ada.csrf, "decision": "promote", "note": "Clear evidence."},
    )
    assert "Recorded the decision: Promote to Senior Product Manager." in _words(decided.text)
    seen = _words(mia.client.get(path).text)
    for part in (
        "Decided: Promote to Senior Product Manager",
        "Decision: Promote to Senior Product Manager",
        "Clear evidence.",
        "it does not change anyone's placement. Mia's role on the ladder follows their "
        "self-assessment",
    ):
        assert part in seen, part
    assert AS_SUBMITTED.search(seen)
    assert not RAW_DECISION.search(seen)
    listed = _words(mia.client.get(f"/organisations/{growth.organisation}/promotions").text)
    assert "Decided: Promote to Senior Product Manager" in listed
    printed = _words(client.get(f"{path}/print").text)
    assert "Decided: Promote to Senior Product Manager" in printed
    assert AS_SUBMITTED.search(printed)
    assert not RAW_DECISION.search(printed)
    log = context.teams.access_log(_user(context, "ada@example.org"), growth.organisation)
    assert ("Ada", "Mia", "promotion case") in [(e.viewer, e.subject, e.what) for e in log.entries]


def test_the_printable_document(client: TestClient, context: Pmpath) -> None:
    growth = _growth(client, context, "Mia")
    _self_assess(context, "mia@example.org", 2)
    _rate(growth, "Ada", "Mia", 3, note="Ran discovery", link="https://example.org/discovery")
    path = _open_case(growth)
    assert 'href="' + path + '/print"' in client.get(path).text
    printed = client.get(f"{path}/print")
    assert printed.status_code == 200
    html = printed.text
    assert html.startswith("<!DOCTYPE html>")
    assert "@media print" in html
    assert 'a[href^="http"]::after' in html  # links printed with their address
    assert "section.part { break-before: page; }" in html
    assert f'href="{path}"' in html  # back to the case (not printed)
    assert 'href="https://example.org/discovery"' in html
    assert "Ran discovery" in html
    assert "No exams taken" in html
    assert not ISO_TIME.search(_visible_text(html))


def test_the_open_form_shows_its_problems_back(client: TestClient, context: Pmpath) -> None:
    growth = _growth(client, context, "Mia")
    ada, mia = growth.people["Ada"], growth.people["Mia"]
    base = f"/organisations/{growth.organisation}/promotions"
    none = client.post(base, data={"csrf_token": ada.csrf, "member": "", "target_role": TARGET})
    assert none.status_code == 422
    assert 'id="member-error"' in none.text
    bad = client.post(
        base, data={"csrf_token": ada.csrf, "member": str(mia.id), "target_role": "ceo"}
    )
    assert bad.status_code == 422
    assert 'id="target_role-error"' in bad.text
    # A member may not open one: the form is not there, and posting is refused.
    assert "Open a case" not in mia.client.get(base).text
    refused = mia.client.post(
        base, data={"csrf_token": mia.csrf, "member": str(mia.id), "target_role": TARGET}
    )
    assert refused.status_code == 403
    assert (
        context.promotions.cases(_user(context, "ada@example.org"), growth.organisation).cases == []
    )


def test_the_api(client: TestClient, context: Pmpath) -> None:
    growth = _growth(client, context, "Mia", "Pat")
    mia, pat = growth.people["Mia"], growth.people["Pat"]
    base = f"/api/v1/organisations/{growth.organisation}/promotion-cases"
    ada = growth.people["Ada"]

    def ada_post(url: str, **kwargs: Any) -> Any:
        return client.post(url, headers={"X-CSRF-Token": ada.csrf}, **kwargs)

    def ada_patch(url: str, **kwargs: Any) -> Any:
        return client.patch(url, headers={"X-CSRF-Token": ada.csrf}, **kwargs)

    def mia_post(url: str, **kwargs: Any) -> Any:
        return mia.client.post(url, headers={"X-CSRF-Token": mia.csrf}, **kwargs)

    assert client.get(base).json()["cases"] == []
    bad = ada_post(base, json={"member_id": mia.id})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "target_role"
    made = ada_post(base, json={"member_id": mia.id, "target_role": TARGET})
    assert made.status_code == 201, made.text
    case = made.json()
    assert (case["status"], case["subject"]["name"]) == ("draft", "Mia")
    one = f"{base}/{case['id']}"
    assert ada_post(base, json={"member_id": mia.id, "target_role": TARGET}).status_code == 409
    assert pat.client.get(one).status_code == 403
    assert mia.client.get(one).status_code == 404  # a draft
    assert ada_post(f"{one}/submit").status_code == 422  # nothing written
    patched = ada_patch(one, json={"recommendation": "Ready for it."})
    assert patched.status_code == 200
    assert patched.json()["recommendation"] == "Ready for it."
    assert ada_patch(one, json={"recommendation": "x" * 10_001}).status_code == 422
    assert ada_post(f"{one}/submit").json()["status"] == "submitted"
    assert ada_post(f"{one}/submit").status_code == 409
    assert ada_patch(one, json={"recommendation": "Later"}).status_code == 409
    view = mia.client.get(one)
    assert view.status_code == 200
    document = view.json()["document"]
    assert {"competencies", "exams", "gaps", "plan", "target"} <= set(document)
    assert document["exams"]["taken"] is False
    wrong = ada_post(f"{one}/decide", json={"decision": "maybe", "note": "Hm"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "decision"
    assert mia_post(f"{one}/decide", json={"decision": "promote", "note": "Yes"}).status_code == 403
    decided = ada_post(f"{one}/decide", json={"decision": "not-yet", "note": "One more launch."})
    assert decided.json()["decision"] == "not-yet"
    assert ada_post(f"{one}/decide", json={"decision": "promote", "note": "No"}).status_code == 409
    otto = TestClient(client.app)
    sign_up(otto, "otto@example.org", "Otto")
    assert otto.get(one).status_code == 404
    assert otto.get(base).status_code == 404


def test_the_plan_says_why_it_is_empty(
    client: TestClient, context: Pmpath, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Gaps with no step for them are the ladder's missing actions, not "no gap left"; only
    without gaps does the plan say there is nothing to close (page, print and Markdown)."""
    growth = _growth(client, context, "Mia")
    _self_assess(context, "mia@example.org", 1)
    path = _open_case(growth)
    case_id = int(path.rsplit("/", 1)[1])
    ada = _user(context, "ada@example.org")
    assembled = PromotionService._assemble
    no_actions = (
        "Your ladder has no development actions for these gaps yet: agree the steps in a check-in."
    )

    def texts() -> list[str]:
        view = context.promotions.view(ada, growth.organisation, case_id)
        return [
            _words(client.get(path).text),
            _words(client.get(f"{path}/print").text),
            promotion_case_markdown(view),
        ]

    def without(*parts: str) -> None:
        def assemble(self: PromotionService, *args: Any) -> Any:
            document = assembled(self, *args)
            plan = document.plan.model_copy(update={"steps": []})
            return document.model_copy(update={"plan": plan, **{p: [] for p in parts}})

        monkeypatch.setattr(PromotionService, "_assemble", assemble)

    without()
    for text in texts():
        assert "Gaps left for Senior Product Manager" in text
        assert no_actions in text
        assert "no gap left to close" not in text
    without("gaps")
    for text in texts():
        assert "No steps: there is no gap left to close." in text
        assert "no development actions" not in text
