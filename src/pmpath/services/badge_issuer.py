"""The site as the issuer of its badges, shared by issuing (:mod:`pmpath.services.badges`) and
verification (:mod:`pmpath.services.badge_verification`): the site's address, the issuer's
Ed25519 key (made on first need and kept in the database) and where its status lists live."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from pmpath.interop import badges as ob
from pmpath.store import Database
from pmpath.store import badges as store
from pmpath.store.tables_badges import BadgeIssuerKeyRow

#: The site address when none is configured (PMPATH_PUBLIC_URL): ``pmpath serve``'s default.
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_address(site_url: str | None) -> str:
    """The address badges name the site by: ``site_url`` (else the default), no final ``/``."""
    return (site_url or DEFAULT_SITE_URL).rstrip("/")


def status_list_url(site_url: str, number: int) -> str:
    """Where status list ``number`` of the site at ``site_url`` is served."""
    return f"{site_url}/badges/status/{number}"


def issuer_key(database: Database, clock: Callable[[], datetime]) -> ob.IssuerKey:
    """The issuer's key, made (by the library) and stored the first time it is needed.

    The key row always has id 1, so two processes making it at once cannot both succeed: the
    second one's insert fails and it reads the first one's key.
    """
    with database.transaction() as session:
        row = store.issuer_key(session)
        if row is not None:
            return ob.IssuerKey(row.private_key_pem, row.public_key_pem)
    made = ob.new_issuer_key()
    try:
        with database.transaction() as session:
            session.add(
                BadgeIssuerKeyRow(
                    id=1,
                    private_key_pem=made.private_pem,
                    public_key_pem=made.public_pem,
                    created_at=clock(),
                )
            )
    except IntegrityError:
        pass
    with database.transaction() as session:
        row = store.issuer_key(session)
        assert row is not None
        return ob.IssuerKey(row.private_key_pem, row.public_key_pem)
