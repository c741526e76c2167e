"""The adaptive tests: the placement test and the adaptive version of a blueprint's mock exam.

A test is an attempt in mode ``adaptive``: every answer is stored as it is given, like a mock
exam's; the next item is chosen by replaying the stored answers
(:class:`pmpath.psychometrics.cat.AdaptiveTest`), so a test survives a closed tab or another app
process. When a stop rule fires the estimates are kept with the attempt (``AttemptRow.result``).

The tests run on the parameters, pools and estimates of a
:class:`pmpath.services.psychometrics.PsychometricsService`, which hands its placement methods
over to :class:`AdaptiveTests`.
"""

from __future__ import annotations

import random
import secrets
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy.orm import Session

from pmpath.errors import AttemptError, NotFoundError
from pmpath.exams.blueprints import Blueprint
from pmpath.exams.forms import option_order
from pmpath.exams.items import Bank
from pmpath.exams.scoring import score
from pmpath.exams.shown import Shown
from pmpath.psychometrics.cat import AdaptiveTest, CatConfig, Estimate, ItemPool, StopReason
from pmpath.psychometrics.irt import dichotomous, normal_cdf
from pmpath.psychometrics.readiness import cut_theta
from pmpath.services.assessments import check_profile_name
from pmpath.services.attempt_views import question_view
from pmpath.services.models.exams import LearnerResponse
from pmpath.services.models.psychometrics import (
    ExamClassification,
    PlacementQuestion,
    PlacementResult,
    PlacementView,
    RunningPlacement,
)
from pmpath.store import assessments as profiles
from pmpath.store import attempts as attempt_store
from pmpath.store.attempts import ADAPTIVE
from pmpath.store.responses import save_response
from pmpath.store.tables import AttemptRow
from pmpath.suggest import unknown

if TYPE_CHECKING:
    from pmpath.services.calibration import ParameterSet
    from pmpath.services.psychometrics import PsychometricsService

#: The placement test: two items per domain at least, then until the overall SE is 0.3 or
#: 48 items; content balanced evenly over the bank's domains.
PLACEMENT_ID = "placement"
PLACEMENT_SE = 0.3
PLACEMENT_MAX_ITEMS = 48
#: An adaptive exam asks at least this many questions before it may stop.
ADAPTIVE_EXAM_MIN_ITEMS = 10

#: What a test runs on: its item pool, its configuration and its cut on the theta scale.
Setup = tuple[ItemPool, CatConfig, float | None]


def placement_config(bank: Bank) -> CatConfig:
    """How the placement test runs on ``bank`` (see the module docstring)."""
    domains = {domain.id: 1.0 for domain in bank.domains}
    return CatConfig(
        se_target=PLACEMENT_SE,
        min_items=min(2 * len(domains), PLACEMENT_MAX_ITEMS),
        max_items=PLACEMENT_MAX_ITEMS,
        randomesque=3,  # a little variety between learners for little loss of precision
        content=domains,
    )


def adaptive_exam_config(blueprint: Blueprint, cut: float | None) -> CatConfig:
    """An adaptive version of a blueprint's mock exam: its domains in its proportions, at most
    its length, stopping early once pass or fail is clear at 95% (or SE <= 0.3)."""
    return CatConfig(
        se_target=PLACEMENT_SE,
        min_items=min(ADAPTIVE_EXAM_MIN_ITEMS, blueprint.items),
        max_items=blueprint.items,
        cut=cut,
        randomesque=3,
        content=dict(blueprint.domains),
    )


class AdaptiveTests:
    """Start, answer, show and finish adaptive tests on the bank of ``irt``."""

    def __init__(self, irt: PsychometricsService) -> None:
        self.irt = irt
        self.bank = irt.bank
        self.items = irt.items
        self._index = {item.id: j for j, item in enumerate(self.items)}
        self._setups: dict[tuple[str, int | None], Setup] = {}

    def start(self, profile: str, test_id: str, seed: int | None) -> PlacementView:
        """Start the placement test or the adaptive exam of blueprint ``test_id``; returns its
        first question."""
        chosen_seed = seed if seed is not None else secrets.randbelow(2**31)
        now = self.irt.clock()
        pool, config, _ = self._setup(test_id, self.irt.parameter_set())
        first = AdaptiveTest(pool, config, chosen_seed).next_item()
        if first is None:
            raise NotFoundError(f"bank {self.bank.id!r} has no items for this adaptive test")
        with self.irt.database.transaction() as session:
            owner = profiles.get_or_create_profile(session, check_profile_name(profile), now)
            row = attempt_store.add_attempt(
                session,
                AttemptRow(
                    profile_id=owner.id,
                    mode=ADAPTIVE,
                    bank_id=self.bank.id,
                    blueprint_id=test_id,
                    seed=chosen_seed,
                    form=[self._entry(first, chosen_seed, 0)],
                    pass_mark=None,
                    started_at=now,
                    deadline=None,
                    responses=[],
                ),
            )
            attempt_id = row.id
        return self.view(attempt_id, profile)

    def answer(self, attempt_id: int, profile: str, response: LearnerResponse) -> PlacementView:
        """Answer the current question; returns the next one, or the result at the end."""
        view = self.view(attempt_id, profile)
        if view.finished:
            raise AttemptError(f"placement test {attempt_id} is finished; it cannot change")
        position = view.question.position
        item = self.items[self._index[view.question.item_id]]
        with self.irt.database.transaction() as session:
            row = self._owned(session, attempt_id, profile)
            # Answered in the ids the options were shown under; stored in the authored ones.
            order = tuple(row.form[position]["option_order"])
            authored = Shown(item, order).response_in(response)
            credit = score(item, authored)  # refuses responses of the wrong shape
            save_response(
                session, attempt_id, position, item.id, authored, credit, self.irt.clock()
            )
        return self.view(attempt_id, profile)

    def view(self, attempt_id: int, profile: str) -> PlacementView:
        """The test as it stands: the question to answer now, or the result once it stopped.

        When the current question has been answered the next one is chosen here (replaying
        the stored answers), so a reload after an answer lands on the right question.
        """
        current = self.irt.parameter_set()
        with self.irt.database.transaction() as session:
            row = self._owned(session, attempt_id, profile)
            if row.finished_at is not None:
                return _result(row)
            credits = {r.position: r.credit for r in row.responses if r.credit is not None}
            test_id = row.blueprint_id or PLACEMENT_ID
            pool, config, cut = self._setup(test_id, current)
            if len(row.form) - 1 in credits:
                test = self._replay(row, credits, pool, config)
                following = None if test.stop_reason() is not None else test.next_item()
                if following is None:
                    self._finish(row, test, current, cut)
                    return _result(row)
                row.form = [*row.form, self._entry(following, row.seed, len(row.form))]
            entry = row.form[-1]
            item = self.items[self._index[entry["item_id"]]]
            question = question_view(self.bank, item, tuple(entry["option_order"]))
            return RunningPlacement(
                attempt_id=row.id,
                test=test_id,
                finished=False,
                answered=len(credits),
                max_items=config.max_items,
                question=PlacementQuestion(position=len(row.form) - 1, **dict(question)),
            )

    def unfinished(self, profile: str, test_id: str) -> int | None:
        """The learner's newest test ``test_id`` still running."""
        with self.irt.database.transaction() as session:
            row = attempt_store.newest_adaptive(
                session, check_profile_name(profile), self.bank.id, test_id, finished=False
            )
            return row.id if row is not None else None

    def latest(self, profile: str, test_id: str) -> PlacementResult | None:
        """The result of the learner's newest finished test ``test_id``."""
        with self.irt.database.transaction() as session:
            row = attempt_store.newest_adaptive(
                session, check_profile_name(profile), self.bank.id, test_id, finished=True
            )
            return _result(row) if row is not None else None

    def _owned(self, session: Session, attempt_id: int, profile: str) -> AttemptRow:
        """The adaptive test if ``profile`` owns it on this bank; NotFoundError otherwise."""
        row = attempt_store.owned_adaptive(
            session, attempt_id, check_profile_name(profile), self.bank.id
        )
        # Someone else's test looks exactly like a missing one: ids reveal nothing.
        if row is None:
            raise NotFoundError(f"no attempt {attempt_id} for profile {profile!r}")
        return row

    def _setup(self, test_id: str, current: ParameterSet) -> Setup:
        """The item pool, configuration and theta cut of the placement test or of the adaptive
        exam of blueprint ``test_id`` (built once per parameter version)."""
        key = (test_id, current.version)
        if key not in self._setups:
            self._setups[key] = self._build_setup(test_id, current)
        return self._setups[key]

    def _build_setup(self, test_id: str, current: ParameterSet) -> Setup:
        if test_id == PLACEMENT_ID:
            pool = ItemPool(current.parameters, [item.domain for item in self.items])
            return pool, placement_config(self.bank), None
        blueprints = self.irt.blueprints
        blueprint = blueprints.get(test_id)
        if blueprint is None:
            raise NotFoundError(unknown("exam", test_id, blueprints))
        chosen, weights = self.irt.blueprint_pool(blueprint)
        parameters = current.parameters.take(chosen)
        cut = cut_theta(parameters, weights, blueprint.pass_mark)
        pool = ItemPool(parameters, [self.items[j].domain for j in chosen])
        finite = cut if np.isfinite(cut) else None
        return pool, adaptive_exam_config(blueprint, finite), finite

    def _replay(
        self, row: AttemptRow, credits: dict[int, float], pool: ItemPool, config: CatConfig
    ) -> AdaptiveTest:
        ids = [entry["item_id"] for entry in row.form]
        state = {
            "seed": row.seed,
            "items": ids,
            "responses": [int(dichotomous(credits.get(k))) for k in range(len(ids))],
        }
        return AdaptiveTest.from_dict(pool, state, config)

    def _finish(
        self, row: AttemptRow, test: AdaptiveTest, current: ParameterSet, cut: float | None
    ) -> None:
        """Keep the test's estimates with the attempt, and its score as a mock exam's."""
        responses = np.full(len(self.items), np.nan)
        for item_id, right in zip(test.items, test.responses, strict=True):
            responses[self._index[item_id]] = float(right)
        overall, domains = self.irt.estimates(responses, current.parameters, test.estimate)
        reason = test.stop_reason()
        result = PlacementResult(
            attempt_id=row.id,
            test=row.blueprint_id or PLACEMENT_ID,
            finished=True,
            parameters_version=current.version,
            stop_reason=reason or StopReason.EXHAUSTED,
            overall=overall,
            domains=domains,
            exam=None
            if row.blueprint_id == PLACEMENT_ID
            else _classification(row.blueprint_id or "", test.estimate, cut),
        )
        row.result = result.model_dump(mode="json", exclude={"attempt_id", "test", "finished"})
        right = sum(test.responses)
        row.score = round(100.0 * right / max(1, len(test.responses)), 1)
        row.finished_at, row.finish_reason = self.irt.clock(), "completed"

    def _entry(self, item_id: str, seed: int, step: int) -> dict[str, Any]:
        """A form entry for the item given at ``step``, its options shuffled from the seed."""
        item = self.items[self._index[item_id]]
        shuffled = option_order(item, random.Random(seed * 1000 + step))
        return {"item_id": item_id, "option_order": list(shuffled)}


def _classification(blueprint_id: str, estimate: Estimate, cut: float | None) -> ExamClassification:
    """Pass or fail against the exam's cut on the theta scale, with the chance of a pass."""
    if cut is None:
        return ExamClassification(
            blueprint=blueprint_id, cut_theta=None, passed=None, pass_probability=None
        )
    chance = float(normal_cdf((estimate.theta - cut) / max(estimate.se, 1e-9)))
    return ExamClassification(
        blueprint=blueprint_id,
        cut_theta=round(cut, 3),
        passed=estimate.theta >= cut,
        pass_probability=round(chance, 3),
    )


def _result(row: AttemptRow) -> PlacementResult:
    """The result kept with a finished test."""
    return PlacementResult(
        attempt_id=row.id,
        test=row.blueprint_id or PLACEMENT_ID,
        finished=True,
        **(row.result or {}),
    )
