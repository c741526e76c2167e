"""Career levels on the ability scale: where a stage's items sit, and a person among them.

Each stage of the framework that has items gets a *centre*: the median difficulty ``b`` of
its items under the current parameters (authored priors before calibration, estimates after).
A person is placed at the highest stage whose centre is at or below their ability, that is
the highest level whose typical item they more likely than not answer right; below every
centre they are placed at the lowest stage. The range is the levels at the ends of the 80%
interval of the estimate (theta +/- 1.28 SE): wide when few items were answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pmpath.psychometrics.irt import ItemParameters

Z80 = 1.281552


@dataclass(frozen=True)
class LevelEstimate:
    level: str
    low: str
    high: str


def stage_centres(
    parameters: ItemParameters, item_levels: Sequence[str], stage_order: Sequence[str]
) -> dict[str, float]:
    """The median ``b`` of each stage's items, in ladder order (stages without items skipped).

    Kept increasing along the ladder: a stage whose items came out easier than the stage
    below is placed at that stage's centre, so levels never run backwards.
    """
    b = parameters.b
    centres: dict[str, float] = {}
    floor = -np.inf
    for stage in stage_order:
        chosen = [b[j] for j, level in enumerate(item_levels) if level == stage]
        if chosen:
            floor = max(floor, float(np.median(chosen)))
            centres[stage] = floor
    return centres


def level_at(theta: float, centres: dict[str, float]) -> str:
    """The highest stage whose centre is at or below ``theta`` ("" when no stage has items:
    a bank written for another ladder)."""
    placed = next(iter(centres), "")
    for stage, centre in centres.items():
        if centre <= theta:
            placed = stage
    return placed


def level_estimate(theta: float, se: float, centres: dict[str, float]) -> LevelEstimate:
    return LevelEstimate(
        level=level_at(theta, centres),
        low=level_at(theta - Z80 * se, centres),
        high=level_at(theta + Z80 * se, centres),
    )
