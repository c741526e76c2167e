"""Signing up, in and out, and the account page (password, API tokens)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.errors import NotFoundError, PmpathError
from pmpath.services.accounts import SESSION_LIFETIME, User
from pmpath.services.models.accounts import NewToken
from pmpath.web.auth import (
    SESSION_COOKIE,
    application,
    client_address,
    current,
    form_token,
    keep_form_token,
    secure,
)
from pmpath.web.deps import App, Learner, TokenId, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.render import page
from pmpath.web.problems import status_of

router = APIRouter()

#: The lifetimes the account page offers for a new token, in days (the API takes 1 to 365).
TOKEN_DAYS = {7: "7 days", 30: "30 days", 90: "90 days", 365: "1 year"}


def _signed_in(request: Request, email: str, password: str, next_url: str) -> Response:
    signed = application(request).accounts.sign_in(email, password, client_address(request))
    response = RedirectResponse(_safe_next(next_url), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )
    return response


def _safe_next(next_url: str) -> str:
    # Only local paths: an attacker's link must not bounce a fresh sign-in to their site.
    return next_url if next_url.startswith("/") and not next_url.startswith("//") else "/"


def field_errors(exc: PmpathError, fields: tuple[str, ...]) -> dict[str, str]:
    """The problems of ``exc`` by form field, in the order of ``fields`` (the form's order):
    each message goes under its field; one with no field of the form goes under "form"."""
    found: dict[str, str] = {}
    for problem in exc.problems:
        path = ".".join(map(str, problem.location.field_path))
        key = path if path in fields else "form"
        found[key] = f"{found[key]} {problem.message}" if key in found else problem.message
    return {key: found[key] for key in ("form", *fields) if key in found}


def _form_page(
    request: Request, template: str, values: dict[str, Any], status: int = 200
) -> Response:
    """The sign-in or sign-up page; a visitor who is not signed in gets the form cookie's
    token in the form (login CSRF, see web/auth.py)."""
    if current(request)[0] is not None:
        return page(request, template, values, status)
    token, new = form_token(request)
    response = page(request, template, {**values, "csrf_token": token}, status)
    if new:
        keep_form_token(response, request, token)
    return response


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request) -> Response:
    return _form_page(request, "signup.html", {"errors": {}, "values": {}})


@router.post("/signup")
def signup(
    request: Request,
    app: App,
    email: str = Form(""),
    name: str = Form(""),
    password: str = Form(""),
    invitation: str = Form(""),
) -> Response:
    """``invitation``: the token of a team invitation (pages/teams.py) to accept at once."""
    try:
        made = app.accounts.sign_up(email, name, password, client=client_address(request))
    except PmpathError as exc:
        # Every problem at once, each under its field; what was typed stays (not the password).
        errors = field_errors(exc, ("email", "name", "password"))
        typed = {"email": email, "name": name, "invitation": invitation}
        if invitation:
            # Signing up from an invitation: its page again, so the invitee still sees
            # which team they are joining.
            from pmpath.web.pages.teams import invitation_page

            try:
                return invitation_page(
                    request, invitation, status_of(exc), errors=errors, values=typed
                )
            except NotFoundError:
                pass  # an unknown link: the plain sign-up form
        return _form_page(
            request, "signup.html", {"errors": errors, "values": typed}, status_of(exc)
        )
    message = (
        f"Welcome, {name.strip()}: your account is ready. Start with the self-assessment below."
    )
    next_page = "/"  # the dashboard
    if invitation:
        try:
            joined = app.teams.accept(made, invitation)
            next_page = f"/teams/{joined.team_id}"
            message = f"Welcome, {name.strip()}: you are now in {joined.team}."
        except PmpathError as exc:
            message += f" The invitation could not be used: {exc.problems[0].message}."
    welcome = _signed_in(request, email, password, next_page)
    flash(welcome, request, message)
    return welcome


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return _form_page(request, "login.html", {"errors": {}, "next": next, "email": ""})


@router.post("/login")
def login(
    request: Request, email: str = Form(""), password: str = Form(""), next: str = Form("/")
) -> Response:
    errors: dict[str, str] = {}
    if not email.strip():
        errors["email"] = "enter your email address"
    if not password:
        errors["password"] = "enter your password"
    status = 422
    if not errors:
        try:
            return _signed_in(request, email, password, next)
        except PmpathError as exc:
            # Wrong email or password belongs to neither field alone: it goes at the top.
            errors, status = {"form": exc.problems[0].message}, status_of(exc)
    return _form_page(
        request, "login.html", {"errors": errors, "next": next, "email": email}, status
    )


@router.post("/logout")
def logout(request: Request, app: App) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        app.accounts.sign_out(token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    flash(response, request, "You are signed out.")
    return response


def _account_page(
    request: Request,
    me: User,
    status: int = 200,
    errors: dict[str, str] | None = None,
    new_token: NewToken | None = None,
    token_form: dict[str, Any] | None = None,
) -> Response:
    """``errors`` by field id; ``token_form``: what was typed into the token form (kept when
    it is refused)."""
    accounts = application(request).accounts
    values = {
        "errors": errors or {},
        "new_token": new_token,
        # An account an LMS made has no password: no password form, no tokens (docs/lti.md).
        "lms_only": not accounts.has_password(me),
        "tokens": accounts.tokens(me).tokens,
        "token_days": TOKEN_DAYS,
        "token_form": token_form or {"name": "script", "access": "write", "days": 90},
    }
    return page(request, "account.html", values, status)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, me: Annotated[User, signed_in("/account")]) -> Response:
    return _account_page(request, me)


@router.post("/account/password")
def change_password(
    request: Request,
    app: App,
    me: Learner,
    current_password: str = Form(""),
    new_password: str = Form(""),
) -> Response:
    errors: dict[str, str] = {}
    if not current_password:
        errors["current_password"] = "enter your current password"
    if not new_password:
        errors["new_password"] = "choose a new password"
    if errors:
        return _account_page(request, me, 422, errors=errors)
    try:
        app.accounts.change_password(me, current_password, new_password)
    except PmpathError as exc:
        fields = ("current_password", "new_password")
        return _account_page(request, me, status_of(exc), errors=field_errors(exc, fields))
    response = RedirectResponse("/login?next=/account", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    flash(
        response,
        request,
        "Your password is changed. Every session and API token of your account has ended: "
        "sign in with the new password.",
    )
    return response


async def _typed_name(request: Request) -> str:
    """The token form's name as typed: FastAPI reads a blank field as a missing one (and so
    as its default), but a name left blank must be refused, not replaced. A form without
    the field gets the form's own default."""
    name = (await request.form()).get("name")  # parsed once per request: Starlette keeps it
    return "script" if name is None else str(name)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    app: App,
    me: Learner,
    name: Annotated[str, Depends(_typed_name)],
    access: str = Form("write"),
    days: str = Form("90"),
) -> Response:
    """A new token, shown once on the page this answers with (never put in a cookie or a
    link). ``access``: "write" (read and write) or "read"."""
    typed = {"name": name, "access": access, "days": int(days) if days.isdigit() else days}
    errors: dict[str, str] = {}
    if not name.strip():
        errors["token-name"] = "give the token a name: what it is for"
    elif len(name.strip()) > 100:
        errors["token-name"] = "keep the name to 100 characters"
    if access not in ("read", "write"):
        errors["access-write"] = "choose the token's access: read and write, or read only"
    if typed["days"] not in TOKEN_DAYS:
        errors["token-days"] = "choose when the token expires from the list"
    if errors:
        return _account_page(request, me, 422, errors=errors, token_form=typed)
    scopes = ["read", "write"] if access == "write" else [access]
    try:
        new = app.accounts.create_token(me, name, scopes, timedelta(days=int(days)))
    except PmpathError as exc:
        errors = field_errors(exc, ())
        return _account_page(request, me, status_of(exc), errors=errors, token_form=typed)
    return _account_page(request, me, new_token=new)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, app: App, me: Learner, token_id: TokenId) -> Response:
    revoked = app.accounts.revoke_token(me, token_id)
    response = RedirectResponse("/account", status_code=303)
    flash(
        response,
        request,
        f"The token “{revoked.name}” is revoked: scripts using it are refused from now on.",
    )
    return response


__all__ = ["current", "router"]
