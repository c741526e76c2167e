"""LTI 1.3 platforms and the tool's keys (site admins only), and the tool's URLs. A platform's
bad input is a 422 problem naming its field; an issuer and client id registered twice is 409."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from pmpath.services.models.lti import Platform, PlatformInput, Platforms, ToolKeys, ToolUrls
from pmpath.web.api.bodies import documented_body, json_body
from pmpath.web.deps import Admin, App, RowId

router = APIRouter()

#: A platform's registration: a few URLs and ids.
BODY_LIMIT = 64 * 1024


def _parsed(model: type[BaseModel], body: Any) -> Any:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None


@router.get("/lti/platforms", summary="The registered LTI platforms (admins)")
def platforms(app: App, me: Admin) -> Platforms:
    return app.lti.platforms(me)


@router.post(
    "/lti/platforms",
    status_code=201,
    summary="Register an LTI platform with its deployments (admins)",
    openapi_extra=documented_body(PlatformInput),
)
async def register_platform(request: Request, app: App, me: Admin) -> Platform:
    """URLs must be https (http only for localhost); every problem is named at once."""
    given: PlatformInput = _parsed(PlatformInput, await json_body(request, BODY_LIMIT))
    return app.lti.register_platform(me, given)


@router.get("/lti/platforms/{platform_id}", summary="One registered LTI platform (admins)")
def platform(app: App, me: Admin, platform_id: RowId) -> Platform:
    return app.lti.platform(me, platform_id)


@router.delete(
    "/lti/platforms/{platform_id}",
    summary="Remove an LTI platform and what its launches recorded; its users stay (admins)",
)
def remove_platform(app: App, me: Admin, platform_id: RowId) -> Platform:
    return app.lti.remove_platform(me, platform_id)


@router.get("/lti/keys", summary="The tool's signing keys, newest first (admins)")
def keys(app: App, me: Admin) -> ToolKeys:
    return app.lti.keys(me)


@router.post(
    "/lti/keys/rotate",
    summary="Make a new signing key; the old one stays published for the grace period (admins)",
)
def rotate_key(app: App, me: Admin) -> ToolKeys:
    return app.lti.rotate_key(me)


@router.get("/lti/urls", summary="The URLs to paste into an LMS's tool settings (admins)")
def urls(request: Request, app: App, me: Admin) -> ToolUrls:
    return app.lti.tool_urls(str(request.base_url))
