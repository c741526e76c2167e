"""Gap analysis: every competency against a target role, ordered by what matters most."""

from __future__ import annotations

from dataclasses import dataclass

from pmpath.assessment.profile import SelfAssessment
from pmpath.framework import Exit, Framework, Role


@dataclass(frozen=True)
class GapRow:
    competency_id: str
    current: int
    expected: int
    weight: float
    must_have: bool

    @property
    def gap(self) -> int:
        """Levels to gain; zero or negative when the expectation is met."""
        return self.expected - self.current

    @property
    def impact(self) -> float:
        """Gap size times weight: how much closing it moves the fit."""
        return max(self.gap, 0) * self.weight


@dataclass(frozen=True)
class GapAnalysis:
    target_id: str
    #: Every competency the target names, biggest impact first (must-haves first among equals).
    rows: tuple[GapRow, ...]

    @property
    def gaps(self) -> list[GapRow]:
        return [row for row in self.rows if row.gap > 0]

    @property
    def strengths(self) -> list[GapRow]:
        """Competencies at or above the target, strongest surplus first, to build on."""
        met = [row for row in self.rows if row.gap <= 0]
        return sorted(met, key=lambda row: (row.gap, -row.current))


def analyse_gaps(
    framework: Framework, assessment: SelfAssessment, target: Role | Exit
) -> GapAnalysis:
    """The gap between the assessment and ``target`` for every competency the target expects."""
    order = {comp.id: index for index, comp in enumerate(framework.competencies)}
    rows = [
        GapRow(comp_id, assessment.level(comp_id), exp.level, exp.weight, exp.must_have)
        for comp_id, exp in target.expectations.items()
    ]
    rows.sort(key=lambda row: (-row.impact, not row.must_have, -row.gap, order[row.competency_id]))
    return GapAnalysis(target.id, tuple(rows))
