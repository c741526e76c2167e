"""The REST API, version 1: JSON over the same services as the pages and the CLI.

Authentication: a session cookie, or ``Authorization: Bearer <token>`` (tokens from the
account page or POST /api/v1/tokens). Errors are problem details (RFC 9457).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.requests import ClientDisconnect

from pmpath.errors import PmpathError
from pmpath.framework import Track
from pmpath.services import ladder as ladder_service
from pmpath.services.accounts import require
from pmpath.web.auth import context, user

router = APIRouter(prefix="/api/v1", tags=["v1"])
Json = dict[str, Any]


@router.get("/framework", summary="The framework: its name and counts")
def framework(request: Request) -> Json:
    return ladder_service.framework_summary(context(request).framework)


@router.get("/roles", summary="Every role and exit, grouped by stage")
def roles(request: Request) -> Json:
    return ladder_service.roles_by_stage(context(request).framework)


@router.get("/roles/{role_id}", summary="One role or exit")
def role(request: Request, role_id: str) -> Json:
    return ladder_service.role_detail(context(request).framework, role_id)


@router.get("/paths", summary="Paths between two roles")
def paths(request: Request, start: str, goal: str, track: str | None = None) -> Json:
    chosen = None
    if track is not None:
        try:
            chosen = Track(track)
        except ValueError:
            raise PmpathError(
                f"track must be individual-contributor, people-leader or both, not {track!r}"
            ) from None
    return ladder_service.path_report(context(request).framework, start, goal, chosen)


@router.get("/diff", summary="What changes between two roles")
def diff(request: Request, start: str, goal: str) -> Json:
    return ladder_service.diff_report(context(request).framework, start, goal)


@router.get("/competencies", summary="The scale and the competencies with their behaviours")
def competencies(request: Request) -> Json:
    return ladder_service.competencies(context(request).framework)


@router.get("/me", summary="The signed-in user")
def me(request: Request) -> Json:
    current = require(user(request), "learner")
    return {"id": current.id, "email": current.email, "name": current.name, "role": current.role}


@router.post("/tokens", summary="Create an API token for scripts", status_code=201)
def create_token(request: Request, name: str = "script") -> Json:
    current = require(user(request), "learner")
    return {"token": context(request).accounts.create_token(current, name), "name": name}


# -- self-assessment ---------------------------------------------------------------------------


@router.post("/assessments", status_code=201, summary="Record a whole self-assessment")
async def record_assessment(request: Request) -> Json:
    """The body is the answers file as JSON: ``{"ratings": {...}, "background": ...}``."""
    from pmpath.assessment.answers import answers_from_data
    from pmpath.services.guidance import guidance

    current = require(user(request), "learner")
    ctx = context(request)
    assessment = answers_from_data(await _json(request), ctx.framework)
    assessment_id = ctx.assessments.record(current.profile, assessment, source="api")
    return {"assessment_id": assessment_id, **guidance(ctx.framework, assessment)}


@router.get("/assessments", summary="Your assessments, with progress per competency")
def assessments(request: Request) -> Json:
    current = require(user(request), "learner")
    data = context(request).assessments.progress(current.profile)
    data["profile"] = "me"
    return data


@router.get("/profile", summary="Placement, direction, gaps and plan of your newest assessment")
def profile(request: Request, target: str | None = None) -> Json:
    from pmpath.services.guidance import guidance

    current = require(user(request), "learner")
    ctx = context(request)
    latest = ctx.assessments.latest(current.profile)
    return guidance(ctx.framework, latest.assessment, target, ctx.evidence(current.profile))


@router.get("/report", summary="The report's data (as pmpath report --json)")
def report(request: Request, target: str | None = None) -> Json:
    current = require(user(request), "learner")
    ctx = context(request)
    data = ctx.assessments.report(current.profile, target, ctx.evidence(current.profile))
    data["readiness"] = ctx.psychometrics.readiness(current.profile)
    data["profile"]["name"] = current.name
    return data


# -- exams -------------------------------------------------------------------------------------


@router.get("/exams", summary="The exams (blueprints) you can take")
def exams(request: Request) -> Json:
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
            for b in context(request).exams.blueprints.values()
        ]
    }


@router.post("/exams/{blueprint_id}/attempts", status_code=201, summary="Start a timed mock exam")
async def start_attempt(request: Request, blueprint_id: str) -> JSONResponse:
    # Hot at an exam's synchronised start: inline on the event loop (see _INLINE).
    current = require(user(request), "learner")
    return _plain_json(context(request).exams.begin_mock(current.profile, blueprint_id), 201)


@router.get("/attempts/{attempt_id}", summary="An attempt as you see it (no keys before the end)")
def attempt(request: Request, attempt_id: int) -> Json:
    current = require(user(request), "learner")
    return context(request).exams_for_attempt(attempt_id).view(attempt_id, current.profile)


@router.put("/attempts/{attempt_id}/answers/{position}", summary="Answer one question")
async def answer(request: Request, attempt_id: int, position: int) -> JSONResponse:
    """The body is the response as JSON: "b", ["a","c"], 12.5, ["c","a","b"], {"Left": "a"}."""
    response = await _json(request)
    # The hottest route: its few milliseconds of database work run right here, on the event
    # loop (see _INLINE).
    current = require(user(request), "learner")
    exams = context(request).exams_for_attempt(attempt_id)
    return _plain_json(exams.answer(attempt_id, current.profile, position, response))


@router.put("/attempts/{attempt_id}/flags/{position}", summary="Flag a question to revisit")
def flag(request: Request, attempt_id: int, position: int, flagged: bool = True) -> Json:
    current = require(user(request), "learner")
    context(request).exams_for_attempt(attempt_id).flag(
        attempt_id, current.profile, position, flagged
    )
    return {"position": position, "flagged": flagged}


@router.post("/attempts/{attempt_id}/finish", summary="Hand in an attempt; returns its results")
def finish(request: Request, attempt_id: int) -> Json:
    current = require(user(request), "learner")
    return context(request).exams_for_attempt(attempt_id).finish(attempt_id, current.profile)


@router.get("/attempts/{attempt_id}/results", summary="Results and review of a finished attempt")
def results(request: Request, attempt_id: int) -> Json:
    current = require(user(request), "learner")
    return context(request).exams_for_attempt(attempt_id).results(attempt_id, current.profile)


@router.get("/review", summary="Questions due for spaced review")
def review_queue(request: Request) -> Json:
    current = require(user(request), "learner")
    return context(request).exams.review_queue(current.profile)


@router.post("/review/{item_id}", summary="Answer a question of the review queue")
async def review_answer(request: Request, item_id: str) -> Json:
    current = require(user(request), "learner")
    return context(request).exams.review_answer(current.profile, item_id, await _json(request))


@router.get("/history", summary="Your exam attempts with score trends per domain")
def exam_history(request: Request) -> Json:
    current = require(user(request), "learner")
    data = context(request).exams.history(current.profile)
    data["profile"] = "me"
    return data


# -- the adaptive placement test, ability and readiness ---------------------------------------


@router.post("/placement", status_code=201, summary="Start an adaptive placement test")
def start_placement(request: Request) -> JSONResponse:
    """Returns the first question. Answer each one with PUT .../answer until ``finished``."""
    current = require(user(request), "learner")
    return _plain_json(context(request).psychometrics.start_placement(current.profile), 201)


@router.post(
    "/exams/{blueprint_id}/adaptive",
    status_code=201,
    summary="Start the adaptive version of a mock exam (answer it like a placement test)",
)
def start_adaptive_exam(request: Request, blueprint_id: str) -> JSONResponse:
    """Returns the first question; the test stops once pass or fail is clear. Answer with
    PUT /placement/{id}/answer; the result adds ``exam: {passed, pass_probability, ...}``."""
    current = require(user(request), "learner")
    psychometrics = context(request).psychometrics
    return _plain_json(psychometrics.start_adaptive_exam(current.profile, blueprint_id), 201)


@router.get(
    "/placement/{attempt_id}", summary="A placement test: the current question, or the result"
)
def placement(request: Request, attempt_id: int) -> JSONResponse:
    current = require(user(request), "learner")
    return _plain_json(context(request).psychometrics.placement(attempt_id, current.profile))


@router.put("/placement/{attempt_id}/answer", summary="Answer the current placement question")
async def answer_placement(request: Request, attempt_id: int) -> JSONResponse:
    """The body is the response as JSON, as for an exam answer. Returns the next question, or
    the result once the test stops."""
    current = require(user(request), "learner")
    response = await _json(request)
    psychometrics = context(request).psychometrics
    return _plain_json(psychometrics.answer_placement(attempt_id, current.profile, response))


@router.get("/ability", summary="Your ability estimate, overall and per domain, with its SE")
def ability(request: Request) -> Json:
    current = require(user(request), "learner")
    data = context(request).psychometrics.ability(current.profile)
    data["profile"] = "me"
    return data


@router.get("/readiness", summary="Your chance of passing each mock exam now")
def exam_readiness(request: Request) -> Json:
    current = require(user(request), "learner")
    data = context(request).psychometrics.readiness(current.profile)
    data["profile"] = "me"
    return data


# -- banks (authors) and users (admins) ---------------------------------------------------------


def _author(request: Request) -> Any:
    from pmpath.services.imports import AuthorService, BankLibrary

    ctx = context(request)
    return AuthorService(BankLibrary(ctx.database, ctx.framework), user(request))


@router.get("/banks", summary="The bundled bank and the imported ones (authors)")
def banks(request: Request) -> Json:
    result: Json = _author(request).banks()
    return result


@router.post("/banks/import", summary="Import a quiz file into a bank (authors)")
async def import_bank(
    request: Request,
    filename: str,
    bank: str | None = None,
    format: str | None = None,
    level: str = "mid-career",
    dry_run: bool = True,
    replace: bool = False,
) -> Json:
    """The body is the file itself. ``dry_run`` (default true) reports without storing."""
    from pmpath.formats.mapping import ImportDefaults

    author = _author(request)
    data = await request.body()
    result: Json = author.import_data(
        data,
        filename,
        format_name=format,
        bank_id=bank,
        defaults=ImportDefaults(level=level),
        dry_run=dry_run,
        replace=replace,
    )
    return result


@router.get("/banks/{bank_id}/lint", summary="Lint a bank (authors)")
def lint_bank(request: Request, bank_id: str) -> Json:
    result: Json = _author(request).lint(bank_id)
    return result


@router.get("/banks/{bank_id}/export", summary="Export a bank to a quiz format (authors)")
def export_bank(request: Request, bank_id: str, format: str) -> Response:
    data, report = _author(request).export(bank_id, format)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"X-Pmpath-Warnings": str(len(report["warnings"]))},
    )


@router.get("/banks/stats", summary="Item statistics of the bundled bank (authors)")
def bank_stats(request: Request, min_responses: int = 20) -> Json:
    _author(request)
    return context(request).exams.item_statistics(min_responses)


@router.get("/banks/parameters", summary="IRT parameters of the bundled bank in use (authors)")
def bank_parameters(request: Request) -> JSONResponse:
    require(user(request), "author")
    return _plain_json(context(request).psychometrics.parameters_report())


@router.post("/banks/calibrate", summary="Calibrate the bundled bank on stored responses (authors)")
def calibrate_bank(request: Request, model: str = "2pl", min_responses: int = 50) -> JSONResponse:
    """Stores a new parameter version and returns the report. Items with fewer than
    ``min_responses`` responses keep their prior; too little data is a 422 problem."""
    from pmpath.psychometrics.irt import Model

    require(user(request), "author")
    try:
        chosen = Model(model)
    except ValueError:
        raise PmpathError(f"model must be 1pl, 2pl or 3pl, not {model!r}") from None
    if min_responses < 1:
        raise PmpathError(f"min_responses must be 1 or more, not {min_responses}")
    psychometrics = context(request).psychometrics
    return _plain_json(psychometrics.calibrate(chosen, min_responses=min_responses))


@router.get("/users", summary="Every user (admins)")
def users(request: Request) -> Json:
    listed = context(request).accounts.users(user(request))
    return {
        "users": [{"id": u.id, "email": u.email, "name": u.name, "role": u.role} for u in listed]
    }


@router.put("/users/{user_id}/role", summary="Change a user's role (admins)")
def set_role(request: Request, user_id: int, role: str) -> Json:
    changed = context(request).accounts.set_role(user(request), user_id, role)
    return {"id": changed.id, "role": changed.role}


# _INLINE: starting an attempt and answering run their database work on the event loop, not
# in FastAPI's thread pool. Each is a few milliseconds of work that holds Python's GIL most of
# the time, so in 40 threads per process requests contend rather than overlap
# (benchmarks/web_load.py closed loop, PostgreSQL: 170 answers/s in threads with 2 processes,
# 477 inline with 3). Concurrency comes from app processes (`pmpath serve --workers`) instead.


def _plain_json(data: Json, status_code: int = 200) -> JSONResponse:
    """The services return plain JSON types already: skip FastAPI's generic encoder, which
    walks every value again (about 1 ms for an exam's 30 questions, on the hottest routes)."""
    return JSONResponse(data, status_code=status_code)


async def _json(request: Request) -> Any:
    import json

    try:
        return json.loads(await request.body() or b"null")
    except ClientDisconnect:
        # Nobody is left to answer; without this the server logs a traceback per drop.
        raise PmpathError("the client went away before sending the whole body") from None
    except json.JSONDecodeError as exc:
        raise PmpathError(f"the request body is not JSON: {exc.msg} at line {exc.lineno}") from None
