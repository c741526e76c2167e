"""LTI Advantage's services: a course's gradebook (JSON and CSV), its roster brought in, and the
grade passback's outbox. Who may do what is the services' decision (docs/lti.md): the outbox
is for admins; a course is for admins and its instructors (403 for anyone else, 404 for a
course that does not exist)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from pmpath.services.models.lti_advantage import (
    Courses,
    Gradebook,
    GradebookExport,
    Outbox,
    PassbackRun,
    Retried,
    RosterReport,
)
from pmpath.web.deps import App, Learner, RowId

router = APIRouter()

#: A row id in a query string (a larger one is a 422, not an overflow in the database driver).
RowIdQuery = Annotated[int, Query(ge=0, le=2**63 - 1)]


def csv_response(export: GradebookExport) -> Response:
    """The export as a download: UTF-8 with a byte order mark, so spreadsheets read it as
    UTF-8."""
    return Response(
        ("\ufeff" + export.csv).encode("utf-8"),
        media_type="text/csv; charset=utf-8; header=present",
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


@router.get(
    "/lti/courses",
    summary="The LMS courses you may export grades from and bring rosters in from (admins: "
    "every course; instructors: the courses they launched pmpath from as Instructor)",
)
def courses(app: App, me: Learner) -> Courses:
    return app.lti_grades.courses(me)


@router.get(
    "/lti/courses/{context}/grades",
    summary="A course's gradebook: each learner's newest score at each exam, with whether it "
    "reached the LMS",
)
def gradebook(app: App, me: Learner, context: RowId) -> Gradebook:
    return app.lti_grades.gradebook(me, context)


@router.get(
    "/lti/grades.csv",
    summary="A course's gradebook as CSV (the fallback when grade passback fails)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def grades_csv(app: App, me: Learner, context: RowIdQuery) -> Response:
    return csv_response(app.lti_grades.export(me, context))


@router.post(
    "/lti/courses/{context}/roster",
    summary="Bring the course's roster in from the LMS as a team (Names and Role Provisioning); "
    "reports who was added, updated, unchanged and who left",
)
def import_roster(
    app: App, me: Learner, context: RowId, organisation: RowIdQuery | None = None
) -> RosterReport:
    return app.lti_grades.rosters.import_roster(me, context, organisation)


@router.get(
    "/lti/outbox",
    summary="The grade passback's outbox: scores per state, the pending and failed ones (admins)",
)
def outbox(app: App, me: Learner) -> Outbox:
    return app.lti_grades.outbox(me)


@router.post(
    "/lti/outbox/send",
    summary="Queue newly finished attempts and send the scores that are due, now (admins)",
)
def send_now(app: App, me: Learner) -> PassbackRun:
    return app.lti_grades.run_as(me)


@router.post(
    "/lti/outbox/retry",
    summary="Make failed scores pending again (one with ?score=, else all) (admins)",
)
def retry(app: App, me: Learner, score: RowIdQuery | None = None) -> Retried:
    return Retried(retried=app.lti_grades.retry(me, score))
