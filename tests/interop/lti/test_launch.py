"""A resource-link launch from the platform built in the tests, end to end through the web app:
login initiation, the platform's authorization endpoint over HTTP, the launch, and where the
user lands, signed in, with the right role."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from pmpath.store.tables_lti import LtiContextRow, LtiLaunchRow, LtiResourceLinkRow
from tests.interop.lti.conftest import Lms, form_of
from tests.interop.lti.platform import INSTRUCTOR, LEARNER
from tests.web.conftest import sign_in

EXAM = "pm-foundations"


def test_a_learner_launch_lands_on_the_exams_start_page_signed_in(lms: Lms) -> None:
    claims = lms.platform.resource_link_claims(pmpath_target=f"exam:{EXAM}")
    answer, _ = lms.launch(claims)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/exams/{EXAM}/start"
    start = lms.client.get(answer.headers["location"])
    assert start.status_code == 200
    assert "Signed in as Ms Jane Marie Doe" in start.text
    assert lms.launched_users() == [("jane@platform.example.edu", "Ms Jane Marie Doe", "learner")]


def test_the_launch_records_context_link_services_and_launch(lms: Lms) -> None:
    claims = lms.platform.resource_link_claims(pmpath_target="practice")
    answer, _ = lms.launch(claims)
    assert answer.headers["location"] == "/practice"
    with lms.app.database.read() as session:
        context = session.scalars(select(LtiContextRow)).one()
        link = session.scalars(select(LtiResourceLinkRow)).one()
        launch = session.scalars(select(LtiLaunchRow)).one()
    assert context.title == "Economics as a Social Science"
    assert context.memberships_url == (
        "https://platform.example.edu/api/lti/courses/7/names_and_roles"
    )
    assert (link.resource_link_id, link.title) == (
        "200d101f-2c14-434a-a0f3-57c2a42369fd",
        "Introduction Assignment",
    )
    assert (link.target_kind, link.target_ref) == ("practice", None)
    assert link.context_row_id == context.id
    assert link.ags_lineitems_url == "https://platform.example.edu/2344/lineitems/"
    assert link.ags_lineitem_url == "https://platform.example.edu/2344/lineitems/1234/lineitem"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in link.ags_scopes
    assert launch.roles[1] == LEARNER


def test_an_instructor_becomes_an_author(lms: Lms) -> None:
    claims = lms.platform.resource_link_claims(roles=[INSTRUCTOR], pmpath_target="self-assessment")
    answer, _ = lms.launch(claims)
    assert answer.headers["location"] == "/assess/new"
    assert [role for _, _, role in lms.launched_users()] == ["author"]


def test_a_second_launch_finds_the_same_user_and_never_lowers_the_role(lms: Lms) -> None:
    lms.launch(lms.platform.resource_link_claims(roles=[INSTRUCTOR], pmpath_target="practice"))
    lms.client.cookies.clear()
    answer, _ = lms.launch(lms.platform.resource_link_claims(roles=[LEARNER]))
    assert answer.status_code == 303
    assert [(e, r) for e, _, r in lms.launched_users()] == [("jane@platform.example.edu", "author")]
    assert lms.counts()["launches"] == 2


def test_a_launch_while_signed_in_to_pmpath_is_not_refused_as_a_forgery(lms: Lms) -> None:
    # The launch is authenticated by the platform's signed token and a one-time state, not by
    # pmpath's session, so the session's CSRF check does not apply (an LMS on the same site).
    first, _ = lms.launch(lms.platform.resource_link_claims(pmpath_target="practice"))
    assert first.status_code == 303
    again, _ = lms.launch(lms.platform.resource_link_claims(pmpath_target="practice"))
    assert again.status_code == 303, again.text
    assert lms.counts()["launches"] == 2


def test_a_learner_of_a_link_with_no_target_is_told_to_wait(lms: Lms) -> None:
    answer, _ = lms.launch(lms.platform.resource_link_claims())
    assert answer.headers["location"].startswith("/lti/links/")
    page = lms.client.get(answer.headers["location"])
    assert "Your instructor has not chosen an exam yet." in page.text
    assert 'name="target"' not in page.text


def test_an_instructor_chooses_the_target_of_a_new_link_for_everyone(lms: Lms) -> None:
    answer, _ = lms.launch(lms.platform.resource_link_claims(roles=[INSTRUCTOR]))
    where = answer.headers["location"]
    page = lms.client.get(where).text
    assert f'value="exam:{EXAM}"' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    chosen = lms.client.post(
        where, data={"csrf_token": csrf.group(1), "target": f"exam:{EXAM}"}, follow_redirects=False
    )
    assert chosen.headers["location"] == f"/exams/{EXAM}/start"
    lms.client.cookies.clear()
    learner, _ = lms.launch(lms.platform.resource_link_claims(roles=[LEARNER], sub="student-2"))
    assert learner.headers["location"] == f"/exams/{EXAM}/start"


def test_a_learner_cannot_choose_the_target(lms: Lms) -> None:
    answer, _ = lms.launch(lms.platform.resource_link_claims())
    where = answer.headers["location"]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', lms.client.get("/account").text)
    assert csrf
    refused = lms.client.post(where, data={"csrf_token": csrf.group(1), "target": "practice"})
    assert refused.status_code == 403


def test_an_email_of_another_account_is_not_linked_to_the_launch(lms: Lms) -> None:
    lms.app.accounts.sign_up("jane@platform.example.edu", "Jane", "correct-horse-battery")
    answer, _ = lms.launch(lms.platform.resource_link_claims(pmpath_target="practice"))
    assert answer.status_code == 303
    ((email, name, _),) = lms.launched_users()
    assert email.endswith("@lti.invalid")
    assert name == "Ms Jane Marie Doe"


def test_an_account_made_by_a_launch_has_no_password(lms: Lms) -> None:
    lms.launch(lms.platform.resource_link_claims(pmpath_target="practice"))
    lms.client.cookies.clear()
    for password in ("", "!lti-only", "correct-horse-battery"):
        refused = sign_in(lms.client, "jane@platform.example.edu", password)
        assert refused.status_code in (401, 422), refused.text


def test_a_login_without_a_client_id_finds_the_only_platform_of_its_issuer(lms: Lms) -> None:
    hint, _ = lms.platform.stage(lms.platform.resource_link_claims(pmpath_target="practice"))
    params = lms.platform.login_params(hint)
    del params["client_id"]  # optional in LTI 1.3 core 4.1
    started = lms.client.get("/lti/login", params=params, follow_redirects=False)
    assert started.status_code == 302
    assert f"client_id={lms.platform.client_id}" in started.headers["location"]


def test_a_state_cookie_of_another_login_is_refused(lms: Lms) -> None:
    hint, _ = lms.platform.stage(lms.platform.resource_link_claims(pmpath_target="practice"))
    started = lms.client.get(
        "/lti/login", params=lms.platform.login_params(hint), follow_redirects=False
    )
    (cookie,) = [name for name in lms.client.cookies if name.startswith("lti1p3-state-")]
    lms.client.cookies.set(cookie, "state-of-another-login", path="/lti/")
    _, fields = form_of(httpx.get(started.headers["location"], timeout=10).text)
    refused = lms.post_again(fields)
    assert refused.status_code == 401
    assert "does not match this browser" in refused.text
    assert lms.counts()["launches"] == 0


def test_login_initiation_by_form_post_works_too(lms: Lms) -> None:
    hint, _ = lms.platform.stage(lms.platform.resource_link_claims(pmpath_target="practice"))
    started = lms.client.post(
        "/lti/login", data=lms.platform.login_params(hint), follow_redirects=False
    )
    assert started.status_code == 302
    assert started.headers["location"].startswith(lms.platform.auth_url)


def test_an_account_a_launch_made_deletes_itself_by_typing_its_address(lms: Lms) -> None:
    from tests.web.conftest import csrf_of

    answer, _ = lms.launch(lms.platform.resource_link_claims(pmpath_target="practice"))
    assert answer.status_code == 303
    page = lms.client.get("/account/delete").text
    [(email,)] = [(e,) for e, _, _ in lms.launched_users()]
    assert f"Type the account's address, <strong>{email}</strong>" in page
    assert 'name="password"' not in page
    csrf = csrf_of(page)
    wrong = lms.client.post("/account/delete", data={"csrf_token": csrf, "email": "me@x.org"})
    assert wrong.status_code == 422
    assert lms.counts()["users"] >= 1
    gone = lms.client.post(
        "/account/delete", data={"csrf_token": csrf, "email": email}, follow_redirects=False
    )
    assert gone.status_code == 303
    assert lms.launched_users() == []
    assert lms.counts()["identities"] == 0


def test_an_account_a_launch_made_has_no_password_form_and_makes_no_tokens(lms: Lms) -> None:
    from pmpath.errors import ForbiddenError

    answer, _ = lms.launch(lms.platform.resource_link_claims(pmpath_target="practice"))
    assert answer.status_code == 303
    page = lms.client.get("/account").text
    assert "signs in through your LMS" in page
    assert "Change your password" not in page
    assert "Create a token" not in page
    assert "@lti.invalid" not in page
    [(email, _, _)] = lms.launched_users()
    jane = lms.app.accounts.user_by_email(email)
    with pytest.raises(ForbiddenError, match="used through the LMS only"):
        lms.app.accounts.create_token(jane, "script")
