"""Calibration pages for an organisation (issue #19): the session (everyone placed at one role
side by side, with a form to adjust a level and say why), raters' severities in plain words,
and the audit trail of adjustments. Every permission is the calibration-session service's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.errors import PmpathError
from pmpath.services.accounts import User
from pmpath.services.calibration_sessions import adjusted_words
from pmpath.services.models.calibration_sessions import MAX_REASON
from pmpath.web.deps import App, Learner, RowId, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.accounts import field_errors
from pmpath.web.pages.render import page
from pmpath.web.problems import status_of

router = APIRouter()

SESSION = "/organisations/{organisation_id}/calibration"
RATERS = "/organisations/{organisation_id}/calibration/raters"
AUDIT = "/organisations/{organisation_id}/calibration/audit"
ADJUST = "/organisations/{organisation_id}/calibration/adjustments"

#: What each source of a current level is called on the page.
SOURCES = {"calibrated": "calibrated", "manager": "manager's rating", "self": "self-assessment"}
STATUSES = {"ready-now": "ready now", "working-towards": "working towards it"}
KINDS = {"manager": "Manager", "peers": "Peers, pooled", "self": "Self-assessment"}
#: A short label for each of the model's flags (its note says the rest).
FLAG_LABELS = {
    "same_level_every_time": "same level",
    "erratic": "erratic",
    "too_predictable": "too uniform",
    "few_ratings": "few ratings",
}


def _session_page(
    request: Request,
    me: User,
    organisation_id: int,
    role: str | None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    app = request.app.state.pmpath
    found = app.calibration_sessions.session(me, organisation_id, role or None)
    names = {str(person.user_id): person.name for person in found.people}
    named = {}
    for key, text in (errors or {}).items():
        who = names.get(key.rsplit("-", 1)[-1]) if key != "form" else None
        named[key] = f"{who}: {text}" if who else text
    values = {
        "view": found,
        "sources": SOURCES,
        "statuses": STATUSES,
        "max_reason": MAX_REASON,
        "errors": named,
        "typed": typed or {},
    }
    return page(request, "calibration_session.html", values, status)


@router.get(SESSION, response_class=HTMLResponse)
def calibration_session(
    request: Request,
    organisation_id: RowId,
    me: Annotated[User, signed_in(SESSION)],
    role: str | None = None,
) -> Response:
    return _session_page(request, me, organisation_id, role)


@router.post(ADJUST, response_class=HTMLResponse)
def adjust_level(
    request: Request,
    app: App,
    me: Learner,
    organisation_id: RowId,
    member: str = Form(""),
    role: str = Form(""),
    competency: str = Form(""),
    level: str = Form(""),
    reason: str = Form(""),
) -> Response:
    """Record one adjustment and come back to the session at the person adjusted."""
    who = int(member) if member.isdigit() else -1
    typed = {"member": who, "competency": competency, "level": level, "reason": reason}
    fields = ("competency", "level", "reason")
    if not level.isdigit():
        errors = {f"level-{who}": "choose the level to set"}
        return _session_page(request, me, organisation_id, role, 422, errors, typed)
    try:
        made = app.calibration_sessions.adjust(
            me, organisation_id, who, competency, int(level), reason, role or None
        )
    except PmpathError as exc:
        if status_of(exc) in (403, 404):
            raise
        found = field_errors(exc, fields)
        errors = {(key if key == "form" else f"{key}-{who}"): text for key, text in found.items()}
        return _session_page(request, me, organisation_id, role, status_of(exc), errors, typed)
    base = SESSION.format(organisation_id=organisation_id)
    query = f"?role={made.role_id}" if made.role_id else ""
    response = RedirectResponse(f"{base}{query}#person-{made.subject_id}", status_code=303)
    flash(response, request, adjusted_words(made))
    return response


@router.get(RATERS, response_class=HTMLResponse)
def rater_severities(
    request: Request,
    organisation_id: RowId,
    me: Annotated[User, signed_in(RATERS)],
) -> Response:
    app = request.app.state.pmpath
    found = app.calibration_sessions.severities(me, organisation_id)
    people: dict[int, list[Any]] = {}
    for level in found.adjusted:
        people.setdefault(level.user_id, []).append(level)
    values = {
        "view": found,
        "people": list(people.values()),
        "kinds": KINDS,
        "flag_labels": FLAG_LABELS,
    }
    return page(request, "calibration_raters.html", values)


@router.get(AUDIT, response_class=HTMLResponse)
def audit_trail(
    request: Request,
    organisation_id: RowId,
    me: Annotated[User, signed_in(AUDIT)],
) -> Response:
    app = request.app.state.pmpath
    found = app.calibration_sessions.audit(me, organisation_id)
    return page(request, "calibration_audit.html", {"view": found})
