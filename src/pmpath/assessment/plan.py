"""Growth plans: concrete, sequenced actions for the biggest gaps, with a time horizon.

For each of the top gaps (by impact) the plan picks the framework's development action that
best fits: it must build the competency; actions for the level the person needs next (one above
their rating, by the action's ``levels``) come first, then those that consolidate their
current level, then those that suit the target's or the current stage; among those, actions
that also build other top gaps, then shorter ones. A certification or learning programme that
builds the competency at those stages (the earliest-stage one first) is added when the
framework has one. Steps are sequenced by the impact of the gap they close, in two lanes (people can
carry about two development efforts at once next to their job), so the plan's horizon is when
the last step ends. A career switcher's plan starts with their background's first steps.

Steps fit the person: someone who names a current product role is already in product, so
actions meant only for stages before that role's (shadowing a product manager, an
introductory Agile course for an entry role) are left out of their plan, and so are the
switcher's first steps; a certification is kept only where it suits a stage from theirs on.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmpath.assessment.gaps import GapAnalysis
from pmpath.assessment.profile import SelfAssessment
from pmpath.framework import Framework
from pmpath.framework.model import DevelopmentAction

TOP_GAPS = 5
LANES = 2
#: A certification or programme with no duration in the framework is planned at this length.
CERTIFICATION_WEEKS = 8


@dataclass(frozen=True)
class PlanStep:
    order: int
    start_week: int
    end_week: int
    source: str  # "action" or "certification"
    item_id: str
    kind: str
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class GrowthPlan:
    steps: tuple[PlanStep, ...]
    transition_steps: tuple[str, ...]
    horizon_weeks: int


def build_plan(
    framework: Framework, assessment: SelfAssessment, gaps: GapAnalysis, stages: tuple[str, ...]
) -> GrowthPlan:
    """A plan for the top gaps of ``gaps``; ``stages`` are the stage ids the actions should suit
    (the current and the target stage)."""
    top = [row.competency_id for row in gaps.gaps[:TOP_GAPS]]
    chosen: list[tuple[str, str, str, int, tuple[str, ...]]] = []  # source, id, kind, weeks, comps
    behind = _stages_behind(framework, assessment)
    # Already in product: nothing only meant for the stages they have left behind.
    used: set[str] = {a.id for a in framework.development_actions if set(a.stages) <= behind}
    used |= {c.id for c in framework.certifications if set(c.stages) <= behind}
    for comp_id in top:
        next_level = min(len(framework.scale), int(assessment.level(comp_id)) + 1)
        action = _best_action(framework, comp_id, next_level, top, stages, used)
        if action is not None:
            used.add(action.id)
            builds = tuple(c for c in action.competencies if c in top)
            chosen.append(("action", action.id, action.kind.value, action.weeks, builds))
        for cert in sorted(framework.certifications, key=lambda c: _earliest(framework, c.stages)):
            # The earliest-stage fit first: a foundation certificate before its advanced one.
            if cert.id not in used and comp_id in cert.builds and set(cert.stages) & set(stages):
                used.add(cert.id)
                builds = tuple(c for c in cert.builds if c in top)
                chosen.append(
                    ("certification", cert.id, cert.kind.value, CERTIFICATION_WEEKS, builds)
                )
                break

    lanes = [0] * LANES
    steps = []
    for order, (source, item_id, kind, weeks, comps) in enumerate(chosen, start=1):
        lane = lanes.index(min(lanes))
        start = lanes[lane] + 1
        lanes[lane] += weeks
        steps.append(PlanStep(order, start, lanes[lane], source, item_id, kind, comps))
    return GrowthPlan(tuple(steps), _transition_steps(framework, assessment), max(lanes))


def _best_action(
    framework: Framework,
    comp_id: str,
    next_level: int,
    top: list[str],
    stages: tuple[str, ...],
    used: set[str],
) -> DevelopmentAction | None:
    candidates = [
        action
        for action in framework.development_actions
        if comp_id in action.competencies and action.id not in used
    ]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda a: (
            _level_distance(a, next_level),
            not set(a.stages) & set(stages),
            -len(set(a.competencies) & set(top)),
            a.weeks,
        ),
    )


def _earliest(framework: Framework, stages: list[str]) -> int:
    return min(framework.stage_rank(stage) for stage in stages)


def _level_distance(action: DevelopmentAction, next_level: int) -> int:
    """0 for an action towards the level needed next (or for any level), 1 for one that
    consolidates the level just below it, 2 for an action meant for other levels."""
    if not action.levels or next_level in action.levels:
        return 0
    return 1 if next_level - 1 in action.levels else 2


def _stages_behind(framework: Framework, assessment: SelfAssessment) -> set[str]:
    """The stages before the person's current product role's stage (none without a role)."""
    if assessment.current_role is None:
        return set()
    order = [stage.id for stage in framework.stages]
    current = framework.role(assessment.current_role).stage
    return set(order[: order.index(current)])


def _transition_steps(framework: Framework, assessment: SelfAssessment) -> tuple[str, ...]:
    # A career switcher names a background and no current product role.
    if assessment.background is None or assessment.current_role is not None:
        return ()
    return tuple(framework.background(assessment.background).first_steps)
