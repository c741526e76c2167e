"""Self-assessment: recording one, progress, the profile and the report's data.

The API calls every learner "me": their profile name is internal.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from pmpath.services.models.assessments import (
    LearnerProfile,
    Progress,
    RecordedAssessment,
    Report,
)
from pmpath.web.api.bodies import json_body
from pmpath.web.deps import App, Learner

router = APIRouter()


@router.post("/assessments", status_code=201, summary="Record a whole self-assessment")
async def record_assessment(request: Request, app: App, me: Learner) -> RecordedAssessment:
    """The body is the answers file as JSON: ``{"ratings": {...}, "background": ...}``."""
    from pmpath.assessment.answers import answers_from_data

    assessment = answers_from_data(await json_body(request), app.framework)
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
