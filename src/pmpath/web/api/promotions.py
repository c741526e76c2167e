"""Promotion cases: list, open, read (with the document), write the recommendation, submit,
decide. Who may do what is the promotion service's decision (docs/teams.md): someone outside
the organisation gets 404, a member 403 for what their role does not allow, a step the
case's status does not allow 409, bad input 422 naming the field.

Bodies are JSON, read after the caller is known (as the other routes that take bodies)."""

from __future__ import annotations

from typing import TypeVar

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.concurrency import run_in_threadpool

from pmpath.errors import Location, PmpathError, Problem
from pmpath.services.models.promotions import PromotionCase, PromotionCases, PromotionCaseView
from pmpath.web.api.bodies import documented_body, json_body
from pmpath.web.deps import App, Learner, RowId

router = APIRouter()

CASES = "/organisations/{organisation_id}/promotion-cases"
CASE = CASES + "/{case_id}"
#: A recommendation or note of 10,000 characters, escaped as JSON, fits with room to spare.
BODY_LIMIT = 128 * 1024

M = TypeVar("M", bound=BaseModel)


class NewCase(BaseModel):
    """Whom the case is for and the role it argues for."""

    model_config = ConfigDict(extra="forbid")

    member_id: int
    target_role: str
    specialisation: str | None = None


class RecommendationText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recommendation: str


class CaseDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: str
    note: str


async def _body(request: Request, model: type[M]) -> M:
    """The JSON body as ``model``; a 422 naming each field that is missing or wrong."""
    value = await json_body(request, BODY_LIMIT)
    try:
        return model.model_validate(value if value is not None else {})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = tuple(p for p in error.get("loc", ()) if isinstance(p, str | int))
            name = ".".join(map(str, where)) or "the body"
            problems.append(
                Problem(f"{name}: {error.get('msg', 'invalid')}", Location(field_path=where))
            )
        raise PmpathError(problems) from None


@router.get(CASES, summary="The organisation's promotion cases you may see")
def promotion_cases(app: App, me: Learner, organisation_id: RowId) -> PromotionCases:
    """Most recently changed first, with the members you may open a case for. A member sees
    their own cases once submitted; reads of others' cases are logged."""
    return app.promotions.cases(me, organisation_id)


@router.post(
    CASES,
    status_code=201,
    summary="Open a promotion case (a team's manager or an organisation admin)",
    openapi_extra=documented_body(NewCase),
)
async def open_promotion_case(
    request: Request, app: App, me: Learner, organisation_id: RowId
) -> PromotionCase:
    body = await _body(request, NewCase)
    return await run_in_threadpool(
        app.promotions.open,
        me,
        organisation_id,
        body.member_id,
        body.target_role,
        body.specialisation,
    )


@router.get(CASE, summary="A promotion case with its document")
def promotion_case(
    app: App, me: Learner, organisation_id: RowId, case_id: RowId
) -> PromotionCaseView:
    return app.promotions.view(me, organisation_id, case_id)


@router.patch(
    CASE,
    summary="Replace the recommendation of a draft (its author)",
    openapi_extra=documented_body(RecommendationText),
)
async def write_recommendation(
    request: Request, app: App, me: Learner, organisation_id: RowId, case_id: RowId
) -> PromotionCase:
    body = await _body(request, RecommendationText)
    return await run_in_threadpool(
        app.promotions.recommend, me, organisation_id, case_id, body.recommendation
    )


@router.post(CASE + "/submit", summary="Submit a draft for a decision (its author)")
def submit_promotion_case(
    app: App, me: Learner, organisation_id: RowId, case_id: RowId
) -> PromotionCase:
    return app.promotions.submit(me, organisation_id, case_id)


@router.post(
    CASE + "/decide",
    summary="Decide a submitted case: promote or not-yet, with a note (organisation admins)",
    openapi_extra=documented_body(CaseDecision),
)
async def decide_promotion_case(
    request: Request, app: App, me: Learner, organisation_id: RowId, case_id: RowId
) -> PromotionCase:
    body = await _body(request, CaseDecision)
    return await run_in_threadpool(
        app.promotions.decide, me, organisation_id, case_id, body.decision, body.note
    )


__all__ = ["router"]
