"""The many-facet Rasch model (:mod:`pmpath.psychometrics.raters`) on one organisation's
ratings: which ratings go in (managers each a rater, peers pooled from three, each person's
self-assessment), the fit or why it cannot run, and what comes out for people (severities in
logits, in levels and in words; levels an average rater would give). The calibration service
(:mod:`pmpath.services.calibration_sessions`) decides who sees which of it."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from pmpath.errors import PmpathError
from pmpath.framework import Framework
from pmpath.psychometrics.rater_design import Rating
from pmpath.psychometrics.raters import (
    FEW_RATINGS,
    RaterCalibration,
    calibrate_raters,
    expected_level,
)
from pmpath.services.assessments import AssessmentService
from pmpath.services.models.calibration_sessions import (
    AdjustedLevel,
    ModelStatus,
    RaterKind,
    RaterSeverity,
)
from pmpath.services.models.colleague_ratings import PEER_THRESHOLD
from pmpath.store import Database
from pmpath.store import colleague_ratings as rating_store

#: Share of the adjusted levels' intervals (the ladder's level ranges use 80% too).
COVERAGE = 0.8
#: The pooled peers' rater id.
PEERS = "peers"
#: What the model's flags mean, for people.
FLAG_NOTES = {
    "same_level_every_time": "gives everyone the same level",
    "erratic": "ratings agree with the others' less than expected: worth a conversation",
    "too_predictable": "ratings vary less than expected (the same level across the board)",
    "few_ratings": "fewer than 10 ratings, so the estimate rests on little",
}
#: Flags of fit statistics (infit, outfit), which mean little on fewer than ``FEW_RATINGS``
#: ratings: a rater with so few is shown only the ``few_ratings`` note.
FIT_FLAGS = frozenset({"erratic", "too_predictable"})


def shown_flags(flags: tuple[str, ...] | list[str], ratings: int) -> list[str]:
    """The flags worth telling people: ``flags`` without the fit-statistic ones (erratic, too
    predictable) when the rater has fewer than ``FEW_RATINGS`` ratings, where a fit statistic
    is noise (3, 3, 1 from three ratings is not "the same level across the board")."""
    if ratings >= FEW_RATINGS:
        return list(flags)
    return [flag for flag in flags if flag not in FIT_FLAGS]


@dataclass(frozen=True)
class OrganisationFit:
    """The model's result with the ids mapped back to users and competencies."""

    status: ModelStatus
    calibration: RaterCalibration | None
    #: {rater label: (kind, user id)}
    raters: dict[str, tuple[RaterKind, int | None]]
    #: {person label: user id}
    persons: dict[str, int]
    #: {competency label: competency id}
    competencies: dict[str, str]


def fit_organisation(
    database: Database,
    clock: Callable[[], datetime],
    organisation_id: int,
    rubric: Framework,
    members: dict[int, Any],
) -> OrganisationFit:
    """The many-facet model on the organisation's ratings, or why it cannot run."""
    labels = _labels(members)
    competency_labels = _competency_labels(rubric)
    by_label = {label: cid for cid, label in competency_labels.items()}
    levels = set(rubric.levels)
    ratings: list[Rating] = []
    raters: dict[str, tuple[RaterKind, int | None]] = {}
    rated: set[int] = set()
    with database.read() as session:
        for user in sorted(members):
            peers: dict[str, list[int]] = {}
            for row in rating_store.ratings_of(session, organisation_id, user, rubric.id):
                if row.competency_id not in competency_labels or row.level not in levels:
                    continue
                if row.source == "manager":
                    rater = f"{labels.get(row.rater_id, f'former member {row.rater_id}')} (manager)"
                    raters[rater] = ("manager", row.rater_id)
                    ratings.append(
                        Rating(labels[user], competency_labels[row.competency_id], rater, row.level)
                    )
                    rated.add(user)
                else:
                    peers.setdefault(row.competency_id, []).append(row.level)
            for competency, given in peers.items():
                if len(given) >= PEER_THRESHOLD:
                    pooled = math.floor(statistics.median(given) + 0.5)
                    raters["peers (pooled)"] = ("peers", None)
                    ratings.append(
                        Rating(
                            labels[user],
                            competency_labels[competency],
                            "peers (pooled)",
                            pooled,
                        )
                    )
                    rated.add(user)
    for user in sorted(rated):
        rater = f"{labels[user]} (self)"
        for competency, level in self_levels(
            database, clock, rubric, members[user].profile
        ).items():
            if competency in competency_labels and level in levels:
                raters[rater] = ("self", user)
                ratings.append(Rating(labels[user], competency_labels[competency], rater, level))
    persons = {label: user for user, label in labels.items()}
    before = ModelStatus(
        available=False,
        reason=None,
        ratings=len(ratings),
        raters=len(raters),
        people=len(rated),
        coverage=COVERAGE,
        converged=None,
    )
    try:
        calibration = calibrate_raters(ratings, len(rubric.scale), coverage=COVERAGE)
    except PmpathError as exc:
        reason = "Not enough data for the model yet: " + "; ".join(
            problem.message for problem in exc.problems
        )
        return OrganisationFit(
            before.model_copy(update={"reason": reason}), None, raters, persons, by_label
        )
    except np.linalg.LinAlgError:
        reason = "The model could not be fitted to these ratings (they are too sparse)."
        return OrganisationFit(
            before.model_copy(update={"reason": reason}), None, raters, persons, by_label
        )
    status = before.model_copy(update={"available": True, "converged": calibration.converged})
    return OrganisationFit(status, calibration, raters, persons, by_label)


def self_levels(
    database: Database, clock: Callable[[], datetime], rubric: Framework, profile: str
) -> dict[str, int]:
    """The levels of ``profile``'s newest finished self-assessment on ``rubric``."""
    done = AssessmentService(database, rubric, clock).history(profile)
    if not done:
        return {}
    return {cid: rating.level for cid, rating in done[-1].assessment.ratings.items()}


def rater_severities(fit: OrganisationFit, members: dict[int, Any]) -> list[RaterSeverity]:
    """Every rater of the fit, named, with the severity in logits and in levels and words."""
    calibration = fit.calibration
    assert calibration is not None
    thresholds = np.asarray(calibration.thresholds)
    theta = {p.person: p.measure for p in calibration.persons}
    delta = {c.competency: c.difficulty for c in calibration.competencies}
    eta = np.array([theta[a.person] - delta[a.competency] for a in calibration.adjusted])
    average = expected_level(eta, thresholds)
    found = []
    for rater in calibration.raters:
        kind, user = fit.raters[rater.rater]
        effect = float((average - expected_level(eta - rater.severity, thresholds)).mean())
        clear = abs(rater.severity) >= 2 * rater.se
        shown = shown_flags(rater.flags, rater.ratings)
        if kind == "peers":
            name = "Peers (pooled)"
        else:
            member = members.get(user) if user is not None else None
            name = member.name if member is not None else "A former member"
        found.append(
            RaterSeverity(
                rater=PEERS if kind == "peers" else f"{kind}:{user}",
                kind=kind,
                user_id=user,
                name=name,
                severity=rater.severity,
                se=rater.se,
                level_effect=effect,
                clear=clear,
                plain=plain_severity(effect, clear),
                infit=rater.infit,
                outfit=rater.outfit,
                ratings=rater.ratings,
                mean_level=rater.mean_level,
                flags=shown,
                flag_notes=[FLAG_NOTES.get(flag, flag) for flag in shown],
            )
        )
    order = {"manager": 0, "peers": 1, "self": 2}
    return sorted(found, key=lambda r: (order[r.kind], r.name.lower(), r.rater))


def adjusted_levels(
    fit: OrganisationFit, rubric: Framework, visible: set[int], members: dict[int, Any]
) -> list[AdjustedLevel]:
    """The levels an average rater would give, for the people in ``visible``."""
    if fit.calibration is None:
        return []
    names = {c.id: c.name for c in rubric.competencies}
    position = {c.id: n for n, c in enumerate(rubric.competencies)}
    found = []
    for level in fit.calibration.adjusted:
        user = fit.persons[level.person]
        if user not in visible:
            continue
        competency = fit.competencies[level.competency]
        found.append(
            AdjustedLevel(
                user_id=user,
                name=members[user].name,
                competency=competency,
                competency_name=names[competency],
                expected=level.expected,
                low=level.low,
                high=level.high,
                corrected=level.corrected,
                ratings=len(level.observed),
            )
        )
    return sorted(found, key=lambda a: (a.name.lower(), a.user_id, position[a.competency]))


def plain_severity(effect: float, clear: bool) -> str:
    """A severity in words: how many levels harsher or more lenient than the average rater
    this rater is, at the people and competencies of the data."""
    size = abs(effect)
    if size < 0.15:
        return "rates about the same as the average rater"
    if size < 0.35:
        amount = "a quarter of a level"
    elif size < 0.65:
        amount = "half a level"
    elif size < 0.85:
        amount = "three quarters of a level"
    elif size < 1.25:
        amount = "one level"
    else:
        halves = round(size * 2) / 2
        amount = f"{halves:g} levels"
    direction = "harsher" if effect > 0 else "more leniently"
    words = f"rates about {amount} {direction} than the average rater"
    if not clear:
        words += " (not yet clearly different from average: too few ratings to be sure)"
    return words


def _labels(members: dict[int, Any]) -> dict[int, str]:
    """A readable, unique label per member: their name, with the email where names repeat
    (the model's messages name raters and people by these)."""
    counts: dict[str, int] = {}
    for row in members.values():
        counts[row.name] = counts.get(row.name, 0) + 1
    return {
        user: row.name if counts[row.name] == 1 else f"{row.name} <{row.email}>"
        for user, row in members.items()
    }


def _competency_labels(rubric: Framework) -> dict[str, str]:
    counts: dict[str, int] = {}
    for competency in rubric.competencies:
        counts[competency.name] = counts.get(competency.name, 0) + 1
    return {
        c.id: c.name if counts[c.name] == 1 else f"{c.name} ({c.id})" for c in rubric.competencies
    }
