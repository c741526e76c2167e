"""Item fit: Orlando & Thissen's S-X2 and plain-language flags.

**S-X2** compares, for each item and each summed score ``k`` (1 to n - 1), the observed share
of learners with score ``k`` who got the item right with the share the model expects:

    E_jk = integral P_j(theta) S*_j(k - 1 | theta) phi(theta) / integral S(k | theta) phi(theta)

where ``S`` is the summed-score distribution at each ability (Lord-Wingersky recursion) and
``S*_j`` the same without item ``j``. Integrals use the calibration's grid (61 nodes on
[-6, 6]). Sparse score groups are merged as R mirt's ``itemfit`` does (empty groups dropped, a
group of one person merged into the next, then any group with an expected cell below one
merged into its neighbour with fewer learners), so LSAT7 reproduces mirt. The statistic is
chi-squared with ``groups - free parameters of the item`` degrees of freedom (1PL: 1, as the
common slope is shared; 2PL: 2; 3PL: 3).

**Missing data.** Summed scores only compare like with like when everyone took the same items,
so S-X2 uses the complete rows (learners who saw every item) when there are at least
``min_complete_rows`` of them, and is not computed (``None``, with the reason in ``note``)
otherwise. Calibrate on everything, then check fit on a common form.

**Flags**

* ``misfit``: S-X2's p-value is below 0.01 after the Benjamini-Hochberg adjustment over the
  items tested together (a bank of 100 well-fitting items would otherwise raise one alarm);
* ``non_discriminating``: slope below 0.3, the item barely separates weak from strong;
* ``too_easy`` / ``too_hard``: difficulty b beyond -4 / +4 (only for positive slopes), so far
  out that almost every learner gets it right / wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pmpath.psychometrics.irt import ItemParameters, Matrix, Model, Vector, normal_grid, probability

MISFIT_P = 0.01
MIN_SLOPE = 0.3
EXTREME_B = 4.0
MIN_EXPECTED = 1.0
FREE_PARAMETERS = {Model.RASCH: 1, Model.TWO_PL: 2, Model.THREE_PL: 3}


@dataclass(frozen=True)
class ItemFit:
    item_id: str
    s_x2: float | None
    df: int | None
    p_value: float | None
    flags: tuple[str, ...]
    #: Why S-X2 was not computed, when it was not.
    note: str = ""


def item_fit(
    responses: Matrix,
    parameters: ItemParameters,
    *,
    quadrature_points: int = 61,
    min_complete_rows: int = 100,
) -> list[ItemFit]:
    """S-X2 and flags for every item, in the order of ``parameters``."""
    values = np.asarray(responses, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(parameters):
        raise ValueError(
            f"responses have shape {values.shape}, expected (persons, {len(parameters)})"
        )
    complete = values[~np.isnan(values).any(axis=1)]
    n_items = len(parameters)
    statistics: list[tuple[float, int, float] | None] = [None] * n_items
    note = ""
    if complete.shape[0] >= min_complete_rows:
        statistics = _s_x2(complete, parameters, quadrature_points)
    else:
        note = (
            f"S-X2 needs learners who saw every item: {complete.shape[0]} did, "
            f"fewer than {min_complete_rows}"
        )
    p_values = np.array([np.nan if s is None else s[2] for s in statistics])
    misfit = _benjamini_hochberg(p_values) < MISFIT_P
    results = []
    for j, item_id in enumerate(parameters.ids):
        flags = _flags(parameters, j, bool(misfit[j]))
        stat = statistics[j]
        if stat is None:
            results.append(ItemFit(item_id, None, None, None, flags, note or "no score groups"))
        else:
            results.append(ItemFit(item_id, stat[0], stat[1], stat[2], flags))
    return results


def _flags(parameters: ItemParameters, j: int, misfit: bool) -> tuple[str, ...]:
    a, b = float(parameters.a[j]), float(parameters.b[j])
    flags = []
    if misfit:
        flags.append("misfit")
    if a < MIN_SLOPE:
        flags.append("non_discriminating")
    if a > 0 and b < -EXTREME_B:
        flags.append("too_easy")
    if a > 0 and b > EXTREME_B:
        flags.append("too_hard")
    return tuple(flags)


def _benjamini_hochberg(p_values: Vector) -> Vector:
    """Adjusted p-values (NaN stays NaN), controlling the false discovery rate."""
    adjusted = np.full_like(p_values, np.nan)
    tested = np.flatnonzero(~np.isnan(p_values))
    if tested.size == 0:
        return adjusted
    order = tested[np.argsort(p_values[tested])]
    ranked = p_values[order] * tested.size / np.arange(1, tested.size + 1)
    adjusted[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return adjusted


def summed_score_distributions(p: Matrix) -> tuple[Matrix, NDArray[np.float64]]:
    """Lord-Wingersky: the summed-score distribution at each node, of all items
    (nodes x scores 0..n) and without each item in turn (items x nodes x scores 0..n-1).

    ``p`` is the nodes x items matrix of chances of a right answer.
    """
    n_nodes, n_items = p.shape
    without = np.zeros((n_items, n_nodes, n_items))
    without[:, :, 0] = 1.0
    for k in range(n_items):
        kept = without[k].copy()
        right = p[:, k][None, :, None]
        shifted = without[:, :, :-1] * right
        without *= 1.0 - right
        without[:, :, 1:] += shifted
        without[k] = kept  # the distribution without item k never includes it
    full = np.zeros((n_nodes, n_items + 1))
    full[:, :-1] = without[0] * (1.0 - p[:, :1])
    full[:, 1:] += without[0] * p[:, :1]
    return full, without


def _s_x2(
    responses: Matrix, parameters: ItemParameters, quadrature_points: int
) -> list[tuple[float, int, float] | None]:
    nodes, weights = normal_grid(quadrature_points)
    p = probability(nodes, parameters.a, parameters.d, parameters.c)
    full, without = summed_score_distributions(p)
    n_items = len(parameters)
    scores = responses.sum(axis=1).astype(np.int64)
    persons = np.bincount(scores, minlength=n_items + 1).astype(np.float64)
    free = FREE_PARAMETERS[parameters.model]
    marginal = weights @ full  # chance of each summed score
    results: list[tuple[float, int, float] | None] = []
    for j in range(n_items):
        # Expected share right among score k = 1..n-1: P_j times the rest scoring k - 1.
        joint = (weights * p[:, j]) @ without[j][:, : n_items - 1]
        expected = joint / marginal[1:n_items]
        right = np.bincount(scores, weights=responses[:, j], minlength=n_items + 1)
        counts = persons[1:n_items]
        observed = np.column_stack([counts - right[1:n_items], right[1:n_items]])
        expected_cells = np.column_stack([counts * (1 - expected), counts * expected])
        observed, expected_cells = _collapse(observed, expected_cells)
        groups = observed.shape[0]
        df = groups - free
        if df < 1:
            results.append(None)
            continue
        cells = expected_cells > 0
        statistic = float(
            np.sum((observed[cells] - expected_cells[cells]) ** 2 / expected_cells[cells])
        )
        results.append((statistic, df, float(_chi2_sf(statistic, df))))
    return results


def _collapse(observed: Matrix, expected: Matrix) -> tuple[Matrix, Matrix]:
    """Merge sparse score groups (rows) the way R mirt's ``collapseCells`` does."""
    rows = observed.sum(axis=1) > 0
    observed, expected = observed[rows], expected[rows]
    if observed.shape[0] == 0:
        return observed, expected
    observed_rows, expected_rows = list(observed), list(expected)
    # A group of one learner goes into the next one (the last into the one before).
    i = 0
    while i < len(observed_rows) - 1:
        if observed_rows[i].sum() == 1:
            # After the pop, the next group sits at index i.
            single_observed, single_expected = observed_rows.pop(i), expected_rows.pop(i)
            observed_rows[i] = observed_rows[i] + single_observed
            expected_rows[i] = expected_rows[i] + single_expected
        else:
            i += 1
    if len(observed_rows) > 1 and observed_rows[-1].sum() == 1:
        single_observed, single_expected = observed_rows.pop(), expected_rows.pop()
        observed_rows[-1] = observed_rows[-1] + single_observed
        expected_rows[-1] = expected_rows[-1] + single_expected
    # Then merge any group with an expected cell below one into a neighbour.
    while len(observed_rows) > 1:
        sparse = [k for k, e in enumerate(expected_rows) if np.any((e < MIN_EXPECTED) & (e != 0))]
        if not sparse:
            break
        k = sparse[0]
        if k == 0:
            target = 1
        elif k == len(observed_rows) - 1:
            target = k - 1
        else:
            before, after = observed_rows[k - 1].sum(), observed_rows[k + 1].sum()
            target = k - 1 if before <= after else k + 1
        observed_rows[target] = observed_rows[target] + observed_rows[k]
        expected_rows[target] = expected_rows[target] + expected_rows[k]
        del observed_rows[k], expected_rows[k]
    return np.array(observed_rows), np.array(expected_rows)


def _chi2_sf(statistic: float, df: int) -> float:
    # scipy.stats takes half a second to import: only the commands that test fit pay for it.
    from scipy.stats import chi2

    return float(chi2.sf(statistic, df))
