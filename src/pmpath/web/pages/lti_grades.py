"""LTI Advantage's pages: the grades page (the passback's outbox for admins, and the LMS
courses one may manage), a course's page (its gradebook, the CSV download, bringing its roster
in and what the newest import did). Every permission is the services'; each action is a POST
with the session's CSRF token, then a redirect with a message."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.services.accounts import User
from pmpath.services.models.lti_advantage import STATE_NAMES, PassbackRun
from pmpath.web.deps import App, Learner, RowId, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.render import page

router = APIRouter()

GRADES = "/admin/lti/grades"
COURSE = "/admin/lti/courses/{context}"


@router.get(GRADES, response_class=HTMLResponse)
def grades(request: Request, me: Annotated[User, signed_in(GRADES)]) -> Response:
    app = request.app.state.pmpath
    courses = app.lti_grades.courses(me)
    outbox = app.lti_grades.outbox(me) if me.has("admin") else None
    values = {"courses": courses, "outbox": outbox, "state_names": STATE_NAMES}
    return page(request, "lti_grades.html", values)


@router.get(COURSE, response_class=HTMLResponse)
def course(request: Request, context: RowId, me: Annotated[User, signed_in(COURSE)]) -> Response:
    app = request.app.state.pmpath
    book = app.lti_grades.gradebook(me, context)
    organisations = app.lti_grades.courses(me).organisations
    values = {
        "book": book,
        "report": app.lti_grades.rosters.newest_report(me, context),
        "organisations": organisations,
        "state_names": STATE_NAMES,
    }
    return page(request, "lti_grades_course.html", values)


@router.post(f"{COURSE}/roster")
def import_roster(
    request: Request, app: App, me: Learner, context: RowId, organisation: str = Form("")
) -> Response:
    chosen = int(organisation) if organisation.strip().isdigit() else None
    report = app.lti_grades.rosters.import_roster(me, context, chosen)
    response = RedirectResponse(COURSE.format(context=context) + "#roster", status_code=303)
    flash(
        response,
        request,
        f"Roster brought into {report.team}: {len(report.added)} added, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.left)} left the course.",
    )
    return response


@router.post(f"{GRADES}/send")
def send_now(request: Request, app: App, me: Learner) -> Response:
    run = app.lti_grades.run_as(me)
    response = RedirectResponse(GRADES, status_code=303)
    flash(response, request, _run_text(run), "error" if run.errors else "notice")
    return response


@router.post(f"{GRADES}/retry")
def retry(request: Request, app: App, me: Learner, score: str = Form("")) -> Response:
    chosen = int(score) if score.strip().isdigit() else None
    count = app.lti_grades.retry(me, chosen)
    response = RedirectResponse(GRADES + "#waiting", status_code=303)
    noun = "score" if count == 1 else "scores"
    flash(response, request, f"{count} failed {noun} will be sent again now.")
    return response


def _run_text(run: PassbackRun) -> str:
    text = f"{run.sent} sent"
    if run.retrying:
        text += f", {run.retrying} to be tried again"
    if run.failed:
        text += f", {run.failed} failed for good"
    text += "." if not run.errors else f": {run.errors[0]}"
    return text
