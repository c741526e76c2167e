"""LTI Advantage on the web, through /api/v1 and the command line: the grades page with the
outbox for admins, a course's page with its grades and the roster button (POST with the CSRF
token, then a redirect), the CSV download, who may do what (a learner gets 403, an unknown
course 404), the background passback of the served app, and ``pmpath lti-grades``."""

from __future__ import annotations

import io
import re
import secrets
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from pmpath.cli.app import app as cli_app
from pmpath.services.accounts import User, _digest
from pmpath.store import accounts as account_store
from pmpath.web.app import create_app
from tests.interop.lti.platform_services import member
from tests.interop.lti.test_advantage_grades import EXAM, World, world

__all__ = ["world"]  # the fixture: pmpath, a platform with the course Strategy 101

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.fixture
def site(world: World) -> World:
    """Ines teaches Strategy 101; Mia finished PM foundations there; both are in the roster."""
    world.person("Ines", role="author")
    world.person("Mia")
    world.link("week-1", EXAM)
    world.launch("Ines", "week-1", instructor=True)
    world.launch("Mia", "week-1")
    world.sit("Mia")
    world.lms.courses["strategy-101"].members = [
        member("sub-ines", "Ines", "ines@example.edu", instructor=True),
        member("sub-mia", "Mia", "mia@example.edu"),
        member("sub-noa", "Noa", "noa@example.edu"),
    ]
    return world


def browser(world: World, user: User) -> tuple[TestClient, str]:
    """A browser signed in as ``user`` (a session stored directly: LTI accounts have no
    password), and its CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(16)
    with world.app.database.transaction() as session:
        account_store.add_session(
            session,
            _digest(token),
            user.id,
            csrf,
            world.clock(),
            world.clock() + timedelta(days=1),
        )
    client = TestClient(create_app(pmpath=world.app))
    client.cookies.set("pmpath_session", token)
    return client, csrf


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_an_admin_sees_the_outbox_and_sends_now(site: World) -> None:
    client, csrf = browser(site, site.admin)
    page = client.get("/admin/lti/grades")
    assert page.status_code == 200
    text = _text(page.text)
    assert "0 sent" in text
    assert "Strategy 101" in text
    assert not ISO_TIME.search(text)
    sent = client.post("/admin/lti/grades/send", data={"csrf_token": csrf})
    assert sent.status_code == 200  # followed the redirect
    assert "1 sent." in _text(sent.text)
    assert site.lms.scores_of("strategy-101")["PM foundations"][0]["scoreGiven"] == 75.0


def test_a_failed_score_shows_why_and_can_be_retried_from_the_page(site: World) -> None:
    site.lms.down = True
    for _ in range(12):
        site.app.lti_grades.run()
        site.clock.now = site.scores()[0].next_try_at
    client, csrf = browser(site, site.admin)
    text = _text(client.get("/admin/lti/grades").text)
    assert "Failed after 12 tries" in text
    assert "HTTP 503" in text
    score = str(site.scores()[0].id)
    retried = client.post("/admin/lti/grades/retry", data={"csrf_token": csrf, "score": score})
    assert "1 failed score will be sent again now." in _text(retried.text)
    assert site.scores()[0].state == "pending"


def test_an_instructor_brings_the_roster_in_from_the_course_page(site: World) -> None:
    client, csrf = browser(site, site.people["Ines"])
    index = _text(client.get("/admin/lti/grades").text)
    assert "Scores on their way" not in index  # the outbox is for admins
    course = client.get(f"/admin/lti/courses/{site.context_row_id}")
    assert "Bring the course roster in" in course.text
    assert "75%" in _text(course.text)
    assert "Waiting" in _text(course.text)
    done = client.post(
        f"/admin/lti/courses/{site.context_row_id}/roster",
        data={"csrf_token": csrf, "organisation": ""},
    )
    text = _text(done.text)
    assert "Roster brought into Strategy 101: 3 added, 0 updated, 0 unchanged, 0 left" in text
    assert "3 added" in text
    assert not ISO_TIME.search(text)


def test_the_roster_form_needs_the_csrf_token(site: World) -> None:
    client, _ = browser(site, site.people["Ines"])
    refused = client.post(f"/admin/lti/courses/{site.context_row_id}/roster", data={})
    assert refused.status_code == 403


def test_the_csv_downloads_from_the_api_and_reads_back(site: World) -> None:
    site.app.lti_grades.run()
    client, _ = browser(site, site.people["Ines"])
    got = client.get(f"/api/v1/lti/grades.csv?context={site.context_row_id}")
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("text/csv")
    assert 'filename="grades-strategy-101-2026-12-07.csv"' in got.headers["content-disposition"]
    table = pd.read_csv(io.BytesIO(got.content), encoding="utf-8-sig")
    assert table.loc[0, ["learner", "score", "passback"]].tolist() == ["Mia", 75, "sent"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/lti/grades"),
        ("get", "/admin/lti/courses/{context}"),
        ("get", "/api/v1/lti/grades.csv?context={context}"),
        ("get", "/api/v1/lti/courses"),
        ("post", "/api/v1/lti/courses/{context}/roster"),
        ("get", "/api/v1/lti/outbox"),
        ("post", "/api/v1/lti/outbox/send"),
    ],
)
def test_a_learner_may_not_export_import_or_send(site: World, method: str, path: str) -> None:
    client, csrf = browser(site, site.people["Mia"])
    url = path.format(context=site.context_row_id)
    answer = getattr(client, method)(
        url, **({"headers": {"X-CSRF-Token": csrf}} if method == "post" else {})
    )
    assert answer.status_code == 403
    assert site.lms.courses["strategy-101"].scores == {}


def test_an_unknown_course_is_404(site: World) -> None:
    client, _ = browser(site, site.admin)
    assert client.get("/api/v1/lti/grades.csv?context=4242").status_code == 404
    assert client.get("/admin/lti/courses/4242").status_code == 404


def test_the_api_roster_reports_what_changed(site: World) -> None:
    client, csrf = browser(site, site.admin)
    answer = client.post(
        f"/api/v1/lti/courses/{site.context_row_id}/roster", headers={"X-CSRF-Token": csrf}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [e["name"] for e in body["added"]] == ["Ines", "Mia", "Noa"]
    assert body["team"] == "Strategy 101"


# -- the served app's background passback ------------------------------------------------------


def test_the_served_app_sends_scores_in_the_background(
    site: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMPATH_LTI_PASSBACK_SECONDS", "0.1")
    with TestClient(create_app(pmpath=site.app)):
        for _ in range(100):
            if site.lms.courses["strategy-101"].line_items:
                break
            import time

            time.sleep(0.05)
    assert [s["userId"] for s in site.lms.scores_of("strategy-101")["PM foundations"]] == [
        "sub-mia"
    ]


def test_an_app_built_for_a_test_sends_nothing_behind_its_back(site: World) -> None:
    with TestClient(create_app(pmpath=site.app)) as client:
        client.get("/healthz")
    assert site.scores() == []


# -- pmpath lti-grades -------------------------------------------------------------------------


@pytest.fixture
def cli(site: World, monkeypatch: pytest.MonkeyPatch, terminal_80: None) -> World:
    if not site.app.database.is_sqlite:
        pytest.skip("the command line is the same on both databases; SQLite is enough")
    monkeypatch.setenv("PMPATH_DATABASE_URL", site.app.database.url)
    return site


def _run(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    result = CliRunner().invoke(cli_app, list(args), prog_name="pmpath")
    return result.exit_code, result.stdout, result.stderr


def test_send_does_one_pass_for_cron(cli: World) -> None:
    code, out, _ = _run("lti-grades", "send")
    assert (code, out) == (0, "1 new score queued, 1 sent.\n")
    assert _run("lti-grades", "send")[1] == "0 new scores queued, 0 sent.\n"


def test_send_says_why_on_stderr_and_exits_1_when_the_lms_is_down(cli: World) -> None:
    cli.lms.down = True
    code, out, err = _run("lti-grades", "send")
    assert code == 1
    assert "1 to be tried again later." in out
    assert err.startswith("error: the platform refused pmpath's token request with HTTP 503")


def test_export_writes_the_csv_to_a_file(cli: World, tmp_path: Path) -> None:
    _run("lti-grades", "send")
    target = tmp_path / "grades.csv"
    code, out, _ = _run(
        "lti-grades", "export", "--context", str(cli.context_row_id), "--as",
        "ines@example.edu", "-o", str(target),
    )  # fmt: skip
    assert (code, " ".join(out.split())) == (0, f"Written 1 row to {target}")  # wrapped at 80
    table = pd.read_csv(target, encoding="utf-8-sig")
    assert table.loc[0, "platform user id"] == "sub-mia"


def test_roster_reports_in_80_columns(cli: World) -> None:
    code, out, _ = _run(
        "lti-grades", "roster", "--context", str(cli.context_row_id), "--as", "ines@example.edu"
    )
    assert code == 0
    assert "3 added, 0 updated, 0 unchanged, 0 left the course." in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_a_learner_is_refused_with_exit_code_2(cli: World) -> None:
    code, _, err = _run(
        "lti-grades", "export", "--context", str(cli.context_row_id), "--as", "mia@example.edu"
    )
    assert code == 2
    assert err == "error: only admins and the course's instructors manage its grades\n"


def test_status_lists_waiting_scores_for_admins(cli: World) -> None:
    cli.lms.down = True
    _run("lti-grades", "send")
    code, out, _ = _run("lti-grades", "status", "--as", "root@example.org")
    assert code == 0
    assert "0 sent, 1 waiting, 0 failed" in out
    assert "Mia" in out
    assert max(len(line) for line in out.splitlines()) <= 80
