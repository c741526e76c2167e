"""The tool's keys: made on first need, published at /lti/jwks.json without a sign-in, rotated
by an admin; a replaced key still verifies for the grace period, then drops out."""

from __future__ import annotations

import httpx
import jwt

from pmpath.interop.lti.keys import RETIRED_KEY_GRACE
from tests.interop.lti.conftest import Lms, form_of
from tests.interop.lti.test_deep_linking import _pick


def _signed_response(lms: Lms) -> dict[str, str]:
    lms.client.cookies.clear()
    _, fields = form_of(_pick(lms, "practice").text, "JWT")
    return fields


def test_the_jwks_is_public_and_holds_one_rs256_signing_key(lms: Lms) -> None:
    lms.client.cookies.clear()
    answer = lms.client.get("/lti/jwks.json")
    assert answer.status_code == 200
    (key,) = answer.json()["keys"]
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert "d" not in key  # the public half only


def test_a_replaced_key_still_verifies_within_the_grace_period(lms: Lms) -> None:
    old = _signed_response(lms)
    old_kid = jwt.get_unverified_header(old["JWT"])["kid"]
    keys = lms.app.lti.rotate_key(lms.admin)
    assert [k.status for k in keys.keys] == ["current", "retired"]
    published = [k["kid"] for k in lms.client.get("/lti/jwks.json").json()["keys"]]
    assert old_kid in published
    assert len(published) == 2
    lms.clock.advance(days=RETIRED_KEY_GRACE.days - 1)
    posted = httpx.post(lms.platform.deep_link_return_url, data=old, timeout=10)
    assert posted.status_code == 200, lms.platform.deep_link_errors


def test_after_the_grace_period_the_replaced_key_drops_out(lms: Lms) -> None:
    old = _signed_response(lms)
    lms.app.lti.rotate_key(lms.admin)
    lms.clock.advance(days=RETIRED_KEY_GRACE.days, seconds=1)
    posted = httpx.post(lms.platform.deep_link_return_url, data=old, timeout=10)
    assert posted.status_code == 400
    assert "in the tool's JWKS" in lms.platform.deep_link_errors[0]
    assert [k.status for k in lms.app.lti.keys(lms.admin).keys] == ["current", "expired"]


def test_what_is_signed_after_a_rotation_uses_the_new_key(lms: Lms) -> None:
    keys = lms.app.lti.rotate_key(lms.admin)
    fields = _signed_response(lms)
    assert jwt.get_unverified_header(fields["JWT"])["kid"] == keys.keys[0].kid
    assert httpx.post(lms.platform.deep_link_return_url, data=fields, timeout=10).status_code == 200
