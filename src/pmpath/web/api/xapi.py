"""xAPI: the LRS statements go to and the outbox they wait in, for site admins (401 without a
session or token, 403 for other roles; bad input 422 naming its field)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pmpath.services.models.xapi import (
    ConnectionCheck,
    IdentifyBy,
    OutboxListing,
    OutboxState,
    OutboxStatement,
    PassReport,
    RetryReport,
    XapiSettings,
    XapiStatus,
)
from pmpath.services.xapi import MAX_CREDENTIAL, MAX_ENDPOINT, MAX_LISTED
from pmpath.web.api.bodies import documented_body, json_body
from pmpath.web.deps import Admin, App, RowId

router = APIRouter(prefix="/xapi")

BODY_LIMIT = 16 * 1024


class XapiSettingsChange(BaseModel):
    """What to change of the LRS's settings; what is left out stays. The first time, endpoint,
    key and secret are needed. ``backfill``: send the records made before too."""

    model_config = ConfigDict(extra="forbid")

    endpoint: str | None = Field(default=None, max_length=MAX_ENDPOINT * 2)
    key: str | None = Field(default=None, max_length=MAX_CREDENTIAL * 2)
    secret: str | None = Field(default=None, max_length=MAX_CREDENTIAL * 2)
    enabled: bool | None = None
    identify_by: IdentifyBy | None = None
    backfill: bool = False


@router.get("", summary="The LRS, the outbox's counts, the oldest pending, the newest failures")
def status(app: App, me: Admin) -> XapiStatus:
    return app.xapi.status(me)


@router.get("/settings", summary="The LRS statements go to (never its secret)")
def settings(app: App, me: Admin) -> XapiSettings:
    return app.xapi.settings(me)


@router.patch(
    "/settings",
    summary="Set the LRS's endpoint, key, secret, on/off and how learners are identified",
    openapi_extra=documented_body(XapiSettingsChange),
)
async def configure(request: Request, app: App, me: Admin) -> XapiSettings:
    given = _parsed(await json_body(request, BODY_LIMIT))
    return app.xapi.configure(me, **given.model_dump())


def _parsed(body: Any) -> XapiSettingsChange:
    try:
        return XapiSettingsChange.model_validate(body)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None


@router.post("/send", summary="Collect new records and send every pending statement now")
def send_now(app: App, me: Admin) -> PassReport:
    return app.xapi.send_now(me)


@router.post("/test", summary="Check that the LRS answers and takes the key and secret")
def check_connection(app: App, me: Admin) -> ConnectionCheck:
    return app.xapi.test_connection(me)


@router.get("/statements", summary="Statements in the outbox, newest first")
def statements(
    app: App,
    me: Admin,
    state: OutboxState | None = None,
    limit: int = Query(50, ge=1, le=MAX_LISTED),
) -> OutboxListing:
    return app.xapi.listing(me, state, limit)


@router.get("/statements/{entry_id}", summary="One statement as it is (or was) sent")
def statement(app: App, me: Admin, entry_id: RowId) -> OutboxStatement:
    return app.xapi.statement(me, entry_id)


@router.post("/statements/{entry_id}/retry", summary="Put a failed statement back in line")
def retry_one(app: App, me: Admin, entry_id: RowId) -> RetryReport:
    return app.xapi.retry(me, [entry_id])


@router.post("/retry", summary="Put every failed statement back in line")
def retry_all(app: App, me: Admin) -> RetryReport:
    return app.xapi.retry(me, None)
