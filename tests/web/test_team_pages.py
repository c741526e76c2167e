"""The team pages and the /api/v1/organisations routes, without JavaScript: creating an
organisation and a team, inviting by link, joining through the link (signed in or signing up),
what each person sees of the others, and the organisation's ladder upload with its errors."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.assessment import Rating, SelfAssessment
from tests.conftest import example_ladder_text, replace_once
from tests.web.conftest import PASSWORD, csrf_of, profile_of, sign_in, sign_up

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _organisation_with_team(client: TestClient) -> tuple[str, int, int]:
    """Ada signs up, creates Acme Products and its Growth team; (csrf, organisation, team)."""
    csrf = sign_up(client, "ada@example.org", "Ada")
    made = client.post("/teams/organisations", data={"csrf_token": csrf, "name": "Acme Products"})
    assert made.status_code == 200, made.text
    organisation = int(str(made.url).rsplit("/", 1)[1])
    team = client.post(
        f"/organisations/{organisation}/teams", data={"csrf_token": csrf, "name": "Growth"}
    )
    assert team.status_code == 200, team.text
    assert "The team Growth is ready, with you as its manager." in team.text
    return csrf, organisation, int(str(team.url).rsplit("/", 1)[1])


def _invitation_link(client: TestClient, csrf: str, team: int, **fields: str) -> str:
    made = client.post(f"/teams/{team}/invitations", data={"csrf_token": csrf, **fields})
    assert made.status_code == 201, made.text
    match = re.search(r'id="invitation-link" class="token" readonly value="([^"]+)"', made.text)
    assert match, "no invitation link on the page"
    return match.group(1)


def _self_assess(context: Pmpath, email: str, level: int) -> None:
    ratings = {c.id: Rating(c.id, level) for c in context.framework.competencies}
    context.assessments.record(profile_of(context, email), SelfAssessment(ratings))


def test_a_manager_invites_a_newcomer_who_signs_up_through_the_link_and_joins(
    client: TestClient, context: Pmpath
) -> None:
    csrf, _, team = _organisation_with_team(client)
    link = _invitation_link(client, csrf, team, role="member", days="7")
    path = link.split("testserver", 1)[1]
    assert path.startswith("/invitations/pmi_")
    client.cookies.clear()
    offer = client.get(path)
    assert "Ada invites you to join as a member." in offer.text
    joined = client.post(
        "/signup",
        data={
            "csrf_token": csrf_of(offer.text),
            "invitation": path.rsplit("/", 1)[1],
            "email": "mia@example.org",
            "name": "Mia",
            "password": PASSWORD,
        },
    )
    assert joined.status_code == 200
    assert str(joined.url).endswith(f"/teams/{team}")
    assert "Welcome, Mia: you are now in Growth." in joined.text
    # The link worked once.
    assert "This invitation has been used already. Ask Ada for a new one." in client.get(path).text


def test_the_team_page_shows_placements_only_to_who_may_see_them(
    client: TestClient, context: Pmpath
) -> None:
    csrf, _, team = _organisation_with_team(client)
    links = [_invitation_link(client, csrf, team) for _ in range(2)]
    for (email, name), link in zip(
        [("mia@example.org", "Mia"), ("pat@example.org", "Pat")], links, strict=True
    ):
        client.cookies.clear()
        member_csrf = sign_up(client, email, name)
        accepted = client.post(
            link.split("testserver", 1)[1] + "/accept", data={"csrf_token": member_csrf}
        )
        assert "You are now a member of Growth at Acme Products." in accepted.text
        _self_assess(context, email, 2)
    # Pat, a member, sees Mia's name and role, not her placement.
    as_pat = _visible_text(client.get(f"/teams/{team}").text)
    assert as_pat.count("Placement private") == 2  # Ada and Mia
    assert "Self-assessed" in as_pat  # his own
    assert "Invite someone" not in as_pat
    # Ada, the manager, sees both placements, as names and days, never ids or ISO times.
    client.cookies.clear()
    sign_in(client, "ada@example.org")
    as_ada = client.get(f"/teams/{team}").text
    assert "Placement private" not in as_ada
    assert _visible_text(as_ada).count("Self-assessed") == 2
    assert not ISO_TIME.search(_visible_text(as_ada))
    log = context.teams.access_log(_admin(context), 1)
    assert {(e.viewer, e.subject) for e in log.entries} == {("Ada", "Mia"), ("Ada", "Pat")}
    # The organisation admin sees the log on the organisation's page, in words.
    reads = _visible_text(client.get("/organisations/1").text)
    assert "Ada saw Mia's placement" in reads
    assert "Ada saw Pat's placement" in reads
    # Opening the team page twice more: each read is logged; the page says how often.
    client.get(f"/teams/{team}")
    client.get(f"/teams/{team}")
    assert len(context.teams.access_log(_admin(context), 1).entries) == 6
    reads = " ".join(_visible_text(client.get("/organisations/1").text).split())
    assert reads.count("Ada saw Mia's placement") == 1
    assert "Ada saw Mia's placement (3 times)" in reads


def _admin(context: Pmpath):  # type: ignore[no-untyped-def]
    """Ada, as the service knows her (she made the organisation, so she is its admin)."""
    from pmpath.services.accounts import User

    with context.database.transaction() as session:
        from sqlalchemy import select

        from pmpath.store.tables import UserRow

        row = session.scalars(select(UserRow).where(UserRow.email == "ada@example.org")).one()
        return User(row.id, row.email, row.name, "admin", profile_of(context, row.email))


def test_a_peer_cannot_open_another_team_and_an_outsider_finds_no_organisation(
    client: TestClient,
) -> None:
    _, organisation, team = _organisation_with_team(client)
    client.cookies.clear()
    sign_up(client, "otto@example.org", "Otto")
    assert client.get(f"/teams/{team}").status_code == 404
    assert client.get(f"/organisations/{organisation}").status_code == 404
    assert client.get(f"/organisations/{organisation}/ladder").status_code == 404


def test_forms_without_the_csrf_token_are_refused(client: TestClient) -> None:
    sign_up(client)
    refused = client.post("/teams/organisations", data={"name": "Acme"})
    assert refused.status_code == 403
    assert "Acme" not in client.get("/teams").text


def test_an_organisation_needs_a_name_and_keeps_the_form(client: TestClient) -> None:
    csrf = sign_up(client)
    refused = client.post("/teams/organisations", data={"csrf_token": csrf, "name": "  "})
    assert refused.status_code == 422
    assert '<a href="#name">Enter the organisation' in refused.text


def test_a_bad_ladder_file_is_shown_back_by_line_and_field_and_a_good_one_is_a_version(
    client: TestClient,
) -> None:
    csrf, organisation, _ = _organisation_with_team(client)
    bad = replace_once(
        example_ladder_text(), "      2: Designs complete flows", "      7: Designs complete flows"
    )
    line = (
        bad.splitlines().index(next(x for x in bad.splitlines() if x.startswith("      7: "))) + 1
    )
    url = f"/organisations/{organisation}/ladder"
    refused = client.post(
        url, data={"csrf_token": csrf}, files={"upload": ("design.yaml", bad.encode())}
    )
    assert refused.status_code == 422
    assert f"design.yaml:{line}: competencies[0].behaviours" in refused.text
    assert "No ladder has been uploaded yet" in refused.text
    kept = client.post(
        url,
        data={"csrf_token": csrf},
        files={"upload": ("design.yaml", example_ladder_text().encode())},
    )
    assert kept.status_code == 200
    assert "Product design ladder is now version 1 of your ladder." in kept.text
    assert "Version 1" in kept.text
    assert "the file says version 2026.1" in kept.text
    assert not ISO_TIME.search(_visible_text(kept.text))
    download = client.get(f"{url}/1")
    assert download.text == example_ladder_text()


def test_the_bundled_sized_ladder_passes_the_body_cap(client: TestClient) -> None:
    """The bundled ladder (about 290 KB) is larger than the cap on ordinary forms."""
    from pmpath.framework import bundled_framework_path

    csrf, organisation, _ = _organisation_with_team(client)
    data = bundled_framework_path().read_bytes()
    assert len(data) > 256 * 1024
    kept = client.post(
        f"/organisations/{organisation}/ladder",
        data={"csrf_token": csrf},
        files={"upload": ("pm.yaml", data)},
    )
    assert kept.status_code == 200, kept.text[:500]
    assert "is now version 1 of your ladder" in kept.text


# -- the API -------------------------------------------------------------------------------------


def test_the_api_makes_an_organisation_team_and_invitation_and_guards_placements(
    client: TestClient,
) -> None:
    csrf = sign_up(client, "ada@example.org", "Ada")
    headers = {"X-CSRF-Token": csrf}
    organisation = client.post(
        "/api/v1/organisations", params={"name": "Acme"}, headers=headers
    ).json()
    assert (organisation["name"], organisation["role"]) == ("Acme", "admin")
    team = client.post(
        f"/api/v1/organisations/{organisation['id']}/teams",
        params={"name": "Growth"},
        headers=headers,
    ).json()
    invitation = client.post(
        f"/api/v1/organisations/{organisation['id']}/teams/{team['id']}/invitations",
        headers=headers,
    )
    assert invitation.status_code == 201
    token = invitation.json()["token"]
    client.cookies.clear()
    mia_csrf = sign_up(client, "mia@example.org", "Mia")
    joined = client.post(f"/api/v1/invitations/{token}/accept", headers={"X-CSRF-Token": mia_csrf})
    assert joined.json() == {
        "organisation_id": organisation["id"],
        "organisation": "Acme",
        "team_id": team["id"],
        "team": "Growth",
        "role": "member",
    }
    again = client.post(f"/api/v1/invitations/{token}/accept", headers={"X-CSRF-Token": mia_csrf})
    assert again.status_code == 409
    members = client.get(f"/api/v1/organisations/{organisation['id']}/teams/{team['id']}").json()
    ada = next(m for m in members["members"] if m["name"] == "Ada")
    assert (ada["visible"], ada["placement"]) == (False, None)
    peeked = client.get(
        f"/api/v1/organisations/{organisation['id']}/members/{ada['user_id']}/placement"
    )
    assert peeked.status_code == 403
    assert client.get(f"/api/v1/organisations/{organisation['id']}/access-log").status_code == 403


def test_the_api_reports_ladder_problems_with_their_lines(client: TestClient) -> None:
    csrf = sign_up(client, "ada@example.org", "Ada")
    organisation = client.post(
        "/api/v1/organisations", params={"name": "Acme"}, headers={"X-CSRF-Token": csrf}
    ).json()
    url = f"/api/v1/organisations/{organisation['id']}/ladder"
    bad = replace_once(
        example_ladder_text(), "      2: Designs complete flows", "      7: Designs complete flows"
    )
    line = next(n for n, x in enumerate(bad.splitlines(), 1) if x.startswith("      7: "))
    refused = client.post(url, content=bad.encode(), headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert any(e["field"].startswith("competencies.0.behaviours") for e in errors), errors
    assert line in [e["line"] for e in errors], errors
    kept = client.post(
        url,
        content=example_ladder_text().encode(),
        params={"filename": "design.yaml"},
        headers={"X-CSRF-Token": csrf},
    )
    assert kept.status_code == 201
    assert (kept.json()["version"], kept.json()["filename"]) == (1, "design.yaml")
    assert [v["version"] for v in client.get(url).json()["versions"]] == [1]
    # A self-assessment on the organisation's ladder, checked against its ids.
    assess = f"/api/v1/organisations/{organisation['id']}/assessments"
    headers = {"X-CSRF-Token": csrf}
    wrong = client.post(assess, json={"ratings": {"leadership": 2}}, headers=headers)
    assert wrong.status_code == 422
    recorded = client.post(assess, json={"ratings": {"coaching": 3}}, headers=headers)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["profile"] == "me"


def test_a_sign_up_refused_on_an_invitation_stays_on_the_invitation(client: TestClient) -> None:
    csrf, _, team = _organisation_with_team(client)
    link = _invitation_link(client, csrf, team, role="member", days="7")
    path = link.split("testserver", 1)[1]
    client.cookies.clear()
    offer = client.get(path)
    refused = client.post(
        "/signup",
        data={
            "csrf_token": csrf_of(offer.text),
            "invitation": path.rsplit("/", 1)[1],
            "email": "mia@example.org",
            "name": "Mia",
            "password": "short",
        },
    )
    assert refused.status_code == 422
    assert "Ada invites you to join as a member." in refused.text  # still the invitation
    assert 'value="mia@example.org"' in refused.text
    assert "Sign up and join" in refused.text
