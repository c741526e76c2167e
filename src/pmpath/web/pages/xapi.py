"""/admin/xapi: the LRS statements go to, the outbox's state, "Send now", retrying refused
statements and testing the connection (site admins; the service checks the role).

The web app also sends in the background (:mod:`pmpath.web.background`): each app process
that ``pmpath serve`` runs does a pass of collect and send every PMPATH_XAPI_SEND_EVERY seconds
(default 60; 0 turns it off, e.g. when cron runs ``pmpath xapi send`` instead).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.errors import PmpathError
from pmpath.services.accounts import User
from pmpath.services.models.xapi import SendReport
from pmpath.web.deps import App, RowId, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.render import page

PAGE = "/admin/xapi"
KIND_NAMES = {
    "attempted": "Started an attempt",
    "answered": "Answered a question",
    "completed": "Finished",
    "verdict": "Passed or failed an exam",
    "self-assessed": "Finished a self-assessment",
    "placed": "Placed by the placement test",
}
SETTINGS_FIELDS = ("endpoint", "key", "secret", "enabled", "identify_by")
log = logging.getLogger(__name__)


router = APIRouter()
#: The signed-in user (to sign in first, then back to the page); the service checks the role.
Admin = Annotated[User, signed_in(PAGE)]


def _page(
    request: Request,
    me: User,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    app = request.app.state.pmpath
    found = app.xapi.status(me)
    settings = found.settings
    if form is None:
        form = {
            "endpoint": settings.endpoint or "",
            "key": settings.key or "",
            "enabled": "on" if settings.enabled or not settings.configured else "off",
            "identify_by": settings.identify_by,
        }
    values = {
        "status": found,
        "settings": settings,
        "errors": errors or {},
        "form": form,
        "kind_names": KIND_NAMES,
        "now": app.clock(),
    }
    return page(request, "xapi_admin.html", values, status)


@router.get(PAGE, response_class=HTMLResponse)
def admin_page(request: Request, me: Admin) -> Response:
    return _page(request, me)


@router.post(f"{PAGE}/settings")
def save_settings(
    request: Request,
    app: App,
    me: Admin,
    endpoint: str = Form(""),
    key: str = Form(""),
    secret: str = Form(""),
    enabled: str = Form("on"),
    identify_by: str = Form("pseudonym"),
    backfill: str = Form(""),
) -> Response:
    form = {"endpoint": endpoint, "key": key, "enabled": enabled, "identify_by": identify_by}
    try:
        app.xapi.configure(
            me,
            endpoint=endpoint,
            key=key,
            # A blank secret keeps the stored one: the page never shows it back.
            secret=secret or None,
            enabled=enabled != "off",
            identify_by=identify_by,
            backfill=backfill == "yes",
        )
    except PmpathError as exc:
        errors: dict[str, str] = {}
        for problem in exc.problems:
            path = problem.location.field_path
            field = str(path[0]) if path and str(path[0]) in SETTINGS_FIELDS else "form"
            errors.setdefault(field, problem.message)
        return _page(request, me, 422, errors, form)
    response = RedirectResponse(PAGE, status_code=303)
    flash(response, request, "The LRS settings are saved.")
    return response


def _sent_words(report: SendReport) -> str:
    parts = [f"{report.sent} sent"]
    if report.failed:
        parts.append(f"{report.failed} refused by the LRS")
    if report.retrying:
        parts.append(f"{report.retrying} to try again later")
    return ", ".join(parts)


@router.post(f"{PAGE}/send")
def send_now(request: Request, app: App, me: Admin) -> Response:
    report = app.xapi.send_now(me)
    response = RedirectResponse(PAGE, status_code=303)
    if not report.enabled:
        flash(response, request, "Sending is off: turn it on to send statements.", "error")
    elif report.send.stopped_because:
        message = f"The LRS took no more statements ({report.send.stopped_because}). "
        flash(response, request, message + _sent_words(report.send) + ".", "error")
    else:
        collected = report.collect.collected
        message = f"{collected} new statement{'s' if collected != 1 else ''} collected; "
        flash(response, request, message + _sent_words(report.send) + ".")
    return response


@router.post(f"{PAGE}/test")
def check_connection(request: Request, app: App, me: Admin) -> Response:
    check = app.xapi.test_connection(me)
    response = RedirectResponse(PAGE, status_code=303)
    text = check.message[:1].upper() + check.message[1:] + "."
    flash(response, request, text, "notice" if check.ok else "error")
    return response


@router.post(f"{PAGE}/statements/{{entry_id}}/retry")
def retry_one(request: Request, app: App, me: Admin, entry_id: RowId) -> Response:
    app.xapi.retry(me, [entry_id])
    response = RedirectResponse(PAGE, status_code=303)
    flash(response, request, "The statement is back in line: it goes with the next pass.")
    return response


@router.post(f"{PAGE}/retry")
def retry_all(request: Request, app: App, me: Admin) -> Response:
    report = app.xapi.retry(me, None)
    response = RedirectResponse(PAGE, status_code=303)
    count = report.retried
    flash(response, request, f"{count} statement{'s' if count != 1 else ''} back in line.")
    return response
