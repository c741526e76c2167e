"""Mock exams, practice and spaced review, stored answer by answer.

Every method is one transaction, and every answer is committed as it is given: an attempt
interrupted at any point resumes where it stopped. Mock exams are timed by the server's
clock: the deadline is fixed when the attempt starts, an answer after it is refused, and the
attempt is then finished with what was saved. Keys and explanations are never returned for
a mock exam before it is finished; practice returns them with each answer.

This module starts, takes and finishes attempts; how an attempt is shown is in
:mod:`pmpath.services.attempt_views`, the review cards in :mod:`pmpath.services.review` and the
analyses of finished attempts in :mod:`pmpath.services.exam_analysis`.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pmpath.errors import AttemptError, AttemptLimitError, Location, NotFoundError, PmpathError
from pmpath.exams import timing
from pmpath.exams.blueprints import Blueprint
from pmpath.exams.forms import Form, FormItem, assemble
from pmpath.exams.items import Bank, Item
from pmpath.exams.scoring import score
from pmpath.exams.shown import Shown
from pmpath.framework import Framework
from pmpath.services import exam_analysis
from pmpath.services.assessments import check_profile_name, utc_now
from pmpath.services.attempt_views import AttemptViews, feedback_values
from pmpath.services.catalogue import exam_catalogue
from pmpath.services.models.evidence import CompetencyEvidence
from pmpath.services.models.exams import (
    AttemptResults,
    AttemptSummary,
    AttemptView,
    BankStatistics,
    ExamCatalogue,
    ExamHistory,
    Flag,
    PracticeAnswer,
    ReviewGraded,
    ReviewQueue,
    ReviewReply,
    Saved,
)
from pmpath.services.review import SpacedReview
from pmpath.store import Database
from pmpath.store import assessments as profiles
from pmpath.store import attempts as attempt_store
from pmpath.store.attempts import MOCK, PRACTICE
from pmpath.store.responses import save_response
from pmpath.store.tables import AttemptRow, ProfileRow
from pmpath.suggest import unknown

T = TypeVar("T")


#: Items seen in attempts started within this window are avoided by new forms.
RECENT = timedelta(days=30)


#: The window of a blueprint's per-day attempt limit.
DAY = timedelta(days=1)


class ExamService:
    """Mock exams, practice and spaced review on one bank, for the learners of one database.

    It serves fixed-form attempts only: an adaptive test's form grows with each answer and
    changes only through :class:`pmpath.services.psychometrics.PsychometricsService`.
    """

    def __init__(
        self,
        database: Database,
        framework: Framework,
        bank: Bank,
        blueprints: list[Blueprint],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.framework = framework
        self.bank = bank
        self.blueprints = {blueprint.id: blueprint for blueprint in blueprints}
        self.clock = clock
        # Showing attempts and keeping review cards live in their own modules. Both are built
        # once per service, not per call, and the bank is indexed once: by the views.
        self._views = AttemptViews(framework, bank, self.blueprints, clock)
        self._items = self._views.items
        self._domain_names = self._views.domain_names
        self._review = SpacedReview(database, bank, self._items, clock)

    # -- starting ----------------------------------------------------------------------------

    def blueprint(self, blueprint_id: str) -> Blueprint:
        try:
            return self.blueprints[blueprint_id]
        except KeyError:
            raise NotFoundError(unknown("blueprint", blueprint_id, self.blueprints)) from None

    def catalogue(self) -> ExamCatalogue:
        """The exams (blueprints) a learner can take, with their items per domain."""
        return exam_catalogue(self.blueprints.values())

    def start_mock(
        self, profile: str, blueprint_id: str, seed: int | None = None, time: str | None = None
    ) -> int:
        """Assemble a form for ``blueprint_id`` and start its clock; returns the attempt id.

        ``time`` is the allowance the learner chose (pmpath.exams.timing; default standard),
        refused when the blueprint does not let learners choose; the learner's own allowance,
        set by an administrator, applies whatever they chose, and the more generous one wins.
        """
        with self.database.transaction() as session:
            return self._start_mock(session, profile, blueprint_id, seed, time).id

    def begin_mock(
        self, profile: str, blueprint_id: str, seed: int | None = None, time: str | None = None
    ) -> AttemptView:
        """Start a mock exam and return it as the learner sees it, in one transaction."""
        with self.database.transaction() as session:
            return self._views.view(self._start_mock(session, profile, blueprint_id, seed, time))

    def _start_mock(
        self,
        session: Session,
        profile: str,
        blueprint_id: str,
        seed: int | None,
        time: str | None = None,
    ) -> AttemptRow:
        blueprint = self.blueprint(blueprint_id)
        chosen = timing.allowance(time)
        if chosen.id != "standard" and not blueprint.learner_extra_time:
            raise PmpathError(
                f"{blueprint.name} runs to its time limit of {blueprint.minutes} minutes: "
                "ask an administrator if you need extra time",
                Location(field_path=("time",)),
            )
        now = self.clock()
        owner = profiles.get_or_create_profile(session, check_profile_name(profile), now)
        _check_attempt_limits(session, owner.id, blueprint, now)
        given = timing.more_generous(owner.time_allowance, chosen.id)
        form = assemble(self.bank, blueprint, _seed(seed), self._recent(session, owner, now))
        return self._new_attempt(session, owner, form, MOCK, now, blueprint, given)

    def start_practice(
        self,
        profile: str,
        domains: list[str] | None = None,
        levels: list[str] | None = None,
        count: int = 10,
        seed: int | None = None,
    ) -> int:
        """A practice session of ``count`` items from these domains and levels (default: all)."""
        chosen_domains = domains or [d.id for d in self.bank.domains]
        for domain in chosen_domains:
            if domain not in self._domain_names:
                raise NotFoundError(unknown("domain", domain, self._domain_names))
        chosen_levels = levels or [stage.id for stage in self.framework.stages]
        for level in chosen_levels:
            self.framework.stage(level)
        pool = [
            i for i in self.bank.items if i.domain in chosen_domains and i.level in chosen_levels
        ]
        if not pool:
            raise NotFoundError("no items in the bank for these domains and levels")
        plan = Blueprint(
            id="practice",
            name="Practice",
            summary="Practice with immediate feedback.",
            items=min(count, len(pool)),
            minutes=600,
            pass_mark=100,
            levels=chosen_levels,
            domains=self._practice_weights(pool, chosen_domains, min(count, len(pool))),
        )
        now = self.clock()
        with self.database.transaction() as session:
            owner = profiles.get_or_create_profile(session, check_profile_name(profile), now)
            form = assemble(self.bank, plan, _seed(seed), self._recent(session, owner, now))
            return self._new_attempt(session, owner, form, PRACTICE, now, None).id

    def _practice_weights(
        self, pool: list[Item], domains: list[str], count: int
    ) -> dict[str, float]:
        # Weight domains by what the pool holds, so a small domain is never asked for more
        # items than it has.
        sizes = {d: sum(1 for i in pool if i.domain == d) for d in domains}
        return {d: float(n) for d, n in sizes.items() if n}

    def _new_attempt(
        self,
        session: Session,
        owner: ProfileRow,
        form: Form,
        mode: str,
        now: datetime,
        blueprint: Blueprint | None,
        given: timing.Allowance = timing.ALLOWANCES["standard"],
    ) -> AttemptRow:
        values = {
            "profile_id": owner.id,
            "mode": mode,
            "bank_id": self.bank.id,
            "blueprint_id": blueprint.id if blueprint else None,
            "seed": form.seed,
            "form": [
                {"item_id": f.item_id, "option_order": list(f.option_order)} for f in form.items
            ],
            "pass_mark": blueprint.pass_mark if blueprint else None,
            "started_at": now,
            "deadline": timing.deadline(now, blueprint.minutes, given) if blueprint else None,
            "time_allowance": None if given.id == "standard" else given.id,
        }
        return attempt_store.insert_attempt(session, values)

    def _recent(self, session: Session, owner: ProfileRow, now: datetime) -> set[str]:
        return attempt_store.recent_item_ids(session, owner.id, self.bank.id, now - RECENT)

    def time_allowance(self, profile: str) -> str:
        """The time allowance an administrator gave the learner (pmpath.exams.timing)."""
        with self.database.transaction() as session:
            owner = profiles.find_profile(session, check_profile_name(profile))
            return owner.time_allowance if owner is not None else "standard"

    def bank_of(self, attempt_id: int) -> str | None:
        """The bank attempt ``attempt_id`` (anyone's) was drawn from; None if there is none."""
        with self.database.transaction() as session:
            return attempt_store.bank_of(session, attempt_id)

    # -- taking --------------------------------------------------------------------------------

    def unfinished(self, profile: str) -> list[AttemptSummary]:
        """The learner's open attempts, newest first (a timed-out one is finished on the way)."""
        with self.database.transaction() as session:
            owner = profiles.find_profile(session, check_profile_name(profile))
            if owner is None:
                return []
            rows = attempt_store.open_fixed_form(session, owner.id)
            open_rows = [row for row in rows if not self._expire(session, row)]
            return [self._views.summary(row) for row in open_rows]

    def view(self, attempt_id: int, profile: str) -> AttemptView:
        """The attempt as the learner sees it: items in order, their answers, flags, time left."""
        with self.database.transaction() as session:
            row = self.owned_attempt(session, attempt_id, profile)
            self._expire(session, row)
            return self._views.view(row)

    def answer(
        self, attempt_id: int, profile: str, position: int, response: Any
    ) -> Saved | PracticeAnswer:
        """Store the answer at ``position``; committed at once.

        A mock exam answer replaces an earlier one and is acknowledged only; a practice answer
        comes back with its credit, the key and the explanations, and is final: answering a
        practice question again is refused (AttemptError), since its key has been shown. Two
        tabs answering the same question at once cannot corrupt the attempt: one response row
        per position is enforced by the database, and the request that loses the race retries
        as an update (in practice: is refused).
        """
        return _once_more_on_conflict(lambda: self._answer(attempt_id, profile, position, response))

    def _answer(
        self, attempt_id: int, profile: str, position: int, response: Any
    ) -> Saved | PracticeAnswer:
        with self.database.transaction() as session:
            row = self.owned_attempt(session, attempt_id, profile)
            if self._still_open(session, row):
                item, form_item = self._form_item(row, position)
                # The learner answers in the ids the options were shown under; stored and
                # scored are the authored ones.
                authored = Shown(item, form_item.option_order).response_in(response)
                credit = score(item, authored)  # refuses responses of the wrong shape
                now = self.clock()
                if row.mode != PRACTICE:
                    # The hot path of a mock exam: one statement, whatever was there before.
                    save_response(session, row.id, position, item.id, authored, credit, now)
                    return Saved(saved=True, position=position)
                stored = attempt_store.response_at(session, row, position, item.id)
                if stored.answered_at is not None:
                    # Practice shows the key with the feedback: an answer is final once given.
                    raise AttemptError(
                        f"question {position + 1} of this practice is already answered: an "
                        "answer cannot change once its feedback is shown"
                    )
                stored.response, stored.credit, stored.answered_at = authored, credit, now
                self._review.record(session, row.profile_id, item.id, credit, now, always=False)
                return PracticeAnswer(
                    saved=True,
                    position=position,
                    **feedback_values(item, authored, credit, form_item.option_order),
                )
        # The deadline passed: the attempt was finished (and that committed) above.
        raise _time_up(attempt_id)

    def clear(self, attempt_id: int, profile: str, position: int) -> Saved:
        """Withdraw the answer at ``position`` of a mock exam (the learner unticked every box
        or emptied the field): the question counts as unanswered again and its flag stays.
        Committed at once. A practice answer is final once given: clearing it is refused
        (AttemptError), as answering it again is."""
        return _once_more_on_conflict(lambda: self._clear(attempt_id, profile, position))

    def _clear(self, attempt_id: int, profile: str, position: int) -> Saved:
        with self.database.transaction() as session:
            row = self.owned_attempt(session, attempt_id, profile)
            if self._still_open(session, row):
                if row.mode == PRACTICE:
                    raise AttemptError(
                        f"question {position + 1} of this practice cannot be cleared: a "
                        "practice answer is final once its feedback is shown"
                    )
                item, _ = self._form_item(row, position)
                stored = attempt_store.response_at(session, row, position, item.id)
                stored.response, stored.credit, stored.answered_at = None, None, None
                return Saved(saved=False, position=position)
        raise _time_up(attempt_id)

    def flag(self, attempt_id: int, profile: str, position: int, flagged: bool = True) -> Flag:
        """Mark an item to revisit (or clear the mark)."""
        _once_more_on_conflict(lambda: self._flag(attempt_id, profile, position, flagged))
        return Flag(position=position, flagged=flagged)

    def _flag(self, attempt_id: int, profile: str, position: int, flagged: bool) -> None:
        with self.database.transaction() as session:
            row = self.owned_attempt(session, attempt_id, profile)
            if self._still_open(session, row):
                item, _ = self._form_item(row, position)
                attempt_store.response_at(session, row, position, item.id).flagged = flagged
                return
        raise _time_up(attempt_id)

    def finish(self, attempt_id: int, profile: str) -> AttemptResults:
        """Hand the attempt in; returns its results. Finishing twice changes nothing."""
        with self.database.transaction() as session:
            row = self.owned_attempt(session, attempt_id, profile)
            if row.finished_at is None and not self._expire(session, row):
                self._close(session, row, "submitted")
            return self._views.results(row)

    def results(self, attempt_id: int, profile: str) -> AttemptResults:
        """Score, pass or fail, breakdowns and the full review, once the attempt is finished."""
        with self.database.transaction() as session:
            row = self.owned_attempt(session, attempt_id, profile)
            self._expire(session, row)
            if row.finished_at is None:
                raise AttemptError(
                    f"attempt {attempt_id} is not finished yet: finish it to see results and keys"
                )
            return self._views.results(row)

    # -- history -------------------------------------------------------------------------------

    def history(self, profile: str) -> ExamHistory:
        """Finished attempts, oldest first, with per-domain scores for trends."""
        with self.database.transaction() as session:
            owner = profiles.find_profile(session, check_profile_name(profile))
            rows: list[AttemptRow] = []
            if owner is not None:
                rows = list(attempt_store.finished_fixed_form(session, owner.id))
            return self._views.history(profile, rows)

    # -- spaced review -------------------------------------------------------------------------

    def review_queue(self, profile: str) -> ReviewQueue:
        """Items due for spaced review now, most overdue first."""
        return self._review.queue(profile)

    def review_due_count(self, profile: str) -> int:
        """About how many review items are due now, in one query (the queue is exact)."""
        return self._review.due_count(profile)

    def review_answer(self, profile: str, item_id: str, response: Any) -> ReviewReply:
        """Answer a due review item: feedback, and when it comes back.

        The answer is scheduled (and committed) at once with the grade its credit suggests;
        the reply's ``choices`` say when each grade the learner may give instead would bring
        it back (:meth:`review_grade`)."""
        return self._review.answer(profile, item_id, response)

    def review_grade(self, profile: str, item_id: str, grade: str) -> ReviewGraded:
        """Grade the latest review answer to ``item_id`` as the learner judges it (again, hard,
        good, easy, as in Anki): the card is scheduled from before that answer with this grade
        instead of the suggested one. Once per answer."""
        return self._review.grade(profile, item_id, grade)

    # -- analysis ------------------------------------------------------------------------------

    def competency_evidence(self, profile: str) -> dict[str, CompetencyEvidence]:
        """Per competency, the learner's share of credit over every finished attempt's items:
        exam evidence to show beside self-ratings (unanswered items count as missed)."""
        return exam_analysis.competency_evidence(self.database, self.bank.id, self._items, profile)

    def item_statistics(self, min_responses: int = 20) -> BankStatistics:
        """Classical item analysis over every finished attempt on this bank, all learners."""
        return exam_analysis.item_statistics(self.database, self.bank, min_responses)

    # -- internals -----------------------------------------------------------------------------

    def owned_attempt(self, session: Session, attempt_id: int, profile: str) -> AttemptRow:
        """The mock exam or practice session if ``profile`` owns it on this service's bank;
        NotFoundError otherwise."""
        # One query for the attempt and its owner: every answer starts here.
        row = attempt_store.owned_fixed_form(
            session, attempt_id, check_profile_name(profile), self.bank.id
        )
        # Someone else's attempt looks exactly like a missing one: ids reveal nothing.
        if row is None:
            raise NotFoundError(f"no attempt {attempt_id} for profile {profile!r}")
        return row

    def _still_open(self, session: Session, row: AttemptRow) -> bool:
        """True while the attempt takes answers; False when its time ran out just now (the
        caller must let the transaction commit that, then refuse). A finished attempt is refused
        here."""
        if row.finished_at is not None:
            how = "ran out of time" if row.finish_reason == "timeout" else "was handed in"
            raise AttemptError(f"attempt {row.id} {how}; its answers can no longer change")
        return not self._expire(session, row)

    def _expire(self, session: Session, row: AttemptRow) -> bool:
        """Finish a mock exam whose time is up; True when the attempt is (now) finished."""
        if row.finished_at is not None:
            return True
        if row.deadline is not None and self.clock() >= row.deadline:
            self._close(session, row, "timeout", at=row.deadline)
            return True
        return False

    def _close(
        self, session: Session, row: AttemptRow, reason: str, at: datetime | None = None
    ) -> None:
        now = at or self.clock()
        outcome = self._views.outcome(row)
        row.finished_at, row.finish_reason, row.score = now, reason, outcome.percent
        if row.mode == MOCK:
            credits = {r.position: r.credit for r in row.responses if r.credit is not None}
            for position, entry in enumerate(row.form):
                credit = credits.get(position, 0.0)
                self._review.record(
                    session, row.profile_id, entry["item_id"], credit, now, always=False
                )

    def _form_item(self, row: AttemptRow, position: int) -> tuple[Item, FormItem]:
        if not 0 <= position < len(row.form):
            raise AttemptError(
                f"attempt {row.id} has positions 0 to {len(row.form) - 1}, not {position}"
            )
        entry = row.form[position]
        item = self._items.get(entry["item_id"])
        if item is None:
            raise AttemptError(f"item {entry['item_id']!r} is no longer in bank {self.bank.id!r}")
        return item, FormItem(entry["item_id"], tuple(entry["option_order"]))


def _once_more_on_conflict(action: Callable[[], T]) -> T:
    """Run ``action``; if a concurrent request inserted the same row first, run it again."""
    try:
        return action()
    except IntegrityError:
        return action()


def _check_attempt_limits(
    session: Session, profile_id: int, blueprint: Blueprint, now: datetime
) -> None:
    """Refuse a start the blueprint's attempt limits do not allow yet, saying when it will."""
    limits = blueprint.attempts
    if limits.per_day is None and not limits.cooldown_minutes:
        return
    cooldown = timedelta(minutes=limits.cooldown_minutes)
    starts = attempt_store.mock_starts_since(
        session, profile_id, blueprint.id, now - max(DAY, cooldown)
    )
    waits = []
    if starts and now - starts[-1] < cooldown:
        waits.append(starts[-1] + cooldown - now)
    today = [start for start in starts if start > now - DAY]
    if limits.per_day is not None and len(today) >= limits.per_day:
        # The oldest start of the last 24 hours has to age out first.
        waits.append(today[len(today) - limits.per_day] + DAY - now)
    if waits:
        rule = f"at most {limits.per_day} starts in 24 hours" if limits.per_day is not None else ""
        if limits.cooldown_minutes:
            rule += (" and " if rule else "") + f"{limits.cooldown_minutes} minutes between starts"
        raise AttemptLimitError(
            f"{blueprint.name} allows {rule}: you can start it again in {_duration(max(waits))}"
        )


def _duration(span: timedelta) -> str:
    """A wait as people say it: "3 h 12 min", "25 min", "under a minute"."""
    minutes = math.ceil(span.total_seconds() / 60)
    if minutes <= 1:
        return "under a minute" if span.total_seconds() < 60 else "1 min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _seed(seed: int | None) -> int:
    return seed if seed is not None else secrets.randbelow(2**31)


def _time_up(attempt_id: int) -> AttemptError:
    return AttemptError(
        f"time is up for attempt {attempt_id}: the answer was not saved, and the attempt was "
        "finished with the answers saved before the deadline"
    )
