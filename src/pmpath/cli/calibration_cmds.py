"""`pmpath calibration`: raters' severities, a calibration session for one role, adjusting a
level with a reason, and the audit trail of an organisation, as the account given by --as."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.application import application
from pmpath.cli.options import AsOption, DatabaseOption, FrameworkOption, JsonOption

if TYPE_CHECKING:
    from pmpath.app import Pmpath
    from pmpath.services.accounts import User

app = typer.Typer(
    help="Rater calibration in an organisation: severities, sessions, adjustments, audit.",
    no_args_is_help=True,
)

OrganisationOption = Annotated[
    str | None,
    typer.Option(
        "--organisation",
        "-o",
        help="The organisation's name (or number); default: the only one you belong to.",
        show_default=False,
    ),
]
RoleArg = Annotated[str, typer.Argument(help="A role id of the ladder, e.g. product-manager.")]


def raters(
    as_email: AsOption,
    organisation: OrganisationOption = None,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show each rater's severity in plain words (admins: every rater; managers: their own)
    and the severity-adjusted levels, or why the ratings cannot support the model yet."""
    from pmpath.cli import render

    pmpath, me, organisation_id = _context(framework, database_url, as_email, organisation)
    found = pmpath.calibration_sessions.severities(me, organisation_id)
    if as_json:
        render.json_out(found)
        return
    render.heading(f"Raters' severities at {found.organisation}, on {found.framework_name}")
    if not found.model.available:
        render.say(found.model.reason or "The model cannot run yet.")
        return
    render.dim(
        f"From {found.model.ratings} ratings by {found.model.raters} raters of "
        f"{found.model.people} people. Severity in logits; positive rates harsher."
    )
    kinds = {"manager": "manager", "peers": "peers, pooled", "self": "self-assessment"}
    render.table(
        None,
        ["Rater", "In plain words", "Severity", "Ratings", "Notes"],
        [
            (
                f"{r.name} ({kinds[r.kind]})",
                r.plain,
                f"{r.severity:+.2f} ± {r.se:.2f}",
                str(r.ratings),
                "; ".join(r.flag_notes) or "consistent with the model",
            )
            for r in found.raters
        ],
    )
    if found.adjusted:
        render.table(
            "Levels with rater severity taken out (average rater, 80% range)",
            ["Person", "Competency", "Level", "Range", "Ratings corrected"],
            [
                (
                    a.name,
                    a.competency_name,
                    f"{a.expected:.1f}",
                    f"{a.low:.1f} to {a.high:.1f}",
                    f"{a.corrected:.1f}",
                )
                for a in found.adjusted
            ],
        )


def session(
    role: RoleArg,
    as_email: AsOption,
    organisation: OrganisationOption = None,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show everyone placed at ROLE side by side: per competency the level held now (and its
    source), the model's adjusted level, the manager's rating and the self-rating."""
    from pmpath.cli import render

    pmpath, me, organisation_id = _context(framework, database_url, as_email, organisation)
    found = pmpath.calibration_sessions.session(me, organisation_id, role)
    if as_json:
        render.json_out(found)
        return
    render.heading(f"Calibration session at {found.organisation}: {found.role_name}")
    if not found.people:
        render.say(f"Nobody you see is placed at {found.role_name} yet.")
        return
    if not found.model.available:
        render.dim(f"No severity-adjusted levels: {found.model.reason}")
    for person in found.people:
        rows = []
        for cell in person.cells:
            now = f"{cell.current.level} ({cell.current.source})" if cell.current else "none"
            model = (
                f"{cell.model.expected:.1f} ({cell.model.low:.1f} to {cell.model.high:.1f})"
                if cell.model
                else ""
            )
            rows.append(
                (
                    cell.name,
                    str(cell.expected_for_role or ""),
                    now,
                    model,
                    str(cell.manager_level or ""),
                    str(cell.self_level or ""),
                )
            )
        teams = ", ".join(person.teams)
        render.table(
            f"{person.name}" + (f" ({teams})" if teams else ""),
            ["Competency", "Role expects", "Now", "Model", "Manager", "Self"],
            rows,
        )


def adjust(
    member: Annotated[str, typer.Argument(help="The email of the member whose level changes.")],
    competency: Annotated[str, typer.Argument(help="A competency id of the ladder.")],
    level: Annotated[int, typer.Argument(help="The new level.")],
    as_email: AsOption,
    reason: Annotated[
        str, typer.Option("--reason", "-r", help="Why (required; kept in the audit trail).")
    ] = "",
    role: Annotated[
        str | None,
        typer.Option("--role", help="The role being calibrated.", show_default=False),
    ] = None,
    organisation: OrganisationOption = None,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set MEMBER's level in COMPETENCY to LEVEL, with a reason; it becomes their current level
    everywhere. Adjustments are never edited or deleted: a newer one replaces it."""
    from pmpath.cli import render
    from pmpath.errors import Location, NotFoundError
    from pmpath.services.calibration_sessions import adjusted_words

    pmpath, me, organisation_id = _context(framework, database_url, as_email, organisation)
    try:
        subject = pmpath.accounts.user_by_email(member)
    except NotFoundError:
        raise NotFoundError(
            f"there is no account with the email {member.strip()!r}",
            Location(field_path=("member",)),
        ) from None
    made = pmpath.calibration_sessions.adjust(
        me, organisation_id, subject.id, competency, level, reason, role
    )
    if as_json:
        render.json_out(made)
        return
    render.say(adjusted_words(made))


def audit(
    as_email: AsOption,
    organisation: OrganisationOption = None,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every adjustment you may see, newest first: who, whom, competency, from and to,
    why and when."""
    from pmpath.cli import render

    pmpath, me, organisation_id = _context(framework, database_url, as_email, organisation)
    found = pmpath.calibration_sessions.audit(me, organisation_id)
    if as_json:
        render.json_out(found)
        return
    render.heading(f"Calibration audit trail at {found.organisation}")
    if not found.entries:
        render.say("No level has been adjusted yet.")
        return
    render.table(
        None,
        ["When", "By", "Person", "Competency", "Change", "Reason"],
        [
            (
                f"{e.at.day} {e.at:%B %Y}",
                e.by or "a former member",
                e.subject or "a former member",
                e.competency_name,
                f"confirmed at {e.to_level}"
                if e.from_level == e.to_level
                else f"{e.from_level if e.from_level is not None else 'none'} → {e.to_level}",
                e.reason,
            )
            for e in found.entries
        ],
    )


def _context(
    framework: Path | None, database_url: str | None, email: str, organisation: str | None
) -> tuple[Pmpath, User, int]:
    """The application, the account acting and the organisation's id."""
    from pmpath.errors import Location, NotFoundError, PmpathError

    pmpath = application(framework, database_url)
    me = pmpath.accounts.user_by_email(email)
    mine = pmpath.teams.organisations(me).organisations
    if organisation is None:
        if len(mine) == 1:
            return pmpath, me, mine[0].id
        raise PmpathError(
            "you belong to no organisation"
            if not mine
            else "you belong to several organisations: name one with --organisation ("
            + ", ".join(o.name for o in mine)
            + ")",
            Location(field_path=("organisation",)),
        )
    wanted = organisation.strip().lower()
    for found in mine:
        if found.name.lower() == wanted or str(found.id) == wanted:
            return pmpath, me, found.id
    raise NotFoundError(
        f"you belong to no organisation called {organisation!r}",
        Location(field_path=("organisation",)),
    )


app.command(name="raters")(raters)
app.command(name="session")(session)
app.command(name="adjust")(adjust)
app.command(name="audit")(audit)
