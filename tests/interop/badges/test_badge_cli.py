"""``pmpath badge``, run in-process the way a user types it: list, issue, show, download,
verify (this site's status from its database) and revoke, with errors on stderr and exit codes
(2 for bad input, 1 for a badge that is not valid)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pmpath.app import Pmpath
from pmpath.settings import Settings
from tests.interop.badges.helpers import account, take_exam


@pytest.fixture
def learner(pmpath: Any) -> Iterator[tuple[Pmpath, Any]]:
    """The CLI's database (PMPATH_DATABASE_URL), with Ana, who passed an exam, and Root."""
    app = Pmpath(Settings())
    ana = account(app, "Ana")
    account(app, "Root", role="admin")
    yield app, ana
    app.database.dispose()


def test_a_learner_lists_issues_and_shows_a_badge(pmpath: Any, learner: Any) -> None:
    app, ana = learner
    attempt = take_exam(app, ana)
    listed = pmpath("badge", "list", "--as", "ana@example.org")
    assert listed.exit_code == 0, listed.stderr
    assert "You have no badge yet." in listed.stdout
    assert f"{attempt}" in listed.stdout
    assert "Passed: PM foundations" in listed.stdout
    issued = pmpath(
        "badge", "issue", "--attempt", str(attempt), "--as", "ana@example.org", "--json"
    )
    assert issued.exit_code == 0, issued.stderr
    badge = json.loads(issued.stdout)
    assert (badge["name"], badge["recipient"]) == ("Passed: PM foundations", "Ana")
    shown = pmpath("badge", "show", badge["public_id"], "--as", "ana@example.org")
    assert shown.stdout.startswith("Passed: PM foundations")
    assert "Issued to Ana by pmpath on " in shown.stdout
    assert f"Share: http://127.0.0.1:8000/verify/{badge['public_id']}" in shown.stdout


def test_a_downloaded_badge_verifies_until_it_is_revoked(
    pmpath: Any, learner: Any, tmp_path: Path
) -> None:
    app, ana = learner
    badge = app.badges.claim(ana, take_exam(app, ana))
    saved = tmp_path / "badge.jwt"
    done = pmpath("badge", "download", badge.public_id, "--as", "ana@example.org", "-o", str(saved))
    assert done.exit_code == 0, done.stderr
    assert f"Saved {saved}" in done.stdout
    valid = pmpath("badge", "verify", str(saved))
    assert valid.exit_code == 0, valid.stderr
    assert valid.stdout.startswith("Valid: issued by pmpath to Ana on ")
    revoked = pmpath(
        "badge",
        "revoke",
        badge.public_id,
        "--reason",
        "Issued in error",
        "--as",
        "root@example.org",
    )
    assert revoked.exit_code == 0, revoked.stderr
    assert revoked.stdout.startswith("Revoked Passed: PM foundations of Ana on ")
    refused = pmpath("badge", "verify", str(saved), "--json")
    assert refused.exit_code == 1
    verdict = json.loads(refused.stdout)
    assert (verdict["valid"], verdict["reason"], verdict["revoked_reason"]) == (
        False,
        "revoked",
        "Issued in error",
    )


def test_a_tampered_file_is_not_valid(pmpath: Any, learner: Any, tmp_path: Path) -> None:
    app, ana = learner
    badge = app.badges.claim(ana, take_exam(app, ana))
    header, body, signature = app.badges.download(ana, badge.public_id, "jwt").content.split(".")
    forged = tmp_path / "forged.jwt"
    forged.write_text(f"{header}.{body[:-8]}AAAAAAAA.{signature}")
    refused = pmpath("badge", "verify", str(forged))
    assert refused.exit_code == 1
    assert refused.stdout.startswith("Not valid")


def test_bad_input_is_one_line_on_stderr_with_exit_code_2(
    pmpath: Any, learner: Any, tmp_path: Path
) -> None:
    app, ana = learner
    failed = take_exam(app, ana, right=2)
    refused = pmpath("badge", "issue", "--attempt", str(failed), "--as", "ana@example.org")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: attempt: this attempt scored 5%, below the pass")
    both = pmpath("badge", "issue", "--as", "ana@example.org")
    assert (both.exit_code, both.stderr.strip()) == (
        2,
        "error: attempt: give either --attempt NUMBER or --placement NUMBER|latest",
    )
    missing = pmpath("badge", "verify", str(tmp_path / "none.jwt"))
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr
    learner_revokes = pmpath("badge", "revoke", "x", "--reason", "y", "--as", "ana@example.org")
    assert learner_revokes.exit_code == 2
    assert "this needs the admin role" in learner_revokes.stderr
