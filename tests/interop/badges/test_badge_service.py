"""Issuing, verifying and revoking badges through the badge service, on SQLite and PostgreSQL.

Issued badges are verified with openbadgeslib's own verifier, anchored on the issuer's did:web:
the DID document and the Bitstring Status List are fetched over HTTP from the running app
(FastAPI's TestClient), exactly as a wallet would fetch them from the site."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier, OpenBadgeCredential
from sqlalchemy import func, select

from pmpath.app import Pmpath
from pmpath.errors import ConflictError, ForbiddenError, NotFoundError, PmpathError
from pmpath.interop import badges as ob
from pmpath.services.accounts import User
from pmpath.settings import Settings
from pmpath.store.tables_badges import BadgeRow
from pmpath.web.app import create_app
from tests.interop.badges.helpers import (
    SITE,
    account,
    http_download,
    take_exam,
    take_placement,
)

ISSUER = "did:web:pmpath.test"


class Site:
    def __init__(self, app: Pmpath, client: TestClient) -> None:
        self.app = app
        self.client = client
        self.ana = account(app, "Ana")
        self.bo = account(app, "Bo")
        self.root = account(app, "Root", role="admin")

    def library_verify(self, token: str) -> Any:
        download = http_download(self.client)
        verifier = OB3Verifier.for_issuer_did(ISSUER, download=download)
        return verifier.verify(token, check_status=True, download=download)

    def token(self, who: User, public_id: str) -> str:
        return self.app.badges.download(who, public_id, "jwt").content

    def badge_count(self) -> int:
        with self.app.database.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(BadgeRow)) or 0)


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    app = Pmpath(Settings(database_url=database_url, public_url=SITE))
    with TestClient(create_app(pmpath=app), base_url=SITE) as client:
        yield Site(app, client)
    app.database.dispose()


def test_a_passed_exam_earns_a_badge_the_library_verifies_through_the_site(site: Site) -> None:
    attempt = take_exam(site.app, site.ana)
    badge = site.app.badges.claim(site.ana, attempt)
    assert (badge.name, badge.kind, badge.recipient) == ("Passed: PM foundations", "exam", "Ana")
    assert badge.issuer_id == ISSUER
    assert badge.verify_url == f"{SITE}/verify/{badge.public_id}"
    verified = site.library_verify(site.token(site.ana, badge.public_id))
    assert verified.achievement.name == "Passed: PM foundations"
    assert "Score at least 70% of the maximum" in verified.achievement.criteria_narrative
    assert "40 questions" in verified.achievement.criteria_narrative
    assert verified.achievement.alignments, "aligned to the ladder's competencies"
    assert {a.target_code for a in verified.achievement.alignments} <= {
        c.id for c in site.app.framework.competencies
    }


def test_the_public_id_is_unguessable_and_not_the_row_id(site: Site) -> None:
    badge = site.app.badges.claim(site.ana, take_exam(site.app, site.ana))
    assert len(badge.public_id) >= 22
    assert not badge.public_id.isdigit()


def test_claiming_the_same_attempt_again_gives_the_same_badge(site: Site) -> None:
    attempt = take_exam(site.app, site.ana)
    first = site.app.badges.claim(site.ana, attempt)
    again = site.app.badges.claim(site.ana, attempt)
    assert again == first
    assert site.badge_count() == 1


def test_a_placement_test_earns_a_placed_at_badge(site: Site) -> None:
    attempt = take_placement(site.app, site.ana)
    badge = site.app.badges.claim(site.ana, attempt)
    result = site.app.psychometrics.placement(attempt, site.ana.profile)
    level = site.app.framework.stage(result.overall.level).name  # type: ignore[union-attr]
    assert (badge.kind, badge.name) == ("placement", f"Placed at: {level}")
    assert "adaptive placement test" in badge.criteria
    verified = site.library_verify(site.token(site.ana, badge.public_id))
    assert verified.achievement.name == f"Placed at: {level}"


@pytest.mark.parametrize(
    ("situation", "error", "words"),
    [
        ("failed", PmpathError, "below the pass mark of 70%: it earns no badge"),
        ("unfinished", PmpathError, "this attempt is not finished yet"),
        ("someone else's", NotFoundError, "you have no attempt"),
        ("missing", NotFoundError, "you have no attempt"),
    ],
)
def test_an_attempt_that_earns_no_badge_is_refused_and_nothing_is_issued(
    site: Site, situation: str, error: type[Exception], words: str
) -> None:
    attempt = {
        "failed": lambda: take_exam(site.app, site.ana, right=10),
        "unfinished": lambda: take_exam(site.app, site.ana, finish=False),
        "someone else's": lambda: take_exam(site.app, site.bo),
        "missing": lambda: 999_999,
    }[situation]()
    with pytest.raises(error, match=words) as refused:
        site.app.badges.claim(site.ana, attempt)
    assert type(refused.value) is error  # a 422 stays a 422, a 404 a 404
    assert refused.value.location.field_path == ("attempt",)
    assert site.badge_count() == 0


def test_someone_elses_badge_is_not_found_but_an_admin_reads_it(site: Site) -> None:
    badge = site.app.badges.claim(site.ana, take_exam(site.app, site.ana))
    with pytest.raises(NotFoundError):
        site.app.badges.get(site.bo, badge.public_id)
    with pytest.raises(NotFoundError):
        site.app.badges.download(site.bo, badge.public_id, "jwt")
    assert site.app.badges.get(site.root, badge.public_id).recipient == "Ana"


def test_a_revoked_badge_is_refused_by_the_library_reading_the_status_list(site: Site) -> None:
    badge = site.app.badges.claim(site.ana, take_exam(site.app, site.ana))
    token = site.token(site.ana, badge.public_id)
    site.library_verify(token)  # valid before
    revoked = site.app.badges.revoke(site.root, badge.public_id, "Issued in error")
    assert revoked.revoked_reason == "Issued in error"
    with pytest.raises(OB3VerificationError, match="Credential status 'revocation' is set"):
        site.library_verify(token)
    verdict = site.app.badge_verification.verify(token)
    assert (verdict.valid, verdict.reason) == (False, "revoked")
    assert verdict.headline.startswith("Not valid: revoked on ")
    assert "because “Issued in error”" in verdict.headline


def test_revoking_another_badge_leaves_this_one_valid(site: Site) -> None:
    mine = site.app.badges.claim(site.ana, take_exam(site.app, site.ana))
    other = site.app.badges.claim(site.bo, take_exam(site.app, site.bo))
    site.app.badges.revoke(site.root, other.public_id, "Cheating")
    site.library_verify(site.token(site.ana, mine.public_id))


def test_only_an_admin_revokes_with_a_reason_and_only_once(site: Site) -> None:
    badge = site.app.badges.claim(site.ana, take_exam(site.app, site.ana))
    with pytest.raises(ForbiddenError):
        site.app.badges.revoke(site.ana, badge.public_id, "I changed my mind")
    with pytest.raises(PmpathError, match="give the reason") as blank:
        site.app.badges.revoke(site.root, badge.public_id, "   ")
    assert blank.value.location.field_path == ("reason",)
    assert site.app.badges.get(site.ana, badge.public_id).revoked_at is None
    site.app.badges.revoke(site.root, badge.public_id, "Issued in error")
    with pytest.raises(ConflictError, match="already revoked on"):
        site.app.badges.revoke(site.root, badge.public_id, "Again")


def test_verification_says_valid_in_plain_words(site: Site) -> None:
    badge = site.app.badges.claim(site.ana, take_exam(site.app, site.ana))
    verdict = site.app.badge_verification.verify_public(badge.public_id)
    issued = badge.issued_at
    assert verdict.headline == (
        f"Valid: issued by pmpath to Ana on {issued.day} {issued:%B %Y} for "
        "“Passed: PM foundations”."
    )
    assert verdict.own_issuer
    assert verdict.public_id == badge.public_id


def test_a_badge_signed_by_another_issuer_is_not_valid_here(site: Site) -> None:
    """A stranger copies a badge, names their own did:key as its issuer and signs it: the
    signature is sound, but the issuer is not this site."""
    badge = site.app.badges.claim(site.ana, take_exam(site.app, site.ana))
    document = site.app.badges.download(site.ana, badge.public_id, "json").content
    stranger = ob.new_issuer_key()
    credential = OpenBadgeCredential.from_vc_document(json.loads(document))
    credential.issuer.id = ob.issuer_did("", stranger.public_pem)  # its own did:key
    credential.credential_status = []  # its own badge: no status list of ours
    verdict = site.app.badge_verification.verify(ob.sign_credential(credential, stranger))
    assert (verdict.valid, verdict.reason) == (False, "unknown-issuer")


def test_the_issuer_key_is_made_once_and_kept(site: Site) -> None:
    first = site.app.badge_verification.did_document()
    again = Pmpath(Settings(database_url=str(site.app.settings.database_url), public_url=SITE))
    assert again.badge_verification.did_document() == first
    again.database.dispose()


def test_the_list_shows_what_can_still_be_claimed(site: Site) -> None:
    passed = take_exam(site.app, site.ana)
    take_exam(site.app, site.ana, right=5)  # failed: nothing to claim
    placed = take_placement(site.app, site.ana)
    mine = site.app.badges.mine(site.ana)
    assert [(c.attempt_id, c.kind) for c in mine.claimable] == [
        (placed, "placement"),
        (passed, "exam"),
    ]
    site.app.badges.claim(site.ana, passed)
    mine = site.app.badges.mine(site.ana)
    assert [c.attempt_id for c in mine.claimable] == [placed]
    assert [b.attempt_id for b in mine.badges] == [passed]
