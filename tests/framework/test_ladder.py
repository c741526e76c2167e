"""The ladder as a graph, on the bundled product-management framework."""

from __future__ import annotations

import pytest

from pmpath.errors import NoPathError, NotFoundError
from pmpath.framework import Ladder, Track, bundled_framework_path, load_framework


@pytest.fixture(scope="module")
def ladder() -> Ladder:
    return Ladder(load_framework(bundled_framework_path()))


def test_next_steps_of_a_senior_pm_include_both_tracks_and_the_exits(ladder: Ladder) -> None:
    steps = [node.id for node in ladder.next_steps("senior-product-manager")]
    assert steps == [
        "group-product-manager",
        "principal-product-manager",
        "startup-founder",
        "consulting-advisory",
    ]


def test_entry_roles_are_the_three_the_seed_names(ladder: Ladder) -> None:
    assert [role.id for role in ladder.entry_roles()] == [
        "product-associate",
        "junior-product-analyst",
        "product-coordinator",
    ]


def test_shortest_path_from_entry_to_the_top(ladder: Ladder) -> None:
    # Framework 2.0 folded the Junior PM into the APM and added the Senior Director.
    assert ladder.shortest_path("product-associate", "chief-product-officer") == [
        "product-associate",
        "associate-product-manager",
        "product-manager",
        "senior-product-manager",
        "group-product-manager",
        "director-of-product-management",
        "senior-director-of-product",
        "vice-president-of-product",
        "chief-product-officer",
    ]


def test_every_path_from_pm_to_director_goes_through_group_or_principal(ladder: Ladder) -> None:
    paths = ladder.paths("product-manager", "director-of-product-management")
    assert [path[2] for path in paths] == ["group-product-manager", "principal-product-manager"]
    assert all(len(path) == 4 for path in paths)


def test_people_leader_track_avoids_the_principal_role(ladder: Ladder) -> None:
    paths = ladder.paths(
        "product-manager", "director-of-product-management", track=Track.PEOPLE_LEADER
    )
    assert paths == [
        [
            "product-manager",
            "senior-product-manager",
            "group-product-manager",
            "director-of-product-management",
        ]
    ]


def test_individual_contributor_track_cannot_reach_a_director(ladder: Ladder) -> None:
    with pytest.raises(NoPathError) as caught:
        ladder.shortest_path(
            "product-manager", "director-of-product-management", Track.INDIVIDUAL_CONTRIBUTOR
        )
    assert "on the individual-contributor track" in str(caught.value)
    assert (
        ladder.paths(
            "product-manager", "director-of-product-management", Track.INDIVIDUAL_CONTRIBUTOR
        )
        == []
    )


def test_paths_from_an_entry_role_to_an_exit(ladder: Ladder) -> None:
    shortest = ladder.shortest_path("junior-product-analyst", "venture-capital")
    assert shortest[-2:] == ["principal-product-manager", "venture-capital"]
    every = ladder.paths("junior-product-analyst", "venture-capital")
    assert len(every) == len({tuple(path) for path in every})
    assert all(
        path[0] == "junior-product-analyst" and path[-1] == "venture-capital" for path in every
    )
    # One way from the analyst role to senior PM (through the APM), then 10 to venture
    # capital: through principal straight, on to distinguished PM, or on to director, senior
    # director, VP or CPO (4); through group PM via director, senior director, VP or CPO (4).
    assert len(every) == 1 * 10


def test_no_path_down_the_ladder(ladder: Ladder) -> None:
    with pytest.raises(NoPathError):
        ladder.shortest_path("chief-product-officer", "product-associate")


def test_unknown_role_lists_the_known_ids(ladder: Ladder) -> None:
    with pytest.raises(NotFoundError) as caught:
        ladder.node("senior-pm")
    assert "unknown role or exit id 'senior-pm'" in str(caught.value)
    assert "senior-product-manager" in str(caught.value)


def test_names_and_aliases_resolve_to_ids(ladder: Ladder) -> None:
    assert ladder.resolve("Junior Analyst") == "junior-product-analyst"
    assert ladder.resolve("vp of product") == "vice-president-of-product"
    assert ladder.resolve("Chief Product Officer") == "chief-product-officer"


def test_diff_from_senior_pm_to_group_pm(ladder: Ladder) -> None:
    diff = ladder.diff("senior-product-manager", "group-product-manager")
    rising = {change.competency_id: (change.before, change.after) for change in diff.rising}
    assert rising["leadership"] == (3, 4)
    assert rising["organisational-leadership"] == (2, 3)
    assert rising["vision-setting"] == (3, 4)
    assert diff.falling == []
    assert diff.new_must_haves == ["leadership", "organisational-leadership"]
    assert any("performance of the pms" in r.lower() for r in diff.new_responsibilities)


def test_diff_across_tracks_can_fall(ladder: Ladder) -> None:
    diff = ladder.diff("principal-product-manager", "director-of-product-management")
    falling = {change.competency_id: change.delta for change in diff.falling}
    # The principal is deeper in craft, the director in people and the organisation.
    assert falling == {"experimentation": -1, "technical-fluency": -1, "design-judgement": -1}


def test_diff_to_an_exit_compares_only_what_the_exit_names(ladder: Ladder) -> None:
    diff = ladder.diff("vice-president-of-product", "general-management")
    named = set(ladder.node("general-management").expectations)
    compared = {c.competency_id for c in diff.rising + diff.falling + diff.unchanged}
    assert compared == named
