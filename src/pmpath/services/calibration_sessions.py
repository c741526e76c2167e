"""Rater calibration for an organisation (issue #19): raters' severities from the many-facet
Rasch model (:mod:`pmpath.psychometrics.raters`), the calibration session (everyone placed at
one role side by side) and its adjustments, whose rows are the audit trail.

**What goes into the model.** The ratings on the organisation's current rubric
(:meth:`ColleagueRatingService.rubric`), one rater facet per source:

- every manager who rated is a rater of their own (``manager:<id>``);
- peers are pooled into one rater, ``peers``: for every (person, competency) rated by at least
  three peers their median (halves rounded up) is one rating. Peers are shown only in
  aggregate from three everywhere else (the side-by-side view), so no single peer's severity
  or rating may show here either; and a peer rates only a handful of teammates, far too few
  ratings for a severity of their own;
- every person's newest self-assessment is a rater of its own (``self:<id>``), so each
  person's self-leniency shows; only for people somebody else rated too, since a
  self-rating with nothing to compare it to says nothing about its severity (and would cut
  the design into unlinked pieces).

When the data cannot support the model (too few ratings, raters not linked, a severity
tangled with a competency), :func:`pmpath.psychometrics.rater_design.build_design` says why;
the answer is then ``model.available = False`` with that reason, never an error.

**Who sees what.** Someone outside the organisation finds nothing (NotFoundError). An
organisation admin sees every rater and every adjusted level; a team's manager sees the
adjusted levels of their teams' members and only their own severities (as a manager, and as
a self-rater), since a colleague's severity is a judgement about that colleague; a member who
manages no team is refused (ForbiddenError). The same scope holds for the session and the
audit trail, and each read of other people's data is written to the access log.

**Adjustments.** An admin adjusts anyone's level, a manager their teams' members'; nobody
their own. Each adjustment needs a reason and records the level shown before; rows are only
ever added, and the newest one is the member's current level everywhere
(:func:`pmpath.services.current_levels.current_levels`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pmpath.assessment.placement import place
from pmpath.errors import ForbiddenError, Location, NotFoundError, PmpathError
from pmpath.framework import Framework
from pmpath.services.accounts import User
from pmpath.services.assessments import AssessmentService, utc_now
from pmpath.services.colleague_ratings import ColleagueRatingService
from pmpath.services.current_levels import current_levels
from pmpath.services.membership import Standing, standing
from pmpath.services.models.calibration_sessions import (
    MAX_REASON,
    AdjustedLevel,
    Adjustment,
    AuditTrail,
    CalibrationSession,
    CurrentLevel,
    ModelEstimate,
    ModelStatus,
    RaterSeverities,
    RaterSeverity,
    RoleChoice,
    ScaleStep,
    Scope,
    SessionCell,
    SessionPerson,
)
from pmpath.services.rater_model import (
    COVERAGE,
    adjusted_levels,
    fit_organisation,
    rater_severities,
    self_levels,
)
from pmpath.store import Database
from pmpath.store import calibration as store
from pmpath.store import colleague_ratings as rating_store
from pmpath.store import organisations as org_store
from pmpath.store.tables import CalibrationAdjustmentRow

#: What the access log calls each read.
READ_SEVERITIES = "rater severities"
READ_SESSION = "calibration session"
READ_AUDIT = "calibration audit trail"
#: What a manager sees when the model cannot run (the reason names other raters).
MODEL_UNAVAILABLE_FOR_MANAGERS = (
    "There are not yet enough linked ratings in the organisation to estimate raters' "
    "severities; an organisation admin sees the details."
)


@dataclass
class _People:
    """The organisation's members as the caller may see them."""

    place: Standing
    scope: Scope
    #: {user id: (name, email, profile)} of every member of the organisation.
    members: dict[int, Any]
    #: Whom the caller sees (never themselves, unless an admin: an admin sees everyone).
    visible: set[int]
    #: {user id: [team names]}
    teams: dict[int, list[str]] = field(default_factory=dict)


class CalibrationSessionService:
    """Raters' severities, calibration sessions and their audit trail for organisations, on
    each organisation's current rubric (its newest ladder or the bundled one)."""

    def __init__(
        self,
        database: Database,
        ratings: ColleagueRatingService,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.ratings = ratings
        self.clock = clock

    # -- raters' severities --------------------------------------------------------------------

    def severities(self, me: User, organisation_id: int) -> RaterSeverities:
        """Every rater's severity and every adjusted level (an admin), or a manager's own
        severities and their teams' members' adjusted levels."""
        rubric = self.ratings.rubric(organisation_id)
        with self.database.read() as session:
            people = self._people(session, me, organisation_id)
        fit = fit_organisation(self.database, self.clock, organisation_id, rubric, people.members)
        raters: list[RaterSeverity] = []
        adjusted: list[AdjustedLevel] = []
        if fit.calibration is not None:
            raters = [
                rater
                for rater in rater_severities(fit, people.members)
                if people.scope == "organisation" or rater.user_id == me.id
            ]
            adjusted = adjusted_levels(fit, rubric, people.visible, people.members)
        subjects = {level.user_id for level in adjusted} | {
            rater.user_id for rater in raters if rater.user_id is not None
        }
        self._log(organisation_id, me, subjects, READ_SEVERITIES)
        return RaterSeverities(
            organisation_id=organisation_id,
            organisation=people.place.organisation,
            framework_id=rubric.id,
            framework_name=rubric.name,
            levels=len(rubric.scale),
            scope=people.scope,
            model=self._status_for(fit.status, people),
            raters=raters,
            adjusted=adjusted,
        )

    # -- the calibration session ---------------------------------------------------------------

    def session(
        self, me: User, organisation_id: int, role_id: str | None = None
    ) -> CalibrationSession:
        """The roles of the ladder with how many people are placed at each, and, for
        ``role_id``, everyone placed there side by side."""
        rubric = self.ratings.rubric(organisation_id)
        with self.database.read() as session:
            people = self._people(session, me, organisation_id)
        if role_id is not None and not any(r.id == role_id for r in rubric.roles):
            # A page or a query naming a role the ladder lacks: not found, as a wrong id in
            # a path would be (a role in an adjustment's body is bad input instead).
            raise NotFoundError(f"there is no role {role_id} on {rubric.name}")
        placements = self._placements(rubric, people)
        counts: dict[str, int] = {}
        for role, _, _ in placements.values():
            counts[role] = counts.get(role, 0) + 1
        stages = {stage.id: stage.name for stage in rubric.stages}
        roles = [
            RoleChoice(
                id=role.id,
                name=role.name,
                stage=stages.get(role.stage, ""),
                placed=counts.get(role.id, 0),
            )
            for role in rubric.roles
        ]
        placed = sorted(
            (user for user, (role, _, _) in placements.items() if role == role_id),
            key=lambda user: (people.members[user].name.lower(), user),
        )
        chosen = next((r for r in rubric.roles if r.id == role_id), None)
        status = ModelStatus(
            available=False,
            reason=None,
            ratings=0,
            raters=0,
            people=0,
            coverage=COVERAGE,
            converged=None,
        )
        persons: list[SessionPerson] = []
        if chosen is not None and placed:
            fit = fit_organisation(
                self.database, self.clock, organisation_id, rubric, people.members
            )
            status = self._status_for(fit.status, people)
            estimates = {
                (level.user_id, level.competency): level
                for level in adjusted_levels(fit, rubric, people.visible, people.members)
            }
            now_levels = current_levels(self.database, rubric, organisation_id, placed, self.clock)
            managers = self._manager_levels(organisation_id, rubric, placed)
            for user in placed:
                _, state, assessed = placements[user]
                selves = self_levels(
                    self.database, self.clock, rubric, people.members[user].profile
                )
                cells = []
                for competency in rubric.competencies:
                    held = now_levels.get(user, {}).get(competency.id)
                    estimate = estimates.get((user, competency.id))
                    expectation = chosen.expectations.get(competency.id)
                    cells.append(
                        SessionCell(
                            competency=competency.id,
                            name=competency.name,
                            expected_for_role=expectation.level if expectation else None,
                            current=CurrentLevel(level=held.level, source=held.source, at=held.at)
                            if held
                            else None,
                            model=ModelEstimate(
                                expected=estimate.expected,
                                low=estimate.low,
                                high=estimate.high,
                                corrected=estimate.corrected,
                            )
                            if estimate
                            else None,
                            manager_level=managers.get(user, {}).get(competency.id),
                            self_level=selves.get(competency.id),
                        )
                    )
                persons.append(
                    SessionPerson(
                        user_id=user,
                        name=people.members[user].name,
                        teams=people.teams.get(user, []),
                        status=state,
                        assessed_at=assessed,
                        may_adjust=user != me.id,
                        cells=cells,
                    )
                )
        self._log(organisation_id, me, {p.user_id for p in persons}, READ_SESSION)
        return CalibrationSession(
            organisation_id=organisation_id,
            organisation=people.place.organisation,
            framework_id=rubric.id,
            framework_name=rubric.name,
            scope=people.scope,
            roles=roles,
            scale=[ScaleStep(level=step.level, name=step.name) for step in rubric.scale],
            role_id=chosen.id if chosen else None,
            role_name=chosen.name if chosen else None,
            model=status,
            people=persons,
        )

    def adjust(
        self,
        me: User,
        organisation_id: int,
        user_id: int,
        competency_id: str,
        level: int,
        reason: str,
        role_id: str | None = None,
    ) -> Adjustment:
        """Set ``user_id``'s level in one competency, with a reason; it becomes their current
        level everywhere. Who may is checked before what was sent."""
        rubric = self.ratings.rubric(organisation_id)
        with self.database.read() as session:
            people = self._people(session, me, organisation_id)
            if org_store.organisation_role(session, organisation_id, user_id) is None:
                raise NotFoundError(f"there is no member {user_id} in this organisation")
        if user_id == me.id:
            raise ForbiddenError("nobody calibrates their own level")
        if user_id not in people.visible:
            raise ForbiddenError(
                "only the organisation's admins and the person's team manager calibrate them"
            )
        competency = next((c for c in rubric.competencies if c.id == competency_id), None)
        if competency is None:
            raise PmpathError(
                f"there is no competency {competency_id} on {rubric.name}",
                Location(field_path=("competency",)),
            )
        if isinstance(level, bool) or level not in rubric.levels:
            raise PmpathError(
                f"pick a level from 1 to {len(rubric.scale)}", Location(field_path=("level",))
            )
        said = " ".join((reason or "").split())
        if not said or len(said) > MAX_REASON:
            raise PmpathError(
                f"say why the level changes (up to {MAX_REASON} characters)",
                Location(field_path=("reason",)),
            )
        if role_id is not None and not any(r.id == role_id for r in rubric.roles):
            raise PmpathError(
                f"there is no role {role_id} on {rubric.name}", Location(field_path=("role",))
            )
        held = current_levels(self.database, rubric, organisation_id, [user_id], self.clock)
        before = held.get(user_id, {}).get(competency_id)
        with self.database.transaction() as session:
            row = store.add_adjustment(
                session,
                CalibrationAdjustmentRow(
                    organisation_id=organisation_id,
                    subject_id=user_id,
                    framework_id=rubric.id,
                    competency_id=competency_id,
                    role_id=role_id,
                    from_level=before.level if before else None,
                    to_level=level,
                    reason=said,
                    adjusted_by=me.id,
                    adjusted_at=self.clock(),
                ),
            )
            names = _names(session, {user_id, me.id})
            return _adjustment(row, names, rubric)

    # -- the audit trail -----------------------------------------------------------------------

    def audit(self, me: User, organisation_id: int) -> AuditTrail:
        """Every adjustment the caller may see, newest first, on every rubric the
        organisation has used."""
        rubric = self.ratings.rubric(organisation_id)
        with self.database.transaction() as session:
            people = self._people(session, me, organisation_id)
            rows = store.adjustments(
                session,
                organisation_id,
                subject_ids=None if people.scope == "organisation" else sorted(people.visible),
            )
            names = _names(
                session,
                {row.subject_id for row in rows}
                | {row.adjusted_by for row in rows if row.adjusted_by is not None},
            )
            entries = [_adjustment(row, names, rubric) for row in reversed(rows)]
            subjects = {entry.subject_id for entry in entries} - {me.id}
            if subjects:
                org_store.log_access(
                    session, organisation_id, me.id, sorted(subjects), READ_AUDIT, self.clock()
                )
            return AuditTrail(
                organisation_id=organisation_id,
                organisation=people.place.organisation,
                scope=people.scope,
                entries=entries,
            )

    # -- helpers -------------------------------------------------------------------------------

    def _people(self, session: Session, me: User, organisation_id: int) -> _People:
        place = standing(session, me, organisation_id)
        members = {row.id: row for row in org_store.organisation_members(session, organisation_id)}
        managed = [team for team, role in place.teams.items() if role == "manager"]
        if not place.admin and not managed:
            raise ForbiddenError(
                "only the organisation's admins and team managers calibrate levels"
            )
        teams: dict[int, list[str]] = {}
        visible: set[int] = set(members) if place.admin else set()
        for team, _ in org_store.teams_of_organisation(session, organisation_id):
            for row in org_store.team_members(session, team.id):
                teams.setdefault(row.id, []).append(team.name)
                if team.id in managed and row.id != me.id:
                    visible.add(row.id)
        return _People(
            place=place,
            scope="organisation" if place.admin else "teams",
            members=members,
            visible=visible,
            teams=teams,
        )

    def _log(self, organisation_id: int, me: User, subjects: Iterable[int], what: str) -> None:
        others = sorted(set(subjects) - {me.id})
        if not others:
            return
        with self.database.transaction() as session:
            org_store.log_access(session, organisation_id, me.id, others, what, self.clock())

    def _placements(self, rubric: Framework, people: _People) -> dict[int, tuple[str, str, Any]]:
        """{user id: (role id, status, assessed at)} of everyone visible with a finished
        self-assessment on the rubric: the placement of the newest one."""
        selves = AssessmentService(self.database, rubric, self.clock)
        found = {}
        for user in sorted(people.visible):
            done = selves.history(people.members[user].profile)
            if done:
                placed = place(rubric, done[-1].assessment)
                found[user] = (placed.role_id, placed.status, done[-1].completed_at)
        return found

    def _manager_levels(
        self, organisation_id: int, rubric: Framework, users: list[int]
    ) -> dict[int, dict[str, int]]:
        found: dict[int, dict[str, int]] = {}
        with self.database.read() as session:
            for user in users:
                for row in rating_store.ratings_of(session, organisation_id, user, rubric.id):
                    if row.source == "manager":  # oldest first: the newest wins
                        found.setdefault(user, {})[row.competency_id] = row.level
        return found

    def _status_for(self, status: ModelStatus, people: _People) -> ModelStatus:
        if status.available or people.scope == "organisation" or status.reason is None:
            return status
        return status.model_copy(update={"reason": MODEL_UNAVAILABLE_FOR_MANAGERS})


def adjusted_words(made: Adjustment) -> str:
    """What an adjustment did, as a sentence (the page's flash message, the CLI's answer)."""
    if made.from_level == made.to_level:
        done = f"Confirmed {made.subject}'s level in {made.competency_name} at {made.to_level}."
    else:
        was = f" (it was {made.from_level})" if made.from_level is not None else ""
        done = f"Set {made.subject}'s level in {made.competency_name} to {made.to_level}{was}."
    return f"{done} The reason is in the audit trail."


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    found = (org_store.user(session, user_id) for user_id in sorted(user_ids))
    return {row.id: row.name for row in found if row is not None}


def _adjustment(
    row: CalibrationAdjustmentRow, names: dict[int, str], rubric: Framework
) -> Adjustment:
    competency = next((c for c in rubric.competencies if c.id == row.competency_id), None)
    role = next((r for r in rubric.roles if r.id == row.role_id), None)
    return Adjustment(
        id=row.id,
        at=row.adjusted_at,
        by_id=row.adjusted_by,
        by=names.get(row.adjusted_by, "") if row.adjusted_by is not None else "",
        subject_id=row.subject_id,
        subject=names.get(row.subject_id, ""),
        framework_id=row.framework_id,
        competency=row.competency_id,
        competency_name=competency.name if competency else row.competency_id,
        role_id=row.role_id,
        role_name=role.name if role else row.role_id,
        from_level=row.from_level,
        to_level=row.to_level,
        reason=row.reason,
    )
