"""An import's commit redirects to a result page of its own (Post/Redirect/Get): refreshing it
shows the import again instead of posting it again and meeting "the bank exists already"."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.services.imports import BankLibrary
from tests.web.test_author_pages import AIKEN, make, sign_in


def _preview_and_commit(client: TestClient, csrf: str):  # type: ignore[no-untyped-def]
    preview = client.post(
        "/author/import",
        data={"csrf_token": csrf, "bank": "team quiz", "level": "entry"},
        files={"upload": ("basic.txt", AIKEN.read_bytes(), "text/plain")},
    )
    payload = preview.text.split('name="payload" value="')[1].split('"')[0]
    form = {
        "csrf_token": csrf,
        "payload": payload,
        "filename": "basic.txt",
        "bank": "team quiz",
        "level": "entry",
        "format": "",
        "commit": "1",
    }
    return preview, client.post("/author/import", data=form, follow_redirects=False)


def test_a_commit_redirects_to_the_imported_banks_page_with_the_previews_figures(
    client: TestClient, context: Pmpath
) -> None:
    make(context, "author@example.org", "author")
    csrf = sign_in(client, "author@example.org")
    preview, committed = _preview_and_commit(client, csrf)
    assert "Preview: 2 questions in basic.txt (Aiken)" in preview.text
    assert committed.status_code == 303
    assert committed.headers["location"] == "/author/banks/team-quiz/imported"
    result = client.get(committed.headers["location"])
    assert result.status_code == 200
    assert "<h1>Imported into “team quiz”</h1>" in result.text
    # The commit's figures, in the preview's words, as the message of what just happened.
    assert "Imported 2 questions into “team quiz” from basic.txt (Aiken)" in result.text
    assert "as the preview showed." in result.text
    assert "The bank holds 2 questions from basic.txt" in result.text


def test_refreshing_the_result_shows_it_again_and_stores_nothing_twice(
    client: TestClient, context: Pmpath
) -> None:
    make(context, "author@example.org", "author")
    csrf = sign_in(client, "author@example.org")
    _, committed = _preview_and_commit(client, csrf)
    url = committed.headers["location"]
    client.get(url)
    again = client.get(url)  # the browser's refresh: a GET, not the form again
    assert again.status_code == 200
    assert "exists already" not in again.text
    assert "<h1>Imported into “team quiz”</h1>" in again.text
    assert "The bank holds 2 questions" in again.text
    assert "as the preview showed." not in again.text  # the message was shown once
    stored = BankLibrary(context.database, context.framework).listing().banks
    assert [b.id for b in stored] == ["team-quiz"]


def test_the_result_page_of_a_bank_that_was_never_imported_is_not_found(
    client: TestClient, context: Pmpath
) -> None:
    make(context, "author@example.org", "author")
    sign_in(client, "author@example.org")
    assert client.get("/author/banks/no-such-bank/imported").status_code == 404


def test_learners_cannot_see_an_import_result(client: TestClient, context: Pmpath) -> None:
    make(context, "author@example.org", "author")
    _preview_and_commit(client, sign_in(client, "author@example.org"))
    make(context, "lea@example.org", "learner")
    sign_in(client, "lea@example.org")
    assert client.get("/author/banks/team-quiz/imported").status_code == 403
