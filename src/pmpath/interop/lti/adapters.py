"""pylti1p3's request, cookie, session and redirect abstractions, for any web framework: the
web layer hands in the request's parameters and cookies, and applies the cookies to set.

State and nonce values are kept through two callables (the service's, over ``lti_nonces``), not
in process memory or a framework session, so a launch that another app process started
finishes here. Each value is used once, before it expires.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pylti1p3.cookie import CookieService
from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.redirect import Redirect
from pylti1p3.request import Request
from pylti1p3.session import SessionService

from pmpath.interop.lti.tool_conf import DatabaseToolConf

#: How long a login initiation stays good: the browser goes to the platform and straight back.
STATE_SECONDS = 10 * 60
COOKIE_PREFIX = "lti1p3"


class ParamsRequest(Request):
    """A request as pylti1p3 sees it: its query or form parameters, cookies and scheme."""

    def __init__(self, params: Mapping[str, str], cookies: Mapping[str, str], secure: bool) -> None:
        self._params = dict(params)
        self._cookies = dict(cookies)
        self._secure = secure

    @property
    def session(self) -> dict[str, Any]:  # pylti1p3's default storage; never used here
        return {}

    def is_secure(self) -> bool:
        return self._secure

    def get_param(self, key: str) -> str:
        return self._params.get(key, "")

    def get_cookie(self, name: str) -> str | None:
        return self._cookies.get(name)


@dataclass
class CookieToSet:
    name: str
    value: str
    max_age: int | None
    secure: bool


class CollectingCookieService(CookieService):
    """Cookies pylti1p3 reads from the request, and those it sets, collected for the response.

    In an https request the cookie is ``SameSite=None; Secure`` (the launch comes back by a
    cross-site form post, often inside an iframe); otherwise ``Lax``.
    """

    def __init__(self, request: ParamsRequest) -> None:
        self._request = request
        self.to_set: list[CookieToSet] = []

    def _key(self, name: str) -> str:
        return f"{COOKIE_PREFIX}-{name}"

    def get_cookie(self, name: str) -> str | None:
        return self._request.get_cookie(self._key(name))

    def set_cookie(self, name: str, value: str | int, exp: int | None = 3600) -> None:
        self.to_set.append(CookieToSet(self._key(name), str(value), exp, self._request.is_secure()))


class DatabaseSessionService(SessionService):
    """pylti1p3's session service over ``save(value, kind)`` and ``use(value, kind) -> bool``
    (kind "state" or "nonce"); launch data is kept by the service after the launch, not here."""

    def __init__(
        self,
        request: Request,
        save: Callable[[str, str], None],
        use: Callable[[str, str], bool],
    ) -> None:
        super().__init__(request)
        self._save = save
        self._use = use

    def save_nonce(self, nonce: str) -> None:
        self._save(nonce, "nonce")

    def check_nonce(self, nonce: str) -> bool:
        return self._use(nonce, "nonce")

    def save_state(self, state: str) -> None:
        self._save(state, "state")

    def use_state(self, state: str) -> bool:
        return self._use(state, "state")

    def save_launch_data(self, key: str, jwt_body: Mapping[str, Any]) -> None:
        return None

    def set_state_valid(self, state: str, id_token_hash: str) -> None:
        return None


@dataclass
class UrlRedirect(Redirect[str]):
    """A redirect as the URL to send the browser to; the web layer answers it."""

    location: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def do_redirect(self) -> str:
        return self.location

    def do_js_redirect(self) -> str:
        return self.location

    def set_redirect_url(self, location: str) -> None:
        self.location = location

    def get_redirect_url(self) -> str:
        return self.location


class LoginInitiation(
    OIDCLogin[ParamsRequest, DatabaseToolConf, DatabaseSessionService, CollectingCookieService, str]
):
    """Third-party initiated login (LTI 1.3 core 5.1.1): the URL of the platform's
    authentication request, with a new state and nonce saved in the database."""

    def __init__(
        self,
        request: ParamsRequest,
        tool_config: DatabaseToolConf,
        session_service: DatabaseSessionService,
        cookie_service: CollectingCookieService,
    ) -> None:
        super().__init__(
            request, tool_config, session_service=session_service, cookie_service=cookie_service
        )
        self._db_session = session_service

    def get_redirect(self, url: str) -> Redirect[str]:
        return UrlRedirect(url)

    def _generate_nonce(self) -> str:
        return secrets.token_urlsafe(32)

    def _get_uuid(self) -> str:
        return secrets.token_urlsafe(24)

    def _prepare_redirect_url(self, launch_url: str) -> str:
        url: str = super()._prepare_redirect_url(launch_url)
        # pylti1p3 keeps the state in a cookie only; the database copy lets the launch check it
        # in any process, and once, even when the browser blocks the cookie (LMS iframes).
        state = parse_qs(urlsplit(url).query).get("state", [""])[0]
        self._db_session.save_state(state)
        return url
