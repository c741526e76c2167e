"""Deep Linking 2.0 end to end: an instructor's LtiDeepLinkingRequest, the picker, pmpath's
signed LtiDeepLinkingResponse that the platform verifies with pmpath's published JWKS, and the
later launch of the new link landing on what was picked."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from pmpath.store.tables_lti import LtiResourceLinkRow
from tests.interop.lti.conftest import Lms, form_of
from tests.interop.lti.platform import CONTENT_ITEMS, LEARNER, LTI

EXAM = "pm-foundations"


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token"
    return found.group(1)


def _pick(lms: Lms, target: str) -> httpx.Response:
    """Deep-linking launch, then the picker's choice; the page that returns to the LMS."""
    answer, _ = lms.launch(lms.platform.deep_linking_claims())
    assert answer.status_code == 303, answer.text
    picker = lms.client.get(answer.headers["location"])
    assert picker.status_code == 200
    return lms.client.post(
        answer.headers["location"], data={"csrf_token": _csrf(picker.text), "target": target}
    )


def test_the_picker_lists_the_bundled_exams_practice_and_the_self_assessment(lms: Lms) -> None:
    answer, _ = lms.launch(lms.platform.deep_linking_claims())
    assert answer.headers["location"].startswith("/lti/deep-link/")
    picker = lms.client.get(answer.headers["location"]).text
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
    answer, _ = lms.launch(lms.platform.deep_linking_claims())
    where = answer.headers["location"]
    csrf = _csrf(lms.client.get(where).text)
    assert (
        lms.client.post(where, data={"csrf_token": csrf, "target": "practice"}).status_code == 200
    )
    again = lms.client.post(where, data={"csrf_token": csrf, "target": "practice"})
    assert again.status_code == 404


def test_an_unknown_choice_is_refused_on_the_picker(lms: Lms) -> None:
    answer, _ = lms.launch(lms.platform.deep_linking_claims())
    where = answer.headers["location"]
    csrf = _csrf(lms.client.get(where).text)
    refused = lms.client.post(where, data={"csrf_token": csrf, "target": "exam:no-such-exam"})
    assert refused.status_code == 422
    assert "Choose one of the exams, practice or the self-assessment." in refused.text


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
