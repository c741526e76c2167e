"""The badges tables: the issuer's signing key, the revocation status list's entries and the
issued Open Badges 3.0 credentials (issue #20).

The status list's entries have a table of their own, with no foreign key to the badges or to
anyone: a badge row goes with its holder's account, its entry stays (its bit neither reset nor
drawn again). The tables are new, so going down drops them and leaves everything else as it was.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from pmpath.store.tables import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "badge_issuer_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_issuer_keys")),
    )
    op.create_table(
        "badge_status_entries",
        sa.Column("status_list", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint(
            "status_list", "status_index", name=op.f("pk_badge_status_entries")
        ),
    )
    op.create_table(
        "badges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("credential_id", sa.String(length=100), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("status_list", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempts.id"],
            name=op.f("fk_badges_attempt_id_attempts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_badges_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"],
            ["users.id"],
            name=op.f("fk_badges_revoked_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["status_list", "status_index"],
            ["badge_status_entries.status_list", "badge_status_entries.status_index"],
            name=op.f("fk_badges_status_list_badge_status_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badges")),
        sa.UniqueConstraint("public_id", name=op.f("uq_badges_public_id")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_badges_credential_id")),
        sa.UniqueConstraint("attempt_id", name=op.f("uq_badges_attempt_id")),
        sa.UniqueConstraint("status_list", "status_index", name=op.f("uq_badges_status_list")),
    )
    op.create_index(op.f("ix_badges_user_id"), "badges", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_badges_user_id"), table_name="badges")
    op.drop_table("badges")
    op.drop_table("badge_status_entries")
    op.drop_table("badge_issuer_keys")
