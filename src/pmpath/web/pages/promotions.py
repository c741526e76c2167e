"""Promotion-case pages: an organisation's cases with the form to open one, the case (its
document, the recommendation editor, submit and decide) and its printable document. Every
permission is the promotion service's; forms post, then redirect with a flash message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.errors import PmpathError
from pmpath.reports.promotions import (
    DECISION_EFFECT,
    KIND,
    NO_ACTIONS,
    READINESS,
    SOURCE,
    decision_words,
    render_promotion_case,
    status_words,
)
from pmpath.services.accounts import User
from pmpath.services.promotions import MAX_TEXT
from pmpath.web.deps import App, Learner, RowId, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.accounts import field_errors
from pmpath.web.pages.render import page
from pmpath.web.problems import status_of

router = APIRouter()

CASES = "/organisations/{organisation_id}/promotions"
CASE = CASES + "/{case_id}"
#: What the page's words need besides the data.
WORDS = {
    "status_words": status_words,
    "decision_words": decision_words,
    "no_actions": NO_ACTIONS,
    "readiness": READINESS,
    "sources": SOURCE,
    "kinds": KIND,
    "max_text": MAX_TEXT,
}


def _cases_page(
    request: Request,
    me: User,
    organisation_id: int,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    app = request.app.state.pmpath
    found = app.promotions.cases(me, organisation_id)
    rubric = app.colleague_ratings.rubric(organisation_id)
    values = {
        "found": found,
        "roles": rubric.roles,
        "specialisations": rubric.specialisations,
        "framework_name": rubric.name,
        "is_admin": app.teams.organisation(me, organisation_id).role == "admin",
        "errors": errors or {},
        "typed": typed or {"member": "", "target_role": "", "specialisation": ""},
        **WORDS,
    }
    return page(request, "promotion_cases.html", values, status)


@router.get(CASES, response_class=HTMLResponse)
def promotion_cases(
    request: Request,
    organisation_id: RowId,
    me: Annotated[User, signed_in(CASES)],
    member: str = "",
) -> Response:
    """The cases; ``member`` (from a card on the team page) chooses whom the form is for."""
    typed = {"member": member if member.isdigit() else "", "target_role": "", "specialisation": ""}
    return _cases_page(request, me, organisation_id, typed=typed)


@router.post(CASES, response_class=HTMLResponse)
def open_case(
    request: Request,
    app: App,
    me: Learner,
    organisation_id: RowId,
    member: str = Form(""),
    target_role: str = Form(""),
    specialisation: str = Form(""),
) -> Response:
    """Open a draft case, then show it; the form's problems are shown on the list page."""
    typed = {"member": member, "target_role": target_role, "specialisation": specialisation}
    if not member.isdigit():
        errors = {"member": "choose the member the case is for"}
        return _cases_page(request, me, organisation_id, 422, errors, typed)
    try:
        case = app.promotions.open(
            me, organisation_id, int(member), target_role, specialisation or None
        )
    except PmpathError as exc:
        errors = field_errors(exc, ("member", "target_role", "specialisation"))
        status = status_of(exc)
        if status == 403 and "member" not in errors:
            raise
        return _cases_page(request, me, organisation_id, status, errors, typed)
    response = RedirectResponse(
        CASE.format(organisation_id=organisation_id, case_id=case.id), status_code=303
    )
    flash(
        response,
        request,
        f"Opened a case for {case.subject.name} for {case.target_role.name}. It is a draft: "
        f"write your recommendation below, then submit it.",
    )
    return response


def _case_page(
    request: Request,
    me: User,
    organisation_id: int,
    case_id: int,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    app = request.app.state.pmpath
    view = app.promotions.view(me, organisation_id, case_id)
    values = {
        "view": view,
        "case": view.case,
        "doc": view.document,
        "levels": {s.level: s.name for s in view.document.scale},
        "decision_effect": DECISION_EFFECT.format(name=view.case.subject.name),
        "errors": errors or {},
        "typed": typed or {},
        **WORDS,
    }
    return page(request, "promotion_case.html", values, status)


@router.get(CASE, response_class=HTMLResponse)
def promotion_case(
    request: Request,
    organisation_id: RowId,
    case_id: RowId,
    me: Annotated[User, signed_in(CASE)],
) -> Response:
    return _case_page(request, me, organisation_id, case_id)


@router.get(CASE + "/print", response_class=HTMLResponse)
def printable_case(
    request: Request,
    organisation_id: RowId,
    case_id: RowId,
    me: Annotated[User, signed_in(CASE + "/print")],
) -> Response:
    """The case as a self-contained document with a print stylesheet."""
    app = request.app.state.pmpath
    view = app.promotions.view(me, organisation_id, case_id)
    back = CASE.format(organisation_id=organisation_id, case_id=case_id)
    return HTMLResponse(render_promotion_case(view, back=back))


def _step(
    request: Request,
    me: User,
    organisation_id: int,
    case_id: int,
    act: Callable[[], str],
    fields: tuple[str, ...],
    typed: dict[str, str],
) -> Response:
    """Run one step on the case; on bad input the case page again with the problems (422,
    or 409 when its status does not allow the step), else back to it with the message
    ``act`` returns."""
    try:
        done = act()
    except PmpathError as exc:
        status = status_of(exc)
        if status in (403, 404):
            raise
        errors = field_errors(exc, fields)
        return _case_page(request, me, organisation_id, case_id, status, errors, typed)
    response = RedirectResponse(
        CASE.format(organisation_id=organisation_id, case_id=case_id), status_code=303
    )
    flash(response, request, done)
    return response


@router.post(CASE + "/recommendation", response_class=HTMLResponse)
def write_recommendation(
    request: Request,
    app: App,
    me: Learner,
    organisation_id: RowId,
    case_id: RowId,
    recommendation: str = Form(""),
    then: str = Form("save"),
) -> Response:
    """Save the recommendation; with ``then=submit``, submit the case right after."""

    def act() -> str:
        app.promotions.recommend(me, organisation_id, case_id, recommendation)
        if then != "submit":
            return "Saved your recommendation. It stays a draft until you submit it."
        app.promotions.submit(me, organisation_id, case_id)
        return (
            "Submitted the case. Its document is kept as it is today; the member sees it now, "
            "and an organisation admin decides."
        )

    typed = {"recommendation": recommendation}
    return _step(request, me, organisation_id, case_id, act, ("recommendation",), typed)


@router.post(CASE + "/decide", response_class=HTMLResponse)
def decide(
    request: Request,
    app: App,
    me: Learner,
    organisation_id: RowId,
    case_id: RowId,
    decision: str = Form(""),
    note: str = Form(""),
) -> Response:
    def act() -> str:
        case = app.promotions.decide(me, organisation_id, case_id, decision, note)
        return (
            f"Recorded the decision: {decision_words(case)}. Levels and placement stay as they "
            "are until the member self-assesses again or their manager rates them."
        )

    typed = {"decision": decision, "note": note}
    return _step(request, me, organisation_id, case_id, act, ("decision", "note"), typed)
