"""Your data: download everything pmpath holds about you, and delete your account (confirmed
with your password). What is removed and what stays is the my-data service's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.errors import ConflictError, PmpathError
from pmpath.services.accounts import User
from pmpath.web.auth import SESSION_COOKIE
from pmpath.web.deps import App, Learner, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.accounts import field_errors
from pmpath.web.pages.render import page
from pmpath.web.problems import status_of

router = APIRouter()


@router.get("/account/data", response_class=HTMLResponse)
def your_data(
    request: Request, app: App, me: Annotated[User, signed_in("/account/data")]
) -> Response:
    return page(request, "my_data.html", {"plan": app.my_data.plan(me)})


@router.get("/account/data/export")
def download(app: App, me: Annotated[User, signed_in("/account/data")]) -> Response:
    """The export as a file to keep (the API's GET /api/v1/me/export, as a download)."""
    data = app.my_data.export(me)
    name = f"pmpath-my-data-{data.exported_at:%Y-%m-%d}.json"
    return Response(
        data.model_dump_json(indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _delete_page(
    request: Request, me: User, status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    plan = request.app.state.pmpath.my_data.plan(me)
    return page(request, "delete_account.html", {"plan": plan, "errors": errors or {}}, status)


@router.get("/account/delete", response_class=HTMLResponse)
def delete_form(request: Request, me: Annotated[User, signed_in("/account/delete")]) -> Response:
    return _delete_page(request, me)


@router.post("/account/delete")
def delete(
    request: Request, app: App, me: Learner, password: str = Form(""), email: str = Form("")
) -> Response:
    # An account an LMS made has no password: its owner types the account's address instead.
    by_email = app.my_data.plan(me).confirm_with == "email"
    field = "email" if by_email else "password"
    given = email if by_email else password
    if not given:
        words = "type the account's address" if by_email else "enter your password"
        return _delete_page(request, me, 422, {field: words})
    try:
        if by_email:
            deleted = app.my_data.delete(me, email=email)
        else:
            deleted = app.my_data.delete(me, password=password)
    except ConflictError as exc:
        return _delete_page(request, me, 409, {"form": exc.problems[0].message})
    except PmpathError as exc:
        return _delete_page(request, me, status_of(exc), field_errors(exc, (field,)))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    gone = "".join(f" {name} went with it." for name in deleted.organisations_deleted)
    flash(response, request, f"Your account and everything about you are deleted.{gone}")
    return response
