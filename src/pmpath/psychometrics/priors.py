"""Cold start: item parameters from what authors wrote, before anyone has answered.

Every authored item has a career level (a stage of the framework) and a difficulty from 1
(easy) to 5 (hard) within it. Before calibration an item's location on the ability scale is
read from those two:

    b = level_position(stage) + DIFFICULTY_STEP * (difficulty - 3)

where the stages that have items are spread evenly from ``-SPAN`` to ``+SPAN`` (six stages:
-1.5, -0.9, -0.3, 0.3, 0.9, 1.5). So a typical entry-level item is answered right by most of
the population, a typical executive-level item by few, and difficulty moves an item within
its level by less than the gap between levels. The slope starts at 1 and guessing at 0.

These prior parameters are what an uncalibrated item uses for ability estimates, adaptive
tests and readiness. Calibration then uses them as the centre of weak priors (a normal prior
of sd ``D_PRIOR_SD`` on the intercept, lognormal(0, ``LOG_A_PRIOR_SD``) on the slope), so
items with a few dozen responses move toward their data without running off, and items
with none keep their prior.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pmpath.exams.items import Item
from pmpath.psychometrics.calibration import ItemPriors
from pmpath.psychometrics.irt import ItemParameters, Model

#: The lowest and highest stage with items sit this far either side of the population mean.
SPAN = 1.5
#: One step of authored difficulty moves an item this far (half a difficulty-5 range is less
#: than the 0.6 between neighbouring levels of a six-stage ladder).
DIFFICULTY_STEP = 0.2
D_PRIOR_SD = 1.5
LOG_A_PRIOR_SD = 0.5
#: A guess on a single-choice item: mean of the beta prior used for the 3PL.
GUESS_ALPHA, GUESS_BETA = 5.0, 17.0


def level_positions(stage_order: Sequence[str], used: set[str]) -> dict[str, float]:
    """Where each stage that has items sits on the ability scale, evenly from -SPAN to SPAN."""
    stages = [stage for stage in stage_order if stage in used]
    if not stages:
        return {}
    if len(stages) == 1:
        return {stages[0]: 0.0}
    step = 2 * SPAN / (len(stages) - 1)
    return {stage: -SPAN + step * index for index, stage in enumerate(stages)}


def authored_difficulty(items: Sequence[Item], stage_order: Sequence[str]) -> np.ndarray:
    """The prior location ``b`` of every item, from its level and authored difficulty."""
    positions = level_positions(stage_order, {item.level for item in items})
    # A level the framework does not know (a bank written for another ladder) sits at the
    # population mean: nothing better is known about it.
    return np.array(
        [
            positions.get(item.level, 0.0) + DIFFICULTY_STEP * (item.difficulty - 3)
            for item in items
        ],
        dtype=np.float64,
    )


def prior_parameters(
    items: Sequence[Item], stage_order: Sequence[str], model: Model = Model.TWO_PL
) -> ItemParameters:
    """Parameters for items nobody has answered yet: slope 1, ``b`` from the authored level."""
    b = authored_difficulty(items, stage_order)
    a = np.ones(len(items))
    c = np.zeros(len(items))
    if model is Model.THREE_PL:
        c[:] = (GUESS_ALPHA - 1) / (GUESS_ALPHA + GUESS_BETA - 2)
    return ItemParameters(ids=tuple(item.id for item in items), a=a, d=-a * b, c=c, model=model)


def calibration_priors(
    items: Sequence[Item], stage_order: Sequence[str], model: Model = Model.TWO_PL
) -> ItemPriors:
    """Weak priors centred on the authored parameters, for calibrating thin data."""
    n = len(items)
    b = authored_difficulty(items, stage_order)
    log_a_sd = np.full(n, LOG_A_PRIOR_SD)
    if model is Model.RASCH:
        log_a_sd = np.full(n, np.inf)  # one shared slope: a per-item prior means nothing
    return ItemPriors(
        d_mean=-b,
        d_sd=np.full(n, D_PRIOR_SD),
        log_a_mean=np.zeros(n),
        log_a_sd=log_a_sd,
        c_alpha=np.full(n, GUESS_ALPHA if model is Model.THREE_PL else 1.0),
        c_beta=np.full(n, GUESS_BETA if model is Model.THREE_PL else 1.0),
    )
