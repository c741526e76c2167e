"""The adaptive placement test, adaptive exams, ability and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from pmpath.services.models.evidence import ReadinessReport
from pmpath.services.models.psychometrics import Ability, PlacementView
from pmpath.web.api.bodies import AnswerBody, documented_body, json_body, model_json
from pmpath.web.deps import App, Learner, RowId

router = APIRouter()


@router.post(
    "/placement",
    status_code=201,
    response_model=PlacementView,
    summary="Start an adaptive placement test",
)
def start_placement(app: App, me: Learner) -> Response:
    """Returns the first question. Answer each one with PUT .../answer until ``finished``."""
    return model_json(app.psychometrics.start_placement(me.profile), 201)


@router.post(
    "/exams/{blueprint_id}/adaptive",
    status_code=201,
    response_model=PlacementView,
    summary="Start the adaptive version of a mock exam (answer it like a placement test)",
)
def start_adaptive_exam(app: App, me: Learner, blueprint_id: str) -> Response:
    """Returns the first question; the test stops once pass or fail is clear. Answer with
    PUT /placement/{id}/answer; the result adds ``exam: {passed, pass_probability, ...}``."""
    return model_json(app.psychometrics.start_adaptive_exam(me.profile, blueprint_id), 201)


@router.get(
    "/placement/{attempt_id}",
    response_model=PlacementView,
    summary="A placement test: the current question, or the result",
)
def placement(app: App, me: Learner, attempt_id: RowId) -> Response:
    return model_json(app.psychometrics.placement(attempt_id, me.profile))


@router.put(
    "/placement/{attempt_id}/answer",
    response_model=PlacementView,
    summary="Answer the current placement question",
    openapi_extra=documented_body(AnswerBody),
)
async def answer_placement(request: Request, app: App, me: Learner, attempt_id: RowId) -> Response:
    """The body is the response as JSON, as for an exam answer. Returns the next question, or
    the result once the test stops."""
    response = await json_body(request)
    return model_json(app.psychometrics.answer_placement(attempt_id, me.profile, response))


@router.get("/ability", summary="Your ability estimate, overall and per domain, with its SE")
def ability(app: App, me: Learner) -> Ability:
    # The API calls every learner "me": their profile name is internal.
    return app.psychometrics.ability(me.profile).model_copy(update={"profile": "me"})


@router.get("/readiness", summary="Your chance of passing each mock exam now")
def exam_readiness(app: App, me: Learner) -> ReadinessReport:
    return app.psychometrics.readiness(me.profile).model_copy(update={"profile": "me"})
