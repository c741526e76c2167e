"""Mock exams, practice attempts, spaced review and exam history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pmpath.web.api.bodies import json_body, plain_json
from pmpath.web.deps import App, Learner

router = APIRouter()
Json = dict[str, Any]


@router.get("/exams", summary="The exams (blueprints) you can take")
def exams(app: App) -> Json:
    return {
        "blueprints": [
            {
                "id": b.id,
                "name": b.name,
                "summary": b.summary,
                "items": b.items,
                "minutes": b.minutes,
                "pass_mark": b.pass_mark,
                "levels": list(b.levels),
            }
            for b in app.exams.blueprints.values()
        ]
    }


@router.post("/exams/{blueprint_id}/attempts", status_code=201, summary="Start a timed mock exam")
async def start_attempt(app: App, me: Learner, blueprint_id: str) -> JSONResponse:
    # Hot at an exam's synchronised start: inline on the event loop (see api/bodies.py).
    return plain_json(app.exams.begin_mock(me.profile, blueprint_id), 201)


@router.get("/attempts/{attempt_id}", summary="An attempt as you see it (no keys before the end)")
def attempt(app: App, me: Learner, attempt_id: int) -> Json:
    return app.exams_for_attempt(attempt_id).view(attempt_id, me.profile)


@router.put("/attempts/{attempt_id}/answers/{position}", summary="Answer one question")
async def answer(
    request: Request, app: App, me: Learner, attempt_id: int, position: int
) -> JSONResponse:
    """The body is the response as JSON: "b", ["a","c"], 12.5, ["c","a","b"], {"Left": "a"}."""
    # The hottest route: the signed-in learner is known before the body is read, and its few
    # milliseconds of database work run right here, on the event loop (see api/bodies.py).
    response = await json_body(request)
    exams = app.exams_for_attempt(attempt_id)
    return plain_json(exams.answer(attempt_id, me.profile, position, response))


@router.put("/attempts/{attempt_id}/flags/{position}", summary="Flag a question to revisit")
def flag(app: App, me: Learner, attempt_id: int, position: int, flagged: bool = True) -> Json:
    app.exams_for_attempt(attempt_id).flag(attempt_id, me.profile, position, flagged)
    return {"position": position, "flagged": flagged}


@router.post("/attempts/{attempt_id}/finish", summary="Hand in an attempt; returns its results")
def finish(app: App, me: Learner, attempt_id: int) -> Json:
    return app.exams_for_attempt(attempt_id).finish(attempt_id, me.profile)


@router.get("/attempts/{attempt_id}/results", summary="Results and review of a finished attempt")
def results(app: App, me: Learner, attempt_id: int) -> Json:
    return app.exams_for_attempt(attempt_id).results(attempt_id, me.profile)


@router.get("/review", summary="Questions due for spaced review")
def review_queue(app: App, me: Learner) -> Json:
    return app.exams.review_queue(me.profile)


@router.post("/review/{item_id}", summary="Answer a question of the review queue")
async def review_answer(request: Request, app: App, me: Learner, item_id: str) -> Json:
    return app.exams.review_answer(me.profile, item_id, await json_body(request))


@router.get("/history", summary="Your exam attempts with score trends per domain")
def exam_history(app: App, me: Learner) -> Json:
    data = app.exams.history(me.profile)
    data["profile"] = "me"
    return data
