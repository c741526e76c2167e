"""Author and admin pages, and the permission matrix of learner, author and admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.services.accounts import User
from tests.web.conftest import sign_in as web_sign_in
from tests.web.conftest import sign_up

AIKEN = Path(__file__).resolve().parents[1] / "formats" / "fixtures" / "aiken" / "basic.txt"


def make(context: Pmpath, email: str, role: str) -> None:
    context.accounts.sign_up(email, role.title(), "correct-horse-battery", role=role)


def sign_in(client: TestClient, email: str) -> str:
    from tests.web.conftest import csrf_of

    client.cookies.clear()
    response = web_sign_in(client, email, "correct-horse-battery")
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/account").text)


@pytest.mark.parametrize(
    ("role", "author_status", "admin_status"),
    [("learner", 403, 403), ("author", 200, 403), ("admin", 200, 200)],
)
def test_the_permission_matrix(
    client: TestClient, context: Pmpath, role: str, author_status: int, admin_status: int
) -> None:
    make(context, f"{role}@example.org", role)
    sign_in(client, f"{role}@example.org")
    for path in ("/author/banks", "/author/import", "/author/stats", "/author/banks/pm-core/lint"):
        assert client.get(path).status_code == author_status, path
    assert client.get("/admin/users").status_code == admin_status


def test_signed_out_visitors_get_401_on_author_pages(client: TestClient) -> None:
    assert client.get("/author/banks").status_code == 401


def test_an_author_previews_then_imports_and_a_learner_practises(
    client: TestClient, context: Pmpath
) -> None:
    make(context, "author@example.org", "author")
    csrf = sign_in(client, "author@example.org")
    preview = client.post(
        "/author/import",
        data={"csrf_token": csrf, "bank": "team quiz", "level": "entry"},
        files={"upload": ("basic.txt", AIKEN.read_bytes(), "text/plain")},
    )
    assert preview.status_code == 200
    assert "Preview: 2 questions in basic.txt (Aiken)" in preview.text
    from pmpath.services.imports import BankLibrary

    # Nothing is stored by the preview.
    library = BankLibrary(context.database, context.framework)
    assert library.listing().banks == []
    payload = preview.text.split('name="payload" value="')[1].split('"')[0]
    committed = client.post(
        "/author/import",
        data={
            "csrf_token": csrf,
            "payload": payload,
            "filename": "basic.txt",
            "bank": "team quiz",
            "level": "entry",
            "format": "",
            "commit": "1",
        },
        follow_redirects=False,
    )
    assert committed.status_code == 303  # Post/Redirect/Get: see tests/web/test_import_prg.py
    assert "Imported into “team quiz”" in client.get(committed.headers["location"]).text
    assert [b.id for b in library.listing().banks] == ["team-quiz"]
    exported = client.get("/author/banks/team-quiz/export", params={"format": "aiken"})
    assert exported.status_code == 200
    assert b"ANSWER:" in exported.content

    client.cookies.clear()
    learner = sign_up(client, "lea@example.org", "Lea")
    started = client.post(
        "/practice",
        data={"csrf_token": learner, "bank": "team-quiz", "count": "1"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    question = client.get(started.headers["location"], follow_redirects=True)
    assert "Question 1 of 1" in question.text


def test_an_admin_changes_a_role(client: TestClient, context: Pmpath) -> None:
    make(context, "admin@example.org", "admin")
    make(context, "lea@example.org", "learner")
    csrf = sign_in(client, "admin@example.org")
    page = client.get("/admin/users").text
    assert "lea@example.org" in page
    lea = next(u for u in context.accounts.users(_admin()) if u.email == "lea@example.org")
    client.post(f"/admin/users/{lea.id}/role", data={"csrf_token": csrf, "role": "author"})
    roles = {u.email: u.role for u in context.accounts.users(_admin())}
    assert roles["lea@example.org"] == "author"


def _admin() -> User:
    return User(0, "root@local", "Root", "admin", "")


def test_author_pages_name_banks_by_the_name_they_were_imported_under(
    client: TestClient, context: Pmpath
) -> None:
    make(context, "author@example.org", "author")
    csrf = sign_in(client, "author@example.org")
    preview = client.post(
        "/author/import",
        data={"csrf_token": csrf, "bank": "Team quiz", "level": "entry"},
        files={"upload": ("basic.txt", AIKEN.read_bytes(), "text/plain")},
    )
    payload = preview.text.split('name="payload" value="')[1].split('"')[0]
    client.post(
        "/author/import",
        data={
            "csrf_token": csrf,
            "payload": payload,
            "filename": "basic.txt",
            "bank": "Team quiz",
            "level": "entry",
            "commit": "1",
        },
    )
    banks = client.get("/author/banks").text
    assert '<th scope="row">Team quiz</th>' in banks
    assert '<th scope="row">The pmpath bank</th>' in banks
    assert f'<td data-label="Items">{len(context.exams.bank.items)}</td>' in banks
    assert ">team-quiz<" not in banks
    lint = client.get("/author/banks/team-quiz/lint").text
    assert "<h1>Item-writing check: Team quiz</h1>" in lint
    export = client.get("/author/banks/team-quiz/export/report", params={"format": "aiken"})
    assert "<h1>Export Team quiz as" in export.text
    assert (
        "<h1>Item-writing check: The pmpath bank</h1>"
        in client.get("/author/banks/pm-core/lint").text
    )


def test_a_bad_calibration_choice_is_said_on_the_banks_page(
    client: TestClient, context: Pmpath
) -> None:
    make(context, "author@example.org", "author")
    csrf = sign_in(client, "author@example.org")
    refused = client.post(
        "/author/banks/pm-core/calibrate",
        data={"csrf_token": csrf, "model": "2pl", "min_responses": "many"},
    )
    assert refused.status_code == 422
    assert "Not calibrated: give the fewest responses per item as a whole number" in refused.text
    assert 'value="many"' in refused.text
