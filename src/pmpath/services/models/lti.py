"""LTI 1.3 core (issue #20): registered platforms, the tool's keys and URLs, and launches."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pmpath.services.models import Result

#: What a resource link opens.
TargetKind = Literal["exam", "practice", "self-assessment"]
TARGET_KINDS: tuple[TargetKind, ...] = ("exam", "practice", "self-assessment")


class PlatformInput(BaseModel):
    """A platform (an LMS) to register: what its administrator reads off its tool settings."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Shown to admins, e.g. 'Moodle of the Business School'.")
    issuer: str = Field(description="The platform's issuer (iss), e.g. https://moodle.example.")
    client_id: str = Field(description="The client id the platform gave pmpath.")
    deployment_ids: list[str] = Field(
        description="The deployment ids launches may come from (at least one)."
    )
    key_set_url: str = Field(description="The platform's public keyset (JWKS) URL.")
    auth_login_url: str = Field(description="The platform's OIDC authentication request URL.")
    auth_token_url: str = Field(description="The platform's OAuth 2 access token URL.")
    auth_audience: str | None = Field(
        default=None,
        description="The audience of token requests when it is not the token URL (rare).",
    )


class Platform(Result):
    """A registered platform."""

    id: int
    name: str
    issuer: str
    client_id: str
    deployment_ids: list[str]
    key_set_url: str
    auth_login_url: str
    auth_token_url: str
    auth_audience: str | None
    created_at: datetime
    launches: int = Field(description="How many launches came from this platform.")


class Platforms(Result):
    platforms: list[Platform]


class ToolKey(Result):
    """One of the tool's signing keys (the private half never leaves the service)."""

    kid: str
    created_at: datetime
    retired_at: datetime | None
    #: "current" signs; "retired" is still published until ``published_until``; "expired" is not.
    status: Literal["current", "retired", "expired"]
    published_until: datetime | None


class ToolKeys(Result):
    keys: list[ToolKey]
    grace_days: int = Field(description="How long a retired key stays in the published JWKS.")


class ToolUrls(Result):
    """The URLs an LMS administrator pastes into the platform's tool settings."""

    tool_url: str = Field(description="The tool (target link) URL: where launches go.")
    login_url: str = Field(description="The OpenID Connect login initiation URL.")
    launch_url: str = Field(description="The redirection (launch) URL.")
    jwks_url: str = Field(description="The tool's public keyset URL.")
    deep_linking_url: str = Field(description="The deep-linking (content selection) URL.")


class LaunchTarget(Result):
    """Something a resource link can open."""

    kind: TargetKind
    ref: str | None = Field(description="The exam's blueprint id; None otherwise.")
    title: str
    summary: str


class LaunchOutcome(Result):
    """A verified launch, recorded: the signed-in user and where to send them."""

    user_id: int
    role: str
    session_token: str
    csrf_token: str
    is_instructor: bool
    message_type: Literal["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]
    #: The resource link row of a resource-link launch.
    resource_link_row_id: int | None
    link_title: str
    #: Where to go for a resource link with a target; None: no target chosen yet.
    redirect_to: str | None
    #: The kept launch of a deep-linking request (the picker answers with it).
    launch_id: str | None


class DeepLinkRequest(Result):
    """A deep-linking request waiting for the instructor's choice."""

    course: str = Field(description="The course's title ('' when the platform sent none).")
    frame_origins: list[str] = Field(
        description="The platform's origins, which may show the picker in a frame."
    )


class DeepLinkAnswer(Result):
    """The signed LtiDeepLinkingResponse and where the browser posts it."""

    return_url: str
    jwt: str
    title: str
    frame_origins: list[str] = Field(
        description="The platform's origins, which may show the return page in a frame."
    )
