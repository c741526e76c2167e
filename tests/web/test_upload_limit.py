"""The upload limit comes from the settings: a larger quiz file is refused with 413 and nothing
is stored, through the API (read as it arrives) and through the author's import page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.settings import Settings
from pmpath.web.app import create_app
from tests.web.conftest import PASSWORD, csrf_of, sign_in

AIKEN = Path(__file__).resolve().parents[1] / "formats" / "fixtures" / "aiken" / "basic.txt"
LIMIT = 200  # bytes: the Aiken fixture is larger


@pytest.fixture
def small(database_url: str) -> Iterator[tuple[TestClient, Pmpath]]:
    application = Pmpath(Settings(database_url=database_url, max_upload_bytes=LIMIT))
    with TestClient(create_app(pmpath=application)) as client:
        yield client, application
    application.database.dispose()


def test_the_api_refuses_an_import_over_the_limit(small: tuple[TestClient, Pmpath]) -> None:
    client, application = small
    assert len(AIKEN.read_bytes()) > LIMIT
    author = application.accounts.sign_up("ada@example.org", "Ada", PASSWORD, role="author")
    headers = {"Authorization": f"Bearer {application.accounts.create_token(author, 't').token}"}
    refused = client.post(
        "/api/v1/banks/import?filename=basic.txt&bank=team&dry_run=false",
        content=AIKEN.read_bytes(),
        headers=headers,
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert "over the upload limit of" in refused.json()["detail"]
    assert client.get("/api/v1/banks", headers=headers).json()["banks"] == []
    under = client.post(
        "/api/v1/banks/import?filename=basic.txt&bank=team",
        content=AIKEN.read_bytes()[:LIMIT],
        headers=headers,
    )
    assert under.status_code != 413


def test_the_import_page_refuses_an_upload_over_the_limit(
    small: tuple[TestClient, Pmpath],
) -> None:
    client, application = small
    application.accounts.sign_up("ada@example.org", "Ada", PASSWORD, role="author")
    sign_in(client, "ada@example.org", PASSWORD)
    csrf = csrf_of(client.get("/account").text)
    refused = client.post(
        "/author/import",
        data={"csrf_token": csrf, "bank": "team", "level": "entry", "commit": "1"},
        files={"upload": ("basic.txt", AIKEN.read_bytes(), "text/plain")},
    )
    assert refused.status_code == 413
    assert "the most this site accepts in one upload" in refused.text
    assert application.banks.listing().banks == []
