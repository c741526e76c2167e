"""Whatever is presented for verification, the verdict is a reason, never a crash: arbitrary
text, and arbitrary JSON payloads in the shape of a JWT (unsigned or signed by a stranger),
whose issuer may name any DID. Nothing is fetched from the network: the downloader refuses."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pmpath.interop.badges.verification import Checked, check

REASONS = {
    "valid",
    "tampered",
    "revoked",
    "expired",
    "not-yet-valid",
    "unknown-issuer",
    "status-unknown",
    "malformed",
}


def _offline(url: str) -> bytes:
    raise OSError(f"no network in this test: {url}")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
issuers = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["did:web:", "did:web:example.org", "did:key:z6Mk", "did:key:", "did:jwk:e30"]),
    st.builds(lambda tail: f"did:web:{tail}", st.text(max_size=20)),
    st.builds(lambda tail: f"did:key:z{tail}", st.text(alphabet="123456789ABCDEFGHJ", max_size=60)),
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_a_reason(text: str) -> None:
    found = check(text, _offline)
    assert isinstance(found, Checked)
    assert found.reason in REASONS - {"valid"}


@settings(max_examples=300, deadline=None)
@given(issuer=issuers, body=st.dictionaries(st.text(max_size=12), json_values, max_size=6))
def test_any_payload_in_a_jwt_gets_a_reason(issuer: str, body: dict[str, Any]) -> None:
    payload = {**body, "iss": issuer, "issuer": {"id": issuer, "name": "x"}}
    header = _b64(json.dumps({"alg": "EdDSA", "typ": "JWT"}).encode())
    token = f"{header}.{_b64(json.dumps(payload).encode())}.{_b64(b'not a signature')}"
    found = check(token, _offline)
    assert found.reason in REASONS - {"valid"}
