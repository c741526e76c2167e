"""Questions ("items") and banks, as the exam engine sees them.

Items are immutable values loaded from authored files (see :mod:`pmpath.exams.authoring`).
Options keep their authored order and get stable ids ``a``, ``b``, ``c``, ...; forms shuffle
them for display, responses name them by id, so a response survives any presentation order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from pmpath.errors import Location

if TYPE_CHECKING:
    from pmpath.exams.reviews import Review


class ItemType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true-false"
    NUMERIC = "numeric"
    ORDERING = "ordering"
    MATCHING = "matching"
    SHORT_ANSWER = "short-answer"
    GAP = "gap"


#: Types whose options are chosen from (single best answer, select all, true/false).
CHOICE_TYPES = frozenset({ItemType.SINGLE, ItemType.MULTIPLE, ItemType.TRUE_FALSE})


@dataclass(frozen=True)
class Option:
    """A choice, a step of an ordering item, or the right-hand side of a matching item."""

    id: str
    text: str
    correct: bool
    rationale: str


@dataclass(frozen=True)
class GapChoice(Option):
    """A choice of a gap item. ``correct``: it is the right choice of at least one gap.

    Choices come in numbered groups: a gap offers every choice of the group its right choice
    belongs to (Moodle's model; one group per gap is QTI's inline choice, one shared group
    its gap match). ``reusable``: it may fill more than one gap (Moodle's "unlimited", QTI's
    ``matchMax`` other than 1); a choice that is not is the right choice of one gap at most.
    """

    group: int = 1
    reusable: bool = False


@dataclass(frozen=True)
class Gap:
    """A gap of a gap item: the ``number`` of its ``[[number]]`` in the stem and the id of its
    right choice."""

    number: int
    key_id: str


@dataclass(frozen=True)
class Pair:
    """A matching pair; ``left`` is None for a right-hand distractor that matches nothing."""

    left: str | None
    right_id: str


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong answer to a numeric or short-answer item, and why people give it."""

    answer: str
    rationale: str


@dataclass(frozen=True)
class NumericKey:
    answer: float
    tolerance: float
    unit: str | None = None


@dataclass(frozen=True)
class Item:
    id: str
    domain: str
    type: ItemType
    level: str
    difficulty: int
    competencies: tuple[str, ...]
    stem: str
    explanation: str
    tags: tuple[str, ...] = ()
    scenario: str | None = None
    #: Choices (choice types), steps in the correct order (ordering), right-hand sides
    #: (matching), the choices of every gap (gap: each a :class:`GapChoice`).
    options: tuple[Option, ...] = ()
    pairs: tuple[Pair, ...] = ()
    #: The gaps of a gap item, in the order of their numbers (``[[1]]``, ``[[2]]``, ...).
    gaps: tuple[Gap, ...] = ()
    numeric: NumericKey | None = None
    accepted: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    source: Location = field(default_factory=Location, compare=False)

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    def offered(self, gap: Gap) -> tuple[Option, ...]:
        """The choices a gap item offers at ``gap``: those of its right choice's group."""
        group = _group(self.option(gap.key_id))
        return tuple(option for option in self.options if _group(option) == group)

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Ids of the correct options of a choice item."""
        return tuple(option.id for option in self.options if option.correct)


def _group(option: Option) -> int:
    return option.group if isinstance(option, GapChoice) else 1


@dataclass(frozen=True)
class Scenario:
    """A case shared by a set of items, which forms keep together."""

    id: str
    title: str
    text: str
    domain: str
    source: Location = field(default_factory=Location, compare=False)


@dataclass(frozen=True)
class Domain:
    id: str
    name: str
    summary: str
    source: Location = field(default_factory=Location, compare=False)


@dataclass(frozen=True)
class Bank:
    """A question bank: domains, scenarios and items, each id unique.

    ``reviews`` is the bank's review record (:mod:`pmpath.exams.reviews`), or None for a bank
    that keeps none (an imported quiz, a folder without ``reviews/``): "no record" and "a
    record with no entries yet" are different things to lint.
    """

    id: str
    domains: tuple[Domain, ...]
    scenarios: tuple[Scenario, ...]
    items: tuple[Item, ...]
    reviews: tuple[Review, ...] | None = field(default=None, compare=False)

    def item(self, item_id: str) -> Item:
        return self._items_by_id[item_id]

    def scenario(self, scenario_id: str) -> Scenario:
        return self._scenarios_by_id[scenario_id]

    @cached_property
    def items_by_domain(self) -> dict[str, tuple[Item, ...]]:
        """Items grouped by domain, in bank order (computed once: banks are immutable)."""
        groups: dict[str, list[Item]] = {}
        for item in self.items:
            groups.setdefault(item.domain, []).append(item)
        return {domain: tuple(items) for domain, items in groups.items()}

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def _scenarios_by_id(self) -> dict[str, Scenario]:
        return {scenario.id: scenario for scenario in self.scenarios}
