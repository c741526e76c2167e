"""Form assembly and scoring on a generated 100,000-item bank.

    python benchmarks/exam_engine.py [--items 100000] [--forms 20]

Prints the median time to assemble a 50-item form from a blueprint over 12 domains, and to
score a full form of responses, each with its ratio to one plain pass over the bank's items
(reading each item's domain and level: the least any assembly must do) measured in the same
run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from pmpath.exams.blueprints import Blueprint
from pmpath.exams.forms import assemble
from pmpath.exams.scoring import correct_response, score
from pmpath.exams.synthetic import synthetic_bank

DOMAINS = [f"domain-{n}" for n in range(12)]
LEVELS = ["entry", "early-career", "mid-career", "senior", "leadership", "executive"]


def median_seconds(action: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--forms", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    bank = synthetic_bank(args.items, DOMAINS, LEVELS, ["prioritisation", "leadership"], seed=1)
    print(f"generated {len(bank.items)} items in {time.perf_counter() - start:.1f} s")
    blueprint = Blueprint(
        id="bench",
        name="Bench",
        summary="Benchmark.",
        items=50,
        minutes=60,
        pass_mark=70,
        levels=["mid-career", "senior"],
        domains=dict.fromkeys(DOMAINS, 1.0),
    )
    seeds = iter(range(10**6))
    assembly = median_seconds(lambda: assemble(bank, blueprint, next(seeds)), args.forms)
    form = assemble(bank, blueprint, 1)
    items = [bank.item(entry.item_id) for entry in form.items]
    responses = [correct_response(item) for item in items]
    scoring = median_seconds(
        lambda: [score(item, r) for item, r in zip(items, responses, strict=True)], args.forms
    )
    one_pass = median_seconds(lambda: sum(1 for i in bank.items if i.domain and i.level), 5)
    print(f"one pass over {len(bank.items)} items:   {one_pass * 1000:8.2f} ms")
    for label, seconds in (
        ("assemble a 50-item form", assembly),
        ("score a 50-item form", scoring),
    ):
        print(f"{label} (median): {seconds * 1000:8.3f} ms  ratio {seconds / one_pass:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
