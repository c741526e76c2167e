"""Every launch pmpath must refuse (LTI 1.3 core 5.1.3, Security Framework 5.1.3): each answers an
HTML page naming what was wrong, with its status, and creates nothing: no user, identity,
context, resource link or launch, and no session."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from pmpath.services.models.lti import PlatformInput
from tests.interop.lti.conftest import Lms, form_of
from tests.interop.lti.platform import LTI, SigningKey

NOTHING = {"users": 1, "identities": 0, "contexts": 0, "links": 0, "launches": 0}  # the admin


def _refused(lms: Lms, answer: Any, status: int, words: str) -> None:
    assert answer.status_code == status, answer.text
    assert "text/html" in answer.headers["content-type"]
    assert "pmpath could not open this activity" in answer.text
    assert words in said(answer)
    assert lms.counts() == NOTHING
    assert "pmpath_session" not in answer.cookies


def said(answer: Any) -> str:
    """The messages of an error page, as one lower-case line."""
    found = re.findall(r'role="alert">([^<]*)<', answer.text)
    return html.unescape(" ".join(found)).lower()


def _without(*claims: str) -> Any:
    def spoil(body: dict[str, Any]) -> None:
        for claim in claims:
            body.pop(claim, None)

    return spoil


def _setting(claim: str, value: Any) -> Any:
    def spoil(body: dict[str, Any]) -> None:
        body[claim] = value

    return spoil


def test_a_token_for_another_client_is_refused_as_the_wrong_audience(lms: Lms) -> None:
    answer, _ = lms.launch(
        lms.platform.resource_link_claims(),
        spoil=_both("aud", "azp", "someone-elses-tool"),
    )
    _refused(lms, answer, 401, "wrong audience")


def _both(a: str, b: str, value: str) -> Any:
    def spoil(body: dict[str, Any]) -> None:
        body[a] = [value]
        body[b] = value

    return spoil


def test_an_expired_token_is_refused(lms: Lms) -> None:
    def expire(body: dict[str, Any]) -> None:
        body["iat"] -= 3600
        body["exp"] = body["iat"] + 60

    answer, _ = lms.launch(lms.platform.resource_link_claims(), spoil=expire)
    _refused(lms, answer, 401, "the id_token has expired (exp)")


def test_a_replayed_nonce_is_refused(lms: Lms) -> None:
    first, staged = lms.launch(lms.platform.resource_link_claims(pmpath_target="practice"))
    assert first.status_code == 303
    lms.client.cookies.clear()
    before = lms.counts()
    # A fresh login (a new state), but the platform's token carries the spent nonce.
    answer, _ = lms.launch(lms.platform.resource_link_claims(), nonce=staged.sent["nonce"])
    assert answer.status_code == 401
    assert "the nonce is unknown, used already or expired (a replayed launch)" in said(answer)
    assert lms.counts() == before


def test_posting_the_same_launch_twice_is_refused_on_its_spent_state(lms: Lms) -> None:
    hint, _ = lms.platform.stage(lms.platform.resource_link_claims(pmpath_target="practice"))
    started = lms.client.get(
        "/lti/login", params=lms.platform.login_params(hint), follow_redirects=False
    )
    import httpx

    _, fields = form_of(httpx.get(started.headers["location"]).text)
    assert lms.post_again(fields).status_code == 303
    lms.client.cookies.clear()
    before = lms.counts()
    again = lms.post_again(fields)
    assert again.status_code == 401
    assert "the login state is unknown, used already or expired" in said(again)
    assert lms.counts() == before


def test_an_unknown_deployment_is_refused(lms: Lms) -> None:
    answer, _ = lms.launch(
        lms.platform.resource_link_claims(), spoil=_setting(LTI + "deployment_id", "elsewhere")
    )
    _refused(lms, answer, 403, "unknown deployment 'elsewhere'")


def test_a_token_signed_with_a_key_not_in_the_platforms_jwks_is_refused(lms: Lms) -> None:
    stranger = SigningKey.new()
    answer, _ = lms.launch(lms.platform.resource_link_claims(), key=stranger)
    _refused(lms, answer, 401, "signing key was not found in the platform's jwks")


def test_a_forged_signature_under_the_platforms_kid_is_refused(lms: Lms) -> None:
    forger = SigningKey.new(kid=lms.platform.key.kid)
    answer, _ = lms.launch(lms.platform.resource_link_claims(), key=forger)
    _refused(lms, answer, 401, "signature does not verify with the platform's keys")


@pytest.mark.parametrize(
    ("claim", "words"),
    [
        (LTI + "message_type", "no message_type claim"),
        (LTI + "roles", "no roles claim"),
        (LTI + "resource_link", "no resource_link claim"),
        (LTI + "target_link_uri", "no target_link_uri claim"),
        ("sub", "no sub claim"),
        (LTI + "version", "no version claim"),
    ],
)
def test_a_launch_missing_a_required_claim_is_refused(lms: Lms, claim: str, words: str) -> None:
    answer, _ = lms.launch(lms.platform.resource_link_claims(), spoil=_without(claim))
    _refused(lms, answer, 400, words)


def test_a_launch_of_another_lti_version_is_refused(lms: Lms) -> None:
    answer, _ = lms.launch(
        lms.platform.resource_link_claims(), spoil=_setting(LTI + "version", "1.1")
    )
    _refused(lms, answer, 400, "the lti version is '1.1', not 1.3.0")


def test_a_login_from_an_unknown_issuer_is_refused(lms: Lms) -> None:
    hint, _ = lms.platform.stage(lms.platform.resource_link_claims())
    params = {**lms.platform.login_params(hint), "iss": "https://unknown.example.edu"}
    answer = lms.client.get("/lti/login", params=params, follow_redirects=False)
    _refused(lms, answer, 403, "is not registered in pmpath")


def test_a_login_with_an_unknown_client_id_is_refused(lms: Lms) -> None:
    hint, _ = lms.platform.stage(lms.platform.resource_link_claims())
    params = {**lms.platform.login_params(hint), "client_id": "not-ours"}
    answer = lms.client.get("/lti/login", params=params, follow_redirects=False)
    _refused(lms, answer, 403, "is not registered in pmpath")


def test_a_token_from_an_unknown_issuer_is_refused(lms: Lms) -> None:
    answer, _ = lms.launch(
        lms.platform.resource_link_claims(), spoil=_setting("iss", "https://unknown.example.edu")
    )
    _refused(lms, answer, 403, "unknown issuer")


def test_a_launch_of_a_removed_platform_is_refused(lms: Lms) -> None:
    lms.app.lti.remove_platform(lms.admin, lms.platform_id)
    hint, _ = lms.platform.stage(lms.platform.resource_link_claims())
    answer = lms.client.get(
        "/lti/login", params=lms.platform.login_params(hint), follow_redirects=False
    )
    _refused(lms, answer, 403, "is not registered in pmpath")


def test_a_platform_registered_again_is_accepted_again(lms: Lms) -> None:
    lms.app.lti.remove_platform(lms.admin, lms.platform_id)
    lms.app.lti.register_platform(lms.admin, PlatformInput(**lms.platform.registration()))
    answer, _ = lms.launch(lms.platform.resource_link_claims(pmpath_target="practice"))
    assert answer.status_code == 303
