"""Ids written against an earlier version of a framework, and specialised expectations.

A framework's ``previous_versions`` say how the ids of an earlier version map onto the current
ones, so that answer files, question banks and stored assessments written against version 1.0
keep working after 2.0 merged some competencies and folded a role into another. A
specialisation's ``adjusts`` raise (or lower) what roles expect of a few competencies for
people who follow it; :func:`specialised` gives the framework as such a person meets it.
"""

from __future__ import annotations

from pmpath.errors import NotFoundError
from pmpath.framework.model import Expectation, Framework, Role


def current_competency_id(framework: Framework, competency_id: str) -> str | None:
    """The id of this version for ``competency_id``: itself, its replacement, or None."""
    return _current(framework, "competency", competency_id)


def current_role_id(framework: Framework, role_id: str) -> str | None:
    """The id of this version for ``role_id`` (a role or an exit), its replacement, or None."""
    if framework.has("exit", role_id):
        return role_id
    return _current(framework, "role", role_id)


def _current(framework: Framework, kind: str, item_id: str) -> str | None:
    if framework.has(kind, item_id):
        return item_id
    section = "competencies" if kind == "competency" else "roles"
    # The newest earlier version that knew the id decides; the rules guarantee the target exists.
    for previous in reversed(framework.previous_versions):
        mapping: dict[str, str] = getattr(previous, section)
        if item_id in mapping:
            return mapping[item_id]
    return None


def replaced_ids(framework: Framework) -> dict[str, str]:
    """Every old competency id any earlier version used, mapped to its current id."""
    found: dict[str, str] = {}
    for previous in framework.previous_versions:
        found.update(previous.competencies)
    return found


def specialised(framework: Framework, specialisation_id: str | None) -> Framework:
    """``framework`` with every role's expectations adjusted for the specialisation.

    Adjustments apply to roles from the specialisation's ``from_stage`` on (by default every
    stage after the entry stage) and stay inside the scale. Adding the same amount to a
    competency across a run of stages keeps expectations from falling along a track, so the
    specialised ladder obeys the same rules as the file.
    """
    if specialisation_id is None:
        return framework
    spec = next((s for s in framework.specialisations if s.id == specialisation_id), None)
    if spec is None:
        from pmpath.suggest import unknown

        known = [s.id for s in framework.specialisations]
        raise NotFoundError(unknown("specialisation id", specialisation_id, known))
    if not spec.adjusts:
        return framework

    def build(fw: Framework) -> Framework:
        first = fw.stage_rank(spec.from_stage) if spec.from_stage else 1
        roles = [
            _adjusted(role, spec.adjusts, fw) if fw.stage_rank(role.stage) >= first else role
            for role in fw.roles
        ]
        return Framework.model_validate({**fw.model_dump(), "roles": roles})

    return framework.derived(f"specialised:{specialisation_id}", build)


def _adjusted(role: Role, adjusts: dict[str, int], fw: Framework) -> Role:
    top = len(fw.scale)
    expectations = dict(role.expectations)
    for competency_id, delta in adjusts.items():
        now = expectations.get(competency_id)
        if now is not None:
            level = min(top, max(1, now.level + delta))
            expectations[competency_id] = Expectation(
                level=level, weight=now.weight, must_have=now.must_have
            )
    return role.model_copy(update={"expectations": expectations})
