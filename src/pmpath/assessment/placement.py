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
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from pmpath.assessment.profile import SelfAssessment
from pmpath.framework import Exit, Framework, Role

READY_NOW_FIT = 90.0
WITHIN_A_YEAR_FIT = 75.0
STRETCH_FIT = 50.0

Levels = Mapping[str, float]


class Readiness(StrEnum):
    READY_NOW = "ready-now"
    WITHIN_A_YEAR = "within-a-year"
    STRETCH = "stretch"
    NOT_YET = "not-yet"

    @property
    def rank(self) -> int:
        """Higher is readier."""
        return [
            Readiness.NOT_YET,
            Readiness.STRETCH,
            Readiness.WITHIN_A_YEAR,
            Readiness.READY_NOW,
        ].index(self)


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
    competencies: tuple[CompetencyFit, ...]

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
    """Where a profile stands on the ladder, with the fit for every role."""

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


def role_fit(
    node: Role | Exit, levels: Levels, low: Levels | None = None, high: Levels | None = None
) -> RoleFit:
    """The fit of ``levels`` with ``node``; ``low``/``high`` bound the band (default: no band)."""
    comps = tuple(
        CompetencyFit(comp_id, levels[comp_id], exp.level, exp.weight, exp.must_have)
        for comp_id, exp in node.expectations.items()
    )
    score = _fit(comps)
    band = (
        _fit(_at(comps, low)) if low is not None else score,
        _fit(_at(comps, high)) if high is not None else score,
    )
    return RoleFit(node.id, score, _readiness(score, comps), band, comps)


def place(framework: Framework, assessment: SelfAssessment) -> Placement:
    """Fit the assessment against every role and place it on the ladder."""
    levels, low, high = _level_sets(framework, assessment)
    fits = {role.id: role_fit(role, levels, low, high) for role in framework.roles}
    fits |= {exit_.id: role_fit(exit_, levels, low, high) for exit_ in framework.exits}
    seniority = _seniority(framework)
    role_id, status = _placed(framework, fits, seniority)
    low_id, _ = _placed(framework, _readiness_only(framework, low), seniority)
    high_id, _ = _placed(framework, _readiness_only(framework, high), seniority)
    return Placement(role_id, status, fits, low_id, high_id)


def starting_role(assessment: SelfAssessment, placement: Placement) -> str:
    """Where a path to a target starts: the role the person holds, else their placement."""
    return assessment.current_role or placement.role_id


def seniority(framework: Framework) -> dict[str, tuple[int, int]]:
    """(stage rank, steps from an entry role) for each role: how senior the role is."""
    return _seniority(framework)


def _fit(comps: tuple[CompetencyFit, ...]) -> float:
    total = sum(c.weight for c in comps)
    if total == 0:
        return 100.0
    return round(100.0 * sum(c.weight * math.pow(0.5, c.shortfall) for c in comps) / total, 1)


def _at(comps: tuple[CompetencyFit, ...], levels: Levels) -> tuple[CompetencyFit, ...]:
    return tuple(
        CompetencyFit(c.competency_id, levels[c.competency_id], c.expected, c.weight, c.must_have)
        for c in comps
    )


def _readiness(score: float, comps: tuple[CompetencyFit, ...]) -> Readiness:
    worst_must = max((c.shortfall for c in comps if c.must_have), default=0.0)
    worst = max((c.shortfall for c in comps), default=0.0)
    if score >= READY_NOW_FIT and worst_must == 0 and worst <= 1:
        return Readiness.READY_NOW
    if score >= WITHIN_A_YEAR_FIT and worst_must <= 1 and worst <= 2:
        return Readiness.WITHIN_A_YEAR
    if score >= STRETCH_FIT:
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


def _readiness_only(framework: Framework, levels: Levels) -> dict[str, RoleFit]:
    return {role.id: role_fit(role, levels) for role in framework.roles}


def _seniority(framework: Framework) -> dict[str, tuple[int, int]]:
    # Steps from an entry role = the longest chain of next-role steps leading here,
    # so a Director (reached through Group PM) ranks above a Group PM in the same stage.
    depth = {role.id: 0 for role in framework.roles}
    for role in _topological(framework):
        for nxt in role.next_roles:
            depth[nxt] = max(depth[nxt], depth[role.id] + 1)
    return {role.id: (framework.stage_rank(role.stage), depth[role.id]) for role in framework.roles}


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


def _placed(
    framework: Framework, fits: Mapping[str, RoleFit], seniority: Mapping[str, tuple[int, int]]
) -> tuple[str, str]:
    ready = [role.id for role in framework.roles if fits[role.id].readiness is Readiness.READY_NOW]
    if ready:
        # Most senior first; among equals, the better fit.
        best = max(ready, key=lambda role_id: (seniority[role_id], fits[role_id].fit))
        return best, "ready-now"
    entry = framework.stages[0].id
    entry_roles = [role.id for role in framework.roles if role.stage == entry]
    return max(entry_roles, key=lambda role_id: fits[role_id].fit), "working-towards"
