"""Check-ins (issue #19): periodic one-to-ones between a member and their manager, goals tied
to competencies and plan steps, the progress history of each goal, and a team's history as CSV.

The rules, checked here so every interface gets them:

- a member sets goals for themselves; a manager of a team the member is in sets them too;
  either of them drops a goal; a goal is marked done at a check-in;
- a manager of a team the member is in records a check-in (never their own), at most one per
  member per day and never on a day still to come, with a status for every open goal;
- the member, their team's managers and the organisation's admins read a member's goals and
  check-ins; a peer or the manager of another team is refused; someone outside the
  organisation finds nothing (NotFoundError); every read of someone else's is logged;
- a team's history is exported by its managers and the organisation's admins.

Each change is one transaction: bad input names its field and changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from pmpath.errors import ForbiddenError, Location, NotFoundError, PmpathError, Problem
from pmpath.framework import Framework
from pmpath.services.accounts import User
from pmpath.services.assessments import AssessmentService, utc_now
from pmpath.services.current_levels import CurrentLevel, current_levels
from pmpath.services.membership import Standing, may_see, standing
from pmpath.services.models.check_ins import (
    GOAL_STATUSES,
    STATUS_NAMES,
    CheckIn,
    CompetencyChoice,
    Goal,
    GoalHistory,
    GoalProgress,
    Goals,
    GoalState,
    GoalStatus,
    LevelAt,
    LevelChoice,
    MemberCheckIns,
    PlanStepChoice,
    StatusAt,
    TeamExport,
)
from pmpath.store import Database
from pmpath.store import calibration as calibration_store
from pmpath.store import check_ins as store
from pmpath.store import colleague_ratings as rating_store
from pmpath.store import organisations as org_store
from pmpath.store.tables import CheckInGoalRow, CheckInProgressRow, CheckInRow

#: What the access log calls a read of someone's goals and check-ins.
READ_CHECK_INS = "check-ins"
MAX_TITLE = 200
MAX_NOTES = 5000
MAX_NOTE = 2000
#: The columns of a team's CSV export, in order.
CSV_COLUMNS = (
    "team",
    "member",
    "date",
    "manager",
    "goal",
    "competency",
    "target level",
    "plan step",
    "status",
    "note",
    "check-in notes",
)


@dataclass(frozen=True)
class Progress:
    """What the manager says of one open goal at a check-in."""

    status: str
    note: str | None = None


class CheckInService:
    """Goals and check-ins in one database, on the organisation's rubric (its newest ladder,
    else the bundled one: ``rubric``)."""

    def __init__(
        self,
        database: Database,
        rubric: Callable[[int], Framework],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.rubric = rubric
        self.clock = clock

    # -- reading -------------------------------------------------------------------------------

    def member(self, me: User, organisation_id: int, user_id: int) -> MemberCheckIns:
        """A member's goals, check-ins (newest first) and progress history, with the choices
        a goal offers; for the member, their team's managers and the organisation's admins."""
        rubric = self.rubric(organisation_id)
        with self.database.transaction() as session:
            place, subject = _readable(session, me, organisation_id, user_id, self.clock())
            may_set = _may_set_goals(session, me, place, user_id)
            may_record = _may_record(session, me, place, user_id)
            goal_rows = store.goals_of(session, organisation_id, user_id)
            check_ins = store.check_ins_of(session, organisation_id, user_id)
            progress = store.progress_of(session, [row.CheckInRow.id for row in check_ins])
            setters = _names(session, {row.created_by for row in goal_rows if row.created_by})
            then = {
                row.id: _levels_at(session, rubric, organisation_id, subject, row.created_at)
                for row in goal_rows
                if row.competency_id
            }
        steps = self._plan_steps(rubric, subject.profile) if may_set else []
        now = (
            current_levels(self.database, rubric, organisation_id, [user_id], self.clock).get(
                user_id, {}
            )
            if then
            else {}
        )
        goals = _goals(rubric, goal_rows, setters, check_ins, progress)
        titles = {goal.id: goal.title for goal in goals}
        made = [_check_in(row, progress[row.CheckInRow.id], titles) for row in check_ins]
        history = []
        for goal in goals:
            statuses = [
                StatusAt(
                    check_in_id=entry.id,
                    held_on=entry.held_on,
                    status=step.status,
                    note=step.note,
                )
                for entry in made
                for step in entry.progress
                if step.goal_id == goal.id
            ]
            competency = goal.competency
            history.append(
                GoalHistory(
                    goal=goal,
                    statuses=statuses,
                    level_then=_level(rubric, then.get(goal.id, {}).get(competency or "")),
                    level_now=_level(rubric, now.get(competency or "")) if competency else None,
                )
            )
        return MemberCheckIns(
            organisation_id=organisation_id,
            organisation=place.organisation,
            member_id=user_id,
            member=subject.name,
            framework_id=rubric.id,
            framework_name=rubric.name,
            may_set_goals=may_set,
            may_record=may_record,
            competencies=[CompetencyChoice(id=c.id, name=c.name) for c in rubric.competencies],
            levels=[LevelChoice(level=step.level, name=step.name) for step in rubric.scale],
            plan_steps=steps,
            goals=goals,
            check_ins=list(reversed(made)),
            history=history,
        )

    def goals(self, me: User, organisation_id: int, user_id: int) -> Goals:
        """A member's goals, open ones first; for whoever may read their check-ins."""
        rubric = self.rubric(organisation_id)
        with self.database.transaction() as session:
            _, subject = _readable(session, me, organisation_id, user_id, self.clock())
            goal_rows = store.goals_of(session, organisation_id, user_id)
            check_ins = store.check_ins_of(session, organisation_id, user_id)
            progress = store.progress_of(session, [row.CheckInRow.id for row in check_ins])
            setters = _names(session, {row.created_by for row in goal_rows if row.created_by})
        return Goals(
            organisation_id=organisation_id,
            member_id=user_id,
            member=subject.name,
            goals=_goals(rubric, goal_rows, setters, check_ins, progress),
        )

    def plan_steps(self, me: User, organisation_id: int, user_id: int) -> list[PlanStepChoice]:
        """The steps of the member's current growth plan, for a goal."""
        rubric = self.rubric(organisation_id)
        with self.database.read() as session:
            place, subject = _member(session, me, organisation_id, user_id)
            if not _may_set_goals(session, me, place, user_id):
                raise ForbiddenError(_SETTERS)
        return self._plan_steps(rubric, subject.profile)

    def _plan_steps(self, rubric: Framework, profile: str) -> list[PlanStepChoice]:
        """The steps of the plan for the member's newest self-assessment on the rubric; none
        before they have one, or when the rubric draws no plan from it."""
        from pmpath.services.guidance import guidance

        done = AssessmentService(self.database, rubric, self.clock).history(profile)
        if not done:
            return []
        try:
            plan = guidance(rubric, done[-1].assessment).plan
        except PmpathError:  # a target no path reaches on this ladder: no plan to offer
            return []
        return [
            PlanStepChoice(name=step.name, summary=step.summary, competencies=step.competencies)
            for step in plan.steps
        ]

    # -- goals ---------------------------------------------------------------------------------

    def add_goal(
        self,
        me: User,
        organisation_id: int,
        user_id: int,
        title: str,
        competency: str | None = None,
        target_level: int | None = None,
        plan_step: str | None = None,
        due_on: date | None = None,
    ) -> Goal:
        """Set a goal for ``user_id`` (the member themselves, or their team's manager).
        Who may is checked before what they sent, so an outsider learns nothing."""
        rubric = self.rubric(organisation_id)
        now = self.clock()
        with self.database.read() as session:
            place, subject = _member(session, me, organisation_id, user_id)
            if not _may_set_goals(session, me, place, user_id):
                raise ForbiddenError(_SETTERS)
        problems: list[Problem] = []
        title = _one_line(title)
        if not title:
            problems.append(_problem("title", "give the goal a title"))
        elif len(title) > MAX_TITLE:
            problems.append(_problem("title", f"keep the title to {MAX_TITLE} characters"))
        competency = (competency or "").strip() or None
        known = {c.id for c in rubric.competencies}
        if competency is not None and competency not in known:
            problems.append(
                _problem("competency", f"there is no competency {competency} on this ladder")
            )
        if target_level is not None:
            if competency is None:
                problems.append(_problem("target_level", "choose the competency the level is for"))
            elif target_level not in rubric.levels:
                problems.append(
                    _problem("target_level", f"pick a level from 1 to {len(rubric.scale)}")
                )
        plan_step = _one_line(plan_step or "") or None
        if plan_step is not None:
            offered = {step.name for step in self._plan_steps(rubric, subject.profile)}
            if plan_step not in offered:
                problems.append(_problem("plan_step", "choose a step of the member's current plan"))
        if due_on is not None and due_on < now.date():
            problems.append(_problem("due_on", "the due date must not be in the past"))
        if problems:
            raise PmpathError(problems)
        with self.database.transaction() as session:
            _member(session, me, organisation_id, user_id)  # still a member, in this transaction
            row = store.add_goal(
                session,
                CheckInGoalRow(
                    organisation_id=organisation_id,
                    member_id=user_id,
                    title=title,
                    competency_id=competency,
                    target_level=target_level,
                    plan_step=plan_step,
                    due_on=due_on,
                    created_by=me.id,
                    created_at=now,
                    closed_at=None,
                ),
            )
            return _goal(rubric, row, {me.id: me.name}, "open", None)

    def drop_goal(self, me: User, organisation_id: int, user_id: int, goal_id: int) -> Goal:
        """Close an open goal as dropped (the member or their team's manager); a goal is
        marked done at a check-in instead."""
        rubric = self.rubric(organisation_id)
        with self.database.transaction() as session:
            place, _ = _member(session, me, organisation_id, user_id)
            if not _may_set_goals(session, me, place, user_id):
                raise ForbiddenError("only the member and their team's managers drop their goals")
            row = store.goal(session, organisation_id, goal_id)
            if row is None or row.member_id != user_id:
                raise NotFoundError(f"there is no goal {goal_id} of this member")
            if row.closed_at is not None:
                raise PmpathError("the goal is closed already", Location(field_path=("goal",)))
            row.closed_at = self.clock()
            session.flush()
            setters = _names(session, {row.created_by} if row.created_by else set())
            return _goal(rubric, row, setters, "dropped", None)

    # -- check-ins -----------------------------------------------------------------------------

    def record(
        self,
        me: User,
        organisation_id: int,
        user_id: int,
        held_on: date,
        notes: str,
        progress: Mapping[int, Progress],
        team_id: int | None = None,
    ) -> CheckIn:
        """Record a one-to-one with ``user_id`` on ``held_on`` (a manager of a team they are
        in), with a status for each of their open goals; "done" closes the goal. With
        ``team_id``, the check-in belongs to that team (one the caller manages and the member
        is in); else to the first such team."""
        now = self.clock()
        with self.database.transaction() as session:
            place, subject = _member(session, me, organisation_id, user_id)
            if user_id == me.id or not _may_record(session, me, place, user_id):
                raise ForbiddenError(
                    "only a manager of a team the member is in records their check-ins"
                )
            teams = _shared_teams(session, me, place, user_id)
            problems: list[Problem] = []
            if team_id is None:
                team_id = teams[0]
            elif team_id not in teams:
                problems.append(_problem("team", "choose a team you manage that they are in"))
            if held_on > now.date():
                problems.append(_problem("held_on", "the date must not be in the future"))
            elif store.check_in_on(session, organisation_id, user_id, held_on) is not None:
                problems.append(
                    _problem(
                        "held_on",
                        f"{subject.name} already has a check-in on {_humane(held_on)}",
                    )
                )
            notes = _text(notes)
            if len(notes) > MAX_NOTES:
                problems.append(_problem("notes", f"keep the notes to {MAX_NOTES} characters"))
            open_goals = [
                row
                for row in store.goals_of(session, organisation_id, user_id)
                if row.closed_at is None
            ]
            open_ids = {row.id for row in open_goals}
            for goal_id in sorted(set(progress) - open_ids):
                problems.append(
                    _problem(("progress", goal_id), f"{goal_id} is not an open goal of theirs")
                )
            steps: list[tuple[CheckInGoalRow, str, str | None]] = []
            for row in open_goals:
                given = progress.get(row.id)
                if given is None or given.status not in GOAL_STATUSES:
                    problems.append(
                        _problem(
                            ("progress", row.id, "status"),
                            f"choose a status for “{row.title}”: "
                            + ", ".join(STATUS_NAMES[s].lower() for s in GOAL_STATUSES),
                        )
                    )
                    continue
                note = _text(given.note) or None
                if note is not None and len(note) > MAX_NOTE:
                    problems.append(
                        _problem(
                            ("progress", row.id, "note"),
                            f"keep the note to {MAX_NOTE} characters",
                        )
                    )
                steps.append((row, given.status, note))
            if problems:
                raise PmpathError(problems)
            check_in = store.add_check_in(
                session,
                CheckInRow(
                    organisation_id=organisation_id,
                    team_id=team_id,
                    member_id=user_id,
                    manager_id=me.id,
                    held_on=held_on,
                    notes=notes,
                    created_at=now,
                ),
            )
            rows = [
                CheckInProgressRow(
                    check_in_id=check_in.id, goal_id=row.id, status=status, note=note
                )
                for row, status, note in steps
            ]
            store.add_progress(session, rows)
            for row, status, _ in steps:
                if status == "done":
                    row.closed_at = now
            session.flush()
            found = next(
                entry
                for entry in store.check_ins_of(session, organisation_id, user_id)
                if entry.CheckInRow.id == check_in.id
            )
            titles = {row.id: row.title for row, _, _ in steps}
            return _check_in(found, rows, titles)

    # -- a team's history as CSV ---------------------------------------------------------------

    def team_export(self, me: User, organisation_id: int, team_id: int) -> TeamExport:
        """Every check-in recorded in the team, one row per (check-in, goal) (a check-in
        without goals is one row), for the team's managers and the organisation's admins;
        the read of each member's data is logged."""
        from pmpath.formats.csv import _escape as guard_formula

        rubric = self.rubric(organisation_id)
        with self.database.transaction() as session:
            team = org_store.team(session, team_id)
            if team is None or team.organisation_id != organisation_id:
                raise NotFoundError(f"there is no team {team_id} in this organisation")
            place = standing(session, me, organisation_id)
            if not (place.admin or place.teams.get(team_id) == "manager"):
                raise ForbiddenError(
                    "only the team's managers and the organisation's admins export its check-ins"
                )
            entries = store.check_ins_of_team(session, team_id)
            progress = store.progress_of(session, [row.CheckInRow.id for row in entries])
            goals = store.goals_by_id(
                session, (step.goal_id for steps in progress.values() for step in steps)
            )
            others = sorted({row.CheckInRow.member_id for row in entries} - {me.id})
            if others:
                org_store.log_access(
                    session, organisation_id, me.id, others, READ_CHECK_INS, self.clock()
                )
            team_name = team.name
        competencies = {c.id: c.name for c in rubric.competencies}
        levels = {step.level: step.name for step in rubric.scale}
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        count = 0
        for entry in entries:
            row = entry.CheckInRow
            head = [entry.team or "", entry.member, row.held_on.isoformat(), entry.manager or ""]
            steps: list[CheckInProgressRow | None] = [*progress[row.id]] or [None]
            for step in steps:
                goal = goals.get(step.goal_id) if step else None
                cells = [
                    *head,
                    goal.title if goal else "",
                    competencies.get(goal.competency_id or "", goal.competency_id or "")
                    if goal
                    else "",
                    _level_text(goal.target_level, levels) if goal else "",
                    (goal.plan_step or "") if goal else "",
                    STATUS_NAMES[step.status] if step else "",
                    (step.note or "") if step else "",
                    row.notes,
                ]
                writer.writerow([guard_formula(cell) for cell in cells])
                count += 1
        day = self.clock().date().isoformat()
        slug = re.sub(r"[^a-z0-9]+", "-", team_name.lower()).strip("-") or "team"
        return TeamExport(filename=f"check-ins-{slug}-{day}.csv", rows=count, csv=buffer.getvalue())


_SETTERS = "only the member and their team's managers set their goals"


def _problem(field: str | tuple[Any, ...], message: str) -> Problem:
    path = (field,) if isinstance(field, str) else field
    return Problem(message, Location(field_path=path))


def _one_line(text: str) -> str:
    """``text`` with runs of white space (newlines too) made one space, trimmed, and without
    control characters."""
    return " ".join(_text(text).split())


def _text(text: str | None) -> str:
    """``text`` trimmed, its line breaks made "\\n", without other control characters (which
    no spreadsheet wants, and PostgreSQL cannot store NUL)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc").strip()


def _humane(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _level_text(level: int | None, names: Mapping[int, str]) -> str:
    if level is None:
        return ""
    return f"{level} ({names[level]})" if level in names else str(level)


def _member(session: Session, me: User, organisation_id: int, user_id: int) -> tuple[Standing, Any]:
    """``me``'s standing and the member; NotFoundError for an outsider or a non-member."""
    place = standing(session, me, organisation_id)
    subject = org_store.user(session, user_id)
    if subject is None or org_store.organisation_role(session, organisation_id, user_id) is None:
        raise NotFoundError(f"there is no member {user_id} in this organisation")
    return place, subject


def _readable(
    session: Session, me: User, organisation_id: int, user_id: int, now: datetime
) -> tuple[Standing, Any]:
    """As :func:`_member`, and ForbiddenError unless ``me`` may read the member's check-ins;
    a read of someone else's is logged."""
    place, subject = _member(session, me, organisation_id, user_id)
    if not may_see(session, me, place, user_id):
        raise ForbiddenError(
            "only the member, their team's managers and the organisation's admins see their "
            "goals and check-ins"
        )
    if user_id != me.id:
        org_store.log_access(session, organisation_id, me.id, [user_id], READ_CHECK_INS, now)
    return place, subject


def _may_set_goals(session: Session, me: User, place: Standing, user_id: int) -> bool:
    return user_id == me.id or _may_record(session, me, place, user_id)


def _may_record(session: Session, me: User, place: Standing, user_id: int) -> bool:
    return user_id != me.id and org_store.manages_team_of(
        session, me.id, user_id, place.organisation_id
    )


def _shared_teams(session: Session, me: User, place: Standing, user_id: int) -> list[int]:
    """The teams ``me`` manages that ``user_id`` is in, lowest id first."""
    managed = sorted(team for team, role in place.teams.items() if role == "manager")
    return [
        team
        for team in managed
        if any(row.id == user_id for row in org_store.team_members(session, team))
    ]


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    found = (org_store.user(session, user_id) for user_id in sorted(user_ids))
    return {row.id: row.name for row in found if row is not None}


def _goals(
    rubric: Framework,
    rows: Sequence[CheckInGoalRow],
    setters: Mapping[int, str],
    check_ins: Sequence[Any],
    progress: Mapping[int, list[CheckInProgressRow]],
) -> list[Goal]:
    """The goals, open first, each with its newest status (check-ins come oldest first)."""
    newest: dict[int, str] = {}
    for entry in check_ins:
        for step in progress.get(entry.CheckInRow.id, []):
            newest[step.goal_id] = step.status
    goals = []
    for row in rows:
        status = newest.get(row.id)
        state: GoalState = (
            "open" if row.closed_at is None else "done" if status == "done" else "dropped"
        )
        goals.append(_goal(rubric, row, setters, state, status))
    return sorted(goals, key=lambda goal: goal.state != "open")


def _goal(
    rubric: Framework,
    row: CheckInGoalRow,
    setters: Mapping[int, str],
    state: GoalState,
    status: str | None,
) -> Goal:
    competencies = {c.id: c.name for c in rubric.competencies}
    levels = {step.level: step.name for step in rubric.scale}
    return Goal(
        id=row.id,
        member_id=row.member_id,
        title=row.title,
        competency=row.competency_id,
        competency_name=competencies.get(row.competency_id or ""),
        target_level=row.target_level,
        target_level_name=levels.get(row.target_level) if row.target_level else None,
        plan_step=row.plan_step,
        due_on=row.due_on,
        set_by=setters.get(row.created_by) if row.created_by else None,
        set_at=row.created_at,
        state=state,
        closed_at=row.closed_at,
        status=status,
    )


def _check_in(
    entry: Any, steps: Sequence[CheckInProgressRow], titles: Mapping[int, str]
) -> CheckIn:
    row = entry.CheckInRow
    return CheckIn(
        id=row.id,
        organisation_id=row.organisation_id,
        member_id=row.member_id,
        member=entry.member,
        team_id=row.team_id,
        team=entry.team,
        manager_id=row.manager_id,
        manager=entry.manager,
        held_on=row.held_on,
        notes=row.notes,
        progress=[
            GoalProgress(
                goal_id=step.goal_id,
                goal=titles.get(step.goal_id, ""),
                status=_status(step.status),
                note=step.note,
            )
            for step in steps
        ],
        recorded_at=row.created_at,
    )


def _status(status: str) -> GoalStatus:
    if status not in GOAL_STATUSES:
        raise ValueError(f"unknown goal status {status!r} in the database")
    return status


def _level(rubric: Framework, found: CurrentLevel | None) -> LevelAt | None:
    if found is None:
        return None
    names = {step.level: step.name for step in rubric.scale}
    return LevelAt(
        level=found.level, name=names.get(found.level, ""), source=found.source, at=found.at
    )


def _levels_at(
    session: Session, rubric: Framework, organisation_id: int, subject: Any, moment: datetime
) -> dict[str, CurrentLevel]:
    """The member's level in each competency as it stood at ``moment``, by the rule of
    :mod:`pmpath.services.current_levels` (calibrated, else the newest manager rating, else
    the newest self-assessment), counting only what was given by then."""
    from pmpath.store import assessments as assessment_store

    competencies = {c.id for c in rubric.competencies}
    levels: dict[str, CurrentLevel] = {}
    for row in rating_store.ratings_of(session, organisation_id, subject.id, rubric.id):
        if row.source == "manager" and row.competency_id in competencies and row.rated_at <= moment:
            levels[row.competency_id] = CurrentLevel(row.level, "manager", row.rated_at)
    for adjusted in calibration_store.adjustments(
        session, organisation_id, rubric.id, [subject.id]
    ):
        if adjusted.competency_id in competencies and adjusted.adjusted_at <= moment:
            levels[adjusted.competency_id] = CurrentLevel(
                adjusted.to_level, "calibrated", adjusted.adjusted_at
            )
    owner = assessment_store.find_profile(session, subject.profile)
    if owner is not None:
        done = [
            row
            for row in assessment_store.completed_assessments(session, owner, rubric.id)
            if row.completed_at is not None and row.completed_at <= moment
        ]
        if done:
            newest = done[-1]
            for rating in newest.ratings:
                if rating.competency_id in competencies:
                    levels.setdefault(
                        rating.competency_id,
                        CurrentLevel(rating.level, "self", newest.completed_at),
                    )
    return levels
