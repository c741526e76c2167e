"""Errors as problem details (RFC 9457) for the API, and as pages for people."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from pmpath.errors import (
    AttemptError,
    AttemptLimitError,
    AuthError,
    ConflictError,
    ForbiddenError,
    InvitationError,
    Location,
    NotFoundError,
    PmpathError,
    Problem,
    ThrottledError,
    TooLargeError,
)

PROBLEM_JSON = "application/problem+json"


class ProblemItem(BaseModel):
    """One thing wrong with the request, and where."""

    detail: str
    field: str | None = None
    line: int | None = None


class ProblemDetails(BaseModel):
    """An error as problem details (RFC 9457), served as application/problem+json."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[ProblemItem] = []


#: How the API documents its refusals in /openapi.json (instead of FastAPI's own 422 shape).
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ProblemDetails, "description": "Invalid input (problem details)"},
}


#: What any /api/v1 operation may answer besides its success: bad requests, not signed in,
#: not allowed, not found, conflicts, bodies too large, invalid input, too many attempts.
API_ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare every error an /api/v1 operation may answer, as application/problem+json, in
    the OpenAPI ``schema`` (FastAPI documents only 422, and as application/json)."""
    problem_schema = {"$ref": "#/components/schemas/ProblemDetails"}
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in API_ERROR_STATUSES:
                responses[str(status)] = {
                    "description": TITLES[status],
                    "content": {PROBLEM_JSON: {"schema": problem_schema}},
                }
    return schema


def status_of(exc: PmpathError) -> int:
    if isinstance(exc, AuthError):
        return 401
    if isinstance(exc, ForbiddenError):
        return 403
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, AttemptError | InvitationError | ConflictError):
        return 409
    if isinstance(exc, TooLargeError):
        return 413
    if isinstance(exc, ThrottledError | AttemptLimitError):
        return 429
    return 422 if exc.is_bad_input else 500


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Invalid input",
    429: "Too many attempts",
    500: "Server error",
}


def handle(request: Request, exc: PmpathError) -> Response:
    status = status_of(exc)
    if request.url.path.startswith("/api/"):
        errors = [
            {
                "detail": p.message,
                "field": ".".join(map(str, p.location.field_path)) or None,
                "line": p.location.line,
            }
            for p in exc.problems
        ]
        return problem(
            status, TITLES.get(status, "Error"), str(exc.problems[0].message), errors=errors
        )
    from pmpath.web.pages.render import page

    return page(
        request,
        "error.html",
        {
            "status": status,
            "title": TITLES.get(status, "Error"),
            "messages": [for_people(p.message) for p in exc.problems],
        },
        status,
    )


def for_people(message: str) -> str:
    """A service's message as a page shows it: without the list of every known id that follows
    an unknown one (a help in a terminal, a wall of ids on a page that offers links instead)."""
    return message.split("; known: ", 1)[0]


def from_http_exception(request: Request, exc: StarletteHTTPException) -> Response:
    """Starlette's own refusals (no such route, method not allowed, a body FastAPI could not
    parse) in the same shape as pmpath's: problem details for the API, a page for people.
    Headers such as ``Allow`` on a 405 are kept."""
    status = exc.status_code
    title = TITLES.get(status, "Error")
    detail = exc.detail if isinstance(exc.detail, str) else title
    if status == 400 and "parsing the body" in detail:
        detail = "the request body could not be read as JSON"
    reply: Response
    if request.url.path.startswith("/api/"):
        reply = problem(status, title, detail)
    else:
        from pmpath.web.pages.render import page

        if status == 404 and detail == "Not Found":  # Starlette's words for an unknown URL
            detail = "There is no page at this address: the link may be mistyped or out of date."
        reply = page(
            request, "error.html", {"status": status, "title": title, "messages": [detail]}, status
        )
    reply.headers.update(exc.headers or {})
    return reply


def server_error(request: Request) -> Response:
    """An unforeseen failure: problem details for the API, the site's error page for people.
    Nothing about the failure itself is shown."""
    title = TITLES[500]
    detail = "something went wrong on our side; please try again in a moment"
    if request.url.path.startswith("/api/"):
        return problem(500, title, detail)
    from pmpath.web.pages.render import page

    try:
        return page(
            request, "error.html", {"status": 500, "title": title, "messages": [detail]}, 500
        )
    except Exception:  # the page itself failed: plain text, never a traceback
        return PlainTextResponse(f"{title}: {detail}", status_code=500)


def from_validation(exc: RequestValidationError) -> PmpathError:
    """FastAPI's refusal of a path, query or body parameter, as one of pmpath's errors: one
    problem per parameter, named by its field path, in pmpath's words."""
    problems = []
    for error in exc.errors():
        where = tuple(part for part in error.get("loc", ())[1:] if isinstance(part, str | int))
        name = ".".join(map(str, where)) or "the request"
        expected = (error.get("ctx") or {}).get("expected")
        if error.get("type") in ("enum", "literal_error") and expected:
            choices = expected.replace("'", "")
            message = f"{name} must be {choices}, not {error.get('input')!r}"
        else:
            message = f"{name}: {error.get('msg', 'invalid')}"
        problems.append(Problem(message, Location(field_path=where)))
    return PmpathError(problems or "the request is not valid")
