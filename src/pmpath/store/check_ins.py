"""Queries for check-ins: a member's goals, the one-to-ones their manager records, and where
each goal stood at each of them. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pmpath.store.tables import (
    CheckInGoalRow,
    CheckInProgressRow,
    CheckInRow,
    TeamRow,
    UserRow,
)

# -- goals -----------------------------------------------------------------------------------


def add_goal(session: Session, row: CheckInGoalRow) -> CheckInGoalRow:
    session.add(row)
    session.flush()
    return row


def goal(session: Session, organisation_id: int, goal_id: int) -> CheckInGoalRow | None:
    """The goal, when it belongs to the organisation."""
    row = session.get(CheckInGoalRow, goal_id)
    return row if row is not None and row.organisation_id == organisation_id else None


def goals_of(session: Session, organisation_id: int, member_id: int) -> Sequence[CheckInGoalRow]:
    """Every goal of ``member_id`` in the organisation, oldest first."""
    return session.scalars(
        select(CheckInGoalRow)
        .where(
            CheckInGoalRow.organisation_id == organisation_id,
            CheckInGoalRow.member_id == member_id,
        )
        .order_by(CheckInGoalRow.created_at, CheckInGoalRow.id)
    ).all()


def goals_by_id(session: Session, goal_ids: Iterable[int]) -> dict[int, CheckInGoalRow]:
    ids = sorted(set(goal_ids))
    if not ids:
        return {}
    rows = session.scalars(select(CheckInGoalRow).where(CheckInGoalRow.id.in_(ids))).all()
    return {row.id: row for row in rows}


# -- check-ins -------------------------------------------------------------------------------


def add_check_in(session: Session, row: CheckInRow) -> CheckInRow:
    session.add(row)
    session.flush()
    return row


def check_in_on(
    session: Session, organisation_id: int, member_id: int, held_on: date
) -> CheckInRow | None:
    """The member's check-in on ``held_on``, if one was recorded."""
    return session.scalars(
        select(CheckInRow).where(
            CheckInRow.organisation_id == organisation_id,
            CheckInRow.member_id == member_id,
            CheckInRow.held_on == held_on,
        )
    ).first()


def add_progress(session: Session, rows: Sequence[CheckInProgressRow]) -> None:
    session.add_all(rows)
    session.flush()


def _check_ins_query() -> Any:
    member = UserRow.__table__.alias("member")
    manager = UserRow.__table__.alias("manager")
    return (
        select(
            CheckInRow,
            member.c.name.label("member"),
            manager.c.name.label("manager"),
            TeamRow.name.label("team"),
        )
        .join(member, member.c.id == CheckInRow.member_id)
        .outerjoin(manager, manager.c.id == CheckInRow.manager_id)
        .outerjoin(TeamRow, TeamRow.id == CheckInRow.team_id)
    )


def check_ins_of(session: Session, organisation_id: int, member_id: int) -> Sequence[Any]:
    """(check-in, member name, manager name, team name) of every check-in of ``member_id``,
    oldest first."""
    return session.execute(
        _check_ins_query()
        .where(CheckInRow.organisation_id == organisation_id, CheckInRow.member_id == member_id)
        .order_by(CheckInRow.held_on, CheckInRow.id)
    ).all()


def check_ins_of_team(session: Session, team_id: int) -> Sequence[Any]:
    """(check-in, member name, manager name, team name) of every check-in recorded in the
    team, by member name, then oldest first."""
    return session.execute(
        _check_ins_query()
        .where(CheckInRow.team_id == team_id)
        .order_by("member", CheckInRow.member_id, CheckInRow.held_on, CheckInRow.id)
    ).all()


def progress_of(
    session: Session, check_in_ids: Iterable[int]
) -> dict[int, list[CheckInProgressRow]]:
    """{check-in id: where each goal stood at it, in the order the goals were set}."""
    ids = sorted(set(check_in_ids))
    found: dict[int, list[CheckInProgressRow]] = {check_in: [] for check_in in ids}
    if not ids:
        return found
    rows = session.scalars(
        select(CheckInProgressRow)
        .where(CheckInProgressRow.check_in_id.in_(ids))
        .order_by(CheckInProgressRow.goal_id, CheckInProgressRow.id)
    ).all()
    for row in rows:
        found[row.check_in_id].append(row)
    return found
