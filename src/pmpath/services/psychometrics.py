"""IRT over the stored responses: calibration, ability, readiness and the adaptive placement test.

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
* **The adaptive placement test** is an attempt in mode ``adaptive``: every answer is stored
  as it is given, like a mock exam's; the next item is chosen by replaying the stored answers
  (:class:`pmpath.psychometrics.cat.AdaptiveTest`), so a test survives a closed tab or another
  app process. When a stop rule fires the estimates are kept with the attempt.
"""

from __future__ import annotations

import csv
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import ndtr
from sqlalchemy.orm import Session

from pmpath.errors import (
    AttemptError,
    CalibrationError,
    CalibrationInputError,
    Location,
    NotFoundError,
    Problem,
)
from pmpath.exams.blueprints import Blueprint
from pmpath.exams.forms import option_order
from pmpath.exams.items import Bank, Item
from pmpath.exams.scoring import score
from pmpath.framework import Framework
from pmpath.psychometrics.ability import eap_single
from pmpath.psychometrics.calibration import Calibration, calibrate
from pmpath.psychometrics.cat import AdaptiveTest, CatConfig, Estimate, ItemPool
from pmpath.psychometrics.domains import domain_estimates
from pmpath.psychometrics.fit import item_fit
from pmpath.psychometrics.irt import ItemParameters, Model
from pmpath.psychometrics.levels import level_estimate, stage_centres
from pmpath.psychometrics.priors import calibration_priors, prior_parameters
from pmpath.psychometrics.readiness import cut_theta, readiness
from pmpath.services.assessments import check_profile_name, utc_now
from pmpath.services.exams import ExamService, question_view
from pmpath.store import Database
from pmpath.store import assessments as profiles
from pmpath.store import attempts as attempt_store
from pmpath.store import parameters as parameters_store
from pmpath.store.attempts import ADAPTIVE
from pmpath.store.responses import save_response
from pmpath.store.tables import AttemptRow, ParameterSetRow

Json = dict[str, Any]

#: Items with fewer responses than this keep their prior when a bank is calibrated.
MIN_RESPONSES = 50
#: The placement test: two items per domain at least, then until the overall SE is 0.3 or
#: 48 items; content balanced evenly over the bank's domains.
PLACEMENT_ID = "placement"
PLACEMENT_SE = 0.3
PLACEMENT_MAX_ITEMS = 48
#: An adaptive exam asks at least this many questions before it may stop.
ADAPTIVE_EXAM_MIN_ITEMS = 10
FULL_CREDIT = 0.999



@dataclass(frozen=True)
class ParameterSet:
    """Parameters of every item of a bank, in bank order, and where each came from."""

    version: int | None  # None: authored priors, the bank was never calibrated
    model: Model
    parameters: ItemParameters
    sources: tuple[str, ...]  # "calibrated" or "prior", per item
    created_at: str | None


class PsychometricsService:
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
        self._setups: dict[tuple[str, int | None], tuple[ItemPool, CatConfig, float | None]] = {}

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
                    by_attempt[attempt_id][j] = _scored(credit)
        rows = [row for row in by_attempt.values() if not np.all(np.isnan(row))]
        if not rows:
            return np.full((0, len(self.items)), np.nan)
        return np.vstack(rows)

    def calibrate(
        self,
        model: Model = Model.TWO_PL,
        responses_file: Path | None = None,
        min_responses: int = MIN_RESPONSES,
    ) -> Json:
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

    def _calibrate_file(self, model: Model, responses_file: Path) -> Json:
        matrix, ids = read_response_csv(responses_file)
        try:
            result = calibrate(matrix, ids, model)
        except CalibrationError as error:
            raise CalibrationInputError(str(error), Location(file=str(responses_file))) from None
        report = self._report(result, matrix, source=str(responses_file), kept_prior=[])
        unknown = [item_id for item_id in ids if item_id not in self._index]
        if unknown:
            return {
                **report,
                "stored": False,
                "why_not_stored": f"{len(unknown)} columns are not items of bank "
                f"{self.bank.id!r} (the first: {unknown[0]!r})",
            }
        return self._store(result, report, model)

    def _report(
        self, result: Calibration, matrix: np.ndarray, source: str, kept_prior: list[str]
    ) -> Json:
        parameters, errors = result.parameters, result.standard_errors
        fits = {fit.item_id: fit for fit in item_fit(matrix, parameters)}
        items = []
        for j, item_id in enumerate(parameters.ids):
            fit = fits.get(item_id)
            entry: Json = {
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
                entry["c"] = _round(parameters.c[j])
                entry["se_c"] = _round(errors.c[j]) if errors else None
            items.append(entry)
        return {
            "bank": self.bank.id,
            "model": parameters.model.value,
            "source": source,
            "persons": int(matrix.shape[0]),
            "converged": result.converged,
            "cycles": result.cycles,
            "log_likelihood": _round(result.log_likelihood),
            "calibrated": len(items),
            "kept_prior": kept_prior,
            "flagged": [entry["id"] for entry in items if entry["flags"]],
            "items": items,
        }

    def _store(self, result: Calibration, report: Json, model: Model) -> Json:
        parameters, errors = result.parameters, result.standard_errors
        stored: dict[str, Json] = {}
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
        for item_id in report["kept_prior"]:
            stored[item_id] = {"source": "prior"}
        summary = {key: value for key, value in report.items() if key != "items"}
        with self.database.transaction() as session:
            version = parameters_store.add_parameter_set(
                session, self.bank.id, model.value, stored, summary, self.clock()
            )
        return {**report, "stored": True, "version": version}

    def parameters_report(self) -> Json:
        """The parameters in use, per item, with their source."""
        current = self.parameter_set()
        p = current.parameters
        return {
            "bank": self.bank.id,
            "version": current.version,
            "model": current.model.value,
            "created_at": current.created_at,
            "calibrated": sum(1 for source in current.sources if source == "calibrated"),
            "items": [
                {
                    "id": item_id,
                    "a": _round(p.a[j]),
                    "b": _round(p.b[j]),
                    "c": _round(p.c[j]),
                    "source": current.sources[j],
                }
                for j, item_id in enumerate(p.ids)
            ],
        }

    # -- ability and readiness -----------------------------------------------------------------

    def ability(self, profile: str) -> Json:
        """EAP ability from the learner's newest answer to each item: overall and per domain."""
        current = self.parameter_set()
        responses = self._learner_responses(profile)
        centres = self._centres(current.parameters)
        overall = _estimate(responses, current.parameters)
        return {
            "profile": profile,
            "parameters_version": current.version,
            "overall": {**overall, **_level(overall, centres)},
            "domains": self._by_domain(responses, current.parameters, centres),
        }

    def competency_evidence(self, profile: str) -> dict[str, Json]:
        """Per competency, the self-rating the learner's tested ability points to.

        A competency's ability is the mean of its domains' estimates, weighted by how many of
        the bank's items on the competency each domain holds; its career level (with the 80%
        range) is read from the stage centres, and the rating is what roles at that stage
        expect of the competency (the median over the stage's roles). Empty before any answer.
        """
        return self._tested(profile)[0]

    def _tested(self, profile: str) -> tuple[dict[str, Json], str | None]:
        """The competency evidence and the overall level (None before any answer)."""
        current = self.parameter_set()
        responses = self._learner_responses(profile)
        if np.all(np.isnan(responses)):
            return {}, None
        centres = self._centres(current.parameters)
        domains = self._by_domain(responses, current.parameters, centres)
        overall = _level(_estimate(responses, current.parameters), centres)["level"]
        found: dict[str, Json] = {}
        for competency, weights in self._competency_domains.items():
            total = sum(weights.values())
            theta = sum(w * domains[d]["theta"] for d, w in weights.items()) / total
            se = float(np.sqrt(sum(w * domains[d]["se"] ** 2 for d, w in weights.items()) / total))
            level = level_estimate(theta, se, centres)
            ratings = [
                self._expected(competency, stage) for stage in (level.low, level.level, level.high)
            ]
            if None in ratings:
                continue
            low, rating, high = sorted(r for r in ratings if r is not None)
            found[competency] = {
                "rating": rating,
                "rating_range": [low, high],
                "level": level.level,
                "level_range": [level.low, level.high],
                "theta": round(theta, 3),
                "se": round(se, 3),
            }
        return found, overall

    def tested_placement(self, profile: str) -> Json | None:
        """Where the ladder's placement model puts the ratings the tests point to (None before
        any answer): the same model as for self-assessments, with confidence from each
        rating's range (one level either way is medium, wider is low)."""
        from pmpath.assessment.placement import place
        from pmpath.assessment.profile import Confidence, Rating, SelfAssessment

        evidence, overall = self._tested(profile)
        if overall is None:
            return None
        ratings = {}
        for competency, found in evidence.items():
            low, high = found["rating_range"]
            confidence = (
                Confidence.HIGH
                if low == high
                else Confidence.MEDIUM
                if high - low <= 2
                else Confidence.LOW
            )
            ratings[competency] = Rating(competency, found["rating"], confidence)
        # Competencies no item covers take the overall estimate's level, with low confidence:
        # better than the floor of the scale, which would cap the placement for no reason.
        unrated = []
        for uncovered in self.framework.competencies:
            if uncovered.id in ratings:
                continue
            expected = self._expected(uncovered.id, overall)
            if expected is None:
                unrated.append(uncovered.id)
            else:
                ratings[uncovered.id] = Rating(uncovered.id, expected, Confidence.LOW)
        placement = place(self.framework, SelfAssessment(ratings, unrated=tuple(unrated)))
        role = self.framework.role(placement.role_id)
        return {
            "role": {"id": role.id, "name": role.name, "stage": role.stage},
            "status": placement.status,
            "range": [placement.low_role_id, placement.high_role_id],
            "rated": len(ratings),
        }

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

    def readiness(self, profile: str) -> Json:
        """For every blueprint, the chance of passing its mock exam now, with an interval."""
        current = self.parameter_set()
        overall = _estimate(self._learner_responses(profile), current.parameters)
        exams = []
        for blueprint in self.blueprints.values():
            pool, weights = self._blueprint_pool(blueprint)
            result = readiness(
                overall["theta"],
                overall["se"],
                current.parameters.take(pool),
                weights,
                blueprint.items,
                blueprint.pass_mark,
            )
            exams.append(
                {
                    "blueprint": blueprint.id,
                    "name": blueprint.name,
                    "pass_mark": blueprint.pass_mark,
                    "probability": round(result.probability, 3),
                    "interval": [
                        round(result.probability_low, 3),
                        round(result.probability_high, 3),
                    ],
                    "expected_percent": round(result.expected_percent, 1),
                    "expected_percent_interval": [
                        round(result.expected_percent_low, 1),
                        round(result.expected_percent_high, 1),
                    ],
                }
            )
        return {
            "profile": profile,
            "parameters_version": current.version,
            "theta": overall["theta"],
            "se": overall["se"],
            "answered": overall["items"],
            "exams": exams,
        }

    def _blueprint_pool(self, blueprint: Blueprint) -> tuple[np.ndarray, np.ndarray]:
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
                    values[j] = _scored(credit)
        return values

    def _by_domain(
        self, responses: np.ndarray, parameters: ItemParameters, centres: dict[str, float]
    ) -> dict[str, Json]:
        estimates = domain_estimates(responses, parameters, [item.domain for item in self.items])
        by_domain = {}
        for domain in self.bank.domains:
            theta, se, answered = estimates.get(domain.id, (0.0, 1.0, 0))
            values = {"theta": round(theta, 3), "se": round(se, 3), "items": answered}
            by_domain[domain.id] = {"name": domain.name, **values, **_level(values, centres)}
        return by_domain

    def _centres(self, parameters: ItemParameters) -> dict[str, float]:
        return stage_centres(parameters, [item.level for item in self.items], self._stage_order)

    # -- the adaptive placement test -----------------------------------------------------------

    def adaptive_exam_config(self, blueprint: Blueprint, cut: float | None) -> CatConfig:
        """An adaptive version of a blueprint's mock exam: its domains in its proportions, at
        most its length, stopping early once pass or fail is clear at 95% (or SE <= 0.3)."""
        return CatConfig(
            se_target=PLACEMENT_SE,
            min_items=min(ADAPTIVE_EXAM_MIN_ITEMS, blueprint.items),
            max_items=blueprint.items,
            cut=cut,
            randomesque=3,
            content=dict(blueprint.domains),
        )

    def _setup(
        self, test_id: str, current: ParameterSet
    ) -> tuple[ItemPool, CatConfig, float | None]:
        """The item pool, configuration and theta cut of the placement test or of the adaptive
        exam of blueprint ``test_id`` (built once per parameter version)."""
        key = (test_id, current.version)
        if key not in self._setups:
            self._setups[key] = self._build_setup(test_id, current)
        return self._setups[key]

    def _build_setup(
        self, test_id: str, current: ParameterSet
    ) -> tuple[ItemPool, CatConfig, float | None]:
        if test_id == PLACEMENT_ID:
            pool = ItemPool(current.parameters, [item.domain for item in self.items])
            return pool, placement_config(self.bank), None
        blueprint = self.blueprints.get(test_id)
        if blueprint is None:
            raise NotFoundError(
                f"unknown exam {test_id!r}; known: {', '.join(self.blueprints) or 'none'}"
            )
        chosen, weights = self._blueprint_pool(blueprint)
        parameters = current.parameters.take(chosen)
        cut = cut_theta(parameters, weights, blueprint.pass_mark)
        pool = ItemPool(parameters, [self.items[j].domain for j in chosen])
        finite = cut if np.isfinite(cut) else None
        return pool, self.adaptive_exam_config(blueprint, finite), finite

    def start_placement(self, profile: str, seed: int | None = None) -> Json:
        """Start an adaptive placement test; returns its first question."""
        return self._start(profile, PLACEMENT_ID, seed)

    def start_adaptive_exam(self, profile: str, blueprint_id: str, seed: int | None = None) -> Json:
        """Start the adaptive version of a blueprint's mock exam; returns its first question."""
        return self._start(profile, blueprint_id, seed)

    def _start(self, profile: str, test_id: str, seed: int | None) -> Json:
        chosen_seed = seed if seed is not None else secrets.randbelow(2**31)
        now = self.clock()
        pool, config, _ = self._setup(test_id, self.parameter_set())
        first = AdaptiveTest(pool, config, chosen_seed).next_item()
        if first is None:
            raise NotFoundError(f"bank {self.bank.id!r} has no items for this adaptive test")
        with self.database.transaction() as session:
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
        return self.placement(attempt_id, profile)

    def answer_placement(self, attempt_id: int, profile: str, response: Any) -> Json:
        """Answer the current question; returns the next one, or the result at the end."""
        view = self.placement(attempt_id, profile)
        if view["finished"]:
            raise AttemptError(f"placement test {attempt_id} is finished; it cannot change")
        position = view["question"]["position"]
        item = self.items[self._index[view["question"]["item_id"]]]
        credit = score(item, response)  # refuses responses of the wrong shape
        with self.database.transaction() as session:
            self._owned(session, attempt_id, profile)
            save_response(session, attempt_id, position, item.id, response, credit, self.clock())
        return self.placement(attempt_id, profile)

    def _owned(self, session: Session, attempt_id: int, profile: str) -> AttemptRow:
        """The adaptive test if ``profile`` owns it on this bank; NotFoundError otherwise."""
        row = attempt_store.owned_adaptive(
            session, attempt_id, check_profile_name(profile), self.bank.id
        )
        # Someone else's test looks exactly like a missing one: ids reveal nothing.
        if row is None:
            raise NotFoundError(f"no attempt {attempt_id} for profile {profile!r}")
        return row

    def placement(self, attempt_id: int, profile: str) -> Json:
        """The test as it stands: the question to answer now, or the result once it stopped.

        When the current question has been answered the next one is chosen here (replaying
        the stored answers), so a reload after an answer lands on the right question.
        """
        current = self.parameter_set()
        with self.database.transaction() as session:
            row = self._owned(session, attempt_id, profile)
            if row.finished_at is not None:
                return _placement_done(row)
            credits = {r.position: r.credit for r in row.responses if r.credit is not None}
            pool, config, cut = self._setup(row.blueprint_id or PLACEMENT_ID, current)
            if len(row.form) - 1 in credits:
                test = self._replay(row, credits, pool, config)
                following = None if test.stop_reason() is not None else test.next_item()
                if following is None:
                    self._finish_adaptive(row, test, current, cut)
                    return _placement_done(row)
                row.form = [*row.form, self._entry(following, row.seed, len(row.form))]
            entry = row.form[-1]
            item = self.items[self._index[entry["item_id"]]]
            question = question_view(self.bank, item, tuple(entry["option_order"]))
            return {
                "attempt_id": row.id,
                "test": row.blueprint_id,
                "finished": False,
                "answered": len(credits),
                "max_items": config.max_items,
                "question": {"position": len(row.form) - 1, **question},
            }

    def unfinished_placement(self, profile: str, test_id: str = PLACEMENT_ID) -> int | None:
        """The learner's newest placement test (or adaptive exam ``test_id``) still running."""
        with self.database.transaction() as session:
            row = attempt_store.newest_adaptive(
                session, check_profile_name(profile), self.bank.id, test_id, finished=False
            )
            return row.id if row is not None else None

    def latest_placement(self, profile: str, test_id: str = PLACEMENT_ID) -> Json | None:
        """The result of the learner's newest finished placement test (or adaptive exam)."""
        with self.database.transaction() as session:
            row = attempt_store.newest_adaptive(
                session, check_profile_name(profile), self.bank.id, test_id, finished=True
            )
            return _placement_done(row) if row is not None else None

    def _replay(
        self, row: AttemptRow, credits: dict[int, float], pool: ItemPool, config: CatConfig
    ) -> AdaptiveTest:
        ids = [entry["item_id"] for entry in row.form]
        state = {
            "seed": row.seed,
            "items": ids,
            "responses": [int(_scored(credits.get(k))) for k in range(len(ids))],
        }
        return AdaptiveTest.from_dict(pool, state, config)

    def _finish_adaptive(
        self, row: AttemptRow, test: AdaptiveTest, current: ParameterSet, cut: float | None
    ) -> None:
        centres = self._centres(current.parameters)
        responses = np.full(len(self.items), np.nan)
        for item_id, right in zip(test.items, test.responses, strict=True):
            responses[self._index[item_id]] = float(right)
        overall = test.estimate
        values = {
            "theta": round(overall.theta, 3),
            "se": round(overall.se, 3),
            "items": overall.items,
        }
        reason = test.stop_reason()
        row.result = {
            "parameters_version": current.version,
            "stop_reason": reason.value if reason else "exhausted",
            "overall": {**values, **_level(values, centres)},
            "domains": self._by_domain(responses, current.parameters, centres),
        }
        if row.blueprint_id != PLACEMENT_ID:
            row.result["exam"] = _classification(row.blueprint_id or "", overall, cut)
        right = sum(test.responses)
        row.score = round(100.0 * right / max(1, len(test.responses)), 1)
        row.finished_at, row.finish_reason = self.clock(), "completed"

    def _entry(self, item_id: str, seed: int, step: int) -> Json:
        """A form entry for the item given at ``step``, its options shuffled from the seed."""
        item = self.items[self._index[item_id]]
        shuffled = option_order(item, random.Random(seed * 1000 + step))
        return {"item_id": item_id, "option_order": list(shuffled)}


def _classification(blueprint_id: str, estimate: Estimate, cut: float | None) -> Json:
    """Pass or fail against the exam's cut on the theta scale, with the chance of a pass."""
    if cut is None:
        return {
            "blueprint": blueprint_id,
            "cut_theta": None,
            "passed": None,
            "pass_probability": None,
        }
    chance = float(ndtr((estimate.theta - cut) / max(estimate.se, 1e-9)))
    return {
        "blueprint": blueprint_id,
        "cut_theta": round(cut, 3),
        "passed": estimate.theta >= cut,
        "pass_probability": round(chance, 3),
    }


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


def competency_evidence(exams: ExamService, irt: PsychometricsService, profile: str) -> Json:
    """Per competency, what the learner's answers say beside their self-rating: the share of
    credit on finished exams (``percent``, ``items``) and the rating their tested ability
    points to (``tested``). Empty before any answer."""
    evidence: Json = exams.competency_evidence(profile)
    for competency, found in irt.competency_evidence(profile).items():
        evidence.setdefault(competency, {})["tested"] = found
    return evidence


def _placement_done(row: AttemptRow) -> Json:
    return {"attempt_id": row.id, "test": row.blueprint_id, "finished": True, **(row.result or {})}


def _estimate(responses: np.ndarray, parameters: ItemParameters) -> Json:
    seen = ~np.isnan(responses)
    if not seen.any():
        return {"theta": 0.0, "se": 1.0, "items": 0}
    theta, se = eap_single(responses, parameters)
    return {"theta": round(theta, 3), "se": round(se, 3), "items": int(seen.sum())}


def _scored(credit: float | None) -> float:
    """Dichotomous scoring for IRT: full credit is right, anything less is wrong."""
    return 1.0 if credit is not None and credit >= FULL_CREDIT else 0.0


def _level(estimate: Json, centres: dict[str, float]) -> Json:
    found = level_estimate(estimate["theta"], estimate["se"], centres)
    return {"level": found.level, "level_range": [found.low, found.high]}


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
