"""A web app over a fresh database per test, driven through FastAPI's TestClient."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from pmpath.app import Pmpath
from pmpath.settings import Settings
from pmpath.web.app import create_app

PASSWORD = "correct-horse-battery"


@pytest.fixture
def context(database_url: str) -> Iterator[Pmpath]:
    ctx = Pmpath(Settings(database_url=database_url))
    yield ctx
    ctx.database.dispose()


@pytest.fixture
def client(context: Pmpath) -> Iterator[TestClient]:
    with TestClient(create_app(pmpath=context)) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def sign_up(client: TestClient, email: str = "ana@example.org", name: str = "Ana") -> str:
    """Sign up (and so in) as a browser would, the form first; returns the CSRF token of the
    new session."""
    form = csrf_of(client.get("/signup").text)
    response = client.post(
        "/signup", data={"csrf_token": form, "email": email, "name": name, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text  # redirected to the home page
    return csrf_of(client.get("/account").text)


def sign_in(client: TestClient, email: str, password: str = PASSWORD, **fields: str) -> Response:
    """Post the sign-in form as a browser would: the form (and its CSRF token) first."""
    form = csrf_of(client.get("/login").text)
    data = {"csrf_token": form, "email": email, "password": password, **fields}
    return client.post("/login", data=data, follow_redirects=False)


def profile_of(context: Pmpath, email: str) -> str:
    """The profile name behind an account (what the services key a user's data by)."""
    from sqlalchemy import select

    from pmpath.store.tables import ProfileRow, UserRow

    with context.database.transaction() as session:
        user = session.scalars(select(UserRow).where(UserRow.email == email)).one()
        return session.get(ProfileRow, user.profile_id).name  # type: ignore[union-attr]


def form_for(question: dict, response: object) -> dict:  # type: ignore[type-arg]
    """The form fields the question page posts for ``response``."""
    kind = question["type"]
    if kind == "ordering":
        # "touched": the order is the learner's own (moved, or "This order is my answer").
        order = {f"order-{n}": option for n, option in enumerate(response)}  # type: ignore[arg-type]
        return {**order, "touched": "1"}
    if kind == "matching":
        return {f"match-{n}": response[left] for n, left in enumerate(question["lefts"])}  # type: ignore[index]
    return {"response": response if isinstance(response, list) else str(response)}
