"""What an organisation currently holds to be each member's level in each competency.

One rule, shared by the heat map, coverage, bench strength, the calibration session and
promotion cases, so they never disagree: for every (member, competency) the level comes from
the most considered source there is,

1. **calibrated**: the newest adjustment made in a calibration session, with its reason;
2. **manager**: else the newest rating by a manager of the member's team;
3. **self**: else the member's newest finished self-assessment on the rubric.

Peers' ratings never set a level on their own (they are shown only in aggregate, from three
peers, on the side-by-side view). Nothing here checks who may see what: callers check first
(:mod:`pmpath.services.membership`) and log the read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from pmpath.framework import Framework
from pmpath.services.assessments import AssessmentService
from pmpath.store import Database
from pmpath.store import calibration as calibration_store
from pmpath.store import colleague_ratings as rating_store
from pmpath.store import organisations as org_store

LevelSource = Literal["calibrated", "manager", "self"]


@dataclass(frozen=True)
class CurrentLevel:
    level: int
    source: LevelSource
    #: When that level was given (the adjustment, the rating or the self-assessment).
    at: datetime | None


#: {user id: {competency id: CurrentLevel}}; a competency nobody has rated is absent.
Levels = dict[int, dict[str, CurrentLevel]]


def current_levels(
    database: Database,
    rubric: Framework,
    organisation_id: int,
    member_ids: Iterable[int],
    clock: Callable[[], datetime],
) -> Levels:
    """The current level of every member in ``member_ids`` in every competency of
    ``rubric`` that has one, with where it comes from."""
    ids = sorted(set(member_ids))
    competencies = {c.id for c in rubric.competencies}
    levels: Levels = {member: {} for member in ids}
    with database.read() as session:
        profiles = _profiles(session, ids)
        for member in ids:
            for row in rating_store.ratings_of(session, organisation_id, member, rubric.id):
                if row.source == "manager" and row.competency_id in competencies:
                    # oldest first, so the newest manager rating wins
                    levels[member][row.competency_id] = CurrentLevel(
                        row.level, "manager", row.rated_at
                    )
        adjusted = calibration_store.adjustments(session, organisation_id, rubric.id, ids)
        for adjustment in adjusted:  # oldest first: the newest adjustment wins
            if adjustment.competency_id in competencies:
                levels[adjustment.subject_id][adjustment.competency_id] = CurrentLevel(
                    adjustment.to_level, "calibrated", adjustment.adjusted_at
                )
    selves = AssessmentService(database, rubric, clock)
    for member in ids:
        done = selves.history(profiles[member]) if profiles.get(member) else []
        if not done:
            continue
        newest = done[-1]
        for competency, rating in newest.assessment.ratings.items():
            if competency in competencies:
                levels[member].setdefault(
                    competency, CurrentLevel(rating.level, "self", newest.completed_at)
                )
    return levels


def _profiles(session: Session, user_ids: list[int]) -> dict[int, str]:
    found = {}
    for user_id in user_ids:
        user = org_store.user(session, user_id)
        if user is not None:
            found[user_id] = user.profile
    return found
