"""API tokens get a public id, scopes, an expiry and a last use; throttling per client.

Tokens made before this revision keep working with both scopes until 90 days after the upgrade
(they never expired before; an expiry on the spot would break every script at once). Each gets
a random public id, so it can be listed and revoked.

Failed sign-ins record the client (IP address) they came from; sign-up attempts are recorded
per client too.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from pmpath.store.tables import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: What a token made before this revision is given: the default lifetime of a new one.
GRACE = timedelta(days=90)


def upgrade() -> None:
    op.add_column("api_tokens", sa.Column("public_id", sa.String(length=16), nullable=True))
    op.add_column(
        "api_tokens",
        sa.Column("scopes", sa.String(length=20), nullable=False, server_default="read write"),
    )
    op.add_column("api_tokens", sa.Column("expires_at", UtcDateTime(), nullable=True))
    op.add_column("api_tokens", sa.Column("last_used_at", UtcDateTime(), nullable=True))
    tokens = sa.table(
        "api_tokens",
        sa.column("token_hash", sa.String()),
        sa.column("public_id", sa.String()),
        sa.column("expires_at", UtcDateTime()),
    )
    connection = op.get_bind()
    expires = datetime.now(UTC) + GRACE
    for (token_hash,) in connection.execute(sa.select(tokens.c.token_hash)).all():
        connection.execute(
            tokens.update()
            .where(tokens.c.token_hash == token_hash)
            .values(public_id=secrets.token_hex(6), expires_at=expires)
        )
    # SQLite cannot alter a column in place: batch mode copies the table there, and issues
    # plain ALTER statements on PostgreSQL.
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("public_id", existing_type=sa.String(length=16), nullable=False)
        batch.alter_column("expires_at", existing_type=UtcDateTime(), nullable=False)
        batch.create_unique_constraint(op.f("uq_api_tokens_public_id"), ["public_id"])

    op.add_column(
        "login_failures",
        sa.Column("client", sa.String(length=64), nullable=False, server_default=""),
    )
    op.create_index(op.f("ix_login_failures_client"), "login_failures", ["client"])
    op.create_table(
        "sign_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_ups")),
    )
    op.create_index(op.f("ix_sign_ups_client"), "sign_ups", ["client"])


def downgrade() -> None:
    op.drop_table("sign_ups")
    op.drop_index(op.f("ix_login_failures_client"), table_name="login_failures")
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_column("client")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("uq_api_tokens_public_id"), type_="unique")
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
        batch.drop_column("scopes")
        batch.drop_column("public_id")
