"""What the badge tests stand on: accounts stored directly (signing up hashes a password, a
third of a second each), and exams and placement tests taken through the real services on the
bundled bank."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.services.accounts import User
from pmpath.store import accounts as account_store
from tests.conftest import right_answer

#: The bundled exam the tests pass and fail: 40 questions, pass mark 70%.
EXAM = "pm-foundations"
#: The site address of the tests: HTTPS, so the issuer is did:web:pmpath.test.
SITE = "https://pmpath.test"


def account(app: Pmpath, name: str, role: str = "learner") -> User:
    profile = f"web-{name.lower()}"
    with app.database.transaction() as session:
        row = account_store.add_user(
            session, f"{name.lower()}@example.org", name, "-", role, profile, app.clock()
        )
        return User(row.id, row.email, name, role, profile)


def take_exam(app: Pmpath, who: User, right: int | None = None, finish: bool = True) -> int:
    """A mock exam of :data:`EXAM` with the first ``right`` questions answered right (all when
    None) and the others left blank; finished unless ``finish`` is False."""
    exams = app.exams
    attempt = exams.start_mock(who.profile, EXAM, seed=7)
    for question in exams.view(attempt, who.profile).questions:
        if right is not None and question.position >= right:
            break
        exams.answer(
            attempt,
            who.profile,
            question.position,
            right_answer(exams.bank.item(question.item_id), question),
        )
    if finish:
        exams.finish(attempt, who.profile)
    return attempt


def take_placement(app: Pmpath, who: User) -> int:
    """The placement test, every question answered right, to its end."""
    irt = app.psychometrics
    view: Any = irt.start_placement(who.profile, seed=4)
    while not view.finished:
        item = irt.bank.item(view.question.item_id)
        view = irt.answer_placement(view.attempt_id, who.profile, right_answer(item, view.question))
    return int(view.attempt_id)


def http_download(client: TestClient) -> Callable[[str], bytes]:
    """A downloader for the library's verifier that fetches from the running app over HTTP
    (the app's own site only: anything else would be a test reaching the internet)."""

    def download(url: str) -> bytes:
        assert url.startswith(SITE + "/"), url
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content

    return download
