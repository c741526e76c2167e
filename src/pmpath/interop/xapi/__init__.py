"""xAPI 1.0.3: the statements pmpath makes of attempts, answers, completions, self-assessments
and placements, and how they reach a learning record store (LRS).

Pure rules (no database): :mod:`.statements` builds statements, :mod:`.vocabulary` holds the
verbs and IRIs, :mod:`.retries` says when to try again, :mod:`.delivery` splits refused batches
down to the statement refused; :mod:`.lrs` is the HTTP client. The outbox that makes sending
durable is :mod:`pmpath.services.xapi` over :mod:`pmpath.store.xapi`.
"""

from pmpath.interop.xapi.delivery import Delivery, Outcome, deliver
from pmpath.interop.xapi.lrs import Lrs, Reply, UnreachableError, check_endpoint
from pmpath.interop.xapi.retries import retry_delay
from pmpath.interop.xapi.statements import (
    KINDS,
    Answer,
    Attempt,
    Exam,
    Finish,
    Placement,
    SelfAssessment,
    Statement,
    account_agent,
    answered,
    attempted,
    completed,
    email_agent,
    placed,
    self_assessed,
    statement_id,
    verdict,
)
from pmpath.interop.xapi.vocabulary import VERBS, XAPI_VERSION, Site, Verb

__all__ = [
    "KINDS",
    "VERBS",
    "XAPI_VERSION",
    "Answer",
    "Attempt",
    "Delivery",
    "Exam",
    "Finish",
    "Lrs",
    "Outcome",
    "Placement",
    "Reply",
    "SelfAssessment",
    "Site",
    "Statement",
    "UnreachableError",
    "Verb",
    "account_agent",
    "answered",
    "attempted",
    "check_endpoint",
    "completed",
    "deliver",
    "email_agent",
    "placed",
    "retry_delay",
    "self_assessed",
    "statement_id",
    "verdict",
]
