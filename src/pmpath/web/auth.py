"""Who is asking: the session cookie (pages) or a bearer token (API); CSRF for forms, a
read-only token's limits, and the client's address for throttling."""

from __future__ import annotations

import re
import secrets

from fastapi import Request
from fastapi.responses import Response

from pmpath.app import Pmpath
from pmpath.errors import CsrfError, ForbiddenError
from pmpath.services.accounts import User

SESSION_COOKIE = "pmpath_session"
#: A random token for visitors who are not signed in, sent back by the sign-in and sign-up
#: forms (double submit): a hostile page cannot read it, so it cannot sign a visitor in to an
#: account of its choosing (login CSRF).
FORM_COOKIE = "pmpath_form"
FORM_COOKIE_SECONDS = 24 * 3600
#: The forms a visitor who is not signed in may post; each carries the form cookie's token.
SIGN_IN_FORMS = frozenset({"/login", "/signup"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Posted by an LMS, not by a pmpath page: LTI's login initiation and launch, authenticated by
#: the platform's signed id_token and a one-time state and nonce (docs/lti.md), never by the
#: session. A CSRF token cannot be in them, and a person signed in to pmpath on a site that
#: shares the LMS's domain would otherwise be refused their launch.
SIGNED_BY_THE_PLATFORM = frozenset({"/lti/login", "/lti/launch"})
#: The deep-linking picker's answer, posted from inside the LMS's cross-site iframe, where the
#: session cookie (SameSite=Lax) is neither stored nor sent, so no session CSRF token can be
#: checked. It is authorised by the launch id in its path instead: 192 random bits a verified
#: instructor's launch made, valid for one hour and one answer (services/lti.py). A hostile page
#: cannot know that id, so it cannot forge the post; that is what a CSRF token would prove.
CAPABILITY_PATHS = ("/lti/deep-link/",)
_FORM_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_EXPIRED_FORM = "the form expired or did not come from this site: reload the page and try again"


def application(request: Request) -> Pmpath:
    """The application object this app was built over (routes take it as ``deps.App``)."""
    found: Pmpath = request.app.state.pmpath
    return found


def bearer(request: Request) -> str | None:
    """The API token of ``Authorization: Bearer <token>``, if the request has one."""
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def current(request: Request) -> tuple[User | None, str | None]:
    """The signed-in user and their session's CSRF token (None for API tokens)."""
    cached = getattr(request.state, "auth", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    ctx = application(request)
    found: tuple[User | None, str | None] = (None, None)
    token = bearer(request)
    if token is not None:
        found = (ctx.accounts.token_user(token), None)
        # Remembered so the refusal can say why (deps.py): the token, not a missing sign-in.
        request.state.bad_token = found[0] is None
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            session = ctx.accounts.session(cookie)
            if session is not None:
                found = session
    request.state.auth = found
    return found


def user(request: Request) -> User | None:
    return current(request)[0]


async def check_csrf(request: Request) -> None:
    """Refuse a state change the request's credentials do not allow (403, nothing changed).

    - A signed-in browser's form (or ``X-CSRF-Token`` header) must carry its session's token.
    - The sign-in and sign-up forms, posted before there is a session, must carry the form
      cookie's token (:func:`form_token`).
    - A request with an API token needs no CSRF token (it carries no ambient credentials),
      but a read-only token may only read: GET, HEAD and OPTIONS.
    """
    path = request.url.path
    if (
        request.method in SAFE_METHODS
        or path in SIGNED_BY_THE_PLATFORM
        or path.startswith(CAPABILITY_PATHS)
    ):
        return
    if bearer(request) is not None:
        caller = user(request)
        if caller is not None and not caller.may_write():
            raise ForbiddenError(
                "this API token may only read (GET requests): use a token with the write scope"
            )
        return
    _, expected = current(request)
    if expected is None:
        if request.url.path not in SIGN_IN_FORMS:
            return  # not signed in: nothing to forge; the route asks for a sign-in
        expected = request.cookies.get(FORM_COOKIE)
        if not expected:
            raise CsrfError(_EXPIRED_FORM)
    form = await request.form()
    given = form.get("csrf_token") or request.headers.get("x-csrf-token") or ""
    if not isinstance(given, str) or not secrets.compare_digest(given, expected):
        raise CsrfError(_EXPIRED_FORM)


def form_token(request: Request) -> tuple[str, bool]:
    """The token a sign-in or sign-up form carries for a visitor who is not signed in, and
    whether it is new (then :func:`keep_form_token` must set its cookie)."""
    known = request.cookies.get(FORM_COOKIE, "")
    if _FORM_TOKEN.match(known):
        return known, False
    return secrets.token_urlsafe(32), True


def keep_form_token(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        FORM_COOKIE,
        token,
        max_age=FORM_COOKIE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )


def client_address(request: Request) -> str:
    """The client's IP address, what sign-in throttling counts by: the last address of
    X-Forwarded-For (the one the proxy in front added) when ``trust_proxy_headers`` is set,
    else the connection's peer. A client cannot choose its address by sending the header."""
    if application(request).settings.trust_proxy_headers:
        # Every X-Forwarded-For line, in order: a proxy that appends its own line after the
        # client's must not leave the client's choice as the "last" hop.
        lines = request.headers.getlist("x-forwarded-for")
        hops = [hop.strip() for hop in ",".join(lines).split(",")]
        if hops[-1]:
            return hops[-1][:64]
    return request.client.host[:64] if request.client else ""


def secure(request: Request) -> bool:
    settings = application(request).settings
    if settings.secure_cookies == "always":
        return True
    if settings.secure_cookies == "never":
        return False
    if settings.trust_proxy_headers and request.headers.get("x-forwarded-proto") == "https":
        return True
    return request.url.scheme == "https"
