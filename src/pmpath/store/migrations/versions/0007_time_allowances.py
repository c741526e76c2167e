"""Time allowances (WCAG 2.2.1): extra time per learner, and the allowance of each attempt.

A learner's allowance is set by an administrator and applies to every exam they start; an
attempt keeps the allowance its deadline was set with, so its result can say it was taken with
extra time. Existing learners and attempts have the standard time.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "profiles",
        sa.Column(
            "time_allowance", sa.String(length=20), nullable=False, server_default="standard"
        ),
    )
    op.add_column("attempts", sa.Column("time_allowance", sa.String(length=20), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not batch mode: batch mode copies a
    # table and drops the old one, and dropping profiles would cascade to every user.
    op.drop_column("attempts", "time_allowance")
    op.drop_column("profiles", "time_allowance")
