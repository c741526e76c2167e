"""Exploring the ladder: the data behind ``pmpath roles``, ``role``, ``path``, ``diff`` and friends.

Each function returns a model of :mod:`pmpath.services.models.ladder`, whose JSON keys are
documented in docs/cli.md. The CLI prints them as tables or as JSON; the API serves them.
"""

from __future__ import annotations

from collections.abc import Callable

from pmpath.framework import Exit, Framework, Ladder, LevelChange, Track
from pmpath.framework.model import Role
from pmpath.framework.versions import current_competency_id, current_role_id
from pmpath.services.models.ladder import (
    AreaCompetencies,
    BackgroundDetail,
    Backgrounds,
    BackgroundSummary,
    Certifications,
    Competencies,
    CompetencyBehaviours,
    CompetencyName,
    DevelopmentActions,
    DiffReport,
    ExitDetail,
    Exits,
    ExitSummary,
    ExpectationChange,
    ExpectationRow,
    FrameworkCounts,
    FrameworkSummary,
    LadderGraph,
    LadderNode,
    LadderStage,
    NodeRef,
    PathReport,
    RoleCard,
    RoleDetail,
    RoleName,
    RolesByStage,
    Specialisations,
    StageOverview,
    StageRoles,
    Stages,
    TransferableStrength,
)

#: ``pmpath path`` lists at most this many paths; a generated ladder can have millions.
MAX_PATHS = 50


def _ref(node: Role | Exit) -> NodeRef:
    return NodeRef(
        id=node.id,
        name=node.name,
        kind="exit" if isinstance(node, Exit) else "role",
        stage=node.stage,
    )


def framework_summary(fw: Framework) -> FrameworkSummary:
    return FrameworkSummary(
        id=fw.id,
        name=fw.name,
        version=fw.version,
        summary=fw.summary,
        counts=FrameworkCounts(
            stages=len(fw.stages),
            roles=len(fw.roles),
            competencies=len(fw.competencies),
            backgrounds=len(fw.backgrounds),
            certifications=len(fw.certifications),
            development_actions=len(fw.development_actions),
            specialisations=len(fw.specialisations),
            exits=len(fw.exits),
        ),
    )


def _members(fw: Framework, stage_id: str) -> list[Role | Exit]:
    """A stage's roles, then its exits, in file order."""
    members: list[Role | Exit] = [r for r in fw.roles if r.stage == stage_id]
    return members + [e for e in fw.exits if e.stage == stage_id]


def roles_by_stage(fw: Framework) -> RolesByStage:
    """Every stage in ladder order with its roles and exits."""
    ladder = Ladder(fw)
    return RolesByStage(
        framework=framework_summary(fw),
        stages=[
            StageRoles(
                id=stage.id,
                name=stage.name,
                summary=stage.summary,
                roles=[
                    RoleCard(
                        id=node.id,
                        name=node.name,
                        kind="exit" if isinstance(node, Exit) else "role",
                        stage=node.stage,
                        track=node.track if isinstance(node, Role) else None,
                        summary=node.summary,
                        next=[step.id for step in ladder.next_steps(node.id)],
                    )
                    for node in _members(fw, stage.id)
                ],
            )
            for stage in fw.stages
        ],
    )


def graph(fw: Framework) -> LadderGraph:
    """The ladder to draw: each stage's roles and exits, and every next-role step as an edge."""
    ladder = Ladder(fw)
    stages = [(stage, _members(fw, stage.id)) for stage in fw.stages]
    return LadderGraph(
        stages=[
            LadderStage(
                id=stage.id,
                name=stage.name,
                roles=[
                    LadderNode(
                        id=node.id,
                        name=node.name,
                        kind="exit" if isinstance(node, Exit) else "role",
                        track=node.track if isinstance(node, Role) else None,
                    )
                    for node in members
                ],
            )
            for stage, members in stages
        ],
        edges=[
            (node.id, step.id)
            for _, members in stages
            for node in members
            for step in ladder.next_steps(node.id)
        ],
    )


def stages(fw: Framework) -> Stages:
    return Stages(
        stages=[
            StageOverview(
                id=stage.id,
                name=stage.name,
                summary=stage.summary,
                preparation=list(stage.preparation),
                roles=[node.id for node in _members(fw, stage.id)],
            )
            for stage in fw.stages
        ]
    )


def _expectation_rows(fw: Framework, node: Role | Exit) -> list[ExpectationRow]:
    rows = []
    for comp in fw.competencies:
        expectation = node.expectations.get(comp.id)
        if expectation is None:
            continue
        rows.append(
            ExpectationRow(
                competency=comp.id,
                name=comp.name,
                area=comp.area,
                level=expectation.level,
                level_name=fw.scale_name(expectation.level),
                weight=expectation.weight,
                must_have=expectation.must_have,
                behaviour=comp.behaviours[expectation.level],
            )
        )
    return rows


def role_detail(fw: Framework, node_id: str) -> RoleDetail | ExitDetail:
    """Everything about one role or exit: duties, expectations, neighbours, stage advice."""
    ladder = Ladder(fw)
    # An id of an earlier framework version (junior-product-manager) finds its current role.
    node = ladder.node(current_role_id(fw, node_id) or node_id)
    stage = fw.stage(node.stage)
    expectations = _expectation_rows(fw, node)
    next_steps = [_ref(step) for step in ladder.next_steps(node.id)]
    previous = [_ref(role) for role in ladder.previous_steps(node.id)]
    shared = {
        "id": node.id,
        "name": node.name,
        "stage": node.stage,
        "stage_name": stage.name,
        "summary": node.summary,
        "responsibilities": list(node.responsibilities),
        "expectations": expectations,
        "next": next_steps,
        "previous": previous,
        "stage_preparation": list(stage.preparation),
    }
    if isinstance(node, Role):
        return RoleDetail(
            **shared,
            track=node.track,
            aliases=list(node.aliases),
            success_measures=list(node.success_measures),
        )
    return ExitDetail(**shared, first_steps=list(node.first_steps))


def path_report(fw: Framework, start: str, goal: str, track: Track | None = None) -> PathReport:
    """The shortest path and every path (up to :data:`MAX_PATHS`) from ``start`` to ``goal``."""
    ladder = Ladder(fw)
    shortest = ladder.shortest_path(start, goal, track)
    paths = ladder.paths(start, goal, track, limit=MAX_PATHS + 1)
    return PathReport(
        from_=ladder.resolve(start),
        to=ladder.resolve(goal),
        track=track,
        shortest=[_ref(ladder.node(n)) for n in shortest],
        paths=[[_ref(ladder.node(n)) for n in path] for path in paths[:MAX_PATHS]],
        truncated=len(paths) > MAX_PATHS,
    )


def _changes(changes: list[LevelChange]) -> list[ExpectationChange]:
    return [
        ExpectationChange(
            competency=c.competency_id,
            name=c.competency_name,
            from_=c.before,
            to=c.after,
            delta=c.delta,
        )
        for c in changes
    ]


def diff_report(fw: Framework, start: str, goal: str) -> DiffReport:
    """What changes from ``start`` to ``goal``: rising and falling levels, must-haves, duties."""
    ladder = Ladder(fw)
    diff = ladder.diff(start, goal)
    return DiffReport(
        from_=_ref(ladder.node(start)),
        to=_ref(ladder.node(goal)),
        rising=_changes(diff.rising),
        falling=_changes(diff.falling),
        unchanged=_changes(diff.unchanged),
        new_must_haves=diff.new_must_haves,
        new_responsibilities=diff.new_responsibilities,
    )


def competencies(fw: Framework) -> Competencies:
    """The scale and every competency, grouped by area, with its behaviours per level."""
    return Competencies(
        scale=list(fw.scale),
        areas=[
            AreaCompetencies(
                id=area.id,
                name=area.name,
                summary=area.summary,
                competencies=[
                    CompetencyBehaviours(
                        id=comp.id,
                        name=comp.name,
                        summary=comp.summary,
                        behaviours={
                            str(level): text for level, text in sorted(comp.behaviours.items())
                        },
                    )
                    for comp in fw.competencies
                    if comp.area == area.id
                ],
            )
            for area in fw.areas
        ],
    )


def backgrounds(fw: Framework) -> Backgrounds:
    return Backgrounds(
        backgrounds=[
            BackgroundSummary(
                id=bg.id,
                name=bg.name,
                summary=bg.summary,
                suggested_entry_roles=list(bg.suggested_entry_roles),
            )
            for bg in fw.backgrounds
        ]
    )


def background_detail(fw: Framework, background_id: str) -> BackgroundDetail:
    bg = fw.background(background_id)
    return BackgroundDetail(
        id=bg.id,
        name=bg.name,
        summary=bg.summary,
        advantages=list(bg.advantages),
        strengths=[
            TransferableStrength(
                competency=comp_id,
                name=fw.competency(comp_id).name,
                level=level,
                level_name=fw.scale_name(level),
            )
            for comp_id, level in sorted(bg.strengths.items(), key=lambda item: -item[1])
        ],
        typical_gaps=[
            CompetencyName(competency=c, name=fw.competency(c).name) for c in bg.typical_gaps
        ],
        first_steps=list(bg.first_steps),
        suggested_entry_roles=[
            RoleName(id=r, name=fw.role(r).name) for r in bg.suggested_entry_roles
        ],
    )


def _wanted(
    fw: Framework, stage: str | None, competency: str | None
) -> Callable[[list[str], list[str]], bool]:
    """A filter on (stages, competencies) lists; unknown filter ids are bad input."""
    if stage is not None:
        fw.stage(stage)
    if competency is not None:
        # An id of an earlier framework version (user-research) filters by its replacement.
        competency = current_competency_id(fw, competency) or competency
        fw.competency(competency)

    def wanted(stages: list[str], competencies: list[str]) -> bool:
        return (stage is None or stage in stages) and (
            competency is None or competency in competencies
        )

    return wanted


def certifications(
    fw: Framework, stage: str | None = None, competency: str | None = None
) -> Certifications:
    """Certifications and learning programmes, optionally only those for a stage or competency."""
    wanted = _wanted(fw, stage, competency)
    return Certifications(
        certifications=[cert for cert in fw.certifications if wanted(cert.stages, cert.builds)]
    )


def development_actions(
    fw: Framework, stage: str | None = None, competency: str | None = None
) -> DevelopmentActions:
    """Development actions, optionally only those for a stage or competency."""
    wanted = _wanted(fw, stage, competency)
    return DevelopmentActions(
        development_actions=[
            action
            for action in fw.development_actions
            if wanted(action.stages, action.competencies)
        ]
    )


def specialisations(fw: Framework) -> Specialisations:
    return Specialisations(interests=list(fw.interests), specialisations=list(fw.specialisations))


def exits(fw: Framework) -> Exits:
    return Exits(
        exits=[
            ExitSummary(
                id=exit_.id,
                name=exit_.name,
                summary=exit_.summary,
                from_roles=list(exit_.from_roles),
                first_steps=list(exit_.first_steps),
            )
            for exit_ in fw.exits
        ]
    )
