"""The database tables, as SQLAlchemy 2 declarative classes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """A UTC time stamp: stored without a zone (SQLite has none), always read back as UTC."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("time stamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class ProfileRow(Base):
    """A person being assessed, known by a name they choose."""

    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    assessments: Mapped[list[AssessmentRow]] = relationship(
        back_populates="profile", order_by="AssessmentRow.id"
    )


class AssessmentRow(Base):
    """One self-assessment: the intake answers; ``completed_at`` is empty while in progress."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    source: Mapped[str] = mapped_column(String(20))
    framework_id: Mapped[str] = mapped_column(String(80))
    framework_version: Mapped[str] = mapped_column(String(80))
    background: Mapped[str | None] = mapped_column(String(80), nullable=True)
    current_role: Mapped[str | None] = mapped_column(String(80), nullable=True)
    years: Mapped[float | None] = mapped_column(Float, nullable=True)
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    target: Mapped[str | None] = mapped_column(String(80), nullable=True)

    profile: Mapped[ProfileRow] = relationship(back_populates="assessments")
    ratings: Mapped[list[RatingRow]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="RatingRow.id"
    )


class RatingRow(Base):
    """The level a person picked for one competency in one assessment."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("assessment_id", "competency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    competency_id: Mapped[str] = mapped_column(String(80))
    level: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[str] = mapped_column(String(10))
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime())

    assessment: Mapped[AssessmentRow] = relationship(back_populates="ratings")
