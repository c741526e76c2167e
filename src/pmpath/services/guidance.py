"""Where a person stands and what next: placement, direction, gaps and plan.

Pure: it needs a framework and an assessment, not the database. The result is a
:class:`~pmpath.services.models.guidance.Guidance`, whose keys ``pmpath report --json`` prints
(documented in docs/assessment.md).
"""

from __future__ import annotations

from collections.abc import Mapping

from pmpath.assessment import (
    GapAnalysis,
    Placement,
    SelfAssessment,
    analyse_gaps,
    build_plan,
    place,
    suggest_direction,
)
from pmpath.assessment.direction import Direction
from pmpath.assessment.placement import CompetencyFit, RoleFit, starting_role
from pmpath.assessment.plan import GrowthPlan as PlanOfSteps
from pmpath.errors import NoPathError
from pmpath.framework import Exit, Framework, Ladder, Role, Track
from pmpath.framework.model import Certification, DevelopmentAction
from pmpath.services.models.evidence import CompetencyEvidence, ExamShare
from pmpath.services.models.guidance import (
    BackgroundRef,
    Candidate,
    CompetencyLevel,
    Gap,
    GrowthPlan,
    Guidance,
    Intake,
    PlanStep,
    RolePlacement,
    RoleRange,
    RoleRef,
    SpecialisationSuggestion,
    Strength,
    Target,
    TrackSuggestion,
)

#: How many best-fitting roles the placement lists besides the one it chose.
CANDIDATES = 10

NOTE = (
    "This is a guide for a career conversation, not a verdict: it reflects how you rated "
    "yourself against the framework's behaviours. Check it with a manager or mentor who "
    "knows your work, and with evidence."
)


def default_target(
    framework: Framework, placement: Placement, track: Track, current_role: str | None = None
) -> str:
    """The next role on ``track`` from the placement; the placed role while working towards it.

    Someone who holds ``current_role`` is never sent backwards: when no path leads from it to
    that target (their ratings place them below the role they hold), the target is the role
    they hold, whose expectations their own ratings do not meet yet.
    """
    placed = framework.role(placement.role_id)
    found = placed.id
    if placement.status == "ready-now" and placed.next_roles:
        found = next(
            (r for r in placed.next_roles if framework.role(r).track.shares_ladder_with(track)),
            placed.next_roles[0],
        )
    if current_role is None:
        return found
    try:
        Ladder(framework).shortest_path(current_role, found)
    except NoPathError:
        return current_role
    return found


def guidance(
    framework: Framework,
    assessment: SelfAssessment,
    target: str | None = None,
    evidence: Mapping[str, CompetencyEvidence] | None = None,
) -> Guidance:
    """Placement, direction, target, gaps and growth plan for ``assessment``.

    ``target`` overrides the assessment's own target; without either, the next role on the
    suggested track. A target no path reaches from the person's role is bad input.
    ``evidence`` (competency id -> its exam evidence) is shown beside each self-rating in the
    gap rows: the share of credit on exam items, and ``tested``, the rating the learner's IRT
    ability points to (see PsychometricsService.competency_evidence). It informs the
    conversation but does not move the placement.
    """
    ladder = Ladder(framework)
    placement = place(framework, assessment)
    direction = suggest_direction(framework, assessment, placement.role_id)
    target_id = (
        target
        or assessment.target
        or default_target(framework, placement, direction.track, assessment.current_role)
    )
    target_node = ladder.node(target_id)
    path = ladder.shortest_path(starting_role(assessment, placement), target_node.id)
    gaps = analyse_gaps(framework, assessment, target_node)
    stages = tuple(dict.fromkeys([framework.role(placement.role_id).stage, target_node.stage]))
    plan = build_plan(framework, assessment, gaps, stages)
    target_fit = placement.fits[target_node.id]

    return Guidance(
        intake=_intake(framework, assessment, direction),
        placement=_placement(framework, placement),
        target=Target(
            role=_ref(target_node),
            fit=target_fit.fit,
            band=target_fit.band,
            readiness=target_fit.readiness,
            path=[_ref(ladder.node(step)) for step in path],
        ),
        gaps=_gap_rows(framework, gaps, evidence or {}),
        strengths=[
            Strength(
                competency=row.competency_id,
                name=framework.competency(row.competency_id).name,
                current=row.current,
                expected=row.expected,
                surplus=-row.gap,
            )
            for row in gaps.strengths
        ],
        plan=_plan(framework, plan),
    )


def _ref(node: Role | Exit) -> RoleRef:
    return RoleRef(id=node.id, name=node.name, stage=node.stage)


def _intake(framework: Framework, assessment: SelfAssessment, direction: Direction) -> Intake:
    background = (
        framework.background(assessment.background) if assessment.background is not None else None
    )
    current = framework.role(assessment.current_role) if assessment.current_role else None
    spec = direction.specialisation_id
    return Intake(
        background=BackgroundRef(id=background.id, name=background.name) if background else None,
        current_role=_ref(current) if current else None,
        years=assessment.years,
        interests=list(assessment.interests),
        unrated=list(assessment.unrated),
        track=TrackSuggestion(suggested=direction.track, reason=direction.track_reason),
        specialisation=(
            SpecialisationSuggestion(
                id=spec,
                name=next(s.name for s in framework.specialisations if s.id == spec),
                reason=direction.specialisation_reason or "",
            )
            if spec
            else None
        ),
    )


def _competency_rows(framework: Framework, fits: list[CompetencyFit]) -> list[CompetencyLevel]:
    return [
        CompetencyLevel(
            competency=c.competency_id,
            name=framework.competency(c.competency_id).name,
            current=c.current,
            expected=c.expected,
        )
        for c in fits
    ]


def _placement(framework: Framework, placement: Placement) -> RolePlacement:
    fit: RoleFit = placement.role_fit
    ladder = Ladder(framework)
    candidates = sorted(
        (f for f in placement.fits.values() if framework.has("role", f.role_id)),
        key=lambda f: (-f.readiness.rank, -f.fit),
    )[:CANDIDATES]
    return RolePlacement(
        role=_ref(framework.role(placement.role_id)),
        status=placement.status,
        readiness=fit.readiness,
        fit=fit.fit,
        band=fit.band,
        range=RoleRange(
            low=_ref(framework.role(placement.low_role_id)),
            high=_ref(framework.role(placement.high_role_id)),
        ),
        meets=_competency_rows(framework, fit.meets),
        exceeds=_competency_rows(framework, fit.exceeds),
        short=_competency_rows(framework, fit.short),
        capped_by=_competency_rows(framework, fit.capped_by),
        candidates=[
            Candidate(
                role=_ref(ladder.node(f.role_id)),
                fit=f.fit,
                band=f.band,
                readiness=f.readiness,
                capped_by=[c.competency_id for c in f.capped_by],
            )
            for f in candidates
        ],
        note=NOTE,
    )


def _gap_rows(
    framework: Framework, gaps: GapAnalysis, evidence: Mapping[str, CompetencyEvidence]
) -> list[Gap]:
    rows = []
    for row in gaps.rows:
        competency = framework.competency(row.competency_id)
        found = evidence.get(row.competency_id)
        rows.append(
            Gap(
                competency=row.competency_id,
                name=competency.name,
                area=competency.area,
                current=row.current,
                expected=row.expected,
                gap=row.gap,
                weight=row.weight,
                must_have=row.must_have,
                impact=row.impact,
                exam=_exam_part(found),
                tested=found.tested if found else None,
            )
        )
    return rows


def _exam_part(found: CompetencyEvidence | None) -> ExamShare | None:
    """Exam scores on a competency, without the tested rating beside them."""
    if found is None or found.percent is None or found.items is None:
        return None
    return ExamShare(percent=found.percent, items=found.items)


def _plan(framework: Framework, plan: PlanOfSteps) -> GrowthPlan:
    actions = {a.id: a for a in framework.development_actions}
    certifications = {c.id: c for c in framework.certifications}
    steps = []
    for step in plan.steps:
        item: DevelopmentAction | Certification = (
            actions[step.item_id] if step.source == "action" else certifications[step.item_id]
        )
        steps.append(
            PlanStep(
                order=step.order,
                start_week=step.start_week,
                end_week=step.end_week,
                kind=step.kind,
                source=step.source,
                id=step.item_id,
                name=item.name,
                summary=item.summary,
                competencies=list(step.competencies),
            )
        )
    return GrowthPlan(
        horizon_weeks=plan.horizon_weeks,
        transition_steps=list(plan.transition_steps),
        steps=steps,
    )
