"""Sign up, in and out, passwords, CSRF (login CSRF too), throttling, API tokens and flash
messages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from pmpath.app import Pmpath
from pmpath.settings import Settings
from pmpath.web.app import create_app
from pmpath.web.auth import FORM_COOKIE, SESSION_COOKIE
from pmpath.web.flash import FLASH_COOKIE
from tests.web.conftest import PASSWORD, csrf_of, sign_in, sign_up


def signup_form(client: TestClient, **fields: str) -> dict[str, str]:
    token = csrf_of(client.get("/signup").text)
    form = {"csrf_token": token, "email": "ana@example.org", "name": "Ana", "password": PASSWORD}
    return form | fields


def test_sign_up_signs_in_with_a_safe_cookie(client: TestClient) -> None:
    response = client.post(
        "/signup", data=signup_form(client, email="Ana@Example.org"), follow_redirects=False
    )
    assert response.status_code == 303
    cookie = next(c for c in response.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in tests; HTTPS gets Secure
    assert client.get("/api/v1/me").json()["email"] == "ana@example.org"


def test_sign_up_errors_name_the_field(client: TestClient) -> None:
    response = client.post("/signup", data=signup_form(client, email="nope"))
    assert response.status_code == 422
    assert 'id="email-error"' in response.text
    response = client.post("/signup", data=signup_form(client, password="short"))
    assert response.status_code == 422
    assert "at least 10 characters" in response.text


def test_a_guessable_password_is_refused_with_a_reason(client: TestClient) -> None:
    response = client.post("/signup", data=signup_form(client, password="1234567890"))
    assert response.status_code == 422
    assert 'id="password-error"' in response.text
    assert "This is a top-100 common password." in response.text
    assert client.get("/api/v1/me").status_code == 401


def test_a_second_account_with_the_same_email_is_refused(client: TestClient) -> None:
    sign_up(client)
    client.cookies.clear()
    response = client.post("/signup", data=signup_form(client, name="A"))
    assert response.status_code == 422
    assert "exists already" in response.text


def test_sign_up_and_sign_in_refuse_a_form_from_another_site(client: TestClient) -> None:
    # Login CSRF: a hostile page posting the form would sign the visitor in to its account.
    sign_up(client)
    client.cookies.clear()
    forged = {"email": "ana@example.org", "password": PASSWORD}
    response = client.post("/login", data=forged, follow_redirects=False)
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    client.get("/login")  # the visitor's own form cookie: still not the forger's token
    response = client.post("/login", data={**forged, "csrf_token": "guessed"})
    assert response.status_code == 403
    response = client.post("/signup", data=signup_form(client) | {"csrf_token": "guessed"})
    assert response.status_code == 403
    assert client.get("/api/v1/me").status_code == 401


def test_the_form_cookie_is_set_once_and_kept(client: TestClient) -> None:
    first = client.get("/login")
    assert FORM_COOKIE in first.headers["set-cookie"]
    assert "HttpOnly" in first.headers["set-cookie"]
    again = client.get("/signup")
    assert "set-cookie" not in again.headers
    assert csrf_of(first.text) == csrf_of(again.text) == client.cookies[FORM_COOKIE]


def test_sign_out_ends_the_session(client: TestClient) -> None:
    csrf = sign_up(client)
    signed_out = client.post("/logout", data={"csrf_token": csrf})
    assert "You are signed out." in signed_out.text
    assert client.get("/api/v1/me").status_code == 401


def test_a_state_change_without_the_csrf_token_is_refused(client: TestClient) -> None:
    sign_up(client)
    response = client.post("/account/tokens", data={"name": "x"})
    assert response.status_code == 403
    assert "did not come from this site" in response.text
    response = client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert client.get("/api/v1/me").status_code == 200


def test_wrong_passwords_are_throttled(client: TestClient) -> None:
    sign_up(client)
    client.cookies.clear()
    for _ in range(5):
        assert sign_in(client, "ana@example.org", "wrong-password").status_code == 401
    response = sign_in(client, "ana@example.org")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text


def test_throttling_counts_by_the_proxys_address_only_when_trusted(
    database_url: str,
) -> None:
    def spray_then_sign_in(trust: bool) -> int:
        context = Pmpath(Settings(database_url=database_url, trust_proxy_headers=trust))
        context.accounts.sign_up(f"ana-{trust}@example.org", "Ana", PASSWORD)
        with TestClient(create_app(pmpath=context)) as client:
            for n in range(5):
                spoofed = {"X-Forwarded-For": f"198.51.100.{n}, 203.0.113.9"}
                form = csrf_of(client.get("/login").text)
                client.post(
                    "/login",
                    data={"csrf_token": form, "email": f"ana-{trust}@example.org", "password": "x"},
                    headers=spoofed,
                )
            form = csrf_of(client.get("/login").text)
            status = client.post(
                "/login",
                data={
                    "csrf_token": form,
                    "email": f"ana-{trust}@example.org",
                    "password": PASSWORD,
                },
                headers={"X-Forwarded-For": "192.0.2.1"},
                follow_redirects=False,
            ).status_code
        context.database.dispose()
        return status

    # Untrusted, the header is ignored: every try came from the test client, now throttled.
    assert spray_then_sign_in(trust=False) == 429
    # Behind a trusted proxy, its last address is the client: the owner's differs.
    assert spray_then_sign_in(trust=True) == 303


def test_changing_the_password_ends_sessions_and_says_so(client: TestClient) -> None:
    csrf = sign_up(client)
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": "another-long-secret",
        },
    )
    assert response.status_code == 200  # back at the sign-in page
    assert "Your password is changed." in response.text
    assert client.get("/api/v1/me").status_code == 401
    assert sign_in(client, "ana@example.org", "another-long-secret").status_code == 303
    assert client.get("/api/v1/me").status_code == 200


def test_next_only_goes_to_local_pages(client: TestClient) -> None:
    sign_up(client)
    client.cookies.clear()
    response = sign_in(client, "ana@example.org", next="https://evil.example")
    assert response.headers["location"] == "/"
    assert csrf_of(client.get("/account").text)


# -- API tokens ----------------------------------------------------------------------------------


def new_token(client: TestClient, csrf: str, **fields: str) -> str:
    html = client.post("/account/tokens", data={"csrf_token": csrf, **fields}).text
    match = re.search(r'id="new-token" class="token" readonly value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def test_api_tokens_work_without_cookies_or_csrf(client: TestClient) -> None:
    csrf = sign_up(client)
    token = new_token(client, csrf, name="ci")
    client.cookies.clear()
    assert client.get("/api/v1/me").status_code == 401
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_a_token_cannot_mint_tokens(client: TestClient) -> None:
    token = new_token(client, sign_up(client))
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    refused = client.post("/api/v1/tokens?name=two", headers=bearer)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "cannot create tokens" in refused.json()["detail"]
    # Nor through the account page's form.
    assert client.post("/account/tokens", data={"name": "two"}, headers=bearer).status_code == 403
    assert len(client.get("/api/v1/tokens", headers=bearer).json()["tokens"]) == 1


def test_a_signed_in_browser_creates_tokens_through_the_api(client: TestClient) -> None:
    csrf = sign_up(client)
    made = client.post(
        "/api/v1/tokens?name=nightly&scopes=read&expires_in_days=30",
        headers={"X-CSRF-Token": csrf},
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["name"] == "nightly"
    assert body["scopes"] == ["read"]
    assert body["token"].startswith(f"pmp_{body['id']}_")
    listed = client.get("/api/v1/tokens").json()["tokens"]
    assert [t["id"] for t in listed] == [body["id"]]
    assert set(listed[0]) == {
        "id",
        "name",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "expired",
    }
    too_long = client.post("/api/v1/tokens?expires_in_days=400", headers={"X-CSRF-Token": csrf})
    assert too_long.status_code == 422
    assert client.post("/api/v1/tokens").status_code == 403  # a session without its CSRF token


def test_a_read_only_token_may_only_read(client: TestClient) -> None:
    token = new_token(client, sign_up(client), name="dash", access="read")
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    for method, path in (
        ("POST", "/api/v1/exams/scrum-master/attempts"),
        ("PUT", "/api/v1/attempts/1/answers/0"),
        ("DELETE", "/api/v1/tokens/abc"),
    ):
        refused = client.request(method, path, headers=bearer, content=b'"a"')
        assert refused.status_code == 403, (method, path)
        assert "may only read" in refused.json()["detail"]


def test_tokens_are_revoked_through_the_api(client: TestClient) -> None:
    csrf = sign_up(client)
    keep, drop = new_token(client, csrf, name="keep"), new_token(client, csrf, name="drop")
    listed = client.get("/api/v1/tokens").json()["tokens"]
    drop_id = next(t["id"] for t in listed if t["name"] == "drop")
    client.cookies.clear()
    kept = {"Authorization": f"Bearer {keep}"}
    revoked = client.delete(f"/api/v1/tokens/{drop_id}", headers=kept)
    assert revoked.status_code == 200
    assert revoked.json()["name"] == "drop"
    gone = client.get("/api/v1/me", headers={"Authorization": f"Bearer {drop}"})
    assert gone.status_code == 401
    assert gone.json()["detail"] == "the API token is unknown, revoked or expired"
    again = client.delete(f"/api/v1/tokens/{drop_id}", headers=kept)
    assert again.status_code == 404
    assert again.headers["content-type"] == "application/problem+json"


def test_the_account_page_lists_and_revokes_tokens(client: TestClient) -> None:
    csrf = sign_up(client)
    token = new_token(client, csrf, name="nightly build", access="read", days="30")
    page = client.get("/account").text
    assert "nightly build" in page
    assert "Read only" in page
    assert "never used" in page
    assert token not in page  # shown once only
    token_id = re.search(r'action="/account/tokens/([0-9a-f]+)/revoke"', page)
    assert token_id
    assert client.post(f"/account/tokens/{token_id[1]}/revoke").status_code == 403  # no CSRF
    revoked = client.post(f"/account/tokens/{token_id[1]}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 200
    assert "The token “nightly build” is revoked" in revoked.text
    assert "You have no API tokens." in revoked.text
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_password_change_revokes_the_tokens(client: TestClient) -> None:
    csrf = sign_up(client)
    token = new_token(client, csrf)
    client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": "a-new-long-secret",
        },
    )
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_expired_token_is_refused(client: TestClient, context: Pmpath) -> None:
    from datetime import timedelta

    from pmpath.services.assessments import utc_now

    token = new_token(client, sign_up(client), days="7")
    client.cookies.clear()
    context.accounts.clock = lambda: utc_now() + timedelta(days=7, seconds=1)
    expired = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert expired.status_code == 401
    assert expired.headers["content-type"] == "application/problem+json"


def test_a_token_is_looked_up_in_one_query(client: TestClient, context: Pmpath) -> None:
    token = new_token(client, sign_up(client))
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/me", headers=bearer)  # the first use is written down
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(context.database.engine, "before_cursor_execute", count)
    try:
        assert client.get("/api/v1/me", headers=bearer).status_code == 200
    finally:
        event.remove(context.database.engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements


# -- admins, and messages after a redirect -------------------------------------------------------


def admin_session(client: TestClient, context: Pmpath) -> str:
    context.accounts.sign_up("root@example.org", "Root", PASSWORD, role="admin")
    sign_in(client, "root@example.org")
    return csrf_of(client.get("/account").text)


def test_a_role_change_for_a_missing_user_is_not_found(client: TestClient, context: Pmpath) -> None:
    csrf = admin_session(client, context)
    page = client.post("/admin/users/999/role", data={"csrf_token": csrf, "role": "author"})
    assert page.status_code == 404
    api = client.put("/api/v1/users/999/role?role=author", headers={"X-CSRF-Token": csrf})
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


def test_a_role_change_says_what_it_did_once(client: TestClient, context: Pmpath) -> None:
    ben = context.accounts.sign_up("ben@example.org", "Ben", PASSWORD)
    csrf = admin_session(client, context)
    form = {"csrf_token": csrf, "role": "author"}
    changed = client.post(f"/admin/users/{ben.id}/role", data=form)
    assert "Ben is now an author." in changed.text
    assert "Ben is now an author." not in client.get("/admin/users").text


#: Not signed, or signed with another key: {"m": "hi", "k": "notice", "t": 0}.
FORGED = ["made-up", "e30.AAAA", "eyJtIjoiaGkiLCJrIjoibm90aWNlIiwidCI6MH0.x"]


@pytest.mark.parametrize("cookie", FORGED)
def test_a_forged_flash_message_is_not_shown(client: TestClient, cookie: str) -> None:
    client.cookies.set(FLASH_COOKIE, cookie)
    page = client.get("/login")
    assert page.status_code == 200
    assert ' flash"' not in page.text  # no flash message of any kind
    cleared = [c for c in page.headers.get_list("set-cookie") if c.startswith(FLASH_COOKIE)]
    assert cleared
    assert "Max-Age=0" in cleared[0]


def test_no_page_shows_a_message_from_the_query_string(client: TestClient) -> None:
    csrf = sign_up(client)
    started = client.post("/practice", data={"csrf_token": csrf, "count": "3"})
    assert started.status_code == 200
    question_url = str(started.url)
    assert "/q/" in question_url
    shown = client.get(question_url + "?error=Your+session+expired:+call+0800-EVIL")
    assert "0800-EVIL" not in shown.text
    for path in ("/account", "/login", "/signup", "/exams"):
        assert "0800-EVIL" not in client.get(f"{path}?error=0800-EVIL&message=0800-EVIL").text
