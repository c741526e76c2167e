"""Hiring from the ladder: a role's job description and interview kit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from pmpath.services import hiring
from pmpath.services.models.hiring import InterviewKit, JobDescription
from pmpath.web.deps import App

router = APIRouter()

Specialisation = Annotated[
    str | None,
    Query(
        description="A specialisation id (growth, technical, ...: `pmpath specialisations` "
        "lists them); roles then expect more of the competencies it leans on."
    ),
]


@router.get("/roles/{role_id}/job-description", summary="A job description for a role")
def job_description(
    app: App, role_id: str, specialisation: Specialisation = None
) -> JobDescription:
    return hiring.job_description(app.framework, role_id, specialisation)


@router.get("/roles/{role_id}/interview-kit", summary="An interview kit for a role")
def interview_kit(
    app: App,
    role_id: str,
    specialisation: Specialisation = None,
    count: Annotated[
        int,
        Query(
            ge=1, le=100, description="How many competencies to cover; must-haves are always in."
        ),
    ] = hiring.DEFAULT_KIT_SIZE,
) -> InterviewKit:
    return hiring.interview_kit(app.framework, role_id, specialisation, count)
