"""Assembling exam forms from a blueprint: exact counts, seeded, recorded, shuffled.

A form meets its blueprint exactly (items per domain, levels), keeps scenario sets together
and in their authored order, avoids items the learner saw recently where the bank has enough
others, and shuffles options except where their order is the content (true/false). The seed
and every choice are recorded in the form, so an attempt can be replayed.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass

from pmpath.errors import BankError
from pmpath.exams.blueprints import Blueprint
from pmpath.exams.items import Bank, Item, ItemType


@dataclass(frozen=True)
class FormItem:
    item_id: str
    #: The option ids in the order they are shown (empty for items without options).
    option_order: tuple[str, ...]


@dataclass(frozen=True)
class Form:
    blueprint_id: str
    seed: int
    items: tuple[FormItem, ...]


def assemble(bank: Bank, blueprint: Blueprint, seed: int, recent: Collection[str] = ()) -> Form:
    """A form for ``blueprint`` from ``bank``; ``recent`` are item ids to avoid if possible."""
    rng = random.Random(seed)
    chosen_units: list[list[Item]] = []
    for domain, needed in blueprint.domain_counts().items():
        levels = set(blueprint.levels)
        pool = [i for i in bank.items_by_domain.get(domain, ()) if i.level in levels]
        fresh = [i for i in pool if i.id not in recent]
        units = _fill(fresh, needed, rng) if len(fresh) >= needed else None
        if units is None:
            # Not enough unseen items: seen ones come back, unseen first.
            units = _fill(pool, needed, rng, prefer={i.id for i in fresh})
        if units is None:
            raise BankError(
                f"blueprint {blueprint.id!r} needs {needed} items of {domain!r} at levels "
                f"{blueprint.levels}; the bank has {len(pool)}"
            )
        chosen_units += units
    rng.shuffle(chosen_units)
    items = [item for unit in chosen_units for item in unit]
    return Form(blueprint.id, seed, tuple(FormItem(i.id, option_order(i, rng)) for i in items))


def _units(items: list[Item]) -> list[list[Item]]:
    """Items grouped: a scenario set is one unit (authored order), any other item its own."""
    units: list[list[Item]] = []
    by_scenario: dict[str, list[Item]] = {}
    for item in items:
        if item.scenario is None:
            units.append([item])
        elif item.scenario in by_scenario:
            by_scenario[item.scenario].append(item)
        else:
            by_scenario[item.scenario] = [item]
            units.append(by_scenario[item.scenario])
    return units


def _fill(
    items: list[Item], needed: int, rng: random.Random, prefer: set[str] | None = None
) -> list[list[Item]] | None:
    """Units adding up to exactly ``needed`` items, chosen at random (preferred ones first)."""
    units = _units(items)
    rng.shuffle(units)
    if prefer is not None:
        units.sort(key=lambda unit: not all(item.id in prefer for item in unit))
    chosen: list[list[Item]] = []
    count = 0
    for unit in units:
        if count + len(unit) <= needed:
            chosen.append(unit)
            count += len(unit)
        if count == needed:
            return chosen
    # A set too big for the gap left: trim the last sets to fit (their first items stay
    # together, in order), so a form can still meet its counts exactly.
    taken = {id(unit) for unit in chosen}
    for unit in units:
        if id(unit) in taken or len(unit) < 2:
            continue
        take = needed - count
        if 0 < take < len(unit):
            chosen.append(unit[:take])
            return chosen
    return None


def option_order(item: Item, rng: random.Random) -> tuple[str, ...]:
    ids = [option.id for option in item.options]
    if item.type is ItemType.TRUE_FALSE or not ids:
        return tuple(ids)
    shuffled = ids[:]
    rng.shuffle(shuffled)
    if item.type is ItemType.ORDERING and shuffled == ids and len(ids) > 1:
        # Showing the steps already in order would give the answer away.
        shuffled = shuffled[1:] + shuffled[:1]
    return tuple(shuffled)
