"""A bank's item parameters: the version in use, calibrating a new one, and the response CSV.

* **Parameters** are versioned per bank (table ``irt_parameter_sets``); the newest version is
  used. Before any calibration every item uses its authored prior
  (:mod:`pmpath.psychometrics.priors`); a calibration estimates the items with enough
  responses and leaves the rest at their prior.
* **Responses** for calibration are the finished attempts on the bank, one row per attempt
  (a learner's attempts months apart measure different abilities), scored 1 for full credit
  and 0 otherwise; items an attempt did not ask are missing. Or they come from a CSV
  (:func:`read_response_csv`), calibrated strictly.

:class:`BankParameters` is built and held by :class:`pmpath.services.psychometrics.
PsychometricsService`, which hands its ``parameter_set``, ``calibrate`` and
``parameters_report`` over to it; ability, readiness and the adaptive tests only read the
version in use.
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
from pmpath.exams.items import Bank, Item
from pmpath.localfiles import read_local_file
from pmpath.psychometrics.calibration import Calibration, calibrate
from pmpath.psychometrics.fit import item_fit
from pmpath.psychometrics.irt import ItemParameters, Model, dichotomous
from pmpath.psychometrics.priors import calibration_priors, prior_parameters
from pmpath.services.models.psychometrics import (
    CalibrationReport,
    CalibrationResult,
    GuessingItemCalibration,
    ItemCalibration,
    ItemParametersInUse,
    ParametersReport,
    StoredCalibration,
    UnstoredCalibration,
)
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


class BankParameters:
    """The item parameters of one bank: the version in use (or the authored priors),
    calibrating and storing a new version, and the report of the version in use."""

    def __init__(
        self,
        database: Database,
        bank: Bank,
        stage_order: Sequence[str],
        clock: Callable[[], datetime],
    ) -> None:
        self.database = database
        self.bank = bank
        self.clock = clock
        self.items: tuple[Item, ...] = bank.items
        #: Each item's position in the bank: its column in every parameter and response array.
        self.index = {item.id: j for j, item in enumerate(self.items)}
        self._stage_order = list(stage_order)
        self._sets: dict[int, ParameterSet] = {}

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
            j = self.index.get(item_id)
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
                j = self.index.get(item_id)
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
        unknown = [item_id for item_id in ids if item_id not in self.index]
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


def _round(value: float) -> float | None:
    return round(float(value), 4) if np.isfinite(value) else None


def read_response_csv(path: Path) -> tuple[np.ndarray, list[str]]:
    """A person x item 0/1 matrix: a header of item ids, then one row per person, empty cells
    for items not seen. Anything else is refused with its line and column."""
    try:
        text = read_local_file(path, CalibrationInputError).decode("utf-8-sig")
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
