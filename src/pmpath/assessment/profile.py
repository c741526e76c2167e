"""What a person says about themselves: a level per competency, and the intake answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Confidence(StrEnum):
    """How sure a person is of a rating; it widens or narrows the placement's band."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def uncertainty(self) -> float:
        """How many levels the true level may lie above or below the rating."""
        return {"low": 1.0, "medium": 0.5, "high": 0.0}[self.value]


@dataclass(frozen=True)
class Rating:
    """The behaviour level a person picked for one competency."""

    competency_id: str
    level: int
    confidence: Confidence = Confidence.MEDIUM
    evidence: tuple[str, ...] = ()


def merged_rating(competency_id: str, ratings: Sequence[Rating]) -> Rating:
    """One rating for a competency that several earlier competencies were merged into.

    The level is the mean of theirs rounded half up (3 and 4 give 4: the merged behaviours
    include the stronger one's); the confidence is the lowest, since the person never judged
    the merged behaviour itself; the evidence is kept whole.
    """
    mean = sum(r.level for r in ratings) / len(ratings)
    order = [Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH]
    return Rating(
        competency_id,
        int(mean + 0.5),
        min((r.confidence for r in ratings), key=order.index),
        tuple(e for r in ratings for e in r.evidence),
    )


@dataclass(frozen=True)
class SelfAssessment:
    """A complete self-assessment: ratings plus the intake answers, all ids checked."""

    ratings: Mapping[str, Rating]
    background: str | None = None
    current_role: str | None = None
    years: float | None = None
    interests: tuple[str, ...] = ()
    target: str | None = None
    #: Competencies the person did not rate; placement counts them at the lowest level.
    unrated: tuple[str, ...] = field(default=())

    def level(self, competency_id: str) -> int:
        """The rated level, or 1 (the floor of every scale) when unrated."""
        rating = self.ratings.get(competency_id)
        return rating.level if rating else 1

    def uncertainty(self, competency_id: str) -> float:
        """How far the true level may lie from the rating, in levels (unrated: 1)."""
        rating = self.ratings.get(competency_id)
        return rating.confidence.uncertainty if rating else Confidence.LOW.uncertainty
