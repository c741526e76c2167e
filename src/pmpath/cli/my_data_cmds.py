"""``pmpath my-data``: export everything pmpath holds about an account, or delete it, acting
as the account given by ``--as`` (the same service as the account page and the API)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmpath.cli.application import application
from pmpath.cli.options import AsOption, DatabaseOption, JsonOption

app = typer.Typer(
    help="Your own data: export everything pmpath holds about you, or delete your account.",
    rich_markup_mode=None,
    no_args_is_help=True,
)


@app.command(name="export")
def export(
    as_email: AsOption,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the JSON to this file instead of printing it.",
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Everything pmpath holds about the account, as JSON.

    One document: what GET /api/v1/me/export answers."""
    from pmpath.cli import render

    app_ = application(None, database_url)
    data = app_.my_data.export(app_.accounts.user_by_email(as_email))
    if output is None:
        render.json_out(data)
        return
    output.write_text(data.model_dump_json(indent=2) + "\n", encoding="utf-8")
    render.say(f"Written to {output}")


@app.command(name="delete")
def delete(
    as_email: AsOption,
    yes: Annotated[
        bool,
        typer.Option("--yes", help="Yes, delete it: you still type the email to confirm."),
    ] = False,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Delete the account and everything about it, for good.

    You type its email to confirm. Other people's records of what it did stay, showing "a
    deleted account"."""
    from pmpath.cli import render
    from pmpath.errors import Location, PmpathError

    app_ = application(None, database_url)
    me = app_.accounts.user_by_email(as_email)
    plan = app_.my_data.plan(me)
    if not as_json:
        render.bullets(
            f"Deleting {plan.email} removes for good:",
            [
                f"{_count(plan.assessments, 'self-assessment')} and "
                f"{_count(plan.attempts, 'exam or practice sitting')}, with their badges and "
                "the review schedule",
                f"{_count(plan.ratings_given, 'rating')} given to colleagues and "
                f"{plan.ratings_received} received",
                "team and organisation memberships, requests made of it, goals, check-ins, "
                "calibration adjustments and promotion cases about it, the record of who read "
                "its data, its API tokens and sessions",
                *(
                    f"the organisation {o.organisation}: it is its only member"
                    for o in plan.organisations
                    if o.outcome == "delete"
                ),
            ],
        )
    if not yes:
        raise PmpathError(
            "nothing was deleted: add --yes to delete the account (you then type its email)",
            Location(field_path=("yes",)),
        )
    typed = typer.prompt("Type the account's email to confirm", default="", show_default=False)
    deleted = app_.my_data.delete(me, email=typed)
    if as_json:
        render.json_out(deleted)
        return
    render.say(f"Deleted {deleted.email} and everything about it.")
    for name in deleted.organisations_deleted:
        render.say(f"The organisation {name} went with it.")


def _count(n: int, one: str) -> str:
    """ "1 rating", "3 ratings"."""
    return f"{n} {one}{'' if n == 1 else 's'}"
