"""What leaves the badge services (:mod:`pmpath.services.badges` and
:mod:`pmpath.services.badge_verification`): the same models are the CLI's ``--json``, the
API's responses and the pages' data."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, TypeAlias

from pydantic import Field

from pmpath.services.models import Result

BadgeKind: TypeAlias = Literal["exam", "placement"]
#: Why a credential is or is not valid (see :mod:`pmpath.interop.badges.verification`).
VerificationReason: TypeAlias = Literal[
    "valid",
    "tampered",
    "revoked",
    "expired",
    "not-yet-valid",
    "unknown-issuer",
    "status-unknown",
    "malformed",
]
#: The two files a badge downloads as.
BadgeFormat: TypeAlias = Literal["jwt", "json"]


class BadgeAlignment(Result):
    """A competency of the ladder the badge is aligned to."""

    code: str
    name: str
    url: str


class Badge(Result):
    """An issued badge as its learner (and admins) see it."""

    public_id: str
    kind: BadgeKind
    #: The achievement's name: "Passed: <exam>" or "Placed at: <level>".
    name: str
    description: str
    #: What was required to earn it (the achievement's ``criteria.narrative``).
    criteria: str
    #: What was measured, and how it went (the evidence's narrative).
    evidence: str
    alignments: list[BadgeAlignment]
    recipient: str
    issuer_name: str
    #: The issuer's DID (``did:web:...`` or ``did:key:...``).
    issuer_id: str
    issued_at: datetime
    attempt_id: int
    revoked_at: datetime | None
    revoked_reason: str | None
    #: The learner's page of the badge, and the public page anyone may verify it on.
    page_url: str
    verify_url: str
    #: The credential's own id (``urn:uuid:...``).
    credential_id: str


class Claimable(Result):
    """A finished attempt that earns a badge not yet issued."""

    attempt_id: int
    kind: BadgeKind
    name: str
    finished_at: datetime


class MyBadges(Result):
    """A learner's badges (newest first) and the ones they could still claim."""

    badges: list[Badge]
    claimable: list[Claimable]


class BadgeFile(Result):
    """A badge as a file to download: the signed credential, or its JSON form."""

    filename: str
    media_type: str
    content: str


class IssuedBadge(Badge):
    """A badge as the admins' list shows it: with the learner's email."""

    email: str


class IssuedBadges(Result):
    """Every badge issued, newest first (at most ``limit``)."""

    badges: list[IssuedBadge]
    limit: int


class Verification(Result):
    """The verdict on a credential, in plain words and in parts."""

    valid: bool
    reason: VerificationReason
    #: One sentence a person reads ("Valid: issued by pmpath to ... on ... for ...").
    headline: str
    #: The verifier's own words for a refusal ("" when valid).
    detail: str
    issuer_name: str | None = None
    issuer_id: str | None = None
    #: True when the issuer is this pmpath site.
    own_issuer: bool = False
    recipient: str | None = None
    achievement: str | None = None
    #: What the achievement required and the evidence, as the credential says (unverified
    #: when ``valid`` is False).
    criteria: str | None = None
    evidence: str | None = None
    issued_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_reason: str | None = None
    #: The badge's public id when this site issued it.
    public_id: str | None = None


class RevokeRequest(Result):
    """Why a badge is revoked: said to whoever verifies it afterwards."""

    reason: str = Field(min_length=1, max_length=500)


class VerifyRequest(Result):
    """A credential to verify: the compact JWT-VC a badge downloads as."""

    credential: str = Field(min_length=1, max_length=65536)
