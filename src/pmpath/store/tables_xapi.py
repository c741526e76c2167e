"""The tables of xAPI (issue #20), beside :mod:`pmpath.store.tables` on the same metadata.

``xapi_settings`` holds the one LRS pmpath sends to (a single row); ``xapi_outbox`` every
statement made from a committed record, until (and after) the LRS took it. One outbox row per
kind of statement and source record (``kind``, ``source_id``) is what makes collecting
idempotent: a record already in the outbox is never collected again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pmpath.store.tables import Base, UtcDateTime

#: The states of an outbox row.
PENDING, SENT, FAILED = "pending", "sent", "failed"


class XapiSettingsRow(Base):
    """The LRS statements go to, and what pmpath tells it about learners (id 1, the only row)."""

    __tablename__ = "xapi_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The LRS's xAPI endpoint, without a trailing slash (statements go to {endpoint}/statements).
    endpoint: Mapped[str] = mapped_column(String(1000))
    key: Mapped[str] = mapped_column(String(500))
    #: Sent as Basic auth with ``key``; never shown back to anyone.
    secret: Mapped[str] = mapped_column(String(500))
    enabled: Mapped[bool] = mapped_column(Boolean)
    #: "pseudonym" (an opaque account name per learner) or "email" (the admin opted in).
    identify_by: Mapped[str] = mapped_column(String(20))
    #: The key of the pseudonyms: an HMAC of the profile's id under it names the learner.
    pseudonym_key: Mapped[str] = mapped_column(String(64))
    #: Records from this moment on are sent; None: every record (a backfill was asked for).
    send_from: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class XapiOutboxRow(Base):
    """One statement, from the moment it was collected until the LRS took it (or refused it)."""

    __tablename__ = "xapi_outbox"
    __table_args__ = (UniqueConstraint("kind", "source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    #: The kind of statement (pmpath.interop.xapi.statements.KINDS) and its source record's id
    #: (an attempt, a response, an assessment).
    kind: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int] = mapped_column(Integer)
    #: Whose statement it is: their pending statements go when their profile is deleted.
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    verb: Mapped[str] = mapped_column(String(20))
    statement: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: When it happened (the statement's timestamp).
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(10), index=True)
    tries: Mapped[int] = mapped_column(Integer)
    next_try_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
