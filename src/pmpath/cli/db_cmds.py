"""``pmpath db``: the database's schema."""

from typing import Annotated

import typer

from pmpath.cli.options import DatabaseOption

app = typer.Typer(help="Manage the database schema.", rich_markup_mode=None, no_args_is_help=True)


@app.command()
def upgrade(database_url: DatabaseOption = None) -> None:
    """Apply every migration the database lacks (needed for PostgreSQL after an upgrade)."""
    from pmpath.cli import render
    from pmpath.store import Database
    from pmpath.store import database_url as resolve

    database = Database(resolve(database_url))
    database.upgrade()
    current, _ = database.revisions()
    render.say(f"{_display(database.url)} is at revision {current}.")


@app.command()
def status(
    database_url: DatabaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show which database is used and whether its schema is current."""
    from pmpath.cli import render
    from pmpath.store import Database
    from pmpath.store import database_url as resolve

    database = Database(resolve(database_url))
    current, head = database.revisions()
    data = {
        "url": _display(database.url),
        "revision": current,
        "head": head,
        "current": current == head,
    }
    if as_json:
        render.json_out(data)
        return
    state = "current" if current == head else "behind: run `pmpath db upgrade`"
    render.say(f"{data['url']}: revision {current or 'none'} of {head} ({state})")


def _display(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
