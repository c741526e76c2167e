"""xAPI 1.0.3 statements of what happens in pmpath, built from plain values.

Each builder takes what one committed record says (an attempt started or finished, an answer,
a self-assessment, a placement) and returns the statement as JSON-ready dicts. A statement's
``id`` is a UUID 5 of the site and the record, so building it twice gives the same statement:
an LRS that already has it answers 204 (or 409) and stores nothing twice.

What never goes into a statement: the learner's name or email (unless the admin chose to
identify learners by email: :func:`email_agent`), a question's text or its correct answer.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pmpath.interop.xapi.vocabulary import (
    ANSWERED,
    ASSESSMENT,
    ATTEMPTED,
    COMPLETED,
    FAILED,
    PASSED,
    QUESTION,
    SCORED,
    XAPI_VERSION,
    Site,
    Verb,
)

Statement = dict[str, Any]

#: The kinds of statement, one per kind of source record (the outbox keeps one row per kind
#: and record): the verdict of an exam is a statement of its own beside "completed".
KINDS = ("attempted", "answered", "completed", "verdict", "self-assessed", "placed")


def statement_id(site: Site, kind: str, source_id: int) -> str:
    """The id of the statement of ``kind`` about record ``source_id``: the same every time."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, site.iri("statements", kind, str(source_id))))


def registration(site: Site, what: str, source_id: int) -> str:
    """The registration (a UUID) that groups the statements of one attempt or assessment."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, site.iri("registrations", what, str(source_id))))


def account_agent(site: Site, name: str) -> dict[str, Any]:
    """The learner as an account on this site, known by an opaque ``name``."""
    return {"objectType": "Agent", "account": {"homePage": site.base_url, "name": name}}


def email_agent(email: str) -> dict[str, Any]:
    """The learner known by their email (only when an admin chose to identify them so)."""
    return {"objectType": "Agent", "mbox": f"mailto:{email}"}


def timestamp(moment: datetime) -> str:
    """An ISO 8601 time in UTC with milliseconds and ``Z``, as LRSs store it."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def duration(span: timedelta) -> str:
    """An ISO 8601 duration to the hundredth of a second (xAPI's precision): ``PT95.5S``."""
    hundredths = max(0, round(span.total_seconds() * 100))
    seconds, rest = divmod(hundredths, 100)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if seconds or rest or text == "PT":
        text += f"{seconds}.{rest:02d}S" if rest else f"{seconds}S"
    return text


def response_text(response: Any) -> str:
    """A stored answer as xAPI's ``result.response`` string: the options chosen joined by
    ``[,]`` (the cmi.interaction convention), a text as it is, anything else as JSON."""
    if isinstance(response, str):
        return response
    if isinstance(response, list) and all(isinstance(part, str) for part in response):
        return "[,]".join(response)
    return json.dumps(response, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Exam:
    """What an attempt is an attempt at: a blueprint's exam, a practice session on a bank, or
    the placement test. ``mode`` is mock, practice or adaptive."""

    kind: str  # "exam", "practice" or "placement-test"
    id: str
    name: str
    mode: str

    def activity(self, site: Site) -> dict[str, Any]:
        parts = {
            "exam": ("exams", self.id),
            "practice": ("practice", self.id),
        }.get(self.kind, ("placement-test",))
        return {
            "objectType": "Activity",
            "id": site.iri("activities", *parts),
            "definition": {"type": ASSESSMENT, "name": {"en": self.name}},
        }


@dataclass(frozen=True)
class Attempt:
    """An attempt (its id), who made it, at what and when it started."""

    id: int
    actor: Mapping[str, Any]
    exam: Exam
    bank_id: str
    started_at: datetime


def _context(site: Site, attempt: Attempt, parent: bool) -> dict[str, Any]:
    context: dict[str, Any] = {
        "registration": registration(site, "attempts", attempt.id),
        "platform": "pmpath",
        "extensions": {site.extension("mode"): attempt.exam.mode},
    }
    if parent:
        context["contextActivities"] = {"parent": [attempt.exam.activity(site)]}
    return context


def _statement(
    site: Site,
    kind: str,
    source_id: int,
    actor: Mapping[str, Any],
    verb: Verb,
    activity: Mapping[str, Any],
    at: datetime,
    result: Mapping[str, Any] | None,
    context: Mapping[str, Any],
) -> Statement:
    statement: Statement = {
        "id": statement_id(site, kind, source_id),
        "actor": dict(actor),
        "verb": verb.as_json(),
        "object": dict(activity),
        "context": dict(context),
        "timestamp": timestamp(at),
        "version": XAPI_VERSION,
    }
    if result is not None:
        statement["result"] = dict(result)
    return statement


def attempted(site: Site, attempt: Attempt) -> Statement:
    """The learner started an attempt: "attempted" the exam, practice or placement test."""
    return _statement(
        site,
        "attempted",
        attempt.id,
        attempt.actor,
        ATTEMPTED,
        attempt.exam.activity(site),
        attempt.started_at,
        None,
        _context(site, attempt, parent=False),
    )


@dataclass(frozen=True)
class Answer:
    """One answer (its response row's id) of an attempt: the question, what was answered,
    the credit it earned (0 to 1) and when."""

    id: int
    item_id: str
    position: int
    response: Any
    credit: float
    answered_at: datetime


def answered(site: Site, attempt: Attempt, answer: Answer) -> Statement:
    """The learner "answered" a question: the question is the activity, the exam its parent;
    success means full credit, ``score.scaled`` is the credit."""
    question = {
        "objectType": "Activity",
        "id": site.iri("activities", "banks", attempt.bank_id, "questions", answer.item_id),
        "definition": {
            "type": QUESTION,
            "name": {"en": f"Question {answer.item_id}"},
        },
    }
    credit = min(1.0, max(0.0, float(answer.credit)))
    return _statement(
        site,
        "answered",
        answer.id,
        attempt.actor,
        ANSWERED,
        question,
        answer.answered_at,
        {
            "success": credit >= 1.0,
            "response": response_text(answer.response),
            "score": {"scaled": round(credit, 4)},
        },
        _context(site, attempt, parent=True),
    )


@dataclass(frozen=True)
class Finish:
    """How an attempt ended: its score in percent (None: none to give), the pass mark in
    percent or an adaptive exam's verdict (``passed``; None: no verdict), and when."""

    finished_at: datetime
    percent: float | None
    passed: bool | None


def _score(percent: float) -> dict[str, Any]:
    clamped = min(100.0, max(0.0, float(percent)))
    return {"scaled": round(clamped / 100, 4), "raw": round(clamped, 2), "min": 0, "max": 100}


def _finish_result(attempt: Attempt, finish: Finish) -> dict[str, Any]:
    result: dict[str, Any] = {
        "completion": True,
        "duration": duration(finish.finished_at - attempt.started_at),
    }
    if finish.percent is not None:
        result["score"] = _score(finish.percent)
    if finish.passed is not None:
        result["success"] = finish.passed
    return result


def completed(site: Site, attempt: Attempt, finish: Finish) -> Statement:
    """The learner "completed" the attempt, with its score and how long it took."""
    return _statement(
        site,
        "completed",
        attempt.id,
        attempt.actor,
        COMPLETED,
        attempt.exam.activity(site),
        finish.finished_at,
        _finish_result(attempt, finish),
        _context(site, attempt, parent=False),
    )


def verdict(site: Site, attempt: Attempt, finish: Finish) -> Statement:
    """The learner "passed" or "failed" the exam (only for a finish with a verdict)."""
    if finish.passed is None:
        raise ValueError("an attempt without a pass mark has no verdict to state")
    return _statement(
        site,
        "verdict",
        attempt.id,
        attempt.actor,
        PASSED if finish.passed else FAILED,
        attempt.exam.activity(site),
        finish.finished_at,
        _finish_result(attempt, finish),
        _context(site, attempt, parent=False),
    )


@dataclass(frozen=True)
class Placement:
    """What the placement test concluded: the level, its plausible range, the ability
    estimate (theta) with its standard error, and how many questions it took."""

    level: str
    level_range: Sequence[str]
    theta: float
    standard_error: float
    items: int


def placed(site: Site, attempt: Attempt, finished_at: datetime, placement: Placement) -> Statement:
    """The placement test "scored" the learner: theta as the raw score, the level it places
    them at in the result's extensions."""
    return _statement(
        site,
        "placed",
        attempt.id,
        attempt.actor,
        SCORED,
        attempt.exam.activity(site),
        finished_at,
        {
            "completion": True,
            "duration": duration(finished_at - attempt.started_at),
            "score": {"raw": round(float(placement.theta), 4)},
            "extensions": {
                site.extension("level"): placement.level,
                site.extension("level-range"): list(placement.level_range),
                site.extension("standard-error"): round(float(placement.standard_error), 4),
                site.extension("items"): placement.items,
            },
        },
        _context(site, attempt, parent=False),
    )


@dataclass(frozen=True)
class SelfAssessment:
    """A finished self-assessment (its id) on a framework, and the role it placed the learner
    at (None when the framework it was taken on is not the one pmpath has now)."""

    id: int
    actor: Mapping[str, Any]
    framework_id: str
    framework_name: str
    framework_version: str
    started_at: datetime
    completed_at: datetime
    role: str | None
    role_status: str | None


def self_assessed(site: Site, assessment: SelfAssessment) -> Statement:
    """The learner "completed" the self-assessment, with the role it placed them at."""
    extensions: dict[str, Any] = {
        site.extension("framework-version"): assessment.framework_version,
    }
    if assessment.role is not None:
        extensions[site.extension("role")] = assessment.role
    if assessment.role_status is not None:
        extensions[site.extension("role-status")] = assessment.role_status
    activity = {
        "objectType": "Activity",
        "id": site.iri("activities", "self-assessment", assessment.framework_id),
        "definition": {
            "type": ASSESSMENT,
            "name": {"en": f"Self-assessment: {assessment.framework_name}"},
        },
    }
    return _statement(
        site,
        "self-assessed",
        assessment.id,
        assessment.actor,
        COMPLETED,
        activity,
        assessment.completed_at,
        {
            "completion": True,
            "duration": duration(assessment.completed_at - assessment.started_at),
            "extensions": extensions,
        },
        {
            "registration": registration(site, "self-assessments", assessment.id),
            "platform": "pmpath",
        },
    )
