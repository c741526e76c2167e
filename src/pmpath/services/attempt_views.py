"""How a fixed-form attempt is shown: its summary, its questions with their answers and flags,
feedback, results and the time left.

Everything here is a pure function of an attempt's row, the bank, the framework, the blueprints
and the clock: nothing opens a transaction or writes. :class:`pmpath.services.exams.ExamService`
builds one :class:`AttemptViews` and turns every row it returns into a model here; the spaced
review and the adaptive tests use the question and feedback functions for their items.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pmpath.exams.blueprints import Blueprint, ReviewPolicy
from pmpath.exams.items import Bank, Gap, Item, ItemType
from pmpath.exams.results import Results, Share, results
from pmpath.exams.shown import Shown
from pmpath.framework import Framework
from pmpath.services.banks import key_of, mistakes_of
from pmpath.services.models.exams import (
    AttemptQuestion,
    AttemptResults,
    AttemptSummary,
    AttemptView,
    BlueprintName,
    CompetencyShare,
    DomainShare,
    ExamHistory,
    Feedback,
    FinishedAttempt,
    GapView,
    LearnerResponse,
    OptionText,
    QuestionView,
    ReviewedQuestion,
    ScenarioText,
)
from pmpath.store.attempts import PRACTICE
from pmpath.store.tables import AttemptRow


class AttemptViews:
    """The models of one bank's attempts, as their learner may see them.

    It holds the bank's items and domain names by id; :class:`~pmpath.services.exams.ExamService`
    uses the same two indexes rather than building its own.
    """

    def __init__(
        self,
        framework: Framework,
        bank: Bank,
        blueprints: Mapping[str, Blueprint],
        clock: Callable[[], datetime],
    ) -> None:
        self.framework = framework
        self.bank = bank
        self.blueprints = blueprints
        self.clock = clock
        self.items = {item.id: item for item in bank.items}
        self.domain_names = {domain.id: domain.name for domain in bank.domains}

    def outcome(self, row: AttemptRow) -> Results:
        """The attempt's score, pass or fail and breakdowns from its saved credits (items no
        longer in the bank are left out)."""
        items = [
            self.items[entry["item_id"]] for entry in row.form if entry["item_id"] in self.items
        ]
        credits = {r.position: r.credit for r in row.responses if r.credit is not None}
        return results(items, credits, row.pass_mark)

    def history(self, profile: str, rows: list[AttemptRow]) -> ExamHistory:
        """Finished attempts, in the order given, with per-domain scores for trends."""
        attempts = []
        trends: dict[str, list[float]] = {}
        for row in rows:
            outcome = self.outcome(row)
            attempts.append(
                FinishedAttempt(
                    **self.summary_values(row),
                    score=outcome.percent,
                    passed=outcome.passed,
                    by_domain={share.key: share.percent for share in outcome.by_domain},
                )
            )
            for share in outcome.by_domain:
                trends.setdefault(share.key, []).append(share.percent)
        return ExamHistory(profile=profile, attempts=attempts, domain_trends=trends)

    def summary_values(self, row: AttemptRow) -> dict[str, Any]:
        """The fields of :class:`AttemptSummary`, for it and the models that extend it."""
        blueprint = self.blueprints.get(row.blueprint_id or "")
        return {
            "attempt_id": row.id,
            "mode": row.mode,
            "blueprint": BlueprintName(id=blueprint.id, name=blueprint.name) if blueprint else None,
            "items": len(row.form),
            "answered": sum(1 for r in row.responses if r.response is not None),
            "started_at": iso(row.started_at),
            "deadline": iso(row.deadline),
            "finished_at": iso(row.finished_at),
            "finish_reason": row.finish_reason,
            "seed": row.seed,
            "time_allowance": row.time_allowance or "standard",
        }

    def summary(self, row: AttemptRow) -> AttemptSummary:
        return AttemptSummary(**self.summary_values(row))

    def view(self, row: AttemptRow) -> AttemptView:
        """The attempt's questions in order with their answers and flags, and the time left;
        feedback only once the learner may see keys (a finished attempt, or practice)."""
        responses = {r.position: r for r in row.responses}
        now = self.clock()
        policy = self.policy(row)
        show_keys = (row.finished_at is not None and policy.keys != "none") or row.mode == PRACTICE
        items = []
        for position, entry in enumerate(row.form):
            item = self.items.get(entry["item_id"])
            if item is None:
                continue
            stored = responses.get(position)
            order = tuple(entry["option_order"])
            shown = None
            if show_keys and stored is not None and stored.credit is not None:
                shown = feedback(item, stored.response, stored.credit, order)
            items.append(
                AttemptQuestion(
                    position=position,
                    **question_values(self.bank, item, order),
                    response=Shown(item, order).response_out(stored.response)
                    if stored and (policy.your_answers or row.finished_at is None)
                    else None,
                    flagged=bool(stored and stored.flagged),
                    feedback=shown,
                )
            )
        left = None
        if row.deadline is not None and row.finished_at is None:
            left = max(0, int((row.deadline - now).total_seconds()))
        return AttemptView(**self.summary_values(row), seconds_left=left, questions=items)

    def results(self, row: AttemptRow) -> AttemptResults:
        """A finished attempt's results: score, breakdowns and every question with its key."""
        outcome = self.outcome(row)
        view = self.view(row)
        orders = {p: tuple(entry["option_order"]) for p, entry in enumerate(row.form)}
        policy = self.policy(row)
        answered = {r.position for r in row.responses if r.response is not None}
        review = []
        for question in view.questions:
            shown = question.feedback
            if shown is None and policy.keys == "all":
                # Unanswered items get their key and explanations too: the review is complete.
                item = self.items[question.item_id]
                shown = feedback(item, None, 0.0, orders[question.position])
            review.append(
                ReviewedQuestion(
                    **{**dict(question), "feedback": shown},
                    answered=question.position in answered,
                )
            )
        return AttemptResults(
            **self.summary_values(row),
            score=outcome.percent,
            pass_mark=row.pass_mark,
            passed=outcome.passed,
            by_domain=[
                DomainShare(**_share(s), domain=s.key, name=self.domain_names.get(s.key, s.key))
                for s in outcome.by_domain
            ],
            by_competency=[
                CompetencyShare(**_share(s), competency=s.key, name=self._competency_name(s.key))
                for s in outcome.by_competency
            ],
            review=review,
            review_policy=self.policy(row),
        )

    def policy(self, row: AttemptRow) -> ReviewPolicy:
        """What the attempt shows once finished: its blueprint's policy for a mock exam; a
        practice session has shown every key as it went."""
        blueprint = self.blueprints.get(row.blueprint_id or "")
        if row.mode == PRACTICE or blueprint is None:
            return ReviewPolicy(keys="all")
        return blueprint.review

    def _competency_name(self, competency_id: str) -> str:
        if self.framework.has("competency", competency_id):
            return self.framework.competency(competency_id).name
        return competency_id


def question_view(bank: Bank, item: Item, order: tuple[str, ...] | None) -> QuestionView:
    """What a learner may see of an item: never its key or explanations."""
    return QuestionView(**question_values(bank, item, order))


def question_values(bank: Bank, item: Item, order: tuple[str, ...] | None) -> dict[str, Any]:
    """The fields of :class:`QuestionView`, for it and the models that extend it."""
    scenario = bank.scenario(item.scenario) if item.scenario else None
    shown = Shown(item, order)
    return {
        "item_id": item.id,
        "type": item.type,
        "domain": item.domain,
        "level": item.level,
        "stem": item.stem,
        "scenario": ScenarioText(id=scenario.id, title=scenario.title, text=scenario.text)
        if scenario
        else None,
        "options": [OptionText(id=shown.public(i), text=item.option(i).text) for i in shown.order],
        "lefts": [pair.left for pair in item.pairs if pair.left is not None],
        "unit": item.numeric.unit if item.numeric else None,
        "gaps": [_gap_view(item, gap, shown) for gap in item.gaps],
    }


def _gap_view(item: Item, gap: Gap, shown: Shown) -> GapView:
    """A gap with the choices it offers, in the order and under the ids the sitting shows."""
    offered = {option.id for option in item.offered(gap)}
    return GapView(
        number=gap.number, choices=[shown.public(i) for i in shown.order if i in offered]
    )


def feedback(
    item: Item, response: LearnerResponse, credit: float, order: tuple[str, ...] | None
) -> Feedback:
    """The credit ``response`` earned on ``item``, with its key and every explanation."""
    return Feedback(**feedback_values(item, response, credit, order))


def feedback_values(
    item: Item, response: LearnerResponse, credit: float, order: tuple[str, ...] | None
) -> dict[str, Any]:
    """The fields of :class:`Feedback`, for it and the replies that extend it: ``response``
    is stored (authored ids), and everything comes back in the ids the options were shown
    under (``order``, see :mod:`pmpath.exams.shown`)."""
    shown = Shown(item, order)
    key = shown.response_out(key_of(item))
    if item.type is ItemType.MULTIPLE:
        key = sorted(key)
    return {
        "credit": credit,
        "correct": credit >= 1.0,
        "key": key,
        "explanation": item.explanation,
        "rationales": shown.public_keys({o.id: o.rationale for o in item.options}),
        "mistakes": mistakes_of(item),
        "your_response": shown.response_out(response),
    }


def iso(moment: datetime | None) -> str | None:
    """A stored moment as the models show it: ISO 8601 to the second; None stays None."""
    return moment.isoformat(timespec="seconds") if moment else None


def _share(share: Share) -> dict[str, Any]:
    return {"percent": share.percent, "earned": share.earned, "asked": share.asked}
