"""The REST API, version 1: JSON over the same services as the pages and the CLI.

Authentication: a session cookie, or ``Authorization: Bearer <token>`` (tokens from the
account page or POST /api/v1/tokens). Errors are problem details (RFC 9457).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

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
