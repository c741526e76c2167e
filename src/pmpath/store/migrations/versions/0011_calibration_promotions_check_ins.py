"""Calibration adjustments, promotion cases and check-ins (issue #19, part 3).

Every table is new, so going down drops them and leaves everything else as it was.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from pmpath.store.tables import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

NEW_TABLES = (
    "calibration_adjustments",
    "promotion_cases",
    "check_in_goals",
    "check_ins",
    "check_in_progress",
)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def upgrade() -> None:
    table = "calibration_adjustments"
    op.create_table(
        table,
        _id(),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.String(length=80), nullable=False),
        sa.Column("competency_id", sa.String(length=80), nullable=False),
        sa.Column("role_id", sa.String(length=80), nullable=True),
        sa.Column("from_level", sa.Integer(), nullable=True),
        sa.Column("to_level", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("adjusted_by", sa.Integer(), nullable=True),
        sa.Column("adjusted_at", UtcDateTime(), nullable=False),
        _fk(table, "organisation_id", "organisations", "CASCADE"),
        _fk(table, "subject_id", "users", "CASCADE"),
        _fk(table, "adjusted_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    _index(table, "organisation_id", "subject_id")

    table = "promotion_cases"
    op.create_table(
        table,
        _id(),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("target_role_id", sa.String(length=80), nullable=False),
        sa.Column("specialisation", sa.String(length=80), nullable=True),
        sa.Column("framework_id", sa.String(length=80), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("recommendation", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        _fk(table, "organisation_id", "organisations", "CASCADE"),
        _fk(table, "subject_id", "users", "CASCADE"),
        _fk(table, "author_id", "users", "SET NULL"),
        _fk(table, "decided_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    _index(table, "organisation_id", "subject_id")

    table = "check_in_goals"
    op.create_table(
        table,
        _id(),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("competency_id", sa.String(length=80), nullable=True),
        sa.Column("target_level", sa.Integer(), nullable=True),
        sa.Column("plan_step", sa.String(length=500), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        _fk(table, "organisation_id", "organisations", "CASCADE"),
        _fk(table, "member_id", "users", "CASCADE"),
        _fk(table, "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    _index(table, "organisation_id", "member_id")

    table = "check_ins"
    op.create_table(
        table,
        _id(),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _fk(table, "organisation_id", "organisations", "CASCADE"),
        _fk(table, "team_id", "teams", "SET NULL"),
        _fk(table, "member_id", "users", "CASCADE"),
        _fk(table, "manager_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    _index(table, "organisation_id", "team_id", "member_id")

    table = "check_in_progress"
    op.create_table(
        table,
        _id(),
        sa.Column("check_in_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _fk(table, "check_in_id", "check_ins", "CASCADE"),
        _fk(table, "goal_id", "check_in_goals", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("check_in_id", "goal_id", name=op.f(f"uq_{table}_check_in_id")),
    )
    _index(table, "check_in_id", "goal_id")


def downgrade() -> None:
    for table in reversed(NEW_TABLES):
        op.drop_table(table)
