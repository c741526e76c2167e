"""The bundled ladder places written profiles of people where an experienced product leader
would (tests/assessment/people.yaml holds the people and the reasons)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pmpath.assessment import Rating, SelfAssessment
from pmpath.assessment.placement import place
from pmpath.assessment.profile import Confidence
from pmpath.framework import Framework, bundled_framework_path, load_framework

PEOPLE: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "people.yaml").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework(bundled_framework_path())


def assessed(person: dict[str, Any], fw: Framework) -> SelfAssessment:
    unknown = set(person["ratings"]) - {c.id for c in fw.competencies}
    assert not unknown, f"{person['name']}: not competencies of the ladder: {unknown}"
    levels = {c.id: person["ratings"].get(c.id, person["others"]) for c in fw.competencies}
    return SelfAssessment(
        ratings={c: Rating(c, level, Confidence.HIGH) for c, level in levels.items()}
    )


def test_there_are_at_least_ten_people_across_the_ladder() -> None:
    assert len(PEOPLE) >= 10
    assert len({p["placed"] for p in PEOPLE}) >= 10


@pytest.mark.parametrize("person", PEOPLE, ids=[p["name"].split(",")[0] for p in PEOPLE])
def test_each_person_lands_where_a_product_leader_would_place_them(
    person: dict[str, Any], fw: Framework
) -> None:
    placement = place(fw, assessed(person, fw))
    assert placement.role_id == person["placed"], (
        f"{person['name']} placed as {placement.role_id}, expected {person['placed']}"
    )
    assert placement.status == "ready-now"
    for role_id, readiness in person.get("also", {}).items():
        assert placement.fits[role_id].readiness.value == readiness, role_id


def test_the_strong_senior_pm_of_the_issue_is_no_longer_placed_as_a_pm(fw: Framework) -> None:
    # Framework 1.0 placed her as Product Manager with Senior PM "within a year" (#17).
    priya = next(p for p in PEOPLE if p["name"].startswith("Priya"))
    placement = place(fw, assessed(priya, fw))
    assert placement.role_id == "senior-product-manager"
    assert placement.fits["senior-product-manager"].fit == 100.0
