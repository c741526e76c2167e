"""Who is in an organisation and its teams, in what role: the organisation's people page for
its admins, and the buttons on the team page (make manager, remove, leave). Every change is a
POST that comes back to the page it was made on with a message; what the rules refuse is said
there and changes nothing (:mod:`pmpath.services.people`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.errors import ConflictError, ForbiddenError
from pmpath.services.accounts import User
from pmpath.web.deps import App, Learner, RowId, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.render import page

router = APIRouter()

PEOPLE = "/organisations/{organisation_id}/people"
TEAM_MEMBER = "/teams/{team_id}/members/{user_id}"


@router.get(PEOPLE, response_class=HTMLResponse)
def people(
    request: Request, app: App, organisation_id: RowId, me: Annotated[User, signed_in(PEOPLE)]
) -> Response:
    return page(request, "people.html", {"found": app.people.people(me, organisation_id)})


def _back(request: Request, target: str, message: str, error: bool = False) -> Response:
    response = RedirectResponse(target, status_code=303)
    flash(response, request, message, "error" if error else "notice")
    return response


def _refused(request: Request, target: str, exc: ConflictError | ForbiddenError) -> Response:
    message = exc.problems[0].message
    return _back(request, target, message[0].upper() + message[1:] + ".", error=True)


@router.post(PEOPLE + "/{user_id}/role")
def set_organisation_role(
    request: Request,
    app: App,
    me: Learner,
    organisation_id: RowId,
    user_id: RowId,
    role: str = Form(""),
) -> Response:
    target = PEOPLE.format(organisation_id=organisation_id)
    try:
        name = app.people.set_organisation_role(me, organisation_id, user_id, role)
    except ConflictError as exc:
        return _refused(request, target, exc)
    if user_id == me.id:
        # No longer an admin: the people page is not theirs any more.
        return _back(request, f"/organisations/{organisation_id}", "You are no longer an admin.")
    as_role = "an organisation admin" if role == "admin" else "a member (no longer an admin)"
    return _back(request, target, f"{name} is now {as_role}.")


@router.post(PEOPLE + "/{user_id}/remove")
def remove_from_organisation(
    request: Request, app: App, me: Learner, organisation_id: RowId, user_id: RowId
) -> Response:
    target = PEOPLE.format(organisation_id=organisation_id)
    try:
        name = app.people.remove_from_organisation(me, organisation_id, user_id)
    except (ConflictError, ForbiddenError) as exc:
        back = target if user_id != me.id else f"/organisations/{organisation_id}"
        return _refused(request, back, exc)
    if user_id == me.id:
        return _back(request, "/teams", "You have left the organisation.")
    return _back(request, target, f"{name} is no longer in the organisation.")


@router.post(TEAM_MEMBER + "/role")
def set_team_role(
    request: Request, app: App, me: Learner, team_id: RowId, user_id: RowId, role: str = Form("")
) -> Response:
    name = app.people.set_team_role(me, team_id, user_id, role)
    as_role = "a manager of the team" if role == "manager" else "a member of the team"
    return _back(request, f"/teams/{team_id}", f"{name} is now {as_role}.")


@router.post(TEAM_MEMBER + "/remove")
def remove_from_team(
    request: Request, app: App, me: Learner, team_id: RowId, user_id: RowId
) -> Response:
    name = app.people.remove_from_team(me, team_id, user_id)
    if user_id == me.id:
        return _back(request, "/teams", "You have left the team.")
    return _back(request, f"/teams/{team_id}", f"{name} is no longer in the team.")
