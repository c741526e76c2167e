"""The LTI 1.3 core tables: platforms, deployments, tool keys, nonces, identities, contexts,
resource links, launches and the claims a launch keeps for its next step (issue #20).

Every table is new, so going down drops them and leaves everything else as it was.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from pmpath.store.tables import UtcDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: In creation order; dropped in reverse.
NEW_TABLES = (
    "lti_platforms",
    "lti_deployments",
    "lti_tool_keys",
    "lti_nonces",
    "lti_identities",
    "lti_contexts",
    "lti_resource_links",
    "lti_launches",
    "lti_launch_data",
)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _index(table: str, *columns: str, unique: bool = False) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=unique)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _uq(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{columns[0]}"))


def upgrade() -> None:
    table = "lti_platforms"
    op.create_table(
        table,
        _id(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("auth_login_url", sa.String(length=1000), nullable=False),
        sa.Column("auth_token_url", sa.String(length=1000), nullable=False),
        sa.Column("key_set_url", sa.String(length=1000), nullable=False),
        sa.Column("auth_audience", sa.String(length=1000), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _pk(table),
        _uq(table, "issuer", "client_id"),
    )

    table = "lti_deployments"
    op.create_table(
        table,
        _id(),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        _fk(table, "platform_id", "lti_platforms", "CASCADE"),
        _pk(table),
        _uq(table, "platform_id", "deployment_id"),
    )
    _index(table, "platform_id")

    table = "lti_tool_keys"
    op.create_table(
        table,
        _id(),
        sa.Column("kid", sa.String(length=100), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("retired_at", UtcDateTime(), nullable=True),
        _pk(table),
        _uq(table, "kid"),
    )

    table = "lti_nonces"
    op.create_table(
        table,
        _id(),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("used_at", UtcDateTime(), nullable=True),
        _pk(table),
        _uq(table, "value"),
    )
    _index(table, "expires_at")

    table = "lti_identities"
    op.create_table(
        table,
        _id(),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _fk(table, "platform_id", "lti_platforms", "CASCADE"),
        _fk(table, "user_id", "users", "CASCADE"),
        _pk(table),
        _uq(table, "platform_id", "subject"),
    )
    _index(table, "platform_id", "user_id")

    table = "lti_contexts"
    op.create_table(
        table,
        _id(),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.Column("context_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("memberships_url", sa.String(length=1000), nullable=True),
        _fk(table, "platform_id", "lti_platforms", "CASCADE"),
        _pk(table),
        _uq(table, "platform_id", "context_id"),
    )
    _index(table, "platform_id")

    table = "lti_resource_links"
    op.create_table(
        table,
        _id(),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("context_row_id", sa.Integer(), nullable=True),
        sa.Column("resource_link_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=True),
        sa.Column("target_ref", sa.String(length=200), nullable=True),
        sa.Column("ags_lineitems_url", sa.String(length=1000), nullable=True),
        sa.Column("ags_lineitem_url", sa.String(length=1000), nullable=True),
        sa.Column("ags_scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _fk(table, "platform_id", "lti_platforms", "CASCADE"),
        _fk(table, "context_row_id", "lti_contexts", "SET NULL"),
        _pk(table),
        _uq(table, "platform_id", "resource_link_id"),
    )
    _index(table, "platform_id", "context_row_id")

    table = "lti_launches"
    op.create_table(
        table,
        _id(),
        sa.Column("resource_link_row_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("launched_at", UtcDateTime(), nullable=False),
        _fk(table, "resource_link_row_id", "lti_resource_links", "CASCADE"),
        _fk(table, "user_id", "users", "CASCADE"),
        _pk(table),
    )
    _index(table, "resource_link_row_id", "user_id")

    table = "lti_launch_data"
    op.create_table(
        table,
        _id(),
        sa.Column("launch_id", sa.String(length=100), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("claims", sa.JSON(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        _fk(table, "platform_id", "lti_platforms", "CASCADE"),
        _fk(table, "user_id", "users", "CASCADE"),
        _pk(table),
        _uq(table, "launch_id"),
    )
    _index(table, "platform_id", "user_id", "expires_at")


def downgrade() -> None:
    for table in reversed(NEW_TABLES):
        op.drop_table(table)
