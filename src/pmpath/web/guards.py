"""What every request and reply passes through: a cap on request bodies, and the security
headers every reply carries.

A pure ASGI middleware rather than Starlette's ``BaseHTTPMiddleware``: it sits on the hottest
route (every answer of every exam) and costs a header check and a counter, nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from pmpath.errors import TooLargeError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Any body but an upload: sign-in and assessment forms, answers, flags. The largest real one
#: (the self-assessment form, every competency rated with a note) is under 20 KB.
BODY_LIMIT = 256 * 1024
#: Multipart framing around an uploaded file, on top of the upload limit.
MULTIPART_ALLOWANCE = 64 * 1024
#: Routes that take a quiz file.
UPLOAD_PATHS = frozenset({"/import", "/api/v1/banks/import"})
#: Routes that take an organisation's ladder file (the bundled ladder alone is 290 KB).
LADDER_UPLOAD = re.compile(r"^(/api/v1)?/organisations/\d{1,19}/ladder$")

#: Sent with every reply. The pages load scripts and styles from /static only; the HTML
#: report keeps its styles inline (it is a single file people save and mail).
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
        b"frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
#: The headers a reply's own Content-Security-Policy replaces: CSP frame-ancestors supersedes
#: X-Frame-Options (CSP Level 2; browsers ignore XFO when both are present).
OWN_POLICY_REPLACES = frozenset({b"content-security-policy", b"x-frame-options"})
#: Pages and API replies are personal (scores, ratings, tokens): no shared or back-button cache.
NO_STORE = (b"cache-control", b"no-store")


def body_limit(path: str, upload_limit: int) -> int:
    """The most bytes a request to ``path`` may send."""
    if path in UPLOAD_PATHS or LADDER_UPLOAD.match(path):
        return upload_limit + MULTIPART_ALLOWANCE
    return BODY_LIMIT


class Guards:
    """Refuses oversized bodies (413, before the route parses them) and adds security headers."""

    def __init__(self, app: ASGIApp, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"], self.upload_limit)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            # Refused from the header alone: not one byte of the body is read.
            receive = _refusing(limit)
        elif scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            receive = _counting(receive, limit)
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                # A reply that sets its own policy keeps it: the LTI deep-linking return posts
                # its form to the LMS, which the site's "form-action 'self'" would block, and
                # the LTI picker names the LMS in frame-ancestors. Such a reply gets no
                # X-Frame-Options either: a browser that knows CSP frame-ancestors ignores it,
                # but one that does not would let DENY block a frame the policy allows.
                own_policy = any(name == b"content-security-policy" for name, _ in headers)
                headers += [
                    header
                    for header in SECURITY_HEADERS
                    if not (own_policy and header[0] in OWN_POLICY_REPLACES)
                ]
                if not static and not any(name == b"cache-control" for name, _ in headers):
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(limit: int) -> TooLargeError:
    return TooLargeError(f"the request body is over this route's limit of {limit:,} bytes")


def _refusing(limit: int) -> Receive:
    async def receive() -> Message:
        raise _too_large(limit)

    return receive


def _counting(receive: Receive, limit: int) -> Receive:
    """``receive``, raising :class:`TooLargeError` once the body passes ``limit`` bytes (for
    bodies sent without a Content-Length, or longer than the one declared)."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _too_large(limit)
        return message

    return counted
