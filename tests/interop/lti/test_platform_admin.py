"""Registering platforms: the service's checks (every field named), the admin page, the API
(/api/v1/lti/...) and the CLI (`pmpath lti ...`), and who may use them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pmpath.app import Pmpath
from pmpath.cli.app import app as cli
from pmpath.cli.application import application
from pmpath.errors import ConflictError, ForbiddenError, PmpathError
from pmpath.services.accounts import User
from pmpath.services.models.lti import PlatformInput
from pmpath.settings import Settings
from pmpath.web.app import create_app
from tests.interop.lti.conftest import clean_postgres
from tests.web.conftest import PASSWORD, csrf_of, sign_in

runner = CliRunner()
MOODLE = {
    "name": "Moodle of the Business School",
    "issuer": "https://moodle.example.edu",
    "client_id": "PmPaTh123",
    "deployment_ids": ["1"],
    "key_set_url": "https://moodle.example.edu/mod/lti/certs.php",
    "auth_login_url": "https://moodle.example.edu/mod/lti/auth.php",
    "auth_token_url": "https://moodle.example.edu/mod/lti/token.php",
}


@pytest.fixture
def site(database_url: str) -> Iterator[tuple[Pmpath, TestClient, User, User]]:
    """pmpath with an admin (Ada) and a learner (Lea), and a browser."""
    clean_postgres(database_url)
    app = Pmpath(Settings(database_url=database_url))
    ada = app.accounts.sign_up("ada@example.org", "Ada", PASSWORD, role="admin")
    lea = app.accounts.sign_up("lea@example.org", "Lea", PASSWORD)
    with TestClient(create_app(pmpath=app)) as client:
        yield app, client, ada, lea
    app.database.dispose()


def _fields(error: PmpathError) -> list[str]:
    return [".".join(map(str, p.location.field_path)) for p in error.problems]


def test_a_registered_platform_is_listed_with_its_deployments(site: Any) -> None:
    app, _, ada, _ = site
    made = app.lti.register_platform(ada, PlatformInput(**{**MOODLE, "deployment_ids": ["1", "2"]}))
    (listed,) = app.lti.platforms(ada).platforms
    assert listed == made
    assert (listed.name, listed.deployment_ids, listed.launches) == (
        "Moodle of the Business School",
        ["1", "2"],
        0,
    )


def test_every_bad_field_is_named_at_once_and_nothing_is_registered(site: Any) -> None:
    app, _, ada, _ = site
    bad = {
        **MOODLE,
        "name": " ",
        "issuer": "moodle.example.edu",
        "deployment_ids": [" "],
        "key_set_url": "http://moodle.example.edu/certs",
        "auth_login_url": "ftp://moodle.example.edu/auth",
    }
    with pytest.raises(PmpathError) as refused:
        app.lti.register_platform(ada, PlatformInput(**bad))
    assert _fields(refused.value) == [
        "name",
        "issuer",
        "deployment_ids",
        "key_set_url",
        "auth_login_url",
    ]
    assert "must use https (http only for localhost)" in str(refused.value)
    assert app.lti.platforms(ada).platforms == []


def test_http_is_allowed_for_localhost_only(site: Any) -> None:
    app, _, ada, _ = site
    local = {
        k: v.replace("https://moodle.example.edu", "http://localhost:8080")
        if isinstance(v, str)
        else v
        for k, v in MOODLE.items()
    }
    assert app.lti.register_platform(ada, PlatformInput(**local)).issuer == "http://localhost:8080"


def test_the_same_issuer_and_client_id_twice_is_a_conflict_on_the_client_id(site: Any) -> None:
    app, _, ada, _ = site
    app.lti.register_platform(ada, PlatformInput(**MOODLE))
    with pytest.raises(ConflictError) as refused:
        app.lti.register_platform(ada, PlatformInput(**{**MOODLE, "name": "Again"}))
    assert _fields(refused.value) == ["client_id"]
    other_client = app.lti.register_platform(ada, PlatformInput(**{**MOODLE, "client_id": "B"}))
    assert other_client.client_id == "B"


def test_only_an_admin_registers_or_lists_platforms(site: Any) -> None:
    app, _, _, lea = site
    with pytest.raises(ForbiddenError):
        app.lti.register_platform(lea, PlatformInput(**MOODLE))
    with pytest.raises(ForbiddenError):
        app.lti.platforms(lea)
    with pytest.raises(ForbiddenError):
        app.lti.rotate_key(lea)


# -- the API ---------------------------------------------------------------------------------------


def _token(app: Pmpath, user: User) -> dict[str, str]:
    made = app.accounts.create_token(user, "lti")
    return {"authorization": f"Bearer {made.token}"}


def test_the_api_registers_lists_and_removes_a_platform(site: Any) -> None:
    app, client, ada, _ = site
    auth = _token(app, ada)
    made = client.post("/api/v1/lti/platforms", json=MOODLE, headers=auth)
    assert made.status_code == 201, made.text
    listed = client.get("/api/v1/lti/platforms", headers=auth).json()["platforms"]
    assert [p["client_id"] for p in listed] == ["PmPaTh123"]
    removed = client.delete(f"/api/v1/lti/platforms/{made.json()['id']}", headers=auth)
    assert removed.status_code == 200
    assert client.get("/api/v1/lti/platforms", headers=auth).json() == {"platforms": []}
    assert (
        client.delete(f"/api/v1/lti/platforms/{made.json()['id']}", headers=auth).status_code == 404
    )


def test_the_api_names_the_bad_field_and_refuses_a_duplicate(site: Any) -> None:
    app, client, ada, _ = site
    auth = _token(app, ada)
    bad = client.post(
        "/api/v1/lti/platforms", json={**MOODLE, "auth_token_url": "token.php"}, headers=auth
    )
    assert bad.status_code == 422
    assert "auth_token_url" in bad.text
    assert client.post("/api/v1/lti/platforms", json=MOODLE, headers=auth).status_code == 201
    assert client.post("/api/v1/lti/platforms", json=MOODLE, headers=auth).status_code == 409


def test_the_api_refuses_a_learner(site: Any) -> None:
    app, client, _, lea = site
    auth = _token(app, lea)
    assert client.get("/api/v1/lti/platforms", headers=auth).status_code == 403
    assert client.post("/api/v1/lti/platforms", json=MOODLE, headers=auth).status_code == 403
    assert client.get("/api/v1/lti/keys", headers=auth).status_code == 403


def test_the_api_lists_and_rotates_keys(site: Any) -> None:
    app, client, ada, _ = site
    auth = _token(app, ada)
    first = client.get("/api/v1/lti/keys", headers=auth).json()
    assert [k["status"] for k in first["keys"]] == ["current"]
    rotated = client.post("/api/v1/lti/keys/rotate", headers=auth).json()
    assert [k["status"] for k in rotated["keys"]] == ["current", "retired"]
    assert rotated["keys"][1]["kid"] == first["keys"][0]["kid"]
    assert rotated["grace_days"] == 3


# -- the admin page --------------------------------------------------------------------------------


def test_the_admin_page_shows_the_tools_urls_and_registers_a_platform(site: Any) -> None:
    _, client, _, _ = site
    sign_in(client, "ada@example.org")
    shown = client.get("/admin/lti")
    assert shown.status_code == 200
    for url in ("/lti/login", "/lti/launch", "/lti/jwks.json"):
        assert f'value="http://testserver{url}"' in shown.text
    assert "No platform is registered yet" in shown.text
    form = {**MOODLE, "deployment_ids": "1\n2", "csrf_token": csrf_of(shown.text)}
    made = client.post("/admin/lti/platforms", data=form, follow_redirects=False)
    assert made.status_code == 303
    page = client.get(made.headers["location"]).text
    assert "Moodle of the Business School is registered" in page
    assert "<dd>1, 2</dd>" in page


def test_the_admin_page_keeps_what_was_typed_and_names_the_bad_field(site: Any) -> None:
    _, client, _, _ = site
    sign_in(client, "ada@example.org")
    csrf = csrf_of(client.get("/admin/lti").text)
    form = {**MOODLE, "deployment_ids": "1", "key_set_url": "certs.php", "csrf_token": csrf}
    refused = client.post("/admin/lti/platforms", data=form)
    assert refused.status_code == 422
    assert 'href="#key_set_url"' in refused.text
    assert 'value="https://moodle.example.edu/mod/lti/auth.php"' in refused.text
    assert re.search(r'id="key_set_url"[^>]*aria-invalid="true"', refused.text)


def test_the_admin_page_removes_a_platform_and_rotates_the_key(site: Any) -> None:
    app, client, ada, _ = site
    made = app.lti.register_platform(ada, PlatformInput(**MOODLE))
    sign_in(client, "ada@example.org")
    admin_page = client.get("/admin/lti").text
    csrf = csrf_of(admin_page)
    # One click on the admin page only asks: the confirmation page says what goes.
    assert f'<a href="/admin/lti/platforms/{made.id}/remove">Remove {made.name}…</a>' in admin_page
    asked = client.get(f"/admin/lti/platforms/{made.id}/remove").text
    assert f"Remove {made.name}?" in asked
    assert "their next launch makes a <strong>new</strong> account" in asked
    assert len(app.lti.platforms(ada).platforms) == 1
    client.post(f"/admin/lti/platforms/{made.id}/remove", data={"csrf_token": csrf})
    assert app.lti.platforms(ada).platforms == []
    rotated = client.post("/admin/lti/keys/rotate", data={"csrf_token": csrf})
    assert "the old one stays published for 3 days" in rotated.text
    assert len(app.lti.keys(ada).keys) == 2


def test_a_learner_cannot_open_the_admin_page(site: Any) -> None:
    _, client, _, _ = site
    sign_in(client, "lea@example.org")
    assert client.get("/admin/lti").status_code == 403


# -- the CLI ---------------------------------------------------------------------------------------


@pytest.fixture
def cli_url(site: Any, database_url: str) -> Iterator[str]:
    application.cache_clear()
    yield database_url
    application.cache_clear()


def _run(url: str, *args: str) -> Any:
    return runner.invoke(
        cli, ["lti", *args, "--database-url", url], env={"COLUMNS": "80"}, prog_name="pmpath"
    )


def _add_args() -> list[str]:
    return [
        "platform", "add", MOODLE["name"], "--as", "ada@example.org",
        "--issuer", MOODLE["issuer"], "--client-id", MOODLE["client_id"], "-d", "1", "-d", "2",
        "--jwks-url", MOODLE["key_set_url"], "--auth-url", MOODLE["auth_login_url"],
        "--token-url", MOODLE["auth_token_url"],
    ]  # fmt: skip


def test_the_cli_adds_lists_and_removes_a_platform(cli_url: str, terminal_80: None) -> None:
    added = _run(cli_url, *_add_args())
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("Registered Moodle of the Business School (platform ")
    listed = _run(cli_url, "platform", "list", "--as", "ada@example.org", "--json")
    (platform,) = json.loads(listed.stdout)["platforms"]
    assert platform["deployment_ids"] == ["1", "2"]
    shown = _run(cli_url, "platform", "list", "--as", "ada@example.org")
    assert "Moodle of the Business School" in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80
    removed = _run(cli_url, "platform", "remove", str(platform["id"]), "--as", "ada@example.org")
    assert removed.stdout == "Removed Moodle of the Business School.\n"


def test_the_cli_refuses_bad_input_on_stderr_with_exit_code_2(cli_url: str) -> None:
    args = _add_args()
    args[args.index("--jwks-url") + 1] = "http://moodle.example.edu/certs"
    refused = _run(cli_url, *args)
    assert refused.exit_code == 2
    assert "key_set_url" in refused.stderr
    assert "https" in refused.stderr
    assert refused.stdout == ""
    assert _run(cli_url, *_add_args()).exit_code == 0
    again = _run(cli_url, *_add_args())
    assert again.exit_code == 2
    assert "registered already" in again.stderr


def test_the_cli_refuses_a_learner(cli_url: str) -> None:
    refused = _run(cli_url, "platform", "list", "--as", "lea@example.org")
    assert refused.exit_code != 0
    assert "admin" in refused.stderr


def test_the_cli_lists_and_rotates_keys(cli_url: str, terminal_80: None) -> None:
    first = json.loads(_run(cli_url, "keys", "list", "--as", "ada@example.org", "--json").stdout)
    rotated = _run(cli_url, "keys", "rotate", "--as", "ada@example.org")
    assert rotated.exit_code == 0
    assert "The old key stays published for 3 days." in rotated.stdout
    listed = _run(cli_url, "keys", "list", "--as", "ada@example.org")
    assert first["keys"][0]["kid"][:12] + "…" in listed.stdout
    assert "Replaced;" in listed.stdout
    assert max(len(line) for line in listed.stdout.splitlines()) <= 80


def test_the_cli_prints_the_urls_for_the_lms(cli_url: str) -> None:
    shown = _run(cli_url, "urls", "--base-url", "https://pmpath.example.org")
    assert shown.exit_code == 0
    assert "  https://pmpath.example.org/lti/login\n" in shown.stdout
    assert "  https://pmpath.example.org/lti/jwks.json\n" in shown.stdout
    missing = runner.invoke(
        cli, ["lti", "urls", "--database-url", cli_url], env={"PMPATH_PUBLIC_URL": ""}
    )
    assert missing.exit_code == 2
    assert "PMPATH_PUBLIC_URL" in missing.stderr
