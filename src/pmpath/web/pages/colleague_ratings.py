"""Rating a colleague (one competency per step, each saved as it is given), a member's
ratings side by side, and the form a manager uses to ask for self-assessments. Every
permission is the colleague-ratings service's."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.errors import PmpathError
from pmpath.services.accounts import User
from pmpath.services.models.colleague_ratings import FLAG_GAP, RatingSheet
from pmpath.web.deps import App, Learner, RowId, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.accounts import field_errors
from pmpath.web.pages.render import page
from pmpath.web.pages.teams import team_page
from pmpath.web.problems import status_of

router = APIRouter()

RATE = "/organisations/{organisation_id}/members/{user_id}/rate"
RATINGS = "/organisations/{organisation_id}/members/{user_id}/ratings"


def _rate_page(
    request: Request,
    me: User,
    organisation_id: int,
    user_id: int,
    step: int | None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    app = request.app.state.pmpath
    sheet: RatingSheet = app.colleague_ratings.sheet(me, organisation_id, user_id)
    total = len(sheet.competencies)
    if step is None:  # the first competency not rated yet, or the first
        step = next((n for n, c in enumerate(sheet.competencies, 1) if c.level is None), 1)
    step = min(max(step, 1), total)
    competency = sheet.competencies[step - 1]
    values = typed or {
        "level": competency.level,
        "link": competency.evidence.link or "",
        "note": competency.evidence.note or "",
    }
    shown = {
        "sheet": sheet,
        "competency": competency,
        "number": step,
        "total": total,
        "rated": sum(c.level is not None for c in sheet.competencies),
        "values": values,
        "errors": errors or {},
    }
    return page(request, "rate_colleague.html", shown, status)


@router.get(RATE, response_class=HTMLResponse)
def rate_colleague(
    request: Request,
    organisation_id: RowId,
    user_id: RowId,
    me: Annotated[User, signed_in(RATE)],
    step: int | None = None,
) -> Response:
    return _rate_page(request, me, organisation_id, user_id, step)


@router.post(RATE, response_class=HTMLResponse)
def save_rating(
    request: Request,
    app: App,
    me: Learner,
    organisation_id: RowId,
    user_id: RowId,
    step: int = Form(1),
    competency: str = Form(""),
    level: str = Form(""),
    link: str = Form(""),
    note: str = Form(""),
    go: str = Form("next"),
) -> Response:
    """Save one competency's rating (committed at once) and go on, back, or to the end."""
    typed = {"level": int(level) if level.isdigit() else None, "link": link, "note": note}
    if not level.isdigit():
        errors = {"level-1": "choose the level that describes them best"}
        return _rate_page(request, me, organisation_id, user_id, step, 422, errors, typed)
    try:
        given = app.colleague_ratings.rate(
            me, organisation_id, user_id, competency, int(level), link or None, note or None
        )
    except PmpathError as exc:
        if status_of(exc) in (403, 404):
            raise
        errors = field_errors(exc, ("level", "link", "note"))
        if "level" in errors:
            errors["level-1"] = errors.pop("level")
        return _rate_page(
            request, me, organisation_id, user_id, step, status_of(exc), errors, typed
        )
    sheet = app.colleague_ratings.sheet(me, organisation_id, user_id)
    base = RATE.format(organisation_id=organisation_id, user_id=user_id)
    if go == "back" and step > 1:
        return RedirectResponse(f"{base}?step={step - 1}", status_code=303)
    if step < len(sheet.competencies):
        return RedirectResponse(f"{base}?step={step + 1}", status_code=303)
    rated = sum(c.level is not None for c in sheet.competencies)
    total = len(sheet.competencies)
    if rated < total:  # some were skipped: back to the first one still open
        first_open = next(n for n, c in enumerate(sheet.competencies, 1) if c.level is None)
        response = RedirectResponse(f"{base}?step={first_open}", status_code=303)
        said = f"You have rated {rated} of {total} competencies for {sheet.subject}: "
        flash(response, request, said + "this one is still open.")
        return response
    # Done: a manager goes on to the ratings side by side, a peer back to the organisation
    # (peers never see the side-by-side view).
    done = (
        RATINGS.format(organisation_id=organisation_id, user_id=user_id)
        if sheet.source == "manager"
        else f"/organisations/{organisation_id}"
    )
    response = RedirectResponse(done, status_code=303)
    flash(
        response,
        request,
        f"Saved your rating of {given.name}: you have rated all {total} competencies for "
        f"{sheet.subject}. Rating one again replaces your earlier rating.",
    )
    return response


@router.get(RATINGS, response_class=HTMLResponse)
def side_by_side(
    request: Request,
    organisation_id: RowId,
    user_id: RowId,
    me: Annotated[User, signed_in(RATINGS)],
) -> Response:
    app = request.app.state.pmpath
    found = app.colleague_ratings.side_by_side(me, organisation_id, user_id)
    organisation = app.teams.organisation(me, organisation_id)
    values = {"view": found, "organisation": organisation, "flag_gap": FLAG_GAP}
    return page(request, "side_by_side.html", values)


@router.post("/teams/{team_id}/requests")
def ask_to_self_assess(
    request: Request,
    app: App,
    me: Learner,
    team_id: RowId,
    member: str = Form("all"),
    due: str = Form(""),
) -> Response:
    """Ask one member or the whole team to self-assess by a date; the answer is the team
    page, with the form's problems on it."""
    typed = {"member": member, "due": due}
    try:
        due_on = date.fromisoformat(due)
    except ValueError:
        errors = {"due": "enter the date as shown, for example 2027-01-31"}
        return team_page(request, me, team_id, 422, errors, request_form=typed)
    try:
        made = app.colleague_ratings.request_self_assessment(
            me,
            team_id,
            due_on,
            None if member == "all" else int(member) if member.isdigit() else -1,
        )
    except PmpathError as exc:
        if status_of(exc) in (403, 404):
            raise
        errors = field_errors(exc, ("member", "due"))
        return team_page(request, me, team_id, status_of(exc), errors, request_form=typed)
    response = RedirectResponse(f"/teams/{team_id}#requests", status_code=303)
    who = made.requests[0].member if len(made.requests) == 1 else f"{len(made.requests)} members"
    flash(response, request, f"Asked {who} to self-assess by {due_on.day} {due_on:%B %Y}.")
    return response
