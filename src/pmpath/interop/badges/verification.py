"""Checking a credential with openbadgeslib's verifier, and saying the verdict in plain words.

The library does the checking: it resolves the issuer's DID to its key (``did:web`` fetches the
DID document, ``did:key`` is read offline), verifies the JWT-VC signature with the algorithm
pinned to that key, checks the OB 3.0 structure, the registered claims and the validity dates,
then fetches the Bitstring Status List the credential names, verifies that list's own signature
against the same issuer and reads the credential's bit. It reports every failure as one
exception with a message; :func:`check` sorts them into the reasons a person can act on.

Fetching goes through ``download`` (URL to bytes): the badge service answers its own site's
URLs from its database and hands every other URL to the library's HTTPS-only, SSRF-guarded
downloader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import jwt
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from openbadgeslib.ob3.credential import _parse_iso

from pmpath.interop.badges.content import recipient_name

#: Fetches a URL's body (the DID document, the status list).
Download = Callable[[str], bytes]

Reason = Literal[
    "valid",
    "tampered",
    "revoked",
    "expired",
    "not-yet-valid",
    "unknown-issuer",
    "status-unknown",
    "malformed",
]

#: The longest credential pmpath reads (its own are about 4 KB).
MAX_TOKEN = 64 * 1024


@dataclass(frozen=True)
class Checked:
    """The verdict on one credential, with what it claims (read even when it failed, so the
    page can say what was presented)."""

    reason: Reason
    #: The library's own words for a refusal ("" when valid).
    detail: str
    credential_id: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    recipient: str | None = None
    achievement: str | None = None
    #: What the achievement required, and the evidence's narrative, as the credential says.
    criteria: str | None = None
    evidence: str | None = None
    issued_at: datetime | None = None
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.reason == "valid"


def _claims(token: str) -> dict[str, Any]:
    """The payload as it claims to be, before anything is verified (to find the issuer)."""
    payload = jwt.decode(token, options={"verify_signature": False})
    if not isinstance(payload, dict):
        raise ValueError("the payload is not a JSON object")
    return payload


def _said(claims: dict[str, Any]) -> dict[str, Any]:
    issuer = claims.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    subject = claims.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    criteria = achievement.get("criteria") if isinstance(achievement, dict) else None
    evidence = claims.get("evidence")
    first = evidence[0] if isinstance(evidence, list) and evidence else evidence
    issued: datetime | None = None
    try:
        valid_from = claims.get("validFrom")
        issued = _parse_iso(valid_from) if isinstance(valid_from, str) else None
    except (ValueError, TypeError):
        issued = None
    return {
        "credential_id": claims.get("id") if isinstance(claims.get("id"), str) else None,
        "issuer_id": issuer_id if isinstance(issuer_id, str) else None,
        "issuer_name": _text(issuer.get("name")) if isinstance(issuer, dict) else None,
        "recipient": recipient_name(claims),
        "achievement": _text(achievement.get("name")) if isinstance(achievement, dict) else None,
        "criteria": _text(criteria.get("narrative") if isinstance(criteria, dict) else None),
        "evidence": _text(first.get("narrative") if isinstance(first, dict) else None),
        "issued_at": issued,
        "claims": claims,
    }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _reason(message: str) -> Reason:
    """Which refusal the library's message describes."""
    text = message.lower()
    if "credential status 'revocation' is set" in text or "'suspension' is set" in text:
        return "revoked"
    if "status list" in text:
        return "status-unknown"
    if "invalid signature" in text or "does not match the did" in text:
        return "tampered"
    if "expired" in text:
        return "expired"
    if "not yet valid" in text:
        return "not-yet-valid"
    if "did document" in text or "unsupported did" in text or "not a did" in text:
        return "unknown-issuer"
    return "malformed"


def check(token: str, download: Download) -> Checked:
    """Verify ``token`` (a compact JWT-VC) with the library: signature, issuer, structure,
    dates and revocation status."""
    token = token.strip()
    if not token or len(token) > MAX_TOKEN:
        return Checked("malformed", "no credential was given" if not token else "it is too long")
    try:
        said = _said(_claims(token))
    except (jwt.exceptions.InvalidTokenError, ValueError, RecursionError) as exc:
        return Checked("malformed", f"it is not a signed credential (JWT-VC): {exc}")
    issuer = said["issuer_id"]
    if not isinstance(issuer, str) or not issuer.startswith("did:"):
        return Checked("unknown-issuer", "its issuer is not a DID that names a key", **said)
    try:
        verifier = OB3Verifier.for_issuer_did(issuer, download=download)
    except OB3VerificationError as exc:
        return Checked("unknown-issuer", str(exc), **said)
    try:
        verifier.verify(token, check_status=True, download=download)
    except OB3VerificationError as exc:
        return Checked(_reason(str(exc)), str(exc), **said)
    return Checked("valid", "", **said)
