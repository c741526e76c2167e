"""`pmpath calibration`: raters' severities, a calibration session for one role, adjusting a
level with a reason, and the audit trail of an organisation, as the account given by --as.

ORG is the organisation's id or exact name, as in ``pmpath org`` and ``pmpath team``. The
ladder is the organisation's own (or the bundled one until it uploads its own), as on the web.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.options import AsOption, DatabaseOption, JsonOption
from pmpath.cli.org_cmds import OrgArg

if TYPE_CHECKING:
    from datetime import datetime

    from pmpath.app import Pmpath
    from pmpath.services.accounts import User

app = typer.Typer(
    help="Rater calibration in an organisation: severities, sessions, adjustments, audit.",
    no_args_is_help=True,
)

RoleArg = Annotated[str, typer.Argument(help="A role id of the ladder, e.g. product-manager.")]
#: What follows each rater's name (the pooled peers' name says what they are).
KINDS = {"manager": " (manager)", "peers": "", "self": " (self-assessment)"}


def raters(
    organisation: OrgArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """How harsh or lenient each rater is; levels with that taken out.

    Admins see every rater, managers their own severity; or why the ratings cannot support
    the model yet."""
    from rich.padding import Padding
    from rich.text import Text

    from pmpath.cli import render

    pmpath, me, organisation_id = _context(database_url, as_email, organisation)
    found = pmpath.calibration_sessions.severities(me, organisation_id)
    if as_json:
        render.json_out(found)
        return
    render.heading(f"Raters' severities at {found.organisation}, on {found.framework_name}")
    if not found.model.available:
        render.say(found.model.reason or "The model cannot run yet.")
        return
    model = found.model
    render.dim(
        f"From {_count(model.ratings, 'rating')} by {_count(model.raters, 'rater')} of "
        f"{_count(model.people, 'person', 'people')}. Severity in logits; positive rates "
        "harsher."
    )
    if not found.raters:
        render.say("You have not rated anyone on this ladder, so there is no severity of yours.")
    for rater in found.raters:
        render.say()
        render.console.print(
            Text.assemble(
                (rater.name, "bold"),
                KINDS[rater.kind],
                (
                    f"  {rater.severity:+.2f} ± {rater.se:.2f} logits, "
                    f"{_count(rater.ratings, 'rating')}",
                    "dim",
                ),
            )
        )
        lines = [Text(f"{rater.plain[:1].upper()}{rater.plain[1:]}.")]
        for note in rater.flag_notes or ["consistent with the model"]:
            lines.append(Text(f"{note[:1].upper()}{note[1:]}.", style="dim"))
        for line in lines:
            render.console.print(Padding(line, (0, 0, 0, 2), expand=False))
    if found.adjusted:
        render.say()
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
    organisation: OrgArg,
    role: RoleArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Everyone placed at ROLE side by side, competency by competency.

    For each competency: the level held now (and its source), the model's adjusted level,
    the manager's rating and the self-rating."""
    from pmpath.cli import render

    pmpath, me, organisation_id = _context(database_url, as_email, organisation)
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
    organisation: OrgArg,
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
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set a member's level in one competency, with a reason.

    MEMBER's level in COMPETENCY becomes LEVEL: their current level everywhere. Adjustments
    are never edited or deleted: a newer one replaces it."""
    from pmpath.cli import render
    from pmpath.errors import Location, NotFoundError
    from pmpath.services.calibration_sessions import adjusted_words

    pmpath, me, organisation_id = _context(database_url, as_email, organisation)
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
    organisation: OrgArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every adjustment you may see, newest first.

    Who changed whose level, in which competency, from what to what, why and when."""
    from pmpath.cli import render

    pmpath, me, organisation_id = _context(database_url, as_email, organisation)
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
        ["When", "Person", "Competency", "Reason"],
        [
            (
                _moment(e.at),
                render.named(e.subject or "a former member", f"by {e.by or 'a former member'}"),
                render.named(
                    e.competency_name,
                    f"confirmed at {e.to_level}"
                    if e.from_level == e.to_level
                    else f"{e.from_level if e.from_level is not None else 'none'} → {e.to_level}",
                    "",
                ),
                e.reason,
            )
            for e in found.entries
        ],
    )


def _moment(at: datetime) -> str:
    """ "7 Dec 2026 15:33" (UTC): short enough for a table column at 80 columns."""
    return f"{at.day} {at:%b %Y %H:%M}"


def _count(n: int, one: str, many: str | None = None) -> str:
    """ "1 person", "3 people"; "1 rating", "6 ratings"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _context(database_url: str | None, email: str, organisation: str) -> tuple[Pmpath, User, int]:
    """The application, the account acting and the organisation's id (the same rule as
    ``pmpath org``: an id, or the exact name of one of the account's organisations)."""
    from pmpath.cli.acting import acting_as, find_organisation

    pmpath, me = acting_as(email, database_url)
    return pmpath, me, find_organisation(pmpath, me, organisation)


app.command(name="raters")(raters)
app.command(name="session")(session)
app.command(name="adjust")(adjust)
app.command(name="audit")(audit)
