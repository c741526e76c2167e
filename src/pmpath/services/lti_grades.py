"""Grades back to the LMS (LTI Assignment and Grade Services 2.0) and a course's gradebook as
CSV, the fallback when passback fails.

The grading rule: for a learner who reached an exam through a resource link, the platform's
gradebook shows their **newest finished attempt at that exam started after their first launch
of that link** (attempts from before pmpath was used in the course are not the course's).

Passback is decoupled from the exam code by a durable outbox (``lti_score_outbox``):

- ``collect`` finds finished attempts not yet queued (one row per link and attempt, so running
  it twice queues nothing twice); an older attempt still waiting is superseded by a newer one;
- ``send`` claims the rows that are due, finds or creates each link's line item once (the
  platform's own ``lineitem`` from the launch when it gave one, else one found or created in
  ``lineitems`` by resource link and blueprint id), posts each score, and writes the outcome.
  A failure is retried with exponential backoff (:mod:`pmpath.interop.lti.ags`); after
  :data:`~pmpath.interop.lti.ags.MAX_TRIES` the row is "failed" and waits for an admin.

When a platform cannot be reached, answers 5xx, or refuses pmpath's token, the rest of that
platform's scores in the pass are not even tried: they are rescheduled with the same error, so
a platform that is down is not hammered with a thousand requests. No database transaction is
held open during a request to a platform.

Permissions, checked here: the outbox and retries are for site admins; a course's gradebook is
for site admins and the people who launched pmpath from that course as an Instructor.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService, TAssignmentsGradersData
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.lineitem import LineItem
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector, TServiceConnectorResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pmpath.errors import ForbiddenError, NotFoundError
from pmpath.interop.lti import ags
from pmpath.interop.lti.claims import is_instructor
from pmpath.services.accounts import User, require
from pmpath.services.assessments import utc_now
from pmpath.services.models.lti_advantage import (
    Course,
    Courses,
    Gradebook,
    GradebookExport,
    GradeRow,
    OrganisationChoice,
    Outbox,
    OutboxScore,
    PassbackRun,
)
from pmpath.store import Database
from pmpath.store import lti_advantage as store
from pmpath.store import organisations as org_store
from pmpath.store.tables_lti import LtiPlatformRow, LtiResourceLinkRow

if TYPE_CHECKING:
    from pmpath.services.lti_rosters import UserFor
from pmpath.store.tables_lti_advantage import (
    FAILED,
    PENDING,
    SENT,
    SUPERSEDED,
    LtiLineItemRow,
    LtiScoreRow,
)

#: How long a pass holds the rows it claimed before another pass may take them.
CLAIM = timedelta(minutes=5)
#: Rows one pass sends at most (a pass of 1,000 takes about a second against a local platform).
BATCH = 1000
#: The longest wait for a platform's answer: a hung platform must not stall a pass for long.
TIMEOUT_SECONDS = 10.0
#: The columns of a course's gradebook CSV, in order.
CSV_COLUMNS = (
    "learner",
    "email",
    "platform user id",
    "exam",
    "score",
    "out of",
    "percent",
    "passed",
    "finished",
    "passback",
)
#: Failures that say the whole platform is unusable now, not one score.
_PLATFORM_WIDE = (requests.ConnectionError, requests.Timeout)


class TokenCache:
    """Access tokens per platform and scopes, kept until shortly before they expire (process-
    wide, shared by every pass; thread-safe)."""

    #: A token is dropped this long before the platform said it expires.
    MARGIN_SECONDS = 30.0

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            found = self._tokens.get(key)
            if found is None or found[1] <= time.monotonic():
                self._tokens.pop(key, None)
                return None
            return found[0]

    def put(self, key: str, token: str, expires_in: float) -> None:
        lifetime = float(expires_in or 0) - self.MARGIN_SECONDS
        if lifetime > 0:
            with self._lock:
                self._tokens[key] = (token, time.monotonic() + lifetime)

    def forget(self, key: str) -> None:
        with self._lock:
            self._tokens.pop(key, None)


class _TimedSession(requests.Session):
    """A requests session whose every request has a timeout (pylti1p3 sets none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout
        self.headers["User-Agent"] = "pmpath (LTI Advantage)"

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


class PlatformConnector(ServiceConnector):
    """pylti1p3's service connector with tokens cached across passes; a service that answers
    401 (a token the platform revoked or let expire early) gets one more try with a new
    token."""

    def __init__(self, registration: Registration, tokens: TokenCache, timeout: float) -> None:
        super().__init__(registration, _TimedSession(timeout))
        self._tokens = tokens

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        return self._tokens.get(scope_key)

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float) -> None:
        self._tokens.put(scope_key, access_token, expires_in)

    def make_service_request(
        self, scopes: Sequence[str], url: str, **kwargs: Any
    ) -> TServiceConnectorResponse:
        try:
            return super().make_service_request(scopes, url, **kwargs)
        except LtiServiceException as error:
            if error.response.status_code != 401 or _is_token_failure(error):
                raise
            self._tokens.forget(self._scope_key(sorted(scopes)))
            return super().make_service_request(scopes, url, **kwargs)


def _is_token_failure(error: LtiServiceException) -> bool:
    return "access token" in str(error)


@dataclass(frozen=True)
class _Due:
    """A claimed score, read out of its transaction."""

    id: int
    link_id: int
    user_id: int
    score: float
    finished_at: datetime
    tries: int


@dataclass(frozen=True)
class _Link:
    id: int
    platform_id: int
    resource_link_id: str
    blueprint_id: str
    lineitem_url: str | None
    lineitems_url: str | None
    scopes: tuple[str, ...]


@dataclass
class _Outcome:
    line_item_url: str | None = None
    error: str | None = None


class LtiGradeService:
    """Grade passback and gradebooks for the LTI launches recorded in one database.

    ``registration_of`` gives the pylti1p3 registration of a platform row (with the tool's
    current key); ``exam_names`` maps blueprint ids to exam titles (line item labels).
    """

    def __init__(
        self,
        database: Database,
        registration_of: Callable[[int], Registration],
        exam_names: Callable[[], Mapping[str, str]],
        clock: Callable[[], datetime] = utc_now,
        timeout: float = TIMEOUT_SECONDS,
        user_for: UserFor | None = None,
    ) -> None:
        from pmpath.services.lti import user_for as launch_user_for
        from pmpath.services.lti_rosters import LtiRosterService

        self.database = database
        self.registration_of = registration_of
        self.exam_names = exam_names
        self.clock = clock
        self.timeout = timeout
        self.tokens = TokenCache()
        #: Rosters in (NRPS), sharing the access tokens; ``user_for`` finds or makes the user of
        #: a platform's ``sub`` (by default the launch's own rule).
        self.rosters = LtiRosterService(
            database, registration_of, user_for or launch_user_for, self.tokens, clock, timeout
        )

    # -- the passback ----------------------------------------------------------------------------

    def run(self, limit: int = BATCH) -> PassbackRun:
        """One pass: queue newly finished attempts, then send what is due (for ``pmpath
        lti-grades send``, the web app's background task and admins' "Send now")."""
        started = time.perf_counter()
        queued, superseded = self.collect()
        sent, retrying, failed, errors = self.send(limit)
        return PassbackRun(
            queued=queued,
            superseded=superseded,
            sent=sent,
            retrying=retrying,
            failed=failed,
            errors=errors,
            seconds=round(time.perf_counter() - started, 3),
        )

    def run_as(self, me: User, limit: int = BATCH) -> PassbackRun:
        """:meth:`run` for a site admin (the page's and the API's "send now")."""
        require(me, "admin")
        return self.run(limit)

    def collect(self) -> tuple[int, int]:
        """Queue every finished attempt not yet in the outbox (see the grading rule); returns
        (scores queued to send, unsent scores superseded by a newer attempt)."""
        now = self.clock()
        try:
            with self.database.transaction() as session:
                return _collect(session, now)
        except IntegrityError:
            # Another process queued the same attempts between our read and our write: they
            # are in the outbox, which is all collecting promises.
            return 0, 0

    def send(self, limit: int = BATCH) -> tuple[int, int, int, list[str]]:
        """Send the scores that are due; returns (sent, rescheduled, failed for good, the
        distinct errors met)."""
        now = self.clock()
        with self.database.transaction() as session:
            claimed = store.claim_due(session, now, now + CLAIM, limit)
            if not claimed:
                return 0, 0, 0, []
            due = [
                _Due(r.id, r.resource_link_row_id, r.user_id, r.score_given, r.finished_at, r.tries)
                for r in claimed
            ]
            link_rows = store.links_by_id(session, {d.link_id for d in due})
            links = {i: _link(row) for i, row in link_rows.items()}
            platforms = {
                i: (p.name, p.id)
                for i, p in store.platforms_by_id(
                    session, {link.platform_id for link in links.values()}
                ).items()
            }
            subjects = store.subjects(
                session, {(links[d.link_id].platform_id, d.user_id) for d in due}
            )
            known = {key: row.url for key, row in store.line_items(session, links.keys()).items()}
        outcomes = self._deliver(due, links, set(platforms), subjects, known)
        return self._record(due, outcomes)

    def _deliver(
        self,
        due: list[_Due],
        links: dict[int, _Link],
        platforms: set[int],
        subjects: dict[tuple[int, int], str],
        known: dict[tuple[int, str], str],
    ) -> dict[int, _Outcome]:
        """Post each score (no transaction open meanwhile); the outcome of each row."""
        outcomes: dict[int, _Outcome] = {}
        by_platform: dict[int, list[_Due]] = defaultdict(list)
        for entry in due:
            by_platform[links[entry.link_id].platform_id].append(entry)
        names = self.exam_names()
        for platform_id, entries in by_platform.items():
            down: str | None = None if platform_id in platforms else "the platform was removed"
            connector: PlatformConnector | None = None
            for entry in entries:
                link = links[entry.link_id]
                if down is not None:
                    outcomes[entry.id] = _Outcome(error=down)
                    continue
                subject = subjects.get((platform_id, entry.user_id))
                if subject is None:
                    outcomes[entry.id] = _Outcome(
                        error="pmpath knows no platform user id for this learner"
                    )
                    continue
                try:
                    if connector is None:
                        connector = PlatformConnector(
                            self.registration_of(platform_id), self.tokens, self.timeout
                        )
                    service = AssignmentsGradesService(connector, _service_data(link))
                    url = known.get((link.id, link.blueprint_id))
                    if url is None:
                        url = self._line_item(service, link, names)
                        known[(link.id, link.blueprint_id)] = url
                        self._remember(link, url, names)
                    service.put_grade(
                        ags.grade(subject, entry.score, entry.finished_at), LineItem({"id": url})
                    )
                    outcomes[entry.id] = _Outcome(line_item_url=url)
                except Exception as error:  # every failure is recorded on the row, never lost
                    text = ags.failure_text(error)
                    outcomes[entry.id] = _Outcome(error=text)
                    if _platform_wide(error):
                        down = text
                    elif _line_item_gone(error):
                        self._forget_line_item(link)
                        known.pop((link.id, link.blueprint_id), None)
        return outcomes

    def _line_item(
        self, service: AssignmentsGradesService, link: _Link, names: Mapping[str, str]
    ) -> str:
        """The URL of the link's line item for its exam: the platform's own from the launch,
        else one found in the link's line items, else one created there."""
        if link.lineitem_url:
            return link.lineitem_url
        if not link.lineitems_url:
            raise LtiException("the platform gave this link no line items endpoint")
        if service.can_read_lineitem():
            found = service.find_lineitem_satisfying(
                lambda item: ags.is_line_item_of(item, link.blueprint_id, link.resource_link_id)
            )
            if found is not None and found.get_id():
                return str(found.get_id())
        if not service.can_create_lineitem():
            raise LtiException(
                "the platform does not let pmpath create a line item (no lineitem scope)"
            )
        label = names.get(link.blueprint_id, link.blueprint_id)
        created = service.create_lineitem(
            ags.new_line_item(label, link.blueprint_id, link.resource_link_id)
        )
        if not created.get_id():
            raise LtiException("the platform created a line item without an id")
        return str(created.get_id())

    def _remember(self, link: _Link, url: str, names: Mapping[str, str]) -> None:
        with self.database.transaction() as session:
            store.add_line_item(
                session,
                LtiLineItemRow(
                    resource_link_row_id=link.id,
                    blueprint_id=link.blueprint_id,
                    url=url,
                    label=names.get(link.blueprint_id, link.blueprint_id),
                    score_maximum=ags.SCORE_MAXIMUM,
                    created_at=self.clock(),
                ),
            )

    def _forget_line_item(self, link: _Link) -> None:
        with self.database.transaction() as session:
            for row in store.line_items(session, [link.id]).values():
                if row.blueprint_id == link.blueprint_id:
                    session.delete(row)

    def _record(
        self, due: list[_Due], outcomes: dict[int, _Outcome]
    ) -> tuple[int, int, int, list[str]]:
        now = self.clock()
        sent = retrying = failed = 0
        errors: list[str] = []
        with self.database.transaction() as session:
            rows = store.scores_by_id(session, (d.id for d in due))
            for entry in due:
                row, outcome = rows.get(entry.id), outcomes[entry.id]
                if row is None or row.state != PENDING:
                    continue  # superseded (or deleted) while it was being sent
                if outcome.error is None:
                    row.state, row.sent_at, row.last_error = SENT, now, None
                    row.line_item_url = outcome.line_item_url
                    row.tries += 1
                    sent += 1
                    continue
                row.tries += 1
                row.last_error = outcome.error
                if outcome.error not in errors:
                    errors.append(outcome.error)
                if ags.gives_up(row.tries):
                    row.state = FAILED
                    failed += 1
                else:
                    row.next_try_at = ags.next_try(row.tries, now)
                    retrying += 1
        return sent, retrying, failed, errors

    # -- what admins see and do ------------------------------------------------------------------

    def outbox(self, me: User, limit: int = 200) -> Outbox:
        """How many scores are in each state, and the pending and failed ones (admins)."""
        require(me, "admin")
        names = self.exam_names()
        with self.database.read() as session:
            counts = store.state_counts(session)
            rows = store.outbox_rows(session, (FAILED, PENDING), limit)
        waiting = [_outbox_score(row, names) for row in rows]
        waiting.sort(key=lambda score: (score.state != FAILED,))
        return Outbox(
            counts={state: counts.get(state, 0) for state in (PENDING, SENT, FAILED, SUPERSEDED)},
            waiting=waiting,
        )

    def retry(self, me: User, score_id: int | None = None) -> int:
        """Make one failed score (or every one) pending again, due now; returns how many."""
        require(me, "admin")
        with self.database.transaction() as session:
            if score_id is not None:
                row = store.scores_by_id(session, [score_id]).get(score_id)
                if row is None:
                    raise NotFoundError(f"there is no score {score_id} in the outbox")
            return store.retry(session, self.clock(), score_id)

    # -- courses and their gradebooks -----------------------------------------------------------

    def courses(self, me: User) -> Courses:
        """The courses ``me`` may export and bring rosters in from: every course for an admin,
        the courses they launched as an Instructor for anyone else (ForbiddenError when none)."""
        with self.database.read() as session:
            ids = None if me.has("admin") else _taught(session, me)
            if ids is not None and not ids:
                raise ForbiddenError(
                    "course gradebooks are for admins and the instructors of a course"
                )
            rows = store.contexts(session, ids)
            counts = store.learner_counts(session, [row[0].id for row in rows])
            courses = [course_summary(session, row[0], row[1], counts) for row in rows]
            mine = [
                OrganisationChoice(id=org.id, name=org.name)
                for org, role in org_store.organisations_of(session, me.id)
                if role == "admin"
            ]
        return Courses(courses=courses, organisations=mine)

    def gradebook(self, me: User, context_row_id: int) -> Gradebook:
        """The newest score of each learner at each exam of the course, with its passback
        state (admins and the course's instructors). Finished attempts not yet queued are
        queued first, so the gradebook is never a pass behind."""
        names = self.exam_names()
        with self.database.read() as session:
            managed_course(session, me, context_row_id)  # refuse before writing anything
        self.collect()
        with self.database.read() as session:
            context, platform = managed_course(session, me, context_row_id)
            counts = store.learner_counts(session, [context.id])
            course = course_summary(session, context, platform, counts)
            found = store.gradebook(session, context.id)
            subjects = store.subjects_of_users(session, platform.id, {row[2].id for row in found})
        rows: list[GradeRow] = []
        seen: set[tuple[int, int]] = set()
        for score, link, user in found:
            if (user.id, link.id) in seen:
                continue  # an older attempt: the gradebook shows the newest
            seen.add((user.id, link.id))
            rows.append(
                GradeRow(
                    learner=user.name,
                    email=real_email(user.email),
                    platform_user_id=subjects.get(user.id),
                    exam=_exam_title(link, names),
                    score=score.score_given,
                    out_of=score.score_maximum,
                    percent=round(100.0 * score.score_given / score.score_maximum, 2),
                    passed=score.passed,
                    finished_at=score.finished_at,
                    passback=score.state,
                )
            )
        return Gradebook(course=course, rows=rows)

    def export(self, me: User, context_row_id: int) -> GradebookExport:
        """The course's gradebook as CSV: one row per learner and exam, times in ISO 8601."""
        from pmpath.formats.csv import _escape as guard_formula

        book = self.gradebook(me, context_row_id)
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in book.rows:
            cells = [
                guard_formula(row.learner),
                guard_formula(row.email or ""),
                guard_formula(row.platform_user_id or ""),
                guard_formula(row.exam),
                _number(row.score),
                _number(row.out_of),
                _number(row.percent),
                "" if row.passed is None else ("yes" if row.passed else "no"),
                ags.iso_time(row.finished_at),
                row.passback,
            ]
            writer.writerow(cells)
        day = self.clock().date().isoformat()
        slug = re.sub(r"[^a-z0-9]+", "-", book.course.title.lower()).strip("-") or "course"
        return GradebookExport(
            filename=f"grades-{slug}-{day}.csv", rows=len(book.rows), csv=buffer.getvalue()
        )


# -- collecting ------------------------------------------------------------------------------


def _collect(session: Session, now: datetime) -> tuple[int, int]:
    # A link whose platform does not let pmpath post scores has nothing to send.
    found = [
        row for row in store.unqueued_attempts(session) if ags.SCOPE_SCORE in (row.ags_scopes or ())
    ]
    if not found:
        return 0, 0
    by_pair: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for row in found:
        by_pair[(row.link_id, row.user_id)].append(row)
    newest_known = store.newest_queued(session, by_pair)
    queued = superseded = 0
    new_rows: list[LtiScoreRow] = []
    for (link_id, user_id), attempts in by_pair.items():
        newest = max(attempts, key=lambda a: (a.finished_at, a.attempt_id))
        known = newest_known.get((link_id, user_id))
        newest_wins = known is None or newest.finished_at >= known
        if newest_wins:
            superseded += store.supersede_older(session, link_id, user_id, newest.finished_at)
        for attempt in attempts:
            pending = newest_wins and attempt is newest
            queued += pending
            new_rows.append(
                LtiScoreRow(
                    resource_link_row_id=link_id,
                    user_id=user_id,
                    attempt_id=attempt.attempt_id,
                    score_given=ags.score_given(attempt.score),
                    score_maximum=ags.SCORE_MAXIMUM,
                    passed=ags.passed(attempt.score, attempt.pass_mark),
                    finished_at=attempt.finished_at,
                    state=PENDING if pending else SUPERSEDED,
                    tries=0,
                    next_try_at=now,
                    created_at=now,
                )
            )
    store.add_scores(session, new_rows)
    return queued, superseded


# -- helpers ---------------------------------------------------------------------------------


def _link(row: LtiResourceLinkRow) -> _Link:
    return _Link(
        id=row.id,
        platform_id=row.platform_id,
        resource_link_id=row.resource_link_id,
        blueprint_id=row.target_ref or "",
        lineitem_url=row.ags_lineitem_url,
        lineitems_url=row.ags_lineitems_url,
        scopes=tuple(row.ags_scopes or ()),
    )


def _service_data(link: _Link) -> TAssignmentsGradersData:
    data: dict[str, Any] = {"scope": list(link.scopes)}
    if link.lineitems_url:
        data["lineitems"] = link.lineitems_url
    if link.lineitem_url:
        data["lineitem"] = link.lineitem_url
    return data  # type: ignore[return-value]


def _platform_wide(error: Exception) -> bool:
    """True when the failure says nothing more will work on this platform now: unreachable,
    a 5xx, or the token refused (every request needs one)."""
    if isinstance(error, _PLATFORM_WIDE):
        return True
    if isinstance(error, LtiServiceException):
        return error.response.status_code >= 500 or _is_token_failure(error)
    return False


def _line_item_gone(error: Exception) -> bool:
    return isinstance(error, LtiServiceException) and error.response.status_code in (404, 410)


def _taught(session: Session, me: User) -> set[int]:
    """The courses ``me`` launched pmpath from as an Instructor."""
    return {
        int(context_id)
        for context_id, roles in store.launches_of(session, me.id)
        if is_instructor(roles or [])
    }


def managed_course(session: Session, me: User, context_row_id: int) -> Any:
    """(context, platform) of a course ``me`` may manage: NotFoundError when there is no such
    course, ForbiddenError for someone neither admin nor its instructor."""
    found = store.context(session, context_row_id)
    if found is None:
        raise NotFoundError(f"there is no course {context_row_id}")
    if not (me.has("admin") or context_row_id in _taught(session, me)):
        raise ForbiddenError("only admins and the course's instructors manage its grades")
    return found


def course_summary(
    session: Session, context: Any, platform: LtiPlatformRow, counts: dict[int, int]
) -> Course:
    team = store.team_of_course(session, context.id)
    last = store.newest_import(session, context.id)
    return Course(
        id=context.id,
        platform=platform.name,
        context_id=context.context_id,
        title=context.title or context.context_id,
        learners=counts.get(context.id, 0),
        has_roster=bool(context.memberships_url),
        team=team.name if team else None,
        team_id=team.id if team else None,
        organisation_id=team.organisation_id if team else None,
        last_import=last.imported_at if last else None,
    )


def _outbox_score(row: Any, names: Mapping[str, str]) -> OutboxScore:
    score, link, platform, context, user = row
    return OutboxScore(
        id=score.id,
        state=score.state,
        learner=user.name,
        email=real_email(user.email),
        platform=platform.name,
        course=(context.title or context.context_id) if context is not None else None,
        exam=_exam_title(link, names),
        score=score.score_given,
        out_of=score.score_maximum,
        finished_at=score.finished_at,
        tries=score.tries,
        next_try_at=score.next_try_at if score.state == PENDING else None,
        last_error=score.last_error,
        sent_at=score.sent_at,
    )


def _exam_title(link: LtiResourceLinkRow, names: Mapping[str, str]) -> str:
    return names.get(link.target_ref or "", "") or link.title or (link.target_ref or "")


def real_email(email: str) -> str | None:
    """None for the placeholder address of an account made from a launch without an email
    (a reserved ``.invalid`` domain, RFC 2606)."""
    return None if email.lower().endswith(".invalid") else email


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0")
