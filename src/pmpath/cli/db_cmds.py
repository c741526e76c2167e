"""``pmpath db``: the database's schema."""

from typing import Annotated

import typer

from pmpath.cli.options import DatabaseOption

app = typer.Typer(help="Manage the database schema.", rich_markup_mode=None, no_args_is_help=True)


@app.command()
def upgrade(database_url: DatabaseOption = None) -> None:
    """Apply every migration the database lacks (needed for PostgreSQL after an upgrade)."""
    from pmpath.cli import render
    from pmpath.cli.application import application

    data = application(database_url=database_url).schema.upgrade()
    render.say(f"{data['url']} is at revision {data['revision']}.")


@app.command()
def status(
    database_url: DatabaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show which database is used and whether its schema is current."""
    from pmpath.cli import render
    from pmpath.cli.application import application

    data = application(database_url=database_url).schema.status()
    current, head = data["revision"], data["head"]
    if as_json:
        render.json_out(data)
        return
    state = "current" if current == head else "behind: run `pmpath db upgrade`"
    render.say(f"{data['url']}: revision {current or 'none'} of {head} ({state})")
