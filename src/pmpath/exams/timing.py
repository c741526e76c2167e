"""Time allowances (WCAG 2.2.1, "Timing Adjustable"): how long a mock exam runs for a learner.

An administrator gives a learner who needs it an allowance that applies to every exam they
start (25%, 50% or 100% extra time, or no time limit). Where a blueprint allows it, a learner
may also choose one for themselves when starting a mock exam: these are practice exams, and a
result taken with more time says so. The more generous of the two applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

from pmpath.errors import Location, PmpathError

TimeAllowance = Literal["standard", "extra-25", "extra-50", "extra-100", "untimed"]
ALLOWANCE_IDS: tuple[str, ...] = get_args(TimeAllowance)


@dataclass(frozen=True)
class Allowance:
    """One allowance: its name as people read it and the share of extra time (None: untimed)."""

    id: str
    name: str
    extra: float | None

    def minutes(self, minutes: int) -> int | None:
        """The time limit of a ``minutes``-long exam with this allowance; None when untimed."""
        if self.extra is None:
            return None
        return round(minutes * (1 + self.extra))


ALLOWANCES: dict[str, Allowance] = {
    "standard": Allowance("standard", "Standard time", 0.0),
    "extra-25": Allowance("extra-25", "25% extra time", 0.25),
    "extra-50": Allowance("extra-50", "50% extra time", 0.5),
    "extra-100": Allowance("extra-100", "Double time", 1.0),
    "untimed": Allowance("untimed", "No time limit", None),
}


def allowance(value: str | None, field: str = "time") -> Allowance:
    """The allowance ``value`` names ("standard" when empty); a PmpathError naming ``field``
    and the choices otherwise."""
    found = ALLOWANCES.get(value or "standard")
    if found is None:
        choices = ", ".join(a.name.lower() for a in ALLOWANCES.values())
        raise PmpathError(
            f"the time allowance must be one of: {choices}", Location(field_path=(field,))
        )
    return found


def more_generous(first: str | None, second: str | None) -> Allowance:
    """The allowance giving more time of the two (untimed beats any extra time)."""
    one, two = allowance(first), allowance(second)
    if one.extra is None or two.extra is None:
        return ALLOWANCES["untimed"]
    return one if one.extra >= two.extra else two


def deadline(started: datetime, minutes: int, given: Allowance) -> datetime | None:
    """When an exam of ``minutes`` started at ``started`` ends with ``given``; None: never."""
    limit = given.minutes(minutes)
    return None if limit is None else started + timedelta(minutes=limit)
