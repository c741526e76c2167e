"""Queries for LTI Advantage's services: the score outbox, line items, the gradebook of a course
and its roster imports. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from pmpath.store.attempts import MOCK
from pmpath.store.tables import AttemptRow, TeamRow, UserRow
from pmpath.store.tables_lti import (
    LtiContextRow,
    LtiIdentityRow,
    LtiLaunchRow,
    LtiPlatformRow,
    LtiResourceLinkRow,
)
from pmpath.store.tables_lti_advantage import (
    FAILED,
    PENDING,
    SUPERSEDED,
    LtiLineItemRow,
    LtiRosterImportRow,
    LtiScoreRow,
)

EXAM = "exam"

# -- collecting finished attempts ------------------------------------------------------------


def unqueued_attempts(session: Session) -> Sequence[Any]:
    """Finished mock exams not yet in the outbox for a link that opens their exam, started
    after the learner's first launch of that link: (link id, user id, attempt id, score, pass
    mark, finished at, the link's AGS scopes), oldest finish first. Links without AGS
    endpoints are left out."""
    first = (
        select(
            LtiLaunchRow.resource_link_row_id.label("link_id"),
            LtiLaunchRow.user_id.label("user_id"),
            func.min(LtiLaunchRow.launched_at).label("first_launch"),
        )
        .group_by(LtiLaunchRow.resource_link_row_id, LtiLaunchRow.user_id)
        .subquery()
    )
    return session.execute(
        select(
            LtiResourceLinkRow.id.label("link_id"),
            first.c.user_id,
            AttemptRow.id.label("attempt_id"),
            AttemptRow.score,
            AttemptRow.pass_mark,
            AttemptRow.finished_at,
            LtiResourceLinkRow.ags_scopes,
        )
        .join(first, first.c.link_id == LtiResourceLinkRow.id)
        .join(UserRow, UserRow.id == first.c.user_id)
        .join(
            AttemptRow,
            and_(
                AttemptRow.profile_id == UserRow.profile_id,
                AttemptRow.blueprint_id == LtiResourceLinkRow.target_ref,
                AttemptRow.mode == MOCK,
                AttemptRow.finished_at.is_not(None),
                AttemptRow.started_at >= first.c.first_launch,
            ),
        )
        .outerjoin(
            LtiScoreRow,
            and_(
                LtiScoreRow.resource_link_row_id == LtiResourceLinkRow.id,
                LtiScoreRow.attempt_id == AttemptRow.id,
            ),
        )
        .where(
            LtiScoreRow.id.is_(None),
            LtiResourceLinkRow.target_kind == EXAM,
            (LtiResourceLinkRow.ags_lineitem_url.is_not(None))
            | (LtiResourceLinkRow.ags_lineitems_url.is_not(None)),
        )
        .order_by(AttemptRow.finished_at, AttemptRow.id)
    ).all()


def newest_queued(
    session: Session, pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], datetime]:
    """The newest finish already in the outbox for each (link id, user id) given."""
    wanted = set(pairs)
    if not wanted:
        return {}
    links = {link for link, _ in wanted}
    rows = session.execute(
        select(
            LtiScoreRow.resource_link_row_id,
            LtiScoreRow.user_id,
            func.max(LtiScoreRow.finished_at),
        )
        .where(LtiScoreRow.resource_link_row_id.in_(links), LtiScoreRow.state != SUPERSEDED)
        .group_by(LtiScoreRow.resource_link_row_id, LtiScoreRow.user_id)
    ).all()
    return {(link, user): at for link, user, at in rows if (link, user) in wanted}


def add_scores(session: Session, rows: Sequence[LtiScoreRow]) -> None:
    session.add_all(rows)
    session.flush()


def supersede_older(session: Session, link_id: int, user_id: int, than: datetime) -> int:
    """Mark the learner's unsent scores at the link that finished before ``than`` superseded."""
    result = session.execute(
        update(LtiScoreRow)
        .where(
            LtiScoreRow.resource_link_row_id == link_id,
            LtiScoreRow.user_id == user_id,
            LtiScoreRow.state.in_((PENDING, FAILED)),
            LtiScoreRow.finished_at < than,
        )
        .values(state=SUPERSEDED)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# -- sending ---------------------------------------------------------------------------------


def claim_due(session: Session, now: datetime, until: datetime, limit: int) -> list[LtiScoreRow]:
    """Up to ``limit`` pending scores due at ``now``, oldest first, claimed until ``until``
    (their ``next_try_at`` moves there), so another process's pass does not send them too."""
    rows = list(
        session.scalars(
            select(LtiScoreRow)
            .where(LtiScoreRow.state == PENDING, LtiScoreRow.next_try_at <= now)
            .order_by(LtiScoreRow.next_try_at, LtiScoreRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
    )
    for row in rows:
        row.next_try_at = until
    session.flush()
    return rows


def scores_by_id(session: Session, ids: Iterable[int]) -> dict[int, LtiScoreRow]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {
        row.id: row
        for row in session.scalars(select(LtiScoreRow).where(LtiScoreRow.id.in_(wanted))).all()
    }


def links_by_id(session: Session, ids: Iterable[int]) -> dict[int, LtiResourceLinkRow]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.scalars(
        select(LtiResourceLinkRow).where(LtiResourceLinkRow.id.in_(wanted))
    ).all()
    return {row.id: row for row in rows}


def platforms_by_id(session: Session, ids: Iterable[int]) -> dict[int, LtiPlatformRow]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.scalars(select(LtiPlatformRow).where(LtiPlatformRow.id.in_(wanted))).all()
    return {row.id: row for row in rows}


def subjects(session: Session, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The platform's ``sub`` of each (platform id, user id) given (the oldest identity)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    users = {user for _, user in wanted}
    rows = session.execute(
        select(LtiIdentityRow.platform_id, LtiIdentityRow.user_id, LtiIdentityRow.subject)
        .where(LtiIdentityRow.user_id.in_(users))
        .order_by(LtiIdentityRow.id.desc())
    ).all()
    # Oldest last, so it wins: the identity the account was made from.
    return {(p, u): subject for p, u, subject in rows if (p, u) in wanted}


def line_items(session: Session, link_ids: Iterable[int]) -> dict[tuple[int, str], LtiLineItemRow]:
    wanted = sorted(set(link_ids))
    if not wanted:
        return {}
    rows = session.scalars(
        select(LtiLineItemRow).where(LtiLineItemRow.resource_link_row_id.in_(wanted))
    ).all()
    return {(row.resource_link_row_id, row.blueprint_id): row for row in rows}


def add_line_item(session: Session, row: LtiLineItemRow) -> None:
    """Remember a line item, unless another pass remembered one for the link and exam first."""
    exists = session.scalars(
        select(LtiLineItemRow.id).where(
            LtiLineItemRow.resource_link_row_id == row.resource_link_row_id,
            LtiLineItemRow.blueprint_id == row.blueprint_id,
        )
    ).first()
    if exists is None:
        session.add(row)
        session.flush()


# -- what admins see -------------------------------------------------------------------------


def state_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(LtiScoreRow.state, func.count()).group_by(LtiScoreRow.state)
    ).all()
    return {state: int(count) for state, count in rows}


def outbox_rows(session: Session, states: Sequence[str], limit: int) -> Sequence[Any]:
    """(score, link, platform, context, user) of scores in ``states``, most urgent first."""
    return session.execute(
        select(LtiScoreRow, LtiResourceLinkRow, LtiPlatformRow, LtiContextRow, UserRow)
        .join(LtiResourceLinkRow, LtiResourceLinkRow.id == LtiScoreRow.resource_link_row_id)
        .join(LtiPlatformRow, LtiPlatformRow.id == LtiResourceLinkRow.platform_id)
        .outerjoin(LtiContextRow, LtiContextRow.id == LtiResourceLinkRow.context_row_id)
        .join(UserRow, UserRow.id == LtiScoreRow.user_id)
        .where(LtiScoreRow.state.in_(states))
        .order_by(LtiScoreRow.next_try_at, LtiScoreRow.id)
        .limit(limit)
    ).all()


def retry(session: Session, now: datetime, score_id: int | None) -> int:
    """Make failed scores (one, or all) pending again, due now, with their tries reset."""
    statement = (
        update(LtiScoreRow)
        .where(LtiScoreRow.state == FAILED)
        .values(state=PENDING, tries=0, next_try_at=now)
    )
    if score_id is not None:
        statement = statement.where(LtiScoreRow.id == score_id)
    return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


# -- courses ---------------------------------------------------------------------------------


def contexts(session: Session, ids: Iterable[int] | None = None) -> Sequence[Any]:
    """(context, platform) of every course (or of those with ``ids``), by platform and title."""
    query = select(LtiContextRow, LtiPlatformRow).join(
        LtiPlatformRow, LtiPlatformRow.id == LtiContextRow.platform_id
    )
    if ids is not None:
        query = query.where(LtiContextRow.id.in_(sorted(set(ids))))
    return session.execute(
        query.order_by(LtiPlatformRow.name, LtiContextRow.title, LtiContextRow.id)
    ).all()


def context(session: Session, context_row_id: int) -> Any | None:
    """(context, platform) of one course."""
    return session.execute(
        select(LtiContextRow, LtiPlatformRow)
        .join(LtiPlatformRow, LtiPlatformRow.id == LtiContextRow.platform_id)
        .where(LtiContextRow.id == context_row_id)
    ).first()


def launches_of(session: Session, user_id: int) -> Sequence[Any]:
    """(context row id, roles) of every launch of ``user_id`` from a link in a course."""
    return session.execute(
        select(LtiResourceLinkRow.context_row_id, LtiLaunchRow.roles)
        .join(LtiResourceLinkRow, LtiResourceLinkRow.id == LtiLaunchRow.resource_link_row_id)
        .where(LtiLaunchRow.user_id == user_id, LtiResourceLinkRow.context_row_id.is_not(None))
    ).all()


def learner_counts(session: Session, context_ids: Iterable[int]) -> dict[int, int]:
    """How many people launched a link of each course."""
    wanted = sorted(set(context_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(LtiResourceLinkRow.context_row_id, func.count(func.distinct(LtiLaunchRow.user_id)))
        .join(LtiResourceLinkRow, LtiResourceLinkRow.id == LtiLaunchRow.resource_link_row_id)
        .where(LtiResourceLinkRow.context_row_id.in_(wanted))
        .group_by(LtiResourceLinkRow.context_row_id)
    ).all()
    return {int(context_id or 0): int(count) for context_id, count in rows}


def gradebook(session: Session, context_row_id: int) -> Sequence[Any]:
    """(score, link, user) of every score of the course that was not superseded, by learner
    and exam, newest first."""
    return session.execute(
        select(LtiScoreRow, LtiResourceLinkRow, UserRow)
        .join(LtiResourceLinkRow, LtiResourceLinkRow.id == LtiScoreRow.resource_link_row_id)
        .join(UserRow, UserRow.id == LtiScoreRow.user_id)
        .where(
            LtiResourceLinkRow.context_row_id == context_row_id,
            LtiScoreRow.state != SUPERSEDED,
        )
        .order_by(
            UserRow.name, UserRow.id, LtiResourceLinkRow.title, LtiScoreRow.finished_at.desc()
        )
    ).all()


# -- rosters ---------------------------------------------------------------------------------


def identities(session: Session, platform_id: int, subjects_: Iterable[str]) -> dict[str, int]:
    """The user id of each platform ``sub`` pmpath knows."""
    wanted = sorted(set(subjects_))
    if not wanted:
        return {}
    rows = session.execute(
        select(LtiIdentityRow.subject, LtiIdentityRow.user_id).where(
            LtiIdentityRow.platform_id == platform_id, LtiIdentityRow.subject.in_(wanted)
        )
    ).all()
    return {str(subject): int(user) for subject, user in rows}


def subjects_of_users(
    session: Session, platform_id: int, user_ids: Iterable[int]
) -> dict[int, str]:
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(LtiIdentityRow.user_id, LtiIdentityRow.subject).where(
            LtiIdentityRow.platform_id == platform_id, LtiIdentityRow.user_id.in_(wanted)
        )
    ).all()
    return {int(user): str(subject) for user, subject in rows}


def add_roster_import(session: Session, row: LtiRosterImportRow) -> LtiRosterImportRow:
    session.add(row)
    session.flush()
    return row


def newest_import(session: Session, context_row_id: int) -> LtiRosterImportRow | None:
    return session.scalars(
        select(LtiRosterImportRow)
        .where(LtiRosterImportRow.context_row_id == context_row_id)
        .order_by(LtiRosterImportRow.imported_at.desc(), LtiRosterImportRow.id.desc())
    ).first()


def team_of_course(session: Session, context_row_id: int) -> TeamRow | None:
    """The team the course's newest roster import went into, while it exists."""
    team_id = session.scalars(
        select(LtiRosterImportRow.team_id)
        .where(
            LtiRosterImportRow.context_row_id == context_row_id,
            LtiRosterImportRow.team_id.is_not(None),
        )
        .order_by(LtiRosterImportRow.imported_at.desc(), LtiRosterImportRow.id.desc())
    ).first()
    return None if team_id is None else session.get(TeamRow, team_id)
