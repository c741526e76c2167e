"""Assignment and Grade Services 2.0, the pure part: what pmpath sends to a platform's
gradebook, when it tries again, and how a failure reads.

A score is the attempt's percentage out of :data:`SCORE_MAXIMUM` (100): an exam's items can give
partial credit, so a count of right answers would hide part of the score, and every platform
scales a line item to its own grade scheme anyway. The score's ``timestamp`` is when the attempt
finished, so a platform that receives two scores keeps the newer attempt whatever the order.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"

#: Every score is a percentage.
SCORE_MAXIMUM = 100.0
#: The first retry waits this long; each further one twice as long as the one before ...
FIRST_RETRY = timedelta(minutes=1)
#: ... up to this (a platform down for a night's maintenance is retried every few hours).
LONGEST_RETRY = timedelta(hours=6)
#: After this many failed tries a score is "failed": shown to admins, who retry it by hand.
#: Twelve tries span about 32 hours (1 + 2 + ... + 256 minutes, then four waits of 6 hours).
MAX_TRIES = 12


def score_given(percent: float | None) -> float:
    """The score sent for an attempt's percentage (a missing score is 0), to two decimals."""
    return round(max(0.0, min(SCORE_MAXIMUM, percent or 0.0)), 2)


def passed(percent: float | None, pass_mark: float | None) -> bool | None:
    """Whether the attempt passed; None when its exam has no pass mark."""
    if pass_mark is None:
        return None
    return (percent or 0.0) >= pass_mark


def grade(subject: str, score: float, finished_at: datetime) -> Grade:
    """The score of the learner known to the platform as ``subject``: completed, fully graded."""
    return (
        Grade()
        .set_user_id(subject)
        .set_score_given(score)
        .set_score_maximum(SCORE_MAXIMUM)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(iso_time(finished_at))
    )


def iso_time(moment: datetime) -> str:
    """``moment`` as ISO 8601 in UTC with its offset (``2026-12-07T10:15:00+00:00``)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def new_line_item(label: str, blueprint_id: str, resource_link_id: str) -> LineItem:
    """The line item pmpath creates for an exam placed at a resource link: the exam's title,
    out of 100, tied to the link, tagged (and identified as a resource) by the blueprint id."""
    return (
        LineItem()
        .set_label(label)
        .set_score_maximum(SCORE_MAXIMUM)
        .set_resource_link_id(resource_link_id)
        .set_resource_id(blueprint_id)
        .set_tag(blueprint_id)
    )


def is_line_item_of(found: Mapping[str, Any], blueprint_id: str, resource_link_id: str) -> bool:
    """True when a line item the platform listed is the one of this exam at this link (one an
    instructor made by hand for the link, without a resource id, counts too)."""
    if found.get("resourceLinkId") != resource_link_id:
        return False
    return found.get("resourceId") in (None, "", blueprint_id) or found.get("tag") == blueprint_id


def next_try(tries: int, now: datetime) -> datetime:
    """When to try again after ``tries`` failed tries (1, 2, ...): exponential, capped."""
    wait: timedelta = FIRST_RETRY * (2 ** min(tries - 1, 20))
    return now + min(wait, LONGEST_RETRY)


def gives_up(tries: int) -> bool:
    """True when a score has failed often enough to stop trying on its own."""
    return tries >= MAX_TRIES


def failure_text(error: Exception) -> str:
    """One line saying why a request to the platform failed, for admins (no tracebacks)."""
    if isinstance(error, LtiServiceException):
        response = error.response
        detail = _response_detail(response)
        what = (
            "refused pmpath's token request"
            if "access token" in str(error)
            else f"answered {response.request.method} {response.url}"
        )
        return f"the platform {what} with HTTP {response.status_code}{detail}"
    if isinstance(error, requests.Timeout):
        return "the platform did not answer in time"
    if isinstance(error, requests.ConnectionError):
        return "the platform could not be reached (connection refused or no route)"
    if isinstance(error, requests.RequestException):
        return f"the request to the platform failed: {error}"
    if isinstance(error, LtiException):
        return f"the score could not be sent: {error}"
    return f"{type(error).__name__}: {error}"


def _response_detail(response: requests.Response) -> str:
    """``: <error> (<description>)`` from an OAuth error body, else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip().replace("\n", " ")
        return f": {text[:200]}" if text else ""
    if isinstance(body, dict) and "error" in body:
        description = body.get("error_description")
        return f": {body['error']}" + (f" ({description})" if description else "")
    return f": {str(body)[:200]}"
