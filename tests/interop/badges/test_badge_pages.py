"""Badges in the browser (TestClient, no JavaScript) and through /api/v1: the button on a
passed exam's results, claiming, the badge page with its downloads and share link, the public
verification page in plain words (valid, revoked, tampered), the admins' revocation, and who
may see what."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.settings import Settings
from pmpath.web.app import create_app
from tests.interop.badges.helpers import SITE, take_exam, take_placement
from tests.web.conftest import PASSWORD, csrf_of, profile_of, sign_in, sign_up

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@dataclass
class Browser:
    client: TestClient
    csrf: str
    user: object


@dataclass
class Site:
    app: Pmpath
    web: FastAPI
    ana: Browser
    bo: Browser

    def browser(self) -> TestClient:
        return TestClient(self.web, base_url=SITE)

    def admin(self) -> Browser:
        self.app.accounts.sign_up("root@example.org", "Root", PASSWORD, role="admin")
        client = self.browser()
        assert sign_in(client, "root@example.org").status_code == 303
        return Browser(client, csrf_of(client.get("/account").text), None)

    def user_of(self, email: str) -> object:
        from pmpath.services.accounts import User

        profile = profile_of(self.app, email)
        found = self.app.accounts.user_by_email(email)
        return User(found.id, found.email, found.name, found.role, profile)


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    app = Pmpath(Settings(database_url=database_url, public_url=SITE))
    web = create_app(pmpath=app)
    browsers = []
    for email, name in (("ana@example.org", "Ana"), ("bo@example.org", "Bo")):
        client = TestClient(web, base_url=SITE)
        csrf = sign_up(client, email, name)
        browsers.append((client, csrf, email))
    found = Site(app, web, *(Browser(c, t, None) for c, t, _ in browsers))
    found.ana.user = found.user_of("ana@example.org")
    found.bo.user = found.user_of("bo@example.org")
    yield found
    app.database.dispose()


def _claim(site: Site, attempt: int) -> str:
    """Ana claims the badge of ``attempt`` with the form; returns the badge's page address."""
    claimed = site.ana.client.post(
        f"/attempts/{attempt}/badge", data={"csrf_token": site.ana.csrf}, follow_redirects=False
    )
    assert claimed.status_code == 303, _text(claimed.text)[-500:]
    return str(claimed.headers["location"])


def test_a_passed_exams_results_offer_the_badge_and_a_failed_ones_do_not(site: Site) -> None:
    passed = take_exam(site.app, site.ana.user)  # type: ignore[arg-type]
    failed = take_exam(site.app, site.ana.user, right=3)  # type: ignore[arg-type]
    shown = site.ana.client.get(f"/attempts/{passed}/results").text
    assert f'<a class="button" href="/attempts/{passed}/badge">Get your badge</a>' in shown
    assert "Get your badge" not in site.ana.client.get(f"/attempts/{failed}/results").text


def test_a_placement_result_offers_the_badge(site: Site) -> None:
    attempt = take_placement(site.app, site.ana.user)  # type: ignore[arg-type]
    shown = site.ana.client.get(f"/placement/{attempt}").text
    assert f'href="/attempts/{attempt}/badge">Get your badge</a>' in shown


def test_claiming_shows_the_badge_with_its_downloads_and_share_link(site: Site) -> None:
    attempt = take_exam(site.app, site.ana.user)  # type: ignore[arg-type]
    offer = _text(site.ana.client.get(f"/attempts/{attempt}/badge").text)
    assert "Get your badge: Passed: PM foundations" in offer
    assert "It does not contain your answers" in offer
    page_url = _claim(site, attempt)
    public_id = page_url.rsplit("/", 1)[1]
    shown = site.ana.client.get(page_url).text
    text = _text(shown)
    assert "Your badge is issued: Passed: PM foundations." in text
    assert re.search(r"Issued to Ana by pmpath on \d{1,2} [A-Z][a-z]+ \d{4}\.", text)
    assert "Score at least 70% of the maximum" in text
    assert f'value="{SITE}/verify/{public_id}"' in shown
    assert not ISO_TIME.search(text)
    signed = site.ana.client.get(f"/badges/{public_id}/download.jwt")
    assert signed.headers["content-type"] == "application/vc+jwt"
    assert signed.headers["content-disposition"] == (
        'attachment; filename="pmpath-passed-pm-foundations.jwt"'
    )
    assert signed.text.count(".") == 2
    readable = site.ana.client.get(f"/badges/{public_id}/download.json").json()
    assert readable["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    # asking again gives the same badge
    assert _claim(site, attempt) == page_url


def test_the_badges_page_lists_issued_and_claimable_badges(site: Site) -> None:
    issued = take_exam(site.app, site.ana.user)  # type: ignore[arg-type]
    _claim(site, issued)
    take_placement(site.app, site.ana.user)  # type: ignore[arg-type]
    text = _text(site.ana.client.get("/badges").text)
    assert "Ready to claim" in text
    assert re.search(r"Placed at: [^.]+ Placement test finished", text)
    assert "Issued to you Passed: PM foundations Valid" in text


def test_the_public_verification_page_says_valid_then_revoked(site: Site) -> None:
    public_id = _claim(site, take_exam(site.app, site.ana.user)).rsplit("/", 1)[1]  # type: ignore[arg-type]
    anyone = site.browser()
    valid = _text(anyone.get(f"/verify/{public_id}").text)
    assert re.search(
        r"Valid: issued by pmpath to Ana on \d{1,2} [A-Z][a-z]+ \d{4} "
        r"for “Passed: PM foundations”\.",
        valid,
    )
    assert "What was required Score at least 70% of the maximum" in valid
    assert "Evidence Scored 100% on the mock exam" in valid
    root = site.admin()
    listed = _text(root.client.get("/admin/badges").text)
    assert "Passed: PM foundations Ana ana@example.org" in listed
    done = root.client.post(
        f"/admin/badges/{public_id}/revoke",
        data={"csrf_token": root.csrf, "reason": "Answers were shared"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Revoked: Passed: PM foundations, of Ana." in _text(
        root.client.get("/admin/badges").text
    )
    revoked = _text(anyone.get(f"/verify/{public_id}").text)
    assert "This badge is not valid" in revoked
    assert re.search(
        r"Not valid: revoked on \d{1,2} [A-Z][a-z]+ \d{4} because “Answers were shared”\.", revoked
    )
    assert "Revoked on" in _text(site.ana.client.get(f"/badges/{public_id}").text)


def test_a_tampered_credential_pasted_for_verification_is_refused(site: Site) -> None:
    public_id = _claim(site, take_exam(site.app, site.ana.user)).rsplit("/", 1)[1]  # type: ignore[arg-type]
    token = site.ana.client.get(f"/badges/{public_id}/download.jwt").text
    header, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["credentialSubject"]["identifier"][0]["identityHash"] = "Eve"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    anyone = site.browser()
    refused = _text(
        anyone.post("/verify", data={"credential": f"{header}.{forged}.{signature}"}).text
    )
    assert "Not valid: the credential was changed after it was signed" in refused
    assert "Invalid signature" in refused
    # What a forged copy claims is not shown in the site's own layout as if it were true.
    assert "Issued to" not in refused
    assert "Ana" not in refused
    uploaded = anyone.post(
        "/verify", files={"file": ("badge.jwt", token.encode(), "application/jwt")}
    )
    assert "Valid: issued by pmpath to Ana" in _text(uploaded.text)


def test_verifying_nothing_or_the_unsigned_json_form_says_what_to_do(site: Site) -> None:
    anyone = site.browser()
    empty = anyone.post("/verify", data={"credential": "  "})
    assert empty.status_code == 422
    assert "Paste a credential or choose its file." in _text(empty.text)
    unsigned = anyone.post("/verify", data={"credential": '{"name": "Passed: PM foundations"}'})
    assert unsigned.status_code == 422
    assert "verify the signed credential instead (the .jwt file" in _text(unsigned.text)


def test_another_learner_finds_neither_the_badge_nor_the_attempt(site: Site) -> None:
    attempt = take_exam(site.app, site.ana.user)  # type: ignore[arg-type]
    page_url = _claim(site, attempt)
    assert site.bo.client.get(page_url).status_code == 404
    assert site.bo.client.get(page_url + "/download.jwt").status_code == 404
    stolen = site.bo.client.post(f"/attempts/{attempt}/badge", data={"csrf_token": site.bo.csrf})
    assert stolen.status_code == 404


def test_a_failed_attempt_is_refused_with_the_reason(site: Site) -> None:
    failed = take_exam(site.app, site.ana.user, right=3)  # type: ignore[arg-type]
    assert site.ana.client.get(f"/attempts/{failed}/badge").status_code == 404
    refused = site.ana.client.post(f"/attempts/{failed}/badge", data={"csrf_token": site.ana.csrf})
    assert refused.status_code == 422
    assert "below the pass mark of 70%: it earns no badge" in _text(refused.text)


def test_only_admins_see_the_badges_list_and_a_reason_is_required(site: Site) -> None:
    public_id = _claim(site, take_exam(site.app, site.ana.user)).rsplit("/", 1)[1]  # type: ignore[arg-type]
    assert site.ana.client.get("/admin/badges").status_code == 403
    refused = site.ana.client.post(
        f"/admin/badges/{public_id}/revoke", data={"csrf_token": site.ana.csrf, "reason": "x"}
    )
    assert refused.status_code == 403
    root = site.admin()
    blank = root.client.post(
        f"/admin/badges/{public_id}/revoke", data={"csrf_token": root.csrf, "reason": " "}
    )
    assert blank.status_code == 422, _text(blank.text)[-1500:]
    assert f'href="#reason-{public_id}">Give the reason for revoking' in blank.text
    assert "Valid: issued" in _text(site.browser().get(f"/verify/{public_id}").text)


def test_the_issuer_publishes_its_did_document_and_status_list(site: Site) -> None:
    _claim(site, take_exam(site.app, site.ana.user))  # type: ignore[arg-type]
    anyone = site.browser()
    document = anyone.get("/.well-known/did.json")
    assert document.headers["content-type"] == "application/did+json"
    assert document.json()["id"] == "did:web:pmpath.test"
    assert document.json()["verificationMethod"][0]["publicKeyJwk"]["crv"] == "Ed25519"
    listed = anyone.get("/badges/status/1")
    assert listed.headers["content-type"] == "application/vc+jwt"
    assert anyone.get("/badges/status/2").status_code == 404


# -- the API -----------------------------------------------------------------------------------


def test_the_api_issues_lists_reads_and_verifies_a_badge(site: Site) -> None:
    attempt = take_exam(site.app, site.ana.user)  # type: ignore[arg-type]
    api, headers = site.ana.client, {"x-csrf-token": site.ana.csrf}
    listed = api.get("/api/v1/badges").json()
    assert [c["attempt_id"] for c in listed["claimable"]] == [attempt]
    made = api.post("/api/v1/badges", json={"attempt_id": attempt}, headers=headers)
    assert made.status_code == 200
    badge = made.json()
    again = api.post("/api/v1/badges", json={"attempt_id": attempt}, headers=headers).json()
    assert again["public_id"] == badge["public_id"]
    assert (
        api.get(f"/api/v1/badges/{badge['public_id']}").json()["name"] == "Passed: PM foundations"
    )
    file = api.get(f"/api/v1/badges/{badge['public_id']}/credential?format=jwt").json()
    assert file["media_type"] == "application/vc+jwt"
    anyone = site.browser()
    verdict = anyone.post("/api/v1/badges/verify", json={"credential": file["content"]}).json()
    assert (verdict["valid"], verdict["reason"], verdict["recipient"]) == (True, "valid", "Ana")
    public = anyone.get(f"/api/v1/badges/{badge['public_id']}/verification").json()
    assert public["headline"] == verdict["headline"]


def test_the_api_refuses_what_earns_no_badge_with_clear_problems(site: Site) -> None:
    failed = take_exam(site.app, site.ana.user, right=3)  # type: ignore[arg-type]
    others = take_exam(site.app, site.bo.user)  # type: ignore[arg-type]
    api, headers = site.ana.client, {"x-csrf-token": site.ana.csrf}
    refused = api.post("/api/v1/badges", json={"attempt_id": failed}, headers=headers)
    assert refused.status_code == 422
    assert "below the pass mark" in refused.json()["detail"]
    assert (
        api.post("/api/v1/badges", json={"attempt_id": others}, headers=headers).status_code == 404
    )
    assert api.post("/api/v1/badges", json={"attempt": 1}, headers=headers).status_code == 422
    assert api.get("/api/v1/badges").json()["badges"] == []


def test_the_api_lets_only_admins_revoke(site: Site) -> None:
    attempt = take_exam(site.app, site.ana.user)  # type: ignore[arg-type]
    headers = {"x-csrf-token": site.ana.csrf}
    public_id = site.ana.client.post(
        "/api/v1/badges", json={"attempt_id": attempt}, headers=headers
    ).json()["public_id"]
    url = f"/api/v1/badges/{public_id}/revoke"
    assert site.ana.client.post(url, json={"reason": "x"}, headers=headers).status_code == 403
    root = site.admin()
    admin_headers = {"x-csrf-token": root.csrf}
    assert root.client.post(url, json={"reason": ""}, headers=admin_headers).status_code == 422
    done = root.client.post(url, json={"reason": "Issued in error"}, headers=admin_headers)
    assert done.json()["revoked_reason"] == "Issued in error"
    assert root.client.post(url, json={"reason": "Again"}, headers=admin_headers).status_code == 409
    issued = root.client.get("/api/v1/badges/issued").json()
    assert [b["email"] for b in issued["badges"]] == ["ana@example.org"]
    verdict = site.browser().get(f"/api/v1/badges/{public_id}/verification").json()
    assert (verdict["valid"], verdict["reason"]) == (False, "revoked")
