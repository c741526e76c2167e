"""Track and specialisation, gap analysis and growth plans on the bundled ladder."""

from __future__ import annotations

from pmpath.assessment import analyse_gaps, build_plan, place, suggest_direction
from pmpath.framework import Framework, Track
from tests.assessment.conftest import everything_at, levels_of, profile_of


def test_enjoying_leading_teams_points_to_the_people_leader_track(fw: Framework) -> None:
    assessment = profile_of(levels_of(fw, "senior-product-manager"), interests=("leading-teams",))
    direction = suggest_direction(fw, assessment, "senior-product-manager")
    assert direction.track is Track.PEOPLE_LEADER
    assert "leading teams" in direction.track_reason


def test_people_skills_at_group_pm_level_open_the_people_leader_track(fw: Framework) -> None:
    levels = levels_of(fw, "senior-product-manager")
    levels |= {"leadership": 4, "organisational-leadership": 3, "strategic-thinking": 4}
    direction = suggest_direction(fw, profile_of(levels), "senior-product-manager")
    assert direction.track is Track.PEOPLE_LEADER


def test_staying_close_to_customers_points_to_the_ic_track_and_a_fitting_specialisation(
    fw: Framework,
) -> None:
    assessment = profile_of(levels_of(fw, "product-manager"), interests=("customer-problems",))
    direction = suggest_direction(fw, assessment, "product-manager")
    assert direction.track is Track.INDIVIDUAL_CONTRIBUTOR
    spec = next(s for s in fw.specialisations if s.id == direction.specialisation_id)
    assert "customer-problems" in spec.interests
    assert direction.specialisation_reason is not None


def test_strengths_alone_suggest_a_specialisation(fw: Framework) -> None:
    levels = everything_at(fw, 2) | {"experimentation": 5, "data-driven-decision-making": 5}
    direction = suggest_direction(fw, profile_of(levels), "product-manager")
    assert direction.specialisation_id == "growth"


def test_a_flat_profile_without_interests_suggests_no_specialisation(fw: Framework) -> None:
    direction = suggest_direction(fw, profile_of(everything_at(fw, 3)), "product-manager")
    assert direction.specialisation_id is None


def test_gaps_are_ordered_by_size_times_weight(fw: Framework) -> None:
    levels = levels_of(fw, "senior-product-manager")
    levels |= {"leadership": 1, "organisational-leadership": 1, "vision-setting": 3}
    analysis = analyse_gaps(fw, profile_of(levels), fw.role("group-product-manager"))
    top = [(row.competency_id, row.gap, row.impact) for row in analysis.gaps[:3]]
    assert top[:2] == [
        ("leadership", 3, 6.0),  # weight 2, a must-have
        ("organisational-leadership", 2, 4.0),  # weight 2, a must-have
    ]
    assert top[2] == ("strategic-thinking", 1, 2.0)  # the third must-have, one level short
    assert len(analysis.rows) == len(fw.competencies)
    assert all(row.gap <= 0 for row in analysis.strengths)


def test_plan_covers_the_top_gaps_with_sequenced_actions(fw: Framework) -> None:
    assessment = profile_of(levels_of(fw, "product-manager"))
    target = fw.role("senior-product-manager")
    analysis = analyse_gaps(fw, assessment, target)
    plan = build_plan(fw, assessment, analysis, ("mid-career", "senior"))
    covered = {comp for step in plan.steps for comp in step.competencies}
    top = [row.competency_id for row in analysis.gaps[:5]]
    assert set(top) <= covered
    assert plan.horizon_weeks == max(step.end_week for step in plan.steps)
    assert all(step.start_week <= step.end_week for step in plan.steps)
    # Two lanes: never more than two steps at the same time.
    for week in range(1, plan.horizon_weeks + 1):
        assert sum(s.start_week <= week <= s.end_week for s in plan.steps) <= 2
    assert plan.transition_steps == ()


def test_a_career_switcher_gets_the_transition_steps_of_their_background(fw: Framework) -> None:
    assessment = profile_of(everything_at(fw, 2), background="marketing")
    placement = place(fw, assessment)
    analysis = analyse_gaps(fw, assessment, fw.role("associate-product-manager"))
    plan = build_plan(fw, assessment, analysis, (fw.role(placement.role_id).stage,))
    assert plan.transition_steps == tuple(fw.background("marketing").first_steps)
    assert any("shadow" in step.lower() for step in plan.transition_steps)


def test_a_profile_that_meets_its_target_gets_an_empty_plan(fw: Framework) -> None:
    assessment = profile_of(everything_at(fw, 5))
    analysis = analyse_gaps(fw, assessment, fw.role("chief-product-officer"))
    assert analysis.gaps == []
    assert build_plan(fw, assessment, analysis, ("executive",)).steps == ()


def test_someone_in_a_product_role_gets_no_steps_meant_for_getting_into_product(
    fw: Framework,
) -> None:
    # A Product Manager who rates themselves low on customer empathy and prioritisation, the
    # competencies "Shadow a product manager" builds: placed at entry level by their ratings.
    levels = everything_at(fw, 1)
    switcher = profile_of(levels, background="marketing")
    in_product = profile_of(levels, background="marketing", current_role="product-manager")
    target = fw.role("product-manager")
    entry = ("entry", "mid-career")
    for_switcher = build_plan(fw, switcher, analyse_gaps(fw, switcher, target), entry)
    for_pm = build_plan(fw, in_product, analyse_gaps(fw, in_product, target), entry)
    assert "shadowing" in {s.kind for s in for_switcher.steps}
    assert for_switcher.transition_steps
    chosen = {s.item_id for s in for_pm.steps}
    assert "shadow-a-product-manager" not in chosen
    assert for_pm.transition_steps == ()
    behind = {"entry", "early-career"}
    for step in for_pm.steps:
        item = next((a for a in fw.development_actions if a.id == step.item_id), None) or next(
            c for c in fw.certifications if c.id == step.item_id
        )
        assert not set(item.stages) <= behind, step.item_id
    assert for_pm.steps  # still a plan: steps that suit a Product Manager


def test_a_product_associate_keeps_the_entry_steps(fw: Framework) -> None:
    levels = everything_at(fw, 1)
    associate = profile_of(levels, current_role="product-associate")
    target = fw.role("product-manager")
    plan = build_plan(fw, associate, analyse_gaps(fw, associate, target), ("entry", "mid-career"))
    assert "shadowing" in {s.kind for s in plan.steps}
    # A foundation certificate comes before the advanced one it leads to.
    chosen = [s.item_id for s in plan.steps]
    assert "certified-scrum-product-owner" in chosen
    assert "advanced-certified-scrum-product-owner" not in chosen
