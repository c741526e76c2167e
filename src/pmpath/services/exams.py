"""Mock exams, practice and spaced review, stored answer by answer.

Every method is one transaction, and every answer is committed as it is given: an attempt
interrupted at any point resumes where it stopped. Mock exams are timed by the server's
clock: the deadline is fixed when the attempt starts, an answer after it is refused, and the
attempt is then finished with what was saved. Keys and explanations are never returned for
a mock exam before it is finished; practice returns them with each answer.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pmpath.errors import AttemptError, NotFoundError
from pmpath.exams.blueprints import Blueprint
from pmpath.exams.forms import Form, FormItem, assemble
from pmpath.exams.items import Bank, Item
from pmpath.exams.results import Results, Share, results
from pmpath.exams.review import needs_review, schedule
from pmpath.exams.scoring import score
from pmpath.framework import Framework
from pmpath.services.assessments import check_profile_name, utc_now
from pmpath.services.banks import key_of, mistakes_of
from pmpath.services.models.evidence import CompetencyEvidence
from pmpath.services.models.exams import (
    AttemptQuestion,
    AttemptResults,
    AttemptSummary,
    AttemptView,
    BankStatistics,
    BlueprintName,
    CompetencyShare,
    DomainShare,
    DueQuestion,
    ExamCatalogue,
    ExamHistory,
    ExamSummary,
    Feedback,
    FinishedAttempt,
    Flag,
    ItemAnalysis,
    LearnerResponse,
    OptionText,
    PracticeAnswer,
    QuestionView,
    ReviewedQuestion,
    ReviewQueue,
    ReviewReply,
    Saved,
    ScenarioText,
)
from pmpath.store import Database
from pmpath.store import assessments as profiles
from pmpath.store import attempts as attempt_store
from pmpath.store.attempts import MOCK, PRACTICE
from pmpath.store.responses import save_response
from pmpath.store.tables import AttemptRow, ProfileRow

T = TypeVar("T")


#: Items seen in attempts started within this window are avoided by new forms.
RECENT = timedelta(days=30)


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
        self._items = {item.id: item for item in bank.items}
        self._domain_names = {domain.id: domain.name for domain in bank.domains}

    # -- starting ----------------------------------------------------------------------------

    def blueprint(self, blueprint_id: str) -> Blueprint:
        try:
            return self.blueprints[blueprint_id]
        except KeyError:
            raise NotFoundError(
                f"unknown blueprint {blueprint_id!r}; known: {', '.join(self.blueprints)}"
            ) from None

    def catalogue(self) -> ExamCatalogue:
        """The exams (blueprints) a learner can take, with their items per domain."""
        return ExamCatalogue(
            blueprints=[
                ExamSummary(
                    id=b.id,
                    name=b.name,
                    summary=b.summary,
                    items=b.items,
                    minutes=b.minutes,
                    pass_mark=b.pass_mark,
                    levels=list(b.levels),
                    domains=b.domain_counts(),
                )
                for b in self.blueprints.values()
            ]
        )

    def start_mock(self, profile: str, blueprint_id: str, seed: int | None = None) -> int:
        """Assemble a form for ``blueprint_id`` and start its clock; returns the attempt id."""
        with self.database.transaction() as session:
            return self._start_mock(session, profile, blueprint_id, seed).id

    def begin_mock(self, profile: str, blueprint_id: str, seed: int | None = None) -> AttemptView:
        """Start a mock exam and return it as the learner sees it, in one transaction."""
        with self.database.transaction() as session:
            return self._view(self._start_mock(session, profile, blueprint_id, seed))

    def _start_mock(
        self, session: Session, profile: str, blueprint_id: str, seed: int | None
    ) -> AttemptRow:
        blueprint = self.blueprint(blueprint_id)
        now = self.clock()
        owner = profiles.get_or_create_profile(session, check_profile_name(profile), now)
        form = assemble(self.bank, blueprint, _seed(seed), self._recent(session, owner, now))
        return self._new_attempt(session, owner, form, MOCK, now, blueprint)

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
                raise NotFoundError(
                    f"unknown domain {domain!r}; known: {', '.join(self._domain_names)}"
                )
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
            "deadline": now + timedelta(minutes=blueprint.minutes) if blueprint else None,
        }
        return attempt_store.insert_attempt(session, values)

    def _recent(self, session: Session, owner: ProfileRow, now: datetime) -> set[str]:
        return attempt_store.recent_item_ids(session, owner.id, self.bank.id, now - RECENT)

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
            return [self._summary(row) for row in open_rows]

    def view(self, attempt_id: int, profile: str) -> AttemptView:
        """The attempt as the learner sees it: items in order, their answers, flags, time left."""
        with self.database.transaction() as session:
            row = self.owned_attempt(session, attempt_id, profile)
            self._expire(session, row)
            return self._view(row)

    def answer(
        self, attempt_id: int, profile: str, position: int, response: Any
    ) -> Saved | PracticeAnswer:
        """Store the answer at ``position`` (replacing an earlier one); committed at once.

        A mock exam answer is acknowledged only; a practice answer comes back with its credit,
        the key and the explanations. Two tabs answering the same question at once cannot
        corrupt the attempt: one response row per position is enforced by the database, and
        the request that loses the race retries as an update.
        """
        return _once_more_on_conflict(lambda: self._answer(attempt_id, profile, position, response))

    def _answer(
        self, attempt_id: int, profile: str, position: int, response: Any
    ) -> Saved | PracticeAnswer:
        with self.database.transaction() as session:
            row = self.owned_attempt(session, attempt_id, profile)
            if self._still_open(session, row):
                item, _ = self._form_item(row, position)
                credit = score(item, response)  # refuses responses of the wrong shape
                now = self.clock()
                if row.mode != PRACTICE:
                    # The hot path of a mock exam: one statement, whatever was there before.
                    save_response(session, row.id, position, item.id, response, credit, now)
                    return Saved(saved=True, position=position)
                stored = attempt_store.response_at(session, row, position, item.id)
                stored.response, stored.credit, stored.answered_at = response, credit, now
                self._review(session, row.profile_id, item.id, credit, now, always=False)
                return PracticeAnswer(
                    saved=True, position=position, **self._feedback_values(item, response, credit)
                )
        # The deadline passed: the attempt was finished (and that committed) above.
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
            return self._results(row)

    def results(self, attempt_id: int, profile: str) -> AttemptResults:
        """Score, pass or fail, breakdowns and the full review, once the attempt is finished."""
        with self.database.transaction() as session:
            row = self.owned_attempt(session, attempt_id, profile)
            self._expire(session, row)
            if row.finished_at is None:
                raise AttemptError(
                    f"attempt {attempt_id} is not finished yet: finish it to see results and keys"
                )
            return self._results(row)

    # -- history and review --------------------------------------------------------------------

    def history(self, profile: str) -> ExamHistory:
        """Finished attempts, oldest first, with per-domain scores for trends."""
        with self.database.transaction() as session:
            owner = profiles.find_profile(session, check_profile_name(profile))
            rows: list[AttemptRow] = []
            if owner is not None:
                rows = list(attempt_store.finished_fixed_form(session, owner.id))
            attempts = []
            trends: dict[str, list[float]] = {}
            for row in rows:
                outcome = self._outcome(row)
                attempts.append(
                    FinishedAttempt(
                        **self._summary_values(row),
                        score=outcome.percent,
                        passed=outcome.passed,
                        by_domain={share.key: share.percent for share in outcome.by_domain},
                    )
                )
                for share in outcome.by_domain:
                    trends.setdefault(share.key, []).append(share.percent)
            return ExamHistory(profile=profile, attempts=attempts, domain_trends=trends)

    def review_queue(self, profile: str) -> ReviewQueue:
        """Items due for spaced review now, most overdue first."""
        now = self.clock()
        with self.database.transaction() as session:
            owner = profiles.find_profile(session, check_profile_name(profile))
            cards = []
            upcoming = None
            if owner is not None:
                every = attempt_store.review_cards(session, owner.id, self.bank.id)
                cards = [card for card in every if card.due <= now and card.item_id in self._items]
                later = [card.due for card in every if card.due > now]
                upcoming = min(later) if later else None
            return ReviewQueue(
                profile=profile,
                due=[
                    DueQuestion(
                        **_question_values(self.bank, self._items[card.item_id], None),
                        due=_iso(card.due),
                        reviews=card.reviews,
                    )
                    for card in cards
                ],
                next_due=_iso(upcoming),
            )

    def review_answer(self, profile: str, item_id: str, response: Any) -> ReviewReply:
        """Answer a due review item: feedback, and when it comes back."""
        item = self._items.get(item_id)
        if item is None:
            raise NotFoundError(f"unknown item id {item_id!r}")
        credit = score(item, response)
        now = self.clock()
        with self.database.transaction() as session:
            owner = profiles.get_or_create_profile(session, check_profile_name(profile), now)
            due = self._review(session, owner.id, item_id, credit, now, always=True)
        return ReviewReply(**self._feedback_values(item, response, credit), next_due=_iso(due))

    def competency_evidence(self, profile: str) -> dict[str, CompetencyEvidence]:
        """Per competency, the learner's share of credit over every finished attempt's items:
        exam evidence to show beside self-ratings (unanswered items count as missed)."""
        earned: dict[str, float] = {}
        asked: dict[str, int] = {}
        with self.database.transaction() as session:
            owner = profiles.find_profile(session, check_profile_name(profile))
            if owner is None:
                return {}
            rows = attempt_store.finished_on_bank(session, self.bank.id, owner.id)
            for row in rows:
                credits = {r.position: r.credit or 0.0 for r in row.responses}
                for position, entry in enumerate(row.form):
                    item = self._items.get(entry["item_id"])
                    if item is None:
                        continue
                    for competency in item.competencies:
                        earned[competency] = earned.get(competency, 0.0) + credits.get(
                            position, 0.0
                        )
                        asked[competency] = asked.get(competency, 0) + 1
        return {
            competency: CompetencyEvidence(
                percent=round(100.0 * earned[competency] / count, 1), items=count
            )
            for competency, count in asked.items()
        }

    def item_statistics(self, min_responses: int = 20) -> BankStatistics:
        """Classical item analysis over every finished attempt on this bank, all learners."""
        from pmpath.psychometrics.classical import Answer, analyse

        with self.database.transaction() as session:
            rows = attempt_store.finished_on_bank(session, self.bank.id)
            attempts = [
                {entry["item_id"]: Answer(0.0, None) for entry in row.form}
                | {
                    r.item_id: Answer(r.credit or 0.0, r.response)
                    for r in row.responses
                    if r.response is not None
                }
                for row in rows
            ]
        keys = {item.id: list(item.key_ids) for item in self.bank.items if item.options}
        stats = analyse(attempts, keys, min_responses)
        return BankStatistics(
            bank=self.bank.id,
            attempts=len(attempts),
            min_responses=min_responses,
            items=[
                ItemAnalysis(
                    item_id=s.item_id,
                    responses=s.responses,
                    difficulty=s.difficulty,
                    discrimination=s.discrimination,
                    option_rates=s.option_rates,
                    flags=list(s.flags),
                )
                for s in stats
            ],
        )

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
            raise AttemptError(
                f"attempt {row.id} is finished ({row.finish_reason}); it cannot change"
            )
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
        outcome = self._outcome(row)
        row.finished_at, row.finish_reason, row.score = now, reason, outcome.percent
        if row.mode == MOCK:
            credits = {r.position: r.credit for r in row.responses if r.credit is not None}
            for position, entry in enumerate(row.form):
                credit = credits.get(position, 0.0)
                self._review(session, row.profile_id, entry["item_id"], credit, now, always=False)

    def _review(
        self,
        session: Session,
        profile_id: int,
        item_id: str,
        credit: float,
        now: datetime,
        always: bool,
    ) -> datetime | None:
        card = attempt_store.review_card(session, profile_id, self.bank.id, item_id)
        if card is None and not (always or needs_review(credit)):
            return None  # a known item that was never missed needs no review
        state, due = schedule(card.card if card else None, credit, now)
        if card is None:
            card = attempt_store.new_review_card(session, profile_id, self.bank.id, item_id)
        card.card, card.due, card.updated_at = state, due, now
        card.reviews = (card.reviews or 0) + 1
        session.flush()
        return due

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

    def _outcome(self, row: AttemptRow) -> Results:
        items = [
            self._items[entry["item_id"]] for entry in row.form if entry["item_id"] in self._items
        ]
        credits = {r.position: r.credit for r in row.responses if r.credit is not None}
        return results(items, credits, row.pass_mark)

    def _summary_values(self, row: AttemptRow) -> dict[str, Any]:
        """The fields of :class:`AttemptSummary`, for it and the models that extend it."""
        blueprint = self.blueprints.get(row.blueprint_id or "")
        return {
            "attempt_id": row.id,
            "mode": row.mode,
            "blueprint": BlueprintName(id=blueprint.id, name=blueprint.name) if blueprint else None,
            "items": len(row.form),
            "answered": sum(1 for r in row.responses if r.response is not None),
            "started_at": _iso(row.started_at),
            "deadline": _iso(row.deadline),
            "finished_at": _iso(row.finished_at),
            "finish_reason": row.finish_reason,
            "seed": row.seed,
        }

    def _summary(self, row: AttemptRow) -> AttemptSummary:
        return AttemptSummary(**self._summary_values(row))

    def _feedback_values(
        self, item: Item, response: LearnerResponse, credit: float
    ) -> dict[str, Any]:
        """The fields of :class:`Feedback`, for it and the replies that extend it."""
        return {
            "credit": credit,
            "correct": credit >= 1.0,
            "key": key_of(item),
            "explanation": item.explanation,
            "rationales": {o.id: o.rationale for o in item.options},
            "mistakes": mistakes_of(item),
            "your_response": response,
        }

    def _feedback(self, item: Item, response: LearnerResponse, credit: float) -> Feedback:
        return Feedback(**self._feedback_values(item, response, credit))

    def _view(self, row: AttemptRow) -> AttemptView:
        responses = {r.position: r for r in row.responses}
        now = self.clock()
        show_keys = row.finished_at is not None or row.mode == PRACTICE
        items = []
        for position, entry in enumerate(row.form):
            item = self._items.get(entry["item_id"])
            if item is None:
                continue
            stored = responses.get(position)
            feedback = None
            if show_keys and stored is not None and stored.credit is not None:
                feedback = self._feedback(item, stored.response, stored.credit)
            items.append(
                AttemptQuestion(
                    position=position,
                    **_question_values(self.bank, item, tuple(entry["option_order"])),
                    response=stored.response if stored else None,
                    flagged=bool(stored and stored.flagged),
                    feedback=feedback,
                )
            )
        left = None
        if row.deadline is not None and row.finished_at is None:
            left = max(0, int((row.deadline - now).total_seconds()))
        return AttemptView(**self._summary_values(row), seconds_left=left, questions=items)

    def _results(self, row: AttemptRow) -> AttemptResults:
        outcome = self._outcome(row)
        view = self._view(row)
        review = []
        for question in view.questions:
            # Unanswered items get their key and explanations too: the review is complete.
            feedback = question.feedback or self._feedback(self._items[question.item_id], None, 0.0)
            review.append(ReviewedQuestion(**{**dict(question), "feedback": feedback}))
        return AttemptResults(
            **self._summary_values(row),
            score=outcome.percent,
            pass_mark=row.pass_mark,
            passed=outcome.passed,
            by_domain=[
                DomainShare(**_share(s), domain=s.key, name=self._domain_names.get(s.key, s.key))
                for s in outcome.by_domain
            ],
            by_competency=[
                CompetencyShare(**_share(s), competency=s.key, name=self._competency_name(s.key))
                for s in outcome.by_competency
            ],
            review=review,
        )

    def _competency_name(self, competency_id: str) -> str:
        if self.framework.has("competency", competency_id):
            return self.framework.competency(competency_id).name
        return competency_id


def question_view(bank: Bank, item: Item, order: tuple[str, ...] | None) -> QuestionView:
    """What a learner may see of an item: never its key or explanations."""
    return QuestionView(**_question_values(bank, item, order))


def _question_values(bank: Bank, item: Item, order: tuple[str, ...] | None) -> dict[str, Any]:
    """The fields of :class:`QuestionView`, for it and the models that extend it."""
    scenario = bank.scenario(item.scenario) if item.scenario else None
    ids = list(order) if order else [o.id for o in item.options]
    return {
        "item_id": item.id,
        "type": item.type,
        "domain": item.domain,
        "level": item.level,
        "stem": item.stem,
        "scenario": ScenarioText(id=scenario.id, title=scenario.title, text=scenario.text)
        if scenario
        else None,
        "options": [OptionText(id=i, text=item.option(i).text) for i in ids],
        "lefts": [pair.left for pair in item.pairs if pair.left is not None],
        "unit": item.numeric.unit if item.numeric else None,
    }


def _share(share: Share) -> dict[str, Any]:
    return {"percent": share.percent, "earned": share.earned, "asked": share.asked}


def _once_more_on_conflict(action: Callable[[], T]) -> T:
    """Run ``action``; if a concurrent request inserted the same row first, run it again."""
    try:
        return action()
    except IntegrityError:
        return action()


def _seed(seed: int | None) -> int:
    return seed if seed is not None else secrets.randbelow(2**31)


def _time_up(attempt_id: int) -> AttemptError:
    return AttemptError(
        f"time is up for attempt {attempt_id}: the answer was not saved, and the attempt was "
        "finished with the answers saved before the deadline"
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
