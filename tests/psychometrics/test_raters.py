"""Rater calibration: the many-facet Rasch model recovers simulated severities, adjusts levels
the right way and refuses data it cannot calibrate, naming who is at fault."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from pmpath.errors import RaterCalibrationError
from pmpath.psychometrics.rater_simulation import SimulatedRatings, simulate_ratings
from pmpath.psychometrics.raters import (
    RaterCalibration,
    Rating,
    calibrate_raters,
    category_probabilities,
    expected_level,
)

# The recovery design: 40 people, 12 competencies, 6 raters with true severities evenly spread
# over [-1, 1] logits (r0 the most lenient, r5 the severest), each person rated by 3 raters
# drawn at random on every competency (36 ratings per person, 1,440 in all), 5 levels.
TRUE_SEVERITIES = np.linspace(-1.0, 1.0, 6)
RATER_IDS = [f"r{r}" for r in range(6)]


def simulated(seed: int) -> SimulatedRatings:
    return simulate_ratings(40, 12, TRUE_SEVERITIES, raters_per_person=3, levels=5, seed=seed)


def severities(result: RaterCalibration) -> np.ndarray:
    return np.array([result.severity(rater).severity for rater in RATER_IDS])


@pytest.fixture(scope="module")
def recovery() -> tuple[SimulatedRatings, RaterCalibration]:
    data = simulated(seed=2026)
    return data, calibrate_raters(data.ratings, 5)


def test_simulated_severities_are_recovered_within_a_quarter_logit(
    recovery: tuple[SimulatedRatings, RaterCalibration],
) -> None:
    data, result = recovery
    estimated = severities(result)
    assert result.converged
    assert np.corrcoef(estimated, data.severities)[0, 1] >= 0.95
    assert np.abs(estimated - data.severities).max() <= 0.25


def test_the_severest_and_the_most_lenient_rater_are_identified(
    recovery: tuple[SimulatedRatings, RaterCalibration],
) -> None:
    _, result = recovery
    ranked = sorted(result.raters, key=lambda r: r.severity)
    assert ranked[0].rater == "r0"
    assert ranked[-1].rater == "r5"


def test_person_measures_follow_the_true_ones(
    recovery: tuple[SimulatedRatings, RaterCalibration],
) -> None:
    data, result = recovery
    measures = np.array([result.persons[p].measure for p in range(40)])
    assert [p.person for p in result.persons] == [f"p{p}" for p in range(40)]
    assert np.corrcoef(measures, data.measures)[0, 1] >= 0.95


def test_constrained_effects_sum_to_zero(
    recovery: tuple[SimulatedRatings, RaterCalibration],
) -> None:
    _, result = recovery
    assert sum(r.severity for r in result.raters) == pytest.approx(0.0, abs=1e-9)
    assert sum(c.difficulty for c in result.competencies) == pytest.approx(0.0, abs=1e-9)
    assert sum(result.thresholds) == pytest.approx(0.0, abs=1e-9)


def test_standard_errors_cover_the_true_severities_about_95_percent_of_the_time() -> None:
    covered = []
    for seed in range(30):
        data = simulated(seed)
        result = calibrate_raters(data.ratings, 5)
        errors = np.abs(severities(result) - data.severities)
        ses = np.array([result.severity(rater).se for rater in RATER_IDS])
        covered.extend(errors < 1.96 * ses)
    # 180 intervals: a 95% interval's hit rate lies in [0.90, 0.99] with near certainty.
    assert 0.90 <= np.mean(covered) <= 0.99


def test_well_behaved_raters_fit_and_are_not_flagged(
    recovery: tuple[SimulatedRatings, RaterCalibration],
) -> None:
    _, result = recovery
    for rater in result.raters:
        assert 0.7 < rater.infit < 1.3
        assert 0.7 < rater.outfit < 1.3
        assert rater.flags == ()


def test_raising_every_rating_by_one_level_keeps_the_severity_order() -> None:
    data = simulated(seed=11)
    before = calibrate_raters(data.ratings, 5)
    clamped = [replace(r, level=min(r.level + 1, 5)) for r in data.ratings]
    after = calibrate_raters(clamped, 5)
    assert np.argsort(severities(after)).tolist() == np.argsort(severities(before)).tolist()


def test_a_shifted_scale_with_room_above_gives_the_same_severities() -> None:
    data = simulated(seed=11)
    before = calibrate_raters(data.ratings, 5)
    shifted = calibrate_raters([replace(r, level=r.level + 1) for r in data.ratings], 6)
    # Level 1 is never used: the model is the same, up to the penalty on the unused step.
    assert severities(shifted) == pytest.approx(severities(before), abs=0.02)


def test_a_lenient_raters_levels_come_down_and_a_severe_raters_go_up(
    recovery: tuple[SimulatedRatings, RaterCalibration],
) -> None:
    _, result = recovery

    def mean_adjustment(rater: str) -> float:
        return float(
            np.mean(
                [
                    adjusted.expected - given.level
                    for adjusted in result.adjusted
                    for given in adjusted.observed
                    if given.rater == rater
                ]
            )
        )

    assert mean_adjustment("r0") < -0.3
    assert mean_adjustment("r5") > 0.3


def test_severity_corrected_means_move_the_same_way(
    recovery: tuple[SimulatedRatings, RaterCalibration],
) -> None:
    _, result = recovery

    def mean_correction(rater: str) -> float:
        return float(
            np.mean(
                [
                    adjusted.corrected - adjusted.observed_mean
                    for adjusted in result.adjusted
                    if [given.rater for given in adjusted.observed].count(rater)
                ]
            )
        )

    assert mean_correction("r0") < -0.1
    assert mean_correction("r5") > 0.1


def test_a_peak_in_one_competency_survives_in_the_corrected_level() -> None:
    data = simulated(seed=12)
    weakest = f"p{int(np.argmin(data.measures))}"
    # Everyone who rated the weakest person on c0 gave the top level.
    peaked = [
        replace(r, level=5) if (r.person, r.competency) == (weakest, "c0") else r
        for r in data.ratings
    ]
    result = calibrate_raters(peaked, 5)
    pair = next(a for a in result.adjusted if (a.person, a.competency) == (weakest, "c0"))
    assert pair.corrected > 4.3
    # The model's expectation follows the person's overall pattern and misses the peak.
    assert pair.expected < 3.0
    assert pair.high < pair.corrected


def test_a_rater_one_level_kinder_than_another_is_corrected_down() -> None:
    # r0 and r1, equally severe, rate everyone; "kind" copies r0 one level up (5 stays 5).
    data = simulate_ratings(30, 8, [0.0, 0.0], raters_per_person=2, levels=5, seed=9)
    kind = [
        Rating(r.person, r.competency, "kind", min(r.level + 1, 5))
        for r in data.ratings
        if r.rater == "r0"
    ]
    result = calibrate_raters([*data.ratings, *kind], 5)
    assert result.severity("kind").severity < result.severity("r0").severity - 0.5
    assert abs(result.severity("r0").severity - result.severity("r1").severity) < 0.2
    corrections = [
        given.level - adjusted.expected
        for adjusted in result.adjusted
        for given in adjusted.observed
        if given.rater == "kind" and given.level < 5
    ]
    # The average rater is the average of all three, "kind" included: about a third of a
    # level above r0, so kind's levels come down by about two thirds (less where capped).
    assert 0.3 < np.mean(corrections) < 1.0


def test_adjusted_levels_carry_the_observed_ratings_and_an_interval(
    recovery: tuple[SimulatedRatings, RaterCalibration],
) -> None:
    data, result = recovery
    assert len(result.adjusted) == 40 * 12
    first = result.adjusted[0]
    given = [(r.rater, r.level) for r in data.ratings if (r.person, r.competency) == ("p0", "c0")]
    assert [(r.rater, r.level) for r in first.observed] == given
    assert first.observed_mean == pytest.approx(np.mean([level for _, level in given]))
    for adjusted in result.adjusted:
        assert 1.0 <= adjusted.low < adjusted.expected < adjusted.high <= 5.0


def test_intervals_narrow_with_more_ratings() -> None:
    few = calibrate_raters(
        simulate_ratings(40, 3, TRUE_SEVERITIES, raters_per_person=3, levels=5, seed=4).ratings, 5
    )
    many = calibrate_raters(simulated(seed=4).ratings, 5)

    def mean_width(result: RaterCalibration) -> float:
        return float(np.mean([a.high - a.low for a in result.adjusted]))

    assert mean_width(many) < 0.8 * mean_width(few)


def test_a_rater_who_gives_everyone_the_same_level_is_flagged() -> None:
    data = simulated(seed=5)
    flat = [replace(r, level=3) if r.rater == "r2" else r for r in data.ratings]
    result = calibrate_raters(flat, 5)
    assert "same_level_every_time" in result.severity("r2").flags
    assert "too_predictable" in result.severity("r2").flags
    assert "same_level_every_time" not in result.severity("r1").flags


def test_an_erratic_rater_is_flagged() -> None:
    data = simulated(seed=6)
    rng = np.random.default_rng(0)
    noisy = [
        replace(r, level=int(rng.integers(1, 6))) if r.rater == "r3" else r for r in data.ratings
    ]
    result = calibrate_raters(noisy, 5)
    assert "erratic" in result.severity("r3").flags
    assert "erratic" not in result.severity("r1").flags


def test_extreme_records_get_finite_estimates() -> None:
    data = simulated(seed=8)
    # p0 rated at the top by everyone; r4 gives the lowest level to everyone.
    extreme = [
        replace(r, level=5) if r.person == "p0" else replace(r, level=1) if r.rater == "r4" else r
        for r in data.ratings
    ]
    result = calibrate_raters(extreme, 5)
    top = result.persons[0]
    assert math.isfinite(top.measure)
    assert top.measure > 2.0
    assert math.isfinite(result.severity("r4").severity)
    assert result.severity("r4").severity == max(r.severity for r in result.raters)


def test_disconnected_raters_are_refused_naming_the_unlinked_group() -> None:
    ratings = [
        Rating(person, competency, rater, 1 + (len(person) + len(competency)) % 5)
        for competency in ("vision", "delivery")
        for raters, people in ((("ada", "bo"), ("p1", "p2", "p3")), (("cy", "di"), ("q1", "q2")))
        for rater in raters
        for person in people
    ]
    with pytest.raises(RaterCalibrationError) as caught:
        calibrate_raters(ratings, 5)
    message = str(caught.value)
    assert "2 groups" in message
    assert "raters cy, di and the people they rated (q1, q2)" in message
    assert "raters ada, bo" in message


def test_a_rater_with_one_rating_is_refused_by_name() -> None:
    ratings = [*simulated(seed=3).ratings, Rating("p0", "c0", "newcomer", 3)]
    with pytest.raises(RaterCalibrationError, match="rater newcomer gave 1 rating; a severity"):
        calibrate_raters(ratings, 5)


def test_a_single_rater_is_refused() -> None:
    ratings = [Rating(f"p{p}", "c0", "only", 1 + p % 5) for p in range(5)]
    with pytest.raises(RaterCalibrationError, match="only one rater"):
        calibrate_raters(ratings, 5)


def test_levels_off_the_scale_and_repeated_ratings_are_refused_with_where() -> None:
    ratings = [
        Rating("p1", "c1", "a", 2),
        Rating("p1", "c1", "b", 6),
        Rating("p1", "c1", "a", 3),
    ]
    with pytest.raises(RaterCalibrationError) as caught:
        calibrate_raters(ratings, 5)
    problems = [str(problem) for problem in caught.value.problems]
    assert problems == [
        "ratings[1].level: level 6 is not on the scale 1..5",
        "ratings[2]: rater a rated p1 on c1 again (first at ratings[0]); keep one rating per "
        "rater, person and competency",
    ]


def test_a_severity_tangled_with_a_competency_is_refused_by_name() -> None:
    ratings = [
        Rating(person, competency, rater, level + (person in ("p2", "p4")))
        for person in ("p1", "p2", "p3", "p4")
        for competency in ("c1", "c2")
        for rater, level in (("a", 2), ("b", 3))
    ]
    # Rater c shares people with a and b, but only ever rated c3, which nobody else rated.
    ratings += [Rating("p1", "c3", "c", 2), Rating("p2", "c3", "c", 3)]
    with pytest.raises(RaterCalibrationError) as caught:
        calibrate_raters(ratings, 5)
    assert str(caught.value).startswith(
        "the severity of rater c cannot be told apart from the difficulty of competency c3"
    )
    # One shared competency is enough to separate them.
    calibrate_raters([*ratings, Rating("p1", "c1", "c", 3)], 5)


def test_expected_level_is_the_mean_of_the_category_probabilities() -> None:
    thresholds = np.array([-1.0, 0.2, 0.8])
    eta = np.array([-3.0, 0.0, 0.4, 5.0])
    probabilities = category_probabilities(eta, thresholds)
    assert probabilities.sum(axis=1) == pytest.approx(np.ones(4))
    # Adjacent-category log-odds are eta - tau_k, the model's definition.
    assert np.log(probabilities[:, 1:] / probabilities[:, :-1]) == pytest.approx(
        eta[:, None] - thresholds
    )
    assert expected_level(eta, thresholds) == pytest.approx(probabilities @ [1, 2, 3, 4])


ids = st.sampled_from(["a", "b", "c"])


@st.composite
def small_inputs(draw: st.DrawFn) -> tuple[int, list[Rating]]:
    """Up to 3 people, competencies and raters on a 2- to 5-level scale; now and then with one
    level off the scale or one (person, competency, rater) rated twice."""
    levels = draw(st.integers(min_value=2, max_value=5))
    keys = draw(st.lists(st.tuples(ids, ids, ids), max_size=27, unique=True))
    ratings = [
        Rating(f"p-{p}", f"c-{c}", f"r-{r}", draw(st.integers(1, levels))) for p, c, r in keys
    ]
    if ratings and draw(st.integers(0, 3)) == 0:
        ratings.append(draw(st.sampled_from(ratings)))
    if ratings and draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(ratings) - 1))
        ratings[at] = replace(ratings[at], level=draw(st.sampled_from([0, levels + 1])))
    return levels, ratings


@settings(max_examples=300, deadline=None)
@given(small_inputs())
def test_arbitrary_small_inputs_calibrate_or_raise_the_clear_error(
    case: tuple[int, list[Rating]],
) -> None:
    levels, ratings = case
    try:
        result = calibrate_raters(ratings, levels)
    except RaterCalibrationError as caught:
        error = caught
    else:
        error = None
    event("refused" if error is not None else "calibrated")
    if error is not None:
        for problem in error.problems:
            assert problem.message
            path = problem.location.field_path
            assert not path or (path[0] == "ratings" and path[1] in range(len(ratings)))
        return
    assert sum(r.severity for r in result.raters) == pytest.approx(0.0, abs=1e-6)
    assert all(math.isfinite(r.severity) for r in result.raters)
    assert all(r.se > 0 for r in result.raters)
    assert all(math.isfinite(p.measure) for p in result.persons)
    assert all(p.se > 0 for p in result.persons)
    for adjusted in result.adjusted:
        assert 1.0 <= adjusted.low <= adjusted.expected <= adjusted.high <= levels
        assert 1.0 <= adjusted.corrected <= levels
