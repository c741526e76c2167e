"""Organisations, teams and their members, invitations, an organisation's own ladder, and who
may see whose data.

The privacy rules of issue #19 live here, so every interface gets them:

- a member sees their own data;
- a team's manager sees the data of the team's members;
- an organisation admin sees the data of every member of the organisation;
- nobody else sees it: a peer in the same team sees names and roles, never placements.

Every read of another person's data is checked here and written to the access log (who read
whose what, and when) in the same transaction as the check. Invitations are single-use links
with an expiry; like API tokens only their SHA-256 is stored, so a leaked database invites
nobody. With SMTP configured (:class:`pmpath.services.mail.Mailer`) an invitation can also go
out by email. The permission rules themselves are in :mod:`pmpath.services.membership`, an
organisation's own ladder in :mod:`pmpath.services.organisation_ladders`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

from pmpath.errors import (
    ForbiddenError,
    InvitationError,
    Location,
    NotFoundError,
    PmpathError,
)
from pmpath.framework import Framework
from pmpath.services.accounts import EMAIL, User
from pmpath.services.assessments import AssessmentService, utc_now
from pmpath.services.guidance import guidance
from pmpath.services.mail import Mailer
from pmpath.services.membership import may_see, standing
from pmpath.services.models.teams import (
    AccessEntry,
    AccessLog,
    Invitation,
    InvitationState,
    MemberPlacement,
    Membership,
    NewInvitation,
    Organisation,
    Organisations,
    OrganisationSummary,
    Placement,
    Team,
    TeamMember,
    TeamRole,
    TeamSummary,
)
from pmpath.services.organisation_ladders import OrganisationLadders
from pmpath.store import Database
from pmpath.store import organisations as store
from pmpath.store.tables import InvitationRow

#: How long an invitation stays open unless its sender chose otherwise.
INVITATION_LIFETIME = timedelta(days=14)
#: The longest an invitation may stay open.
MAX_INVITATION_LIFETIME = timedelta(days=30)
TEAM_ROLES: tuple[TeamRole, ...] = ("member", "manager")
#: What the access log calls a read of someone's placement.
READ_PLACEMENT = "placement"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _name(value: str, what: str) -> str:
    """``value`` without control or invisible characters, its spaces collapsed; a
    PmpathError when nothing is left or it is over 100 characters."""
    visible = "".join(c for c in value if c.isprintable() or c.isspace())
    cleaned = " ".join(visible.split())
    if not cleaned or len(cleaned) > 100:
        raise PmpathError(
            f"enter the {what}'s name (up to 100 characters)", Location(field_path=("name",))
        )
    return cleaned


class TeamService:
    """Organisations and teams in one database; placements are read on ``framework``."""

    def __init__(
        self,
        database: Database,
        framework: Framework,
        assessments: AssessmentService,
        clock: Callable[[], datetime] = utc_now,
        mailer: Mailer | None = None,
        ladders: OrganisationLadders | None = None,
    ) -> None:
        self.database = database
        self.framework = framework
        self.assessments = assessments
        self.clock = clock
        self.mailer = mailer
        self.ladders = ladders or OrganisationLadders(database, clock)

    # -- organisations and teams ---------------------------------------------------------------

    def create_organisation(self, me: User, name: str) -> Organisation:
        """A new organisation with ``me`` as its organisation admin."""
        name = _name(name, "organisation")
        now = self.clock()
        with self.database.transaction() as session:
            row = store.add_organisation(session, name, now)
            store.join_organisation(session, row.id, me.id, "admin", now)
            organisation_id = row.id
        return self.organisation(me, organisation_id)

    def organisations(self, me: User) -> Organisations:
        """The organisations ``me`` belongs to, with their role in each."""
        with self.database.read() as session:
            rows = store.organisations_of(session, me.id)
            return Organisations(
                organisations=[
                    OrganisationSummary(id=row[0].id, name=row[0].name, role=row.role)
                    for row in rows
                ]
            )

    def organisation(self, me: User, organisation_id: int) -> Organisation:
        """An organisation and its teams, for its members (NotFoundError for anyone else)."""
        with self.database.read() as session:
            place = standing(session, me, organisation_id)
            teams = [
                TeamSummary(
                    id=team.id,
                    name=team.name,
                    members=int(members),
                    role=place.teams.get(team.id),
                )
                for team, members in store.teams_of_organisation(session, organisation_id)
            ]
            newest = store.newest_framework_version(session, organisation_id)
        return Organisation(
            id=organisation_id,
            name=place.organisation,
            role=place.role,
            teams=teams,
            ladder_version=newest or None,
        )

    def create_team(self, me: User, organisation_id: int, name: str) -> Team:
        """A new team (organisation admins only); its creator becomes its manager."""
        name = _name(name, "team")
        now = self.clock()
        with self.database.transaction() as session:
            place = standing(session, me, organisation_id)
            if not place.admin:
                raise ForbiddenError("only an organisation admin can create teams")
            if store.team_named(session, organisation_id, name) is not None:
                raise PmpathError(
                    f"there is a team called {name} already", Location(field_path=("name",))
                )
            team = store.add_team(session, organisation_id, name, now)
            store.join_team(session, team.id, me.id, "manager", now)
            team_id = team.id
        return self.team(me, team_id)

    def team(self, me: User, team_id: int) -> Team:
        """A team and its members, for its members and the organisation's admins. Each
        member's placement is there only where ``me`` may see it; every placement of someone
        else read here is written to the access log."""
        with self.database.transaction() as session:
            team = store.team(session, team_id)
            if team is None:
                raise NotFoundError(f"there is no team {team_id}")
            place = standing(session, me, team.organisation_id)
            my_role = place.teams.get(team_id)
            if my_role is None and not place.admin:
                raise ForbiddenError("only the team's members and the organisation's admins see it")
            sees_all = place.admin or my_role == "manager"
            rows = store.team_members(session, team_id)
            others = [row.id for row in rows if sees_all and row.id != me.id]
            store.log_access(
                session, team.organisation_id, me.id, others, READ_PLACEMENT, self.clock()
            )
            name, organisation_id = team.name, team.organisation_id
        ladder = self.ladders.newest(organisation_id)
        members = [
            TeamMember(
                user_id=row.id,
                name=row.name,
                role=row.role,
                visible=(visible := sees_all or row.id == me.id),
                placement=self._placement(row.profile, ladder) if visible else None,
            )
            for row in rows
        ]
        return Team(
            id=team_id,
            name=name,
            organisation_id=organisation_id,
            organisation=place.organisation,
            role=my_role,
            may_invite=sees_all,
            members=members,
        )

    def member_placement(self, me: User, organisation_id: int, user_id: int) -> MemberPlacement:
        """One member's placement, if ``me`` may see it (ForbiddenError otherwise); a read of
        someone else's is logged."""
        with self.database.transaction() as session:
            place = standing(session, me, organisation_id)
            subject = store.user(session, user_id)
            in_organisation = (
                subject is not None
                and store.organisation_role(session, organisation_id, user_id) is not None
            )
            if subject is None or not in_organisation:
                raise NotFoundError(f"there is no member {user_id} in this organisation")
            if not may_see(session, me, place, user_id):
                raise ForbiddenError(
                    "only the person, their team's manager and the organisation's admins "
                    "see their data"
                )
            if user_id != me.id:
                store.log_access(
                    session, organisation_id, me.id, [user_id], READ_PLACEMENT, self.clock()
                )
        ladder = self.ladders.newest(organisation_id)
        return MemberPlacement(
            user_id=user_id, name=subject.name, placement=self._placement(subject.profile, ladder)
        )

    def access_log(self, me: User, organisation_id: int, limit: int = 200) -> AccessLog:
        """The newest reads of one person's data by another (organisation admins only)."""
        with self.database.read() as session:
            if not standing(session, me, organisation_id).admin:
                raise ForbiddenError("only an organisation admin sees the access log")
            rows = store.access_log(session, organisation_id, limit)
            return AccessLog(
                organisation_id=organisation_id,
                entries=[
                    AccessEntry(at=row.at, viewer=row.viewer, subject=row.subject, what=row.what)
                    for row in rows
                ],
            )

    # -- invitations ---------------------------------------------------------------------------

    def invite(
        self,
        me: User,
        team_id: int,
        role: TeamRole = "member",
        email: str | None = None,
        link_base: str = "",
        lifetime: timedelta = INVITATION_LIFETIME,
    ) -> NewInvitation:
        """A single-use invitation to the team. Its managers invite members; the
        organisation's admins invite members and managers. With ``email`` and SMTP
        configured, the link (``link_base`` + ``/invitations/<token>``) is emailed too."""
        if role not in TEAM_ROLES:
            raise PmpathError("the role must be member or manager", Location(field_path=("role",)))
        if not timedelta(hours=1) <= lifetime <= MAX_INVITATION_LIFETIME:
            raise PmpathError(
                "an invitation lasts between an hour and 30 days", Location(field_path=("days",))
            )
        address = (email or "").strip().lower() or None
        if address is not None and (not EMAIL.match(address) or len(address) > 254):
            raise PmpathError("enter a valid email address", Location(field_path=("email",)))
        token = "pmi_" + secrets.token_urlsafe(32)
        now = self.clock()
        with self.database.transaction() as session:
            team = store.team(session, team_id)
            if team is None:
                raise NotFoundError(f"there is no team {team_id}")
            place = standing(session, me, team.organisation_id)
            if not (place.admin or place.teams.get(team_id) == "manager"):
                raise ForbiddenError(
                    "only the team's managers and the organisation's admins invite"
                )
            if role == "manager" and not place.admin:
                raise ForbiddenError("only an organisation admin can invite a manager")
            row = store.add_invitation(
                session,
                InvitationRow(
                    token_hash=_digest(token),
                    team_id=team_id,
                    role=role,
                    email=address,
                    invited_by=me.id,
                    created_at=now,
                    expires_at=now + lifetime,
                ),
            )
            team_name, organisation, expires_at = team.name, place.organisation, row.expires_at
        emailed, email_problem = False, None
        if address is not None and self.mailer is not None:
            text = _invitation_text(
                me.name, team_name, organisation, role, link_base.rstrip("/"), token, expires_at
            )
            try:
                self.mailer.send(address, f"Join {team_name} at {organisation} on pmpath", text)
                emailed = True
            except PmpathError as exc:
                # The invitation stands: its link can still be handed over another way.
                email_problem = exc.problems[0].message
        return NewInvitation(
            token=token,
            team_id=team_id,
            team=team_name,
            role=role,
            email=address,
            emailed=emailed,
            email_problem=email_problem,
            expires_at=expires_at,
        )

    def invitation(self, token: str) -> Invitation:
        """What an invitation link offers (NotFoundError for an unknown link)."""
        with self.database.read() as session:
            row = store.invitation(session, _digest(token))
            if row is None:
                raise NotFoundError("this invitation link is unknown: ask for a new one")
            team = store.team(session, row.team_id)
            organisation = store.organisation(session, team.organisation_id) if team else None
            inviter = store.user(session, row.invited_by) if row.invited_by else None
            if team is None or organisation is None:
                raise NotFoundError("this invitation link is unknown: ask for a new one")
            return Invitation(
                organisation=organisation.name,
                team=team.name,
                role=cast(TeamRole, row.role),
                invited_by=inviter.name if inviter else None,
                expires_at=row.expires_at,
                state=self._state(row),
            )

    def accept(self, me: User, token: str) -> Membership:
        """Join the invitation's team (and so its organisation) as its role; the invitation
        is used up. InvitationError when it is used or expired."""
        now = self.clock()
        with self.database.transaction() as session:
            row = store.invitation_for_update(session, _digest(token))
            team = store.team(session, row.team_id) if row is not None else None
            if row is None or team is None:
                raise NotFoundError("this invitation link is unknown: ask for a new one")
            state = self._state(row)
            if state == "used":
                raise InvitationError("this invitation has been used already: ask for a new one")
            if state == "expired":
                raise InvitationError("this invitation has expired: ask for a new one")
            row.accepted_at, row.accepted_by = now, me.id
            store.join_organisation(session, team.organisation_id, me.id, "member", now)
            store.join_team(session, team.id, me.id, row.role, now)
            organisation = store.organisation(session, team.organisation_id)
            return Membership(
                organisation_id=team.organisation_id,
                organisation=organisation.name if organisation else "",
                team_id=team.id,
                team=team.name,
                role=cast(TeamRole, row.role),
            )

    def _state(self, row: InvitationRow) -> InvitationState:
        if row.accepted_at is not None:
            return "used"
        return "expired" if row.expires_at <= self.clock() else "open"

    def _placement(self, profile: str, ladder: Framework | None) -> Placement | None:
        """The placement of the newest finished self-assessment on the organisation's
        ``ladder``, or, without one there, on the bundled ladder."""
        for framework in [ladder, self.framework] if ladder is not None else [self.framework]:
            service = (
                self.assessments
                if framework is self.framework
                else AssessmentService(self.database, framework, self.clock)
            )
            done = service.history(profile)
            if not done:
                continue
            newest = done[-1]
            placed = guidance(framework, newest.assessment).placement
            return Placement(
                role=placed.role.id,
                role_name=placed.role.name,
                status=placed.status,
                assessed_at=newest.completed_at,
                framework_id=framework.id,
                framework_name=framework.name,
                framework_version=newest.framework_version,
            )
        return None


def _invitation_text(
    inviter: str,
    team: str,
    organisation: str,
    role: TeamRole,
    link_base: str,
    token: str,
    expires_at: datetime,
) -> str:
    as_role = "a manager" if role == "manager" else "a member"
    until = f"{expires_at:%A} {expires_at.day} {expires_at:%B %Y}"
    return (
        f"{inviter} invites you to join {team} at {organisation} on pmpath as {as_role}.\n\n"
        "Open this link to accept; you can sign up there if you have no account yet:\n"
        f"{link_base}/invitations/{token}\n\n"
        f"The link works once, until {until} (UTC). If you did not expect this email, "
        "ignore it.\n"
    )
