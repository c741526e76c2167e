"""Results of an attempt: score, pass or fail, and the breakdown by domain and competency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pmpath.exams.items import Item


@dataclass(frozen=True)
class Share:
    """Credit earned out of items asked, for one domain or competency."""

    key: str
    earned: float
    asked: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.earned / self.asked, 1) if self.asked else 0.0


@dataclass(frozen=True)
class Results:
    earned: float
    asked: int
    answered: int
    passed: bool | None
    by_domain: tuple[Share, ...]
    by_competency: tuple[Share, ...]

    @property
    def percent(self) -> float:
        return round(100.0 * self.earned / self.asked, 1) if self.asked else 0.0


def results(
    items: Sequence[Item], credits: Mapping[int, float], pass_mark: float | None
) -> Results:
    """Score the form ``items`` given the credit earned at each answered position.

    Every item counts 1; an unanswered item earns 0. An item that measures several
    competencies counts fully towards each of them.
    """
    earned = sum(credits.values())
    domain: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    competency: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for position, item in enumerate(items):
        credit = credits.get(position, 0.0)
        for bucket in [domain[item.domain], *(competency[c] for c in item.competencies)]:
            bucket[0] += credit
            bucket[1] += 1
    percent = 100.0 * earned / len(items) if items else 0.0
    return Results(
        earned=earned,
        asked=len(items),
        answered=len(credits),
        passed=None if pass_mark is None else percent >= pass_mark,
        by_domain=tuple(Share(k, v[0], int(v[1])) for k, v in sorted(domain.items())),
        by_competency=tuple(Share(k, v[0], int(v[1])) for k, v in sorted(competency.items())),
    )
