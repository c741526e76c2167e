"""The Guards middleware on its own: the security headers it adds around any ASGI app, and what
a reply that brings its own Content-Security-Policy keeps."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from pmpath.web.guards import SECURITY_HEADERS, Guards

OWN_POLICY = "default-src 'self'; frame-ancestors https://lms.example"


def _client() -> TestClient:
    inner = FastAPI()

    @inner.get("/plain")
    def plain() -> PlainTextResponse:
        return PlainTextResponse("plain")

    @inner.get("/own-policy")
    def own_policy() -> PlainTextResponse:
        return PlainTextResponse("framed", headers={"content-security-policy": OWN_POLICY})

    return TestClient(Guards(inner, upload_limit=1024))


def test_a_reply_without_a_policy_gets_the_sites_policy_and_x_frame_options_deny() -> None:
    reply = _client().get("/plain")
    site_policy = dict(SECURITY_HEADERS)[b"content-security-policy"].decode()
    assert reply.headers["content-security-policy"] == site_policy
    assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
    assert reply.headers["x-frame-options"] == "DENY"


def test_a_reply_with_its_own_policy_keeps_it_and_gets_no_x_frame_options() -> None:
    reply = _client().get("/own-policy")
    assert reply.headers.get_list("content-security-policy") == [OWN_POLICY]
    assert "x-frame-options" not in reply.headers


def test_a_reply_with_its_own_policy_keeps_the_other_security_headers() -> None:
    reply = _client().get("/own-policy")
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "same-origin"
    assert reply.headers["cache-control"] == "no-store"
