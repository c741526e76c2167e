"""``pmpath org``: organisations, teams, invitations, manager and peer ratings, requests to
self-assess, the access log and the organisation's own ladder, acting as the account given by
``--as`` with that account's permissions (the same services as the pages and the API).

ORG and TEAM are ids or exact names (of your organisations, of the organisation's teams);
USER is an account id or email. ``--json`` prints the API's model.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.acting import acting_as, find_organisation, find_team, find_user
from pmpath.cli.options import AsOption, DatabaseOption, JsonOption

if TYPE_CHECKING:
    from rich.text import Text

    from pmpath.services.models.teams import Placement

app = typer.Typer(
    help="Organisations and teams: members, invitations, manager and peer ratings, requests "
    "to self-assess, the access log and your own ladder, as the account given by --as.",
    rich_markup_mode=None,
    no_args_is_help=True,
)

OrgArg = Annotated[
    str, typer.Argument(help="The organisation: its id or its exact name.", show_default=False)
]
TeamArg = Annotated[
    str, typer.Argument(help="The team: its id or its exact name.", show_default=False)
]
UserArg = Annotated[
    str, typer.Argument(help="The person: their email or account id.", show_default=False)
]


def _and(names: list[str]) -> str:
    """ "Mia", "Mia and Pat", "Mia, Pat and Rosa"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _day(moment: datetime | date | None) -> str:
    """ "7 December 2026"; empty for None."""
    return f"{moment.day} {moment:%B %Y}" if moment else ""


def _placement(placement: Placement | None) -> Text | str:
    """The role on one line, and how far and since when on the next."""
    from pmpath.cli import render

    if placement is None:
        return "not self-assessed yet"
    status = "ready now" if placement.status == "ready-now" else "working towards"
    return render.named(placement.role_name, f"{status}, {_day(placement.assessed_at)}")


# -- organisations and teams -------------------------------------------------------------------


@app.command(name="list")
def list_organisations(
    as_email: AsOption, database_url: DatabaseOption = None, as_json: JsonOption = False
) -> None:
    """The organisations you are in, with your role in each."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.teams.organisations(me)
    if as_json:
        render.json_out(found)
        return
    if not found.organisations:
        render.say("You are in no organisation yet: `pmpath org create NAME` makes one.")
        return
    render.table(
        None,
        ["Id", "Organisation", "Your role"],
        [(str(o.id), o.name, o.role) for o in found.organisations],
    )


@app.command(name="create")
def create_organisation(
    name: Annotated[str, typer.Argument(help="The organisation's name.", show_default=False)],
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an organisation; you become its admin."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    made = app_.teams.create_organisation(me, name)
    if as_json:
        render.json_out(made)
        return
    render.say(f"Created {made.name} (id {made.id}); you are its organisation admin.")
    render.dim(f"Next: pmpath org team-create {made.id} NAME --as {me.email}")


@app.command(name="show")
def show_organisation(
    organisation: OrgArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """An organisation's teams, their sizes and your roles."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.teams.organisation(me, find_organisation(app_, me, organisation))
    if as_json:
        render.json_out(found)
        return
    render.heading(f"{found.name} (you are {'an admin' if found.role == 'admin' else 'a member'})")
    ladder = f"version {found.ladder_version}" if found.ladder_version else "the bundled ladder"
    render.dim(f"Ladder: {ladder}")
    if not found.teams:
        render.say("No teams yet.")
        return
    render.table(
        None,
        ["Id", "Team", "People", "Your role"],
        [(str(t.id), t.name, str(t.members), t.role or "") for t in found.teams],
    )


@app.command(name="team-create")
def create_team(
    organisation: OrgArg,
    name: Annotated[str, typer.Argument(help="The team's name.", show_default=False)],
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a team (admins); you become its manager."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    made = app_.teams.create_team(me, find_organisation(app_, me, organisation), name)
    if as_json:
        render.json_out(made)
        return
    render.say(f"Created the team {made.name} (id {made.id}) in {made.organisation}.")


@app.command(name="team")
def show_team(
    organisation: OrgArg,
    team: TeamArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """A team's members, roles and the placements you may see.

    Reads of others' placements are written to the access log."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    organisation_id = find_organisation(app_, me, organisation)
    found = app_.teams.team(me, find_team(app_, me, organisation_id, team))
    if as_json:
        render.json_out(found)
        return
    render.table(
        f"{found.name} · {found.organisation}",
        ["Id", "Name", "Role", "Placement"],
        [
            (
                str(m.user_id),
                m.name,
                m.role,
                _placement(m.placement) if m.visible else "private",
            )
            for m in found.members
        ],
    )


# -- invitations -------------------------------------------------------------------------------


@app.command(name="invite")
def invite(
    organisation: OrgArg,
    team: TeamArg,
    as_email: AsOption,
    role: Annotated[
        str, typer.Option("--role", help="member, or manager (organisation admins only).")
    ] = "member",
    email: Annotated[
        str | None,
        typer.Option(
            "--email",
            help="Email the link there (when the site has a mail server).",
            show_default=False,
        ),
    ] = None,
    days: Annotated[
        int, typer.Option("--days", min=1, max=30, help="How many days the link stays open.")
    ] = 14,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make a single-use invitation link to the team.

    The link is shown only now."""
    from datetime import timedelta

    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    organisation_id = find_organisation(app_, me, organisation)
    made = app_.teams.invite(
        me,
        find_team(app_, me, organisation_id, team),
        role,  # type: ignore[arg-type]  # checked by the service, naming the field
        email,
        app_.settings.public_url or "",
        timedelta(days=days),
    )
    if as_json:
        render.json_out(made)
        return
    render.say(f"Invitation to {made.team} as a {made.role}, open until {_day(made.expires_at)}:")
    render.say(f"{(app_.settings.public_url or '').rstrip('/')}/invitations/{made.token}")
    render.dim("The link works once and is shown only now: hand it over yourself.")
    if made.emailed:
        render.say(f"Emailed to {made.email}.")
    elif made.email_problem:
        render.say(f"Not emailed: {made.email_problem}")


def _token(given: str) -> str:
    """An invitation's token, from the token itself or a link that ends with it."""
    return given.strip().rstrip("/").rsplit("/invitations/", 1)[-1].removesuffix("/accept")


@app.command(name="accept")
def accept(
    token: Annotated[
        str, typer.Argument(help="The invitation's link or token.", show_default=False)
    ],
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Join the team (and organisation) an invitation is for."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    joined = app_.teams.accept(me, _token(token))
    if as_json:
        render.json_out(joined)
        return
    render.say(f"You are now in {joined.team} at {joined.organisation}, as a {joined.role}.")


# -- ratings -------------------------------------------------------------------------------


@app.command(name="rate")
def rate(
    organisation: OrgArg,
    user: UserArg,
    competency: Annotated[
        str, typer.Argument(help="A competency id of the organisation's ladder.")
    ],
    level: Annotated[int, typer.Argument(help="The level, from 1 to the top of the scale.")],
    as_email: AsOption,
    link: Annotated[
        str | None, typer.Option("--link", help="Evidence: an http(s) link.", show_default=False)
    ] = None,
    note: Annotated[
        str | None,
        typer.Option("--note", help="Evidence: what you saw them do.", show_default=False),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rate one competency of a colleague, as manager or peer.

    A newer rating replaces yours."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    organisation_id = find_organisation(app_, me, organisation)
    subject = find_user(app_, user)
    given = app_.colleague_ratings.rate(
        me, organisation_id, subject, competency, level, link=link, note=note
    )
    if as_json:
        render.json_out(given)
        return
    chosen = next((lv.name for lv in given.levels if lv.level == given.level), "")
    render.say(f"Rated {given.name}: {given.level} {chosen}".rstrip() + ".")


@app.command(name="ratings")
def ratings(
    organisation: OrgArg,
    user: UserArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Self, manager and peer ratings side by side.

    Peers show as a median, from 3 of them; a flag marks where self and manager are 2
    levels or more apart."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    organisation_id = find_organisation(app_, me, organisation)
    found = app_.colleague_ratings.side_by_side(me, organisation_id, find_user(app_, user))
    if as_json:
        render.json_out(found)
        return
    render.heading(f"{found.subject}'s ratings on {found.framework_name}")
    rows = []
    for c in found.competencies:
        peers = (
            f"{c.peers.median:g} ({c.peers.count})"
            if c.peers.median is not None
            else "fewer than 3"
        )
        rows.append(
            (
                c.name,
                str(c.self_level or "-"),
                str(c.manager.level) if c.manager else "-",
                peers,
                "2+ apart" if c.flagged else "",
            )
        )
    render.table(None, ["Competency", "Self", "Manager", "Peers", "Flag"], rows)


# -- requests to self-assess -----------------------------------------------------------------


@app.command(name="request")
def request(
    organisation: OrgArg,
    team: TeamArg,
    as_email: AsOption,
    due: Annotated[
        str,
        typer.Option("--due", help="The date to self-assess by, e.g. 2027-01-31.", metavar="DATE"),
    ],
    member: Annotated[
        str | None,
        typer.Option(
            "--member",
            help="One member (email or id); default: every member of the team.",
            metavar="USER",
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ask a member or the whole team to self-assess by a date.

    Team managers and organisation admins."""
    from pmpath.cli import render
    from pmpath.errors import Location, PmpathError

    try:
        due_on = date.fromisoformat(due.strip())
    except ValueError:
        raise PmpathError(
            f"{due!r} is not a date: write it as 2027-01-31", Location(field_path=("due",))
        ) from None
    app_, me = acting_as(as_email, database_url)
    organisation_id = find_organisation(app_, me, organisation)
    made = app_.colleague_ratings.request_self_assessment(
        me,
        find_team(app_, me, organisation_id, team),
        due_on,
        find_user(app_, member) if member is not None else None,
        organisation_id,
    )
    if as_json:
        render.json_out(made)
        return
    render.say(f"Asked {_and([r.member for r in made.requests])} to self-assess by {_day(due_on)}.")


@app.command(name="requests")
def requests(
    as_email: AsOption,
    organisation: Annotated[
        str | None,
        typer.Argument(
            help="With TEAM: that team's requests instead of yours.", show_default=False
        ),
    ] = None,
    team: Annotated[str | None, typer.Argument(show_default=False)] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Your requests to self-assess, or with ORG TEAM a team's.

    A team's managers and the organisation's admins see all of the team's; others their
    own."""
    from pmpath.cli import render
    from pmpath.errors import Location, PmpathError

    app_, me = acting_as(as_email, database_url)
    if organisation is not None and team is None:
        raise PmpathError("name the team too: ORG TEAM", Location(field_path=("team",)))
    if organisation is not None and team is not None:
        organisation_id = find_organisation(app_, me, organisation)
        found = app_.colleague_ratings.team_requests(
            me, find_team(app_, me, organisation_id, team), organisation_id
        )
    else:
        found = app_.colleague_ratings.my_requests(me)
    if as_json:
        render.json_out(found)
        return
    if not found.requests:
        render.say("No requests to self-assess.")
        return
    rows = []
    for r in found.requests:
        state = f"done {_day(r.done_at)}" if r.done_at else ("overdue" if r.overdue else "open")
        rows.append(
            (r.member, r.team, _day(r.due_on), r.requested_by or "a deleted account", state)
        )
    render.table(None, ["Member", "Team", "By", "Asked by", "State"], rows)


# -- the access log and the organisation's ladder -----------------------------------------------


@app.command(name="access-log")
def access_log(
    organisation: OrgArg,
    as_email: AsOption,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many rows.")] = 200,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who read whose data, newest first (organisation admins)."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.teams.access_log(me, find_organisation(app_, me, organisation), limit)
    if as_json:
        render.json_out(found)
        return
    if not found.entries:
        render.say("Nobody has read anyone else's data yet.")
        return
    render.table(
        None,
        ["When (UTC)", "Who", "Whose", "What"],
        [
            (
                f"{e.at.day} {e.at:%b %Y %H:%M}",
                e.viewer or "a deleted account",
                e.subject or "a deleted account",
                e.what,
            )
            for e in found.entries
        ],
    )


# -- people and roles ----------------------------------------------------------------------------


@app.command(name="people")
def people(
    organisation: OrgArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Everyone in the organisation and their roles (admins).

    Each person's role in the organisation and in each team."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.people.people(me, find_organisation(app_, me, organisation))
    if as_json:
        render.json_out(found)
        return
    render.table(
        None,
        ["Name", "Email", "Role", "Teams"],
        [
            (
                p.name,
                p.email,
                "admin" if p.role == "admin" else "member",
                ", ".join(f"{t.team} ({t.role})" for t in p.teams) or "none",
            )
            for p in found.people
        ],
    )


@app.command(name="set-role")
def set_role(
    organisation: OrgArg,
    user: UserArg,
    role: Annotated[
        str,
        typer.Argument(help="admin or member in the organisation; manager or member with --team."),
    ],
    as_email: AsOption,
    team: Annotated[
        str | None,
        typer.Option("--team", help="Change the role in this team (id or name) instead."),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make someone an admin, or with --team a team's manager.

    Or make them a member again. Organisation admins only; the last admin stays one."""
    from pmpath.cli import render
    from pmpath.services.models.teams import RoleChange

    app_, me = acting_as(as_email, database_url)
    organisation_id = find_organisation(app_, me, organisation)
    user_id = find_user(app_, user)
    if team is None:
        name = app_.people.set_organisation_role(me, organisation_id, user_id, role)
        where = "the organisation"
    else:
        team_id = find_team(app_, me, organisation_id, team)
        name = app_.people.set_team_role(me, team_id, user_id, role, organisation_id)
        where = "the team"
    if as_json:
        render.json_out(RoleChange(user_id=user_id, name=name, role=role))
        return
    render.say(f"{name} is now {'an' if role == 'admin' else 'a'} {role} of {where}.")


@app.command(name="remove")
def remove(
    organisation: OrgArg,
    user: UserArg,
    as_email: AsOption,
    team: Annotated[
        str | None,
        typer.Option("--team", help="Remove from this team (id or name) only."),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove someone from the organisation, or from one team.

    With --team, from that team only. Admins may remove anyone, a team's manager its
    members, anyone themselves."""
    from pmpath.cli import render
    from pmpath.services.models.teams import Removed

    app_, me = acting_as(as_email, database_url)
    organisation_id = find_organisation(app_, me, organisation)
    user_id = find_user(app_, user)
    team_id = None if team is None else find_team(app_, me, organisation_id, team)
    if team_id is None:
        name = app_.people.remove_from_organisation(me, organisation_id, user_id)
    else:
        name = app_.people.remove_from_team(me, team_id, user_id, organisation_id)
    if as_json:
        render.json_out(
            Removed(user_id=user_id, name=name, organisation_id=organisation_id, team_id=team_id)
        )
        return
    render.say(f"{name} is no longer in the {'organisation' if team_id is None else 'team'}.")


@app.command(name="ladder")
def ladder(
    organisation: OrgArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The organisation's own ladder versions, newest first."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.teams.ladders.versions(me, find_organisation(app_, me, organisation))
    if as_json:
        render.json_out(found)
        return
    if not found.versions:
        render.say("No ladder of its own yet: its members are assessed on the bundled ladder.")
        return
    render.table(
        None,
        ["Version", "Ladder", "File", "Uploaded"],
        [
            (
                str(v.version),
                f"{v.name} ({v.file_version})",
                v.filename,
                f"{_day(v.uploaded_at)} by {v.uploaded_by or 'a deleted account'}",
            )
            for v in found.versions
        ],
    )


@app.command(name="ladder-upload")
def ladder_upload(
    organisation: OrgArg,
    file: Annotated[Path, typer.Argument(help="A ladder file in the framework format (YAML).")],
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Upload the organisation's next ladder version (admins).

    A file with problems is refused whole: each problem is printed as file:line: field:
    message."""
    from pmpath.cli import render
    from pmpath.errors import Location, PmpathError

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        raise PmpathError(f"cannot read the file: {reason}", Location(file=str(file))) from None
    app_, me = acting_as(as_email, database_url)
    made = app_.teams.ladders.upload(me, find_organisation(app_, me, organisation), text, file.name)
    if as_json:
        render.json_out(made)
        return
    render.say(
        f"Uploaded {made.name} as version {made.version} (its file says {made.file_version})."
    )


@app.command(name="ladder-download")
def ladder_download(
    organisation: OrgArg,
    version: Annotated[int, typer.Argument(help="The version (see `pmpath org ladder`).", min=1)],
    as_email: AsOption,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the file here instead of printing it.", show_default=False
        ),
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """One version of the organisation's ladder, as uploaded.

    Any member of the organisation may download it."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    text = app_.teams.ladders.text(me, find_organisation(app_, me, organisation), version)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.write_text(text, encoding="utf-8")
    render.say(f"Written to {output}")
