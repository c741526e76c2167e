"""The adaptive placement test in the browser: what it is, start or resume, one question at a
time, and the result with the ability estimate, its uncertainty and exam readiness.

Like the exam player it works without JavaScript. Every answer is a POST that the service
stores at once, followed by a redirect back to the test's page (post/redirect/get), so a
reload shows the next question and never answers twice. The position of the question being
answered travels in a hidden field: a form posted again from an old tab is ignored rather than
taken as the answer to the question that follows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.errors import AttemptError, ResponseError
from pmpath.services.accounts import User
from pmpath.services.placement import PLACEMENT_MAX_ITEMS
from pmpath.web.auth import application
from pmpath.web.deps import App, MaybeUser, RowId, signed_in
from pmpath.web.pages.exams import (
    LETTERS,
    ORDER_UNTOUCHED,
    answer_error,
    form_response,
    is_blank,
    moved,
)
from pmpath.web.pages.render import page

if TYPE_CHECKING:
    from pmpath.services.models.psychometrics import PlacementView

router = APIRouter()

STOP_REASONS = {
    "precision": "it stopped once your estimate was precise enough",
    "max-length": f"it stopped after the most questions it asks ({PLACEMENT_MAX_ITEMS})",
    "classified": "it stopped once pass or fail was clear",
    "exhausted": "it stopped because no suitable question was left",
}


def _exam_name(request: Request, view: PlacementView) -> str | None:
    """The blueprint's name for an adaptive exam; None for the placement test."""
    blueprint = application(request).psychometrics.blueprints.get(view.test)
    return blueprint.name if blueprint else None


def _stage_names(request: Request) -> dict[str, str]:
    return {stage.id: stage.name for stage in application(request).framework.stages}


@router.get("/placement", response_class=HTMLResponse)
def placement_home(request: Request, app: App, me: MaybeUser) -> Response:
    psychometrics = app.psychometrics
    latest = psychometrics.latest_placement(me.profile) if me else None
    unfinished = psychometrics.unfinished_placement(me.profile) if me else None
    return page(
        request,
        "placement.html",
        {
            "latest": latest,
            "unfinished": unfinished,
            "stages": _stage_names(request),
            # Two questions per domain at least (as the service's stop rule), 48 at most.
            "min_items": min(2 * len(psychometrics.bank.domains), PLACEMENT_MAX_ITEMS),
            "max_items": PLACEMENT_MAX_ITEMS,
        },
    )


@router.post("/placement")
def start(request: Request, app: App, me: Annotated[User, signed_in("/placement")]) -> Response:
    started = app.psychometrics.start_placement(me.profile)
    return RedirectResponse(f"/placement/{started.attempt_id}", status_code=303)


@router.post("/exams/{blueprint_id}/adaptive")
def start_adaptive_exam(
    request: Request, app: App, me: Annotated[User, signed_in("/exams")], blueprint_id: str
) -> Response:
    """The adaptive version of a mock exam runs on the placement test's pages."""
    started = app.psychometrics.start_adaptive_exam(me.profile, blueprint_id)
    return RedirectResponse(f"/placement/{started.attempt_id}", status_code=303)


@router.get("/placement/{attempt_id}", response_class=HTMLResponse)
def test(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/placement/{attempt_id}")],
    attempt_id: RowId,
) -> Response:
    view = app.psychometrics.placement(attempt_id, me.profile)
    return _show(request, view, me.profile)


def _show(
    request: Request,
    view: PlacementView,
    profile: str,
    error: str | None = None,
    draft: list[str] | None = None,
) -> Response:
    if view.finished:
        readiness = application(request).psychometrics.readiness(profile)
        return page(
            request,
            "placement_result.html",
            {
                "r": view,
                "readiness": readiness,
                "stages": _stage_names(request),
                "stop_reason": STOP_REASONS.get(view.stop_reason, ""),
                "exam_name": _exam_name(request, view),
            },
        )
    return page(
        request,
        "placement_question.html",
        {
            "view": view,
            "exam_name": _exam_name(request, view),
            "q": {**dict(view.question), "response": None},  # answers are never changed
            "letters": LETTERS,
            "error": error,
            "draft": draft,
        },
        422 if error else 200,
    )


@router.post("/placement/{attempt_id}")
async def answer(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/placement/{attempt_id}")],
    attempt_id: RowId,
) -> Response:
    psychometrics = app.psychometrics
    back = RedirectResponse(f"/placement/{attempt_id}", status_code=303)
    form = await request.form()
    view = psychometrics.placement(attempt_id, me.profile)
    if view.finished:
        return back
    current = view.question
    if str(form.get("position") or "") != str(current.position):
        return back  # a form from an earlier question (another tab, the back button): ignored
    order = moved(current, form)
    if order is not None:
        # "Move up"/"Move down" without JavaScript: the new order is shown, not yet answered
        # (an answer here is final).
        return _show(request, view, me.profile, draft=order)
    if is_blank(current, form):
        if current.type == "ordering":  # the order as shown is no answer (see is_blank)
            return _show(request, view, me.profile, ORDER_UNTOUCHED)
        return _show(request, view, me.profile, "Give an answer to go on: your best guess is fine.")
    try:
        psychometrics.answer_placement(attempt_id, me.profile, form_response(current, form))
    except ResponseError as exc:
        return _show(request, view, me.profile, answer_error(current, exc))
    except AttemptError:
        pass  # finished meanwhile (another tab): the page shows the result
    return back
