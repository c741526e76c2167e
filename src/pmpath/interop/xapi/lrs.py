"""A client of a learning record store's statements resource (xAPI 1.0.3, "Communication").

The one module of :mod:`pmpath.interop.xapi` that touches the network, through the standard
library's urllib: pmpath sends a few requests a minute, each a batch, so a connection pool
(requests, httpx) would buy nothing measurable and would be one more dependency to keep.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from pmpath.interop.xapi.vocabulary import XAPI_VERSION

#: Seconds to wait for an LRS to connect and answer before calling it unreachable.
TIMEOUT = 20.0
#: How much of an LRS's error message is kept (it is shown on the admin page).
MAX_MESSAGE = 500


class UnreachableError(Exception):
    """The LRS could not be reached, or did not answer in time."""


@dataclass(frozen=True)
class Reply:
    """An LRS's answer: its status and its body as text."""

    status: int
    body: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        return json.loads(self.body)

    def message(self) -> str:
        """What the LRS said, short: a JSON error's ``detail`` or ``message``, else the text."""
        said: Any = self.body
        try:
            parsed = json.loads(self.body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            said = parsed.get("detail", parsed.get("message", parsed))
        if isinstance(said, list) and all(isinstance(p, dict) and "msg" in p for p in said):
            said = "; ".join(_problem(p) for p in said)
        if not isinstance(said, str):
            said = json.dumps(said, ensure_ascii=False)
        said = " ".join(said.split()) or "(no message)"
        text = f"HTTP {self.status}: {said}"
        return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _problem(found: dict[str, Any]) -> str:
    """One validation problem as FastAPI-based LRSs (Ralph) report it: where, then what."""
    where = ".".join(str(part) for part in found.get("loc", ()) if part != "body")
    return f"{where}: {found['msg']}" if where else str(found["msg"])


def check_endpoint(endpoint: str) -> str:
    """``endpoint`` without a trailing slash, if it is an http(s) URL; else ValueError."""
    cleaned = endpoint.strip().rstrip("/")
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("the endpoint must be an http:// or https:// address")
    if parts.query or parts.fragment:
        raise ValueError("the endpoint must not have a query (?) or a fragment (#)")
    return cleaned


class Lrs:
    """One LRS: its xAPI endpoint (e.g. ``https://lrs.example.org/xAPI``) and Basic auth."""

    def __init__(self, endpoint: str, key: str, secret: str, timeout: float = TIMEOUT) -> None:
        self.endpoint = check_endpoint(endpoint)
        token = base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
        self._headers = {
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": XAPI_VERSION,
        }
        self.timeout = timeout

    def post_statements(self, statements: Sequence[Mapping[str, Any]]) -> Reply:
        """POST the statements as one JSON array to ``{endpoint}/statements``."""
        body = json.dumps(list(statements), ensure_ascii=False, separators=(",", ":"))
        return self._request("POST", "/statements", body.encode("utf-8"))

    def get(self, path: str, query: Mapping[str, str] | None = None) -> Reply:
        """GET ``{endpoint}{path}`` (``/about``, ``/statements``) with ``query``."""
        suffix = f"?{urlencode(dict(query))}" if query else ""
        return self._request("GET", path + suffix, None)

    def get_url(self, url: str) -> Reply:
        """GET a URL the LRS gave (``more``): relative to the endpoint's host, or absolute."""
        parts = urlsplit(self.endpoint)
        absolute = url if "://" in url else f"{parts.scheme}://{parts.netloc}{url}"
        return self._open(urllib.request.Request(absolute, method="GET", headers=self._headers))

    def _request(self, method: str, path: str, body: bytes | None) -> Reply:
        headers = dict(self._headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.endpoint + path, data=body, method=method, headers=headers
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> Reply:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Reply(response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            with error:
                return Reply(error.code, error.read().decode("utf-8", "replace"))
        except (
            urllib.error.URLError,
            http.client.HTTPException,
            TimeoutError,
            ConnectionError,
        ) as error:
            # "[Errno 111] Connection refused" reads better without its errno.
            reason = re.sub(r"^\[Errno -?\d+\] ", "", str(getattr(error, "reason", error)))
            raise UnreachableError(f"the LRS could not be reached: {reason}") from error
