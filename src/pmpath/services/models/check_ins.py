"""Check-ins (issue #19): a member's goals, the one-to-ones their manager records, and the
progress history that follows each goal across them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from pmpath.services.models import Result

#: Where a goal stood at a check-in; "done" closes the goal.
GoalStatus = Literal["not-started", "on-track", "at-risk", "done"]
GOAL_STATUSES: tuple[GoalStatus, ...] = ("not-started", "on-track", "at-risk", "done")
STATUS_NAMES: dict[str, str] = {
    "not-started": "Not started",
    "on-track": "On track",
    "at-risk": "At risk",
    "done": "Done",
}
#: A goal is open until it is done (at a check-in) or dropped (by the member or manager).
GoalState = Literal["open", "done", "dropped"]
LevelSource = Literal["calibrated", "manager", "self"]


class Goal(Result):
    """A member's goal, tied to a competency (and the level aimed for) and/or a plan step."""

    id: int
    member_id: int
    title: str
    competency: str | None = Field(description="A competency id of the organisation's rubric.")
    competency_name: str | None
    target_level: int | None = Field(description="The level aimed for in the competency.")
    target_level_name: str | None
    plan_step: str | None = Field(description="The growth-plan step the goal serves, as text.")
    due_on: date | None
    set_by: str | None = Field(description="The name of who set the goal.")
    set_at: datetime
    state: GoalState
    closed_at: datetime | None
    status: GoalStatus | None = Field(description="Its status at the newest check-in.")


class Goals(Result):
    organisation_id: int
    member_id: int
    member: str
    goals: list[Goal] = Field(description="Open goals first, then closed ones; oldest first.")


class GoalProgress(Result):
    """Where one goal stood at one check-in."""

    goal_id: int
    goal: str
    status: GoalStatus
    note: str | None


class CheckIn(Result):
    """A one-to-one between a member and their manager."""

    id: int
    organisation_id: int
    member_id: int
    member: str
    team_id: int | None
    team: str | None
    manager_id: int | None
    manager: str | None
    held_on: date
    notes: str
    progress: list[GoalProgress]
    recorded_at: datetime


class StatusAt(Result):
    """A goal's status at one check-in."""

    check_in_id: int
    held_on: date
    status: GoalStatus
    note: str | None


class LevelAt(Result):
    """A member's level in a competency by the organisation's rule (calibrated, else the
    newest manager rating, else the newest self-assessment) at a moment."""

    level: int
    name: str
    source: LevelSource
    at: datetime | None = Field(description="When that level was given.")


class GoalHistory(Result):
    goal: Goal
    statuses: list[StatusAt] = Field(description="Oldest check-in first.")
    level_then: LevelAt | None = Field(
        description="For a competency goal: the member's level when the goal was set."
    )
    level_now: LevelAt | None = Field(description="For a competency goal: the member's level now.")


class CompetencyChoice(Result):
    id: str
    name: str


class LevelChoice(Result):
    level: int
    name: str


class PlanStepChoice(Result):
    """A step of the member's current growth plan, offered for a goal."""

    name: str
    summary: str
    competencies: list[str]


class MemberCheckIns(Result):
    """Everything about one member's check-ins that the viewer may see, and what the viewer
    may do: set goals (the member and their manager), record check-ins (their manager)."""

    organisation_id: int
    organisation: str
    member_id: int
    member: str
    framework_id: str
    framework_name: str
    may_set_goals: bool
    may_record: bool
    competencies: list[CompetencyChoice]
    levels: list[LevelChoice]
    plan_steps: list[PlanStepChoice] = Field(
        description="The steps of the member's plan from their newest self-assessment."
    )
    goals: list[Goal] = Field(description="Open goals first, then closed ones; oldest first.")
    check_ins: list[CheckIn] = Field(description="Newest first.")
    history: list[GoalHistory] = Field(description="Each goal with its status at each check-in.")


class TeamExport(Result):
    """A team's check-in history as CSV (RFC 4180, UTF-8, a header row)."""

    filename: str
    rows: int
    csv: str
