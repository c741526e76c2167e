"""``pmpath lti``: the LMS platforms pmpath runs inside (LTI 1.3), the tool's signing keys and the
URLs to paste into an LMS, acting as the admin account given by ``--as`` (the same service and
permission checks as /admin/lti and /api/v1/lti)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.acting import acting_as
from pmpath.cli.options import AsOption, DatabaseOption, JsonOption

if TYPE_CHECKING:
    from pmpath.services.models.lti import ToolKey

app = typer.Typer(
    help="LTI 1.3: register the LMS platforms pmpath runs inside, list and rotate the tool's "
    "signing keys, and print the URLs to paste into an LMS.",
    rich_markup_mode=None,
    no_args_is_help=True,
)
platform_app = typer.Typer(
    help="The LMS platforms whose launches pmpath accepts.",
    rich_markup_mode=None,
    no_args_is_help=True,
)
keys_app = typer.Typer(
    help="The tool's RSA signing keys, published at /lti/jwks.json.",
    rich_markup_mode=None,
    no_args_is_help=True,
)
app.add_typer(platform_app, name="platform")
app.add_typer(keys_app, name="keys")

BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        envvar="PMPATH_PUBLIC_URL",
        help="The site's public address, e.g. https://pmpath.example.org (default: "
        "PMPATH_PUBLIC_URL).",
        show_default=False,
    ),
]


def _day(moment: object) -> str:
    from datetime import datetime

    assert isinstance(moment, datetime)
    return f"{moment.day} {moment:%B %Y}"


@platform_app.command(name="add")
def platform_add(
    name: Annotated[str, typer.Argument(help="A name for admins, e.g. 'Moodle of the School'.")],
    as_email: AsOption,
    issuer: Annotated[
        str, typer.Option("--issuer", help="The platform ID (iss), e.g. https://moodle.example.")
    ],
    client_id: Annotated[str, typer.Option("--client-id", help="The client id it gave pmpath.")],
    deployment: Annotated[
        list[str],
        typer.Option("--deployment", "-d", help="A deployment id (repeat for several)."),
    ],
    jwks_url: Annotated[str, typer.Option("--jwks-url", help="The platform's public keyset URL.")],
    auth_url: Annotated[
        str, typer.Option("--auth-url", help="The platform's authentication request URL.")
    ],
    token_url: Annotated[str, typer.Option("--token-url", help="The platform's token URL.")],
    audience: Annotated[
        str | None,
        typer.Option("--audience", help="The token audience, if the platform names one."),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register a platform: its launches are accepted from now on.

    The values come from the LMS once pmpath is added there as a tool (see docs/lti.md).
    URLs must be https (http only for localhost)."""
    from pmpath.cli import render
    from pmpath.services.models.lti import PlatformInput

    app_, me = acting_as(as_email, database_url)
    made = app_.lti.register_platform(
        me,
        PlatformInput(
            name=name,
            issuer=issuer,
            client_id=client_id,
            deployment_ids=deployment,
            key_set_url=jwks_url,
            auth_login_url=auth_url,
            auth_token_url=token_url,
            auth_audience=audience,
        ),
    )
    if as_json:
        render.json_out(made)
        return
    render.say(f"Registered {made.name} (platform {made.id}).")


@platform_app.command(name="list")
def platform_list(
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The registered platforms, by name."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.lti.platforms(me)
    if as_json:
        render.json_out(found)
        return
    if not found.platforms:
        render.say("No platform is registered: add one with `pmpath lti platform add`.")
        return
    render.table(
        "LMS platforms",
        ["Id", "Name", "Issuer", "Client id", "Deployments", "Launches"],
        [
            [
                str(p.id),
                p.name,
                p.issuer,
                p.client_id,
                ", ".join(p.deployment_ids),
                str(p.launches),
            ]
            for p in found.platforms
        ],
    )


@platform_app.command(name="remove")
def platform_remove(
    platform_id: Annotated[int, typer.Argument(help="The platform's id (see `platform list`).")],
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove a platform: its launches are refused from now on.

    Its users keep their accounts."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    removed = app_.lti.remove_platform(me, platform_id)
    if as_json:
        render.json_out(removed)
        return
    render.say(f"Removed {removed.name}.")


@keys_app.command(name="list")
def keys_list(
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The tool's keys, newest first; the first is made on first need."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.lti.keys(me)
    if as_json:
        render.json_out(found)
        return
    render.table(
        "Signing keys",
        ["Key", "Made", "State"],
        [[k.kid[:12] + "…", _day(k.created_at), _state(k)] for k in found.keys],
    )


def _state(key: ToolKey) -> str:
    if key.status == "current":
        return "Signs now"
    if key.status == "retired" and key.published_until is not None:
        return f"Replaced; published until {_day(key.published_until)}"
    return "Replaced; no longer published"


@keys_app.command(name="rotate")
def keys_rotate(
    as_email: AsOption,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make a new signing key.

    The old one stays published for the grace period, then drops out."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.lti.rotate_key(me)
    if as_json:
        render.json_out(found)
        return
    render.say(f"New key {found.keys[0].kid} signs from now on.")
    render.say(f"The old key stays published for {found.grace_days} days.")


@app.command(name="urls")
def urls(
    base_url: BaseUrlOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The URLs to paste into an LMS's tool settings."""
    from pmpath.cli import render
    from pmpath.cli.application import application

    found = application(None, database_url).lti.tool_urls(base_url)
    if as_json:
        render.json_out(found)
        return
    for label, value in (
        ("Tool URL / redirection URL", found.launch_url),
        ("Initiate login URL", found.login_url),
        ("Public keyset URL", found.jwks_url),
        ("Deep linking URL", found.deep_linking_url),
    ):
        render.say(f"{label}:")
        render.say(f"  {value}")
