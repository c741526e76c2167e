"""The pure rules of LTI Advantage (pmpath.interop.lti.ags and .nrps): the score sent, when a
failed score is tried again, how a failure reads, which line item is the exam's, how course
roles map to team roles, and that any membership container gives members or a RosterError,
never a crash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from pylti1p3.exception import LtiServiceException

from pmpath.errors import RosterError
from pmpath.interop.lti import ags, nrps

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"


@pytest.mark.parametrize(
    ("percent", "sent"), [(None, 0.0), (-3.0, 0.0), (72.456, 72.46), (100.0, 100.0), (104.0, 100.0)]
)
def test_the_score_sent_is_the_percentage_within_0_and_100(
    percent: float | None, sent: float
) -> None:
    assert ags.score_given(percent) == sent


def test_a_grade_is_completed_fully_graded_and_stamped_with_the_finish() -> None:
    value = ags.grade("sub-1", 75.0, NOW + timedelta(hours=1)).get_value()
    assert value == (
        '{"scoreGiven": 75.0, "scoreMaximum": 100.0, "activityProgress": "Completed", '
        '"gradingProgress": "FullyGraded", "timestamp": "2026-12-07T10:00:00+00:00", '
        '"userId": "sub-1"}'
    )


def test_passed_needs_a_pass_mark() -> None:
    assert (ags.passed(70.0, 70.0), ags.passed(69.9, 70.0), ags.passed(90.0, None)) == (
        True,
        False,
        None,
    )


def test_retries_wait_twice_as_long_each_time_up_to_six_hours() -> None:
    waits = [(ags.next_try(tries, NOW) - NOW).total_seconds() / 60 for tries in range(1, 13)]
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]
    assert (ags.gives_up(11), ags.gives_up(12)) == (False, True)


@pytest.mark.parametrize(
    ("found", "mine"),
    [
        ({"resourceLinkId": "rl", "resourceId": "exam-a"}, True),
        ({"resourceLinkId": "rl", "tag": "exam-a", "resourceId": "x"}, True),
        ({"resourceLinkId": "rl"}, True),  # made by hand for the link
        ({"resourceLinkId": "rl", "resourceId": "exam-b"}, False),
        ({"resourceLinkId": "other", "resourceId": "exam-a"}, False),
        ({}, False),
    ],
)
def test_which_line_item_is_the_exams(found: dict[str, Any], mine: bool) -> None:
    assert ags.is_line_item_of(found, "exam-a", "rl") is mine


def _refusal(status: int, body: str, url: str, message: str) -> LtiServiceException:
    response = requests.Response()
    response.status_code, response._content, response.url = status, body.encode(), url
    response.request = requests.Request("POST", url).prepare()
    return LtiServiceException(message, response)


def test_failures_read_as_one_line_for_admins() -> None:
    token = _refusal(
        400,
        '{"error": "invalid_grant", "error_description": "jti replayed"}',
        "https://lms/token",
        "There was an error while getting an access token from the platform.",
    )
    assert ags.failure_text(token) == (
        "the platform refused pmpath's token request with HTTP 400: invalid_grant (jti replayed)"
    )
    score = _refusal(
        503, "down", "https://lms/li/1/scores", "There was an error making a service request."
    )
    assert ags.failure_text(score) == (
        "the platform answered POST https://lms/li/1/scores with HTTP 503: down"
    )
    assert ags.failure_text(requests.ConnectionError()) == (
        "the platform could not be reached (connection refused or no route)"
    )


@pytest.mark.parametrize(
    ("roles", "team_role"),
    [
        ([f"{MEMBERSHIP}#Instructor"], "manager"),
        (["Instructor"], "manager"),
        ([f"{MEMBERSHIP}#Administrator"], "manager"),
        ([f"{MEMBERSHIP}/Instructor#TeachingAssistant"], "manager"),
        ([f"{MEMBERSHIP}#Learner", f"{MEMBERSHIP}#Mentor"], "member"),
        (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"], "member"),
        ([], "member"),
    ],
)
def test_course_roles_map_to_team_roles(roles: list[str], team_role: str) -> None:
    assert nrps.team_role(roles) == team_role


def test_inactive_and_deleted_members_count_as_gone() -> None:
    page = {
        "members": [
            {"user_id": "a", "roles": ["Learner"], "status": "Inactive"},
            {"user_id": "b", "roles": ["Learner"], "status": "Deleted"},
            {"user_id": "c", "roles": ["Learner"], "given_name": "Ada", "family_name": "Li"},
        ]
    }
    found = nrps.members(page)
    assert [(m.subject, m.active, m.name) for m in found] == [
        ("a", False, None),
        ("b", False, None),
        ("c", True, "Ada Li"),
    ]


def test_every_broken_member_is_named() -> None:
    page = {"members": [{"roles": []}, "x", {"user_id": "u", "roles": "Learner"}]}
    with pytest.raises(RosterError) as refused:
        nrps.members(page)
    assert [str(p) for p in refused.value.problems] == [
        "members[0]: a member needs its user_id",
        "members[1]: a member must be an object",
        "members[2]: roles must be a list of role names",
    ]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(
    st.dictionaries(
        st.sampled_from(["members", "context", "id"]) | st.text(),
        JSON
        | st.lists(
            st.dictionaries(st.sampled_from(["user_id", "roles", "name", "status", "email"]), JSON)
        ),
        max_size=4,
    )
)
def test_any_membership_container_gives_members_or_a_roster_error(page: dict[str, Any]) -> None:
    found, problems = _read(page)
    if problems:
        assert found == []
    else:
        assert all(isinstance(m.subject, str) and m.subject.strip() for m in found)


def _read(page: dict[str, Any]) -> tuple[list[nrps.RosterMember], tuple[object, ...]]:
    try:
        return nrps.members(page), ()
    except RosterError as refused:
        return [], refused.problems
