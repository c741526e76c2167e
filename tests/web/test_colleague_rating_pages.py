"""Manager and peer ratings on the web and through /api/v1, without JavaScript: rating a
colleague one competency per step, the ratings side by side (peers only from three, the
two-level flag, who may open it), and a manager asking the team to self-assess by a date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.web.conftest import sign_up
from tests.web.test_team_pages import (
    ISO_TIME,
    _invitation_link,
    _organisation_with_team,
    _self_assess,
    _visible_text,
)


@dataclass
class Person:
    id: int
    client: TestClient
    csrf: str


@dataclass
class Growth:
    organisation: int
    team: int
    people: dict[str, Person]


def _growth(client: TestClient, context: Pmpath, *members: str) -> Growth:
    """Ada (organisation admin, Growth's manager) and ``members`` who joined Growth by
    invitation, each with a browser of their own."""
    csrf, organisation, team = _organisation_with_team(client)
    people = {"Ada": Person(0, client, csrf)}
    for name in members:
        link = _invitation_link(client, csrf, team)
        browser = TestClient(client.app)
        member_csrf = sign_up(browser, f"{name.lower()}@example.org", name)
        browser.post(link.split("testserver", 1)[1] + "/accept", data={"csrf_token": member_csrf})
        people[name] = Person(0, browser, member_csrf)
    ids = {
        m.name: m.user_id
        for m in context.teams.team(_user(context, "ada@example.org"), team).members
    }
    for name, person in people.items():
        person.id = ids[name]
    return Growth(organisation, team, people)


def _user(context: Pmpath, email: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from pmpath.services.accounts import User
    from pmpath.store.tables import ProfileRow, UserRow

    with context.database.transaction() as session:
        row = session.scalars(select(UserRow).where(UserRow.email == email)).one()
        profile = session.get(ProfileRow, row.profile_id)
        assert profile is not None
        return User(row.id, row.email, row.name, row.role, profile.name)


def _rate(growth: Growth, rater: str, subject: str, level: int, **evidence: str):  # type: ignore[no-untyped-def]
    person, target = growth.people[rater], growth.people[subject]
    path = f"/organisations/{growth.organisation}/members/{target.id}/rate"
    form = person.client.get(f"{path}?step=1")
    assert form.status_code == 200, form.text
    competency = re.search(r'name="competency" value="([^"]+)"', form.text)
    assert competency
    data = {
        "csrf_token": person.csrf,
        "competency": competency.group(1),
        "step": "1",
        "level": str(level),
        **evidence,
    }
    return person.client.post(path, data=data)


def test_manager_and_peers_rate_and_the_member_sees_it_side_by_side(
    client: TestClient, context: Pmpath
) -> None:
    growth = _growth(client, context, "Mia", "Pat", "Quinn", "Rui")
    _self_assess(context, "mia@example.org", 2)
    mia = growth.people["Mia"]
    team_page = client.get(f"/teams/{growth.team}").text
    assert "Rate Mia" in team_page
    # Ada, Growth's manager, rates Mia's first competency two levels above Mia's own.
    rated = _rate(
        growth, "Ada", "Mia", 4, note="Led the pricing review", link="https://example.org/r"
    )
    assert rated.status_code == 200
    assert str(rated.url).endswith("?step=2")  # saved, and on to the next competency
    for peer, level in (("Pat", 1), ("Quinn", 4)):
        assert _rate(growth, peer, "Mia", level).status_code == 200
    view_path = f"/organisations/{growth.organisation}/members/{mia.id}/ratings"
    two_peers = _visible_text(mia.client.get(view_path).text)
    assert "shown once 3 have rated" in two_peers
    assert "2+ levels apart" in two_peers
    assert "Led the pricing review" in two_peers
    _rate(growth, "Rui", "Mia", 3)
    three = _visible_text(mia.client.get(view_path).text)
    assert "3 (median of 3)" in " ".join(three.split())
    assert not any(name in three for name in ("Pat", "Quinn", "Rui"))  # never which peer
    assert not ISO_TIME.search(three)
    # A peer may rate, but never read: Pat gets 403 for Mia's view.
    assert growth.people["Pat"].client.get(view_path).status_code == 403
    # Ada's read is logged; Mia's of her own is not.
    assert client.get(view_path).status_code == 200
    log = context.teams.access_log(_user(context, "ada@example.org"), growth.organisation)
    assert [(e.viewer, e.subject, e.what) for e in log.entries][:1] == [("Ada", "Mia", "ratings")]
    assert not any(e.viewer == "Mia" and e.what == "ratings" for e in log.entries)


def test_a_peer_sees_only_their_own_rating_on_the_form(client: TestClient, context: Pmpath) -> None:
    growth = _growth(client, context, "Mia", "Pat")
    _rate(growth, "Ada", "Mia", 4, note="the manager's words")
    mia = growth.people["Mia"]
    form = growth.people["Pat"].client.get(
        f"/organisations/{growth.organisation}/members/{mia.id}/rate?step=1"
    )
    assert "as a peer" in form.text
    assert "words" not in form.text
    assert not re.search(r'name="level" value="\d+" checked', form.text)
    own = client.get(f"/organisations/{growth.organisation}/members/{mia.id}/rate?step=1").text
    assert re.search(r'name="level" value="4" checked', own)  # Ada sees her own rating


def test_a_rating_without_a_level_or_with_a_bad_link_is_shown_back(
    client: TestClient, context: Pmpath
) -> None:
    growth = _growth(client, context, "Mia")
    mia = growth.people["Mia"]
    path = f"/organisations/{growth.organisation}/members/{mia.id}/rate"
    first = re.search(r'name="competency" value="([^"]+)"', client.get(path).text)
    assert first
    base = {"csrf_token": growth.people["Ada"].csrf, "competency": first.group(1), "step": "1"}
    missing = client.post(path, data={**base, "note": "kept"})
    assert missing.status_code == 422
    assert "Choose the level that describes them best" in missing.text
    assert ">kept</textarea>" in missing.text
    bad = client.post(path, data={**base, "level": "2", "link": "javascript:alert(1)"})
    assert bad.status_code == 422
    assert 'id="link-error"' in bad.text
    # Mia cannot rate herself here, and an outsider finds nothing.
    assert mia.client.get(path).status_code == 403
    otto = TestClient(client.app)
    sign_up(otto, "otto@example.org", "Otto")
    assert otto.get(path).status_code == 404


def test_a_manager_asks_the_team_to_self_assess_by_a_date_and_it_is_done_when_they_do(
    client: TestClient, context: Pmpath
) -> None:
    growth = _growth(client, context, "Mia", "Pat")
    due = (context.clock().date() + timedelta(days=10)).isoformat()
    asked = client.post(
        f"/teams/{growth.team}/requests",
        data={"csrf_token": growth.people["Ada"].csrf, "member": "all", "due": due},
    )
    assert asked.status_code == 200
    assert "Asked 2 members to self-assess by" in asked.text
    mia = growth.people["Mia"]
    seen = _visible_text(mia.client.get(f"/teams/{growth.team}").text)
    assert "Self-assess by" in seen
    assert "Open" in seen
    assert "Pat" not in seen.split("Self-assessment requests", 1)[1]  # only her own request
    dashboard = _visible_text(mia.client.get("/").text)
    assert "Asked of you" in dashboard
    assert "Your teams" in dashboard
    assert "Ada asks you to self-assess by" in dashboard
    _self_assess(context, "mia@example.org", 3)
    assert "Done" in _visible_text(mia.client.get(f"/teams/{growth.team}").text)
    assert "Asked of you" not in mia.client.get("/").text  # done: no longer asked
    # A member cannot ask; a bad or past date is shown back.
    refused = mia.client.post(
        f"/teams/{growth.team}/requests", data={"csrf_token": mia.csrf, "member": "all", "due": due}
    )
    assert refused.status_code == 403
    for typed, message in (
        ("31/01/2027", "enter the date"),
        ("2020-01-01", "must not be in the past"),
    ):
        shown = client.post(
            f"/teams/{growth.team}/requests",
            data={"csrf_token": growth.people["Ada"].csrf, "member": "all", "due": typed},
        )
        assert shown.status_code == 422
        assert message in shown.text.lower()


def test_the_api_rates_shows_side_by_side_and_asks(client: TestClient, context: Pmpath) -> None:
    growth = _growth(client, context, "Mia", "Pat")
    mia, pat = growth.people["Mia"], growth.people["Pat"]
    base = f"/api/v1/organisations/{growth.organisation}"
    sheet = pat.client.get(f"{base}/members/{mia.id}/rating-sheet").json()
    assert sheet["source"] == "peer"
    competency = sheet["competencies"][0]["competency"]
    given = pat.client.put(
        f"{base}/members/{mia.id}/ratings/{competency}",
        params={"level": 3, "note": "ran the launch"},
        headers={"X-CSRF-Token": pat.csrf},
    )
    assert given.status_code == 200, given.text
    assert given.json()["level"] == 3
    assert pat.client.get(f"{base}/members/{mia.id}/ratings").status_code == 403
    view = mia.client.get(f"{base}/members/{mia.id}/ratings").json()
    assert view["competencies"][0]["peers"] == {"count": None, "median": None}
    due = (context.clock().date() + timedelta(days=5)).isoformat()
    asked = client.post(
        f"{base}/teams/{growth.team}/self-assessment-requests",
        params={"due_on": due, "member_id": mia.id},
        headers={"X-CSRF-Token": growth.people["Ada"].csrf},
    )
    assert asked.status_code == 201, asked.text
    mine = mia.client.get("/api/v1/self-assessment-requests").json()["requests"]
    assert [(r["member"], r["due_on"], r["done_at"]) for r in mine] == [("Mia", due, None)]
    other_organisation = f"/api/v1/organisations/{growth.organisation + 1}"
    elsewhere = client.get(f"{other_organisation}/teams/{growth.team}/self-assessment-requests")
    assert elsewhere.status_code == 404


def test_the_last_step_leads_on_a_manager_to_the_ratings_a_peer_to_the_organisation(
    client: TestClient, context: Pmpath
) -> None:
    growth = _growth(client, context, "Mia", "Pat")
    mia = growth.people["Mia"]
    competencies = [c.id for c in context.framework.competencies]
    path = f"/organisations/{growth.organisation}/members/{mia.id}/rate"

    def last_step(rater: str) -> object:
        person = growth.people[rater]
        data = {
            "csrf_token": person.csrf,
            "competency": competencies[-1],
            "step": str(len(competencies)),
            "level": "3",
        }
        return person.client.post(path, data=data)

    skipped = last_step("Ada")  # the first competencies are still open
    assert str(skipped.url).endswith(f"{path}?step=1")  # type: ignore[attr-defined]
    assert f"You have rated 1 of {len(competencies)}" in skipped.text  # type: ignore[attr-defined]
    for rater in ("Ada", "Pat"):
        me = _user(context, f"{rater.lower()}@example.org")
        for competency in competencies[:-1]:
            context.colleague_ratings.rate(me, growth.organisation, mia.id, competency, 3)
    done = last_step("Ada")
    assert str(done.url).endswith(f"/members/{mia.id}/ratings")  # type: ignore[attr-defined]
    assert "you have rated all" in done.text  # type: ignore[attr-defined]
    peer_done = last_step("Pat")
    assert str(peer_done.url).endswith(f"/organisations/{growth.organisation}")  # type: ignore[attr-defined]
