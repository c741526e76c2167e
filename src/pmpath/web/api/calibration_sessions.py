"""Rater calibration for an organisation: raters' severities, the calibration session, adjusting
a level with a reason, and the audit trail (docs/teams.md, "Calibration").

Organisation admins see everyone; a team's manager sees their teams' members and only their
own severity; a member gets 403, someone outside the organisation 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from pmpath.errors import Location, PmpathError
from pmpath.services.models.calibration_sessions import (
    MAX_REASON,
    Adjustment,
    AuditTrail,
    CalibrationSession,
    RaterSeverities,
)
from pmpath.web.api.bodies import documented_body, json_body
from pmpath.web.deps import App, Learner, RowId

router = APIRouter()

PREFIX = "/organisations/{organisation_id}/calibration"
#: An adjustment's body: a reason of at most 1000 characters, with room for escapes.
ADJUSTMENT_BODY_LIMIT = 16 * 1024


class AdjustmentRequest(BaseModel):
    """Set one member's level in one competency, with the reason."""

    model_config = ConfigDict(extra="forbid")

    member_id: int = Field(ge=0, le=2**63 - 1, description="The member whose level changes.")
    competency: str = Field(min_length=1, max_length=80, description="A competency id.")
    level: int = Field(ge=1, le=2**63 - 1, description="The new level, on the ladder's scale.")
    reason: str = Field(
        min_length=1, max_length=MAX_REASON, description="Why: kept in the audit trail."
    )
    role: str | None = Field(
        default=None, max_length=80, description="The role the session is calibrating."
    )


@router.get(
    f"{PREFIX}/raters",
    summary="Raters' severities from the many-facet model and severity-adjusted levels "
    "(admins: everyone; managers: their own severity and their teams' levels; logged)",
)
def rater_severities(app: App, me: Learner, organisation_id: RowId) -> RaterSeverities:
    """200 with ``model.available = false`` and the reason when the ratings cannot support
    the model yet."""
    return app.calibration_sessions.severities(me, organisation_id)


@router.get(
    f"{PREFIX}/session",
    summary="The roles with how many are placed at each; with ``role``, everyone placed there "
    "side by side (logged)",
)
def calibration_session(
    app: App,
    me: Learner,
    organisation_id: RowId,
    role: Annotated[str | None, Query(min_length=1, max_length=80)] = None,
) -> CalibrationSession:
    return app.calibration_sessions.session(me, organisation_id, role)


@router.post(
    f"{PREFIX}/adjustments",
    status_code=201,
    summary="Adjust a member's level in one competency, with a reason (it becomes their "
    "current level; never edited or deleted)",
    openapi_extra=documented_body(AdjustmentRequest),
)
async def adjust_level(
    request: Request, app: App, me: Learner, organisation_id: RowId
) -> Adjustment:
    body = _fields(await json_body(request, ADJUSTMENT_BODY_LIMIT))
    return await run_in_threadpool(
        app.calibration_sessions.adjust,
        me,
        organisation_id,
        body["member_id"],
        body["competency"],
        body["level"],
        body["reason"],
        body["role"],
    )


@router.get(
    f"{PREFIX}/adjustments",
    summary="The audit trail: every adjustment you may see, newest first (logged)",
)
def audit_trail(app: App, me: Learner, organisation_id: RowId) -> AuditTrail:
    return app.calibration_sessions.audit(me, organisation_id)


def _fields(body: Any) -> dict[str, Any]:
    """The adjustment's fields, each of its type, or a 422 naming the field."""
    if not isinstance(body, dict):
        raise PmpathError("send a JSON object with member_id, competency, level and reason")
    kinds: dict[str, tuple[type, bool]] = {
        "member_id": (int, True),
        "competency": (str, True),
        "level": (int, True),
        "reason": (str, True),
        "role": (str, False),
    }
    found: dict[str, Any] = {}
    for name, (kind, required) in kinds.items():
        value = body.get(name)
        if value is None and not required:
            found[name] = None
            continue
        if kind is int and isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON's 280.0 is the integer 280
        if (
            isinstance(value, bool)
            or not isinstance(value, kind)
            or (isinstance(value, int) and not 0 <= value < 2**63)
        ):
            what = "a whole number" if kind is int else "text"
            raise PmpathError(f"{name} must be {what}", Location(field_path=(name,)))
        found[name] = value
    unknown = sorted(set(body) - set(kinds))
    if unknown:
        raise PmpathError(f"unknown field {unknown[0]}", Location(field_path=(unknown[0],)))
    return found
