"""``pmpath check-in``: goals and one-to-ones from the command line, acting as the account given
by ``--as`` with that account's permissions (the same service as the pages and the API). ORG
and TEAM are ids or names; MEMBER is an email address or an account id."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.acting import acting_as, find_organisation, find_team, find_user
from pmpath.cli.options import AsOption, CsvOutputOption, DatabaseOption, JsonOption

if TYPE_CHECKING:
    from pmpath.services.models.check_ins import Goal

app = typer.Typer(
    help="Check-ins: a member's goals, the one-to-ones their manager records, the progress "
    "history and a team's history as CSV.",
    rich_markup_mode=None,
    no_args_is_help=True,
)

OrgArg = Annotated[str, typer.Argument(help="The organisation: its id or its exact name.")]
MemberArg = Annotated[str, typer.Argument(help="The member: their email (or account id).")]
TeamArg = Annotated[str, typer.Argument(help="The team: its id or its exact name.")]


def _date(given: str | None, option: str) -> date | None:
    from pmpath.errors import Location, PmpathError

    if given is None:
        return None
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise PmpathError(
            f"{option} must be a date such as 2026-12-07, not {given!r}",
            Location(field_path=(option.lstrip("-"),)),
        ) from None


def _day(moment: date) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _goal_line(goal: Goal) -> list[str]:
    from pmpath.services.models.check_ins import STATUS_NAMES

    aim = goal.competency_name or ""
    if goal.target_level:
        aim += f" → {goal.target_level} ({goal.target_level_name})"
    state = {"open": "Open", "done": "Done", "dropped": "Dropped"}[goal.state]
    if goal.state == "open" and goal.status:
        state += f", {STATUS_NAMES[goal.status].lower()}"
    return [
        str(goal.id),
        goal.title,
        aim,
        goal.plan_step or "",
        _day(goal.due_on) if goal.due_on else "",
        state,
    ]


@app.command(name="goals")
def goals(
    organisation: OrgArg,
    member: MemberArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """A member's goals, open ones first.

    The member, their manager and the organisation's admins see them."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.check_ins.goals(
        me, find_organisation(app_, me, organisation), find_user(app_, member)
    )
    if as_json:
        render.json_out(found)
        return
    if not found.goals:
        render.say(f"{found.member} has no goals yet.")
        return
    render.table(
        f"Goals of {found.member}",
        ["Goal", "Title", "Competency", "Plan step", "Due", "State"],
        [_goal_line(goal) for goal in found.goals],
    )


@app.command(name="add-goal")
def add_goal(
    organisation: OrgArg,
    member: MemberArg,
    title: Annotated[str, typer.Argument(help="The goal, in one line (up to 200 characters).")],
    as_email: AsOption,
    competency: Annotated[
        str | None,
        typer.Option("--competency", "-c", help="A competency id of the organisation's ladder."),
    ] = None,
    level: Annotated[
        int | None, typer.Option("--level", "-l", help="The level aimed for in the competency.")
    ] = None,
    plan_step: Annotated[
        str | None,
        typer.Option(
            "--plan-step",
            help="A step of the member's current plan, by its name (see `pmpath check-in "
            "history`).",
        ),
    ] = None,
    due: Annotated[
        str | None, typer.Option("--due", help="The due date, e.g. 2027-03-31.", metavar="DATE")
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set a goal for a member (the member or their manager)."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    goal = app_.check_ins.add_goal(
        me,
        find_organisation(app_, me, organisation),
        find_user(app_, member),
        title,
        competency,
        level,
        plan_step,
        _date(due, "--due"),
    )
    if as_json:
        render.json_out(goal)
        return
    render.say(f"Goal {goal.id} set: {goal.title}")


@app.command(name="drop-goal")
def drop_goal(
    organisation: OrgArg,
    member: MemberArg,
    goal: Annotated[int, typer.Argument(help="The goal's number (see `pmpath check-in goals`).")],
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Drop an open goal (the member or their manager).

    Goals are marked done at a check-in, not dropped."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    dropped = app_.check_ins.drop_goal(
        me, find_organisation(app_, me, organisation), find_user(app_, member), goal
    )
    if as_json:
        render.json_out(dropped)
        return
    render.say(f"Goal {dropped.id} dropped: {dropped.title}")


@app.command(name="record")
def record(
    organisation: OrgArg,
    member: MemberArg,
    as_email: AsOption,
    on: Annotated[
        str | None,
        typer.Option("--date", help="The day of the one-to-one; default: today.", metavar="DATE"),
    ] = None,
    notes: Annotated[str, typer.Option("--notes", help="Notes (up to 5,000 characters).")] = "",
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            help="GOAL=STATUS for every open goal: not-started, on-track, at-risk or done "
            "(done closes it). Repeat for each goal.",
            metavar="GOAL=STATUS",
        ),
    ] = None,
    note: Annotated[
        list[str] | None,
        typer.Option(
            "--note", help="GOAL=TEXT, a note on one goal. Repeatable.", metavar="GOAL=TEXT"
        ),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a check-in with a member (their team's manager)."""
    from pmpath.cli import render
    from pmpath.services.check_ins import Progress
    from pmpath.services.models.check_ins import STATUS_NAMES

    statuses = _pairs(status or [], "--status")
    goal_notes = _pairs(note or [], "--note")
    app_, me = acting_as(as_email, database_url)
    held_on = _date(on, "--date") or app_.clock().date()
    progress = {goal: Progress(value, goal_notes.get(goal)) for goal, value in statuses.items()}
    for goal in set(goal_notes) - set(statuses):
        progress[goal] = Progress("", goal_notes[goal])  # the service names the missing status
    made = app_.check_ins.record(
        me,
        find_organisation(app_, me, organisation),
        find_user(app_, member),
        held_on,
        notes,
        progress,
    )
    if as_json:
        render.json_out(made)
        return
    render.say(f"Check-in with {made.member} on {_day(made.held_on)} saved.")
    for step in made.progress:
        render.say(
            f"  {step.goal}: {STATUS_NAMES[step.status]}" + (f" ({step.note})" if step.note else "")
        )


def _pairs(given: list[str], option: str) -> dict[int, str]:
    from pmpath.errors import Location, PmpathError

    found: dict[int, str] = {}
    for item in given:
        goal, sep, value = item.partition("=")
        if not sep or not goal.strip().isdigit():
            raise PmpathError(
                f"{option} takes GOAL=VALUE with the goal's number, not {item!r}",
                Location(field_path=(option.lstrip("-"),)),
            )
        found[int(goal)] = value.strip()
    return found


@app.command(name="history")
def history(
    organisation: OrgArg,
    member: MemberArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """A member's check-ins and goals, newest first.

    Each goal with its status at each check-in."""
    from pmpath.cli import render
    from pmpath.services.models.check_ins import STATUS_NAMES

    app_, me = acting_as(as_email, database_url)
    found = app_.check_ins.member(
        me, find_organisation(app_, me, organisation), find_user(app_, member)
    )
    if as_json:
        render.json_out(found)
        return
    render.heading(f"Check-ins of {found.member} in {found.organisation}")
    if not found.history:
        render.say("No goals yet.")
    for entry in found.history:
        render.say()
        line = _goal_line(entry.goal)
        render.say(f"Goal {line[0]}: {entry.goal.title} · {line[5]}")
        if entry.goal.competency:
            then = entry.level_then
            now = entry.level_now
            render.say(
                f"  {entry.goal.competency_name}: level when set "
                f"{then.level if then else 'not rated'}, now {now.level if now else 'not rated'}"
            )
        for step in entry.statuses:
            render.say(
                f"  {_day(step.held_on)}: {STATUS_NAMES[step.status]}"
                + (f" ({step.note})" if step.note else "")
            )
        if not entry.statuses:
            render.dim("  not discussed at a check-in yet")
    if found.check_ins:
        render.say()
        render.table(
            "Check-ins, newest first",
            ["Date", "Manager", "Team", "Notes"],
            [[_day(c.held_on), c.manager or "", c.team or "", c.notes] for c in found.check_ins],
        )
    if found.may_set_goals and found.plan_steps:
        render.bullets("Plan steps a goal can serve", [step.name for step in found.plan_steps])


@app.command(name="export")
def export(
    organisation: OrgArg,
    team: TeamArg,
    as_email: AsOption,
    output: CsvOutputOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """A team's check-in history as CSV (managers, admins).

    One row per check-in and goal; for the team's managers and the organisation's
    admins."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    organisation_id = find_organisation(app_, me, organisation)
    found = app_.check_ins.team_export(
        me, organisation_id, find_team(app_, me, organisation_id, team)
    )
    if as_json:
        render.json_out(found)
        return
    if output is None:
        sys.stdout.write(found.csv)
        return
    output.write_bytes(("\ufeff" + found.csv).encode("utf-8"))
    rows = f"{found.rows} row" + ("" if found.rows == 1 else "s")
    render.say(f"Written {rows} to {output}")
