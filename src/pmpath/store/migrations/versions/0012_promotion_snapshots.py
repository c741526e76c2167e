"""Promotion cases keep the document they were submitted with (issue #19).

``promotion_cases.snapshot`` holds the assembled document (JSON) from the moment a case is
submitted, so a later calibration or rating does not rewrite what the decision was based on.
Cases submitted before this revision have none and are still assembled when read. Going down
drops the column and, with it, the frozen documents.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("promotion_cases", sa.Column("snapshot", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("promotion_cases") as batch:
        batch.drop_column("snapshot")
