"""The REST API, version 1: JSON over the same services as the pages and the CLI.

Authentication: a session cookie, or ``Authorization: Bearer <token>`` (tokens from the
account page or POST /api/v1/tokens). Errors are problem details (RFC 9457). One router per
area; :data:`router` mounts them all under ``/api/v1``.
"""

from fastapi import APIRouter

from pmpath.web.api import (
    accounts,
    assessments,
    authoring,
    badges,
    calibration_sessions,
    check_ins,
    exams,
    hiring,
    ladder,
    lti,
    lti_grades,
    my_data,
    placement,
    promotions,
    team_views,
    teams,
    xapi,
)
from pmpath.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["v1"], responses=PROBLEM_RESPONSES)
# Exams first: their routes are the hot ones (every answer of every exam), matched in order.
for area in (
    exams,
    placement,
    assessments,
    ladder,
    hiring,
    accounts,
    my_data,
    teams,
    team_views,
    check_ins,
    promotions,
    calibration_sessions,
    authoring,
    badges,
    lti,
    lti_grades,
    xapi,
):
    router.include_router(area.router)

__all__ = ["router"]
