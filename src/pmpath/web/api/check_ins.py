"""Check-ins: a member's goals, the one-to-ones their manager records, and a team's history as
CSV. Who may do what is the check-in service's decision (docs/teams.md): someone outside the
organisation gets 404, a member 403 for what their role does not allow, bad input 422 naming
its field."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pmpath.services.check_ins import MAX_NOTE, MAX_NOTES, Progress
from pmpath.services.models.check_ins import CheckIn, Goal, Goals, MemberCheckIns, TeamExport
from pmpath.web.api.bodies import documented_body, json_body
from pmpath.web.deps import App, Learner, RowId

router = APIRouter()

#: A check-in's body: notes up to 5,000 characters and a status per goal, with room to spare.
BODY_LIMIT = 256 * 1024
MEMBER = "/organisations/{organisation_id}/members/{user_id}"


class NewGoal(BaseModel):
    """A goal to set: a title, optionally a competency and the level aimed for, a step of the
    member's current plan (its name, as GET .../check-ins lists in ``plan_steps``) and a due
    date."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=1000)
    competency: str | None = Field(default=None, max_length=80)
    target_level: int | None = Field(default=None, ge=0, le=100)
    plan_step: str | None = Field(default=None, max_length=1000)
    due_on: date | None = None


class GoalStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goal_id: int = Field(ge=0, le=2**63 - 1)
    status: str = Field(description="not-started, on-track, at-risk or done (done closes it).")
    note: str | None = Field(default=None, max_length=MAX_NOTE * 2)


class NewCheckIn(BaseModel):
    """A one-to-one: its date (today or earlier), notes, and a status for every open goal."""

    model_config = ConfigDict(extra="forbid")

    held_on: date
    notes: str = Field(default="", max_length=MAX_NOTES * 2)
    progress: list[GoalStatusIn] = Field(default_factory=list, max_length=500)
    team_id: int | None = Field(
        default=None,
        ge=0,
        le=2**63 - 1,
        description="The team it belongs to, when you manage several teams the member is in.",
    )


def _parsed(model: type[BaseModel], body: Any) -> Any:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None


@router.get(
    f"{MEMBER}/check-ins",
    summary="A member's goals, check-ins and progress history (the member, their manager, "
    "admins; logged)",
)
def member_check_ins(
    app: App, me: Learner, organisation_id: RowId, user_id: RowId
) -> MemberCheckIns:
    return app.check_ins.member(me, organisation_id, user_id)


@router.post(
    f"{MEMBER}/check-ins",
    status_code=201,
    summary="Record a check-in with a member (a manager of a team they are in)",
    openapi_extra=documented_body(NewCheckIn),
)
async def record_check_in(
    request: Request, app: App, me: Learner, organisation_id: RowId, user_id: RowId
) -> CheckIn:
    """Every open goal needs a status; "done" closes the goal. One check-in per member per
    day, never in the future."""
    given: NewCheckIn = _parsed(NewCheckIn, await json_body(request, BODY_LIMIT))
    progress = {step.goal_id: Progress(step.status, step.note) for step in given.progress}
    return app.check_ins.record(
        me, organisation_id, user_id, given.held_on, given.notes, progress, given.team_id
    )


@router.get(
    f"{MEMBER}/goals",
    summary="A member's goals, open ones first (the member, their manager, admins; logged)",
)
def goals(app: App, me: Learner, organisation_id: RowId, user_id: RowId) -> Goals:
    return app.check_ins.goals(me, organisation_id, user_id)


@router.post(
    f"{MEMBER}/goals",
    status_code=201,
    summary="Set a goal for a member (the member themselves or their manager)",
    openapi_extra=documented_body(NewGoal),
)
async def add_goal(
    request: Request, app: App, me: Learner, organisation_id: RowId, user_id: RowId
) -> Goal:
    given: NewGoal = _parsed(NewGoal, await json_body(request, BODY_LIMIT))
    return app.check_ins.add_goal(
        me,
        organisation_id,
        user_id,
        given.title,
        given.competency,
        given.target_level,
        given.plan_step,
        given.due_on,
    )


@router.post(
    f"{MEMBER}/goals/{{goal_id}}/drop",
    summary="Drop an open goal (the member or their manager); goals are marked done at a check-in",
)
def drop_goal(
    app: App,
    me: Learner,
    organisation_id: RowId,
    user_id: RowId,
    goal_id: Annotated[int, Path(ge=0, le=2**63 - 1)],
) -> Goal:
    return app.check_ins.drop_goal(me, organisation_id, user_id, goal_id)


def csv_response(export: TeamExport) -> Response:
    """The export as a download: UTF-8 with a byte order mark, so spreadsheets read it as
    UTF-8."""
    return Response(
        ("\ufeff" + export.csv).encode("utf-8"),
        media_type="text/csv; charset=utf-8; header=present",
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


@router.get(
    "/organisations/{organisation_id}/teams/{team_id}/check-ins.csv",
    summary="A team's check-in history as CSV, one row per check-in and goal (the team's "
    "managers, admins; logged)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def team_csv(app: App, me: Learner, organisation_id: RowId, team_id: RowId) -> Response:
    return csv_response(app.check_ins.team_export(me, organisation_id, team_id))
