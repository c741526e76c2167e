"""The bundled bank and blueprints: the counts the product promises, lint-clean, assemblable."""

from __future__ import annotations

from collections import Counter

import pytest

from pmpath.exams.blueprints import bundled_blueprints_path, load_blueprints
from pmpath.exams.forms import assemble
from pmpath.exams.items import Bank
from pmpath.exams.lint import lint_bank
from pmpath.framework import Framework
from pmpath.services.banks import open_bank

DOMAINS = {
    "agile-and-scrum",
    "discovery-and-research",
    "strategy-and-vision",
    "prioritisation-and-roadmapping",
    "metrics-and-experimentation",
    "delivery-and-execution",
    "ux-and-design",
    "business-models-and-economics",
    "stakeholders-and-communication",
    "leadership-and-organisation",
    "go-to-market-and-growth",
    "technical-fluency",
}
LEVELS = ["entry", "early-career", "mid-career", "senior", "leadership", "executive"]
BLUEPRINTS = {
    "pm-foundations",
    "scrum-product-owner",
    "scrum-master",
    "apm-readiness",
    "pm-readiness",
    "senior-pm-readiness",
    "product-leadership-readiness",
}


@pytest.fixture(scope="module")
def bank(fw: Framework) -> Bank:
    return open_bank(fw)


def test_at_least_600_items_in_the_twelve_domains(bank: Bank) -> None:
    assert len(bank.items) >= 600
    assert {domain.id for domain in bank.domains} == DOMAINS


def test_every_domain_has_items_at_every_level(bank: Bank) -> None:
    counts = Counter((item.domain, item.level) for item in bank.items)
    missing = [(d, lv) for d in sorted(DOMAINS) for lv in LEVELS if counts[(d, lv)] == 0]
    assert missing == []


def test_shares_of_scenario_sets_and_numeric_items(bank: Bank) -> None:
    total = len(bank.items)
    assert sum(1 for i in bank.items if i.scenario) / total >= 0.15
    assert sum(1 for i in bank.items if i.type.value == "numeric") / total >= 0.10
    assert {i.type.value for i in bank.items} == {
        "single",
        "multiple",
        "true-false",
        "numeric",
        "ordering",
        "matching",
        "short-answer",
    }


def test_every_item_follows_the_item_writing_rules(bank: Bank) -> None:
    assert [str(f) for f in lint_bank(bank) if f.location.line is not None] == []


def test_the_bank_carries_no_bank_level_cue(bank: Bank) -> None:
    """No pattern a test-wise person could exploit across the bank (issue #18's blind review
    found four; the rewrite removed them)."""
    # The review record's coverage is a bank-level finding too, but not a cue: it has its own
    # test (tests/exams/test_reviews.py).
    cues = [f for f in lint_bank(bank) if f.location.line is None and f.code != "review-coverage"]
    assert [str(f) for f in cues] == []


def test_every_bundled_blueprint_loads_and_assembles(bank: Bank, fw: Framework) -> None:
    blueprints = load_blueprints(bundled_blueprints_path(), fw, bank)
    assert {b.id for b in blueprints} == BLUEPRINTS
    for blueprint in blueprints:
        form = assemble(bank, blueprint, seed=1)
        items = [bank.item(entry.item_id) for entry in form.items]
        assert len(items) == blueprint.items
        assert Counter(i.domain for i in items) == {
            d: n for d, n in blueprint.domain_counts().items() if n
        }
        assert all(i.level in blueprint.levels for i in items)
