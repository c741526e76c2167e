"""Placement: how well a profile fits each role, and where on the ladder it stands.

The model (documented for users in docs/assessment.md):

* **Fit** with a role is the weighted mean of a per-competency *credit*: full credit when the
  person's level meets the role's expectation, halved for every level short of it
  (``0.5 ** shortfall``). Exceeding an expectation earns nothing extra, so strength in one
  competency never hides a gap in another.
* **Readiness** for a role: *ready now* at fit ≥ 90 with no must-have short and no
  competency more than one level short; *within a year* at fit ≥ 75 with every must-have and
  every other competency at most one and two levels short; *stretch* at fit ≥ 50; else
  *not yet*. A must-have shortfall caps readiness below "ready now", whatever the fit.
* **Placement** is the most senior role the person is ready for now (seniority = stage, then
  steps from an entry role). When no role is ready now, the person is *working towards* the
  best-fitting entry role.
* **The band** repeats all this with every rating moved down and up by its uncertainty (low
  confidence ±1 level, medium ±0.5, high 0; unrated competencies count at the floor, ±1).

Everything here rises with the ratings: raising any rating never lowers a fit, a readiness or
the placement (a property test holds the code to it).

Fits for every role are computed at once on a role-by-competency matrix built once per
framework, so a ladder of a thousand roles places a profile in milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

import numpy as np
import numpy.typing as npt

from pmpath.assessment.profile import SelfAssessment
from pmpath.framework import Exit, Framework, Role

READY_NOW_FIT = 90.0
WITHIN_A_YEAR_FIT = 75.0
STRETCH_FIT = 50.0

Levels = Mapping[str, float]
Floats = npt.NDArray[np.float64]


class Readiness(StrEnum):
    READY_NOW = "ready-now"
    WITHIN_A_YEAR = "within-a-year"
    STRETCH = "stretch"
    NOT_YET = "not-yet"

    @property
    def rank(self) -> int:
        """Higher is readier."""
        return _READINESS_ORDER.index(self)


_READINESS_ORDER = [
    Readiness.NOT_YET,
    Readiness.STRETCH,
    Readiness.WITHIN_A_YEAR,
    Readiness.READY_NOW,
]


@dataclass(frozen=True)
class CompetencyFit:
    """One competency of one role: what the person has against what the role expects."""

    competency_id: str
    current: float
    expected: int
    weight: float
    must_have: bool

    @property
    def shortfall(self) -> float:
        return max(0.0, self.expected - self.current)


@dataclass(frozen=True)
class RoleFit:
    """How a profile fits one role (or exit)."""

    role_id: str
    fit: float
    readiness: Readiness
    band: tuple[float, float]
    node: Role | Exit
    levels: Levels

    @cached_property
    def competencies(self) -> tuple[CompetencyFit, ...]:
        return tuple(
            CompetencyFit(comp_id, self.levels[comp_id], exp.level, exp.weight, exp.must_have)
            for comp_id, exp in self.node.expectations.items()
        )

    @property
    def capped_by(self) -> list[CompetencyFit]:
        """Must-haves the person is short of: they keep the role from "ready now"."""
        return [c for c in self.competencies if c.must_have and c.shortfall > 0]

    @property
    def short(self) -> list[CompetencyFit]:
        return [c for c in self.competencies if c.shortfall > 0]

    @property
    def meets(self) -> list[CompetencyFit]:
        return [c for c in self.competencies if c.current == c.expected]

    @property
    def exceeds(self) -> list[CompetencyFit]:
        return [c for c in self.competencies if c.current > c.expected]


@dataclass(frozen=True)
class Placement:
    """Where a profile stands on the ladder, with the fit for every role and exit."""

    role_id: str
    #: "ready-now" when the person is ready for ``role_id``; "working-towards" otherwise.
    status: str
    fits: dict[str, RoleFit]
    #: The placement with every rating moved down / up by its uncertainty.
    low_role_id: str
    high_role_id: str

    @property
    def role_fit(self) -> RoleFit:
        return self.fits[self.role_id]


class _Matrix:
    """Expectations of every role and exit as arrays: rows are nodes, columns competencies."""

    def __init__(self, framework: Framework) -> None:
        self.nodes: list[Role | Exit] = [*framework.roles, *framework.exits]
        self.role_count = len(framework.roles)
        self.competency_ids = [c.id for c in framework.competencies]
        column = {comp_id: j for j, comp_id in enumerate(self.competency_ids)}
        shape = (len(self.nodes), len(self.competency_ids))
        self.expected = np.zeros(shape)
        self.weight = np.zeros(shape)  # zero where a node (an exit) names no expectation
        self.must = np.zeros(shape, dtype=bool)
        for i, node in enumerate(self.nodes):
            for comp_id, exp in node.expectations.items():
                j = column[comp_id]
                self.expected[i, j], self.weight[i, j], self.must[i, j] = (
                    exp.level,
                    exp.weight,
                    exp.must_have,
                )
        self.total_weight = self.weight.sum(axis=1)
        ranks = _seniority(framework)
        self.seniority = [ranks[role.id] for role in framework.roles]
        entry = framework.stages[0].id
        self.entry_rows = [i for i, role in enumerate(framework.roles) if role.stage == entry]

    def vector(self, levels: Levels) -> Floats:
        return np.array([levels[c] for c in self.competency_ids], dtype=float)

    def scores(self, levels: Floats) -> tuple[Floats, list[Readiness]]:
        """Fit (0-100, one decimal) and readiness of every node for one level vector."""
        short = np.maximum(self.expected - levels, 0.0)
        credit = np.power(0.5, short)
        with np.errstate(invalid="ignore", divide="ignore"):
            fit = np.where(
                self.total_weight > 0,
                100.0 * (self.weight * credit).sum(axis=1) / self.total_weight,
                100.0,
            )
        fit = np.round(fit, 1).astype(np.float64)
        counted = self.weight > 0
        worst = np.where(counted, short, 0.0).max(axis=1, initial=0.0)
        worst_must = np.where(self.must, short, 0.0).max(axis=1, initial=0.0)
        readiness = [
            _readiness(float(f), float(wm), float(w))
            for f, wm, w in zip(fit, worst_must, worst, strict=True)
        ]
        return fit, readiness

    def placed(self, fit: Floats, readiness: list[Readiness]) -> tuple[int, str]:
        """The row of the placement and its status."""
        ready = [i for i in range(self.role_count) if readiness[i] is Readiness.READY_NOW]
        if ready:
            # Most senior first; among equals, the better fit.
            return max(ready, key=lambda i: (self.seniority[i], fit[i])), "ready-now"
        return max(self.entry_rows, key=lambda i: fit[i]), "working-towards"


def place(framework: Framework, assessment: SelfAssessment) -> Placement:
    """Fit the assessment against every role and exit, and place it on the ladder."""
    matrix = framework.derived("assessment.placement-matrix", _Matrix)
    levels, low, high = _level_sets(framework, assessment)
    fit, readiness = matrix.scores(matrix.vector(levels))
    fit_low, readiness_low = matrix.scores(matrix.vector(low))
    fit_high, readiness_high = matrix.scores(matrix.vector(high))
    fits = {
        node.id: RoleFit(
            node.id,
            float(fit[i]),
            readiness[i],
            (float(fit_low[i]), float(fit_high[i])),
            node,
            levels,
        )
        for i, node in enumerate(matrix.nodes)
    }
    row, status = matrix.placed(fit, readiness)
    low_row, _ = matrix.placed(fit_low, readiness_low)
    high_row, _ = matrix.placed(fit_high, readiness_high)
    ids = [node.id for node in matrix.nodes]
    return Placement(ids[row], status, fits, ids[low_row], ids[high_row])


def starting_role(assessment: SelfAssessment, placement: Placement) -> str:
    """Where a path to a target starts: the role the person holds, else their placement."""
    return assessment.current_role or placement.role_id


def seniority(framework: Framework) -> dict[str, tuple[int, int]]:
    """(stage rank, steps from an entry role) for each role: how senior the role is."""
    return _seniority(framework)


def _readiness(fit: float, worst_must: float, worst: float) -> Readiness:
    if fit >= READY_NOW_FIT and worst_must == 0 and worst <= 1:
        return Readiness.READY_NOW
    if fit >= WITHIN_A_YEAR_FIT and worst_must <= 1 and worst <= 2:
        return Readiness.WITHIN_A_YEAR
    if fit >= STRETCH_FIT:
        return Readiness.STRETCH
    return Readiness.NOT_YET


def _level_sets(framework: Framework, assessment: SelfAssessment) -> tuple[Levels, Levels, Levels]:
    top = float(framework.levels.stop - 1)
    levels: dict[str, float] = {}
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    for comp in framework.competencies:
        level = float(assessment.level(comp.id))
        spread = assessment.uncertainty(comp.id)
        levels[comp.id] = level
        low[comp.id] = max(1.0, level - spread)
        high[comp.id] = min(top, level + spread)
    return levels, low, high


def _seniority(framework: Framework) -> dict[str, tuple[int, int]]:
    # Steps from an entry role = the longest chain of next-role steps leading here,
    # so a Director (reached through Group PM) ranks above a Group PM in the same stage.
    depth = {role.id: 0 for role in framework.roles}
    for role in _topological(framework):
        for nxt in role.next_roles:
            depth[nxt] = max(depth[nxt], depth[role.id] + 1)
    stage_rank = {stage.id: rank for rank, stage in enumerate(framework.stages)}
    return {role.id: (stage_rank[role.stage], depth[role.id]) for role in framework.roles}


def _topological(framework: Framework) -> list[Role]:
    incoming = {role.id: 0 for role in framework.roles}
    for role in framework.roles:
        for nxt in role.next_roles:
            incoming[nxt] += 1
    ready = [role.id for role in framework.roles if incoming[role.id] == 0]
    order: list[Role] = []
    while ready:
        role = framework.role(ready.pop())
        order.append(role)
        for nxt in role.next_roles:
            incoming[nxt] -= 1
            if incoming[nxt] == 0:
                ready.append(nxt)
    return order
