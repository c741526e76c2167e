"""The ladder as a graph: next steps, paths between roles, and what changes along them.

Nodes are roles and exits; a role's ``next_roles`` and an exit's ``from_roles`` are the
edges. The rules guarantee the graph has no cycle, so every walk ends.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from pmpath.errors import NoPathError, NotFoundError
from pmpath.framework.model import Exit, Framework, Role, Track
from pmpath.suggest import unknown

Node = Role | Exit


@dataclass(frozen=True)
class LevelChange:
    """How the expectation for one competency differs between two places on the ladder."""

    competency_id: str
    competency_name: str
    before: int | None
    after: int

    @property
    def delta(self) -> int:
        return self.after - (self.before or 0)


@dataclass(frozen=True)
class LadderDiff:
    """What changes when moving from one role (or exit) to another."""

    from_id: str
    to_id: str
    rising: list[LevelChange]
    falling: list[LevelChange]
    unchanged: list[LevelChange]
    new_must_haves: list[str]
    new_responsibilities: list[str]


class Ladder:
    """Graph queries over a checked :class:`Framework`."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self._nodes: dict[str, Node] = {role.id: role for role in framework.roles}
        self._nodes.update({exit_.id: exit_ for exit_ in framework.exits})
        self._by_title: dict[str, Node] = {}
        for node in self._nodes.values():
            titles = [node.name, *(node.aliases if isinstance(node, Role) else [])]
            for title in titles:
                self._by_title.setdefault(title.casefold(), node)
        self._successors: dict[str, list[str]] = {
            role.id: list(role.next_roles) for role in framework.roles
        }
        for exit_ in framework.exits:
            self._successors[exit_.id] = []
            for role_id in exit_.from_roles:
                self._successors[role_id].append(exit_.id)

    def node(self, node_id: str) -> Node:
        """The role or exit with this id (or, for people typing titles, this name or alias)."""
        found = self._nodes.get(node_id) or self._by_title.get(node_id.casefold())
        if found is None:
            raise NotFoundError(unknown("role or exit id", node_id, self._nodes))
        return found

    def resolve(self, node_id: str) -> str:
        """The id of the role or exit that ``node_id`` names."""
        return self.node(node_id).id

    def next_steps(self, node_id: str) -> list[Node]:
        """The roles and exits one step on from ``node_id``."""
        node_id = self.resolve(node_id)
        return [self._nodes[n] for n in self._successors[node_id]]

    def previous_steps(self, node_id: str) -> list[Role]:
        """The roles people usually come to ``node_id`` from."""
        node_id = self.resolve(node_id)
        return [role for role in self.framework.roles if node_id in self._successors[role.id]]

    def entry_roles(self) -> list[Role]:
        first = self.framework.stages[0].id
        return [role for role in self.framework.roles if role.stage == first]

    def _allowed(self, node_id: str, track: Track | None) -> bool:
        node = self._nodes[node_id]
        # Exits sit beyond the product ladder: any track may lead to them.
        return track is None or isinstance(node, Exit) or node.track.shares_ladder_with(track)

    def iter_paths(self, start: str, goal: str, track: Track | None = None) -> Iterator[list[str]]:
        """Every path of next-role steps from ``start`` to ``goal`` (depth first)."""
        start, goal = self.resolve(start), self.resolve(goal)
        if not (self._allowed(start, track) and self._allowed(goal, track)):
            return
        # Iterative, so a long ladder cannot hit the recursion limit.
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            current, path = stack.pop()
            if current == goal:
                yield path
                continue
            for nxt in reversed(self._successors[current]):
                if self._allowed(nxt, track):
                    stack.append((nxt, [*path, nxt]))

    def paths(
        self, start: str, goal: str, track: Track | None = None, limit: int | None = None
    ) -> list[list[str]]:
        """Paths from ``start`` to ``goal``, shortest first; stops searching after ``limit``."""
        found: list[list[str]] = []
        for path in self.iter_paths(start, goal, track):
            found.append(path)
            if limit is not None and len(found) >= limit:
                break
        return sorted(found, key=len)

    def shortest_path(self, start: str, goal: str, track: Track | None = None) -> list[str]:
        """The path with the fewest steps; raises :class:`NoPathError` when none exists."""
        start, goal = self.resolve(start), self.resolve(goal)
        came_from: dict[str, str | None] = {start: None}
        queue = deque([start]) if self._allowed(start, track) else deque()
        while queue:
            current = queue.popleft()
            if current == goal:
                path = [goal]
                while (previous := came_from[path[-1]]) is not None:
                    path.append(previous)
                return path[::-1]
            for nxt in self._successors[current]:
                if nxt not in came_from and self._allowed(nxt, track):
                    came_from[nxt] = current
                    queue.append(nxt)
        on_track = f" on the {track.value} track" if track else ""
        raise NoPathError(f"no path of next-role steps leads from {start!r} to {goal!r}{on_track}")

    def diff(self, start: str, goal: str) -> LadderDiff:
        """What changes between two places on the ladder: levels, must-haves, responsibilities."""
        before, after = self.node(start), self.node(goal)
        start, goal = before.id, after.id
        rising, falling, unchanged = [], [], []
        for comp in self.framework.competencies:
            target = after.expectations.get(comp.id)
            if target is None:
                continue
            current = before.expectations.get(comp.id)
            change = LevelChange(
                comp.id, comp.name, current.level if current else None, target.level
            )
            if change.before is None or change.after > change.before:
                rising.append(change)
            elif change.after < change.before:
                falling.append(change)
            else:
                unchanged.append(change)
        rising.sort(key=lambda change: -change.delta)
        falling.sort(key=lambda change: change.delta)
        new_must_haves = [
            comp_id
            for comp_id, expectation in after.expectations.items()
            if expectation.must_have
            and not (comp_id in before.expectations and before.expectations[comp_id].must_have)
        ]
        old = set(before.responsibilities)
        return LadderDiff(
            from_id=start,
            to_id=goal,
            rising=rising,
            falling=falling,
            unchanged=unchanged,
            new_must_haves=new_must_haves,
            new_responsibilities=[r for r in after.responsibilities if r not in old],
        )
