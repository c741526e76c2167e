"""Organisations and teams for product leaders: create them, invite people by link or email,
accept an invitation, a team's members with what the viewer may see of them, and the
organisation's own ladder versions. Every permission is the teams service's."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.errors import PmpathError
from pmpath.services.accounts import User
from pmpath.services.models.teams import AccessEntry, NewInvitation
from pmpath.services.organisation_ladders import MAX_LADDER_BYTES
from pmpath.web.auth import current, form_token, keep_form_token
from pmpath.web.deps import App, Learner, RowId, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.accounts import field_errors
from pmpath.web.pages.render import page
from pmpath.web.problems import status_of

router = APIRouter()

#: How long an invitation may stay open, as the invitation form offers it (days).
INVITATION_DAYS = {3: "3 days", 7: "7 days", 14: "14 days", 30: "30 days"}
#: How many of the newest reads of someone's data the organisation page lists for admins.
ACCESS_LOG_SHOWN = 20
#: How many of the newest log rows the organisation page reads to make its lines from.
ACCESS_LOG_READ = 500
PLACEMENT_STATUS = {"ready-now": "ready now", "working-towards": "working towards"}


def link_base(request: Request, app: Any) -> str:
    """The site's address for links people open elsewhere (an email, a chat message)."""
    return (app.settings.public_url or str(request.base_url)).rstrip("/")


# -- organisations -------------------------------------------------------------------------------


def _teams_home(
    request: Request, me: User, status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    app = request.app.state.pmpath
    values = {"organisations": app.teams.organisations(me).organisations, "errors": errors or {}}
    return page(request, "teams_home.html", values, status)


@router.get("/teams", response_class=HTMLResponse)
def teams_home(request: Request, me: Annotated[User, signed_in("/teams")]) -> Response:
    return _teams_home(request, me)


@router.post("/teams/organisations")
def create_organisation(request: Request, app: App, me: Learner, name: str = Form("")) -> Response:
    try:
        made = app.teams.create_organisation(me, name)
    except PmpathError as exc:
        return _teams_home(request, me, status_of(exc), field_errors(exc, ("name",)))
    response = RedirectResponse(f"/organisations/{made.id}", status_code=303)
    flash(response, request, f"{made.name} is ready, with you as its organisation admin.")
    return response


def _grouped_reads(entries: list[AccessEntry]) -> list[dict[str, Any]]:
    """The log's newest rows as lines of who saw whose what, each with how many times and
    when last: opening a team page a few times is one line per person, not one per view.
    Lines are in the order of their newest read; the full log stays in the API and the CLI."""
    lines: dict[tuple[str | None, str | None, str], dict[str, Any]] = {}
    for entry in entries:  # newest first
        key = (entry.viewer, entry.subject, entry.what)
        if key in lines:
            lines[key]["times"] += 1
        elif len(lines) < ACCESS_LOG_SHOWN:
            lines[key] = {
                "viewer": entry.viewer,
                "subject": entry.subject,
                "what": entry.what,
                "at": entry.at,
                "times": 1,
            }
    return list(lines.values())


def _organisation_page(
    request: Request,
    me: User,
    organisation_id: int,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: str = "",
) -> Response:
    app = request.app.state.pmpath
    found = app.teams.organisation(me, organisation_id)
    values = {
        "organisation": found,
        "errors": errors or {},
        "typed": typed,
        "reads": (
            _grouped_reads(app.teams.access_log(me, organisation_id, ACCESS_LOG_READ).entries)
            if found.role == "admin"
            else []
        ),
    }
    return page(request, "organisation.html", values, status)


@router.get("/organisations/{organisation_id}", response_class=HTMLResponse)
def organisation(
    request: Request,
    organisation_id: RowId,
    me: Annotated[User, signed_in("/organisations/{organisation_id}")],
) -> Response:
    return _organisation_page(request, me, organisation_id)


@router.post("/organisations/{organisation_id}/teams")
def create_team(
    request: Request, app: App, me: Learner, organisation_id: RowId, name: str = Form("")
) -> Response:
    try:
        team = app.teams.create_team(me, organisation_id, name)
    except PmpathError as exc:
        if not exc.is_bad_input or status_of(exc) in (403, 404):
            raise
        errors = field_errors(exc, ("name",))
        return _organisation_page(request, me, organisation_id, status_of(exc), errors, name)
    response = RedirectResponse(f"/teams/{team.id}", status_code=303)
    flash(response, request, f"The team {team.name} is ready, with you as its manager.")
    return response


# -- teams and invitations -----------------------------------------------------------------------


def team_page(
    request: Request,
    me: User,
    team_id: int,
    status: int = 200,
    errors: dict[str, str] | None = None,
    invitation: NewInvitation | None = None,
    invite_form: dict[str, Any] | None = None,
    request_form: dict[str, Any] | None = None,
) -> Response:
    app = request.app.state.pmpath
    team = app.teams.team(me, team_id)
    organisation = app.teams.organisation(me, team.organisation_id)
    today = app.clock().date()
    values = {
        "team": team,
        "errors": errors or {},
        "invitation": invitation,
        "invitation_link": (
            f"{link_base(request, app)}/invitations/{invitation.token}" if invitation else None
        ),
        "invite_form": invite_form or {"role": "member", "email": "", "days": 14},
        "invitation_days": INVITATION_DAYS,
        "statuses": PLACEMENT_STATUS,
        "smtp": app.teams.mailer is not None,
        "is_admin": organisation.role == "admin",
        # Members self-assess on the organisation's own ladder once it has one.
        "assess_url": (
            f"/organisations/{organisation.id}/assess" if organisation.ladder_version else "/assess"
        ),
        "requests": app.colleague_ratings.team_requests(me, team_id).requests,
        "request_form": request_form or {"member": "all", "due": ""},
        "today": today.isoformat(),
    }
    return page(request, "team.html", values, status)


@router.get("/teams/{team_id}", response_class=HTMLResponse)
def team(
    request: Request, team_id: RowId, me: Annotated[User, signed_in("/teams/{team_id}")]
) -> Response:
    return team_page(request, me, team_id)


@router.post("/teams/{team_id}/invitations", response_class=HTMLResponse)
def invite(
    request: Request,
    app: App,
    me: Learner,
    team_id: RowId,
    role: str = Form("member"),
    email: str = Form(""),
    days: int = Form(14),
) -> Response:
    """The new invitation's link is shown on the page that answers this form, once (like a
    new API token): only its hash is stored, so a redirect could not show it again."""
    typed = {"role": role, "email": email, "days": days}
    if days not in INVITATION_DAYS:
        errors = {"days": "choose how long the invitation stays open from the list"}
        return team_page(request, me, team_id, 422, errors, invite_form=typed)
    try:
        made = app.teams.invite(
            me,
            team_id,
            role,  # type: ignore[arg-type]  # checked by the service
            email or None,
            link_base(request, app),
            timedelta(days=days),
        )
    except PmpathError as exc:
        if status_of(exc) in (403, 404):
            raise
        errors = field_errors(exc, ("role", "email", "days"))
        return team_page(request, me, team_id, status_of(exc), errors, invite_form=typed)
    return team_page(request, me, team_id, 201, invitation=made)


def invitation_page(request: Request, token: str, status: int = 200, **values: Any) -> Response:
    app = request.app.state.pmpath
    invitation = app.teams.invitation(token)
    shown = {"invitation": invitation, "token": token, "errors": {}, "values": {}, **values}
    if current(request)[0] is not None:
        return page(request, "invitation.html", shown, status)
    # The sign-up form on this page posts to /signup: it carries the login-CSRF form token.
    form, new = form_token(request)
    response = page(request, "invitation.html", {**shown, "csrf_token": form}, status)
    if new:
        keep_form_token(response, request, form)
    return response


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation(request: Request, token: str) -> Response:
    return invitation_page(request, token)


@router.post("/invitations/{token}/accept")
def accept(request: Request, app: App, me: Learner, token: str) -> Response:
    try:
        joined = app.teams.accept(me, token)
    except PmpathError as exc:
        if status_of(exc) != 409:
            raise
        return invitation_page(request, token, 409, errors={"form": exc.problems[0].message})
    response = RedirectResponse(f"/teams/{joined.team_id}", status_code=303)
    as_role = "a manager" if joined.role == "manager" else "a member"
    flash(response, request, f"You are now {as_role} of {joined.team} at {joined.organisation}.")
    return response


# -- the organisation's ladder -------------------------------------------------------------------


def _ladder_page(
    request: Request,
    me: User,
    organisation_id: int,
    status: int = 200,
    problems: list[str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    app = request.app.state.pmpath
    values = {
        "organisation": app.teams.organisation(me, organisation_id),
        "versions": app.teams.ladders.versions(me, organisation_id).versions,
        "problems": problems or [],
        "errors": errors or {},
    }
    return page(request, "organisation_ladder.html", values, status)


@router.get("/organisations/{organisation_id}/ladder", response_class=HTMLResponse)
def ladder(
    request: Request,
    organisation_id: RowId,
    me: Annotated[User, signed_in("/organisations/{organisation_id}/ladder")],
) -> Response:
    return _ladder_page(request, me, organisation_id)


@router.post("/organisations/{organisation_id}/ladder", response_class=HTMLResponse)
async def upload_ladder(
    request: Request,
    app: App,
    me: Learner,
    organisation_id: RowId,
    upload: UploadFile | None = None,
) -> Response:
    """Check and keep an uploaded ladder file as the next version; a file with problems is
    shown back with each one by line and field, and nothing is kept."""
    if upload is None or not upload.filename:
        errors = {"upload": "choose a ladder file (YAML) to upload"}
        return _ladder_page(request, me, organisation_id, 422, errors=errors)
    data = await upload.read(MAX_LADDER_BYTES + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        errors = {"upload": "the file is not UTF-8 text: save the YAML as UTF-8 and upload again"}
        return _ladder_page(request, me, organisation_id, 422, errors=errors)
    try:
        made = app.teams.ladders.upload(me, organisation_id, text, upload.filename)
    except PmpathError as exc:
        if status_of(exc) in (403, 404):
            raise
        problems = [str(problem) for problem in exc.problems]
        errors = {"upload": f"the file has {_count(len(problems), 'problem')}: see the list below"}
        return _ladder_page(request, me, organisation_id, 422, problems, errors)
    response = RedirectResponse(f"/organisations/{organisation_id}/ladder", status_code=303)
    flash(response, request, f"{made.name} is now version {made.version} of your ladder.")
    return response


@router.get("/organisations/{organisation_id}/ladder/{version}")
def ladder_file(app: App, me: Learner, organisation_id: RowId, version: RowId) -> Response:
    """One version's file as uploaded, to download."""
    text = app.teams.ladders.text(me, organisation_id, version)
    return Response(
        text,
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="ladder-v{version}.yaml"'},
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
