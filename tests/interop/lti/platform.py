"""An LTI 1.3 platform built for the tests, from the LTI 1.3 core specification and the 1EdTech
Security Framework 1.0: its own RSA keys and JWKS, an OIDC authorization endpoint, an OAuth 2
token endpoint (client credentials with a signed JWT assertion) and a deep-linking return
endpoint, all served over real HTTP on 127.0.0.1 by a thread of its own.

A test stages a launch (the claims and how to spoil them), has pmpath's login initiation
redirect the browser to :attr:`Platform.auth_url`, and the platform answers, as the specification
says, with an HTML form that posts ``id_token`` and ``state`` to the tool's redirect URI.
The id_tokens are signed with PyJWT; the claims start from the specification's examples in
``fixtures/``.
"""

from __future__ import annotations

import copy
import html
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

FIXTURES = Path(__file__).parent / "fixtures"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def fixture(name: str) -> dict[str, Any]:
    """A claims fixture without its ``_source`` note."""
    found: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    found.pop("_source", None)
    return found


@dataclass
class SigningKey:
    kid: str
    private_pem: bytes
    public_jwk: dict[str, Any]

    @classmethod
    def new(cls, kid: str | None = None) -> SigningKey:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        kid = kid or secrets.token_hex(8)
        jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
        jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
        return cls(kid, pem, jwk)


@dataclass
class StagedLaunch:
    """What the platform sends when the browser comes to its authorization endpoint."""

    claims: dict[str, Any]
    #: Applied to the finished claims (after iss, aud, nonce, iat, exp were set).
    spoil: Callable[[dict[str, Any]], None] | None = None
    #: Sign with this key instead of the platform's (a bad signature).
    key: SigningKey | None = None
    #: Use this nonce instead of the one in the authentication request (a replay).
    nonce: str | None = None
    #: What the platform put in the id_token, once it did.
    sent: dict[str, Any] = field(default_factory=dict)


@dataclass
class AuthRequest:
    params: dict[str, str]


class Platform:
    """A running platform: ``with Platform(redirect_uris=[...]) as platform: ...``."""

    def __init__(
        self,
        redirect_uris: list[str],
        tool_jwks: Callable[[], dict[str, Any]] | None = None,
        client_id: str = "962fa4d8-bcbf-49a0-94b2-2de05ad274af",
        deployment_id: str = "07940580-b309-415e-a37c-914d387c1150",
    ) -> None:
        self.redirect_uris = redirect_uris
        #: The tool's published JWKS (fetched by the test client): verifies what it signs.
        self.tool_jwks = tool_jwks
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.key = SigningKey.new()
        self.staged: dict[str, StagedLaunch] = {}
        self.auth_requests: list[AuthRequest] = []
        self.deep_link_responses: list[dict[str, Any]] = []
        self.deep_link_errors: list[str] = []
        self.access_tokens: list[str] = []
        #: HTML pages the platform serves at a path (a course page that frames the tool).
        self.pages: dict[str, str] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifetime ---------------------------------------------------------------------------------

    def __enter__(self) -> Platform:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def issuer(self) -> str:
        return self.url

    @property
    def auth_url(self) -> str:
        return self.url + "/auth"

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    @property
    def jwks_url(self) -> str:
        return self.url + "/jwks.json"

    @property
    def deep_link_return_url(self) -> str:
        return self.url + "/deep_links"

    def registration(self, name: str = "Example University Moodle") -> dict[str, Any]:
        """What an admin enters in pmpath to register this platform."""
        return {
            "name": name,
            "issuer": self.issuer,
            "client_id": self.client_id,
            "deployment_ids": [self.deployment_id],
            "key_set_url": self.jwks_url,
            "auth_login_url": self.auth_url,
            "auth_token_url": self.token_url,
        }

    # -- launches ---------------------------------------------------------------------------------

    def resource_link_claims(
        self, roles: list[str] | None = None, sub: str | None = None, **custom: str
    ) -> dict[str, Any]:
        """The specification's example resource link launch, for this platform."""
        claims = fixture("resource_link_launch")
        if roles is not None:
            claims[LTI + "roles"] = roles
        if sub is not None:
            claims["sub"] = sub
        if custom:
            claims[LTI + "custom"] = custom
        return claims

    def deep_linking_claims(self, roles: list[str] | None = None) -> dict[str, Any]:
        """The specification's example deep-linking request, returning to this platform."""
        claims = fixture("deep_linking_request")
        claims[DL_SETTINGS]["deep_link_return_url"] = self.deep_link_return_url
        if roles is not None:
            claims[LTI + "roles"] = roles
        return claims

    def stage(self, claims: dict[str, Any], **how: Any) -> tuple[str, StagedLaunch]:
        """Stage a launch; the hint the tool's login initiation passes back to find it."""
        hint = secrets.token_hex(8)
        staged = StagedLaunch(copy.deepcopy(claims), **how)
        self.staged[hint] = staged
        return hint, staged

    def login_params(self, hint: str, user: str = "jane") -> dict[str, str]:
        """The third-party initiated login request (LTI 1.3 core 5.1.1) for a staged launch."""
        return {
            "iss": self.issuer,
            "login_hint": user,
            "target_link_uri": self.redirect_uris[0],
            "lti_message_hint": hint,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }

    def mint(self, claims: dict[str, Any], key: SigningKey | None = None) -> str:
        key = key or self.key
        return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})

    def _id_token(self, params: dict[str, str]) -> tuple[str, str]:
        """(id_token, error): the authentication response, per the Security Framework 5.1.1."""
        expected = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self.client_id,
        }
        for name, value in expected.items():
            if params.get(name) != value:
                return "", f"{name} must be {value!r}"
        if params.get("redirect_uri") not in self.redirect_uris:
            return "", "redirect_uri is not registered"
        for name in ("state", "nonce", "login_hint"):
            if not params.get(name):
                return "", f"{name} is missing"
        staged = self.staged.get(params.get("lti_message_hint", ""))
        if staged is None:
            return "", "lti_message_hint names no launch"
        now = int(time.time())
        claims = copy.deepcopy(staged.claims)
        claims.update(
            {
                "iss": self.issuer,
                "aud": [self.client_id],
                "azp": self.client_id,
                "iat": now,
                "exp": now + 300,
                "nonce": staged.nonce or params["nonce"],
                LTI + "deployment_id": self.deployment_id,
                LTI + "target_link_uri": claims.get(LTI + "target_link_uri")
                or params["redirect_uri"],
            }
        )
        if staged.spoil is not None:
            staged.spoil(claims)
        staged.sent = claims
        return self.mint(claims, staged.key), ""

    # -- what the tool sends back -----------------------------------------------------------------

    def _verify_from_tool(self, token: str, audience: str) -> dict[str, Any]:
        assert self.tool_jwks is not None, "give the platform the tool's JWKS"
        keys = jwt.PyJWKSet.from_dict(self.tool_jwks())
        kid = jwt.get_unverified_header(token).get("kid")
        key = next((k for k in keys.keys if k.key_id == kid), None)
        if key is None:
            raise jwt.InvalidTokenError(f"no key {kid!r} in the tool's JWKS")
        decoded: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=audience,
            options={"require": ["exp", "iat", "iss", "aud"]},
        )
        return decoded

    def _deep_link_response(self, form: dict[str, str]) -> tuple[int, str]:
        """Deep Linking 2.0 4.5: verify the tool's signed LtiDeepLinkingResponse."""
        try:
            claims = self._verify_from_tool(form.get("JWT", ""), audience=self.issuer)
        except jwt.InvalidTokenError as error:
            self.deep_link_errors.append(str(error))
            return 400, f"refused: {error}"
        if claims.get("iss") != self.client_id:
            self.deep_link_errors.append("iss is not the client id")
            return 400, "refused: iss"
        if claims.get(LTI + "message_type") != "LtiDeepLinkingResponse":
            self.deep_link_errors.append("not a deep-linking response")
            return 400, "refused: message_type"
        if claims.get(LTI + "deployment_id") != self.deployment_id:
            self.deep_link_errors.append("unknown deployment")
            return 400, "refused: deployment"
        self.deep_link_responses.append(claims)
        return 200, "content added"

    def _token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Security Framework 4.1: client credentials with a JWT assertion from the tool."""
        if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return 400, {"error": "unsupported_grant_type"}
        try:
            claims = self._verify_from_tool(form.get("client_assertion", ""), self.token_url)
        except jwt.InvalidTokenError as error:
            return 401, {"error": "invalid_client", "error_description": str(error)}
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id:
            return 401, {"error": "invalid_client"}
        token = secrets.token_urlsafe(24)
        self.access_tokens.append(token)
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": form.get("scope", ""),
        }

    # -- HTTP ---------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet tests
                return

            def _answer(self, status: int, body: str, kind: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _form(self) -> dict[str, str]:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length).decode()
                return {k: v[0] for k, v in parse_qs(raw).items()}

            def _auth(self, params: dict[str, str]) -> None:
                platform.auth_requests.append(AuthRequest(params))
                token, error = platform._id_token(params)
                if error:
                    self._answer(
                        400,
                        json.dumps({"error": "invalid_request", "error_description": error}),
                        "application/json",
                    )
                    return
                action = html.escape(params["redirect_uri"])
                page = (
                    "<!doctype html><title>Launching</title>"
                    f'<form method="post" action="{action}">'
                    f'<input type="hidden" name="id_token" value="{html.escape(token)}">'
                    f'<input type="hidden" name="state" value="{html.escape(params["state"])}">'
                    "<button>Continue</button></form>"
                )
                self._answer(200, page, "text/html")

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == "/jwks.json":
                    body = json.dumps({"keys": [platform.key.public_jwk]})
                    self._answer(200, body, "application/json")
                elif parts.path == "/auth":
                    self._auth({k: v[0] for k, v in parse_qs(parts.query).items()})
                elif parts.path in platform.pages:
                    self._answer(200, platform.pages[parts.path], "text/html")
                else:
                    self._answer(404, "not found", "text/plain")

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                form = self._form()
                if path == "/auth":
                    self._auth(form)
                elif path == "/deep_links":
                    status, text = platform._deep_link_response(form)
                    self._answer(status, text, "text/plain")
                elif path == "/token":
                    status, body = platform._token(form)
                    self._answer(status, json.dumps(body), "application/json")
                else:
                    self._answer(404, "not found", "text/plain")

        return Handler
