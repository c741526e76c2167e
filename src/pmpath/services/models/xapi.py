"""xAPI (issue #20): the LRS pmpath sends statements to, and the outbox they wait in."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from pmpath.services.models import Result

OutboxState = Literal["pending", "sent", "failed"]
IdentifyBy = Literal["pseudonym", "email"]


class XapiSettings(Result):
    """The LRS statements go to. The secret is never shown back: only whether one is set."""

    configured: bool = Field(description="False until an admin has given an endpoint.")
    endpoint: str | None = Field(description="The LRS's xAPI endpoint (statements go below it).")
    key: str | None = Field(description="The LRS key (Basic auth user name).")
    secret_set: bool
    enabled: bool = Field(description="Whether statements are collected and sent.")
    identify_by: IdentifyBy = Field(
        description="pseudonym: an opaque account name per learner; email: their email."
    )
    send_from: datetime | None = Field(
        description="Records from this moment on are sent; null: every record (backfill)."
    )
    site_url: str | None = Field(
        description="The site's public address (PMPATH_PUBLIC_URL): the learners' accounts' "
        "homePage and the root of every activity id; null: not set, so nothing is collected."
    )


class OutboxCounts(Result):
    pending: int
    sent: int
    failed: int


class OutboxEntry(Result):
    """One statement in the outbox."""

    id: int
    statement_id: str
    kind: str = Field(description="attempted, answered, completed, verdict, self-assessed, placed")
    verb: str
    state: OutboxState
    tries: int
    occurred_at: datetime
    next_try_at: datetime | None = Field(description="When it is tried next (pending only).")
    last_error: str | None
    sent_at: datetime | None


class XapiStatus(Result):
    """The settings, the outbox's counts by state, the oldest statement still waiting, the
    LRS's latest complaint while retrying, and the newest statements it refused."""

    settings: XapiSettings
    counts: OutboxCounts
    oldest_pending: OutboxEntry | None
    retrying_because: str | None
    failures: list[OutboxEntry]


class CollectReport(Result):
    """Statements made from new records, by kind."""

    collected: int
    by_kind: dict[str, int]


class SendReport(Result):
    """One pass of sending: how many statements the LRS took, refused (failed) or could not
    take now (to be retried), in how many requests, and why it stopped taking any."""

    sent: int
    failed: int
    retrying: int
    requests: int
    stopped_because: str | None


class PassReport(Result):
    """A pass of collect, then send (``pmpath xapi send``, the web app's background sender)."""

    enabled: bool
    collect: CollectReport
    send: SendReport


class ConnectionCheck(Result):
    """Whether the LRS answered and took the key and secret."""

    ok: bool
    message: str
    versions: list[str] = Field(description="The xAPI versions the LRS says it speaks (/about).")


class RetryReport(Result):
    retried: int


class OutboxListing(Result):
    state: OutboxState | None
    entries: list[OutboxEntry]
