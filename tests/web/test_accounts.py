"""Sign up, in and out, passwords, CSRF, throttling and API tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pmpath.web.auth import SESSION_COOKIE
from tests.web.conftest import PASSWORD, csrf_of, sign_up


def test_sign_up_signs_in_with_a_safe_cookie(client: TestClient) -> None:
    response = client.post(
        "/signup",
        data={"email": "Ana@Example.org", "name": "Ana", "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in tests; HTTPS gets Secure
    assert client.get("/api/v1/me").json()["email"] == "ana@example.org"


def test_sign_up_errors_name_the_field(client: TestClient) -> None:
    response = client.post("/signup", data={"email": "nope", "name": "Ana", "password": PASSWORD})
    assert response.status_code == 422
    assert 'id="email-error"' in response.text
    response = client.post("/signup", data={"email": "a@b.org", "name": "Ana", "password": "short"})
    assert response.status_code == 422
    assert "at least 10 characters" in response.text


def test_a_second_account_with_the_same_email_is_refused(client: TestClient) -> None:
    sign_up(client)
    client.cookies.clear()
    response = client.post(
        "/signup", data={"email": "ana@example.org", "name": "A", "password": PASSWORD}
    )
    assert response.status_code == 422
    assert "exists already" in response.text


def test_sign_out_ends_the_session(client: TestClient) -> None:
    csrf = sign_up(client)
    client.post("/logout", data={"csrf_token": csrf})
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
        response = client.post(
            "/login", data={"email": "ana@example.org", "password": "wrong-password"}
        )
        assert response.status_code == 401
    response = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "too many failed sign-ins" in response.text


def test_changing_the_password_ends_sessions(client: TestClient) -> None:
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
    assert client.get("/api/v1/me").status_code == 401
    response = client.post(
        "/login", data={"email": "ana@example.org", "password": "another-long-secret"}
    )
    assert response.status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_api_tokens_work_without_cookies_or_csrf(client: TestClient) -> None:
    csrf = sign_up(client)
    html = client.post("/account/tokens", data={"csrf_token": csrf, "name": "ci"}).text
    token = html.split('id="token" readonly value="')[1].split('"')[0]
    client.cookies.clear()
    assert client.get("/api/v1/me").status_code == 401
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    created = client.post("/api/v1/tokens?name=two", headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201
    assert created.json()["token"].startswith("pmp_")


def test_next_only_goes_to_local_pages(client: TestClient) -> None:
    sign_up(client)
    client.cookies.clear()
    response = client.post(
        "/login",
        data={"email": "ana@example.org", "password": PASSWORD, "next": "https://evil.example"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"
    assert csrf_of(client.get("/account").text)
