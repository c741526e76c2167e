"""The tables of badges (issue #20), beside :mod:`pmpath.store.tables` on the same metadata.

The issuer's Ed25519 key is generated on first need and kept here (back it up with the
database: without it no new badge verifies against the published DID document). A badge is one
signed Open Badges 3.0 credential per finished attempt (a passed mock exam or a placement
test), reached by an unguessable public id; its bit in the revocation status list is set when
an admin revokes it.

The status list is kept apart from the badges (:class:`BadgeStatusEntryRow`): a credential
already handed out goes on being checked against its bit after its badge row is gone (its
holder deleted their account), so the bit must neither fall back to 0 (a revoked badge would be
valid again) nor be given to another badge (revoking one would revoke both).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pmpath.store.tables import Base, UtcDateTime


class BadgeIssuerKeyRow(Base):
    """The issuer's signing key pair (PEM); the newest row signs."""

    __tablename__ = "badge_issuer_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_key_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BadgeStatusEntryRow(Base):
    """One bit of a revocation status list, taken by a badge when it is issued and kept for
    good: no foreign key to the badge nor to anyone, so deleting an account leaves the bits of
    its badges as they were (valid stays valid, revoked stays revoked) and never frees them for
    another badge. It holds nothing about a person."""

    __tablename__ = "badge_status_entries"

    status_list: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: When the bit was set (the badge revoked); None while it is valid.
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class BadgeRow(Base):
    """One issued badge: the signed credential (``token``), what it says (``document``) and
    its entry in the revocation status list (``status_list``, ``status_index``), which outlives
    the row. ``revoked_*`` are the site's record of the revocation, shown with the badge; the
    entry's bit is what verifiers read."""

    __tablename__ = "badges"
    __table_args__ = (
        UniqueConstraint("status_list", "status_index"),
        ForeignKeyConstraint(
            ["status_list", "status_index"],
            ["badge_status_entries.status_list", "badge_status_entries.status_index"],
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: In the badge's URLs (/badges/{public_id}, /verify/{public_id}): random, unguessable.
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    #: The credential's own id (``urn:uuid:...``, the JWT ``jti``).
    credential_id: Mapped[str] = mapped_column(String(100), unique=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: "exam" or "placement".
    kind: Mapped[str] = mapped_column(String(20))
    #: The achievement's name ("Passed: ...", "Placed at: ...").
    name: Mapped[str] = mapped_column(String(300))
    token: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    status_list: Mapped[int] = mapped_column(Integer)
    status_index: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    revoked_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
