"""pmpath's web app over a fresh database (SQLite, and PostgreSQL when a server is given) and
a platform built in the tests (:mod:`tests.interop.lti.platform`) registered in it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from pmpath.app import Pmpath
from pmpath.services.accounts import User
from pmpath.services.models.lti import PlatformInput
from pmpath.settings import Settings
from pmpath.store import accounts as account_store
from pmpath.store.tables import UserRow
from pmpath.store.tables_lti import (
    LtiContextRow,
    LtiIdentityRow,
    LtiLaunchRow,
    LtiResourceLinkRow,
)
from pmpath.web.app import create_app
from tests.interop.lti.platform import Platform, StagedLaunch

LAUNCH_URL = "http://testserver/lti/launch"


class Clock:
    """The app's clock, moved by the tests (key grace periods)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def clean_postgres(url: str) -> None:
    """The shared PostgreSQL test database keeps the LTI tables between tests: empty them."""
    if not url.startswith("postgresql"):
        return
    from pmpath.store import Database

    database = Database(url)
    with database.transaction() as session:
        session.execute(
            text("TRUNCATE lti_platforms, lti_tool_keys, lti_nonces RESTART IDENTITY CASCADE")
        )
    database.dispose()


@dataclass
class Lms:
    """pmpath (``app`` and a browser ``client``), a platform registered in it, and its admin."""

    app: Pmpath
    client: TestClient
    platform: Platform
    platform_id: int
    admin: User
    clock: Clock

    def counts(self) -> dict[str, int]:
        """How many users, identities, contexts, links and launches there are."""
        found: dict[str, int] = {}
        with self.app.database.read() as session:
            for name, table in (
                ("users", UserRow),
                ("identities", LtiIdentityRow),
                ("contexts", LtiContextRow),
                ("links", LtiResourceLinkRow),
                ("launches", LtiLaunchRow),
            ):
                found[name] = session.scalar(select(func.count()).select_from(table)) or 0
        return found

    def launch(
        self, claims: dict[str, Any], user: str = "jane", **how: Any
    ) -> tuple[httpx.Response, StagedLaunch]:
        """The whole flow a browser goes through: pmpath's login initiation, the platform's
        authorization endpoint (real HTTP), and the form post back to pmpath's launch URL.
        Returns pmpath's answer to the launch (not followed) and what the platform sent."""
        hint, staged = self.platform.stage(claims, **how)
        started = self.client.get(
            "/lti/login", params=self.platform.login_params(hint, user), follow_redirects=False
        )
        assert started.status_code == 302, started.text
        location = started.headers["location"]
        assert location.startswith(self.platform.auth_url)
        answer = httpx.get(location, timeout=10)
        assert answer.status_code == 200, answer.text
        action, fields = form_of(answer.text)
        assert action == LAUNCH_URL
        return self.client.post("/lti/launch", data=fields, follow_redirects=False), staged

    def launched_users(self) -> list[tuple[str, str, str]]:
        """(email, name, role) of every user a launch made, in the order they were made."""
        with self.app.database.read() as session:
            rows = session.execute(
                select(UserRow.email, UserRow.name, UserRow.role)
                .join(LtiIdentityRow, LtiIdentityRow.user_id == UserRow.id)
                .order_by(UserRow.id)
            ).all()
        return [(r.email, r.name, r.role) for r in rows]

    def post_again(self, fields: dict[str, str]) -> httpx.Response:
        return self.client.post("/lti/launch", data=fields, follow_redirects=False)


def form_of(page: str, field: str | None = None) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the first form of an HTML page (with a hidden ``field``
    when given: a signed-in page has the navigation's sign-out form first)."""
    for block in re.findall(r"<form\b.*?</form>", page, re.DOTALL):
        action = re.search(r'action="([^"]*)"', block)
        fields = {
            html.unescape(name): html.unescape(value)
            for name, value in re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)"', block
            )
        }
        if action and (field is None or field in fields):
            return html.unescape(action.group(1)), fields
    raise AssertionError(f"no form with {field or 'an action'} on the page")


def admin_user(app: Pmpath, email: str = "root@example.org") -> User:
    with app.database.transaction() as session:
        row = account_store.add_user(
            session, email, "Root", "-", "admin", f"root-{email}", datetime.now(UTC)
        )
        return User(row.id, row.email, row.name, "admin", f"root-{email}")


@pytest.fixture
def lms(database_url: str) -> Iterator[Lms]:
    clean_postgres(database_url)
    clock = Clock()
    app = Pmpath(Settings(database_url=database_url), clock=clock)
    client = TestClient(create_app(pmpath=app))
    with client, Platform([LAUNCH_URL], lambda: client.get("/lti/jwks.json").json()) as p:
        admin = admin_user(app)
        made = app.lti.register_platform(admin, PlatformInput(**p.registration()))
        yield Lms(app, client, p, made.id, admin, clock)
    app.database.dispose()
