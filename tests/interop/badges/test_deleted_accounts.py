"""A badge whose holder deleted their account: the credential already handed out keeps
verifying as it did when the account went (valid stays valid, revoked stays revoked), its bit
in the status list is never given to another badge, and pmpath's verify-by-id page no longer
finds it. On SQLite and PostgreSQL; the credential is checked by openbadgeslib's verifier,
which fetches the DID document and the status list over HTTP from the running app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openbadgeslib.ob3 import OB3VerificationError
from sqlalchemy import delete, select

from pmpath.app import Pmpath
from pmpath.errors import NotFoundError
from pmpath.services import badges as badge_service
from pmpath.services.accounts import User
from pmpath.settings import Settings
from pmpath.store.tables_badges import BadgeRow, BadgeStatusEntryRow
from pmpath.web.app import create_app
from tests.interop.badges.helpers import SITE, take_exam
from tests.interop.badges.test_badge_service import Site


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    app = Pmpath(Settings(database_url=database_url, public_url=SITE))
    with app.database.transaction() as session:
        # The session's PostgreSQL database is emptied between tests by truncating from the
        # users down; the status list's entries hang from no one, so they are emptied here.
        session.execute(delete(BadgeStatusEntryRow))
    with TestClient(create_app(pmpath=app), base_url=SITE) as client:
        yield Site(app, client)
    app.database.dispose()


def delete_account(site: Site, who: User) -> None:
    site.app.my_data.delete(who, email=who.email)


def place_in_status_list(site: Site, public_id: str) -> tuple[int, int]:
    with site.app.database.transaction() as session:
        row = session.scalars(select(BadgeRow).where(BadgeRow.public_id == public_id)).one()
        return row.status_list, row.status_index


def test_a_revoked_badge_stays_revoked_after_its_holder_deletes_their_account(
    site: Site,
) -> None:
    """Revoked for cheating, then the account deleted: the status list still has its bit set
    (another badge keeps the list alive, so only the bit can say "revoked")."""
    revoked = site.app.badges.claim(site.ana, take_exam(site.app, site.ana))
    site.app.badges.claim(site.bo, take_exam(site.app, site.bo))
    token = site.token(site.ana, revoked.public_id)
    site.app.badges.revoke(site.root, revoked.public_id, "Cheating")
    delete_account(site, site.ana)
    with pytest.raises(OB3VerificationError, match="Credential status 'revocation' is set"):
        site.library_verify(token)
    verdict = site.app.badge_verification.verify(token)
    assert (verdict.valid, verdict.reason) == (False, "revoked")
    assert verdict.headline.startswith("Not valid: revoked.")
    assert "Cheating" not in verdict.headline  # the reason went with the account


def test_a_valid_badge_stays_valid_after_its_holder_deletes_their_account(site: Site) -> None:
    """The only badge of its status list: the list is still served after the badge row goes."""
    badge = site.app.badges.claim(site.ana, take_exam(site.app, site.ana))
    token = site.token(site.ana, badge.public_id)
    delete_account(site, site.ana)
    verified = site.library_verify(token)
    assert verified.achievement.name == "Passed: PM foundations"
    verdict = site.app.badge_verification.verify(token)
    assert (verdict.valid, verdict.public_id) == (True, None)


def test_the_verify_page_of_a_deleted_accounts_badge_finds_nothing(site: Site) -> None:
    badge = site.app.badges.claim(site.ana, take_exam(site.app, site.ana))
    delete_account(site, site.ana)
    with pytest.raises(NotFoundError, match="there is no such badge"):
        site.app.badge_verification.verify_public(badge.public_id)
    assert site.client.get(f"/verify/{badge.public_id}").status_code == 404


def test_a_deleted_accounts_bit_is_never_drawn_again_nor_revoked_with_another_badge(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lists of 8 bits (each takes badges until 4 are used) and a draw that always tries the
    deleted badge's bit first: six new badges fill list 1 and move on to list 2 without it,
    and revoking every one of them leaves the deleted holder's credential valid."""
    monkeypatch.setattr(badge_service, "STATUS_LIST_SIZE", 8)
    kept = site.app.badges.claim(site.ana, take_exam(site.app, site.ana))
    token = site.token(site.ana, kept.public_id)
    deleted_list, deleted_bit = place_in_status_list(site, kept.public_id)
    delete_account(site, site.ana)
    order = [deleted_bit] + [bit for bit in range(8) if bit != deleted_bit]
    tried = iter(order * 100)
    monkeypatch.setattr(badge_service.secrets, "randbelow", lambda size: next(tried))
    later = [site.app.badges.claim(site.bo, take_exam(site.app, site.bo)) for _ in range(6)]
    places = [place_in_status_list(site, badge.public_id) for badge in later]
    assert (deleted_list, deleted_bit) not in places
    assert sorted({number for number, _ in places}) == [1, 2]
    for badge in later:
        site.app.badges.revoke(site.root, badge.public_id, "Issued in error")
    site.library_verify(token)
