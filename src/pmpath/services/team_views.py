"""Team views (issue #19): a heat map of a team's members against the ladder's competencies,
the team's coverage against what its roles expect, its bench strength, and a what-if.

Who sees them: a team's managers and the organisation's admins. A member of the team, or
the manager of another team, gets ForbiddenError; someone outside the organisation
NotFoundError, as for the team itself. Each view writes one access-log row per member whose
data it reads.

What they read, the same for all four:

- **the rubric** is the organisation's newest ladder, else the bundled one
  (ColleagueRatingService.rubric);
- **the members** are the people in the team with the role "member" (its managers lead it);
- **a member's level** in a competency is their current level
  (:func:`pmpath.services.current_levels.current_levels`: calibrated, else the newest
  manager rating, else the newest self-assessment), shown with its source;
- **a member's role** is the role their placement puts them in (the teams service's rule:
  their newest finished self-assessment, on the organisation's ladder if they took it there);
  what the role expects of each competency is the ladder's. A member without a self-assessment
  on this ladder has no role: their levels show, but nothing is expected of them.

**Bench strength.** For each member, the next roles up the ladder: the placement role's
``next_roles`` when the placement is "ready now", or the placement role itself when the member
is still "working towards" it. Readiness for a next role, on the member's current levels (a
competency with no level counts at the scale's floor, as in placement):

- **not enough data** when fewer than half of the competencies the role expects have a level,
  or any of its must-haves has none;
- **now** when placement would call the member "ready now" for it
  (:mod:`pmpath.assessment.placement`: fit at least 90, no must-have short, no competency more
  than one level short);
- **within 6 months** when no competency (must-have or not) is more than
  :data:`SIX_MONTHS_STEP` level short and the shortfalls add up to at most
  :data:`SIX_MONTHS_TOTAL` levels;
- **later** otherwise.

A member's bucket is their best readiness over their next roles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pmpath.assessment.placement import Readiness, place
from pmpath.assessment.profile import Rating, SelfAssessment
from pmpath.errors import ForbiddenError, Location, NotFoundError, PmpathError
from pmpath.framework import Framework, Role
from pmpath.services.accounts import User
from pmpath.services.assessments import AssessmentService, utc_now
from pmpath.services.current_levels import CurrentLevel, current_levels
from pmpath.services.membership import standing
from pmpath.services.models.team_views import (
    Bench,
    BenchMember,
    BenchReadiness,
    Cell,
    CellStatus,
    CompetencyCoverage,
    CompetencyRef,
    Coverage,
    CoverageChange,
    HeatMap,
    HeatMapRow,
    MemberChoice,
    NextRole,
    RoleChoice,
    ScaleStep,
    Shortfall,
    TeamRef,
    WhatIf,
    WhatIfChoices,
)
from pmpath.services.teams import TeamService
from pmpath.store import Database
from pmpath.store import organisations as store

#: "Within 6 months": no competency more than this many levels short ...
SIX_MONTHS_STEP = 1
#: ... and the shortfalls add up to at most this many levels.
SIX_MONTHS_TOTAL = 2
#: Fewer than this share of a role's expected competencies with a level: not enough data.
MIN_KNOWN_SHARE = 0.5
#: The order of the buckets, readiest first.
BUCKETS: tuple[BenchReadiness, ...] = ("now", "within-6-months", "later", "not-enough-data")

#: What the access log calls a read by each view (at most 40 characters).
READ_HEAT_MAP = "team heat map"
READ_COVERAGE = "team coverage"
READ_BENCH = "team bench strength"
READ_WHAT_IF = "team what-if"

#: The heat map's palette: viridis (matplotlib's default sequential map, by van der Walt and
#: Smith), perceptually uniform and readable with every common colour-vision deficiency and in
#: greyscale: light steps are high levels. Nine anchors at 0, 1/8, ..., 1; a scale's levels take
#: evenly spaced steps between them.
PALETTE = "viridis"
_VIRIDIS = (
    "#440154",
    "#472d7b",
    "#3b528b",
    "#2c728e",
    "#21918c",
    "#28ae80",
    "#5ec962",
    "#addc30",
    "#fde725",
)
DARK_TEXT = "#000000"
LIGHT_TEXT = "#ffffff"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    a, b = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def viridis(fraction: float) -> str:
    """The viridis colour at ``fraction`` (0 dark purple .. 1 yellow), interpolated linearly
    between the nine anchors."""
    position = min(max(fraction, 0.0), 1.0) * (len(_VIRIDIS) - 1)
    low = int(position)
    high = min(low + 1, len(_VIRIDIS) - 1)
    share = position - low
    mixed = (
        round(a + (b - a) * share)
        for a, b in zip(_rgb(_VIRIDIS[low]), _rgb(_VIRIDIS[high]), strict=True)
    )
    return "#" + "".join(f"{value:02x}" for value in mixed)


def scale_steps(framework: Framework) -> list[ScaleStep]:
    """Each level of the scale with its fill and the text colour (black or white, whichever
    contrasts more) on it."""
    levels = list(framework.levels)
    steps = []
    for index, level in enumerate(levels):
        fill = viridis(index / (len(levels) - 1) if len(levels) > 1 else 1.0)
        text = max((DARK_TEXT, LIGHT_TEXT), key=lambda ink: contrast(ink, fill))
        steps.append(
            ScaleStep(
                level=level,
                name=framework.scale_name(level),
                fill=fill,
                text=text,
                contrast=round(contrast(text, fill), 2),
            )
        )
    return steps


@dataclass(frozen=True)
class _Member:
    user_id: int
    name: str
    role: Role | None
    role_note: str | None
    placement_status: str | None
    levels: dict[str, CurrentLevel]


@dataclass(frozen=True)
class _Team:
    ref: TeamRef
    rubric: Framework
    members: list[_Member]


class TeamViewService:
    """Heat map, coverage, bench strength and what-if for one team at a time."""

    def __init__(
        self,
        database: Database,
        teams: TeamService,
        rubric: Callable[[int], Framework],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.teams = teams
        self.rubric = rubric
        self.clock = clock

    # -- the four views -----------------------------------------------------------------------

    def heat_map(self, me: User, team_id: int, organisation_id: int | None = None) -> HeatMap:
        """Members x competencies: each member's current level with its source, against what
        their role expects."""
        team = self._read(me, team_id, organisation_id)
        self._log(me, team, READ_HEAT_MAP)
        return _heat_map(team, {})

    def coverage(self, me: User, team_id: int, organisation_id: int | None = None) -> Coverage:
        """For each competency: how many members meet what their role expects, the team's
        strongest level, and whether anyone reaches what its most demanding role expects."""
        team = self._read(me, team_id, organisation_id)
        self._log(me, team, READ_COVERAGE)
        return _coverage(team, {})

    def bench(self, me: User, team_id: int, organisation_id: int | None = None) -> Bench:
        """Who is ready for their next role: now, within 6 months, later, or not enough data."""
        team = self._read(me, team_id, organisation_id)
        self._log(me, team, READ_BENCH)
        members = sorted(
            (_bench_member(team.rubric, member) for member in team.members),
            key=lambda m: BUCKETS.index(m.readiness) if m.readiness else len(BUCKETS),
        )  # readiest first; within a bucket, in the team's order (by name)
        counts = dict.fromkeys(BUCKETS, 0)
        for member in members:
            if member.readiness is not None:
                counts[member.readiness] += 1
        return Bench(team=team.ref, members=members, counts=counts)

    def what_if_choices(
        self, me: User, team_id: int, organisation_id: int | None = None
    ) -> WhatIfChoices:
        """The what-if form's choices: the team's members with their roles, and the roles of
        the ladder (logged as a what-if: the roles come from the members' placements)."""
        team = self._read(me, team_id, organisation_id)
        self._log(me, team, READ_WHAT_IF)
        return _choices(team)

    def what_if(
        self,
        me: User,
        team_id: int,
        member_id: int,
        role_id: str,
        organisation_id: int | None = None,
    ) -> WhatIf:
        """The team's coverage and heat map as if ``member_id`` held ``role_id``: what the
        team gains (gaps closed) and loses (gaps opened, a role left empty)."""
        team = self._read(me, team_id, organisation_id)
        member = next((m for m in team.members if m.user_id == member_id), None)
        if member is None:
            raise PmpathError("choose a member of this team", Location(field_path=("member",)))
        role_id = role_id.strip()
        if not role_id or not team.rubric.has("role", role_id):
            raise PmpathError(
                f"choose a role of {team.rubric.name}", Location(field_path=("role",))
            )
        target = team.rubric.role(role_id)
        if member.role is not None and member.role.id == target.id:
            raise PmpathError(
                f"{member.name} already holds {target.name}: choose another role",
                Location(field_path=("role",)),
            )
        self._log(me, team, READ_WHAT_IF)
        moved = {member.user_id: target}
        before = _coverage(team, {})
        after = _coverage(team, moved)
        changes = [
            CoverageChange(
                competency_id=old.competency_id,
                name=old.name,
                meeting_before=old.meeting,
                meeting_after=new.meeting,
                most_demanding_before=old.most_demanding,
                most_demanding_after=new.most_demanding,
                gap_before=old.gap,
                gap_after=new.gap,
            )
            for old, new in zip(before.competencies, after.competencies, strict=True)
            if (old.meeting, old.most_demanding, old.gap, old.expected_of)
            != (new.meeting, new.most_demanding, new.gap, new.expected_of)
        ]
        old_role = member.role
        vacated = None
        if old_role is not None and not any(
            m.role is not None and m.role.id == old_role.id
            for m in team.members
            if m.user_id != member.user_id
        ):
            vacated = old_role.name
        readiness = _readiness(team.rubric, member, target)
        return WhatIf(
            team=team.ref,
            member_id=member.user_id,
            member=member.name,
            from_role_id=old_role.id if old_role else None,
            from_role_name=old_role.name if old_role else None,
            to_role_id=target.id,
            to_role_name=target.name,
            readiness=readiness,
            new_gaps=[c for c in after.gaps if c not in before.gaps],
            closed_gaps=[c for c in before.gaps if c not in after.gaps],
            raised=[
                c.competency_id
                for c in changes
                if (c.most_demanding_after or 0) > (c.most_demanding_before or 0)
            ],
            changes=changes,
            vacated_role=vacated,
            member_short=readiness.short,
            before=before,
            after=after,
            heat_map=_heat_map(team, moved),
            choices=_choices(team),
        )

    # -- reading a team -----------------------------------------------------------------------

    def _log(self, me: User, team: _Team, what: str) -> None:
        """One access-log row per member whose data a view read (other than ``me``), once the
        request is known to be good: a rejected request changes nothing."""
        with self.database.transaction() as session:
            store.log_access(
                session,
                team.ref.organisation_id,
                me.id,
                [m.user_id for m in team.members if m.user_id != me.id],
                what,
                self.clock(),
            )

    def _placement(
        self, profile: str, ladder: Framework | None
    ) -> tuple[Framework, str, str] | None:
        """(ladder, role id, status) of the newest finished self-assessment's placement: the
        teams service's rule (TeamService._placement: on the organisation's ``ladder``, else
        on the bundled one), without the growth plan it also builds, which these views do not
        need (a test holds the two to the same answer)."""
        bundled = self.teams.framework
        for framework in [ladder, bundled] if ladder is not None else [bundled]:
            service = (
                self.teams.assessments
                if framework is bundled
                else AssessmentService(self.database, framework, self.clock)
            )
            done = service.history(profile)
            if done:
                placed = place(framework, done[-1].assessment)
                return framework, placed.role_id, placed.status
        return None

    def _read(self, me: User, team_id: int, organisation_id: int | None = None) -> _Team:
        """The team with its members' roles and current levels, after checking ``me`` may
        see them (ForbiddenError, NotFoundError; a team outside ``organisation_id``, when it is
        given, is not found). Nothing is logged here: see :meth:`_log`."""
        with self.database.read() as session:
            row = store.team(session, team_id)
            if row is None or organisation_id not in (None, row.organisation_id):
                raise NotFoundError(f"there is no team {team_id}")
            place = standing(session, me, row.organisation_id)
            if not (place.admin or place.teams.get(team_id) == "manager"):
                raise ForbiddenError(
                    "only the team's managers and the organisation's admins see its team views"
                )
            people = [p for p in store.team_members(session, team_id) if p.role == "member"]
            organisation_id, team_name = row.organisation_id, row.name
        rubric = self.rubric(organisation_id)
        ladder = self.teams.ladders.newest(organisation_id)
        levels = current_levels(
            self.database, rubric, organisation_id, [p.id for p in people], self.clock
        )
        members = []
        for person in people:
            role: Role | None = None
            note: str | None = "no self-assessment yet"
            status: str | None = None
            placed = self._placement(person.profile, ladder)
            bundled = self.teams.framework
            on_rubric = placed is not None and (placed[0] is bundled) == (rubric is bundled)
            if placed is not None and on_rubric and rubric.has("role", placed[1]):
                role, note, status = rubric.role(placed[1]), None, placed[2]
            elif placed is not None:
                note = f"self-assessed on {placed[0].name} only"
            members.append(
                _Member(person.id, person.name, role, note, status, levels.get(person.id, {}))
            )
        ref = TeamRef(
            organisation_id=organisation_id,
            organisation=place.organisation,
            team_id=team_id,
            team=team_name,
            framework_id=rubric.id,
            framework_name=rubric.name,
        )
        return _Team(ref, rubric, members)


# -- the views, computed from a read team ----------------------------------------------------


def _choices(team: _Team) -> WhatIfChoices:
    return WhatIfChoices(
        team=team.ref,
        members=[
            MemberChoice(
                user_id=m.user_id,
                name=m.name,
                role_id=m.role.id if m.role else None,
                role_name=m.role.name if m.role else None,
            )
            for m in team.members
        ],
        roles=[RoleChoice(id=r.id, name=r.name) for r in team.rubric.roles],
    )


def _role_of(member: _Member, moved: dict[int, Role]) -> Role | None:
    return moved.get(member.user_id, member.role)


def _status(level: int | None, expected: int | None, has_role: bool) -> CellStatus:
    if not has_role:
        return "no-role"
    if level is None:
        return "unknown"
    if expected is None or level == expected:
        return "meets"
    return "exceeds" if level > expected else "below"


def _heat_map(team: _Team, moved: dict[int, Role]) -> HeatMap:
    rubric = team.rubric
    rows = []
    for member in team.members:
        role = _role_of(member, moved)
        cells = []
        for competency in rubric.competencies:
            known = member.levels.get(competency.id)
            expectation = role.expectations.get(competency.id) if role else None
            level = known.level if known else None
            expected = expectation.level if expectation else None
            cells.append(
                Cell(
                    competency_id=competency.id,
                    level=level,
                    source=known.source if known else None,
                    at=known.at if known else None,
                    expected=expected,
                    must_have=bool(expectation and expectation.must_have),
                    status=_status(level, expected, role is not None),
                )
            )
        rows.append(
            HeatMapRow(
                user_id=member.user_id,
                name=member.name,
                role_id=role.id if role else None,
                role_name=role.name if role else None,
                role_note=None if role else member.role_note,
                cells=cells,
                known=sum(c.level is not None for c in cells),
                below=sum(c.status == "below" for c in cells),
            )
        )
    return HeatMap(
        team=team.ref,
        palette=PALETTE,
        scale=scale_steps(rubric),
        competencies=[
            CompetencyRef(id=c.id, name=c.name, area=c.area) for c in rubric.competencies
        ],
        members=rows,
    )


def _coverage(team: _Team, moved: dict[int, Role]) -> Coverage:
    rubric = team.rubric
    with_role = [(m, role) for m in team.members if (role := _role_of(m, moved)) is not None]
    competencies = []
    for competency in rubric.competencies:
        cid = competency.id
        known = [(m.name, m.levels[cid].level) for m in team.members if cid in m.levels]
        strongest = max((level for _, level in known), default=None)
        expected = {
            role.name: role.expectations[cid].level
            for _, role in with_role
            if cid in role.expectations
        }
        most = max(expected.values(), default=None)
        expecting = [(m, role) for m, role in with_role if cid in role.expectations]
        below = [
            m.name
            for m, role in expecting
            if cid not in m.levels or m.levels[cid].level < role.expectations[cid].level
        ]
        competencies.append(
            CompetencyCoverage(
                competency_id=cid,
                name=competency.name,
                expected_of=len(expecting),
                meeting=len(expecting) - len(below),
                below=below,
                strongest=strongest,
                strongest_members=[n for n, v in known if v == strongest],
                most_demanding=most,
                most_demanding_roles=sorted({n for n, v in expected.items() if v == most}),
                gap=most is not None and (strongest is None or strongest < most),
            )
        )
    return Coverage(
        team=team.ref,
        members=len(team.members),
        without_role=[m.name for m in team.members if _role_of(m, moved) is None],
        competencies=competencies,
        gaps=[c.competency_id for c in competencies if c.gap],
    )


def _readiness(rubric: Framework, member: _Member, role: Role) -> NextRole:
    """``member``'s readiness for ``role`` on their current levels (the rule in the module's
    docstring)."""
    expectations = role.expectations
    unknown = [cid for cid in expectations if cid not in member.levels]
    short = []
    total = 0
    for cid, expectation in expectations.items():
        known = member.levels.get(cid)
        level = known.level if known else rubric.levels.start
        if level < expectation.level:
            total += expectation.level - level
            short.append(
                Shortfall(
                    competency_id=cid,
                    name=rubric.competency(cid).name,
                    level=known.level if known else None,
                    expected=expectation.level,
                    must_have=expectation.must_have,
                )
            )
    ratings = {
        cid: Rating(cid, current.level)
        for cid, current in member.levels.items()
        if rubric.has("competency", cid)
    }
    fit = place(rubric, SelfAssessment(ratings)).fits[role.id]
    note = None
    missing_must = [cid for cid in unknown if expectations[cid].must_have]
    readiness: BenchReadiness
    if expectations and len(expectations) - len(unknown) < MIN_KNOWN_SHARE * len(expectations):
        readiness = "not-enough-data"
        note = (
            f"a level is known for {len(expectations) - len(unknown)} of the "
            f"{len(expectations)} competencies {role.name} expects"
        )
    elif missing_must:
        readiness = "not-enough-data"
        names = ", ".join(rubric.competency(cid).name for cid in missing_must)
        note = f"no level yet in {role.name}'s must-have {names}"
    elif fit.readiness is Readiness.READY_NOW:
        readiness = "now"
    elif all(s.expected - (s.level or rubric.levels.start) <= SIX_MONTHS_STEP for s in short) and (
        total <= SIX_MONTHS_TOTAL
    ):
        readiness = "within-6-months"
    else:
        readiness = "later"
    return NextRole(
        role_id=role.id,
        role_name=role.name,
        readiness=readiness,
        fit=fit.fit,
        levels_short=total,
        unknown=len(unknown),
        short=short,
        note=note,
    )


def _bench_member(rubric: Framework, member: _Member) -> BenchMember:
    role = member.role
    common: dict[str, Any] = {
        "user_id": member.user_id,
        "name": member.name,
        "role_id": role.id if role else None,
        "role_name": role.name if role else None,
        "placement_status": member.placement_status,
    }
    if role is None:
        return BenchMember(
            **common,
            readiness="not-enough-data",
            target_role=None,
            next_roles=[],
            note=f"no role on this ladder: {member.role_note}",
        )
    targets: Iterable[Role]
    if member.placement_status == "working-towards":
        targets = [role]
    else:
        targets = [rubric.role(rid) for rid in role.next_roles if rubric.has("role", rid)]
    found = [_readiness(rubric, member, target) for target in targets]
    if not found:
        return BenchMember(
            **common,
            readiness=None,
            target_role=None,
            next_roles=[],
            note=f"{role.name} is at the top of its ladder: no next role",
        )
    best = min(found, key=lambda n: (BUCKETS.index(n.readiness), -n.fit))
    return BenchMember(
        **common,
        readiness=best.readiness,
        target_role=best.role_name,
        next_roles=found,
        note=None,
    )


__all__ = [
    "BUCKETS",
    "MIN_KNOWN_SHARE",
    "PALETTE",
    "SIX_MONTHS_STEP",
    "SIX_MONTHS_TOTAL",
    "TeamViewService",
    "contrast",
    "scale_steps",
    "viridis",
]
