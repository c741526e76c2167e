"""A member's check-ins: their goals, setting one, dropping one, the manager's form to record a
one-to-one, the progress history; and a team's history as a CSV download. Every permission is
the check-in service's; every answer is committed as it is given (POST, then redirect)."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from pmpath.errors import PmpathError
from pmpath.services.accounts import User
from pmpath.services.check_ins import Progress
from pmpath.services.models.check_ins import GOAL_STATUSES, STATUS_NAMES, MemberCheckIns
from pmpath.web.api.check_ins import csv_response
from pmpath.web.deps import App, Learner, RowId, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.render import page
from pmpath.web.problems import status_of

router = APIRouter()

PAGE = "/organisations/{organisation_id}/members/{user_id}/check-ins"
GOALS = "/organisations/{organisation_id}/members/{user_id}/goals"
DROP = "/organisations/{organisation_id}/members/{user_id}/goals/{goal_id}/drop"
TEAM_CSV = "/organisations/{organisation_id}/teams/{team_id}/check-ins.csv"
GOAL_FIELDS = ("title", "competency", "target_level", "plan_step", "due_on")
SOURCES = {"calibrated": "calibrated", "manager": "manager's rating", "self": "self-assessment"}


def _page(
    request: Request,
    me: User,
    organisation_id: int,
    user_id: int,
    status: int = 200,
    errors: dict[str, str] | None = None,
    goal_form: dict[str, Any] | None = None,
    check_in_form: dict[str, Any] | None = None,
) -> Response:
    app = request.app.state.pmpath
    view: MemberCheckIns = app.check_ins.member(me, organisation_id, user_id)
    today = app.clock().date()
    if check_in_form is None:
        check_in_form = {
            "held_on": today.isoformat(),
            "notes": "",
            # each open goal starts at the status it had last time
            "statuses": {g.id: g.status or "" for g in view.goals if g.state == "open"},
            "notes_by_goal": {},
        }
    from pmpath.reports.check_in_chart import check_in_chart

    chart = check_in_chart(view.history)
    values = {
        "view": view,
        "chart": Markup(chart) if chart else None,
        "errors": errors or {},
        "goal_form": goal_form or {},
        "check_in_form": check_in_form,
        "statuses": GOAL_STATUSES,
        "status_names": STATUS_NAMES,
        "sources": SOURCES,
        "today": today.isoformat(),
        "open_goals": [g for g in view.goals if g.state == "open"],
        "closed_goals": [g for g in view.goals if g.state != "open"],
    }
    return page(request, "check_in_member.html", values, status)


def _back(organisation_id: int, user_id: int, anchor: str) -> str:
    return PAGE.format(organisation_id=organisation_id, user_id=user_id) + f"#{anchor}"


@router.get(PAGE, response_class=HTMLResponse)
def member_check_ins(
    request: Request,
    organisation_id: RowId,
    user_id: RowId,
    me: Annotated[User, signed_in(PAGE)],
) -> Response:
    return _page(request, me, organisation_id, user_id)


def _errors(exc: PmpathError, fields: tuple[str, ...]) -> dict[str, str]:
    """The problems by the id of the field they belong to (a goal's status and note in the
    check-in form are ``status-<goal>`` and ``note-<goal>``); others under "form"."""
    found: dict[str, str] = {}
    for problem in exc.problems:
        path = problem.location.field_path
        key = ".".join(map(str, path))
        if len(path) == 3 and path[0] == "progress":
            key = f"{path[2]}-{path[1]}"
        elif key not in fields:
            key = "form"
        found[key] = f"{found[key]} {problem.message}" if key in found else problem.message
    return found


def _day(text: str) -> date | None:
    """A date as a date field sends it; None for an empty field, ValueError for nonsense."""
    return date.fromisoformat(text) if text.strip() else None


@router.post(GOALS)
def add_goal(
    request: Request,
    app: App,
    me: Learner,
    organisation_id: RowId,
    user_id: RowId,
    title: str = Form(""),
    competency: str = Form(""),
    target_level: str = Form(""),
    plan_step: str = Form(""),
    due_on: str = Form(""),
) -> Response:
    typed = {
        "title": title,
        "competency": competency,
        "target_level": target_level,
        "plan_step": plan_step,
        "due_on": due_on,
    }
    errors: dict[str, str] = {}
    level = int(target_level) if target_level.strip().isdigit() else None
    if target_level.strip() and level is None:
        errors["target_level"] = "choose a level from the list"
    try:
        due = _day(due_on)
    except ValueError:
        errors["due_on"] = "enter the date as shown, for example 2027-03-31"
        due = None
    if not errors:
        try:
            goal = app.check_ins.add_goal(
                me,
                organisation_id,
                user_id,
                title,
                competency or None,
                level,
                plan_step or None,
                due,
            )
        except PmpathError as exc:
            if status_of(exc) in (403, 404):
                raise
            errors = _errors(exc, GOAL_FIELDS)
    if errors:
        return _page(request, me, organisation_id, user_id, 422, errors, goal_form=typed)
    response = RedirectResponse(_back(organisation_id, user_id, "goals"), status_code=303)
    flash(response, request, f"Goal set: {goal.title}.")
    return response


@router.post(DROP)
def drop_goal(
    request: Request,
    app: App,
    me: Learner,
    organisation_id: RowId,
    user_id: RowId,
    goal_id: RowId,
) -> Response:
    try:
        goal = app.check_ins.drop_goal(me, organisation_id, user_id, goal_id)
    except PmpathError as exc:
        if status_of(exc) in (403, 404):
            raise
        return _page(request, me, organisation_id, user_id, status_of(exc), _errors(exc, ()))
    response = RedirectResponse(_back(organisation_id, user_id, "goals"), status_code=303)
    flash(response, request, f"Goal dropped: {goal.title}.")
    return response


@router.post(PAGE)
async def record_check_in(
    request: Request, app: App, me: Learner, organisation_id: RowId, user_id: RowId
) -> Response:
    form = await request.form()
    held_on = str(form.get("held_on", ""))
    notes = str(form.get("notes", ""))
    statuses: dict[int, str] = {}
    notes_by_goal: dict[int, str] = {}
    for key, value in form.multi_items():
        kind, _, number = key.partition("-")
        if kind in ("status", "note") and number.isdigit():
            (statuses if kind == "status" else notes_by_goal)[int(number)] = str(value)
    typed = {
        "held_on": held_on,
        "notes": notes,
        "statuses": statuses,
        "notes_by_goal": notes_by_goal,
    }
    errors: dict[str, str] = {}
    day: date | None = None
    with contextlib.suppress(ValueError):
        day = _day(held_on)
    if day is None:
        errors["held_on"] = "enter the date of the check-in, for example 2026-12-07"
    else:
        progress = {
            goal: Progress(status, notes_by_goal.get(goal) or None)
            for goal, status in statuses.items()
            if status
        }
        try:
            made = app.check_ins.record(me, organisation_id, user_id, day, notes, progress)
        except PmpathError as exc:
            if status_of(exc) in (403, 404):
                raise
            errors = _errors(exc, ("held_on", "notes", "team"))
    if errors:
        return _page(request, me, organisation_id, user_id, 422, errors, check_in_form=typed)
    response = RedirectResponse(_back(organisation_id, user_id, "history"), status_code=303)
    done = sum(step.status == "done" for step in made.progress)
    closed = f" {done} goal{'s' if done != 1 else ''} marked done." if done else ""
    flash(
        response,
        request,
        f"Check-in with {made.member} on {made.held_on.day} {made.held_on:%B %Y} saved.{closed}",
    )
    return response


@router.get(TEAM_CSV)
def team_csv(
    app: App,
    organisation_id: RowId,
    team_id: RowId,
    me: Annotated[User, signed_in(TEAM_CSV)],
) -> Response:
    return csv_response(app.check_ins.team_export(me, organisation_id, team_id))
