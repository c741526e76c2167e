"""The rules that give a framework file its meaning.

The pydantic models check each part's shape; these rules check how the parts fit
together. Each rule yields ``(field path, message)`` findings; the loader turns the
paths into file lines. A framework with no findings is safe for every other module:
ids resolve, levels sit inside the scale, and the ladder is a graph without cycles
that every role can be reached in from an entry role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from pmpath.errors import FieldPath
from pmpath.framework.model import Exit, Framework, Role, Track

Finding = tuple[FieldPath, str]


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


def check_framework(framework: Framework) -> list[Finding]:
    """Every finding that makes ``framework`` unusable, in file order; empty when it is sound."""
    findings: list[Finding] = []
    for rule in (_unique_ids, _scale, _references, _behaviours, _role_coverage, _ladder):
        findings += rule(framework)
        if rule is _unique_ids and findings:
            # Later rules look items up by id; with duplicates their answers would mislead.
            break
    return findings


def _unique_ids(fw: Framework) -> Iterator[Finding]:
    sections: list[tuple[str, Iterable[_HasId]]] = [
        ("areas", fw.areas),
        ("competencies", fw.competencies),
        ("stages", fw.stages),
        ("roles", fw.roles),
        ("interests", fw.interests),
        ("backgrounds", fw.backgrounds),
        ("certifications", fw.certifications),
        ("development_actions", fw.development_actions),
        ("specialisations", fw.specialisations),
        ("exits", fw.exits),
    ]
    for section, items in sections:
        first_seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.id in first_seen:
                yield (
                    (section, index, "id"),
                    (f"duplicate id {item.id!r} (first used at {section}[{first_seen[item.id]}])"),
                )
            first_seen.setdefault(item.id, index)
    # Roles and exits are both places on the ladder graph, so they share one namespace.
    role_ids = {role.id for role in fw.roles}
    for index, exit_ in enumerate(fw.exits):
        if exit_.id in role_ids:
            yield ("exits", index, "id"), f"id {exit_.id!r} is already the id of a role"


def _scale(fw: Framework) -> Iterator[Finding]:
    for index, step in enumerate(fw.scale):
        if step.level != index + 1:
            yield (
                ("scale", index, "level"),
                (
                    "scale levels must run 1, 2, 3, ... in order; "
                    f"expected {index + 1}, got {step.level}"
                ),
            )


def _level_problem(fw: Framework, level: int) -> str | None:
    if level in fw.levels:
        return None
    return f"level {level} is outside the scale ({fw.levels.start}-{fw.levels.stop - 1})"


def _unknown(kind: str, item_id: str, fw: Framework) -> str | None:
    if fw.has(kind, item_id):
        return None
    return f"unknown {kind} id {item_id!r}"


def _references(fw: Framework) -> Iterator[Finding]:
    """Every id that points elsewhere exists, and every level fits the scale."""
    checks: list[tuple[FieldPath, str, str]] = []  # (path, kind, id)
    for i, comp in enumerate(fw.competencies):
        checks.append((("competencies", i, "area"), "area", comp.area))
    for i, role in enumerate(fw.roles):
        checks.append((("roles", i, "stage"), "stage", role.stage))
        checks += [
            (("roles", i, "next_roles", j), "role", r) for j, r in enumerate(role.next_roles)
        ]
    for i, bg in enumerate(fw.backgrounds):
        checks += [(("backgrounds", i, "strengths", c), "competency", c) for c in bg.strengths]
        checks += [
            (("backgrounds", i, "typical_gaps", j), "competency", c)
            for j, c in enumerate(bg.typical_gaps)
        ]
        checks += [
            (("backgrounds", i, "suggested_entry_roles", j), "role", r)
            for j, r in enumerate(bg.suggested_entry_roles)
        ]
    for i, cert in enumerate(fw.certifications):
        checks += [
            (("certifications", i, "builds", j), "competency", c) for j, c in enumerate(cert.builds)
        ]
        checks += [
            (("certifications", i, "stages", j), "stage", s) for j, s in enumerate(cert.stages)
        ]
    for i, action in enumerate(fw.development_actions):
        checks += [
            (("development_actions", i, "competencies", j), "competency", c)
            for j, c in enumerate(action.competencies)
        ]
        checks += [
            (("development_actions", i, "stages", j), "stage", s)
            for j, s in enumerate(action.stages)
        ]
    interest_ids = {interest.id for interest in fw.interests}
    for i, spec in enumerate(fw.specialisations):
        checks += [
            (("specialisations", i, "emphasis", j), "competency", c)
            for j, c in enumerate(spec.emphasis)
        ]
        for j, interest in enumerate(spec.interests):
            if interest not in interest_ids:
                yield ("specialisations", i, "interests", j), f"unknown interest id {interest!r}"
    for i, exit_ in enumerate(fw.exits):
        checks.append((("exits", i, "stage"), "stage", exit_.stage))
        checks += [
            (("exits", i, "from_roles", j), "role", r) for j, r in enumerate(exit_.from_roles)
        ]
    for i, spec in enumerate(fw.specialisations):
        checks += [(("specialisations", i, "adjusts", c), "competency", c) for c in spec.adjusts]
        if spec.from_stage is not None:
            checks.append((("specialisations", i, "from_stage"), "stage", spec.from_stage))
    for i, cert in enumerate(fw.certifications):
        if cert.kind == "certification" and cert.provider is None:
            yield ("certifications", i, "provider"), "a certification names its provider"
        if cert.url is not None and not re.fullmatch(r"https?://\S+", cert.url):
            yield ("certifications", i, "url"), "a web address starting with https:// or http://"
    for i, action in enumerate(fw.development_actions):
        for j, level in enumerate(action.levels):
            message = _level_problem(fw, level)
            if message:
                yield ("development_actions", i, "levels", j), message
    yield from _previous_versions(fw)
    for path, kind, item_id in checks:
        message = _unknown(kind, item_id, fw)
        if message:
            yield path, message

    for i, bg in enumerate(fw.backgrounds):
        for comp_id, level in bg.strengths.items():
            message = _level_problem(fw, level)
            if message:
                yield ("backgrounds", i, "strengths", comp_id), message
    yield from _expectation_levels(fw, "roles", fw.roles)
    yield from _expectation_levels(fw, "exits", fw.exits)


def _previous_versions(fw: Framework) -> Iterator[Finding]:
    """Old ids map onto ids of this version, and an old id is no longer in use."""
    for i, previous in enumerate(fw.previous_versions):
        for section, kind in (("competencies", "competency"), ("roles", "role")):
            mapping: dict[str, str] = getattr(previous, section)
            for old, new in mapping.items():
                path: FieldPath = ("previous_versions", i, section, old)
                if fw.has(kind, old):
                    yield (
                        path,
                        f"{old!r} is still a {kind} id of this version; map only ids that changed",
                    )
                message = _unknown(kind, new, fw)
                if message:
                    yield path, message


def _expectation_levels(
    fw: Framework, section: str, holders: Sequence[Role | Exit]
) -> Iterator[Finding]:
    for i, holder in enumerate(holders):
        for comp_id, expectation in holder.expectations.items():
            message = _unknown("competency", comp_id, fw) or _level_problem(fw, expectation.level)
            if message:
                yield (section, i, "expectations", comp_id), message


def _behaviours(fw: Framework) -> Iterator[Finding]:
    """Each competency describes every level of the scale, and no level beyond it (nor do
    its interview questions)."""
    for i, comp in enumerate(fw.competencies):
        missing = [level for level in fw.levels if level not in comp.behaviours]
        if missing:
            yield (
                ("competencies", i, "behaviours"),
                (f"no behaviour written for level(s) {', '.join(map(str, missing))} of the scale"),
            )
        for level in comp.behaviours:
            message = _level_problem(fw, level)
            if message:
                yield ("competencies", i, "behaviours", level), message
        for j, question in enumerate(comp.interview_questions):
            for level in question.strong_answer:
                message = _level_problem(fw, level)
                if message:
                    path = ("competencies", i, "interview_questions", j, "strong_answer", level)
                    yield path, message


def _role_coverage(fw: Framework) -> Iterator[Finding]:
    """A role states its expectation for every competency, so roles can be compared."""
    for i, role in enumerate(fw.roles):
        missing = [comp.id for comp in fw.competencies if comp.id not in role.expectations]
        if missing:
            yield ("roles", i, "expectations"), f"no expected level for: {', '.join(missing)}"


def _ladder(fw: Framework) -> Iterator[Finding]:
    """The next-role graph has no cycle, reaches every role from an entry role, never climbs
    down a stage, and along one track never expects less than the role before it."""
    index_of = {role.id: i for i, role in enumerate(fw.roles)}
    edges = {role.id: [r for r in role.next_roles if r in index_of] for role in fw.roles}

    cycle = _find_cycle(edges)
    if cycle:
        first = index_of[cycle[0]]
        step = fw.roles[first].next_roles.index(cycle[1])
        yield (
            ("roles", first, "next_roles", step),
            ("next roles form a cycle: " + " -> ".join(cycle)),
        )
        return  # reachability and monotonicity are meaningless on a cyclic ladder

    stage_ids = [stage.id for stage in fw.stages]
    known_stages = set(stage_ids)
    entry_stage = stage_ids[0]
    reached = {role.id for role in fw.roles if role.stage == entry_stage}
    if not reached:
        yield (
            ("stages", 0),
            f"no role is in the first stage ({entry_stage!r}), so the ladder has no entry",
        )
    frontier = list(reached)
    while frontier:
        for nxt in edges[frontier.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    for i, role in enumerate(fw.roles):
        if role.id not in reached and reached:
            yield (
                ("roles", i, "id"),
                (
                    f"role {role.id!r} cannot be reached from any entry role "
                    f"(roles in stage {entry_stage!r}); add it to some role's next_roles"
                ),
            )

    for i, role in enumerate(fw.roles):
        for j, nxt_id in enumerate(role.next_roles):
            if nxt_id not in index_of:
                continue
            nxt_role = fw.roles[index_of[nxt_id]]
            if (
                role.stage in known_stages
                and nxt_role.stage in known_stages
                and stage_ids.index(nxt_role.stage) < stage_ids.index(role.stage)
            ):
                yield (
                    ("roles", i, "next_roles", j),
                    (
                        f"{nxt_id!r} is in stage {nxt_role.stage!r}, "
                        f"earlier than {role.id!r} ({role.stage!r})"
                    ),
                )
            if role.track.shares_ladder_with(nxt_role.track):
                yield from _falling(role, nxt_role, index_of[nxt_id])


def _falling(before: Role, after: Role, after_index: int) -> Iterator[Finding]:
    # Name the track the move stays on: the one that is not "both", if any.
    track = after.track if after.track is not Track.BOTH else before.track
    for comp_id, expected in after.expectations.items():
        previous = before.expectations.get(comp_id)
        if previous is not None and expected.level < previous.level:
            yield (
                ("roles", after_index, "expectations", comp_id),
                (
                    f"expectation falls along the {track.value} track: {previous.level} in "
                    f"{before.id!r} but {expected.level} in {after.id!r}, its next role"
                ),
            )


def _find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    """One cycle of the graph as a closed walk ``[a, b, ..., a]``, or None.

    Iterative depth-first search, so a long generated ladder cannot hit the recursion limit.
    """
    done: set[str] = set()
    for start in edges:
        if start in done:
            continue
        path: list[str] = [start]
        on_path = {start}
        pending = [iter(edges[start])]
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                pending.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
            elif nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                pending.append(iter(edges[nxt]))
    return None
