"""Your data on the web and through /api/v1: the export as a download, the confirmation page
that says what goes and what stays, deletion with the password (the session ends with it), and
the only admin of an organisation with people in it refused with a 409."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.web.conftest import PASSWORD, sign_in, sign_up
from tests.web.test_team_pages import (
    ISO_TIME,
    _invitation_link,
    _organisation_with_team,
    _self_assess,
    _visible_text,
)


def test_the_account_page_leads_to_your_data_and_the_download_has_it_all(
    client: TestClient, context: Pmpath
) -> None:
    sign_up(client, "mia@example.org", "Mia")
    _self_assess(context, "mia@example.org", 3)
    account = client.get("/account").text
    assert 'href="/account/data"' in account
    assert 'href="/account/data/export"' in account
    assert 'href="/account/delete"' in account
    page = client.get("/account/data")
    assert page.status_code == 200
    text = _visible_text(page.text)
    assert "Download everything (JSON)" in text
    assert "this cannot be undone" in " ".join(text.split())
    assert 'href="/account/delete"' in page.text
    assert not ISO_TIME.search(text)
    download = client.get("/account/data/export")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith(
        'attachment; filename="pmpath-my-data-'
    )
    data = json.loads(download.text)
    assert data["format"] == "pmpath-my-data"
    assert data["account"]["email"] == "mia@example.org"
    assert len(data["assessments"]) == 1
    assert data["signed_in_sessions"] == 1


def test_the_confirmation_says_what_goes_and_stays_and_the_password_deletes(
    client: TestClient,
) -> None:
    csrf = sign_up(client, "mia@example.org", "Mia")
    page = client.get("/account/delete")
    text = " ".join(_visible_text(page.text).split())
    assert "What goes" in text
    assert "What stays" in text
    assert "mia@example.org" in text
    assert "a deleted account" in text
    assert not ISO_TIME.search(text)

    wrong = client.post("/account/delete", data={"csrf_token": csrf, "password": "not-mine-at-all"})
    assert wrong.status_code == 403
    assert "The password is wrong" in wrong.text
    assert 'aria-invalid="true"' in wrong.text
    empty = client.post("/account/delete", data={"csrf_token": csrf, "password": ""})
    assert empty.status_code == 422
    assert client.get("/account").status_code == 200  # still here
    no_csrf = client.post("/account/delete", data={"password": PASSWORD})
    assert no_csrf.status_code == 403

    gone = client.post(
        "/account/delete", data={"csrf_token": csrf, "password": PASSWORD}, follow_redirects=False
    )
    assert gone.status_code == 303
    assert gone.headers["location"] == "/"
    home = client.get("/")
    assert "Your account and everything about you are deleted." in home.text
    assert client.get("/account", follow_redirects=False).status_code == 303  # signed out
    assert sign_in(TestClient(client.app), "mia@example.org").status_code == 401


def test_the_only_admin_of_an_organisation_with_people_in_it_is_refused(
    client: TestClient,
) -> None:
    csrf, _, team = _organisation_with_team(client)
    link = _invitation_link(client, csrf, team)
    mia = TestClient(client.app)
    mia_csrf = sign_up(mia, "mia@example.org", "Mia")
    mia.post(link.split("testserver", 1)[1] + "/accept", data={"csrf_token": mia_csrf})

    data_page = " ".join(_visible_text(client.get("/account/data").text).split())
    assert "You are the only admin of Acme Products" in data_page
    page = client.get("/account/delete")
    text = " ".join(_visible_text(page.text).split())
    assert "You cannot delete your account yet" in text
    assert "1 other person is in it" in text
    assert 'name="password"' not in page.text  # no form to fill in
    refused = client.post("/account/delete", data={"csrf_token": csrf, "password": PASSWORD})
    assert refused.status_code == 409
    assert client.get("/account").status_code == 200

    # Mia, a member, may go; Acme keeps its admin.
    left = mia.post(
        "/account/delete",
        data={"csrf_token": mia_csrf, "password": PASSWORD},
        follow_redirects=False,
    )
    assert left.status_code == 303
    assert "Mia" not in client.get(f"/teams/{team}").text
    # Now Ada is alone: her organisation goes with her, and the page said so first.
    page = client.get("/account/delete").text
    assert "<strong>Acme Products</strong>, with its teams, invitations and ladder versions" in page
    gone = client.post("/account/delete", data={"csrf_token": csrf, "password": PASSWORD})
    assert "Acme Products went with it." in gone.text  # the home page it was sent to


def test_the_api_exports_and_deletes_with_the_password(client: TestClient) -> None:
    csrf = sign_up(client, "mia@example.org", "Mia")
    made = client.post("/api/v1/tokens", params={"name": "script"}, headers={"X-CSRF-Token": csrf})
    token = made.json()["token"]
    api = TestClient(client.app)
    bearer = {"Authorization": f"Bearer {token}"}
    exported = api.get("/api/v1/me/export", headers=bearer).json()
    assert exported["account"]["email"] == "mia@example.org"
    assert [t["name"] for t in exported["api_tokens"]] == ["script"]
    assert token not in json.dumps(exported)
    plan = api.get("/api/v1/me/delete", headers=bearer).json()
    assert plan["may_delete"] is True

    wrong = api.post("/api/v1/me/delete", headers=bearer, json={"password": "nope-nope-nope"})
    assert wrong.status_code == 403
    assert wrong.json()["errors"][0]["field"] == "password"
    missing = api.post("/api/v1/me/delete", headers=bearer, json={"pass": PASSWORD})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "password"
    assert api.get("/api/v1/me", headers=bearer).status_code == 200

    deleted = api.post("/api/v1/me/delete", headers=bearer, json={"password": PASSWORD})
    assert deleted.status_code == 200
    assert deleted.json() == {"email": "mia@example.org", "organisations_deleted": []}
    assert api.get("/api/v1/me", headers=bearer).status_code == 401
    assert client.get("/api/v1/me").status_code == 401  # the browser's session went too


def test_the_api_refuses_the_only_admin_with_a_409(client: TestClient) -> None:
    csrf, _, team = _organisation_with_team(client)
    link = _invitation_link(client, csrf, team)
    mia = TestClient(client.app)
    mia_csrf = sign_up(mia, "mia@example.org", "Mia")
    mia.post(link.split("testserver", 1)[1] + "/accept", data={"csrf_token": mia_csrf})
    refused = client.post(
        "/api/v1/me/delete", headers={"X-CSRF-Token": csrf}, json={"password": PASSWORD}
    )
    assert refused.status_code == 409
    assert "only admin of Acme Products" in refused.json()["detail"]
    assert client.get("/api/v1/me").status_code == 200
