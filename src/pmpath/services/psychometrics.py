"""IRT over the stored responses: the learners' ability and readiness, on the bank's parameters.

* **Parameters** (the version in use, or the authored priors) and **calibration** from the
  stored responses or a CSV: see :mod:`pmpath.services.calibration`; this service's
  ``parameter_set``, ``calibrate`` and ``parameters_report`` hand over to it.
* **Ability** is the EAP estimate from a learner's newest answer to each item they have
  answered (any mode), overall and per domain (:mod:`pmpath.psychometrics.domains`), with its
  standard error and the career level it corresponds to (:mod:`pmpath.psychometrics.levels`).
* **Readiness** turns that estimate into the chance of passing each blueprint's mock exam.
* **The adaptive placement test** and adaptive exams run on these parameters and estimates:
  see :mod:`pmpath.services.placement`; this service's placement methods hand over to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cached_property
from pathlib import Path

import numpy as np

from pmpath.exams.blueprints import Blueprint
from pmpath.exams.items import Bank, Item
from pmpath.framework import Framework
from pmpath.psychometrics.ability import eap_single
from pmpath.psychometrics.cat import Estimate
from pmpath.psychometrics.domains import domain_estimates
from pmpath.psychometrics.irt import ItemParameters, Model, dichotomous
from pmpath.psychometrics.levels import level_estimate, stage_centres
from pmpath.psychometrics.readiness import readiness
from pmpath.services.assessments import check_profile_name, utc_now
from pmpath.services.calibration import MIN_RESPONSES, BankParameters, ParameterSet
from pmpath.services.exams import ExamService
from pmpath.services.models.evidence import (
    CompetencyEvidence,
    ExamReadiness,
    ReadinessReport,
    TestedRating,
)
from pmpath.services.models.exams import LearnerResponse
from pmpath.services.models.psychometrics import (
    Ability,
    AbilityEstimate,
    CalibrationResult,
    DomainAbility,
    ParametersReport,
    PlacedRole,
    PlacementResult,
    PlacementView,
    TestedPlacement,
)
from pmpath.services.placement import PLACEMENT_ID, AdaptiveTests
from pmpath.store import Database
from pmpath.store import parameters as parameters_store

#: A readiness figure needs at least this many of the learner's answers in the exam's domains.
#: With fewer, the estimate is mostly the population's prior (68% for everyone before a single
#: answer), which reads as a verdict it is not. Twenty is two thirds of the shortest bundled
#: mock exam (30 questions): one sitting of any exam is enough.
READINESS_MIN_ANSWERS = 20


class PsychometricsService:
    """IRT on one bank: its parameter versions and calibration (kept by
    :class:`pmpath.services.calibration.BankParameters`), the learners' ability and readiness,
    and its adaptive tests (run by :class:`pmpath.services.placement.AdaptiveTests`)."""

    def __init__(
        self,
        database: Database,
        framework: Framework,
        bank: Bank,
        blueprints: Sequence[Blueprint],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.framework = framework
        self.bank = bank
        self.blueprints = {blueprint.id: blueprint for blueprint in blueprints}
        self.clock = clock
        self.items: tuple[Item, ...] = bank.items
        self._stage_order = [stage.id for stage in framework.stages]
        # The parameter versions and calibration (services/calibration.py); estimates here use
        # its item index, so a learner's responses line up with the parameters' columns.
        self._parameters = BankParameters(database, bank, self._stage_order, clock)
        self._index = self._parameters.index

    # -- parameters and calibration (pmpath.services.calibration) --------------------------------

    def parameter_set(self) -> ParameterSet:
        """The newest stored parameters of the bank, or the authored priors (see
        :meth:`pmpath.services.calibration.BankParameters.parameter_set`)."""
        return self._parameters.parameter_set()

    def calibrate(
        self,
        model: Model = Model.TWO_PL,
        responses_file: Path | None = None,
        min_responses: int = MIN_RESPONSES,
    ) -> CalibrationResult:
        """Calibrate and store a new parameter version; returns the report (see
        :meth:`pmpath.services.calibration.BankParameters.calibrate`)."""
        return self._parameters.calibrate(model, responses_file, min_responses)

    def parameters_report(self) -> ParametersReport:
        """The parameters in use, per item, with their source."""
        return self._parameters.parameters_report()

    # -- ability and readiness -----------------------------------------------------------------

    def ability(self, profile: str) -> Ability:
        """EAP ability from the learner's newest answer to each item: overall and per domain,
        and where the ratings it points to place the learner on the ladder."""
        current = self.parameter_set()
        overall, domains, centres = self._learner_estimates(profile, current)
        return Ability(
            profile=profile,
            parameters_version=current.version,
            overall=overall,
            domains=domains,
            ladder=self._ladder(self._tested(overall, domains, centres), overall),
        )

    def estimates(
        self, responses: np.ndarray, parameters: ItemParameters, overall: Estimate | None = None
    ) -> tuple[AbilityEstimate, dict[str, DomainAbility]]:
        """The ability overall and per domain from 0/1 ``responses`` to the bank's items (NaN:
        not asked), each with its career level; ``overall``, when given (an adaptive test's
        own estimate), is taken instead of the EAP from the responses."""
        return self._estimates(responses, parameters, self._centres(parameters), overall)

    def _estimates(
        self,
        responses: np.ndarray,
        parameters: ItemParameters,
        centres: dict[str, float],
        overall: Estimate | None = None,
    ) -> tuple[AbilityEstimate, dict[str, DomainAbility]]:
        found = overall if overall is not None else _eap(responses, parameters)
        rounded = Estimate(round(found.theta, 3), round(found.se, 3), found.items)
        return _placed(rounded, centres), self._by_domain(responses, parameters, centres)

    def _learner_estimates(
        self, profile: str, current: ParameterSet
    ) -> tuple[AbilityEstimate, dict[str, DomainAbility], dict[str, float]]:
        """The learner's ability overall and per domain, and the stage centres they used."""
        centres = self._centres(current.parameters)
        responses = self._learner_responses(profile)
        return (*self._estimates(responses, current.parameters, centres), centres)

    def competency_evidence(self, profile: str) -> dict[str, TestedRating]:
        """Per competency, the self-rating the learner's tested ability points to.

        A competency's ability is the mean of its domains' estimates, weighted by how many of
        the bank's items on the competency each domain holds; its career level (with the 80%
        range) is read from the stage centres, and the rating is what roles at that stage
        expect of the competency (the median over the stage's roles). Empty before any answer.
        """
        return self._tested(*self._learner_estimates(profile, self.parameter_set()))

    def _tested(
        self, overall: AbilityEstimate, domains: dict[str, DomainAbility], centres: dict[str, float]
    ) -> dict[str, TestedRating]:
        if overall.items == 0:
            return {}
        found: dict[str, TestedRating] = {}
        for competency, weights in self._competency_domains.items():
            total = sum(weights.values())
            theta = sum(w * domains[d].theta for d, w in weights.items()) / total
            se = float(np.sqrt(sum(w * domains[d].se ** 2 for d, w in weights.items()) / total))
            level = level_estimate(theta, se, centres)
            ratings = [
                self._expected(competency, stage) for stage in (level.low, level.level, level.high)
            ]
            if None in ratings:
                continue
            low, rating, high = sorted(r for r in ratings if r is not None)
            found[competency] = TestedRating(
                rating=rating,
                rating_range=(low, high),
                level=level.level,
                level_range=(level.low, level.high),
                theta=round(theta, 3),
                se=round(se, 3),
            )
        return found

    def tested_placement(self, profile: str) -> TestedPlacement | None:
        """Where the ladder's placement model puts the ratings the tests point to (None before
        any answer): the same model as for self-assessments, with confidence from each
        rating's range (one level either way is medium, wider is low)."""
        overall, domains, centres = self._learner_estimates(profile, self.parameter_set())
        return self._ladder(self._tested(overall, domains, centres), overall)

    def _ladder(
        self, evidence: dict[str, TestedRating], overall: AbilityEstimate
    ) -> TestedPlacement | None:
        from pmpath.assessment.placement import place
        from pmpath.assessment.profile import Confidence, Rating, SelfAssessment

        if overall.items == 0:
            return None
        ratings = {}
        for competency, found in evidence.items():
            low, high = found.rating_range
            confidence = (
                Confidence.HIGH
                if low == high
                else Confidence.MEDIUM
                if high - low <= 2
                else Confidence.LOW
            )
            ratings[competency] = Rating(competency, found.rating, confidence)
        # Competencies no item covers take the overall estimate's level, with low confidence:
        # better than the floor of the scale, which would cap the placement for no reason.
        unrated = []
        for uncovered in self.framework.competencies:
            if uncovered.id in ratings:
                continue
            expected = self._expected(uncovered.id, overall.level)
            if expected is None:
                unrated.append(uncovered.id)
            else:
                ratings[uncovered.id] = Rating(uncovered.id, expected, Confidence.LOW)
        placement = place(self.framework, SelfAssessment(ratings, unrated=tuple(unrated)))
        role = self.framework.role(placement.role_id)
        return TestedPlacement(
            role=PlacedRole(id=role.id, name=role.name, stage=role.stage),
            status="ready-now" if placement.status == "ready-now" else "working-towards",
            range=(placement.low_role_id, placement.high_role_id),
            rated=len(ratings),
        )

    @cached_property
    def _competency_domains(self) -> dict[str, dict[str, int]]:
        """For each competency the bank's items cover: how many of them each domain holds."""
        counts: dict[str, dict[str, int]] = {}
        for item in self.items:
            for competency in item.competencies:
                per_domain = counts.setdefault(competency, {})
                per_domain[item.domain] = per_domain.get(item.domain, 0) + 1
        return counts

    def _expected(self, competency: str, stage: str) -> int | None:
        levels = sorted(
            role.expectations[competency].level
            for role in self.framework.roles
            if role.stage == stage and competency in role.expectations
        )
        return levels[len(levels) // 2] if levels else None

    def readiness(self, profile: str) -> ReadinessReport:
        """For every blueprint, the chance of passing its mock exam now, with an interval, and
        how many of the learner's answers lie in its domains (the evidence behind it: see
        :data:`READINESS_MIN_ANSWERS`)."""
        current = self.parameter_set()
        responses = self._learner_responses(profile)
        overall = _eap(responses, current.parameters)
        seen = ~np.isnan(responses)
        exams = []
        for blueprint in self.blueprints.values():
            answered = sum(
                1
                for j, item in enumerate(self.items)
                if seen[j] and item.domain in blueprint.domains
            )
            pool, weights = self.blueprint_pool(blueprint)
            result = readiness(
                overall.theta,
                overall.se,
                current.parameters.take(pool),
                weights,
                blueprint.items,
                blueprint.pass_mark,
            )
            exams.append(
                ExamReadiness(
                    blueprint=blueprint.id,
                    name=blueprint.name,
                    pass_mark=blueprint.pass_mark,
                    probability=round(result.probability, 3),
                    interval=(
                        round(result.probability_low, 3),
                        round(result.probability_high, 3),
                    ),
                    expected_percent=round(result.expected_percent, 1),
                    expected_percent_interval=(
                        round(result.expected_percent_low, 1),
                        round(result.expected_percent_high, 1),
                    ),
                    answered=answered,
                    enough_evidence=answered >= READINESS_MIN_ANSWERS,
                )
            )
        return ReadinessReport(
            profile=profile,
            parameters_version=current.version,
            theta=overall.theta,
            se=overall.se,
            answered=overall.items,
            min_answers=READINESS_MIN_ANSWERS,
            exams=exams,
        )

    def blueprint_pool(self, blueprint: Blueprint) -> tuple[np.ndarray, np.ndarray]:
        """The items a blueprint's forms draw from, and each one's share of a form."""
        chosen = [
            j
            for j, item in enumerate(self.items)
            if item.domain in blueprint.domains and item.level in blueprint.levels
        ]
        sizes: dict[str, int] = {}
        for j in chosen:
            sizes[self.items[j].domain] = sizes.get(self.items[j].domain, 0) + 1
        total = sum(blueprint.domains[domain] for domain in sizes)
        weights = [
            blueprint.domains[self.items[j].domain] / total / sizes[self.items[j].domain]
            for j in chosen
        ]
        return np.array(chosen, dtype=np.intp), np.array(weights)

    def _learner_responses(self, profile: str) -> np.ndarray:
        """The newest 0/1 answer of the learner to each bank item; NaN where none."""
        values = np.full(len(self.items), np.nan)
        with self.database.transaction() as session:
            answered = parameters_store.learner_credits(
                session, check_profile_name(profile), self.bank.id
            )
            for item_id, credit in answered:
                j = self._index.get(item_id)
                if j is not None:
                    values[j] = dichotomous(credit)
        return values

    def _by_domain(
        self, responses: np.ndarray, parameters: ItemParameters, centres: dict[str, float]
    ) -> dict[str, DomainAbility]:
        estimates = domain_estimates(responses, parameters, [item.domain for item in self.items])
        by_domain = {}
        for domain in self.bank.domains:
            theta, se, answered = estimates.get(domain.id, (0.0, 1.0, 0))
            placed = _placed(Estimate(round(theta, 3), round(se, 3), answered), centres)
            by_domain[domain.id] = DomainAbility(name=domain.name, **dict(placed))
        return by_domain

    def _centres(self, parameters: ItemParameters) -> dict[str, float]:
        return stage_centres(parameters, [item.level for item in self.items], self._stage_order)

    # -- the adaptive tests (pmpath.services.placement) ------------------------------------------

    @cached_property
    def _adaptive(self) -> AdaptiveTests:
        return AdaptiveTests(self)

    def start_placement(self, profile: str, seed: int | None = None) -> PlacementView:
        """Start an adaptive placement test; returns its first question."""
        return self._adaptive.start(profile, PLACEMENT_ID, seed)

    def start_adaptive_exam(
        self, profile: str, blueprint_id: str, seed: int | None = None
    ) -> PlacementView:
        """Start the adaptive version of a blueprint's mock exam; returns its first question."""
        return self._adaptive.start(profile, blueprint_id, seed)

    def answer_placement(
        self, attempt_id: int, profile: str, response: LearnerResponse
    ) -> PlacementView:
        """Answer the current question; returns the next one, or the result at the end."""
        return self._adaptive.answer(attempt_id, profile, response)

    def placement(self, attempt_id: int, profile: str) -> PlacementView:
        """The test as it stands: the question to answer now, or the result once it stopped."""
        return self._adaptive.view(attempt_id, profile)

    def unfinished_placement(self, profile: str, test_id: str = PLACEMENT_ID) -> int | None:
        """The learner's newest placement test (or adaptive exam ``test_id``) still running."""
        return self._adaptive.unfinished(profile, test_id)

    def latest_placement(self, profile: str, test_id: str = PLACEMENT_ID) -> PlacementResult | None:
        """The result of the learner's newest finished placement test (or adaptive exam)."""
        return self._adaptive.latest(profile, test_id)


def competency_evidence(
    exams: ExamService, irt: PsychometricsService, profile: str
) -> dict[str, CompetencyEvidence]:
    """Per competency, what the learner's answers say beside their self-rating: the share of
    credit on finished exams (``percent``, ``items``) and the rating their tested ability
    points to (``tested``). Empty before any answer."""
    shares = exams.competency_evidence(profile)
    tested = irt.competency_evidence(profile)
    evidence = {
        competency: CompetencyEvidence(
            percent=share.percent, items=share.items, tested=tested.get(competency)
        )
        for competency, share in shares.items()
    }
    for competency, found in tested.items():
        evidence.setdefault(competency, CompetencyEvidence(tested=found))
    return evidence


def _eap(responses: np.ndarray, parameters: ItemParameters) -> Estimate:
    """The EAP estimate from 0/1 responses (the population's N(0, 1) before any answer)."""
    seen = ~np.isnan(responses)
    if not seen.any():
        return Estimate(0.0, 1.0, 0)
    theta, se = eap_single(responses, parameters)
    return Estimate(round(theta, 3), round(se, 3), int(seen.sum()))


def _placed(estimate: Estimate, centres: dict[str, float]) -> AbilityEstimate:
    found = level_estimate(estimate.theta, estimate.se, centres)
    return AbilityEstimate(
        theta=estimate.theta,
        se=estimate.se,
        items=estimate.items,
        level=found.level,
        level_range=(found.low, found.high),
    )
