"""Mock exams, practice attempts, spaced review and exam history."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from pmpath.services.models.exams import (
    AttemptResults,
    AttemptView,
    ExamCatalogue,
    ExamHistory,
    Flag,
    PracticeAnswer,
    ReviewQueue,
    ReviewReply,
    Saved,
)
from pmpath.web.api.bodies import AnswerBody, documented_body, json_body, model_json
from pmpath.web.deps import App, Learner, Position, RowId

router = APIRouter()


@router.get("/exams", summary="The exams (blueprints) you can take")
def exams(app: App) -> ExamCatalogue:
    return app.catalogue()


@router.post(
    "/exams/{blueprint_id}/attempts",
    status_code=201,
    response_model=AttemptView,
    summary="Start a timed mock exam",
)
async def start_attempt(app: App, me: Learner, blueprint_id: str) -> Response:
    # Hot at an exam's synchronised start: inline on the event loop (see api/bodies.py).
    return model_json(app.exams.begin_mock(me.profile, blueprint_id), 201)


@router.get("/attempts/{attempt_id}", summary="An attempt as you see it (no keys before the end)")
def attempt(app: App, me: Learner, attempt_id: RowId) -> AttemptView:
    return app.exams_for_attempt(attempt_id).view(attempt_id, me.profile)


@router.put(
    "/attempts/{attempt_id}/answers/{position}",
    # A mock exam's answer is acknowledged only; a practice answer comes with its feedback.
    response_model=PracticeAnswer | Saved,
    summary="Answer one question",
    openapi_extra=documented_body(AnswerBody),
)
async def answer(
    request: Request, app: App, me: Learner, attempt_id: RowId, position: Position
) -> Response:
    """The body is the response as JSON: "b", ["a","c"], 12.5, ["c","a","b"], {"Left": "a"},
    {"1": "c", "2": "a"} (a gap item: the option chosen at each gap)."""
    # The hottest route: the signed-in learner is known before the body is read, and its few
    # milliseconds of database work run right here, on the event loop (see api/bodies.py).
    response = await json_body(request)
    exams = app.exams_for_attempt(attempt_id)
    saved = exams.answer(attempt_id, me.profile, position, response)
    return model_json(saved)


@router.put("/attempts/{attempt_id}/flags/{position}", summary="Flag a question to revisit")
def flag(
    app: App, me: Learner, attempt_id: RowId, position: Position, flagged: bool = True
) -> Flag:
    return app.exams_for_attempt(attempt_id).flag(attempt_id, me.profile, position, flagged)


@router.post("/attempts/{attempt_id}/finish", summary="Hand in an attempt; returns its results")
def finish(app: App, me: Learner, attempt_id: RowId) -> AttemptResults:
    return app.exams_for_attempt(attempt_id).finish(attempt_id, me.profile)


@router.get("/attempts/{attempt_id}/results", summary="Results and review of a finished attempt")
def results(app: App, me: Learner, attempt_id: RowId) -> AttemptResults:
    return app.exams_for_attempt(attempt_id).results(attempt_id, me.profile)


@router.get("/review", summary="Questions due for spaced review")
def review_queue(app: App, me: Learner) -> ReviewQueue:
    return app.exams.review_queue(me.profile)


@router.post(
    "/review/{item_id}",
    summary="Answer a question of the review queue",
    openapi_extra=documented_body(AnswerBody),
)
async def review_answer(request: Request, app: App, me: Learner, item_id: str) -> ReviewReply:
    return app.exams.review_answer(me.profile, item_id, await json_body(request))


@router.get("/history", summary="Your exam attempts with score trends per domain")
def exam_history(app: App, me: Learner) -> ExamHistory:
    # The API says "me", never the profile's internal name.
    return app.exams.history(me.profile).model_copy(update={"profile": "me"})
