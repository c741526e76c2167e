"""The people page and the team page's role buttons, and /api/v1's people routes: an admin
makes another admin and a manager, removes people; the last admin is told why they cannot
step down; a member leaves a team."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, csrf_of, sign_in
from tests.web.test_team_pages import _invitation_link, _organisation_with_team


def _join(client: TestClient, link: str, email: str, name: str) -> None:
    """``name`` signs up through the invitation link (the client is theirs afterwards)."""
    path = link.split("testserver", 1)[1]
    client.cookies.clear()
    offer = client.get(path)
    joined = client.post(
        "/signup",
        data={
            "csrf_token": csrf_of(offer.text),
            "invitation": path.rsplit("/", 1)[1],
            "email": email,
            "name": name,
            "password": PASSWORD,
        },
    )
    assert joined.status_code == 200, joined.text[:300]


def _user_id(html: str, name: str) -> int:
    match = re.search(
        r'/people/(\d+)/role">\s*<input[^>]+>\s*<input[^>]+>\s*<button[^>]*>[^<]*'
        rf'<span class="sr-only"> \({name}\)',
        html,
    )
    assert match, f"no role form for {name}"
    return int(match.group(1))


def test_an_admin_shares_the_organisation_and_the_last_admin_stays(client: TestClient) -> None:
    csrf, organisation, team = _organisation_with_team(client)
    link = _invitation_link(client, csrf, team, role="member", days="7")
    _join(client, link, "mia@example.org", "Mia")
    sign_in(client, "ada@example.org")
    people_url = f"/organisations/{organisation}/people"
    page = client.get(people_url)
    assert page.status_code == 200
    assert "Mia" in page.text
    assert "Organisation admin" in page.text
    csrf = csrf_of(page.text)
    ada, mia = _user_id(page.text, "Ada"), _user_id(page.text, "Mia")

    refused = client.post(f"{people_url}/{ada}/role", data={"csrf_token": csrf, "role": "member"})
    assert "The organisation needs an admin: make someone else an admin first." in refused.text
    made = client.post(f"{people_url}/{mia}/role", data={"csrf_token": csrf, "role": "admin"})
    assert "Mia is now an organisation admin." in made.text

    manager = client.post(
        f"/teams/{team}/members/{mia}/role", data={"csrf_token": csrf, "role": "manager"}
    )
    assert "Mia is now a manager of the team." in manager.text
    removed = client.post(f"/teams/{team}/members/{mia}/remove", data={"csrf_token": csrf})
    assert "Mia is no longer in the team." in removed.text
    gone = client.post(f"{people_url}/{mia}/remove", data={"csrf_token": csrf})
    assert "Mia is no longer in the organisation." in gone.text
    assert "Mia" not in client.get(people_url).text


def test_a_member_sees_no_people_page_and_may_leave_the_team(client: TestClient) -> None:
    csrf, organisation, team = _organisation_with_team(client)
    link = _invitation_link(client, csrf, team, role="member", days="7")
    _join(client, link, "mia@example.org", "Mia")
    assert client.get(f"/organisations/{organisation}/people").status_code == 403
    team_page = client.get(f"/teams/{team}").text
    assert "Leave the team" in team_page
    assert "Remove from the team" not in team_page  # not hers to remove others
    me = re.search(rf"/teams/{team}/members/(\d+)/remove", team_page)
    assert me
    left = client.post(me.group(0), data={"csrf_token": csrf_of(team_page)})
    assert "You have left the team." in left.text
    assert client.get(f"/teams/{team}").status_code == 403
    organisation_page = client.get(f"/organisations/{organisation}").text
    leave = re.search(rf"/organisations/{organisation}/people/\d+/remove", organisation_page)
    assert leave, "no way to leave the organisation"
    gone = client.post(leave.group(0), data={"csrf_token": csrf_of(organisation_page)})
    assert "You have left the organisation." in gone.text
    assert client.get(f"/organisations/{organisation}").status_code == 404


def test_the_api_lists_people_and_changes_roles(client: TestClient) -> None:
    csrf, organisation, team = _organisation_with_team(client)
    link = _invitation_link(client, csrf, team, role="member", days="7")
    _join(client, link, "mia@example.org", "Mia")
    sign_in(client, "ada@example.org")
    headers = {"X-CSRF-Token": csrf_of(client.get("/account").text)}
    base = f"/api/v1/organisations/{organisation}"
    listed = client.get(f"{base}/people").json()
    by_name = {p["name"]: p for p in listed["people"]}
    ada, mia = by_name["Ada"]["user_id"], by_name["Mia"]["user_id"]
    assert by_name["Mia"]["teams"] == [{"team_id": team, "team": "Growth", "role": "member"}]
    last = client.put(f"{base}/people/{ada}/role?role=member", headers=headers)
    assert last.status_code == 409
    bad = client.put(f"{base}/people/{mia}/role?role=owner", headers=headers)
    assert bad.status_code == 422
    made = client.put(f"{base}/teams/{team}/members/{mia}/role?role=manager", headers=headers)
    assert made.json() == {"user_id": mia, "name": "Mia", "role": "manager"}
    assert (
        client.put(
            f"{base}/teams/{team + 99}/members/{mia}/role?role=manager", headers=headers
        ).status_code
        == 404
    )
    left = client.delete(f"{base}/teams/{team}/members/{mia}", headers=headers)
    assert left.json() == {
        "user_id": mia,
        "name": "Mia",
        "organisation_id": organisation,
        "team_id": team,
    }
    assert client.delete(f"{base}/people/{mia}", headers=headers).json()["team_id"] is None
    assert [p["name"] for p in client.get(f"{base}/people").json()["people"]] == ["Ada"]
