"""xAPI (issue #20): the LRS pmpath sends statements to, and the outbox they wait in."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

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


def _absent(value: Any) -> bool:
    return value is None


def _optional(alias: str | None = None, description: str | None = None) -> Any:
    """A member of an xAPI object that a statement may leave out (left out when None)."""
    return Field(default=None, alias=alias, description=description, exclude_if=_absent)


class _Xapi(Result):
    """A part of an xAPI 1.0.3 statement; members keep xAPI's camelCase names in JSON."""

    model_config = ConfigDict(extra="forbid", defer_build=True, serialize_by_alias=True)


class XapiAccount(_Xapi):
    home_page: str = Field(alias="homePage")
    name: str


class XapiAgent(_Xapi):
    """The learner: an account on the site (a pseudonym), or an mbox when an admin chose email."""

    object_type: Literal["Agent"] = Field(alias="objectType")
    account: XapiAccount | None = _optional()
    mbox: str | None = _optional()


class XapiVerb(_Xapi):
    id: str
    display: dict[str, str]


class XapiActivityDefinition(_Xapi):
    type: str
    name: dict[str, str]


class XapiActivity(_Xapi):
    object_type: Literal["Activity"] = Field(alias="objectType")
    id: str
    definition: XapiActivityDefinition


class XapiScore(_Xapi):
    scaled: float | None = _optional()
    raw: float | None = _optional()
    min: float | None = _optional()
    max: float | None = _optional()


class XapiResult(_Xapi):
    completion: bool | None = _optional()
    success: bool | None = _optional()
    response: str | None = _optional()
    duration: str | None = _optional()
    score: XapiScore | None = _optional()
    extensions: dict[str, str | int | float | list[str]] | None = _optional()


class XapiContextActivities(_Xapi):
    parent: list[XapiActivity]


class XapiContext(_Xapi):
    registration: str
    platform: str
    context_activities: XapiContextActivities | None = _optional("contextActivities")
    extensions: dict[str, str] | None = _optional()


class XapiStatement(_Xapi):
    """A statement as pmpath sends it (docs/xapi.md lists what each kind holds)."""

    id: str
    actor: XapiAgent
    verb: XapiVerb
    activity: XapiActivity = Field(alias="object")
    result: XapiResult | None = _optional()
    context: XapiContext
    timestamp: str
    version: str


class OutboxStatement(Result):
    """One statement of the outbox with its place there."""

    entry: OutboxEntry
    statement: XapiStatement = Field(description="The xAPI statement as it is (or was) sent.")


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
