"""Hand-built profiles land where a seasoned product leader would place them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmpath.assessment import (
    Confidence,
    Rating,
    Readiness,
    SelfAssessment,
    place,
    suggest_direction,
)
from pmpath.assessment.placement import seniority
from pmpath.framework import Framework, Track
from tests.assessment.conftest import everything_at, levels_of, profile_of

ENTRY = {"product-associate", "junior-product-analyst", "product-coordinator"}


def test_everything_at_the_bottom_works_towards_an_entry_role(fw: Framework) -> None:
    placement = place(fw, profile_of(everything_at(fw, 1)))
    assert placement.role_id in ENTRY
    assert placement.status == "working-towards"


def test_everything_at_the_top_is_an_executive(fw: Framework) -> None:
    placement = place(fw, profile_of(everything_at(fw, 5)))
    assert fw.role(placement.role_id).stage == "executive"
    assert placement.role_id == "chief-product-officer"
    assert placement.status == "ready-now"


def senior_engineer(fw: Framework) -> dict[str, int]:
    levels = everything_at(fw, 1)
    levels |= {
        "technical-fluency": 5,
        "analytical-thinking": 4,
        "data-driven-decision-making": 3,
        "execution-excellence": 3,
        "agile-delivery": 3,
        "adaptability-and-curiosity": 3,
        "experimentation": 2,
        "communication-and-collaboration": 2,
        "prioritisation": 2,
    }
    return levels


def test_a_senior_engineer_without_research_or_stakeholder_work_starts_early(fw: Framework) -> None:
    placement = place(fw, profile_of(senior_engineer(fw), background="software-engineering"))
    assert placement.role_id in ENTRY | {"associate-product-manager"}
    assert fw.role(placement.high_role_id).stage in {"entry", "early-career"}
    # The research and stakeholder gaps are what hold them below a PM role.
    pm = placement.fits["product-manager"]
    assert {c.competency_id for c in pm.capped_by} >= {"customer-empathy"}
    assert pm.readiness in {Readiness.STRETCH, Readiness.NOT_YET}


def test_meeting_senior_pm_but_not_group_pm_people_skills(fw: Framework) -> None:
    assessment = profile_of(levels_of(fw, "senior-product-manager"))
    placement = place(fw, assessment)
    assert placement.role_id == "senior-product-manager"
    assert {c.competency_id for c in placement.fits["group-product-manager"].capped_by} == {
        "leadership",
        "organisational-leadership",
        "strategic-thinking",
    }
    direction = suggest_direction(fw, assessment, placement.role_id)
    assert direction.track is Track.INDIVIDUAL_CONTRIBUTOR
    assert "Group Product Manager" in direction.track_reason


@pytest.mark.parametrize(
    "role_id",
    [
        "product-associate",
        "junior-product-analyst",
        "product-coordinator",
        "associate-product-manager",
        "product-manager",
        "product-operations-manager",
        "senior-product-manager",
        "group-product-manager",
        "principal-product-manager",
        "head-of-product-operations",
        "director-of-product-management",
        "senior-director-of-product",
        "vice-president-of-product",
        "distinguished-product-manager",
        "chief-product-officer",
    ],
)
def test_a_profile_exactly_at_a_role_is_placed_there(fw: Framework, role_id: str) -> None:
    assert place(fw, profile_of(levels_of(fw, role_id))).role_id == role_id


def test_a_must_have_shortfall_caps_readiness_whatever_the_fit(fw: Framework) -> None:
    levels = levels_of(fw, "product-manager")
    levels["prioritisation"] -= 1  # a must-have of the PM role
    fit = place(fw, profile_of(levels)).fits["product-manager"]
    assert fit.fit >= 90
    assert fit.readiness is Readiness.WITHIN_A_YEAR
    assert [c.competency_id for c in fit.capped_by] == ["prioritisation"]


def test_fit_halves_credit_per_level_short(fw: Framework) -> None:
    levels = levels_of(fw, "product-manager")
    levels["technical-fluency"] -= 2  # weight 1 of the PM role's total weight
    fit = place(fw, profile_of(levels)).fits["product-manager"]
    total = sum(e.weight for e in fw.role("product-manager").expectations.values())
    assert fit.fit == round(100 * (total - 1 + 0.25) / total, 1)


def test_low_confidence_widens_the_band(fw: Framework) -> None:
    levels = levels_of(fw, "product-manager")
    sure = SelfAssessment({c: Rating(c, lv, Confidence.HIGH) for c, lv in levels.items()})
    unsure = SelfAssessment({c: Rating(c, lv, Confidence.LOW) for c, lv in levels.items()})
    sure_fit = place(fw, sure).fits["product-manager"]
    unsure_placement = place(fw, unsure)
    assert sure_fit.band == (100.0, 100.0)
    low, high = unsure_placement.fits["product-manager"].band
    assert low < 60
    assert high == 100.0
    ranks = seniority(fw)
    assert ranks[unsure_placement.low_role_id] < ranks["product-manager"]
    assert ranks[unsure_placement.high_role_id] > ranks["product-manager"]


def test_unrated_competencies_count_at_the_floor(fw: Framework) -> None:
    assessment = SelfAssessment({"technical-fluency": Rating("technical-fluency", 5)})
    assert assessment.level("user-research") == 1
    assert place(fw, assessment).role_id in ENTRY


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_raising_any_rating_never_lowers_the_placement(fw: Framework, data: st.DataObject) -> None:
    ids = [c.id for c in fw.competencies]
    levels = {c: data.draw(st.integers(1, 5), label=c) for c in ids}
    raised_comp = data.draw(st.sampled_from(ids), label="raised")
    if levels[raised_comp] == 5:
        return
    raised = dict(levels)
    raised[raised_comp] += 1
    ranks = seniority(fw)
    before, after = place(fw, profile_of(levels)), place(fw, profile_of(raised))
    assert ranks[after.role_id] >= ranks[before.role_id]
    for role_id, fit in before.fits.items():
        assert after.fits[role_id].fit >= fit.fit
        assert after.fits[role_id].readiness.rank >= fit.readiness.rank
