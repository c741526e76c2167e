"""``pmpath serve``: the web app."""

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.options import DatabaseOption, FrameworkOption

if TYPE_CHECKING:
    from pmpath.services.accounts import AccountService

#: Seconds an idle connection stays open. Learners think 30-90 s between answers: a timeout
#: longer than that keeps their connection for the next answer (uvicorn's default of 5 s makes
#: every answer open a new one), and a connection is never closed under a request that the
#: busy server has not read yet (at 5 s, 618 of 5,000 synchronised starts in
#: benchmarks/web_load.py were dropped that way).
KEEP_ALIVE_SECONDS = 120


def serve(
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="The port to listen on.")] = 8000,
    database_url: DatabaseOption = None,
    framework: FrameworkOption = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="App processes (PostgreSQL only).")
    ] = 1,
) -> None:
    """Serve the web app and the REST API (SQLite in your user data folder unless told otherwise).

    With no admin yet, the first admin account comes from PMPATH_ADMIN_EMAIL and
    PMPATH_ADMIN_PASSWORD, or from a prompt when run in a terminal.
    """
    import uvicorn

    from pmpath.cli import render
    from pmpath.cli.application import application
    from pmpath.errors import PmpathError

    database = application(framework, database_url).database
    if workers > 1 and database.is_sqlite:
        raise PmpathError(
            "several workers need PostgreSQL (PMPATH_DATABASE_URL): SQLite has one writer"
        )
    accounts = application(framework, database_url).accounts
    if not accounts.has_admin():
        _first_admin(accounts)
    database.dispose()
    # The app processes uvicorn starts read their settings from the environment.
    os.environ["PMPATH_DATABASE_URL"] = database.url
    if framework is not None:
        os.environ["PMPATH_FRAMEWORK"] = str(framework)
    render.say(f"pmpath is serving on http://{host}:{port} (database: {database.display_url})")
    uvicorn.run(
        "pmpath.web.server:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=True,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


def _first_admin(accounts: "AccountService") -> None:
    from pmpath.cli import render

    email = os.environ.get("PMPATH_ADMIN_EMAIL")
    password = os.environ.get("PMPATH_ADMIN_PASSWORD")
    if email and password:
        accounts.sign_up(email, "Administrator", password, role="admin")
        render.say(f"Created the admin account {email}.")
        return
    if sys.stdin.isatty():
        from rich.prompt import Prompt

        render.say("No admin account yet: create one now (Enter on the email skips).")
        email = Prompt.ask("Admin email", default="", console=render.console)
        if email:
            password = Prompt.ask(
                "Admin password (10+ characters, hard to guess)",
                password=True,
                console=render.console,
            )
            accounts.sign_up(email, "Administrator", password, role="admin")
            render.say(f"Created the admin account {email}.")
            return
    render.say(
        "No admin account yet. Set PMPATH_ADMIN_EMAIL and PMPATH_ADMIN_PASSWORD and restart "
        "to create one; learners can sign up meanwhile."
    )
