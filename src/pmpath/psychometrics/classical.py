"""Classical item analysis from stored responses.

For each item, over the finished attempts that asked it:

* **difficulty (p)**: the mean credit (0-1); higher is easier;
* **discrimination**: the corrected point-biserial, the correlation between the item's credit
  and the attempt's score on the *other* items, so an item does not correlate with itself;
* **distractor rates**: for choice items, the share of responses picking each option.

Flags mark items to look at: too hard (p < 0.2), too easy (p > 0.95), not discriminating
(r < 0.1), discriminating the wrong way (r < 0, usually a miskeyed item), and distractors
almost nobody picks (< 5%, they add nothing). Statistics need at least ``min_responses``
responses per item; below that an item is reported as "not enough data".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TOO_HARD = 0.2
TOO_EASY = 0.95
LOW_DISCRIMINATION = 0.1
RARE_DISTRACTOR = 0.05


@dataclass(frozen=True)
class Answer:
    credit: float
    response: Any


@dataclass(frozen=True)
class ItemStatistics:
    item_id: str
    responses: int
    difficulty: float | None
    discrimination: float | None
    option_rates: dict[str, float]
    flags: tuple[str, ...]


def analyse(
    attempts: Sequence[Mapping[str, Answer]],
    keys: Mapping[str, Sequence[str]],
    min_responses: int = 20,
) -> list[ItemStatistics]:
    """Statistics for every item in ``attempts`` (each a mapping item id -> answer).

    ``keys`` gives, for choice items, their correct option ids (for the distractor flags);
    items missing from it get no distractor analysis.
    """
    per_item: dict[str, list[tuple[float, float]]] = defaultdict(list)  # (credit, rest score)
    picks: dict[str, Counter[str]] = defaultdict(Counter)
    for attempt in attempts:
        total = sum(answer.credit for answer in attempt.values())
        for item_id, answer in attempt.items():
            per_item[item_id].append((answer.credit, total - answer.credit))
            for option in _chosen(answer.response):
                picks[item_id][option] += 1
    report = []
    for item_id in sorted(per_item):
        pairs = per_item[item_id]
        n = len(pairs)
        if n < min_responses:
            report.append(ItemStatistics(item_id, n, None, None, {}, ("not enough data",)))
            continue
        credits = [credit for credit, _ in pairs]
        difficulty = sum(credits) / n
        discrimination = _correlation(credits, [rest for _, rest in pairs])
        rates = {option: count / n for option, count in sorted(picks[item_id].items())}
        flags = []
        if difficulty < TOO_HARD:
            flags.append("too hard")
        if difficulty > TOO_EASY:
            flags.append("too easy")
        if discrimination is not None and discrimination < 0:
            flags.append("negative discrimination (check the key)")
        elif discrimination is not None and discrimination < LOW_DISCRIMINATION:
            flags.append("low discrimination")
        for option in keys.get(item_id, ()):
            rates.setdefault(option, 0.0)
        distractors = [o for o in rates if item_id in keys and o not in keys[item_id]]
        rare = [o for o in distractors if rates[o] < RARE_DISTRACTOR]
        if rare:
            flags.append("rarely chosen distractors: " + ", ".join(rare))
        report.append(
            ItemStatistics(
                item_id, n, round(difficulty, 3), _round(discrimination), rates, tuple(flags)
            )
        )
    return report


def _chosen(response: Any) -> list[str]:
    if isinstance(response, str) and len(response) == 1:
        return [response]
    if isinstance(response, list) and all(isinstance(r, str) and len(r) == 1 for r in response):
        return list(response)
    return []


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None  # everyone got the same credit, or the same rest score: undefined
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
