"""Queries for LTI 1.3 core: registered platforms and their deployments, the tool's keys, the
state and nonce values of logins, and what launches told (identities, contexts, resource links,
launches, launch data). Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from pmpath.store.tables import UserRow
from pmpath.store.tables_lti import (
    LtiContextRow,
    LtiDeploymentRow,
    LtiIdentityRow,
    LtiLaunchDataRow,
    LtiLaunchRow,
    LtiNonceRow,
    LtiPlatformRow,
    LtiResourceLinkRow,
    LtiToolKeyRow,
)

# -- platforms ---------------------------------------------------------------------------------


def platforms(session: Session) -> Sequence[LtiPlatformRow]:
    """Every registered platform, by name."""
    return session.scalars(
        select(LtiPlatformRow).order_by(LtiPlatformRow.name, LtiPlatformRow.id)
    ).all()


def platform(session: Session, platform_id: int) -> LtiPlatformRow | None:
    return session.get(LtiPlatformRow, platform_id)


def platform_by_client(session: Session, issuer: str, client_id: str) -> LtiPlatformRow | None:
    return session.scalars(
        select(LtiPlatformRow).where(
            LtiPlatformRow.issuer == issuer, LtiPlatformRow.client_id == client_id
        )
    ).first()


def platforms_of_issuer(session: Session, issuer: str) -> Sequence[LtiPlatformRow]:
    return session.scalars(
        select(LtiPlatformRow).where(LtiPlatformRow.issuer == issuer).order_by(LtiPlatformRow.id)
    ).all()


def add_platform(session: Session, row: LtiPlatformRow, deployment_ids: Sequence[str]) -> None:
    session.add(row)
    session.flush()
    for deployment_id in deployment_ids:
        session.add(LtiDeploymentRow(platform_id=row.id, deployment_id=deployment_id))
    session.flush()


def delete_platform(session: Session, row: LtiPlatformRow) -> None:
    """The platform and everything of it (deployments, identities, contexts, links, launches);
    explicit deletes so SQLite without foreign-key enforcement ends the same way."""
    link_ids = select(LtiResourceLinkRow.id).where(LtiResourceLinkRow.platform_id == row.id)
    session.execute(delete(LtiLaunchRow).where(LtiLaunchRow.resource_link_row_id.in_(link_ids)))
    for table in (
        LtiResourceLinkRow,
        LtiContextRow,
        LtiIdentityRow,
        LtiDeploymentRow,
        LtiLaunchDataRow,
    ):
        session.execute(delete(table).where(table.platform_id == row.id))
    session.delete(row)
    session.flush()


def deployments_of(session: Session, platform_id: int) -> list[str]:
    return list(
        session.scalars(
            select(LtiDeploymentRow.deployment_id)
            .where(LtiDeploymentRow.platform_id == platform_id)
            .order_by(LtiDeploymentRow.id)
        )
    )


def has_deployment(session: Session, platform_id: int, deployment_id: str) -> bool:
    return (
        session.scalars(
            select(LtiDeploymentRow.id).where(
                LtiDeploymentRow.platform_id == platform_id,
                LtiDeploymentRow.deployment_id == deployment_id,
            )
        ).first()
        is not None
    )


# -- the tool's keys -----------------------------------------------------------------------------


def tool_keys(session: Session) -> Sequence[LtiToolKeyRow]:
    """Every key, newest first."""
    return session.scalars(
        select(LtiToolKeyRow).order_by(LtiToolKeyRow.created_at.desc(), LtiToolKeyRow.id.desc())
    ).all()


def current_tool_key(session: Session) -> LtiToolKeyRow | None:
    """The newest key that is not retired."""
    return session.scalars(
        select(LtiToolKeyRow)
        .where(LtiToolKeyRow.retired_at.is_(None))
        .order_by(LtiToolKeyRow.created_at.desc(), LtiToolKeyRow.id.desc())
    ).first()


def add_tool_key(session: Session, row: LtiToolKeyRow) -> LtiToolKeyRow:
    session.add(row)
    session.flush()
    return row


def retire_tool_keys(session: Session, now: datetime) -> None:
    """Retire every key still current (a new one is about to be added)."""
    session.execute(
        update(LtiToolKeyRow).where(LtiToolKeyRow.retired_at.is_(None)).values(retired_at=now)
    )


# -- state and nonce -----------------------------------------------------------------------------


def add_nonce(session: Session, value: str, kind: str, expires_at: datetime) -> None:
    session.add(LtiNonceRow(value=value, kind=kind, expires_at=expires_at))
    session.flush()


def use_nonce(session: Session, value: str, kind: str, now: datetime) -> bool:
    """Mark ``value`` used if it is of ``kind``, unused and unexpired; True when it was. One
    UPDATE, so two processes racing with the same value cannot both succeed."""
    result = session.execute(
        update(LtiNonceRow)
        .where(
            LtiNonceRow.value == value,
            LtiNonceRow.kind == kind,
            LtiNonceRow.used_at.is_(None),
            LtiNonceRow.expires_at > now,
        )
        .values(used_at=now)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def purge_nonces(session: Session, now: datetime) -> None:
    """Forget expired state and nonce values (a replay of them fails on expiry anyway)."""
    session.execute(delete(LtiNonceRow).where(LtiNonceRow.expires_at <= now))


# -- identities, contexts, resource links, launches ----------------------------------------------


def identity(session: Session, platform_id: int, subject: str) -> LtiIdentityRow | None:
    return session.scalars(
        select(LtiIdentityRow).where(
            LtiIdentityRow.platform_id == platform_id, LtiIdentityRow.subject == subject
        )
    ).first()


def add_identity(session: Session, row: LtiIdentityRow) -> None:
    session.add(row)
    session.flush()


def user(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def email_taken(session: Session, email: str) -> bool:
    return session.scalars(select(UserRow.id).where(UserRow.email == email)).first() is not None


def context(session: Session, platform_id: int, context_id: str) -> LtiContextRow | None:
    return session.scalars(
        select(LtiContextRow).where(
            LtiContextRow.platform_id == platform_id, LtiContextRow.context_id == context_id
        )
    ).first()


def resource_link(
    session: Session, platform_id: int, resource_link_id: str
) -> LtiResourceLinkRow | None:
    return session.scalars(
        select(LtiResourceLinkRow).where(
            LtiResourceLinkRow.platform_id == platform_id,
            LtiResourceLinkRow.resource_link_id == resource_link_id,
        )
    ).first()


def resource_link_by_id(session: Session, row_id: int) -> LtiResourceLinkRow | None:
    return session.get(LtiResourceLinkRow, row_id)


def add(session: Session, row: LtiContextRow | LtiResourceLinkRow | LtiLaunchRow) -> None:
    session.add(row)
    session.flush()


def launches_of_link(session: Session, resource_link_row_id: int) -> Sequence[LtiLaunchRow]:
    return session.scalars(
        select(LtiLaunchRow)
        .where(LtiLaunchRow.resource_link_row_id == resource_link_row_id)
        .order_by(LtiLaunchRow.id)
    ).all()


def count_launches_of_platform(session: Session, platform_id: int) -> int:
    return len(
        session.scalars(
            select(LtiLaunchRow.id)
            .join(LtiResourceLinkRow, LtiResourceLinkRow.id == LtiLaunchRow.resource_link_row_id)
            .where(LtiResourceLinkRow.platform_id == platform_id)
        ).all()
    )


# -- launch data ---------------------------------------------------------------------------------


def add_launch_data(session: Session, row: LtiLaunchDataRow) -> None:
    session.add(row)
    session.flush()


def launch_data(session: Session, launch_id: str) -> LtiLaunchDataRow | None:
    return session.scalars(
        select(LtiLaunchDataRow).where(LtiLaunchDataRow.launch_id == launch_id)
    ).first()


def purge_launch_data(session: Session, now: datetime) -> None:
    session.execute(delete(LtiLaunchDataRow).where(LtiLaunchDataRow.expires_at <= now))
