"""Checking a launch (LTI 1.3 core 5.1.2 and the 1EdTech Security Framework 5.1.3): pylti1p3's
message launch, its steps run in an order that refuses a forged token before it spends a nonce,
each failure turned into a :class:`LaunchRefused` that says what was wrong.

The order: the state (once, unexpired, and the browser's cookie when it has one), the token's
form, the registration (``iss`` and ``aud``/``azp``), the signature with the platform's JWKS and
``exp``/``iat``, the nonce (once), the deployment, then the message's claims (version 1.3.0,
message type, ``sub``, roles, resource link or deep-linking settings, target link URI).
"""

from __future__ import annotations

from typing import Any

import jwt
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.message_launch import MessageLaunch

from pmpath.interop.lti import claims as c
from pmpath.interop.lti.adapters import (
    CollectingCookieService,
    DatabaseSessionService,
    ParamsRequest,
)
from pmpath.interop.lti.tool_conf import DatabaseToolConf, PlatformRegistration


class LaunchRefused(Exception):  # noqa: N818 - a refusal the LTI routes answer, not an error
    """A login initiation or launch pmpath refuses; ``status`` is the HTTP status to answer
    (400 malformed, 401 not authentic, 403 not allowed here), ``claim`` what was wrong.

    Not a :class:`pmpath.errors.PmpathError`: it is answered only by the LTI routes, as an HTML
    page for the person the LMS sent, never as an API problem."""

    def __init__(self, message: str, status: int = 400, claim: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.claim = claim


def refuse_login(error: OIDCException | LtiException) -> LaunchRefused:
    """What a failed login initiation tells the person who clicked the link."""
    text = str(error)
    if "issuer" in text:
        return LaunchRefused("the login initiation names no issuer (iss)", 400, "iss")
    if "login hint" in text:
        return LaunchRefused("the login initiation has no login_hint", 400, "login_hint")
    return LaunchRefused(
        "this platform (issuer and client id) is not registered in pmpath: an admin registers "
        "it under LTI platforms",
        403,
        "iss",
    )


class CheckedLaunch(
    MessageLaunch[ParamsRequest, DatabaseToolConf, DatabaseSessionService, CollectingCookieService]
):
    """A message launch from a form post (``id_token`` and ``state``)."""

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

    def _get_request_param(self, key: str) -> str:
        return self._request.get_param(key)

    # -- the claims, once checked ----------------------------------------------------------------

    @property
    def claims(self) -> dict[str, Any]:
        return dict(self._jwt.get("body", {}))

    @property
    def platform_id(self) -> int:
        registration = self._registration
        assert isinstance(registration, PlatformRegistration), "validate() first"
        return registration.platform_id

    @property
    def registration(self) -> PlatformRegistration:
        registration = self._registration
        assert isinstance(registration, PlatformRegistration), "validate() first"
        return registration

    def get_client_id(self) -> str:
        """The audience: ``azp`` when ``aud`` lists several (Security Framework 5.1.3 item 4)."""
        body = self._jwt.get("body", {})
        aud = body.get("aud")
        if isinstance(aud, list):
            azp = body.get("azp")
            if len(aud) > 1 and isinstance(azp, str) and azp in aud:
                return azp
            return str(aud[0]) if aud else ""
        return str(aud or "")

    # -- the steps -------------------------------------------------------------------------------

    def validate(self) -> CheckedLaunch:
        """Every check, or LaunchRefused naming the first that failed."""
        self._validated = True
        try:
            self._check_state()
            self._check_format()
            self._check_registration()
            self._check_signature()
            self._check_nonce()
            self._check_deployment()
            self._check_message()
        except Exception:
            self._validated = False
            raise
        return self

    def _check_state(self) -> None:
        state = self._get_request_param("state")
        if not state:
            raise LaunchRefused("the launch has no state: start again from the LMS", 400, "state")
        if not self._get_request_param("id_token"):
            raise LaunchRefused("the launch has no id_token", 400, "id_token")
        cookie = self._cookie_service.get_cookie(state)
        if cookie is not None and cookie != state:
            raise LaunchRefused("the state does not match this browser's login", 401, "state")
        if not self._db_session.use_state(state):
            raise LaunchRefused(
                "the login state is unknown, used already or expired: open the activity again "
                "from the LMS",
                401,
                "state",
            )

    def _check_format(self) -> None:
        try:
            self.validate_jwt_format()
        except LtiException as error:
            raise LaunchRefused(f"the id_token is not a JWT ({error})", 400, "id_token") from None
        body = self._jwt.get("body", {})
        for claim in ("iss", "aud"):
            if not body.get(claim):
                raise LaunchRefused(f"the id_token has no {claim} claim", 400, claim)

    def _check_registration(self) -> None:
        iss = self.get_iss()
        client_id = self.get_client_id()
        registration = self._tool_config.find_registration_by_params(iss, client_id)
        if registration is None:
            if self._tool_config.issuer_known(iss):
                raise LaunchRefused(
                    f"wrong audience: the id_token is for client id {client_id!r}, which is not "
                    f"registered for the issuer {iss!r}",
                    401,
                    "aud",
                )
            raise LaunchRefused(
                f"unknown issuer {iss!r}: no platform with it is registered in pmpath",
                403,
                "iss",
            )
        self._registration = registration

    def _check_signature(self) -> None:
        try:
            public_key, algorithm = self.get_public_key()
        except LtiException as error:
            raise LaunchRefused(
                f"the id_token's signing key was not found in the platform's JWKS ({error})",
                401,
                "id_token",
            ) from None
        try:
            jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[algorithm],
                # The audience was checked against the registration above.
                options={"verify_aud": False, "require": ["exp", "iat"]},
            )
        except jwt.ExpiredSignatureError:
            raise LaunchRefused("the id_token has expired (exp)", 401, "exp") from None
        except jwt.ImmatureSignatureError:
            raise LaunchRefused("the id_token was issued in the future (iat)", 401, "iat") from None
        except jwt.MissingRequiredClaimError as error:
            raise LaunchRefused(
                f"the id_token has no {error.claim} claim", 400, str(error.claim)
            ) from None
        except jwt.InvalidSignatureError:
            raise LaunchRefused(
                "the id_token's signature does not verify with the platform's keys",
                401,
                "id_token",
            ) from None
        except jwt.InvalidTokenError as error:
            raise LaunchRefused(f"the id_token is invalid ({error})", 401, "id_token") from None

    def _check_nonce(self) -> None:
        nonce = self._jwt.get("body", {}).get("nonce")
        if not nonce:
            raise LaunchRefused("the id_token has no nonce", 400, "nonce")
        if not self._db_session.check_nonce(str(nonce)):
            raise LaunchRefused(
                "the nonce is unknown, used already or expired (a replayed launch)", 401, "nonce"
            )

    def _check_deployment(self) -> None:
        body = self._jwt.get("body", {})
        deployment_id = body.get(c.DEPLOYMENT_ID)
        if not deployment_id:
            raise LaunchRefused("the id_token has no deployment_id claim", 400, c.DEPLOYMENT_ID)
        found = self._tool_config.find_deployment_by_params(
            self.get_iss(), str(deployment_id), self.get_client_id()
        )
        if found is None:
            raise LaunchRefused(
                f"unknown deployment {deployment_id!r}: an admin adds it to the platform in pmpath",
                403,
                c.DEPLOYMENT_ID,
            )

    def _check_message(self) -> None:
        problem = c.message_problem(dict(self._jwt.get("body", {})))
        if problem is not None:
            message, claim = problem
            raise LaunchRefused(message, 400, claim)
