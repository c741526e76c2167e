"""``pmpath xapi``: the learning record store (LRS) pmpath sends xAPI statements to, and the
outbox they wait in. The command line holds the database itself, so it acts as a site admin.
``pmpath xapi send`` runs one pass (collect new records, send what is due): put it in cron when
the web app does not run, or to send sooner than the web app's background sender."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.options import DatabaseOption, JsonOption

if TYPE_CHECKING:
    from pmpath.app import Pmpath
    from pmpath.services.models.xapi import OutboxEntry, SendReport

app = typer.Typer(
    help="xAPI: send attempts, answers, self-assessments and placements to a learning record "
    "store (LRS), through an outbox that keeps them while the LRS is down.",
    rich_markup_mode=None,
    no_args_is_help=True,
)

KIND_NAMES = {
    "attempted": "Attempt started",
    "answered": "Answer",
    "completed": "Attempt finished",
    "verdict": "Pass or fail",
    "self-assessed": "Self-assessment",
    "placed": "Placement",
}


def _app(database_url: str | None) -> Pmpath:
    from pmpath.cli.application import application

    return application(None, database_url)


@app.command(name="configure")
def configure(
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            help="The LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI (statements go "
            "to ENDPOINT/statements).",
            show_default=False,
        ),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option("--key", help="The LRS key (its Basic auth user name).", show_default=False),
    ] = None,
    secret: Annotated[
        str | None,
        typer.Option(
            "--secret",
            envvar="PMPATH_XAPI_SECRET",
            help="The LRS secret; better from PMPATH_XAPI_SECRET than typed (shell history).",
            show_default=False,
        ),
    ] = None,
    enabled: Annotated[
        bool | None,
        typer.Option(
            "--enable/--disable",
            help="Send statements, or stop (records made meanwhile are sent when turned on "
            "again). Default on the first configuration: on.",
            show_default=False,
        ),
    ] = None,
    identify_by: Annotated[
        str | None,
        typer.Option(
            "--identify-by",
            help="pseudonym (default: an opaque name per learner) or email (the LRS learns "
            "each learner's email).",
            metavar="pseudonym|email",
            show_default=False,
        ),
    ] = None,
    backfill: Annotated[
        bool,
        typer.Option(
            "--backfill",
            help="Send every record made before the LRS was configured too (by default only "
            "records from then on are sent).",
        ),
    ] = False,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set the LRS that statements go to. The first time: endpoint, key and secret.

    Only what is given changes. The secret is stored in the database and never shown."""
    from pmpath.cli import render
    from pmpath.services.xapi import COMMAND_LINE

    settings = _app(database_url).xapi.configure(
        COMMAND_LINE,
        endpoint=endpoint,
        key=key,
        secret=secret,
        enabled=enabled,
        identify_by=identify_by,
        backfill=backfill,
    )
    if as_json:
        render.json_out(settings)
        return
    state = "on" if settings.enabled else "off"
    render.say(f"LRS set: {settings.endpoint} (key {settings.key}); sending is {state}.")
    if settings.send_from is None:
        render.say("Every record is sent, including those made before (backfill).")
    if settings.site_url is None:
        render.say("Set PMPATH_PUBLIC_URL (the site's address) before turning sending on.")


@app.command(name="status")
def status(database_url: DatabaseOption = None, as_json: JsonOption = False) -> None:
    """The LRS and how many statements are pending, sent, failed.

    With the newest failures and why the LRS refused them."""
    from pmpath.cli import render
    from pmpath.services.xapi import COMMAND_LINE

    found = _app(database_url).xapi.status(COMMAND_LINE)
    if as_json:
        render.json_out(found)
        return
    settings = found.settings
    if not settings.configured:
        render.say("No LRS is configured. Set one with `pmpath xapi configure --endpoint URL")
        render.say("--key KEY` and the secret in PMPATH_XAPI_SECRET.")
        return
    counts = found.counts
    render.say(f"LRS: {settings.endpoint} (key {settings.key})")
    render.say(f"Sending is {'on' if settings.enabled else 'off'}.")
    known = "their email" if settings.identify_by == "email" else "a pseudonym"
    render.say(f"Learners are known to the LRS by {known}.")
    if settings.send_from is None:
        render.say("Every record is sent, including those made before it was connected.")
    else:
        connected = render.when(settings.send_from)
        render.say(f"Records made since the LRS was connected ({connected}) are sent.")
    render.say(f"Pending {counts.pending}, sent {counts.sent}, failed {counts.failed}.")
    if found.oldest_pending is not None:
        render.say(f"Oldest pending: {render.when(found.oldest_pending.occurred_at)}.")
    if found.retrying_because:
        render.say(f"Retrying because: {found.retrying_because}")
    if found.failures:
        _entries("Newest failures", found.failures)


def _entries(title: str, entries: list[OutboxEntry]) -> None:
    from pmpath.cli import render

    render.table(
        title,
        ["No.", "What", "When", "Tries", "State", "LRS said"],
        [
            [
                str(entry.id),
                KIND_NAMES.get(entry.kind, entry.kind),
                render.when(entry.occurred_at),
                str(entry.tries),
                entry.state,
                entry.last_error or "",
            ]
            for entry in entries
        ],
    )


def _sent(report: SendReport) -> str:
    text = f"Sent {report.sent}, failed {report.failed}, to retry {report.retrying}"
    return text + f" ({report.requests} request{'s' if report.requests != 1 else ''})."


@app.command(name="send")
def send(database_url: DatabaseOption = None, as_json: JsonOption = False) -> None:
    """One pass: collect new statements and send what is due. For cron.

    Exits 1 when the LRS could not take statements (they stay pending and are retried)."""
    from pmpath.cli import render
    from pmpath.services.xapi import COMMAND_LINE

    report = _app(database_url).xapi.run_once(COMMAND_LINE)
    if as_json:
        render.json_out(report)
    elif not report.enabled:
        render.say("Sending is off (or no LRS is configured): nothing was collected or sent.")
    else:
        collected = report.collect.collected
        render.say(f"Collected {collected} new statement{'s' if collected != 1 else ''}.")
        render.say(_sent(report.send))
    if report.send.stopped_because:
        typer.echo(
            f"error: the LRS took no more statements: {report.send.stopped_because}", err=True
        )
        raise typer.Exit(1)


@app.command(name="retry")
def retry(
    ids: Annotated[
        list[int] | None,
        typer.Argument(help="Numbers of failed statements (see `pmpath xapi list`).", min=1),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Retry every failed statement.")] = False,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put failed statements back in line.

    The next `pmpath xapi send` (or the web app's own pass) sends them."""
    from pmpath.cli import render
    from pmpath.errors import Location, PmpathError
    from pmpath.services.xapi import COMMAND_LINE

    if bool(ids) == every:
        raise PmpathError(
            "give the numbers of the statements to retry, or --all (not both)",
            Location(field_path=("ids",)),
        )
    report = _app(database_url).xapi.retry(COMMAND_LINE, None if every else ids)
    if as_json:
        render.json_out(report)
        return
    render.say(f"{report.retried} statement{'s' if report.retried != 1 else ''} back in line.")


@app.command(name="list")
def list_statements(
    state: Annotated[
        str | None,
        typer.Option("--state", help="pending, sent or failed; default: all.", show_default=False),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.", min=1)] = 20,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Statements in the outbox, newest first."""
    from pmpath.cli import render
    from pmpath.services.xapi import COMMAND_LINE

    found = _app(database_url).xapi.listing(COMMAND_LINE, state, limit)
    if as_json:
        render.json_out(found)
        return
    if not found.entries:
        render.say(f"No {state or ''} statements.".replace("  ", " "))
        return
    _entries(f"{(state or 'all').capitalize()} statements", found.entries)


@app.command(name="test")
def check_connection(database_url: DatabaseOption = None, as_json: JsonOption = False) -> None:
    """Check that the LRS answers and accepts the key and secret.

    Exits with code 1 when it does not."""
    from pmpath.cli import render
    from pmpath.services.xapi import COMMAND_LINE

    check = _app(database_url).xapi.test_connection(COMMAND_LINE)
    if as_json:
        render.json_out(check)
    elif check.ok:
        render.say(check.message[:1].upper() + check.message[1:] + ".")
    if not check.ok:
        typer.echo(f"error: {check.message}", err=True)
        raise typer.Exit(1)
