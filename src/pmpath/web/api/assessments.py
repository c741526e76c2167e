"""Self-assessment: recording one, progress, the profile and the report's data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from pmpath.web.api.bodies import json_body
from pmpath.web.deps import App, Learner

router = APIRouter()
Json = dict[str, Any]


@router.post("/assessments", status_code=201, summary="Record a whole self-assessment")
async def record_assessment(request: Request, app: App, me: Learner) -> Json:
    """The body is the answers file as JSON: ``{"ratings": {...}, "background": ...}``."""
    from pmpath.assessment.answers import answers_from_data
    from pmpath.services.guidance import guidance

    assessment = answers_from_data(await json_body(request), app.framework)
    assessment_id = app.assessments.record(me.profile, assessment, source="api")
    return {"assessment_id": assessment_id, **guidance(app.framework, assessment)}


@router.get("/assessments", summary="Your assessments, with progress per competency")
def assessments(app: App, me: Learner) -> Json:
    data = app.assessments.progress(me.profile)
    data["profile"] = "me"
    return data


@router.get("/profile", summary="Placement, direction, gaps and plan of your newest assessment")
def profile(app: App, me: Learner, target: str | None = None) -> Json:
    from pmpath.services.guidance import guidance

    latest = app.assessments.latest(me.profile)
    return guidance(app.framework, latest.assessment, target, app.evidence(me.profile))


@router.get("/report", summary="The report's data (as pmpath report --json)")
def report(app: App, me: Learner, target: str | None = None) -> Json:
    data = app.assessments.report(me.profile, target, app.evidence(me.profile))
    data["readiness"] = app.psychometrics.readiness(me.profile)
    data["profile"]["name"] = me.name
    return data
