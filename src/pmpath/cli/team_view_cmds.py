"""``pmpath team``: a team's heat map, coverage, bench strength and what-if, acting as the
account given by ``--as`` with the same permission checks as the web (a team's managers and
the organisation's admins). ORG and TEAM are ids or names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.options import AsOption, DatabaseOption, JsonOption

if TYPE_CHECKING:
    from pmpath.app import Pmpath
    from pmpath.services.accounts import User
    from pmpath.services.models.team_views import Coverage, HeatMap

app = typer.Typer(
    help="A team's heat map, coverage, bench strength and what-if (managers and admins).",
    no_args_is_help=True,
)

OrgArg = Annotated[str, typer.Argument(help="The organisation: its id or its name.")]
TeamArg = Annotated[str, typer.Argument(help="The team: its id or its name.")]
#: How each source of a level is abbreviated in a heat-map cell.
SOURCE_MARK = {"calibrated": "c", "manager": "m", "self": "s"}
READINESS = {
    "now": "ready now",
    "within-6-months": "within 6 months",
    "later": "later",
    "not-enough-data": "not enough data",
}


def _context(
    email: str, database_url: str | None, org: str, team: str
) -> tuple[Pmpath, User, int, int]:
    from pmpath.cli.acting import acting_as, find_organisation, find_team

    pmpath, me = acting_as(email, database_url)
    organisation_id = find_organisation(pmpath, me, org)
    return pmpath, me, organisation_id, find_team(pmpath, me, organisation_id, team)


def heat_map(
    org: OrgArg,
    team: TeamArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Each member's current level in each competency.

    c calibrated, m manager, s self; ↓ where it is below what their role expects, blank
    where nothing is known."""
    from pmpath.cli import render

    pmpath, me, organisation_id, team_id = _context(as_email, database_url, org, team)
    found = pmpath.team_views.heat_map(me, team_id, organisation_id)
    if as_json:
        render.json_out(found)
        return
    _print_heat_map(found)


def _print_heat_map(found: HeatMap) -> None:
    from pmpath.cli import render

    render.heading(f"Heat map of {found.team.team} on {found.team.framework_name}")
    if not found.members:
        render.say("The team has no members yet.")
        return
    for member in found.members:
        role = member.role_name or f"no role ({member.role_note})"
        render.dim(f"{member.name}: {role}; {member.known} known, {member.below} below the role")
    rows = []
    for index, competency in enumerate(found.competencies):
        cells = []
        for member in found.members:
            cell = member.cells[index]
            if cell.level is None:
                cells.append("")
                continue
            mark = "↓" if cell.status == "below" else ""
            cells.append(f"{cell.level}{SOURCE_MARK[cell.source or 'self']}{mark}")
        rows.append([competency.name, *cells])
    render.table(None, ["Competency", *(m.name.split()[0] for m in found.members)], rows)
    render.dim("c calibrated, m manager, s self-assessment; ↓ below what the role expects.")


def coverage(
    org: OrgArg,
    team: TeamArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Per competency: who meets their role, and the team's gaps.

    For each competency: members meeting their role, the strongest level, and gaps where
    nobody reaches what the team's most demanding role expects."""
    from pmpath.cli import render

    pmpath, me, organisation_id, team_id = _context(as_email, database_url, org, team)
    found = pmpath.team_views.coverage(me, team_id, organisation_id)
    if as_json:
        render.json_out(found)
        return
    _print_coverage(found, f"Coverage of {found.team.team} on {found.team.framework_name}")


def _print_coverage(found: Coverage, title: str) -> None:
    from pmpath.cli import render

    render.heading(title)
    rows = [
        [
            c.name + (" (gap)" if c.gap else ""),
            f"{c.meeting} of {c.expected_of}" if c.expected_of else "-",
            str(c.strongest) if c.strongest is not None else "-",
            str(c.most_demanding) if c.most_demanding is not None else "-",
        ]
        for c in found.competencies
    ]
    render.table(None, ["Competency", "Meet role", "Strongest", "Expected"], rows)
    gaps = [c.name for c in found.competencies if c.gap]
    render.say(f"Gaps in coverage: {', '.join(gaps)}." if gaps else "No gaps in coverage.")
    if found.without_role:
        render.dim(f"Without a role on this ladder: {', '.join(found.without_role)}.")


def bench(
    org: OrgArg,
    team: TeamArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who is ready for their next role, and when.

    Ready now, within 6 months, later, or not enough data to say."""
    from pmpath.cli import render

    pmpath, me, organisation_id, team_id = _context(as_email, database_url, org, team)
    found = pmpath.team_views.bench(me, team_id, organisation_id)
    if as_json:
        render.json_out(found)
        return
    render.heading(f"Bench strength of {found.team.team}")
    rows = []
    for m in found.members:
        best = next((n for n in m.next_roles if n.role_name == m.target_role), None)
        detail = m.note or ""
        if best is not None:
            detail = best.note or (
                f"fit {best.fit:.0f} of 100; "
                + (_levels_short(best.levels_short) if best.levels_short else "meets all")
            )
        rows.append(
            [
                m.name,
                m.role_name or "-",
                m.target_role or "-",
                READINESS[m.readiness] if m.readiness else "-",
                detail,
            ]
        )
    render.table(None, ["Member", "Role", "Next role", "Readiness", "Detail"], rows)
    render.say(", ".join(f"{READINESS[k]}: {v}" for k, v in found.counts.items()))


def _levels_short(n: int) -> str:
    """ "1 level short", "3 levels short"."""
    return f"{n} level{'' if n == 1 else 's'} short"


def what_if(
    org: OrgArg,
    team: TeamArg,
    as_email: AsOption,
    member: Annotated[str, typer.Option("--member", help="The member: user id, email or name.")],
    role: Annotated[str, typer.Option("--role", help="The role they would hold (its id).")],
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The team's coverage as if a member held another role.

    The gaps the move would open and close."""
    from pmpath.cli import render
    from pmpath.errors import Location, PmpathError

    pmpath, me, organisation_id, team_id = _context(as_email, database_url, org, team)
    wanted = member.strip().casefold()
    if wanted.isdigit():
        chosen = [int(wanted)]
    elif "@" in wanted:
        chosen = [pmpath.accounts.user_by_email(wanted).id]
    else:  # a name: look it up among the team's members
        choices = pmpath.team_views.what_if_choices(me, team_id, organisation_id)
        chosen = [m.user_id for m in choices.members if m.name.casefold() == wanted]
    if len(chosen) != 1:
        raise PmpathError("choose a member of this team", Location(field_path=("member",)))
    found = pmpath.team_views.what_if(me, team_id, chosen[0], role, organisation_id)
    if as_json:
        render.json_out(found)
        return
    names = {c.competency_id: c.name for c in found.after.competencies}
    render.heading(
        f"What if {found.member} moved from {found.from_role_name or 'no role'} "
        f"to {found.to_role_name}"
    )
    render.say(
        f"{found.member}'s readiness for it: {READINESS[found.readiness.readiness]} "
        f"({_levels_short(found.readiness.levels_short)})."
    )
    render.say(
        "New gaps: " + (", ".join(names[c] for c in found.new_gaps) or "none") + ". "
        "Gaps closed: " + (", ".join(names[c] for c in found.closed_gaps) or "none") + "."
    )
    if found.vacated_role:
        render.say(f"{found.vacated_role} would be empty: nobody else in the team holds it.")
    rows = [
        [
            c.name,
            f"{c.meeting_before} -> {c.meeting_after}",
            f"{c.most_demanding_before or '-'} -> {c.most_demanding_after or '-'}",
            "opens"
            if c.gap_after and not c.gap_before
            else "closes"
            if c.gap_before and not c.gap_after
            else "",
        ]
        for c in found.changes
    ]
    if rows:
        render.table("Coverage that changes", ["Competency", "Meet role", "Expected", "Gap"], rows)
    else:
        render.say("The team's coverage would not change.")


app.command(name="heat-map")(heat_map)
app.command(name="coverage")(coverage)
app.command(name="bench")(bench)
app.command(name="what-if")(what_if)
