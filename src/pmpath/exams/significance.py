"""The three significance tests the bank's guideline checks need, computed exactly.

``pmpath bank lint`` asks whether key positions are spread evenly (chi-square against a
uniform spread), whether the key is the longest option more or less often than chance
(binomial) and whether strong words cluster in distractors (Fisher's exact test). SciPy's
``scipy.stats`` answers all three, but importing it costs about half a second, more than the
rest of the command; these closed forms give the same p-values (to ~1e-12) in microseconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def binomial_tail(successes: int, trials: int, chance: float, *, upper: bool) -> float:
    """P(X >= successes) when ``upper``, else P(X <= successes), for X ~ Binomial(trials,
    chance): ``scipy.stats.binomtest(...).pvalue`` with ``alternative="greater"`` or
    ``"less"``."""
    if not 0 <= successes <= trials or not 0.0 <= chance <= 1.0:
        raise ValueError(f"no binomial tail for {successes} of {trials} at {chance}")
    counts = range(successes, trials + 1) if upper else range(0, successes + 1)
    if chance in (0.0, 1.0):
        certain = 0 if chance == 0.0 else trials
        return 1.0 if certain in counts else 0.0
    log_p, log_q = math.log(chance), math.log1p(-chance)
    head = math.lgamma(trials + 1)
    # In logs: the terms underflow a float long before the tail they sum to does.
    logs = [
        head - math.lgamma(k + 1) - math.lgamma(trials - k + 1) + k * log_p + (trials - k) * log_q
        for k in counts
    ]
    top = max(logs)
    return min(1.0, math.exp(top) * math.fsum(math.exp(x - top) for x in logs))


def chi_square_uniform(observed: Sequence[int]) -> float:
    """The p-value of Pearson's chi-square test of ``observed`` counts against equal expected
    counts: ``scipy.stats.chisquare(observed).pvalue``."""
    if len(observed) < 2 or sum(observed) <= 0:
        raise ValueError(f"no chi-square test for counts {list(observed)}")
    expected = sum(observed) / len(observed)
    statistic = sum((count - expected) ** 2 for count in observed) / expected
    return chi_square_survival(statistic, len(observed) - 1)


def chi_square_survival(statistic: float, degrees: int) -> float:
    """P(X > statistic) for X ~ chi-square with a whole number of degrees of freedom, by the
    closed forms of the upper incomplete gamma function at integer and half-integer shape."""
    if degrees < 1:
        raise ValueError(f"a chi-square distribution needs at least 1 degree, not {degrees}")
    if statistic <= 0:
        return 1.0
    half = statistic / 2.0
    if degrees % 2 == 0:
        # e^(-x/2) * sum_{j < k/2} (x/2)^j / j!
        term, total = 1.0, 1.0
        for j in range(1, degrees // 2):
            term *= half / j
            total += term
        return min(1.0, math.exp(-half) * total)
    # erfc(sqrt(x/2)) + e^(-x/2) * sum_{j=1}^{(k-1)/2} (x/2)^(j-1/2) / Gamma(j+1/2)
    term = math.sqrt(half) / math.gamma(1.5)
    total = 0.0
    for j in range(1, (degrees - 1) // 2 + 1):
        if j > 1:
            term *= half / (j - 0.5)
        total += term
    return min(1.0, math.erfc(math.sqrt(half)) + math.exp(-half) * total)


def fisher_greater(table: Sequence[Sequence[int]]) -> float:
    """The one-sided p-value of Fisher's exact test that the 2x2 ``table``'s odds ratio is
    greater than one: ``scipy.stats.fisher_exact(table, alternative="greater").pvalue``.

    P(X >= table[0][0]) for the hypergeometric X of the top-left cell given the margins,
    summed in whole numbers, so the only rounding is the final division.
    """
    (a, b), (c, d) = table
    if min(a, b, c, d) < 0:
        raise ValueError(f"a contingency table holds counts, not {table}")
    first_row, second_row, first_column = a + b, c + d, a + c
    top = min(first_row, first_column)
    ways = sum(
        math.comb(first_row, x) * math.comb(second_row, first_column - x) for x in range(a, top + 1)
    )
    return ways / math.comb(first_row + second_row, first_column)  # rounded once, exactly
