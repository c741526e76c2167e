"""Messages shown once after a redirect ("The token ci is revoked"), in a signed cookie.

A message never travels in the query string: a link with ``?error=...`` would show text of an
attacker's choosing on this site. The cookie is set on the redirect, lives a minute, is signed
(HMAC-SHA256 with the ``secret_key`` setting) so no one else can plant one, and is read and
cleared by the next page rendered.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Literal

from fastapi import Request
from fastapi.responses import Response

from pmpath.web.auth import application, secure

FLASH_COOKIE = "pmpath_flash"
#: Long enough for the redirect to be followed, short enough not to reappear later.
FLASH_SECONDS = 60
_MAX_MESSAGE = 500
#: The key when no ``secret_key`` is set: good for this process only.
_PROCESS_KEY = secrets.token_bytes(32)

Kind = Literal["notice", "error"]


@dataclass(frozen=True)
class Flash:
    """A message for the next page: a notice (what just happened) or an error."""

    message: str
    kind: Kind = "notice"


def flash(response: Response, request: Request, message: str, kind: Kind = "notice") -> None:
    """Show ``message`` on the next page this browser renders (``response`` redirects)."""
    payload = json.dumps(
        {"m": message[:_MAX_MESSAGE], "k": kind, "t": int(time.time())}, separators=(",", ":")
    ).encode()
    encoded = _b64(payload)
    response.set_cookie(
        FLASH_COOKIE,
        f"{encoded}.{_b64(_sign(request, encoded))}",
        max_age=FLASH_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )


def take(request: Request) -> Flash | None:
    """The message this request carries, if it is genuine and fresh (None otherwise). The
    caller clears the cookie with :func:`clear`."""
    value = request.cookies.get(FLASH_COOKIE)
    if not value or "." not in value:
        return None
    encoded, _, signature = value.rpartition(".")
    try:
        given = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        if not hmac.compare_digest(given, _sign(request, encoded)):
            return None
        data = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        message, kind, made = str(data["m"]), data["k"], int(data["t"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None
    if kind not in ("notice", "error") or not 0 <= time.time() - made <= FLASH_SECONDS:
        return None
    return Flash(message, kind)


def clear(response: Response, request: Request) -> None:
    response.delete_cookie(
        FLASH_COOKIE, path="/", httponly=True, samesite="lax", secure=secure(request)
    )


def _sign(request: Request, encoded: str) -> bytes:
    configured = application(request).settings.secret_key
    key = configured.get_secret_value().encode() if configured is not None else _PROCESS_KEY
    return hmac.new(key, b"flash:" + encoded.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
