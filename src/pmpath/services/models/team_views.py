"""What the team-views service returns: a team's heat map (members x competencies), its
coverage against what its roles expect, its bench strength, and a what-if (issue #19)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pmpath.services.models import Result

#: Where a current level comes from (pmpath.services.current_levels): the most considered wins.
LevelSource = Literal["calibrated", "manager", "self"]
#: A heat-map cell against what the member's role expects of the competency.
CellStatus = Literal["exceeds", "meets", "below", "unknown", "no-role"]
#: Bench readiness for a next role; see pmpath.services.team_views for the rule.
BenchReadiness = Literal["now", "within-6-months", "later", "not-enough-data"]


class TeamRef(Result):
    """Which team a view is of, and on which ladder."""

    organisation_id: int
    organisation: str
    team_id: int
    team: str
    framework_id: str
    framework_name: str


class ScaleStep(Result):
    """One level of the ladder's scale with its heat-map colours."""

    level: int
    name: str
    #: The cell's background (a step of the viridis palette) and the text colour on it.
    fill: str
    text: str
    #: The contrast of ``text`` on ``fill`` (WCAG ratio; at least 4.5).
    contrast: float


class CompetencyRef(Result):
    id: str
    name: str
    area: str


class Cell(Result):
    """One member's current level in one competency, against what their role expects."""

    competency_id: str
    #: None where nothing is known (no calibration, manager rating or self-assessment).
    level: int | None
    source: LevelSource | None
    #: When that level was given.
    at: datetime | None
    #: What the member's role expects; None when the member has no role on this ladder.
    expected: int | None
    must_have: bool
    status: CellStatus


class HeatMapRow(Result):
    """One member's row."""

    user_id: int
    name: str
    #: The role their placement puts them in, on this ladder; None without one.
    role_id: str | None
    role_name: str | None
    #: Why there is no role, when there is none ("no self-assessment yet", ...).
    role_note: str | None
    cells: list[Cell]
    #: How many competencies have a level.
    known: int
    #: How many fall below what the role expects.
    below: int


class HeatMap(Result):
    team: TeamRef
    #: The palette's name and the scale's steps with their colours, lowest first.
    palette: str
    scale: list[ScaleStep]
    competencies: list[CompetencyRef]
    members: list[HeatMapRow]


class CompetencyCoverage(Result):
    """How the team covers one competency."""

    competency_id: str
    name: str
    #: Members with a role on this ladder (each role expects every competency it lists).
    expected_of: int
    #: Of them, how many are at or above what their own role expects.
    meeting: int
    #: The names of those below it.
    below: list[str]
    #: The team's highest current level, and who holds it; None when nobody has a level.
    strongest: int | None
    strongest_members: list[str]
    #: The highest level any of the team's roles expects, and which roles expect it.
    most_demanding: int | None
    most_demanding_roles: list[str]
    #: True when nobody in the team is at ``most_demanding``: a gap in coverage.
    gap: bool


class Coverage(Result):
    team: TeamRef
    members: int
    #: The members without a role on this ladder (their levels count for ``strongest`` only).
    without_role: list[str]
    competencies: list[CompetencyCoverage]
    #: Ids of the competencies with a gap, in ladder order.
    gaps: list[str]


class Shortfall(Result):
    competency_id: str
    name: str
    #: None when nothing is known (counted at the scale's floor).
    level: int | None
    expected: int
    must_have: bool


class NextRole(Result):
    """A member's readiness for one next role."""

    role_id: str
    role_name: str
    readiness: BenchReadiness
    #: The placement's fit with the role (0-100), on the current levels.
    fit: float
    #: How many levels short in total, and of how many competencies nothing is known.
    levels_short: int
    unknown: int
    short: list[Shortfall]
    #: Why there is not enough data, when there is not.
    note: str | None


class BenchMember(Result):
    user_id: int
    name: str
    role_id: str | None
    role_name: str | None
    #: "ready-now" (placed in the role) or "working-towards" (the entry role they aim at).
    placement_status: str | None
    #: The member's best readiness over ``next_roles``; "not-enough-data" without a role.
    readiness: BenchReadiness | None
    #: The role that readiness is for.
    target_role: str | None
    next_roles: list[NextRole]
    #: Why there is no next role or no readiness ("top of the ladder", "no role yet", ...).
    note: str | None


class Bench(Result):
    team: TeamRef
    members: list[BenchMember]
    #: How many members are in each bucket (now, within-6-months, later, not-enough-data).
    counts: dict[str, int]


class CoverageChange(Result):
    competency_id: str
    name: str
    meeting_before: int
    meeting_after: int
    most_demanding_before: int | None
    most_demanding_after: int | None
    gap_before: bool
    gap_after: bool


class MemberChoice(Result):
    """A member of the team as the what-if form offers them, with their role today."""

    user_id: int
    name: str
    role_id: str | None
    role_name: str | None


class RoleChoice(Result):
    id: str
    name: str


class WhatIfChoices(Result):
    """What the what-if form offers: the team's members and the ladder's roles."""

    team: TeamRef
    members: list[MemberChoice]
    roles: list[RoleChoice]


class WhatIf(Result):
    """The team's shape if one member moved to another role."""

    team: TeamRef
    member_id: int
    member: str
    from_role_id: str | None
    from_role_name: str | None
    to_role_id: str
    to_role_name: str
    #: The member's readiness for the role, by the bench rule.
    readiness: NextRole
    #: Gaps in coverage the move opens, and those it closes (competency ids).
    new_gaps: list[str]
    closed_gaps: list[str]
    #: Competencies where the team's most demanding expectation rises: the bar the move sets.
    raised: list[str]
    #: Every competency whose coverage changes.
    changes: list[CoverageChange]
    #: The member's old role's name, when nobody else in the team holds it after the move
    #: (a seat to backfill).
    vacated_role: str | None
    #: Competencies where the member now falls below what the new role expects.
    member_short: list[Shortfall]
    before: Coverage
    after: Coverage
    heat_map: HeatMap
    #: The form's choices, so a page shows the result and the form from one read.
    choices: WhatIfChoices
