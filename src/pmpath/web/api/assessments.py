"""Self-assessment: recording one, progress, the profile and the report's data.

The API calls every learner "me": their profile name is internal.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from pmpath.assessment.answers import AnswersFile, answers_from_data
from pmpath.services.models.assessments import (
    LearnerProfile,
    Progress,
    RecordedAssessment,
    Report,
)
from pmpath.web.api.bodies import documented_body, json_body
from pmpath.web.deps import App, Learner

router = APIRouter()

#: A self-assessment with a note on every competency is under 20 KB.
ASSESSMENT_BODY_LIMIT = 256 * 1024


@router.post(
    "/assessments",
    status_code=201,
    summary="Record a whole self-assessment",
    openapi_extra=documented_body(AnswersFile),
)
async def record_assessment(request: Request, app: App, me: Learner) -> RecordedAssessment:
    """The body is the answers file as JSON: ``{"ratings": {...}, "background": ...}``. Ids
    and levels are checked against the career framework (422 naming each field)."""
    body = await json_body(request, ASSESSMENT_BODY_LIMIT)
    assessment = answers_from_data(body, app.framework)
    recorded = app.assessments.submit(me.profile, assessment, source="api")
    return recorded.model_copy(update={"profile": "me"})


@router.get("/assessments", summary="Your assessments, with progress per competency")
def assessments(app: App, me: Learner) -> Progress:
    return app.assessments.progress(me.profile).model_copy(update={"profile": "me"})


@router.get("/profile", summary="Your newest assessment: ratings, placement, direction, gaps, plan")
def profile(app: App, me: Learner, target: str | None = None) -> LearnerProfile:
    found = app.assessments.profile(me.profile, target, app.evidence(me.profile))
    return found.model_copy(update={"profile": "me"})


@router.get("/report", summary="The report's data (as pmpath report --json)")
def report(app: App, me: Learner, target: str | None = None) -> Report:
    data = app.assessments.report(me.profile, target, app.evidence(me.profile))
    return data.model_copy(
        update={
            "readiness": app.psychometrics.readiness(me.profile),
            "profile": data.profile.model_copy(update={"name": me.name}),
        }
    )
