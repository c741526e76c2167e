"""The intake's career questions: which track and specialisation suit a person, and why.

The seed's questions — do you enjoy leading teams, high-level strategy, or staying close to
customers and their problems? — are the framework's *interests*; each may point to a track
and to specialisations. The rules:

* **Track.** Stated interests decide when they lean one way. Without them, the people-leader
  track is suggested only on evidence: when the person already meets the must-haves of the
  first people-leader role ahead of them (for the bundled ladder: a Group PM's leadership and
  mentorship). Otherwise the individual-contributor track, which builds on what they have.
  Managing people is a different job, not a reward for doing the current one well.
* **Specialisation.** Each interest that points to a specialisation counts 2; each level by
  which the person's competencies that the specialisation leans on exceed their own average
  counts 1. The best score above zero wins.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from pmpath.assessment.profile import SelfAssessment
from pmpath.framework import Framework, Role, Track


@dataclass(frozen=True)
class Direction:
    track: Track
    track_reason: str
    specialisation_id: str | None
    specialisation_reason: str | None


def suggest_direction(framework: Framework, assessment: SelfAssessment, placed: str) -> Direction:
    """The suggested track and specialisation for a person placed at role ``placed``."""
    track, track_reason = _track(framework, assessment, placed)
    spec, spec_reason = _specialisation(framework, assessment)
    return Direction(track, track_reason, spec, spec_reason)


def _said(track: Track) -> str:
    """A track in a sentence: "individual contributor", "people leader"."""
    return track.value.replace("-", " ")


def _track(framework: Framework, assessment: SelfAssessment, placed: str) -> tuple[Track, str]:
    votes = {Track.PEOPLE_LEADER: [], Track.INDIVIDUAL_CONTRIBUTOR: []}  # type: dict[Track, list[str]]
    for interest in framework.interests:
        if interest.id in assessment.interests and interest.suggests_track in votes:
            votes[interest.suggests_track].append(interest.name.lower())
    leader, ic = votes[Track.PEOPLE_LEADER], votes[Track.INDIVIDUAL_CONTRIBUTOR]
    if len(leader) != len(ic):
        chosen = Track.PEOPLE_LEADER if len(leader) > len(ic) else Track.INDIVIDUAL_CONTRIBUTOR
        said = " and ".join(leader if chosen is Track.PEOPLE_LEADER else ic)
        return chosen, f"You said you enjoy {said}, which points to the {_said(chosen)} track."

    current = framework.role(placed)
    if current.track is not Track.BOTH:
        return current.track, f"{current.name} is already on the {_said(current.track)} track."
    leader_role = _first_ahead(framework, placed, Track.PEOPLE_LEADER)
    if leader_role is None:
        return Track.INDIVIDUAL_CONTRIBUTOR, "No people-leader role lies ahead on this ladder."
    musts = [(c, e.level) for c, e in leader_role.expectations.items() if e.must_have]
    described = ", ".join(
        f"{framework.competency(c).name.lower()} {assessment.level(c)} (needs {level})"
        for c, level in musts
    )
    if musts and all(assessment.level(c) >= level for c, level in musts):
        return Track.PEOPLE_LEADER, (
            f"Your people skills already meet what a {leader_role.name} needs ({described}); "
            "if you enjoy growing others, the people-leader track is open to you."
        )
    return Track.INDIVIDUAL_CONTRIBUTOR, (
        f"Leading people is a different job, suggested on evidence: your {described or 'ratings'} "
        f"are short of what a {leader_role.name} needs, and you did not say you enjoy leading "
        "teams. The individual-contributor track builds on what you have; say so in your "
        "interests if you want to lead people."
    )


def _first_ahead(framework: Framework, start: str, track: Track) -> Role | None:
    """The nearest role on ``track`` (not "both") reachable from ``start``."""
    seen = {start}
    queue = deque([start])
    while queue:
        role = framework.role(queue.popleft())
        for nxt_id in role.next_roles:
            if nxt_id in seen:
                continue
            seen.add(nxt_id)
            nxt = framework.role(nxt_id)
            if nxt.track is track:
                return nxt
            queue.append(nxt_id)
    return None


def _specialisation(
    framework: Framework, assessment: SelfAssessment
) -> tuple[str | None, str | None]:
    if not framework.specialisations:
        return None, None
    levels = [assessment.level(c.id) for c in framework.competencies]
    average = sum(levels) / len(levels)
    best: tuple[float, str, str] | None = None
    for spec in framework.specialisations:
        liked = [
            i
            for i in framework.interests
            if i.id in assessment.interests and i.id in spec.interests
        ]
        lean = sum(assessment.level(c) for c in spec.emphasis) / len(spec.emphasis) - average
        score = 2 * len(liked) + lean
        if score <= 0 or (best is not None and score <= best[0]):
            continue
        reasons = []
        if liked:
            reasons.append("you enjoy " + " and ".join(i.name.lower() for i in liked))
        if lean > 0:
            strongest = sorted(spec.emphasis, key=lambda c: -assessment.level(c))[:3]
            reasons.append(
                "it leans on your stronger competencies ("
                + ", ".join(
                    f"{framework.competency(c).name.lower()} {assessment.level(c)}"
                    for c in strongest
                )
                + ")"
            )
        best = (score, spec.id, f"{spec.name}: " + "; ".join(reasons) + ".")
    if best is None:
        return None, None
    return best[1], best[2]
