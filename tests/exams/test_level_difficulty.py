"""benchmarks/level_difficulty.py: the table of expected scores by level and its ordering check."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from pmpath.exams.authoring import parse_bank
from pmpath.framework import Framework

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "level_difficulty.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("level_difficulty", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_harder_level_that_is_not_harder_is_reported(bench: ModuleType) -> None:
    order = ["entry", "early-career", "mid-career"]
    fine = np.array([[0.5, 0.3, 0.2], [0.7, 0.5, 0.3], [0.8, 0.7, 0.5]])
    assert bench.ordering_problems(order, fine) == []
    flat = fine.copy()
    flat[1, 2] = 0.5  # an early-career candidate does as well on mid-career items
    assert bench.ordering_problems(order, flat) == [
        "a early-career candidate scores 50% on mid-career items, not less than 50% on "
        "early-career items",
        "mid-career items are not harder for a early-career candidate (50%) than for a "
        "mid-career one (50%)",
    ]


def test_candidates_at_a_level_score_about_half_its_items_under_the_prior(
    bench: ModuleType, bank_text: str, fw: Framework
) -> None:
    # A candidate at a level's centre (the median prior b of its items) answers its typical
    # item right half the time, and a level's items are harder than the level below's.
    bank = parse_bank([("sample.md", bank_text)], fw, "sample")
    levels = [stage.id for stage in fw.stages]
    from pmpath.psychometrics.levels import stage_centres
    from pmpath.psychometrics.priors import prior_parameters

    centres = stage_centres(
        prior_parameters(bank.items, levels), [i.level for i in bank.items], levels
    )
    scores = bench.score_matrix(bank.items, levels, centres, guessing=False)
    assert list(centres) == ["entry", "early-career", "mid-career"]
    assert np.diag(scores) == pytest.approx([0.5, 0.5, 0.5], abs=0.05)
    assert bench.ordering_problems(list(centres), scores) == []
    guessed = bench.score_matrix(bank.items, levels, centres, guessing=True)
    assert (guessed >= scores).all()


def test_the_chance_of_a_blind_guess_by_item_type(
    bench: ModuleType, bank_text: str, fw: Framework
) -> None:
    bank = parse_bank([("sample.md", bank_text)], fw, "sample")
    floors = {item.id: bench.guess_floor(item) for item in bank.items}
    assert floors == pytest.approx(
        {
            "sample-001": 1 / 4,  # single, four options
            "sample-002": 0.0,  # numeric: typed
            "sample-003": 1 / 2,  # true/false
            "sample-004": 1 / 15,  # select-all over four options: 15 non-empty subsets
            "sample-005": 1 / 24,  # ordering of four steps
            "sample-006": 1 / 64,  # three lefts over four rights
            "sample-007": 0.0,  # short answer: typed
            "sample-008": 1 / 64,  # three gaps, each offering the same four choices
        }
    )
