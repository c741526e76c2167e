"""xAPI (issue #20): statements of attempts, answers, completions, self-assessments and
placements, sent to a learning record store (LRS) through a durable outbox in the database.

No other service is touched: a **collect** step reads committed records that have no
statement yet (see :mod:`pmpath.store.xapi`) and writes their statements into the outbox; a
**send** step posts the due statements in batches and marks each one sent, failed (the LRS
refused it: it waits for an admin's retry) or to be tried again later (the LRS was down),
with exponential backoff and jitter (:mod:`pmpath.interop.xapi.retries`). A statement's id is
derived from its record, so sending it twice stores it once.

The choices, documented in docs/xapi.md:

- only records made after the LRS was first configured are sent, unless an admin asks for a
  backfill (``send_from`` becomes None: every record);
- learners are accounts on the site (``homePage`` = PMPATH_PUBLIC_URL) named by a pseudonym,
  an HMAC of their profile's id under a key kept in the database, so the LRS can follow one
  learner without learning who they are; an admin may choose to identify them by email;
- everything here is for site admins (or the command line, which holds the database itself).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from pmpath.errors import Location, NotFoundError, PmpathError
from pmpath.exams.blueprints import Blueprint
from pmpath.framework import Framework
from pmpath.interop.xapi import (
    Answer,
    Attempt,
    Exam,
    Finish,
    Lrs,
    Placement,
    SelfAssessment,
    Site,
    Statement,
    UnreachableError,
    account_agent,
    answered,
    attempted,
    check_endpoint,
    completed,
    deliver,
    email_agent,
    placed,
    retry_delay,
    self_assessed,
    verdict,
)
from pmpath.services.accounts import User, require
from pmpath.services.assessments import utc_now
from pmpath.services.models.xapi import (
    CollectReport,
    ConnectionCheck,
    IdentifyBy,
    OutboxCounts,
    OutboxEntry,
    OutboxListing,
    OutboxState,
    OutboxStatement,
    PassReport,
    RetryReport,
    SendReport,
    XapiSettings,
    XapiStatus,
)
from pmpath.store import Database
from pmpath.store import xapi as store
from pmpath.store.assessments import to_self_assessment
from pmpath.store.attempts import ADAPTIVE, MOCK
from pmpath.store.tables import AssessmentRow
from pmpath.store.tables_xapi import PENDING, XapiOutboxRow, XapiSettingsRow

#: Statements per POST. LRSs take batches of a few hundred; 100 keeps a request small enough
#: for any of them and a refused batch is split down in at most 7 more requests.
BATCH = 100
#: Records read per query while collecting (each chunk is one transaction).
CHUNK = 500
#: How long a claimed batch is held from other processes while it is being sent.
LEASE = timedelta(minutes=5)
#: How many of the newest refused statements the status shows.
FAILURES_SHOWN = 10
#: The placement test's blueprint id (pmpath.services.placement.PLACEMENT_ID).
PLACEMENT_TEST = "placement"
IDENTIFY_BY: tuple[IdentifyBy, ...] = ("pseudonym", "email")
STATES: tuple[OutboxState, ...] = ("pending", "sent", "failed")
MAX_ENDPOINT = 1000
MAX_CREDENTIAL = 500
MAX_LISTED = 500


@dataclass(frozen=True)
class Operator:
    """Who acts when no account does: the command line (it holds the database itself) or the
    web app's background sender."""

    name: str


COMMAND_LINE = Operator("the command line")
BACKGROUND = Operator("the web app's background sender")

Acting = User | Operator


def _admit(acting: Acting) -> None:
    if not isinstance(acting, Operator):
        require(acting, "admin")


class XapiService:
    """The LRS's settings and the statement outbox of one database."""

    def __init__(
        self,
        database: Database,
        framework: Framework,
        blueprints: Sequence[Blueprint],
        site_url: str | None,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
        lrs: Callable[[str, str, str], Lrs] = Lrs,
    ) -> None:
        self.database = database
        self.framework = framework
        self.exam_names = {blueprint.id: blueprint.name for blueprint in blueprints}
        self.site = Site(site_url) if site_url else None
        self.clock = clock
        self.rng = rng or random.Random()
        self._lrs = lrs
        self._statements = _Statements(framework, self.exam_names, clock)

    # -- settings ------------------------------------------------------------------------------

    def settings(self, acting: Acting) -> XapiSettings:
        _admit(acting)
        with self.database.transaction() as session:
            return self._settings(store.settings(session))

    def configure(
        self,
        acting: Acting,
        *,
        endpoint: str | None = None,
        key: str | None = None,
        secret: str | None = None,
        enabled: bool | None = None,
        identify_by: str | None = None,
        backfill: bool = False,
    ) -> XapiSettings:
        """Set what is given (the rest stays); the first time, endpoint, key and secret are
        needed. Sending starts with records made from the first configuration on; ``backfill``
        sends every record made before as well. One transaction: bad input changes nothing."""
        _admit(acting)
        problems = []
        cleaned_endpoint = None
        if endpoint is not None:
            try:
                cleaned_endpoint = check_endpoint(endpoint)
                if len(cleaned_endpoint) > MAX_ENDPOINT:
                    raise ValueError(f"the endpoint must be at most {MAX_ENDPOINT} characters")
            except ValueError as exc:
                problems.append((str(exc), "endpoint"))
        for name, value in (("key", key), ("secret", secret)):
            if value is not None and not (0 < len(value.strip()) <= MAX_CREDENTIAL):
                problems.append((f"the {name} must be 1 to {MAX_CREDENTIAL} characters", name))
        if identify_by is not None and identify_by not in IDENTIFY_BY:
            problems.append(
                (f"identify learners by pseudonym or email, not {identify_by!r}", "identify_by")
            )
        now = self.clock()
        with self.database.transaction() as session:
            row = store.settings(session)
            if row is None:
                missing = [
                    name
                    for name, value in (("endpoint", endpoint), ("key", key), ("secret", secret))
                    if value is None or not value.strip()
                ]
                problems += [(f"the LRS's {name} is needed", name) for name in missing]
            if problems:
                raise _invalid(problems)
            if enabled and self.site is None:
                raise PmpathError(
                    "pmpath needs its public address to name learners and activities: set "
                    "PMPATH_PUBLIC_URL (e.g. https://pmpath.example.org), then turn sending on",
                    Location(field_path=("enabled",)),
                )
            if row is None:
                row = store.add_settings(
                    session,
                    XapiSettingsRow(
                        endpoint=cleaned_endpoint,
                        key=(key or "").strip(),
                        secret=(secret or "").strip(),
                        enabled=bool(enabled) if enabled is not None else self.site is not None,
                        identify_by=identify_by or "pseudonym",
                        pseudonym_key=secrets.token_hex(32),
                        send_from=None if backfill else now,
                        created_at=now,
                        updated_at=now,
                    ),
                )
            else:
                if cleaned_endpoint is not None:
                    row.endpoint = cleaned_endpoint
                if key is not None:
                    row.key = key.strip()
                if secret is not None:
                    row.secret = secret.strip()
                if enabled is not None:
                    row.enabled = enabled
                if identify_by is not None:
                    row.identify_by = identify_by
                if backfill:
                    row.send_from = None
                row.updated_at = now
            return self._settings(row)

    def _settings(self, row: XapiSettingsRow | None) -> XapiSettings:
        site_url = self.site.base_url if self.site else None
        if row is None:
            return XapiSettings(
                configured=False,
                endpoint=None,
                key=None,
                secret_set=False,
                enabled=False,
                identify_by="pseudonym",
                send_from=None,
                site_url=site_url,
            )
        return XapiSettings(
            configured=True,
            endpoint=row.endpoint,
            key=row.key,
            secret_set=bool(row.secret),
            enabled=row.enabled,
            identify_by="email" if row.identify_by == "email" else "pseudonym",
            send_from=row.send_from,
            site_url=site_url,
        )

    def test_connection(self, acting: Acting) -> ConnectionCheck:
        """Ask the LRS who it is (GET /about) and read one statement with the key and secret
        (GET /statements?limit=1): both answered means statements can be sent."""
        _admit(acting)
        with self.database.transaction() as session:
            row = store.settings(session)
            if row is None:
                raise PmpathError(
                    "no LRS is configured yet: give its endpoint, key and secret first",
                    Location(field_path=("endpoint",)),
                )
            lrs = self._lrs(row.endpoint, row.key, row.secret)
        try:
            about = lrs.get("/about")
            versions: list[str] = []
            if about.ok:
                found = about.json().get("version", [])
                versions = [str(v) for v in found] if isinstance(found, list) else []
            read = lrs.get("/statements", {"limit": "1"})
        except (UnreachableError, ValueError, AttributeError) as exc:
            return ConnectionCheck(ok=False, message=str(exc), versions=[])
        if read.status in (401, 403):
            message = f"the LRS refused the key and secret ({read.message()})"
            return ConnectionCheck(ok=False, message=message, versions=versions)
        if not read.ok:
            message = f"the LRS did not answer for statements ({read.message()})"
            return ConnectionCheck(ok=False, message=message, versions=versions)
        spoken = f" (xAPI {', '.join(versions)})" if versions else ""
        return ConnectionCheck(
            ok=True,
            message=f"connected: the LRS answered and took the key and secret{spoken}",
            versions=versions,
        )

    # -- collect and send ----------------------------------------------------------------------

    def run_once(self, acting: Acting) -> PassReport:
        """Collect new records into the outbox, then send what is due (``pmpath xapi send``)."""
        _admit(acting)
        enabled = self._enabled()
        if not enabled:
            return PassReport(enabled=False, collect=_no_collect(), send=_no_send())
        collected = self.collect(acting)
        return PassReport(enabled=True, collect=collected, send=self.send(acting))

    def send_now(self, acting: Acting) -> PassReport:
        """An admin's "Send now": every pending statement becomes due, then one pass."""
        _admit(acting)
        with self.database.transaction() as session:
            store.send_pending_now(session, self.clock())
        return self.run_once(acting)

    def _enabled(self) -> bool:
        with self.database.transaction() as session:
            row = store.settings(session)
            return row is not None and row.enabled and self.site is not None

    def collect(self, acting: Acting) -> CollectReport:
        """Write the statements of every record not yet collected into the outbox."""
        _admit(acting)
        by_kind: Counter[str] = Counter()
        if not self._enabled() or self.site is None:
            return _no_collect()
        site = self.site
        made_by = self._statements
        for step in (made_by.started, made_by.answers, made_by.finished, made_by.assessments):
            while True:
                with self.database.transaction() as session:
                    row = store.settings(session)
                    if row is None:
                        break
                    people = _People(site, row, session)
                    found, made = step(session, site, row.send_from, people)
                    store.add_statements(session, made)
                by_kind.update(statement["kind"] for statement in made)
                if found < CHUNK:
                    break
        return CollectReport(collected=sum(by_kind.values()), by_kind=dict(by_kind))

    def send(self, acting: Acting) -> SendReport:
        """Post the due statements, a batch at a time, until none is due or the LRS stops
        taking them (then the rest wait for their next try)."""
        _admit(acting)
        with self.database.transaction() as session:
            row = store.settings(session)
            if row is None or not row.enabled:
                return _no_send()
            lrs = self._lrs(row.endpoint, row.key, row.secret)
        sent = failed = retrying = requests = 0
        stopped: str | None = None
        while True:
            now = self.clock()
            with self.database.transaction() as session:
                claimed = store.claim_due(session, now, now + LEASE, BATCH)
            if not claimed:
                break
            delivery = deliver(lrs, [(entry.id, entry.statement) for entry in claimed])
            requests += delivery.requests
            tries = {entry.id: entry.tries for entry in claimed}
            done = self.clock()
            with self.database.transaction() as session:
                took = [
                    key for key, outcome in delivery.outcomes.items() if outcome.state == "sent"
                ]
                store.mark_sent(session, took, done)
                sent += len(took)
                for key, outcome in delivery.outcomes.items():
                    message = outcome.message or "refused"
                    if outcome.state == "failed":
                        store.mark_failed(session, key, message, done)
                        failed += 1
                    elif outcome.state == "retry":
                        wait = retry_delay(tries[key] + 1, self.rng)
                        store.reschedule(session, key, message, done + wait)
                        retrying += 1
            if delivery.stopped is not None:
                stopped = delivery.stopped
                break
        return SendReport(
            sent=sent, failed=failed, retrying=retrying, requests=requests, stopped_because=stopped
        )

    # -- the outbox ----------------------------------------------------------------------------

    def status(self, acting: Acting) -> XapiStatus:
        _admit(acting)
        with self.database.transaction() as session:
            oldest = store.oldest_pending(session)
            retrying = store.newest_retrying(session)
            return XapiStatus(
                settings=self._settings(store.settings(session)),
                counts=OutboxCounts(**store.counts(session)),
                oldest_pending=_entry(oldest) if oldest is not None else None,
                retrying_because=retrying.last_error if retrying is not None else None,
                failures=[_entry(row) for row in store.listing(session, "failed", FAILURES_SHOWN)],
            )

    def listing(self, acting: Acting, state: str | None = None, limit: int = 50) -> OutboxListing:
        """Statements in ``state`` (or any), newest first, at most ``limit`` (1 to 500)."""
        _admit(acting)
        if state is not None and state not in STATES:
            raise PmpathError(
                f"the state is pending, sent or failed, not {state!r}",
                Location(field_path=("state",)),
            )
        if not 1 <= limit <= MAX_LISTED:
            raise PmpathError(
                f"the limit is 1 to {MAX_LISTED}, not {limit}", Location(field_path=("limit",))
            )
        with self.database.transaction() as session:
            rows = store.listing(session, state, limit)
            return OutboxListing(
                state=state,
                entries=[_entry(row) for row in rows],
            )

    def statement(self, acting: Acting, entry_id: int) -> OutboxStatement:
        """The statement of outbox entry ``entry_id`` as it is (or was) sent."""
        _admit(acting)
        with self.database.transaction() as session:
            row = store.outbox_row(session, entry_id)
            if row is None:
                raise NotFoundError(
                    f"there is no statement {entry_id} in the outbox", Location(field_path=("id",))
                )
            return OutboxStatement.model_validate(
                {"entry": _entry(row), "statement": row.statement}
            )

    def retry(self, acting: Acting, ids: Sequence[int] | None = None) -> RetryReport:
        """Put refused statements (``ids``, or all) back in line, due now; the next pass sends
        them (after the LRS or the statement's cause was fixed)."""
        _admit(acting)
        with self.database.transaction() as session:
            if ids is not None:
                for entry_id in ids:
                    row = store.outbox_row(session, entry_id)
                    if row is None or row.state != "failed":
                        raise NotFoundError(
                            f"there is no refused statement {entry_id} in the outbox",
                            Location(field_path=("id",)),
                        )
            return RetryReport(retried=store.retry_failed(session, ids, self.clock()))


class _Statements:
    """The statements of committed records, as outbox rows: one method per kind of record,
    each reading up to CHUNK records not yet collected."""

    def __init__(
        self, framework: Framework, exam_names: dict[str, str], clock: Callable[[], datetime]
    ) -> None:
        self.framework = framework
        self.exam_names = exam_names
        self.clock = clock
        self._competency_ids = [c.id for c in framework.competencies]

    def started(
        self, session: Any, site: Site, since: datetime | None, people: _People
    ) -> tuple[int, list[dict[str, Any]]]:
        rows = store.started_attempts(session, since, CHUNK)
        people.load(row.profile_id for row in rows)
        made = [
            self._row("attempted", row.id, row.profile_id, attempted(site, attempt), row.started_at)
            for row in rows
            for attempt in [self._attempt(row, people)]
        ]
        return len(rows), made

    def answers(
        self, session: Any, site: Site, since: datetime | None, people: _People
    ) -> tuple[int, list[dict[str, Any]]]:
        rows = store.final_answers(session, since, CHUNK)
        people.load(row.profile_id for row in rows)
        made = []
        for row in rows:
            answer = Answer(
                id=row.response_id,
                item_id=row.item_id,
                position=row.position,
                response=row.response,
                credit=row.credit,
                answered_at=row.answered_at,
            )
            statement = answered(site, self._attempt(row, people), answer)
            made.append(
                self._row("answered", row.response_id, row.profile_id, statement, row.answered_at)
            )
        return len(rows), made

    def finished(
        self, session: Any, site: Site, since: datetime | None, people: _People
    ) -> tuple[int, list[dict[str, Any]]]:
        rows = store.finished_attempts(session, since, CHUNK)
        people.load(row.profile_id for row in rows)
        made = []
        for row in rows:
            attempt = self._attempt(row, people)
            finish = Finish(row.finished_at, row.score, _passed(row))
            at = row.finished_at
            made.append(
                self._row("completed", row.id, row.profile_id, completed(site, attempt, finish), at)
            )
            if finish.passed is not None:
                made.append(
                    self._row("verdict", row.id, row.profile_id, verdict(site, attempt, finish), at)
                )
            placement = _placement(row)
            if placement is not None:
                statement = placed(site, attempt, at, placement)
                made.append(self._row("placed", row.id, row.profile_id, statement, at))
        return len(rows), made

    def assessments(
        self, session: Any, site: Site, since: datetime | None, people: _People
    ) -> tuple[int, list[dict[str, Any]]]:
        rows = store.finished_assessments(session, since, CHUNK)
        people.load(row.profile_id for row in rows)
        made = []
        for row in rows:
            assert row.completed_at is not None  # the query reads finished ones only
            role, status = self._placed_role(row)
            assessment = SelfAssessment(
                id=row.id,
                actor=people.actor(row.profile_id),
                framework_id=row.framework_id,
                framework_name=self.framework.name
                if row.framework_id == self.framework.id
                else row.framework_id,
                framework_version=row.framework_version,
                started_at=row.started_at,
                completed_at=row.completed_at,
                role=role,
                role_status=status,
            )
            statement = self_assessed(site, assessment)
            made.append(
                self._row("self-assessed", row.id, row.profile_id, statement, row.completed_at)
            )
        return len(rows), made

    def _placed_role(self, row: AssessmentRow) -> tuple[str | None, str | None]:
        """The role the assessment places the learner at, on the framework pmpath has now (an
        assessment of another framework states no role)."""
        if row.framework_id != self.framework.id or not row.ratings:
            return None, None
        from pmpath.assessment.placement import place

        try:
            found = place(self.framework, to_self_assessment(row, self._competency_ids))
        except (PmpathError, KeyError, ValueError):
            return None, None
        return found.role_id, found.status

    def _attempt(self, row: Row[Any], people: _People) -> Attempt:
        if row.mode == ADAPTIVE and row.blueprint_id == PLACEMENT_TEST:
            exam = Exam("placement-test", PLACEMENT_TEST, "Placement test", row.mode)
        elif row.blueprint_id is not None:
            name = self.exam_names.get(row.blueprint_id, row.blueprint_id)
            exam = Exam("exam", row.blueprint_id, name, row.mode)
        else:
            exam = Exam("practice", row.bank_id, f"Practice questions ({row.bank_id})", row.mode)
        return Attempt(
            id=row.id,
            actor=people.actor(row.profile_id),
            exam=exam,
            bank_id=row.bank_id,
            started_at=row.started_at,
        )

    def _row(
        self, kind: str, source_id: int, profile_id: int, statement: Statement, at: datetime
    ) -> dict[str, Any]:
        now = self.clock()
        return {
            "statement_id": statement["id"],
            "kind": kind,
            "source_id": source_id,
            "profile_id": profile_id,
            "verb": statement["verb"]["display"]["en"],
            "statement": statement,
            "occurred_at": at,
            "state": PENDING,
            "tries": 0,
            "next_try_at": now,
            "last_error": None,
            "created_at": now,
            "sent_at": None,
        }


class _People:
    """The actor of each profile, per the settings: a pseudonym, or an email when chosen."""

    def __init__(self, site: Site, settings: XapiSettingsRow, session: Any) -> None:
        self.site = site
        self.by_email = settings.identify_by == "email"
        self.key = settings.pseudonym_key.encode("ascii")
        self.session = session
        self.emails: dict[int, str] = {}

    def load(self, profile_ids: Any) -> None:
        if self.by_email:
            self.emails.update(store.emails(self.session, list(profile_ids)))

    def actor(self, profile_id: int) -> dict[str, Any]:
        email = self.emails.get(profile_id)
        if email is not None:
            return email_agent(email)
        return account_agent(self.site, pseudonym(self.key, profile_id))


def pseudonym(key: bytes, profile_id: int) -> str:
    """A learner's account name: stable for the key, telling nothing about who they are."""
    return hmac.new(key, f"profile:{profile_id}".encode(), hashlib.sha256).hexdigest()[:32]


def _passed(row: Row[Any]) -> bool | None:
    """A mock exam's verdict against its pass mark, an adaptive exam's against its cut; None
    for practice and the placement test (they have none)."""
    if row.mode == MOCK and row.pass_mark is not None and row.score is not None:
        return bool(row.score >= row.pass_mark)
    if row.mode == ADAPTIVE and row.blueprint_id != PLACEMENT_TEST:
        exam = (row.result or {}).get("exam") or {}
        passed = exam.get("passed")
        return passed if isinstance(passed, bool) else None
    return None


def _placement(row: Row[Any]) -> Placement | None:
    """What a finished placement test concluded (None for anything else)."""
    if row.mode != ADAPTIVE or row.blueprint_id != PLACEMENT_TEST:
        return None
    overall = (row.result or {}).get("overall")
    if not isinstance(overall, dict):
        return None
    return Placement(
        level=str(overall["level"]),
        level_range=[str(level) for level in overall.get("level_range", [])],
        theta=float(overall["theta"]),
        standard_error=float(overall["se"]),
        items=int(overall["items"]),
    )


def _entry(row: XapiOutboxRow) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        statement_id=row.statement_id,
        kind=row.kind,
        verb=row.verb,
        state=row.state,
        tries=row.tries,
        occurred_at=row.occurred_at,
        next_try_at=row.next_try_at if row.state == PENDING else None,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )


def _invalid(problems: list[tuple[str, str]]) -> PmpathError:
    from pmpath.errors import Problem

    return PmpathError(
        [Problem(message, Location(field_path=(field,))) for message, field in problems]
    )


def _no_collect() -> CollectReport:
    return CollectReport(collected=0, by_kind={})


def _no_send() -> SendReport:
    return SendReport(sent=0, failed=0, retrying=0, requests=0, stopped_because=None)
