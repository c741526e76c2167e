"""Where a user stands in an organisation, and whose data that lets them see: the privacy
rules of issue #19, in one place for the teams service and the organisation's ladders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy.orm import Session

from pmpath.errors import NotFoundError
from pmpath.services.accounts import User
from pmpath.services.models.teams import OrganisationRole, TeamRole
from pmpath.store import organisations as store


@dataclass(frozen=True)
class Standing:
    """A user's place in one organisation."""

    organisation_id: int
    organisation: str
    role: OrganisationRole
    #: {team id: the user's role in it}
    teams: dict[int, TeamRole]

    @property
    def admin(self) -> bool:
        return self.role == "admin"


def standing(session: Session, me: User, organisation_id: int) -> Standing:
    """``me``'s place in the organisation; NotFoundError for someone outside it (an outsider
    learns nothing, not even that it exists)."""
    organisation = store.organisation(session, organisation_id)
    role = store.organisation_role(session, organisation_id, me.id)
    if organisation is None or role is None:
        raise NotFoundError(f"there is no organisation {organisation_id}")
    teams = cast(dict[int, TeamRole], store.team_roles_of(session, organisation_id, me.id))
    return Standing(organisation_id, organisation.name, cast(OrganisationRole, role), teams)


def may_see(session: Session, me: User, place: Standing, user_id: int) -> bool:
    """Whether ``me`` may see the data of ``user_id``, a member of the organisation: their
    own, as an organisation admin, or as the manager of a team ``user_id`` is in."""
    if user_id == me.id or place.admin:
        return True
    return store.manages_team_of(session, me.id, user_id, place.organisation_id)
