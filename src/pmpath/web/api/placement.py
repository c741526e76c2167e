"""The adaptive placement test, adaptive exams, ability and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pmpath.web.api.bodies import json_body, plain_json
from pmpath.web.deps import App, Learner

router = APIRouter()
Json = dict[str, Any]


@router.post("/placement", status_code=201, summary="Start an adaptive placement test")
def start_placement(app: App, me: Learner) -> JSONResponse:
    """Returns the first question. Answer each one with PUT .../answer until ``finished``."""
    return plain_json(app.psychometrics.start_placement(me.profile), 201)


@router.post(
    "/exams/{blueprint_id}/adaptive",
    status_code=201,
    summary="Start the adaptive version of a mock exam (answer it like a placement test)",
)
def start_adaptive_exam(app: App, me: Learner, blueprint_id: str) -> JSONResponse:
    """Returns the first question; the test stops once pass or fail is clear. Answer with
    PUT /placement/{id}/answer; the result adds ``exam: {passed, pass_probability, ...}``."""
    return plain_json(app.psychometrics.start_adaptive_exam(me.profile, blueprint_id), 201)


@router.get(
    "/placement/{attempt_id}", summary="A placement test: the current question, or the result"
)
def placement(app: App, me: Learner, attempt_id: int) -> JSONResponse:
    return plain_json(app.psychometrics.placement(attempt_id, me.profile))


@router.put("/placement/{attempt_id}/answer", summary="Answer the current placement question")
async def answer_placement(
    request: Request, app: App, me: Learner, attempt_id: int
) -> JSONResponse:
    """The body is the response as JSON, as for an exam answer. Returns the next question, or
    the result once the test stops."""
    response = await json_body(request)
    return plain_json(app.psychometrics.answer_placement(attempt_id, me.profile, response))


@router.get("/ability", summary="Your ability estimate, overall and per domain, with its SE")
def ability(app: App, me: Learner) -> Json:
    data = app.psychometrics.ability(me.profile)
    data["profile"] = "me"
    return data


@router.get("/readiness", summary="Your chance of passing each mock exam now")
def exam_readiness(app: App, me: Learner) -> Json:
    data = app.psychometrics.readiness(me.profile)
    data["profile"] = "me"
    return data
