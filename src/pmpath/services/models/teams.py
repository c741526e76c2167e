"""What the teams service returns: organisations, teams, members with what the viewer may see
of them, invitations, an organisation's ladder versions and its access log."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pmpath.services.models import Result

#: In an organisation: "admin" sees every member's data; "member" their own.
OrganisationRole = Literal["member", "admin"]
#: In a team: a "manager" sees the team's members' data; a "member" their own.
TeamRole = Literal["member", "manager"]
#: "open" (can be accepted), "used" or "expired".
InvitationState = Literal["open", "used", "expired"]


class OrganisationSummary(Result):
    id: int
    name: str
    #: The caller's role in it.
    role: OrganisationRole


class Organisations(Result):
    """The organisations the caller belongs to, by name."""

    organisations: list[OrganisationSummary]


class TeamSummary(Result):
    id: int
    name: str
    members: int
    #: The caller's role in the team; None when they are not in it.
    role: TeamRole | None


class Organisation(Result):
    """An organisation as one of its members sees it."""

    id: int
    name: str
    role: OrganisationRole
    teams: list[TeamSummary]
    #: The newest version of its own ladder; None while it uses the bundled one.
    ladder_version: int | None


class Placement(Result):
    """Where a member's newest finished self-assessment places them."""

    role: str
    role_name: str
    status: Literal["ready-now", "working-towards"]
    assessed_at: datetime | None
    #: The ladder the assessment was taken on: the organisation's own when the member has
    #: assessed on it, the bundled one otherwise; and the version it was taken on.
    framework_id: str
    framework_name: str
    framework_version: str


class TeamMember(Result):
    user_id: int
    name: str
    role: TeamRole
    #: Whether the caller may see this member's data (themselves, as their manager, or as an
    #: organisation admin); when False, ``placement`` is None whatever there is.
    visible: bool
    #: None when hidden, or when the member has not finished a self-assessment yet.
    placement: Placement | None


class Team(Result):
    """A team with its members; each member's placement only where the caller may see it."""

    id: int
    name: str
    organisation_id: int
    organisation: str
    #: The caller's role in the team; None for an organisation admin outside it.
    role: TeamRole | None
    #: Whether the caller may invite people to it (its managers, the organisation's admins).
    may_invite: bool
    members: list[TeamMember]


class MemberPlacement(Result):
    """One member's placement, read by someone allowed to (the read is logged)."""

    user_id: int
    name: str
    placement: Placement | None


class NewInvitation(Result):
    """An invitation just made: ``token`` is shown once (only its SHA-256 is stored); the link
    to hand over is ``/invitations/<token>``."""

    token: str
    team_id: int
    team: str
    role: TeamRole
    email: str | None
    #: Whether it went out by email (SMTP configured and an address given).
    emailed: bool
    #: Why the email could not be sent (the invitation stands; hand the link over instead).
    email_problem: str | None
    expires_at: datetime


class Invitation(Result):
    """What an invitation link offers, as the person holding it sees it."""

    organisation: str
    team: str
    role: TeamRole
    invited_by: str | None
    expires_at: datetime
    state: InvitationState


class Membership(Result):
    """The team someone has just joined through an invitation."""

    organisation_id: int
    organisation: str
    team_id: int
    team: str
    role: TeamRole


class LadderVersion(Result):
    """One uploaded version of an organisation's own ladder."""

    version: int
    framework_id: str
    name: str
    #: The version written in the file itself.
    file_version: str
    filename: str
    uploaded_at: datetime
    uploaded_by: str | None


class LadderVersions(Result):
    """An organisation's ladder versions, newest first (every upload is kept)."""

    organisation_id: int
    versions: list[LadderVersion]


class AccessEntry(Result):
    at: datetime
    viewer: str | None
    subject: str | None
    #: What was read, e.g. "placement".
    what: str


class AccessLog(Result):
    """The organisation's newest reads of one person's data by another, newest first."""

    organisation_id: int
    entries: list[AccessEntry]


class TeamPlace(Result):
    """One team a person is in, and their role there."""

    team_id: int
    team: str
    role: TeamRole


class Person(Result):
    """A member of an organisation as its admins manage them."""

    user_id: int
    name: str
    email: str
    role: OrganisationRole
    teams: list[TeamPlace]


class People(Result):
    """Everyone in an organisation, by name, with their roles (organisation admins only)."""

    organisation_id: int
    organisation: str
    people: list[Person]


class RoleChange(Result):
    """Someone's role after a change: in the organisation ("member", "admin") or in a team
    ("member", "manager")."""

    user_id: int
    name: str
    role: str


class Removed(Result):
    """Who was taken out of a team (``team_id``) or of the organisation (``team_id`` None)."""

    user_id: int
    name: str
    organisation_id: int
    team_id: int | None
