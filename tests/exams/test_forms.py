"""Blueprints and form assembly: exact counts, seeded, sets kept together, recent items avoided."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pmpath.errors import BankError
from pmpath.exams.blueprints import Blueprint, load_blueprint
from pmpath.exams.forms import assemble
from pmpath.exams.items import Bank, ItemType
from pmpath.exams.synthetic import synthetic_bank
from pmpath.framework import Framework

DOMAINS = ["alpha", "beta", "gamma"]
LEVELS = ["entry", "early-career", "mid-career"]
BANK: Bank = synthetic_bank(600, DOMAINS, LEVELS, ["prioritisation", "leadership"], seed=3)

BLUEPRINT = Blueprint(
    id="test",
    name="Test",
    summary="A test blueprint.",
    items=25,
    minutes=30,
    pass_mark=70,
    levels=["entry", "early-career"],
    domains={"alpha": 3, "beta": 2, "gamma": 2},
)


def test_domain_counts_add_up_exactly_by_largest_remainder() -> None:
    # 25 x 3/7 = 10.71, 25 x 2/7 = 7.14 twice: floors 10 + 7 + 7 = 24, the largest remainder gets 1.
    assert BLUEPRINT.domain_counts() == {"alpha": 11, "beta": 7, "gamma": 7}


def test_a_form_meets_the_blueprint_exactly() -> None:
    form = assemble(BANK, BLUEPRINT, seed=42)
    items = [BANK.item(entry.item_id) for entry in form.items]
    assert len(items) == 25
    assert len({item.id for item in items}) == 25
    assert Counter(item.domain for item in items) == {"alpha": 11, "beta": 7, "gamma": 7}
    assert all(item.level in BLUEPRINT.levels for item in items)


def test_the_same_seed_gives_the_same_form_and_another_seed_another() -> None:
    assert assemble(BANK, BLUEPRINT, seed=7) == assemble(BANK, BLUEPRINT, seed=7)
    assert assemble(BANK, BLUEPRINT, seed=7) != assemble(BANK, BLUEPRINT, seed=8)
    assert assemble(BANK, BLUEPRINT, seed=7).seed == 7


def test_scenario_sets_stay_together_and_in_order() -> None:
    for seed in range(20):
        form = assemble(BANK, BLUEPRINT, seed=seed)
        ids = [entry.item_id for entry in form.items]
        for scenario in {BANK.item(i).scenario for i in ids} - {None}:
            positions = [n for n, i in enumerate(ids) if BANK.item(i).scenario == scenario]
            assert positions == list(range(positions[0], positions[0] + len(positions)))
            members = [ids[p] for p in positions]
            authored = [i.id for i in BANK.items if i.id in members]
            assert members == authored


def test_options_are_shuffled_except_true_false() -> None:
    form = assemble(BANK, BLUEPRINT, seed=5)
    shuffled = 0
    for entry in form.items:
        item = BANK.item(entry.item_id)
        assert sorted(entry.option_order) == sorted(o.id for o in item.options)
        if item.type is ItemType.TRUE_FALSE:
            assert entry.option_order == ("a", "b")
        if item.type is ItemType.ORDERING:
            assert list(entry.option_order) != [o.id for o in item.options]
        shuffled += list(entry.option_order) != sorted(entry.option_order)
    assert shuffled > 5


def test_recently_seen_items_are_avoided_while_the_bank_allows() -> None:
    first = assemble(BANK, BLUEPRINT, seed=1)
    seen = {entry.item_id for entry in first.items}
    second = assemble(BANK, BLUEPRINT, seed=2, recent=seen)
    assert seen.isdisjoint(entry.item_id for entry in second.items)


def test_seen_items_come_back_when_the_bank_runs_out() -> None:
    every_eligible = {i.id for i in BANK.items if i.level in BLUEPRINT.levels}
    form = assemble(BANK, BLUEPRINT, seed=2, recent=every_eligible)
    assert len(form.items) == 25


def test_a_blueprint_the_bank_cannot_fill_is_refused() -> None:
    greedy = BLUEPRINT.model_copy(update={"items": 500})
    with pytest.raises(BankError, match=r"needs .* items of 'alpha'"):
        assemble(BANK, greedy, seed=1)


def test_blueprint_files_are_checked(tmp_path: Path, fw: Framework) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad\nname: Bad\nsummary: x\nitems: 10\nminutes: 10\npass_mark: 70\n"
        "levels: [entry, guru]\ndomains:\n  alpha: 1\n  omega: 1\n"
    )
    with pytest.raises(BankError) as caught:
        load_blueprint(path, fw, BANK)
    assert [(p.location.line, p.message) for p in caught.value.problems] == [
        (7, "unknown level 'guru'"),
        (10, "the bank has no domain 'omega'"),
    ]
