"""The tables of LTI Advantage's services (issue #20): line items, scores on their way to the
platform's gradebook, roster imports; beside :mod:`pmpath.store.tables_lti`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pmpath.store.tables import Base, UtcDateTime

#: The states of a score in the outbox.
PENDING, SENT, FAILED, SUPERSEDED = "pending", "sent", "failed", "superseded"


class LtiLineItemRow(Base):
    """The platform's gradebook column of one exam at one resource link (its URL is the line
    item's id), found or created once and remembered, so a score costs one request."""

    __tablename__ = "lti_line_items"
    __table_args__ = (UniqueConstraint("resource_link_row_id", "blueprint_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_link_row_id: Mapped[int] = mapped_column(
        ForeignKey("lti_resource_links.id", ondelete="CASCADE")
    )
    blueprint_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000))
    label: Mapped[str] = mapped_column(String(500))
    score_maximum: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LtiScoreRow(Base):
    """A finished attempt's score on its way to a platform's gradebook (the outbox).

    ``state`` is "pending" (sent at ``next_try_at``), "sent", "failed" (given up after too
    many tries; an admin retries it) or "superseded" (a newer attempt of the same learner at the
    same link replaced it before it was sent). One row per link and attempt: collecting twice
    queues nothing twice.
    """

    __tablename__ = "lti_score_outbox"
    __table_args__ = (UniqueConstraint("resource_link_row_id", "attempt_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_link_row_id: Mapped[int] = mapped_column(
        ForeignKey("lti_resource_links.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), index=True
    )
    score_given: Mapped[float] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    #: When the attempt finished: the score's timestamp on the platform.
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(20), index=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: The line item the score went to.
    line_item_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class LtiRosterImportRow(Base):
    """A course's roster brought in (Names and Role Provisioning Services): into which team,
    by whom, when, and what changed; the newest import of a course names its team."""

    __tablename__ = "lti_roster_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    context_row_id: Mapped[int] = mapped_column(
        ForeignKey("lti_contexts.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), nullable=True, index=True
    )
    imported_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: The report (a RosterReport's JSON): who was added, updated, unchanged and who left.
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
