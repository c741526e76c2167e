"""Time placement + gap analysis + growth plan per profile on a large generated framework.

    python benchmarks/placement.py [--roles 1000] [--competencies 100] [--profiles 20]

The framework is generated (seeded): roles in layers of ten, each leading to two roles of the
next layer, expectations rising with the layer so the ladder is valid; development actions and
certifications spread over the competencies. Each profile is random (seeded). The script prints
the median time per profile for the whole guidance (placement with its band, direction, gaps,
plan) and, as the limit measured in the same run, the time of one plain pass over the
role-by-competency expectation matrix, with their ratio: how many such passes a placement costs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from typing import Any

from pmpath.assessment import Rating, SelfAssessment
from pmpath.framework import Framework
from pmpath.framework.rules import check_framework
from pmpath.services.guidance import guidance

LEVELS = 5
PER_LAYER = 10


def generate(roles: int, competencies: int, seed: int = 7) -> Framework:
    rng = random.Random(seed)
    comp_ids = [f"competency-{i}" for i in range(competencies)]
    layers = (roles + PER_LAYER - 1) // PER_LAYER
    offsets = {c: rng.random() for c in comp_ids}

    def level(layer: int, comp: str) -> int:
        # Rises (weakly) with the layer for every competency, so no track falls.
        return min(LEVELS, 1 + int((LEVELS - 1) * (layer + offsets[comp]) / layers))

    role_rows: list[dict[str, Any]] = []
    for index in range(roles):
        layer = index // PER_LAYER
        # Each role leads to the same slot and the next slot of the following layer, so
        # every role is reachable from the first layer.
        slot = index % PER_LAYER
        next_ids = [(layer + 1) * PER_LAYER + (slot + step) % PER_LAYER for step in (0, 1)]
        role_rows.append(
            {
                "id": f"role-{index}",
                "name": f"Role {index}",
                "stage": f"stage-{min(layer * 10 // layers, 9)}",
                "track": "both",
                "summary": "A generated role.",
                "responsibilities": [f"Responsibility {index}"],
                "expectations": {
                    c: {
                        "level": level(layer, c),
                        "weight": 1 + round(offsets[c] * 2) / 2,
                        "must_have": rng.random() < 0.05,
                    }
                    for c in comp_ids
                },
                "next_roles": [f"role-{j}" for j in next_ids if j < roles],
            }
        )
    stage_ids = [f"stage-{i}" for i in range(10)]
    document = {
        "id": "generated",
        "name": "Generated framework",
        "summary": "Generated for benchmarks.",
        "scale": [
            {"level": i, "name": f"L{i}", "summary": "A level."} for i in range(1, LEVELS + 1)
        ],
        "areas": [{"id": "area", "name": "Area", "summary": "All competencies."}],
        "competencies": [
            {
                "id": c,
                "name": c,
                "area": "area",
                "summary": "A generated competency.",
                "behaviours": {i: f"Behaviour {i}" for i in range(1, LEVELS + 1)},
            }
            for c in comp_ids
        ],
        "stages": [{"id": s, "name": s, "summary": "A stage."} for s in stage_ids],
        "roles": role_rows,
        "development_actions": [
            {
                "id": f"action-{i}",
                "name": f"Action {i}",
                "kind": "stretch-project",
                "summary": "Do something.",
                "competencies": rng.sample(comp_ids, 3),
                "stages": rng.sample(stage_ids, 3),
                "weeks": rng.randint(1, 12),
            }
            for i in range(competencies * 2)
        ],
        "certifications": [
            {
                "id": f"cert-{i}",
                "name": f"Certification {i}",
                "kind": "learning-programme",
                "summary": "Learn something.",
                "builds": rng.sample(comp_ids, 4),
                "stages": rng.sample(stage_ids, 4),
            }
            for i in range(competencies // 2)
        ],
    }
    framework = Framework.model_validate(document)
    problems = check_framework(framework)
    if problems:
        sys.exit(f"the generated framework is invalid: {problems[:3]}")
    return framework


def median_seconds(action: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, default=1000)
    parser.add_argument("--competencies", type=int, default=100)
    parser.add_argument("--profiles", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    framework = generate(args.roles, args.competencies)
    print(
        f"generated and validated {args.roles} roles x {args.competencies} competencies "
        f"in {time.perf_counter() - start:.2f} s"
    )

    rng = random.Random(11)
    comp_ids = [c.id for c in framework.competencies]
    profiles = [
        SelfAssessment({c: Rating(c, rng.randint(1, LEVELS)) for c in comp_ids})
        for _ in range(args.profiles)
    ]
    per_profile = statistics.median(
        median_seconds(lambda p=profile: guidance(framework, p), 1) for profile in profiles
    )

    def one_pass() -> int:
        return sum(e.level for role in framework.roles for e in role.expectations.values())

    scan = median_seconds(one_pass, 5)
    print(f"guidance per profile (median of {args.profiles}): {per_profile * 1000:8.1f} ms")
    print(f"one pass over the expectation matrix:         {scan * 1000:8.1f} ms")
    print(f"ratio: {per_profile / scan:.1f} passes per profile")
    return 0


if __name__ == "__main__":
    sys.exit(main())
