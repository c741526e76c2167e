"""Your own data: export everything pmpath holds about you, and delete your account."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import Field

from pmpath.errors import ConflictError, PmpathError
from pmpath.services.models import Result
from pmpath.services.models.my_data import Deleted, DeletionPlan, MyData
from pmpath.web.api.bodies import documented_body, json_body
from pmpath.web.deps import App, Learner
from pmpath.web.problems import problem

router = APIRouter()

#: A password and some JSON around it.
DELETE_BODY_LIMIT = 4 * 1024


class DeleteAccount(Result):
    """What deleting your account takes: your password."""

    password: str = Field(min_length=1, max_length=1024)


@router.get(
    "/me/export",
    response_model=MyData,
    summary="Everything pmpath holds about you, as one JSON document",
)
def export(app: App, me: Learner) -> MyData:
    return app.my_data.export(me)


@router.get(
    "/me/delete",
    response_model=DeletionPlan,
    summary="What deleting your account would remove, and whether an organisation stops it",
)
def deletion_plan(app: App, me: Learner) -> DeletionPlan:
    return app.my_data.plan(me)


@router.post(
    "/me/delete",
    response_model=Deleted,
    summary="Delete your account and everything about you (your password in the body)",
    openapi_extra=documented_body(DeleteAccount),
    responses={409: {"description": "You are the only admin of an organisation others are in"}},
)
async def delete(request: Request, app: App, me: Learner) -> Deleted | Response:
    """The body is ``{"password": "..."}``. A wrong password is a 403 naming ``password``
    (a missing one a 422);
    the only admin of an organisation others are still in gets a 409 and nothing changes.
    Afterwards every session and API token of the account has ended."""
    body = await json_body(request, DELETE_BODY_LIMIT)
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("password"), str)
        or not body["password"]
    ):
        from pmpath.errors import Location

        raise PmpathError(
            'send {"password": "..."}: your password confirms the deletion',
            Location(field_path=("password",)),
        )
    try:
        return await run_in_threadpool(app.my_data.delete, me, password=body["password"][:1024])
    except ConflictError as exc:
        message = exc.problems[0].message
        return problem(409, "Conflict", message, errors=[{"detail": message, "field": None}])
