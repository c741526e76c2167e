"""The tables of LTI 1.3 core (issue #20), beside :mod:`pmpath.store.tables` on the same metadata.

A platform (an LMS) is registered by an admin with its deployments; the tool's own RSA keys sign
what pmpath sends (deep-linking responses, service tokens); state and nonce values live in the
database so that any app process can finish a launch another one started; identities tie a
platform's ``sub`` to a pmpath user; contexts (courses) and resource links (the placements of
pmpath in a course) remember what the platform told at launch, including the LTI Advantage
service endpoints, for :mod:`pmpath.store.tables_lti_advantage`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pmpath.store.tables import Base, UtcDateTime


class LtiPlatformRow(Base):
    """An LMS registered by an admin: who it is (``issuer`` + ``client_id``) and its endpoints."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: What admins see ("Moodle of the Faculty of Economics").
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    #: The platform's OIDC authorization endpoint (where login initiation redirects to).
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    #: The platform's OAuth 2 token endpoint (LTI Advantage services).
    auth_token_url: Mapped[str] = mapped_column(String(1000))
    #: The platform's JWKS (its public keys, which verify its id_tokens).
    key_set_url: Mapped[str] = mapped_column(String(1000))
    #: The ``aud`` of client-credentials assertions when the token endpoint wants another one.
    auth_audience: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LtiDeploymentRow(Base):
    """One deployment of pmpath in a platform; launches naming any other deployment are refused."""

    __tablename__ = "lti_deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
    deployment_id: Mapped[str] = mapped_column(String(255))


class LtiToolKeyRow(Base):
    """An RSA key pair of the tool. The newest key without ``retired_at`` is the current one; a
    retired key stays in the published JWKS for a grace period
    (:data:`pmpath.interop.lti.keys.RETIRED_KEY_GRACE`), then drops out."""

    __tablename__ = "lti_tool_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(String(100), unique=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class LtiNonceRow(Base):
    """A ``state`` or ``nonce`` handed out at login initiation, used at most once before
    ``expires_at``; kept in the database so that every app process sees it."""

    __tablename__ = "lti_nonces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[str] = mapped_column(String(255), unique=True)
    #: "state" or "nonce".
    kind: Mapped[str] = mapped_column(String(10))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class LtiIdentityRow(Base):
    """A platform's user (its ``sub``) and the pmpath user they are."""

    __tablename__ = "lti_identities"
    __table_args__ = (UniqueConstraint("platform_id", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LtiContextRow(Base):
    """A course (an LTI context) pmpath was launched from."""

    __tablename__ = "lti_contexts"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
    deployment_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(500), default="")
    #: Names and Role Provisioning Services: the ``context_memberships_url`` of the course.
    memberships_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)


class LtiResourceLinkRow(Base):
    """A placement of pmpath in a course and what it opens: an exam (``target_ref`` is the
    blueprint id), practice or the self-assessment; ``target_kind`` is empty until chosen."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
    context_row_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_contexts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    resource_link_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(500), default="")
    #: "exam", "practice" or "self-assessment"; None while no target was chosen.
    target_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: The blueprint id for an exam.
    target_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: Assignment and Grade Services (the AGS endpoint claim), when the platform offers them.
    ags_lineitems_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    ags_lineitem_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    ags_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LtiLaunchRow(Base):
    """One successful launch of a resource link by a user, with the roles the platform sent."""

    __tablename__ = "lti_launches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_link_row_id: Mapped[int] = mapped_column(
        ForeignKey("lti_resource_links.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    launched_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LtiLaunchDataRow(Base):
    """The verified claims of a launch, kept until ``expires_at`` for a step that follows it in
    another request (the deep-linking picker answers the platform after the instructor chose),
    in the database so that any app process can take the next step."""

    __tablename__ = "lti_launch_data"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    launch_id: Mapped[str] = mapped_column(String(100), unique=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    claims: Mapped[dict[str, Any]] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
