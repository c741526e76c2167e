"""Posting a batch of statements and telling, for each, what became of it.

An LRS takes a batch whole or refuses it whole (xAPI 1.0.3: one bad statement fails the
request). So when a batch is refused for what it holds (400, 409, 413, 422), it is split in
halves and each half is posted again, down to the single statement the LRS refuses: that one is
marked failed with the LRS's message, and the others go. When the LRS cannot take anything
(unreachable, 5xx, 429, or 401/403/404: credentials or endpoint wrong) nothing is marked
failed: the whole rest is tried again later, so nothing is lost while it is down.

A statement refused alone with 409 is read back: xAPI lets an LRS answer 409 to a statement it
already has (pmpath sends one twice when it stopped between the LRS taking a batch and marking
it sent), and that one counts as sent; a different statement under the same id fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pmpath.interop.xapi.lrs import Reply, UnreachableError

#: Refusals that say something about the statements sent (so splitting the batch helps).
STATEMENT_REFUSALS = frozenset({400, 409, 413, 422})


class StatementPoster(Protocol):
    def post_statements(self, statements: Sequence[Mapping[str, Any]]) -> Reply: ...

    def get(self, path: str, query: Mapping[str, str] | None = None) -> Reply: ...


@dataclass(frozen=True)
class Outcome:
    """What became of one statement: sent, failed (the LRS refuses it: it stays out until an
    admin retries it) or retry (the LRS could not take it now)."""

    state: Literal["sent", "failed", "retry"]
    message: str | None = None


@dataclass
class Delivery:
    """The outcome of each statement by its key, and how many requests it took."""

    outcomes: dict[int, Outcome]
    requests: int = 0
    #: Why the LRS took nothing more, when it stopped taking statements.
    stopped: str | None = None


def deliver(lrs: StatementPoster, batch: Sequence[tuple[int, Mapping[str, Any]]]) -> Delivery:
    """Post ``batch`` (key, statement) and say what became of each statement."""
    delivery = Delivery({})
    _post(lrs, list(batch), delivery)
    return delivery


def _post(
    lrs: StatementPoster, batch: list[tuple[int, Mapping[str, Any]]], delivery: Delivery
) -> bool:
    """Post ``batch``, splitting it on refusals; False once the LRS takes nothing more (then
    every statement not yet decided is marked for retry)."""
    if not batch:
        return True
    delivery.requests += 1
    try:
        reply = lrs.post_statements([statement for _, statement in batch])
    except UnreachableError as error:
        _retry(batch, str(error), delivery)
        return False
    if reply.ok:
        for key, _ in batch:
            delivery.outcomes[key] = Outcome("sent")
        return True
    if reply.status not in STATEMENT_REFUSALS:
        _retry(batch, reply.message(), delivery)
        return False
    if len(batch) == 1:
        key, statement = batch[0]
        if reply.status == 409:
            try:
                stored = _stored_alike(lrs, statement, delivery)
            except UnreachableError as error:
                _retry(batch, str(error), delivery)
                return False
            if stored:
                delivery.outcomes[key] = Outcome("sent")
                return True
        delivery.outcomes[key] = Outcome("failed", reply.message())
        return True
    middle = len(batch) // 2
    if not _post(lrs, batch[:middle], delivery):
        _retry(batch[middle:], delivery.stopped or "the LRS stopped taking statements", delivery)
        return False
    return _post(lrs, batch[middle:], delivery)


def _stored_alike(lrs: StatementPoster, statement: Mapping[str, Any], delivery: Delivery) -> bool:
    """Whether the LRS holds this statement already: xAPI 1.0.3 lets an LRS answer 409 to a
    statement whose id it has, so the one with that id is read back and compared (the same
    actor, verb and object: it is ours, sent before)."""
    delivery.requests += 1
    reply = lrs.get("/statements", {"statementId": str(statement["id"])})
    if not reply.ok:
        return False
    try:
        found = reply.json()
    except ValueError:
        return False
    return isinstance(found, dict) and _identity(found) == _identity(statement)


def _identity(statement: Mapping[str, Any]) -> tuple[Any, ...]:
    actor = {k: v for k, v in dict(statement.get("actor") or {}).items() if k != "objectType"}
    verb = dict(statement.get("verb") or {}).get("id")
    activity = dict(statement.get("object") or {}).get("id")
    return actor, verb, activity


def _retry(batch: list[tuple[int, Mapping[str, Any]]], message: str, delivery: Delivery) -> None:
    delivery.stopped = message
    for key, _ in batch:
        delivery.outcomes[key] = Outcome("retry", message)
