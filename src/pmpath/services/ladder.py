"""Exploring the ladder: the data behind ``pmpath roles``, ``role``, ``path``, ``diff`` and friends.

Each function returns plain dicts and lists with stable keys, documented in docs/cli.md.
The CLI prints them as tables or as JSON; the web app will serve the same structures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pmpath.framework import Exit, Framework, Ladder, LadderDiff, Track
from pmpath.framework.model import Role

Json = dict[str, Any]

#: ``pmpath path`` lists at most this many paths; a generated ladder can have millions.
MAX_PATHS = 50


def _ref(node: Role | Exit) -> Json:
    return {
        "id": node.id,
        "name": node.name,
        "kind": "exit" if isinstance(node, Exit) else "role",
        "stage": node.stage,
    }


def framework_summary(fw: Framework) -> Json:
    return {
        "id": fw.id,
        "name": fw.name,
        "version": fw.version,
        "summary": fw.summary,
        "counts": {
            "stages": len(fw.stages),
            "roles": len(fw.roles),
            "competencies": len(fw.competencies),
            "backgrounds": len(fw.backgrounds),
            "certifications": len(fw.certifications),
            "development_actions": len(fw.development_actions),
            "specialisations": len(fw.specialisations),
            "exits": len(fw.exits),
        },
    }


def roles_by_stage(fw: Framework) -> Json:
    """Every stage in ladder order with its roles and exits."""
    ladder = Ladder(fw)
    stages = []
    for stage in fw.stages:
        members: list[Role | Exit] = [r for r in fw.roles if r.stage == stage.id]
        members += [e for e in fw.exits if e.stage == stage.id]
        stages.append(
            {
                "id": stage.id,
                "name": stage.name,
                "summary": stage.summary,
                "roles": [
                    {
                        **_ref(node),
                        "track": node.track.value if isinstance(node, Role) else None,
                        "summary": node.summary,
                        "next": [step.id for step in ladder.next_steps(node.id)],
                    }
                    for node in members
                ],
            }
        )
    return {"framework": framework_summary(fw), "stages": stages}


def stages(fw: Framework) -> Json:
    return {
        "stages": [
            {
                "id": stage.id,
                "name": stage.name,
                "summary": stage.summary,
                "preparation": list(stage.preparation),
                "roles": [r.id for r in fw.roles if r.stage == stage.id]
                + [e.id for e in fw.exits if e.stage == stage.id],
            }
            for stage in fw.stages
        ]
    }


def _expectation_rows(fw: Framework, node: Role | Exit) -> list[Json]:
    rows = []
    for comp in fw.competencies:
        expectation = node.expectations.get(comp.id)
        if expectation is None:
            continue
        rows.append(
            {
                "competency": comp.id,
                "name": comp.name,
                "area": comp.area,
                "level": expectation.level,
                "level_name": fw.scale_name(expectation.level),
                "weight": expectation.weight,
                "must_have": expectation.must_have,
                "behaviour": comp.behaviours[expectation.level],
            }
        )
    return rows


def role_detail(fw: Framework, node_id: str) -> Json:
    """Everything about one role or exit: duties, expectations, neighbours, stage advice."""
    ladder = Ladder(fw)
    node = ladder.node(node_id)
    stage = fw.stage(node.stage)
    detail: Json = {
        **_ref(node),
        "stage_name": stage.name,
        "summary": node.summary,
        "responsibilities": list(node.responsibilities),
        "expectations": _expectation_rows(fw, node),
        "next": [_ref(step) for step in ladder.next_steps(node.id)],
        "previous": [_ref(role) for role in ladder.previous_steps(node.id)],
        "stage_preparation": list(stage.preparation),
    }
    if isinstance(node, Role):
        detail |= {
            "track": node.track.value,
            "aliases": list(node.aliases),
            "success_measures": list(node.success_measures),
        }
    else:
        detail |= {"track": None, "first_steps": list(node.first_steps)}
    return detail


def path_report(fw: Framework, start: str, goal: str, track: Track | None = None) -> Json:
    """The shortest path and every path (up to :data:`MAX_PATHS`) from ``start`` to ``goal``."""
    ladder = Ladder(fw)
    shortest = ladder.shortest_path(start, goal, track)
    paths = ladder.paths(start, goal, track, limit=MAX_PATHS + 1)
    return {
        "from": ladder.resolve(start),
        "to": ladder.resolve(goal),
        "track": track.value if track else None,
        "shortest": [_ref(ladder.node(n)) for n in shortest],
        "paths": [[_ref(ladder.node(n)) for n in path] for path in paths[:MAX_PATHS]],
        "truncated": len(paths) > MAX_PATHS,
    }


def diff_report(fw: Framework, start: str, goal: str) -> Json:
    """What changes from ``start`` to ``goal``: rising and falling levels, must-haves, duties."""
    ladder = Ladder(fw)
    diff: LadderDiff = ladder.diff(start, goal)

    def change_rows(changes: list[Any]) -> list[Json]:
        return [
            {
                "competency": c.competency_id,
                "name": c.competency_name,
                "from": c.before,
                "to": c.after,
                "delta": c.delta,
            }
            for c in changes
        ]

    return {
        "from": _ref(ladder.node(start)),
        "to": _ref(ladder.node(goal)),
        "rising": change_rows(diff.rising),
        "falling": change_rows(diff.falling),
        "unchanged": change_rows(diff.unchanged),
        "new_must_haves": diff.new_must_haves,
        "new_responsibilities": diff.new_responsibilities,
    }


def competencies(fw: Framework) -> Json:
    """The scale and every competency, grouped by area, with its behaviours per level."""
    return {
        "scale": [step.model_dump(mode="json") for step in fw.scale],
        "areas": [
            {
                "id": area.id,
                "name": area.name,
                "summary": area.summary,
                "competencies": [
                    {
                        "id": comp.id,
                        "name": comp.name,
                        "summary": comp.summary,
                        "behaviours": {
                            str(level): text for level, text in sorted(comp.behaviours.items())
                        },
                    }
                    for comp in fw.competencies
                    if comp.area == area.id
                ],
            }
            for area in fw.areas
        ],
    }


def backgrounds(fw: Framework) -> Json:
    return {
        "backgrounds": [
            {
                "id": bg.id,
                "name": bg.name,
                "summary": bg.summary,
                "suggested_entry_roles": list(bg.suggested_entry_roles),
            }
            for bg in fw.backgrounds
        ]
    }


def background_detail(fw: Framework, background_id: str) -> Json:
    bg = fw.background(background_id)
    return {
        "id": bg.id,
        "name": bg.name,
        "summary": bg.summary,
        "advantages": list(bg.advantages),
        "strengths": [
            {
                "competency": comp_id,
                "name": fw.competency(comp_id).name,
                "level": level,
                "level_name": fw.scale_name(level),
            }
            for comp_id, level in sorted(bg.strengths.items(), key=lambda item: -item[1])
        ],
        "typical_gaps": [{"competency": c, "name": fw.competency(c).name} for c in bg.typical_gaps],
        "first_steps": list(bg.first_steps),
        "suggested_entry_roles": [
            {"id": r, "name": fw.role(r).name} for r in bg.suggested_entry_roles
        ],
    }


def _wanted(fw: Framework, stage: str | None, competency: str | None) -> Callable[..., bool]:
    """A filter on (stages, competencies) lists; unknown filter ids are bad input."""
    if stage is not None:
        fw.stage(stage)
    if competency is not None:
        fw.competency(competency)

    def wanted(stages: list[str], competencies: list[str]) -> bool:
        return (stage is None or stage in stages) and (
            competency is None or competency in competencies
        )

    return wanted


def certifications(fw: Framework, stage: str | None = None, competency: str | None = None) -> Json:
    """Certifications and learning programmes, optionally only those for a stage or competency."""
    wanted = _wanted(fw, stage, competency)
    return {
        "certifications": [
            {
                "id": cert.id,
                "name": cert.name,
                "kind": cert.kind.value,
                "provider": cert.provider,
                "summary": cert.summary,
                "builds": list(cert.builds),
                "stages": list(cert.stages),
            }
            for cert in fw.certifications
            if wanted(cert.stages, cert.builds)
        ]
    }


def development_actions(
    fw: Framework, stage: str | None = None, competency: str | None = None
) -> Json:
    """Development actions, optionally only those for a stage or competency."""
    wanted = _wanted(fw, stage, competency)
    return {
        "development_actions": [
            action.model_dump(mode="json")
            for action in fw.development_actions
            if wanted(action.stages, action.competencies)
        ]
    }


def specialisations(fw: Framework) -> Json:
    return {
        "interests": [interest.model_dump(mode="json") for interest in fw.interests],
        "specialisations": [spec.model_dump(mode="json") for spec in fw.specialisations],
    }


def exits(fw: Framework) -> Json:
    return {
        "exits": [
            {
                "id": exit_.id,
                "name": exit_.name,
                "summary": exit_.summary,
                "from_roles": list(exit_.from_roles),
                "first_steps": list(exit_.first_steps),
            }
            for exit_ in fw.exits
        ]
    }
