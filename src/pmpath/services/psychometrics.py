"""IRT over the stored responses: calibration, ability and readiness.

* **Parameters** are versioned per bank (table ``irt_parameter_sets``); the newest version is
  used. Before any calibration every item uses its authored prior
  (:mod:`pmpath.psychometrics.priors`); a calibration estimates the items with enough
  responses and leaves the rest at their prior.
* **Responses** for calibration are the finished attempts on the bank, one row per attempt
  (a learner's attempts months apart measure different abilities), scored 1 for full credit
  and 0 otherwise; items an attempt did not ask are missing.
* **Ability** is the EAP estimate from a learner's newest answer to each item they have
  answered (any mode), overall and per domain (:mod:`pmpath.psychometrics.domains`), with its
  standard error and the career level it corresponds to (:mod:`pmpath.psychometrics.levels`).
* **Readiness** turns that estimate into the chance of passing each blueprint's mock exam.
* **The adaptive placement test** and adaptive exams run on these parameters and estimates:
  see :mod:`pmpath.services.placement`; this service's placement methods hand over to it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from pmpath.errors import CalibrationError, CalibrationInputError, Location, Problem
from pmpath.exams.blueprints import Blueprint
from pmpath.exams.items import Bank, Item
from pmpath.framework import Framework
from pmpath.psychometrics.ability import eap_single
from pmpath.psychometrics.calibration import Calibration, calibrate
from pmpath.psychometrics.cat import Estimate
from pmpath.psychometrics.domains import domain_estimates
from pmpath.psychometrics.fit import item_fit
from pmpath.psychometrics.irt import ItemParameters, Model, dichotomous
from pmpath.psychometrics.levels import level_estimate, stage_centres
from pmpath.psychometrics.priors import calibration_priors, prior_parameters
from pmpath.psychometrics.readiness import readiness
from pmpath.services.assessments import check_profile_name, utc_now
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
    CalibrationReport,
    CalibrationResult,
    DomainAbility,
    GuessingItemCalibration,
    ItemCalibration,
    ItemParametersInUse,
    ParametersReport,
    PlacedRole,
    PlacementResult,
    PlacementView,
    StoredCalibration,
    TestedPlacement,
    UnstoredCalibration,
)
from pmpath.services.placement import PLACEMENT_ID, AdaptiveTests
from pmpath.store import Database
from pmpath.store import parameters as parameters_store
from pmpath.store.tables import ParameterSetRow

#: Items with fewer responses than this keep their prior when a bank is calibrated.
MIN_RESPONSES = 50


@dataclass(frozen=True)
class ParameterSet:
    """Parameters of every item of a bank, in bank order, and where each came from."""

    version: int | None  # None: authored priors, the bank was never calibrated
    model: Model
    parameters: ItemParameters
    sources: tuple[str, ...]  # "calibrated" or "prior", per item
    created_at: str | None


class PsychometricsService:
    """IRT on one bank: its parameter versions, calibration, the learners' ability and
    readiness, and its adaptive tests (run by :class:`pmpath.services.placement.AdaptiveTests`)."""

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
        self._index = {item.id: j for j, item in enumerate(self.items)}
        self._stage_order = [stage.id for stage in framework.stages]
        self._sets: dict[int, ParameterSet] = {}

    # -- parameters ------------------------------------------------------------------------------

    def parameter_set(self) -> ParameterSet:
        """The newest stored parameters of the bank, or the authored priors.

        Every placement request needs them: only the newest version number is read each time;
        a version's items are read and built once per process (versions never change).
        """
        with self.database.transaction() as session:
            version = parameters_store.newest_version(session, self.bank.id)
            if version is None:
                return self._priors
            if version not in self._sets:
                row = parameters_store.parameter_set(session, self.bank.id, version)
                self._sets[version] = self._from_row(row)
            return self._sets[version]

    @cached_property
    def _priors(self) -> ParameterSet:
        parameters = prior_parameters(self.items, self._stage_order)
        return ParameterSet(None, Model.TWO_PL, parameters, ("prior",) * len(self.items), None)

    def _from_row(self, row: ParameterSetRow) -> ParameterSet:
        model = Model(row.model)
        base = prior_parameters(self.items, self._stage_order, model)
        a, d, c = base.a.copy(), base.d.copy(), base.c.copy()
        sources = ["prior"] * len(self.items)
        for item_id, entry in row.items.items():
            j = self._index.get(item_id)
            if j is None or entry.get("source") != "calibrated":
                continue  # an item since removed from the bank, or one left at its prior
            a[j], d[j], c[j] = entry["a"], entry["d"], entry["c"]
            sources[j] = "calibrated"
        parameters = ItemParameters(base.ids, a, d, c, model)
        created = row.created_at.isoformat(timespec="seconds")
        return ParameterSet(row.version, model, parameters, tuple(sources), created)

    def stored_responses(self) -> np.ndarray:
        """Attempts x bank items: 1 full credit, 0 otherwise, NaN not asked (finished only)."""
        with self.database.transaction() as session:
            finished = parameters_store.finished_attempt_ids(session, self.bank.id)
            by_attempt = {attempt: np.full(len(self.items), np.nan) for attempt in finished}
            answered = parameters_store.finished_credits(session, self.bank.id)
            for attempt_id, item_id, credit in answered:
                j = self._index.get(item_id)
                if j is not None:
                    by_attempt[attempt_id][j] = dichotomous(credit)
        rows = [row for row in by_attempt.values() if not np.all(np.isnan(row))]
        if not rows:
            return np.full((0, len(self.items)), np.nan)
        return np.vstack(rows)

    def calibrate(
        self,
        model: Model = Model.TWO_PL,
        responses_file: Path | None = None,
        min_responses: int = MIN_RESPONSES,
    ) -> CalibrationResult:
        """Calibrate and store a new parameter version; returns the report.

        From ``responses_file`` (a CSV, see :func:`read_response_csv`) every column is
        calibrated strictly: a bad cell, an item nobody answered or a constant column is
        refused. From the stored responses, items with fewer than ``min_responses`` answers, or
        answered all right or all wrong so far, keep their prior. A CSV whose columns are not
        all items of the bank is reported but not stored.
        """
        if responses_file is not None:
            return self._calibrate_file(model, responses_file)
        matrix = self.stored_responses()
        counts = np.sum(~np.isnan(matrix), axis=0)
        right = np.nansum(matrix, axis=0)
        usable = (counts >= min_responses) & (right > 0) & (right < counts)
        chosen = np.flatnonzero(usable)
        if len(chosen) < 2:
            raise CalibrationInputError(
                f"only {len(chosen)} items of bank {self.bank.id!r} have {min_responses} or more "
                f"responses with both right and wrong answers ({matrix.shape[0]} finished "
                "attempts so far): calibration needs at least 2; items keep their authored priors"
            )
        items = [self.items[j] for j in chosen]
        priors = calibration_priors(items, self._stage_order, model)
        result = calibrate(matrix[:, chosen], [item.id for item in items], model, priors=priors)
        kept = [self.items[j].id for j in np.flatnonzero(~usable)]
        report = self._report(result, matrix[:, chosen], source="stored", kept_prior=kept)
        return self._store(result, report, model)

    def _calibrate_file(self, model: Model, responses_file: Path) -> CalibrationResult:
        matrix, ids = read_response_csv(responses_file)
        try:
            result = calibrate(matrix, ids, model)
        except CalibrationError as error:
            raise CalibrationInputError(str(error), Location(file=str(responses_file))) from None
        report = self._report(result, matrix, source=str(responses_file), kept_prior=[])
        unknown = [item_id for item_id in ids if item_id not in self._index]
        if unknown:
            return UnstoredCalibration(
                **dict(report),
                stored=False,
                why_not_stored=f"{len(unknown)} columns are not items of bank "
                f"{self.bank.id!r} (the first: {unknown[0]!r})",
            )
        return self._store(result, report, model)

    def _report(
        self, result: Calibration, matrix: np.ndarray, source: str, kept_prior: list[str]
    ) -> CalibrationReport:
        parameters, errors = result.parameters, result.standard_errors
        fits = {fit.item_id: fit for fit in item_fit(matrix, parameters)}
        items: list[GuessingItemCalibration | ItemCalibration] = []
        for j, item_id in enumerate(parameters.ids):
            fit = fits.get(item_id)
            entry: dict[str, Any] = {
                "id": item_id,
                "a": _round(parameters.a[j]),
                "b": _round(parameters.b[j]),
                "d": _round(parameters.d[j]),
                "se_a": _round(errors.a[j]) if errors else None,
                "se_b": _round(errors.b[j]) if errors else None,
                "se_d": _round(errors.d[j]) if errors else None,
                "responses": int(result.responses_per_item[j]),
                "s_x2": _round(fit.s_x2) if fit and fit.s_x2 is not None else None,
                "df": fit.df if fit else None,
                "p_value": _round(fit.p_value) if fit and fit.p_value is not None else None,
                "flags": list(fit.flags) if fit else [],
            }
            if parameters.model is Model.THREE_PL:
                c = _round(parameters.c[j])
                se_c = _round(errors.c[j]) if errors else None
                items.append(GuessingItemCalibration(**entry, c=c, se_c=se_c))
            else:
                items.append(ItemCalibration(**entry))
        return CalibrationReport(
            bank=self.bank.id,
            model=parameters.model,
            source=source,
            persons=int(matrix.shape[0]),
            converged=result.converged,
            cycles=result.cycles,
            log_likelihood=_round(result.log_likelihood),
            calibrated=len(items),
            kept_prior=kept_prior,
            flagged=[entry.id for entry in items if entry.flags],
            items=items,
        )

    def _store(
        self, result: Calibration, report: CalibrationReport, model: Model
    ) -> StoredCalibration:
        parameters, errors = result.parameters, result.standard_errors
        stored: dict[str, dict[str, Any]] = {}
        for j, item_id in enumerate(parameters.ids):
            stored[item_id] = {
                "source": "calibrated",
                "a": float(parameters.a[j]),
                "d": float(parameters.d[j]),
                "c": float(parameters.c[j]),
                "se_a": _round(errors.a[j]) if errors else None,
                "se_d": _round(errors.d[j]) if errors else None,
                "se_c": _round(errors.c[j]) if errors else None,
                "responses": int(result.responses_per_item[j]),
            }
        for item_id in report.kept_prior:
            stored[item_id] = {"source": "prior"}
        summary = report.model_dump(mode="json", exclude={"items"})
        with self.database.transaction() as session:
            version = parameters_store.add_parameter_set(
                session, self.bank.id, model.value, stored, summary, self.clock()
            )
        return StoredCalibration(**dict(report), stored=True, version=version)

    def parameters_report(self) -> ParametersReport:
        """The parameters in use, per item, with their source."""
        current = self.parameter_set()
        p = current.parameters
        return ParametersReport(
            bank=self.bank.id,
            version=current.version,
            model=current.model,
            created_at=current.created_at,
            calibrated=sum(1 for source in current.sources if source == "calibrated"),
            items=[
                ItemParametersInUse(
                    id=item_id,
                    a=_round(p.a[j]),
                    b=_round(p.b[j]),
                    c=_round(p.c[j]),
                    source="calibrated" if current.sources[j] == "calibrated" else "prior",
                )
                for j, item_id in enumerate(p.ids)
            ],
        )

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
        """For every blueprint, the chance of passing its mock exam now, with an interval."""
        current = self.parameter_set()
        overall = _eap(self._learner_responses(profile), current.parameters)
        exams = []
        for blueprint in self.blueprints.values():
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
                )
            )
        return ReadinessReport(
            profile=profile,
            parameters_version=current.version,
            theta=overall.theta,
            se=overall.se,
            answered=overall.items,
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


def _round(value: float) -> float | None:
    return round(float(value), 4) if np.isfinite(value) else None


def read_response_csv(path: Path) -> tuple[np.ndarray, list[str]]:
    """A person x item 0/1 matrix: a header of item ids, then one row per person, empty cells
    for items not seen. Anything else is refused with its line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise CalibrationInputError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CalibrationInputError(
            "the file is not UTF-8 text", Location(file=str(path))
        ) from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise CalibrationInputError(
            "the first line must be a header of item ids", Location(file=str(path), line=1)
        )
    ids = [cell.strip() for cell in header]
    problems: list[Problem] = []
    seen_ids: set[str] = set()
    for column, item_id in enumerate(ids, start=1):
        if not item_id:
            problems.append(_cell_problem(path, 1, column, "an item id is empty"))
        elif item_id in seen_ids:
            problems.append(_cell_problem(path, 1, column, f"item id {item_id!r} repeats"))
        seen_ids.add(item_id)
    rows: list[list[float]] = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) != len(ids):
            problems.append(
                Problem(
                    f"{len(cells)} cells, but the header has {len(ids)} item ids",
                    Location(file=str(path), line=line),
                )
            )
            continue
        values = []
        for column, raw in enumerate(cells, start=1):
            cell = raw.strip()
            values.append(float(cell) if cell in ("0", "1") else np.nan)
            if cell not in ("0", "1", ""):
                problems.append(
                    _cell_problem(
                        path,
                        line,
                        column,
                        f"{cell!r} under {ids[column - 1]!r}: cells must be 0, 1 or empty",
                    )
                )
        rows.append(values)
    if problems:
        raise CalibrationInputError(problems[:20])
    if not rows:
        raise CalibrationInputError("no response rows after the header", Location(file=str(path)))
    return np.array(rows, dtype=np.float64), ids


def _cell_problem(path: Path, line: int, column: int, message: str) -> Problem:
    return Problem(message, Location(file=str(path), line=line, field_path=(f"column {column}",)))
