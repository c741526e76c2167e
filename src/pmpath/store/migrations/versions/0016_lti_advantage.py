"""The LTI Advantage tables: line items, the score outbox, roster imports (issue #20).

Every table is new, so going down drops them and leaves everything else as it was.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from pmpath.store.tables import UtcDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


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


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _uq(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{columns[0]}"))


def upgrade() -> None:
    table = "lti_line_items"
    op.create_table(
        table,
        _id(),
        sa.Column("resource_link_row_id", sa.Integer(), nullable=False),
        sa.Column("blueprint_id", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("label", sa.String(length=500), nullable=False),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _fk(table, "resource_link_row_id", "lti_resource_links", "CASCADE"),
        _pk(table),
        _uq(table, "resource_link_row_id", "blueprint_id"),
    )

    table = "lti_score_outbox"
    op.create_table(
        table,
        _id(),
        sa.Column("resource_link_row_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("score_given", sa.Float(), nullable=False),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", UtcDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("line_item_url", sa.String(length=1000), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        _fk(table, "resource_link_row_id", "lti_resource_links", "CASCADE"),
        _fk(table, "user_id", "users", "CASCADE"),
        _fk(table, "attempt_id", "attempts", "CASCADE"),
        _pk(table),
        _uq(table, "resource_link_row_id", "attempt_id"),
    )
    _index(table, "user_id", "attempt_id", "state", "next_try_at")

    table = "lti_roster_imports"
    op.create_table(
        table,
        _id(),
        sa.Column("context_row_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        _fk(table, "context_row_id", "lti_contexts", "CASCADE"),
        _fk(table, "team_id", "teams", "SET NULL"),
        _fk(table, "imported_by", "users", "SET NULL"),
        _pk(table),
    )
    _index(table, "context_row_id", "team_id")


def downgrade() -> None:
    for table in ("lti_roster_imports", "lti_score_outbox", "lti_line_items"):
        op.drop_table(table)
