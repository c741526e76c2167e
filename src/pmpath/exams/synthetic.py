"""Synthetic banks, for benchmarks and simulations: realistic in shape, not in content.

Items are generated (seeded) with every type, scenario sets and the full spread of domains
and levels, so the exam engine can be measured on banks far larger than anyone writes.
They are never shipped as questions.
"""

from __future__ import annotations

import random

from pmpath.errors import Location
from pmpath.exams.items import (
    Bank,
    Domain,
    Item,
    ItemType,
    Mistake,
    NumericKey,
    Option,
    Pair,
    Scenario,
)

TYPES = [
    (ItemType.SINGLE, 55),
    (ItemType.MULTIPLE, 10),
    (ItemType.TRUE_FALSE, 7),
    (ItemType.NUMERIC, 12),
    (ItemType.ORDERING, 6),
    (ItemType.MATCHING, 5),
    (ItemType.SHORT_ANSWER, 5),
]


def synthetic_bank(
    items: int,
    domains: list[str],
    levels: list[str],
    competencies: list[str],
    seed: int = 1,
    scenario_share: float = 0.15,
) -> Bank:
    """A bank of ``items`` generated items spread evenly over ``domains`` and ``levels``."""
    rng = random.Random(seed)
    kinds = [kind for kind, weight in TYPES for _ in range(weight)]
    made: list[Item] = []
    scenarios: list[Scenario] = []
    open_set: tuple[str, int] | None = None
    for number in range(items):
        domain = domains[number % len(domains)]
        if open_set is None and rng.random() < scenario_share / 3:
            open_set = (f"case-{number}", 3)
            scenarios.append(Scenario(open_set[0], f"Case {number}", "A generated case.", domain))
        scenario = None
        if open_set is not None:
            scenario = open_set[0]
            open_set = (open_set[0], open_set[1] - 1) if open_set[1] > 1 else None
        made.append(
            _item(
                number,
                rng.choice(kinds),
                domain,
                levels[(number // len(domains)) % len(levels)],
                rng.sample(competencies, 1),
                scenario,
                rng,
            )
        )
    # Scenario items must share a domain: generated sets follow consecutive numbers, which
    # rotate through domains, so give each set the domain of its first item.
    domain_of = {s.id: s.domain for s in scenarios}
    made = [
        item if item.scenario is None else _with_domain(item, domain_of[item.scenario])
        for item in made
    ]
    return Bank(
        "synthetic",
        tuple(Domain(d, d, "A generated domain.") for d in domains),
        tuple(scenarios),
        tuple(made),
    )


def _with_domain(item: Item, domain: str) -> Item:
    from dataclasses import replace

    return replace(item, domain=domain)


def _item(
    number: int,
    kind: ItemType,
    domain: str,
    level: str,
    competencies: list[str],
    scenario: str | None,
    rng: random.Random,
) -> Item:
    options: tuple[Option, ...] = ()
    pairs: tuple[Pair, ...] = ()
    numeric = None
    accepted: tuple[str, ...] = ()
    if kind in (ItemType.SINGLE, ItemType.MULTIPLE):
        keys = {rng.randrange(4)} if kind is ItemType.SINGLE else set(rng.sample(range(5), 2))
        count = 4 if kind is ItemType.SINGLE else 5
        options = tuple(Option("abcde"[i], f"Option {i}", i in keys, "Why.") for i in range(count))
    elif kind is ItemType.TRUE_FALSE:
        truth = rng.random() < 0.5
        options = (Option("a", "True", truth, "Why."), Option("b", "False", not truth, "Why."))
    elif kind is ItemType.NUMERIC:
        numeric = NumericKey(float(rng.randint(1, 1000)), 0.5)
    elif kind is ItemType.ORDERING:
        options = tuple(Option("abcde"[i], f"Step {i}", True, "Why.") for i in range(4))
    elif kind is ItemType.MATCHING:
        options = tuple(Option("abcd"[i], f"Right {i}", i < 3, "Why.") for i in range(4))
        pairs = (*(Pair(f"Left {i}", "abc"[i]) for i in range(3)), Pair(None, "d"))
    else:
        accepted = (f"answer {number}",)
    return Item(
        id=f"syn-{number}",
        domain=domain,
        type=kind,
        level=level,
        difficulty=rng.randint(1, 5),
        competencies=tuple(competencies),
        stem=f"Generated question {number}?",
        explanation="Generated.",
        scenario=scenario,
        options=options,
        pairs=pairs,
        numeric=numeric,
        accepted=accepted,
        mistakes=(Mistake("0", "Generated."),) if numeric else (),
        source=Location(file="synthetic", line=number + 1),
    )
