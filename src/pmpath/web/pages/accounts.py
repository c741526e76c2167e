"""Signing up, in and out, and the account page (password, API tokens)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.errors import PmpathError
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
) -> Response:
    try:
        app.accounts.sign_up(email, name, password, client=client_address(request))
    except PmpathError as exc:
        errors = {
            ".".join(map(str, p.location.field_path)) or "form": p.message for p in exc.problems
        }
        return _form_page(
            request,
            "signup.html",
            {"errors": errors, "values": {"email": email, "name": name}},
            status_of(exc),
        )
    return _signed_in(request, email, password, "/")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return _form_page(request, "login.html", {"error": None, "next": next, "email": ""})


@router.post("/login")
def login(
    request: Request, email: str = Form(""), password: str = Form(""), next: str = Form("/")
) -> Response:
    try:
        return _signed_in(request, email, password, next)
    except PmpathError as exc:
        return _form_page(
            request,
            "login.html",
            {"error": str(exc.problems[0].message), "next": next, "email": email},
            status_of(exc),
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
    error: str | None = None,
    new_token: NewToken | None = None,
) -> Response:
    values = {
        "error": error,
        "new_token": new_token,
        "tokens": application(request).accounts.tokens(me).tokens,
        "token_days": TOKEN_DAYS,
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
    try:
        app.accounts.change_password(me, current_password, new_password)
    except PmpathError as exc:
        return _account_page(request, me, 422, error=exc.problems[0].message)
    response = RedirectResponse("/login?next=/account", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    flash(
        response,
        request,
        "Your password is changed. Every session and API token of your account has ended: "
        "sign in with the new password.",
    )
    return response


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    app: App,
    me: Learner,
    name: str = Form("script"),
    access: str = Form("write"),
    days: int = Form(90),
) -> Response:
    """A new token, shown once on the page this answers with (never put in a cookie or a
    link). ``access``: "write" (read and write) or "read"."""
    scopes = ["read", "write"] if access == "write" else [access]
    try:
        new = app.accounts.create_token(me, name, scopes, timedelta(days=days))
    except PmpathError as exc:
        return _account_page(request, me, status_of(exc), error=exc.problems[0].message)
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
