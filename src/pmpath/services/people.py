"""Who is in an organisation and its teams, and in what role: listing people, making someone
an organisation admin or a team's manager (and back), removing someone from a team or the
organisation, and leaving.

The rules, checked here so the pages, the API and the CLI agree:

- an organisation admin lists everyone, changes anyone's organisation role and team role,
  and removes anyone from a team or from the organisation;
- a team's manager removes members (not other managers) from that team;
- anyone leaves a team, or the organisation, themselves;
- an organisation always keeps an admin: the last one can neither step down nor leave while
  others remain (make someone else an admin first), a ConflictError that changes nothing.

Leaving changes only who is in what: ratings given and received, requests and check-ins stay
with the organisation (its admins may still need them), and the person stops seeing any of it.
Deleting one's own data altogether is :mod:`pmpath.services.my_data`.
"""

from __future__ import annotations

from pmpath.errors import ConflictError, ForbiddenError, Location, NotFoundError, PmpathError
from pmpath.services.accounts import User
from pmpath.services.membership import standing
from pmpath.services.models.teams import (
    OrganisationRole,
    People,
    Person,
    TeamPlace,
    TeamRole,
)
from pmpath.store import Database
from pmpath.store import organisations as org_store
from pmpath.store import people as store

ORGANISATION_ROLES: tuple[OrganisationRole, ...] = ("member", "admin")
TEAM_ROLES: tuple[TeamRole, ...] = ("member", "manager")


class PeopleService:
    def __init__(self, database: Database) -> None:
        self.database = database

    def people(self, me: User, organisation_id: int) -> People:
        """Everyone in the organisation with their roles (organisation admins only)."""
        with self.database.read() as session:
            place = standing(session, me, organisation_id)
            if not place.admin:
                raise ForbiddenError("only an organisation admin sees everyone's roles")
            places: dict[int, list[TeamPlace]] = {}
            for user_id, team_id, team, role in store.memberships(session, organisation_id):
                places.setdefault(user_id, []).append(
                    TeamPlace(team_id=team_id, team=team, role=role)
                )
            return People(
                organisation_id=organisation_id,
                organisation=place.organisation,
                people=[
                    Person(
                        user_id=row.id,
                        name=row.name,
                        email=row.email,
                        role=row.role,
                        teams=places.get(row.id, []),
                    )
                    for row in org_store.organisation_members(session, organisation_id)
                ],
            )

    def set_organisation_role(self, me: User, organisation_id: int, user_id: int, role: str) -> str:
        """Make ``user_id`` an organisation admin or a member again (admins only); the
        person's name."""
        if role not in ORGANISATION_ROLES:
            raise PmpathError("the role must be member or admin", Location(field_path=("role",)))
        with self.database.transaction() as session:
            place = standing(session, me, organisation_id)
            if not place.admin:
                raise ForbiddenError("only an organisation admin changes organisation roles")
            current = org_store.organisation_role(session, organisation_id, user_id)
            if current is None:
                raise NotFoundError(f"there is no member {user_id} in this organisation")
            if (
                current == "admin"
                and role == "member"
                and store.admins(session, organisation_id) == 1
            ):
                raise ConflictError(
                    "the organisation needs an admin: make someone else an admin first"
                )
            store.set_organisation_role(session, organisation_id, user_id, role)
            return store.name_of(session, user_id) or ""

    def set_team_role(
        self, me: User, team_id: int, user_id: int, role: str, organisation_id: int | None = None
    ) -> str:
        """Make a team member its manager, or a manager a member again (admins only, as only
        they invite managers); the person's name. With ``organisation_id`` the team must be
        that organisation's."""
        if role not in TEAM_ROLES:
            raise PmpathError("the role must be member or manager", Location(field_path=("role",)))
        with self.database.transaction() as session:
            team = org_store.team(session, team_id)
            if team is None or organisation_id not in (None, team.organisation_id):
                raise NotFoundError(f"there is no team {team_id}")
            if not standing(session, me, team.organisation_id).admin:
                raise ForbiddenError("only an organisation admin makes or unmakes managers")
            if store.team_role(session, team_id, user_id) is None:
                raise NotFoundError(f"there is no member {user_id} in this team")
            store.set_team_role(session, team_id, user_id, role)
            return store.name_of(session, user_id) or ""

    def remove_from_team(
        self, me: User, team_id: int, user_id: int, organisation_id: int | None = None
    ) -> str:
        """Take ``user_id`` out of the team (themselves, its manager for a member, or an
        organisation admin); the name of who left."""
        with self.database.transaction() as session:
            team = org_store.team(session, team_id)
            if team is None or organisation_id not in (None, team.organisation_id):
                raise NotFoundError(f"there is no team {team_id}")
            place = standing(session, me, team.organisation_id)
            their_role = store.team_role(session, team_id, user_id)
            if their_role is None:
                raise NotFoundError(f"there is no member {user_id} in this team")
            allowed = (
                user_id == me.id
                or place.admin
                or (place.teams.get(team_id) == "manager" and their_role == "member")
            )
            if not allowed:
                raise ForbiddenError(
                    "a team's manager removes its members; only an organisation admin "
                    "removes a manager"
                )
            store.leave_team(session, team_id, user_id)
            return store.name_of(session, user_id) or ""

    def remove_from_organisation(self, me: User, organisation_id: int, user_id: int) -> str:
        """Take ``user_id`` out of the organisation and all its teams (themselves, or an
        organisation admin); the last admin stays while anyone else remains."""
        with self.database.transaction() as session:
            place = standing(session, me, organisation_id)
            if user_id != me.id and not place.admin:
                raise ForbiddenError("only an organisation admin removes people")
            role = org_store.organisation_role(session, organisation_id, user_id)
            if role is None:
                raise NotFoundError(f"there is no member {user_id} in this organisation")
            if (
                role == "admin"
                and store.admins(session, organisation_id) == 1
                and store.members(session, organisation_id) > 1
            ):
                raise ConflictError(
                    "the organisation needs an admin: make someone else an admin first"
                )
            name = store.name_of(session, user_id) or ""
            store.leave_organisation(session, organisation_id, user_id)
            return name
