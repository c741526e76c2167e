"""A web app over a fresh database per test, driven through FastAPI's TestClient."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pmpath.web.app import create_app
from pmpath.web.context import AppContext, WebSettings

PASSWORD = "correct-horse-battery"


@pytest.fixture
def context(database_url: str) -> Iterator[AppContext]:
    ctx = AppContext.open(WebSettings(database_url=database_url))
    yield ctx
    ctx.database.dispose()


@pytest.fixture
def client(context: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(context=context)) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def sign_up(client: TestClient, email: str = "ana@example.org", name: str = "Ana") -> str:
    """Sign up (and so in); returns the CSRF token of the new session."""
    response = client.post("/signup", data={"email": email, "name": name, "password": PASSWORD})
    assert response.status_code == 200, response.text  # redirected to the home page
    return csrf_of(client.get("/account").text)
