"""Job descriptions and interview kits from the ladder: what they contain, in which order, and
what a ladder without interview questions still gets."""

from __future__ import annotations

import pytest

from pmpath.errors import NotFoundError, PmpathError
from pmpath.framework import Framework, bundled_framework_path, load_framework, parse_framework
from pmpath.services import hiring
from tests.conftest import example_ladder_text


@pytest.fixture(scope="module")
def ladder() -> Framework:
    return load_framework(bundled_framework_path())


@pytest.fixture(scope="module")
def plain_ladder() -> Framework:
    """The ladder of docs/framework-format.md: it has no interview questions."""
    return parse_framework(example_ladder_text(), "product-design.yaml")


# -- the job description -----------------------------------------------------------------------


def test_a_job_description_carries_the_roles_own_words(ladder: Framework) -> None:
    role = ladder.role("senior-product-manager")
    data = hiring.job_description(ladder, role.id)
    assert data.role.name == "Senior Product Manager"
    assert data.role.aliases == role.aliases
    assert data.summary == role.summary
    assert data.responsibilities == role.responsibilities
    assert data.success_measures == role.success_measures
    assert data.specialisation is None


def test_expectations_list_must_haves_first_then_the_highest_levels(ladder: Framework) -> None:
    data = hiring.job_description(ladder, "senior-product-manager")
    must = [row.name for row in data.expectations if row.must_have]
    assert [row.name for row in data.expectations[: len(must)]] == must
    assert {row.competency for row in data.expectations if row.must_have} == {
        c for c, e in ladder.role("senior-product-manager").expectations.items() if e.must_have
    }
    rest = [row.level for row in data.expectations[len(must) :]]
    assert rest == sorted(rest, reverse=True)
    assert len(data.expectations) == len(ladder.competencies)


def test_each_expectation_quotes_the_behaviour_of_its_level(ladder: Framework) -> None:
    data = hiring.job_description(ladder, "product-manager")
    for row in data.expectations:
        assert row.behaviour == ladder.competency(row.competency).behaviours[row.level]
        assert row.level_name == ladder.scale_name(row.level)


def test_a_specialisation_raises_expectations_and_says_from_what(ladder: Framework) -> None:
    data = hiring.job_description(ladder, "senior-product-manager", "technical")
    plain = ladder.role("senior-product-manager").expectations["technical-fluency"].level
    row = next(r for r in data.expectations if r.competency == "technical-fluency")
    assert row.level == plain + 1
    assert row.raised_from == plain
    assert data.specialisation is not None
    assert data.specialisation.id == "technical"
    untouched = next(r for r in data.expectations if r.competency == "leadership")
    assert untouched.raised_from is None


def test_an_old_role_id_finds_the_role_that_replaced_it(ladder: Framework) -> None:
    data = hiring.job_description(ladder, "junior-product-manager")
    assert data.role.id == "associate-product-manager"


def test_an_exit_is_not_a_role_to_hire_for(ladder: Framework) -> None:
    with pytest.raises(NotFoundError, match="a move beyond the ladder, not a role"):
        hiring.job_description(ladder, ladder.exits[0].id)


def test_unknown_role_and_specialisation_ids_are_bad_input(ladder: Framework) -> None:
    with pytest.raises(NotFoundError, match="unknown role id 'senior-pm'"):
        hiring.interview_kit(ladder, "senior-pm")
    with pytest.raises(NotFoundError, match="unknown specialisation id 'quantum'"):
        hiring.job_description(ladder, "product-manager", "quantum")


# -- the interview kit -----------------------------------------------------------------------


def test_a_kit_covers_every_must_have_then_the_highest_expectations(ladder: Framework) -> None:
    role = ladder.role("senior-product-manager")
    kit = hiring.interview_kit(ladder, role.id)
    covered = [c.competency for c in kit.competencies]
    must = {c for c, e in role.expectations.items() if e.must_have}
    assert len(covered) == hiring.DEFAULT_KIT_SIZE
    assert set(covered[: len(must)]) == must
    lowest_in = min(c.level for c in kit.competencies if not c.must_have)
    assert all(c.level <= lowest_in for c in kit.not_covered)
    assert set(covered) | {c.competency for c in kit.not_covered} == set(role.expectations)


def test_a_smaller_kit_still_keeps_every_must_have(ladder: Framework) -> None:
    kit = hiring.interview_kit(ladder, "senior-product-manager", size=1)
    assert [c.must_have for c in kit.competencies] == [True] * len(kit.competencies)
    assert len(kit.competencies) == sum(
        e.must_have for e in ladder.role("senior-product-manager").expectations.values()
    )


def test_a_kit_of_no_competencies_is_refused(ladder: Framework) -> None:
    with pytest.raises(PmpathError, match="at least one competency"):
        hiring.interview_kit(ladder, "product-manager", size=0)


def test_strong_answers_are_those_written_for_the_expected_level(ladder: Framework) -> None:
    kit = hiring.interview_kit(ladder, "vice-president-of-product")
    for comp in kit.competencies:
        written = ladder.competency(comp.competency).interview_questions
        assert [q.question for q in comp.questions] == [q.question for q in written]
        for asked, source in zip(comp.questions, written, strict=True):
            assert asked.strong_answer == source.strong_answer[comp.level]
            assert asked.strong_answer_source == "question"
            assert asked.red_flags == source.red_flags
        assert comp.generated is False


def test_where_a_question_has_nothing_for_the_level_the_behaviour_stands_in(
    ladder: Framework,
) -> None:
    # Entry roles expect level 1 in some competencies; the bundled questions start at 2.
    kit = hiring.interview_kit(ladder, "product-associate", size=20)
    at_one = [c for c in kit.competencies if c.level == 1]
    assert at_one
    for comp in at_one:
        behaviour = ladder.competency(comp.competency).behaviours[1]
        assert {q.strong_answer for q in comp.questions} == {behaviour}
        assert {q.strong_answer_source for q in comp.questions} == {"behaviour"}


def test_anchors_are_the_levels_around_the_bar_inside_the_scale(ladder: Framework) -> None:
    kit = hiring.interview_kit(ladder, "chief-product-officer", size=20)
    for comp in kit.competencies:
        expected = [
            level for level in (comp.level - 1, comp.level, comp.level + 1) if 1 <= level <= 5
        ]
        assert [a.level for a in comp.anchors] == expected
        assert [a.relation for a in comp.anchors if a.level == comp.level] == ["at"]
    top = [c for c in kit.competencies if c.level == 5]
    assert top
    assert all(c.anchors[-1].relation == "at" for c in top)


def test_a_kit_follows_the_specialisation(ladder: Framework) -> None:
    kit = hiring.interview_kit(ladder, "product-manager", "technical", size=20)
    plain = ladder.role("product-manager").expectations["technical-fluency"].level
    [fluency] = [c for c in kit.competencies if c.competency == "technical-fluency"]
    assert fluency.level == plain + 1


def test_a_ladder_without_questions_still_gets_a_kit(plain_ladder: Framework) -> None:
    kit = hiring.interview_kit(plain_ladder, "staff-designer", size=2)
    assert [c.competency for c in kit.competencies] == ["interaction-design", "research"]
    design = kit.competencies[0]
    assert design.generated is True
    [question] = design.questions
    assert question.question.startswith(
        "Tell me about a recent piece of work that called for interaction design:"
    )
    assert question.strong_answer == plain_ladder.competency("interaction-design").behaviours[4]
    assert question.strong_answer_source == "behaviour"
    assert question.red_flags == hiring.GENERAL_RED_FLAGS
    assert [a.relation for a in design.anchors] == ["below", "at"]


def test_a_kit_has_a_scoring_guide_and_guidance(ladder: Framework) -> None:
    kit = hiring.interview_kit(ladder, "group-product-manager")
    assert [band.score for band in kit.scoring] == [4, 3, 2, 1]
    assert any("must-have" in line for line in kit.guidance)


def test_among_equal_expectations_a_kit_prefers_what_the_specialisation_leans_on(
    ladder: Framework,
) -> None:
    plain = hiring.interview_kit(ladder, "senior-product-manager")
    technical = hiring.interview_kit(ladder, "senior-product-manager", "technical")
    assert "technical-fluency" not in [c.competency for c in plain.competencies]
    assert "technical-fluency" in [c.competency for c in technical.competencies]
