"""Deep Linking 2.0 end to end: an instructor's LtiDeepLinkingRequest, the picker, pmpath's
signed LtiDeepLinkingResponse that the platform verifies with pmpath's published JWKS, and the
later launch of the new link landing on what was picked.

The LMS shows the picker in a cross-site iframe (Moodle's "Select content", Canvas's link
selection), where pmpath's session cookie is neither stored nor sent: the picker and its answer
work by the launch id alone, and only they may be framed, by the platform's origin."""

from __future__ import annotations

import secrets

import httpx
from sqlalchemy import func, select

from pmpath.store.tables_lti import LtiLaunchDataRow, LtiResourceLinkRow
from tests.interop.lti.conftest import Lms, form_of
from tests.interop.lti.platform import CONTENT_ITEMS, LEARNER, LTI

EXAM = "pm-foundations"
SITE_FRAMING = "frame-ancestors 'none'"


def _picker_url(lms: Lms) -> str:
    """A deep-linking launch's picker, then the browser's cookies dropped, as in the LMS's
    cross-site iframe, which neither stores nor sends pmpath's SameSite=Lax session cookie."""
    answer, _ = lms.launch(lms.platform.deep_linking_claims())
    assert answer.status_code == 303, answer.text
    lms.client.cookies.clear()
    return str(answer.headers["location"])


def _pick(lms: Lms, target: str) -> httpx.Response:
    """Deep-linking launch, then the picker's choice; the page that returns to the LMS."""
    where = _picker_url(lms)
    assert lms.client.get(where).status_code == 200
    return lms.client.post(where, data={"target": target})


def _waiting(lms: Lms) -> int:
    with lms.app.database.read() as session:
        return session.scalar(select(func.count()).select_from(LtiLaunchDataRow)) or 0


def test_the_picker_lists_the_bundled_exams_practice_and_the_self_assessment(lms: Lms) -> None:
    where = _picker_url(lms)
    assert where.startswith("/lti/deep-link/")
    picker = lms.client.get(where).text
    assert "Add pmpath to Economics as a Social Science" in picker
    for exam in lms.app.catalogue().blueprints:
        assert f'value="exam:{exam.id}"' in picker
        assert exam.name in picker
    assert 'value="practice"' in picker
    assert 'value="self-assessment"' in picker


def test_the_platform_verifies_the_signed_response_with_pmpaths_jwks(lms: Lms) -> None:
    returned = _pick(lms, f"exam:{EXAM}")
    assert returned.status_code == 200
    action, fields = form_of(returned.text, "JWT")
    assert action == lms.platform.deep_link_return_url
    assert '<button type="submit">Return to the course</button>' in returned.text
    assert f"form-action 'self' {lms.platform.url}" in returned.headers["content-security-policy"]
    posted = httpx.post(action, data=fields, timeout=10)  # what the browser's form post does
    assert (posted.status_code, posted.text) == (200, "content added")
    claims = lms.platform.deep_link_responses[0]
    assert claims["iss"] == lms.platform.client_id
    assert claims["aud"] == [lms.platform.issuer]
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == (
        "csrftoken:c7fbba78-7b75-46e3-9201-11e6d5f36f53"
    )
    (item,) = claims[CONTENT_ITEMS]
    assert item["type"] == "ltiResourceLink"
    assert item["custom"] == {"pmpath_target": f"exam:{EXAM}"}
    assert item["url"] == f"http://testserver/lti/launch?pmpath_target=exam%3A{EXAM}"


def test_the_new_links_first_launch_lands_on_the_picked_exam_and_remembers_it(lms: Lms) -> None:
    returned = _pick(lms, f"exam:{EXAM}")
    action, fields = form_of(returned.text, "JWT")
    httpx.post(action, data=fields, timeout=10)
    (item,) = lms.platform.deep_link_responses[0][CONTENT_ITEMS]
    lms.client.cookies.clear()
    claims = lms.platform.resource_link_claims(roles=[LEARNER], sub="student-2")
    claims[LTI + "custom"] = item["custom"]
    claims[LTI + "target_link_uri"] = item["url"]
    answer, _ = lms.launch(claims)
    assert answer.headers["location"] == f"/exams/{EXAM}/start"
    with lms.app.database.read() as session:
        link = session.scalars(select(LtiResourceLinkRow)).one()
    assert (link.target_kind, link.target_ref) == ("exam", EXAM)


def test_a_choice_can_be_returned_once(lms: Lms) -> None:
    where = _picker_url(lms)
    assert lms.client.post(where, data={"target": "practice"}).status_code == 200
    again = lms.client.post(where, data={"target": "practice"})
    assert again.status_code == 404
    assert _waiting(lms) == 0


def test_an_unknown_choice_is_refused_on_the_picker(lms: Lms) -> None:
    where = _picker_url(lms)
    refused = lms.client.post(where, data={"target": "exam:no-such-exam"})
    assert refused.status_code == 422
    assert "Choose one of the exams, practice or the self-assessment." in refused.text
    assert f"frame-ancestors {lms.platform.url}" in refused.headers["content-security-policy"]
    assert "x-frame-options" not in refused.headers
    assert _waiting(lms) == 1  # the request still waits for a valid choice


def test_a_learners_deep_linking_request_is_refused_and_creates_nothing(lms: Lms) -> None:
    answer, _ = lms.launch(lms.platform.deep_linking_claims(roles=[LEARNER]))
    assert answer.status_code == 403
    assert "Only an instructor chooses what pmpath opens" in answer.text
    assert lms.counts()["users"] == 1  # the admin alone


def test_another_user_cannot_answer_an_instructors_request(lms: Lms) -> None:
    answer, _ = lms.launch(lms.platform.deep_linking_claims())
    where = answer.headers["location"]
    lms.client.cookies.clear()
    lms.launch(lms.platform.resource_link_claims(sub="student-9", pmpath_target="practice"))
    assert lms.client.get(where).status_code == 404
    assert lms.client.post(where, data={"target": "practice"}).status_code == 404
    assert lms.platform.deep_link_responses == []
    assert _waiting(lms) == 1


# -- inside the LMS's frame --------------------------------------------------------------------


def test_the_picker_may_be_framed_by_the_platform_and_by_nobody_else(lms: Lms) -> None:
    picker = lms.client.get(_picker_url(lms))
    assert picker.status_code == 200
    policy = picker.headers["content-security-policy"]
    assert f"frame-ancestors {lms.platform.url};" in policy + ";"
    assert SITE_FRAMING not in policy
    assert "form-action 'self';" in policy  # the picker posts to pmpath only
    assert "x-frame-options" not in picker.headers


def test_the_return_page_may_be_framed_by_the_platform_and_posts_to_it(lms: Lms) -> None:
    returned = _pick(lms, "practice")
    assert returned.status_code == 200
    policy = returned.headers["content-security-policy"]
    assert f"frame-ancestors {lms.platform.url};" in policy + ";"
    assert f"form-action 'self' {lms.platform.url};" in policy
    assert "x-frame-options" not in returned.headers


def test_the_picker_and_its_answer_need_no_session_cookie(lms: Lms) -> None:
    where = _picker_url(lms)
    assert not lms.client.cookies
    assert lms.client.get(where).status_code == 200
    returned = lms.client.post(where, data={"target": f"exam:{EXAM}"})
    assert returned.status_code == 200
    assert not lms.client.cookies
    action, fields = form_of(returned.text, "JWT")
    assert httpx.post(action, data=fields, timeout=10).status_code == 200
    (claims,) = lms.platform.deep_link_responses
    assert claims[CONTENT_ITEMS][0]["custom"] == {"pmpath_target": f"exam:{EXAM}"}


def test_the_launch_id_is_a_long_random_value(lms: Lms) -> None:
    first = _picker_url(lms).removeprefix("/lti/deep-link/")
    second = _picker_url(lms).removeprefix("/lti/deep-link/")
    assert first != second
    assert len(first) >= 32  # 24 random bytes, base64url: 192 bits


def test_an_unknown_launch_id_is_refused_and_creates_nothing(lms: Lms) -> None:
    _picker_url(lms)
    before = lms.counts()
    wrong = "/lti/deep-link/" + secrets.token_urlsafe(24)
    assert lms.client.get(wrong).status_code == 404
    refused = lms.client.post(wrong, data={"target": "practice"})
    assert refused.status_code == 404
    assert "JWT" not in refused.text
    assert SITE_FRAMING in refused.headers["content-security-policy"]
    assert lms.counts() == before
    assert _waiting(lms) == 1


def test_an_expired_launch_id_is_refused_and_creates_nothing(lms: Lms) -> None:
    where = _picker_url(lms)
    lms.clock.advance(hours=1, seconds=1)
    assert lms.client.get(where).status_code == 404
    refused = lms.client.post(where, data={"target": "practice"})
    assert refused.status_code == 404
    assert "JWT" not in refused.text


def test_every_other_page_still_refuses_every_frame(lms: Lms) -> None:
    launched, _ = lms.launch(lms.platform.resource_link_claims(pmpath_target="practice"))
    pages = [launched, lms.client.get("/"), lms.client.get("/lti/jwks.json")]
    pages += [lms.client.get("/login"), lms.client.get("/lti/deep-link/" + "x" * 32)]
    for reply in pages:
        assert SITE_FRAMING in reply.headers["content-security-policy"], reply.url
        assert reply.headers["x-frame-options"] == "DENY", reply.url
