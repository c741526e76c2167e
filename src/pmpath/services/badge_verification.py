"""Open Badges 3.0 (issue #20): what anyone may check without signing in. The verdict on any
credential (pmpath's or another issuer's), the verification of a badge issued here by its
public id, and what verifiers fetch from the site: the issuer's DID document and the
Bitstring Status Lists that say which badges were revoked.

Issuing, a learner's badges and revoking are :mod:`pmpath.services.badges`; the verifier itself
is openbadgeslib's, through :mod:`pmpath.interop.badges`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pmpath.errors import Location, NotFoundError
from pmpath.interop import badges as ob
from pmpath.services.assessments import utc_now
from pmpath.services.badge_issuer import issuer_key, site_address, status_list_url
from pmpath.services.models.badges import Verification
from pmpath.store import Database
from pmpath.store import badges as store

_OWN_STATUS = re.compile(r"/badges/status/(\d{1,9})$")


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


#: Verdicts on a credential whose signature did not hold: what it claims is not shown.
UNSIGNED = frozenset({"tampered", "malformed"})


class BadgeVerificationService:
    """Verification of badges, and the issuer's public documents, for the site at
    ``site_url``."""

    def __init__(
        self,
        database: Database,
        site_url: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        network: ob.Download | None = None,
    ) -> None:
        self.database = database
        self.site_url = site_address(site_url)
        self.clock = clock
        self._network = network

    def at(self, site_url: str) -> BadgeVerificationService:
        """The same service for a site reached at ``site_url`` (a request's address, when no
        public address is configured)."""
        return BadgeVerificationService(self.database, site_url, self.clock, self._network)

    # -- what verifiers fetch -----------------------------------------------------------------

    def did_document(self) -> dict[str, Any]:
        """The DID document publishing the issuer's public key."""
        key = issuer_key(self.database, self.clock)
        return ob.did_document(ob.issuer_did(self.site_url, key.public_pem), key.public_pem)

    def status_list(self, number: int) -> str:
        """Status list ``number`` as a signed BitstringStatusListCredential (a JWT-VC), with
        the bits of its revoked badges set; NotFoundError for a list no badge uses."""
        key = issuer_key(self.database, self.clock)
        with self.database.transaction() as session:
            if not store.used_indices(session, number):
                raise NotFoundError(f"there is no status list {number}")
            revoked = store.revoked_indices(session, number)
        return ob.signed_status_list(
            ob.issuer_did(self.site_url, key.public_pem),
            status_list_url(self.site_url, number),
            revoked,
            self.clock(),
            key,
        )

    # -- verifying ----------------------------------------------------------------------------

    def verify_public(self, public_id: str) -> Verification:
        """Verify the badge ``public_id`` as anyone may (no sign-in)."""
        with self.database.transaction() as session:
            row = store.by_public_id(session, public_id)
            if row is None:
                raise NotFoundError("there is no such badge", Location(field_path=("badge",)))
            token = row.token
        return self.verify(token)

    def verify(self, token: str) -> Verification:
        """Verify a credential with the library's verifier: signature against the issuer's
        published key, OB 3.0 structure, dates and the revocation status list."""
        checked = ob.check(token, self.fetch)
        own = self._own_issuers()
        revoked_at = revoked_reason = public_id = None
        # What a credential whose signature failed says is nobody's word: none of it is shown,
        # nor looked up (a forged copy would otherwise borrow a real badge's record).
        signed = checked.reason not in UNSIGNED
        if signed and checked.credential_id:
            with self.database.transaction() as session:
                row = store.by_credential_id(session, checked.credential_id)
                if row is not None and checked.issuer_id in own:
                    revoked_at, revoked_reason = row.revoked_at, row.revoked_reason
                    public_id = row.public_id
        reason = checked.reason
        detail = checked.detail
        if reason == "valid" and checked.issuer_id not in own:
            reason = "unknown-issuer"
            detail = (
                f"the signature is sound, but the issuer {checked.issuer_id} is not this "
                "pmpath site"
            )
        return Verification(
            valid=reason == "valid",
            reason=reason,
            headline=_headline(reason, checked, revoked_at, revoked_reason),
            detail=detail,
            issuer_name=checked.issuer_name if signed else None,
            issuer_id=checked.issuer_id if signed else None,
            own_issuer=signed and checked.issuer_id in own,
            recipient=checked.recipient if signed else None,
            achievement=checked.achievement if signed else None,
            criteria=checked.criteria if signed else None,
            evidence=checked.evidence if signed else None,
            issued_at=checked.issued_at if signed else None,
            revoked_at=revoked_at,
            revoked_reason=revoked_reason,
            public_id=public_id,
        )

    def _own_issuers(self) -> set[str]:
        key = issuer_key(self.database, self.clock)
        # Its did:key too: a badge issued before the site had an HTTPS address stays ours.
        return {ob.issuer_did(self.site_url, key.public_pem), ob.issuer_did("", key.public_pem)}

    def fetch(self, url: str) -> bytes:
        """What a verifier downloads: this site's DID document and status lists are answered
        from the database (the site need not reach itself, nor be on HTTPS); any other URL
        goes to the library's HTTPS-only downloader, which refuses private addresses."""
        own = self.site_url + "/"
        origin = re.match(r"^[a-z]+://[^/]+", self.site_url)
        well_known = f"{origin.group(0) if origin else self.site_url}/.well-known/did.json"
        if url in (well_known, own + "did.json", own + ".well-known/did.json"):
            return json.dumps(self.did_document()).encode()
        if url.startswith(own):
            found = _OWN_STATUS.search(url[len(self.site_url) :])
            if found:
                return self.status_list(int(found.group(1))).encode()
        if self._network is not None:
            return self._network(url)
        from openbadgeslib.util import download_file

        return download_file(url)


def _headline(
    reason: str,
    checked: ob.Checked,
    revoked_at: datetime | None,
    revoked_reason: str | None,
) -> str:
    """The verdict in one sentence."""
    who = checked.recipient or "its recipient"
    what = checked.achievement or "an achievement"
    issuer = checked.issuer_name or "its issuer"
    when = f" on {_day(checked.issued_at)}" if checked.issued_at else ""
    if reason == "valid":
        return f"Valid: issued by {issuer} to {who}{when} for “{what}”."
    if reason == "revoked":
        said = f"Not valid: revoked on {_day(revoked_at)}" if revoked_at else "Not valid: revoked"
        because = f" because “{revoked_reason}”" if revoked_reason else ""
        return f"{said}{because}. It was issued to {who}{when} for “{what}”."
    return {
        "tampered": "Not valid: the credential was changed after it was signed, or was not "
        "signed by the issuer it names.",
        "expired": "Not valid: the credential has expired.",
        "not-yet-valid": "Not valid yet: the credential's validity starts later.",
        "unknown-issuer": "Not valid here: its issuer is unknown to this site, or its key "
        "could not be found.",
        "status-unknown": "Could not be checked: the issuer's revocation list could not be "
        "read, so it may have been revoked.",
        "malformed": "Not valid: this is not an Open Badges 3.0 credential.",
    }[reason]
