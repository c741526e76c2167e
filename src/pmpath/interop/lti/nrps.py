"""Names and Role Provisioning Services 2.0, the pure part: a course's membership container read
into members pmpath can place in a team.

Roles: an Instructor of the course (or its Administrator, or a teaching assistant, which LTI
writes as a sub-role of Instructor) manages the team; everyone else is a member. A member whose
``status`` is Inactive or Deleted is no longer in the course, as if absent from the list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pmpath.errors import Location, Problem, RosterError

SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"

_MANAGING = {"Instructor", "Administrator"}


@dataclass(frozen=True)
class RosterMember:
    """One person in a course as the platform lists them."""

    subject: str
    name: str | None
    email: str | None
    #: "manager" (Instructor) or "member" (Learner and every other role).
    team_role: str
    #: The platform's role names, as sent.
    roles: tuple[str, ...]
    #: False for Inactive and Deleted members: they left the course.
    active: bool


def team_role(roles: Iterable[str]) -> str:
    """ "manager" for an Instructor or Administrator of the course, else "member"."""
    return "manager" if any(_principal(role) in _MANAGING for role in roles) else "member"


def _principal(role: str) -> str:
    """The context role of ``role``: "Instructor" from ``...membership#Instructor``, from the
    sub-role ``...membership/Instructor#TeachingAssistant`` and from the short ``Instructor``."""
    if "#" not in role:
        return role
    base, fragment = role.rsplit("#", 1)
    if base.endswith("/membership"):
        return fragment
    if "/membership/" in base:
        return base.rsplit("/", 1)[1]
    return ""  # a system or institution role: not a role in the course


def members(page: Mapping[str, Any], where: str = "members") -> list[RosterMember]:
    """The members of one page of a membership container; a RosterError names each member
    the format does not allow (no ``user_id``, roles that are not a list of text)."""
    listed = page.get("members")
    if not isinstance(listed, list):
        raise RosterError("the platform's membership container has no list of members")
    found, problems = [], []
    for index, entry in enumerate(listed):
        at = Location(field_path=(where, index))
        if not isinstance(entry, Mapping):
            problems.append(Problem("a member must be an object", at))
            continue
        subject = entry.get("user_id")
        roles = entry.get("roles", [])
        if not isinstance(subject, str) or not subject.strip():
            problems.append(Problem("a member needs its user_id", at))
            continue
        if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
            problems.append(Problem("roles must be a list of role names", at))
            continue
        found.append(
            RosterMember(
                subject=subject,
                name=_name(entry),
                email=_text(entry.get("email")),
                team_role=team_role(roles),
                roles=tuple(roles),
                active=entry.get("status", "Active") == "Active",
            )
        )
    if problems:
        raise RosterError(problems)
    return found


def _name(entry: Mapping[str, Any]) -> str | None:
    name = _text(entry.get("name"))
    if name:
        return name
    parts = [_text(entry.get("given_name")), _text(entry.get("family_name"))]
    joined = " ".join(part for part in parts if part)
    return joined or None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
