"""Manager and peer ratings, and requests to self-assess by a date (issue #19, part 2).

Both tables are new, so going down drops them and leaves everything else as it was.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from pmpath.store.tables import UtcDateTime

revision = "0010"
down_revision = "0009"
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


def upgrade() -> None:
    op.create_table(
        "colleague_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("rater_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("framework_id", sa.String(length=80), nullable=False),
        sa.Column("framework_version", sa.String(length=80), nullable=False),
        sa.Column("competency_id", sa.String(length=80), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("evidence_link", sa.String(length=500), nullable=True),
        sa.Column("evidence_note", sa.Text(), nullable=True),
        sa.Column("rated_at", UtcDateTime(), nullable=False),
        _fk("colleague_ratings", "organisation_id", "organisations", "CASCADE"),
        _fk("colleague_ratings", "subject_id", "users", "CASCADE"),
        _fk("colleague_ratings", "rater_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_colleague_ratings")),
        sa.UniqueConstraint(
            "organisation_id",
            "subject_id",
            "rater_id",
            "framework_id",
            "competency_id",
            name=op.f("uq_colleague_ratings_organisation_id"),
        ),
    )
    _index("colleague_ratings", "organisation_id", "subject_id", "rater_id")
    op.create_table(
        "self_assessment_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _fk("self_assessment_requests", "team_id", "teams", "CASCADE"),
        _fk("self_assessment_requests", "member_id", "users", "CASCADE"),
        _fk("self_assessment_requests", "requested_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_assessment_requests")),
    )
    _index("self_assessment_requests", "team_id", "member_id")


def downgrade() -> None:
    for table in ("self_assessment_requests", "colleague_ratings"):
        op.drop_table(table)
