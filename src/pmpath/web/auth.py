"""Who is asking: the session cookie (pages) or a bearer token (API), and CSRF for forms."""

from __future__ import annotations

import secrets

from fastapi import Request

from pmpath.app import Pmpath
from pmpath.errors import CsrfError
from pmpath.services.accounts import User

SESSION_COOKIE = "pmpath_session"


def application(request: Request) -> Pmpath:
    """The application object this app was built over (routes take it as ``deps.App``)."""
    found: Pmpath = request.app.state.pmpath
    return found


def current(request: Request) -> tuple[User | None, str | None]:
    """The signed-in user and their session's CSRF token (None for API tokens)."""
    cached = getattr(request.state, "auth", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    ctx = application(request)
    found: tuple[User | None, str | None] = (None, None)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        found = (ctx.accounts.token_user(header[7:].strip()), None)
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            session = ctx.accounts.session(token)
            if session is not None:
                found = session
    request.state.auth = found
    return found


def user(request: Request) -> User | None:
    return current(request)[0]


async def check_csrf(request: Request) -> None:
    """Refuse a cookie-authenticated state change whose form lacks the session's token.

    Requests with a bearer token carry no ambient credentials and need no CSRF token.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    _, expected = current(request)
    if expected is None:
        return  # not signed in: nothing to forge (sign-in and sign-up forms)
    form = await request.form()
    given = form.get("csrf_token") or request.headers.get("x-csrf-token") or ""
    if not isinstance(given, str) or not secrets.compare_digest(given, expected):
        raise CsrfError(
            "the form expired or did not come from this site: reload the page and try again"
        )


def secure(request: Request) -> bool:
    settings = application(request).settings
    if settings.secure_cookies == "always":
        return True
    if settings.secure_cookies == "never":
        return False
    if settings.trust_proxy_headers and request.headers.get("x-forwarded-proto") == "https":
        return True
    return request.url.scheme == "https"
