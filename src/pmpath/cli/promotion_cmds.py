"""``pmpath promotion``: promotion cases from the command line, acting as the account given by
``--as`` with that account's permissions (the same service as the pages and the API)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.acting import acting_as, find_organisation, find_user
from pmpath.cli.options import AsOption, DatabaseOption, JsonOption

if TYPE_CHECKING:
    pass

app = typer.Typer(
    help="Promotion cases: open one for a member of your team, write the recommendation, "
    "submit it; an organisation admin decides.",
    rich_markup_mode=None,
    no_args_is_help=True,
)

OrganisationArg = Annotated[
    str, typer.Argument(help="The organisation: its id or its exact name.", show_default=False)
]
CaseArg = Annotated[int, typer.Argument(help="The case's number (see `pmpath promotion list`).")]
FORMATS = ("markdown", "html")


@app.command(name="list")
def list_cases(
    organisation: OrganisationArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The cases you may see.

    The organisation's cases you may see, and the members you may open one for."""
    from rich.table import Table

    from pmpath.cli import render
    from pmpath.reports.promotions import day, status_words

    app_, me = acting_as(as_email, database_url)
    found = app_.promotions.cases(me, find_organisation(app_, me, organisation))
    if as_json:
        render.json_out(found)
        return
    if not found.cases:
        render.say(f"No promotion cases you may see in {found.organisation} yet.")
    else:
        table = Table(title=f"Promotion cases in {found.organisation}")
        for column in ("Case", "Member", "Target role", "Status", "Changed"):
            table.add_column(column)
        for case in found.cases:
            table.add_row(
                str(case.id),
                case.subject.name,
                case.target_role.name
                + (f" ({case.specialisation.name})" if case.specialisation else ""),
                status_words(case),
                day(case.updated_at),
            )
        render.console.print(table)
    if found.may_open_for:
        render.dim("You may open a case for: " + ", ".join(p.name for p in found.may_open_for))


@app.command(name="open")
def open_case(
    organisation: OrganisationArg,
    member: Annotated[str, typer.Argument(help="The member: their email (or account id).")],
    target_role: Annotated[str, typer.Argument(help="A role id, e.g. senior-product-manager.")],
    as_email: AsOption,
    specialisation: Annotated[
        str | None,
        typer.Option(
            "--specialisation",
            "-s",
            help="The specialisation the role is meant with (growth, technical, ...).",
            metavar="ID",
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open a draft case for a member.

    A member of a team you manage (an organisation admin: any member)."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    org_id = find_organisation(app_, me, organisation)
    case = app_.promotions.open(me, org_id, find_user(app_, member), target_role, specialisation)
    if as_json:
        render.json_out(case)
        return
    render.say(
        f"Opened case {case.id}: {case.subject.name} for {case.target_role.name}, a draft. "
        f"Write the recommendation with `pmpath promotion recommend {org_id} {case.id}`."
    )


@app.command(name="show")
def show(
    organisation: OrganisationArg,
    case_id: CaseArg,
    as_email: AsOption,
    format_name: Annotated[
        str,
        typer.Option("--format", help="markdown (the default) or html (a printable page)."),
    ] = "markdown",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the document to this file.", show_default=False),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """A case's document.

    Ratings by source, calibration, exams, gaps, plan and the recommendation (the read is
    logged when the case is someone else's)."""
    from pmpath.cli import render
    from pmpath.errors import Location, PmpathError
    from pmpath.reports.promotions import promotion_case_markdown, render_promotion_case

    if format_name not in FORMATS:
        raise PmpathError(
            f"--format must be markdown or html, not {format_name!r}",
            Location(field_path=("format",)),
        )
    app_, me = acting_as(as_email, database_url)
    view = app_.promotions.view(me, find_organisation(app_, me, organisation), case_id)
    if as_json:
        render.json_out(view)
        return
    text = render_promotion_case(view) if format_name == "html" else promotion_case_markdown(view)
    if output is None:
        if format_name == "markdown" and render.console.is_terminal:
            # In a terminal the document is read, not saved: headings and tables drawn as
            # such. Piped or redirected, it stays Markdown for the file it goes to.
            from rich.markdown import Markdown

            render.console.print(Markdown(text))
            return
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PmpathError(f"cannot write {output}: {exc.strerror}") from None
    render.say(f"Written to {output}.")


@app.command(name="recommend")
def recommend(
    organisation: OrganisationArg,
    case_id: CaseArg,
    as_email: AsOption,
    text: Annotated[
        str | None,
        typer.Option("--text", help="The recommendation.", show_default=False),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="Read the recommendation from this file (- for stdin).",
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write (replace) the recommendation of a draft you opened."""
    from pmpath.cli import render
    from pmpath.errors import Location, PmpathError

    if (text is None) == (file is None):
        raise PmpathError(
            "give the recommendation with --text or --file (one of them)",
            Location(field_path=("recommendation",)),
        )
    if file is not None:
        try:
            text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PmpathError(
                f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}",
                Location(field_path=("file",)),
            ) from None
    app_, me = acting_as(as_email, database_url)
    case = app_.promotions.recommend(
        me, find_organisation(app_, me, organisation), case_id, text or ""
    )
    if as_json:
        render.json_out(case)
        return
    render.say(
        f"Saved the recommendation of case {case.id} ({len(case.recommendation):,} characters)."
    )


@app.command(name="submit")
def submit(
    organisation: OrganisationArg,
    case_id: CaseArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Submit a draft you opened.

    For a decision; the member sees it from now on, and its document is kept as it is."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    case = app_.promotions.submit(me, find_organisation(app_, me, organisation), case_id)
    if as_json:
        render.json_out(case)
        return
    render.say(
        f"Submitted case {case.id} ({case.subject.name}); an organisation admin decides. "
        "Its document is kept as it is today."
    )


@app.command(name="decide")
def decide(
    organisation: OrganisationArg,
    case_id: CaseArg,
    decision: Annotated[
        str, typer.Argument(help='Promote or "Not yet" (also promote or not-yet).')
    ],
    as_email: AsOption,
    note: Annotated[str, typer.Option("--note", help="Why: the member and their manager read it.")],
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Decide a submitted case (organisation admins). The decision records the outcome; the
    member's levels and placement change when they self-assess again or are rated."""
    from pmpath.cli import render
    from pmpath.reports.promotions import DECISION_EFFECT, decision_words

    app_, me = acting_as(as_email, database_url)
    case = app_.promotions.decide(
        me, find_organisation(app_, me, organisation), case_id, decision, note
    )
    if as_json:
        render.json_out(case)
        return
    render.say(f"Decided case {case.id} ({case.subject.name}): {decision_words(case)}.")
    render.dim(DECISION_EFFECT.format(name=case.subject.name))
