"""Signing up, in and out, and the account page (password, API tokens)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pmpath.errors import AuthError, PmpathError
from pmpath.services.accounts import SESSION_LIFETIME, User
from pmpath.web.auth import SESSION_COOKIE, application, current, secure
from pmpath.web.deps import App, Learner, signed_in
from pmpath.web.pages.render import page

router = APIRouter()


def _signed_in(request: Request, email: str, password: str, next_url: str) -> Response:
    signed = application(request).accounts.sign_in(email, password)
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


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request) -> HTMLResponse:
    return page(request, "signup.html", {"errors": {}, "values": {}})


@router.post("/signup")
def signup(
    request: Request,
    app: App,
    email: str = Form(""),
    name: str = Form(""),
    password: str = Form(""),
) -> Response:
    try:
        app.accounts.sign_up(email, name, password)
    except PmpathError as exc:
        errors = {
            ".".join(map(str, p.location.field_path)) or "form": p.message for p in exc.problems
        }
        return page(
            request,
            "signup.html",
            {"errors": errors, "values": {"email": email, "name": name}},
            422,
        )
    return _signed_in(request, email, password, "/")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", {"error": None, "next": next, "email": ""})


@router.post("/login")
def login(
    request: Request, email: str = Form(""), password: str = Form(""), next: str = Form("/")
) -> Response:
    try:
        return _signed_in(request, email, password, next)
    except AuthError as exc:
        return page(
            request,
            "login.html",
            {"error": str(exc.problems[0].message), "next": next, "email": email},
            401,
        )
    except PmpathError as exc:
        return page(
            request,
            "login.html",
            {"error": str(exc.problems[0].message), "next": next, "email": email},
            429,
        )


@router.post("/logout")
def logout(request: Request, app: App) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        app.accounts.sign_out(token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, me: Annotated[User, signed_in("/account")]) -> Response:
    return page(request, "account.html", {"message": None, "error": None, "token": None})


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
        return page(
            request,
            "account.html",
            {"message": None, "error": exc.problems[0].message, "token": None},
            422,
        )
    response = RedirectResponse("/login?next=/account", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request, app: App, me: Learner, name: str = Form("script")
) -> HTMLResponse:
    token = app.accounts.create_token(me, name)
    return page(
        request,
        "account.html",
        {"message": "Token created. Copy it now: it is shown once.", "error": None, "token": token},
    )


__all__ = ["current", "router"]
