"""A course's roster brought in (LTI Names and Role Provisioning Services 2.0) as a team.

The rules, checked here so every interface gets them:

- a site admin or an instructor of the course (someone who launched pmpath from it as an
  Instructor) brings its roster in;
- the roster goes into the course's team: the one an earlier import made, else a new team named
  after the course in the organisation chosen (the importer must administer it), else in a new
  organisation named after the platform, with the importer as its admin;
- each member is matched to a pmpath user by (platform, ``sub``) exactly as a launch matches
  them, and created the same way when new (:meth:`pmpath.services.lti.LtiService._user`), so a
  later launch finds the same account; Instructors manage the team, everyone else is a member;
- people in the team who are no longer in the course (absent, Inactive or Deleted) are reported
  as having left, never removed: an instructor decides that on the team's page;
- the roster is read from the platform before any transaction opens, then everything is written
  in one transaction: a roster the platform sends broken changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.registration import Registration
from sqlalchemy.orm import Session

from pmpath.errors import ConflictError, ForbiddenError, Location, PlatformError, RosterError
from pmpath.interop.lti import ags, nrps
from pmpath.interop.lti.claims import site_role
from pmpath.services.accounts import User
from pmpath.services.assessments import utc_now
from pmpath.services.lti_grades import (
    TIMEOUT_SECONDS,
    PlatformConnector,
    TokenCache,
    course_summary,
    managed_course,
    real_email,
)
from pmpath.services.membership import standing
from pmpath.services.models.lti_advantage import RosterEntry, RosterReport
from pmpath.store import Database
from pmpath.store import lti_advantage as store
from pmpath.store import organisations as org_store
from pmpath.store import people as people_store
from pmpath.store.tables import UserRow
from pmpath.store.tables_lti import LtiPlatformRow
from pmpath.store.tables_lti_advantage import LtiRosterImportRow

#: How a launch finds or makes the user of a platform's ``sub`` (the LTI core's rule): given
#: the session, the platform, the claims (``sub``, ``name``, ``email``...), the site role, now.
UserFor = Callable[[Session, LtiPlatformRow, dict[str, Any], str, datetime], UserRow]


class LtiRosterService:
    """Roster imports for the courses recorded in one database."""

    def __init__(
        self,
        database: Database,
        registration_of: Callable[[int], Registration],
        user_for: UserFor,
        tokens: TokenCache,
        clock: Callable[[], datetime] = utc_now,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.database = database
        self.registration_of = registration_of
        self.user_for = user_for
        self.tokens = tokens
        self.clock = clock
        self.timeout = timeout

    def import_roster(
        self, me: User, context_row_id: int, organisation_id: int | None = None
    ) -> RosterReport:
        """Bring the course's roster in; what was added, updated, unchanged and who left."""
        with self.database.read() as session:
            context, platform = managed_course(session, me, context_row_id)
            if not context.memberships_url:
                raise ConflictError(
                    "the platform offers no roster for this course: its launches carried no "
                    "Names and Role Provisioning Services claim"
                )
            url, platform_id = context.memberships_url, platform.id
        members = self._read(platform_id, url)
        now = self.clock()
        with self.database.transaction() as session:
            context, platform = managed_course(session, me, context_row_id)
            team_id, organisation_id = self._team(session, me, context, platform, organisation_id)
            report = self._apply(session, platform, team_id, organisation_id, members, now)
            record = store.add_roster_import(
                session,
                LtiRosterImportRow(
                    context_row_id=context.id,
                    team_id=team_id,
                    imported_by=me.id,
                    imported_at=now,
                    report={},
                ),
            )
            counts = store.learner_counts(session, [context.id])
            course = course_summary(session, context, platform, counts)
            organisation = org_store.organisation(session, organisation_id)
            team = org_store.team(session, team_id)
            assert organisation is not None, "the team's organisation was just found"
            assert team is not None, "the team was just found or made"
            result = RosterReport(
                course=course,
                organisation_id=organisation_id,
                organisation=organisation.name,
                team_id=team_id,
                team=team.name,
                imported_at=now,
                **report,
            )
            record.report = result.model_dump(mode="json")
        return result

    def newest_report(self, me: User, context_row_id: int) -> RosterReport | None:
        """What the course's newest roster import did, if there was one."""
        with self.database.read() as session:
            managed_course(session, me, context_row_id)
            found = store.newest_import(session, context_row_id)
            return None if found is None else RosterReport.model_validate(found.report)

    def _read(self, platform_id: int, url: str) -> list[nrps.RosterMember]:
        """Every page of the course's membership container (no transaction open meanwhile)."""
        connector = PlatformConnector(self.registration_of(platform_id), self.tokens, self.timeout)
        service = NamesRolesProvisioningService(connector, {"context_memberships_url": url})
        found: list[nrps.RosterMember] = []
        page_url: str | None = url
        pages = 0
        try:
            while page_url:
                page, page_url = _page(service, page_url)
                found.extend(nrps.members(page, where=f"page {pages + 1}"))
                pages += 1
        except RosterError:
            raise
        except Exception as error:
            raise PlatformError(
                f"the roster could not be read: {ags.failure_text(error)}"
            ) from error
        return found

    def _team(
        self,
        session: Session,
        me: User,
        context: Any,
        platform: LtiPlatformRow,
        organisation_id: int | None,
    ) -> tuple[int, int]:
        """(team id, organisation id) the roster goes into (see the module's rules)."""
        now = self.clock()
        team = store.team_of_course(session, context.id)
        if team is not None and organisation_id in (None, team.organisation_id):
            place = standing(session, me, team.organisation_id) if not me.has("admin") else None
            if place is not None and not (place.admin or place.teams.get(team.id) == "manager"):
                raise ForbiddenError(
                    "only the team's managers and the organisation's admins bring its roster in"
                )
            return team.id, team.organisation_id
        if organisation_id is None:
            organisation = org_store.add_organisation(session, platform.name[:100], now)
            org_store.join_organisation(session, organisation.id, me.id, "admin", now)
            organisation_id = organisation.id
        elif not standing(session, me, organisation_id).admin:
            raise ForbiddenError(
                "a roster goes into an organisation you administer",
                Location(field_path=("organisation",)),
            )
        title = (context.title or context.context_id)[:100]
        name, number = title, 1
        while org_store.team_named(session, organisation_id, name) is not None:
            number += 1
            name = f"{title[:94]} ({number})"
        created = org_store.add_team(session, organisation_id, name, now)
        return created.id, organisation_id

    def _apply(
        self,
        session: Session,
        platform: LtiPlatformRow,
        team_id: int,
        organisation_id: int,
        members: list[nrps.RosterMember],
        now: datetime,
    ) -> dict[str, list[RosterEntry]]:
        report: dict[str, list[RosterEntry]] = {
            "added": [],
            "updated": [],
            "unchanged": [],
            "left": [],
        }
        active = [m for m in members if m.active]
        present: set[int] = set()
        for member in active:
            claims = {"sub": member.subject, "name": member.name, "email": member.email}
            user = self.user_for(session, platform, claims, site_role(list(member.roles)), now)
            present.add(user.id)
            role = people_store.team_role(session, team_id, user.id)
            org_store.join_organisation(session, organisation_id, user.id, "member", now)
            change, detail = "unchanged", None
            if role is None:
                org_store.join_team(session, team_id, user.id, member.team_role, now)
                change = "added"
            elif role != member.team_role:
                people_store.set_team_role(session, team_id, user.id, member.team_role)
                change, detail = "updated", f"{role} → {member.team_role}"
            named = (member.name or "")[:100]
            if named and user.name != named and user.name.startswith(_PLACEHOLDER):
                # A launch without a name made a placeholder; the roster knows better.
                detail = (detail + "; " if detail else "") + f"name {named}"
                user.name = named
                change = "updated"
            report[change].append(_entry(user, member.subject, member.team_role, change, detail))
        in_team = org_store.team_members(session, team_id)
        subjects = store.subjects_of_users(session, platform.id, [row.id for row in in_team])
        for row in in_team:
            if row.id in present or row.id not in subjects:
                continue  # still in the course, or never in it (added in pmpath)
            report["left"].append(
                RosterEntry(
                    name=row.name,
                    email=real_email(row.email),
                    platform_user_id=subjects[row.id],
                    role=cast(Any, row.role),
                    change="left",
                    detail=None,
                )
            )
        for entries in report.values():
            entries.sort(key=lambda entry: (entry.role != "manager", entry.name.casefold()))
        return report


#: The start of the name a launch gives an account when the platform sent none.
_PLACEHOLDER = "Learner from "


def _page(service: NamesRolesProvisioningService, url: str) -> tuple[dict[str, Any], str | None]:
    data = service.get_nrps_data(url)
    body = data.get("body")
    if not isinstance(body, dict):
        raise RosterError("the platform's answer is not a membership container")
    return body, data.get("next_page_url")


def _entry(user: UserRow, subject: str, role: str, change: str, detail: str | None) -> RosterEntry:
    return RosterEntry(
        name=user.name,
        email=real_email(user.email),
        platform_user_id=subject,
        role=cast(Any, role),
        change=cast(Any, change),
        detail=detail,
    )
