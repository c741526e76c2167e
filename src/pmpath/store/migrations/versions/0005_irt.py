"""IRT: versioned item parameter sets, and the result of an adaptive test.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from pmpath.store.tables import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "irt_parameter_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=10), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_irt_parameter_sets")),
        sa.UniqueConstraint("bank_id", "version", name=op.f("uq_irt_parameter_sets_bank_id")),
    )
    op.create_index(op.f("ix_irt_parameter_sets_bank_id"), "irt_parameter_sets", ["bank_id"])
    op.add_column("attempts", sa.Column("result", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("result")
    op.drop_table("irt_parameter_sets")
