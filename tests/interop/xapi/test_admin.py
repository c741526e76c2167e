"""The admin page /admin/xapi, the API /api/v1/xapi and the command line `pmpath xapi`, used
the way an admin would, against Ralph: who may use them, connecting an LRS (the secret is never
shown back), bad input refused naming its field with nothing changed, "Send now", a refused
statement retried, the connection test and the exit codes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from pmpath.services.xapi import COMMAND_LINE
from pmpath.store.tables_xapi import XapiOutboxRow
from pmpath.web.app import create_app
from tests.interop.xapi.helpers import Site, make_site, self_assess
from tests.interop.xapi.ralph import PASSWORD, USER, Ralph, free_port
from tests.web.conftest import csrf_of
from tests.web.conftest import sign_in as web_sign_in

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ACCOUNT_PASSWORD = "correct-horse-battery"


@pytest.fixture
def site(database_url: str) -> Site:
    return make_site(database_url)


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_app(pmpath=site.app)) as test_client:
        yield test_client


def _as(client: TestClient, site: Site, role: str) -> str:
    """Sign in as a new account with ``role``; the session's CSRF token."""
    email = f"{role}@example.org"
    site.app.accounts.sign_up(email, role.title(), ACCOUNT_PASSWORD, role=role)
    client.cookies.clear()
    assert web_sign_in(client, email, ACCOUNT_PASSWORD).status_code == 303
    return csrf_of(client.get("/account").text)


def _visible(html: str) -> str:
    body = html.split("<main", 1)[-1]
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", body, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _connect(client: TestClient, csrf: str, endpoint: str, **fields: str) -> Any:
    data = {
        "csrf_token": csrf,
        "endpoint": endpoint,
        "key": USER,
        "secret": PASSWORD,
        "enabled": "on",
        "identify_by": "pseudonym",
        **fields,
    }
    return client.post("/admin/xapi/settings", data=data, follow_redirects=False)


# -- the page ----------------------------------------------------------------------------------


def test_the_page_is_for_site_admins_only(client: TestClient, site: Site) -> None:
    assert client.get("/admin/xapi", follow_redirects=False).status_code == 303  # sign in first
    _as(client, site, "author")
    assert client.get("/admin/xapi").status_code == 403
    csrf = _as(client, site, "learner")
    refused = client.post("/admin/xapi/send", data={"csrf_token": csrf}, follow_redirects=False)
    assert refused.status_code == 403
    _as(client, site, "admin")
    page = client.get("/admin/xapi")
    assert page.status_code == 200
    assert "Connect an LRS" in page.text


def test_an_admin_connects_an_lrs_and_the_secret_is_never_shown_back(
    client: TestClient, site: Site, ralph: Ralph
) -> None:
    csrf = _as(client, site, "admin")
    saved = _connect(client, csrf, ralph.endpoint + "/")
    assert saved.status_code == 303
    page = client.get("/admin/xapi").text
    assert "The LRS settings are saved." in page
    assert f'value="{ralph.endpoint}"' in page  # the trailing slash is dropped
    assert "A secret is stored; it is never shown." in page
    assert PASSWORD not in page
    assert site.xapi.settings(COMMAND_LINE).enabled

    # Saving again with the secret left empty keeps the stored one.
    assert _connect(client, csrf, ralph.endpoint, secret="").status_code == 303
    tested = client.post("/admin/xapi/test", data={"csrf_token": csrf})
    assert "Connected: the LRS answered and took the key and secret." in tested.text


def test_a_bad_endpoint_is_refused_naming_the_field_and_keeping_what_was_typed(
    client: TestClient, site: Site
) -> None:
    csrf = _as(client, site, "admin")
    refused = _connect(client, csrf, "ftp://lrs.example.org", key="typed-key")
    assert refused.status_code == 422
    assert '<a href="#endpoint">The endpoint must be an http:// or https:// address</a>' in (
        refused.text
    )
    assert 'value="ftp://lrs.example.org"' in refused.text
    assert 'value="typed-key"' in refused.text
    assert not site.xapi.settings(COMMAND_LINE).configured


def test_send_now_sends_and_the_page_counts_what_was_sent(
    client: TestClient, site: Site, ralph: Ralph
) -> None:
    csrf = _as(client, site, "admin")
    _connect(client, csrf, ralph.endpoint)
    self_assess(site, "dee")
    self_assess(site, "eli")
    sent = client.post("/admin/xapi/send", data={"csrf_token": csrf})
    text = _visible(sent.text)
    assert "2 new statements collected; 2 sent." in text
    assert "2 sent" in text
    assert "0 waiting to be sent" in text
    assert "Everything collected so far has been sent." in text
    assert not ISO_TIME.search(text)
    assert len(site.mine(ralph.statements())) == 2


def test_a_refused_statement_shows_the_lrs_message_and_is_retried_from_the_page(
    client: TestClient, site: Site, ralph: Ralph
) -> None:
    csrf = _as(client, site, "admin")
    _connect(client, csrf, ralph.endpoint)
    self_assess(site, "dee")
    site.xapi.collect(COMMAND_LINE)
    [row] = site.outbox()
    broken = {**row.statement, "object": {"objectType": "Activity"}}
    with site.app.database.transaction() as session:
        session.execute(update(XapiOutboxRow).values(statement=broken))
    failed = _visible(client.post("/admin/xapi/send", data={"csrf_token": csrf}).text)
    assert "0 sent, 1 refused by the LRS" in failed
    assert "Finished a self-assessment" in failed
    assert "HTTP 422: 0.object.id: Field required" in failed
    assert not ISO_TIME.search(failed)

    with site.app.database.transaction() as session:
        session.execute(update(XapiOutboxRow).values(statement=row.statement))
    retried = client.post(f"/admin/xapi/statements/{row.id}/retry", data={"csrf_token": csrf})
    assert "The statement is back in line" in retried.text
    assert "1 waiting to be sent" in _visible(retried.text)
    again = _visible(client.post("/admin/xapi/send", data={"csrf_token": csrf}).text)
    assert "1 sent" in again
    assert "None: the LRS has taken every statement it was sent." in again


def test_an_lrs_that_is_down_is_said_so_and_its_statements_wait(
    client: TestClient, site: Site
) -> None:
    csrf = _as(client, site, "admin")
    _connect(client, csrf, f"http://127.0.0.1:{free_port()}/xAPI")
    self_assess(site, "dee")
    sent = _visible(client.post("/admin/xapi/send", data={"csrf_token": csrf}).text)
    assert "The LRS took no more statements (the LRS could not be reached" in sent
    assert "1 waiting to be sent" in sent
    assert "The last try failed" in sent
    tested = _visible(client.post("/admin/xapi/test", data={"csrf_token": csrf}).text)
    assert "The LRS could not be reached" in tested


# -- the API -----------------------------------------------------------------------------------


def _token(site: Site, role: str) -> dict[str, str]:
    user = site.app.accounts.sign_up(f"{role}-api@example.org", role, ACCOUNT_PASSWORD, role=role)
    token = site.app.accounts.create_token(user, "xapi").token
    return {"Authorization": f"Bearer {token}"}


def test_the_api_is_for_site_admins_only(client: TestClient, site: Site) -> None:
    assert client.get("/api/v1/xapi").status_code == 401
    assert client.get("/api/v1/xapi", headers=_token(site, "learner")).status_code == 403


def test_the_api_configures_sends_lists_and_retries(
    client: TestClient, site: Site, ralph: Ralph
) -> None:
    admin = _token(site, "admin")
    body = {"endpoint": ralph.endpoint, "key": USER, "secret": PASSWORD}
    configured = client.patch("/api/v1/xapi/settings", json=body, headers=admin)
    assert configured.status_code == 200, configured.text
    assert configured.json()["secret_set"] is True
    assert "secret" not in configured.json()
    assert client.post("/api/v1/xapi/test", headers=admin).json()["ok"] is True

    self_assess(site, "dee")
    sent = client.post("/api/v1/xapi/send", headers=admin).json()
    assert (sent["collect"]["collected"], sent["send"]["sent"]) == (1, 1)
    listed = client.get("/api/v1/xapi/statements?state=sent", headers=admin).json()
    [entry] = listed["entries"]
    assert entry["kind"] == "self-assessed"
    assert entry["state"] == "sent"
    one = client.get(f"/api/v1/xapi/statements/{entry['id']}", headers=admin).json()
    assert one["entry"] == entry
    assert one["statement"] == site.outbox()[0].statement  # as sent, member for member
    statement = one["statement"]
    assert statement["id"] == entry["statement_id"]
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    status = client.get("/api/v1/xapi", headers=admin).json()
    assert status["counts"] == {"pending": 0, "sent": 1, "failed": 0}
    # Only refused statements can be retried: a sent one is not found among them.
    assert (
        client.post(f"/api/v1/xapi/statements/{entry['id']}/retry", headers=admin).status_code
        == 404
    )
    assert client.post("/api/v1/xapi/retry", headers=admin).json() == {"retried": 0}


def test_bad_settings_through_the_api_name_their_field_and_change_nothing(
    client: TestClient, site: Site
) -> None:
    admin = _token(site, "admin")
    first = client.patch(
        "/api/v1/xapi/settings", json={"endpoint": "https://lrs.example.org"}, headers=admin
    )
    assert first.status_code == 422
    fields = {error["field"] for error in first.json()["errors"]}
    assert fields == {"key", "secret"}
    unknown = client.patch("/api/v1/xapi/settings", json={"identify_by": "name"}, headers=admin)
    assert unknown.status_code == 422
    assert "identify_by" in unknown.text
    assert client.get("/api/v1/xapi/settings", headers=admin).json()["configured"] is False
    listing = client.get("/api/v1/xapi/statements?state=lost", headers=admin)
    assert listing.status_code == 422


# -- the command line --------------------------------------------------------------------------


@pytest.fixture
def cli(pmpath: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any, terminal_80: None) -> Any:
    """`pmpath` on its own SQLite file, with a site address and the LRS secret in the
    environment (as an admin would give it, out of the shell history)."""
    monkeypatch.setenv("PMPATH_PUBLIC_URL", "https://pmpath-cli.example.org")
    monkeypatch.setenv("PMPATH_XAPI_SECRET", PASSWORD)
    return pmpath


def _cli_site(tmp_path: Any) -> Site:
    from pmpath.app import Pmpath
    from pmpath.settings import Settings

    app = Pmpath(Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}"))
    return Site(app, app.clock, "https://pmpath-cli.example.org")  # type: ignore[arg-type]


def test_the_command_line_configures_sends_and_reports(
    cli: Any, ralph: Ralph, tmp_path: Any
) -> None:
    missing = cli("xapi", "configure", "--endpoint", ralph.endpoint)
    assert missing.exit_code == 2
    assert "error: key: the LRS's key is needed" in missing.stderr

    done = cli("xapi", "configure", "--endpoint", ralph.endpoint, "--key", USER)
    assert done.exit_code == 0, done.stderr
    assert f"LRS set: {ralph.endpoint} (key {USER}); sending is on." in done.stdout
    assert PASSWORD not in done.stdout
    assert cli("xapi", "test").exit_code == 0

    site = _cli_site(tmp_path)
    self_assess(site, "dee")
    sent = cli("xapi", "send")
    assert sent.exit_code == 0, sent.stderr
    assert "Collected 1 new statement." in sent.stdout
    assert "Sent 1, failed 0, to retry 0 (1 request)." in sent.stdout
    status = cli("xapi", "status")
    assert "Pending 0, sent 1, failed 0." in status.stdout
    assert all(len(line) <= 80 for line in status.stdout.splitlines())
    listed = cli("xapi", "list", "--state", "sent", "--json").json()
    assert [entry["kind"] for entry in listed["entries"]] == ["self-assessed"]
    assert PASSWORD not in cli("xapi", "status", "--json").stdout


def test_the_command_line_says_when_the_lrs_is_down_and_exits_1(cli: Any, tmp_path: Any) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/xAPI"
    assert cli("xapi", "configure", "--endpoint", endpoint, "--key", USER).exit_code == 0
    self_assess(_cli_site(tmp_path), "dee")
    down = cli("xapi", "send")
    assert down.exit_code == 1
    assert "error: the LRS took no more statements: the LRS could not be reached" in down.stderr
    assert "Pending 1, sent 0, failed 0." in cli("xapi", "status").stdout
    test = cli("xapi", "test")
    assert test.exit_code == 1
    assert test.stderr.startswith("error: the LRS could not be reached")


def test_retry_needs_numbers_or_all_and_refuses_unknown_numbers(cli: Any) -> None:
    assert (
        cli("xapi", "configure", "--endpoint", "https://lrs.example.org", "--key", "k").exit_code
        == 0
    )
    neither = cli("xapi", "retry")
    assert neither.exit_code == 2
    assert "give the numbers of the statements to retry, or --all" in neither.stderr
    unknown = cli("xapi", "retry", "42")
    assert unknown.exit_code == 2
    assert "there is no refused statement 42 in the outbox" in unknown.stderr
    assert cli("xapi", "retry", "--all").stdout.strip() == "0 statements back in line."
    bad_state = cli("xapi", "list", "--state", "lost")
    assert bad_state.exit_code == 2
    assert "the state is pending, sent or failed, not 'lost'" in bad_state.stderr
