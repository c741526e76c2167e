"""Ratings checked and indexed for rater calibration, or refused with the reason.

The many-facet model (:mod:`.raters`) can only compare raters who are linked: two raters are
comparable when they rated a person in common, or through a chain of such shared people. A
design whose raters fall into separate groups gives every group its own scale, and no amount
of arithmetic can say whether group A's raters are harsher than group B's or group B's people
are simply stronger. This module refuses such data and names the groups, rather than letting
the estimate quietly settle the question by its prior.

It also refuses the subtler case where every rater is linked through people but severity is
still tangled with competency difficulty (a rater who only ever rated competencies that no
other rater rated for the same people); that is found from the rank of the design, and the
raters and competencies involved are named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pmpath.errors import Location, Problem, RaterCalibrationError

#: Names listed in one message before "and N more": a long list helps nobody.
MAX_NAMES = 8
#: Relative size below which an eigenvalue of the design counts as zero.
RANK_TOLERANCE = 1e-9

Index = NDArray[np.intp]


@dataclass(frozen=True)
class Rating:
    """One rater's rating of one person on one competency, on the ladder's 1..K scale."""

    person: str
    competency: str
    rater: str
    level: int


@dataclass(frozen=True)
class Design:
    """Ratings as index arrays, ids in order of first appearance."""

    persons: tuple[str, ...]
    competencies: tuple[str, ...]
    raters: tuple[str, ...]
    person: Index
    competency: Index
    rater: Index
    #: Category score, level - 1, in 0..K-1.
    score: Index
    levels: int


def build_design(ratings: Sequence[Rating], levels: int, min_ratings_per_rater: int) -> Design:
    """Index the ratings, or raise :class:`RaterCalibrationError` naming every problem."""
    if levels < 2:
        raise RaterCalibrationError(f"a rating scale needs at least 2 levels, not {levels}")
    if not ratings:
        raise RaterCalibrationError("there are no ratings to calibrate")
    problems = _rating_problems(ratings, levels)
    if problems:
        raise RaterCalibrationError(problems)
    persons, person_index = _indexed([r.person for r in ratings])
    competencies, competency_index = _indexed([r.competency for r in ratings])
    raters, rater_index = _indexed([r.rater for r in ratings])
    design = Design(
        persons=persons,
        competencies=competencies,
        raters=raters,
        person=person_index,
        competency=competency_index,
        rater=rater_index,
        score=np.array([r.level - 1 for r in ratings], dtype=np.intp),
        levels=levels,
    )
    if len(raters) < 2:
        raise RaterCalibrationError(
            f"only one rater ({_names(design.raters)}): severity is relative to other raters, "
            "so calibration needs at least two"
        )
    _check_rater_counts(design, min_ratings_per_rater)
    _check_linked(design)
    _check_separable(design)
    return design


def _rating_problems(ratings: Sequence[Rating], levels: int) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int] = {}
    for index, rating in enumerate(ratings):
        person, competency, rater, level = (
            rating.person,
            rating.competency,
            rating.rater,
            rating.level,
        )
        for name, value in (("person", person), ("competency", competency), ("rater", rater)):
            if not isinstance(value, str) or not value:
                problems.append(
                    Problem(
                        f"{name} must be a non-empty id, not {value!r}",
                        Location(field_path=("ratings", index, name)),
                    )
                )
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= levels:
            problems.append(
                Problem(
                    f"level {level!r} is not on the scale 1..{levels}",
                    Location(field_path=("ratings", index, "level")),
                )
            )
        key = (person, competency, rater)
        first = seen.setdefault(key, index)
        if first != index:
            problems.append(
                Problem(
                    f"rater {rater} rated {person} on {competency} again (first at "
                    f"ratings[{first}]); keep one rating per rater, person and competency",
                    Location(field_path=("ratings", index)),
                )
            )
    return problems


def _indexed(ids: list[str]) -> tuple[tuple[str, ...], Index]:
    """The distinct ids in order of first appearance, and each one's position among them."""
    order = {value: position for position, value in enumerate(dict.fromkeys(ids))}
    return tuple(order), np.array([order[value] for value in ids], dtype=np.intp)


def _names(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:MAX_NAMES])
    return shown if len(ids) <= MAX_NAMES else f"{shown} and {len(ids) - MAX_NAMES} more"


def _raters(ids: Sequence[str]) -> str:
    return f"rater {ids[0]}" if len(ids) == 1 else f"raters {_names(ids)}"


def _competencies(ids: Sequence[str]) -> str:
    return f"competency {ids[0]}" if len(ids) == 1 else f"competencies {_names(ids)}"


def _check_rater_counts(design: Design, minimum: int) -> None:
    counts = np.bincount(design.rater, minlength=len(design.raters))
    problems = [
        Problem(
            f"rater {rater} gave {count} rating{'' if count == 1 else 's'}; a severity needs "
            f"at least {minimum}"
        )
        for rater, count in zip(design.raters, counts, strict=True)
        if count < minimum
    ]
    if problems:
        raise RaterCalibrationError(problems)


def _check_linked(design: Design) -> None:
    """Refuse raters (and their people) who share no rated person with the others."""
    n_persons = len(design.persons)
    parent = list(range(n_persons + len(design.raters)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    pairs = np.unique(design.person * len(design.raters) + design.rater).tolist()
    for pair in pairs:
        person, rater = divmod(pair, len(design.raters))
        parent[root(person)] = root(n_persons + rater)
    groups: dict[int, tuple[list[str], list[str]]] = {}
    for person, name in enumerate(design.persons):
        groups.setdefault(root(person), ([], []))[1].append(name)
    for rater, name in enumerate(design.raters):
        groups.setdefault(root(n_persons + rater), ([], []))[0].append(name)
    if len(groups) == 1:
        return
    ordered = sorted(groups.values(), key=lambda group: -len(group[0]) - len(group[1]))
    main_raters = ordered[0][0]
    problems = [
        Problem(
            f"{_raters(raters)} and the people they rated ({_names(people)}) share "
            f"no rated person with {_raters(main_raters)}, so their severities cannot be "
            "compared; have a rater of one group also rate someone of the other"
        )
        for raters, people in ordered[1:]
    ]
    raise RaterCalibrationError(
        [Problem(f"the ratings fall into {len(groups)} groups that are not linked"), *problems]
    )


def _check_separable(design: Design) -> None:
    """Refuse designs where a rater's severity or a competency's difficulty is confounded.

    With person measures eliminated, the information about the competency and rater effects
    is ``X'X - X'P (P'P)^-1 P'X`` (counts only). "All competencies harder" and "all raters
    harsher" are always in its null space (the sum-to-zero constraints remove them); pinning
    the most rated competency and rater removes them here instead, so that any null direction
    left is an effect the ratings cannot tell apart, and its support names who is involved.
    """
    n_c, n_r = len(design.competencies), len(design.raters)
    n_p = len(design.persons)
    facet_of_rater = n_c + design.rater
    by_facet = np.zeros((n_c + n_r, n_c + n_r))
    np.add.at(by_facet, (design.competency, design.competency), 1.0)
    np.add.at(by_facet, (facet_of_rater, facet_of_rater), 1.0)
    np.add.at(by_facet, (design.competency, facet_of_rater), 1.0)
    np.add.at(by_facet, (facet_of_rater, design.competency), 1.0)
    by_person = np.zeros((n_p, n_c + n_r))
    np.add.at(by_person, (design.person, design.competency), 1.0)
    np.add.at(by_person, (design.person, facet_of_rater), 1.0)
    per_person = np.bincount(design.person, minlength=n_p).astype(np.float64)
    information = by_facet - by_person.T @ (by_person / per_person[:, None])
    pinned = {
        int(np.bincount(design.competency).argmax()),
        n_c + int(np.bincount(design.rater).argmax()),
    }
    free = np.array([i for i in range(n_c + n_r) if i not in pinned], dtype=np.intp)
    if free.size == 0:
        return
    values, vectors = np.linalg.eigh(information[np.ix_(free, free)])
    null = vectors[:, values < RANK_TOLERANCE * max(float(values.max()), 1.0)]
    if null.shape[1] == 0:
        return
    involved = free[np.einsum("ij,ij->i", null, null) > 1e-8]
    competencies = [design.competencies[i] for i in involved if i < n_c]
    raters = [design.raters[i - n_c] for i in involved if i >= n_c]
    if competencies and raters:
        message = (
            f"the severity of {_raters(raters)} cannot be told apart from the difficulty of "
            f"{_competencies(competencies)}: no other rater rated the same people on it, so a "
            "harsh rater and a hard competency look alike; have another rater rate it too"
        )
    elif competencies:
        message = (
            f"{_competencies(competencies)} were rated only for people who were rated on "
            "no other competency, so their difficulty cannot be compared with the rest"
        )
    else:
        message = (
            f"the severity of {_raters(raters)} cannot be compared with the other "
            "raters': they share no rated competency and person with them"
        )
    raise RaterCalibrationError(message)
