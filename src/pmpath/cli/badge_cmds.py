"""``pmpath badge``: Open Badges 3.0 from the command line, acting as the account given by
``--as`` with that account's permissions (the same service as the pages and the API). BADGE is
a badge's public id, as ``pmpath badge list`` shows it and its links end with."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.acting import acting_as
from pmpath.cli.options import AsOption, DatabaseOption, JsonOption

if TYPE_CHECKING:
    from pmpath.services.models.badges import Badge, Verification

app = typer.Typer(
    help="Open Badges 3.0: claim the signed badge of a passed exam or a placement test, "
    "download it, verify any badge, and revoke one (admins).",
    rich_markup_mode=None,
    no_args_is_help=True,
)

BadgeArg = Annotated[
    str, typer.Argument(help="The badge's public id (see `pmpath badge list`).", metavar="BADGE")
]
#: Exit code of `verify` for a credential that is not valid (bad input stays 2).
EXIT_NOT_VALID = 1


def _day(badge_moment: object) -> str:
    from datetime import datetime

    if not isinstance(badge_moment, datetime):
        return ""
    return f"{badge_moment.day} {badge_moment:%B %Y}"


def _status(badge: Badge) -> str:
    if badge.revoked_at is None:
        return "Valid"
    return f"Revoked {_day(badge.revoked_at)}"


@app.command(name="list")
def list_badges(
    as_email: AsOption, database_url: DatabaseOption = None, as_json: JsonOption = False
) -> None:
    """Your badges, and the finished attempts that earn one.

    Newest first."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    mine = app_.badges.mine(me)
    if as_json:
        render.json_out(mine)
        return
    if mine.badges:
        render.table(
            "Your badges",
            ["Badge", "Achievement", "Issued", "Status"],
            [[b.public_id, b.name, _day(b.issued_at), _status(b)] for b in mine.badges],
        )
    else:
        render.say("You have no badge yet.")
    if mine.claimable:
        render.table(
            "Ready to claim (pmpath badge issue --attempt NUMBER)",
            ["Attempt", "Achievement", "Finished"],
            [[str(c.attempt_id), c.name, _day(c.finished_at)] for c in mine.claimable],
        )


@app.command(name="issue")
def issue(
    as_email: AsOption,
    attempt: Annotated[
        int | None,
        typer.Option(
            "--attempt",
            help="The number of your passed mock exam or adaptive exam, or of a placement test.",
            min=0,
            max=2**31 - 1,
        ),
    ] = None,
    placement: Annotated[
        str | None,
        typer.Option(
            "--placement",
            help="Your placement test: its number, or `latest` for your newest finished one.",
            metavar="NUMBER|latest",
        ),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Issue the badge of a passed exam or placement test.

    Asked again for the same attempt, it gives the same badge."""
    from pmpath.cli import render
    from pmpath.errors import Location, NotFoundError, PmpathError

    if (attempt is None) == (placement is None):
        raise PmpathError(
            "give either --attempt NUMBER or --placement NUMBER|latest",
            Location(field_path=("attempt",)),
        )
    app_, me = acting_as(as_email, database_url)
    if placement is not None:
        if placement == "latest":
            latest = app_.psychometrics.latest_placement(me.profile)
            if latest is None:
                raise NotFoundError(
                    "you have not finished a placement test yet: `pmpath placement` starts one",
                    Location(field_path=("placement",)),
                )
            attempt = latest.attempt_id
        elif placement.isdigit():
            attempt = int(placement)
        else:
            raise PmpathError(
                f"--placement takes a number or `latest`, not {placement!r}",
                Location(field_path=("placement",)),
            )
    assert attempt is not None
    badge = app_.badges.claim(me, attempt)
    if as_json:
        render.json_out(badge)
        return
    _show(badge)


def _show(badge: Badge) -> None:
    from pmpath.cli import render

    render.heading(badge.name)
    render.say(f"Issued to {badge.recipient} by {badge.issuer_name} on {_day(badge.issued_at)}.")
    render.say(
        f"Status: {_status(badge)}" + (f" ({badge.revoked_reason})" if badge.revoked_reason else "")
    )
    render.say()
    render.say(f"Required: {badge.criteria}")
    render.say(f"Evidence: {badge.evidence}")
    render.say()
    render.say(f"Share: {badge.verify_url}")
    render.dim(f"Download: pmpath badge download {badge.public_id} -o FILE")


@app.command(name="show")
def show(
    badge: BadgeArg,
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """One badge: what it certifies, its status, its link.

    Your own; an admin may see any badge."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.badges.get(me, badge)
    if as_json:
        render.json_out(found)
        return
    _show(found)


@app.command(name="download")
def download(
    badge: BadgeArg,
    as_email: AsOption,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write (`-` for standard output).")
    ],
    form: Annotated[
        str,
        typer.Option(
            "--format",
            help="jwt: the signed credential (for wallets and verifiers); json: its readable "
            "JSON form, which is not signed.",
            metavar="jwt|json",
        ),
    ] = "jwt",
    database_url: DatabaseOption = None,
) -> None:
    """Save a badge: the signed credential (.jwt) or JSON."""
    from pmpath.cli import render
    from pmpath.errors import Location, PmpathError

    if form not in ("jwt", "json"):
        raise PmpathError(
            f"--format is jwt or json, not {form!r}", Location(field_path=("format",))
        )
    app_, me = acting_as(as_email, database_url)
    file = app_.badges.download(me, badge, "jwt" if form == "jwt" else "json")
    if str(output) == "-":
        sys.stdout.write(file.content if file.content.endswith("\n") else file.content + "\n")
        return
    try:
        output.write_text(file.content, encoding="utf-8")
    except OSError as exc:
        raise PmpathError(
            f"cannot write {output}: {exc.strerror}", Location(field_path=("output",))
        ) from None
    render.say(f"Saved {output} ({len(file.content.encode()):,} bytes).")


@app.command(name="verify")
def verify(
    file: Annotated[
        Path, typer.Argument(help="A badge's signed credential (.jwt), or `-` to read stdin.")
    ],
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Verify a badge file: signature, dates and revocation.

    With openbadgeslib: its signature against the issuer's published key, its dates, and
    its revocation status (this site's from its database; another issuer's over HTTPS when
    reachable). Exit code 0 when valid, 1 when not."""
    from pmpath.cli import render
    from pmpath.cli.application import application
    from pmpath.errors import Location, PmpathError

    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PmpathError(
            f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}",
            Location(field_path=("file",)),
        ) from None
    result = application(None, database_url).badge_verification.verify(text)
    if as_json:
        render.json_out(result)
    else:
        _verdict(result)
    if not result.valid:
        raise typer.Exit(EXIT_NOT_VALID)


def _verdict(result: Verification) -> None:
    from pmpath.cli import render

    render.say(result.headline)
    if not result.valid and result.detail and result.reason != "revoked":
        render.dim(f"The verifier found: {result.detail}")


@app.command(name="issued")
def issued(
    as_email: AsOption, database_url: DatabaseOption = None, as_json: JsonOption = False
) -> None:
    """Every badge issued, newest first (admins)."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.badges.issued(me)
    if as_json:
        render.json_out(found)
        return
    if not found.badges:
        render.say("No badge has been issued yet.")
        return
    render.table(
        "Badges issued",
        ["Badge", "Achievement", "Learner", "Issued", "Status"],
        [[b.public_id, b.name, b.email, _day(b.issued_at), _status(b)] for b in found.badges],
    )


@app.command(name="revoke")
def revoke(
    badge: BadgeArg,
    as_email: AsOption,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="Why: shown to whoever verifies the badge (up to 500 characters)."
        ),
    ],
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revoke a badge (admins), with the reason verifiers see.

    Its bit is set in the published status list, and every verification from now on
    says it was revoked, when and why."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    done = app_.badges.revoke(me, badge, reason)
    if as_json:
        render.json_out(done)
        return
    render.say(f"Revoked {done.name} of {done.recipient} on {_day(done.revoked_at)}.")
