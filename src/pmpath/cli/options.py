"""Options shared by many commands, declared once so they read the same everywhere."""

from pathlib import Path
from typing import Annotated

import typer

FrameworkOption = Annotated[
    Path | None,
    typer.Option(
        "--framework",
        "-f",
        envvar="PMPATH_FRAMEWORK",
        help="A framework YAML file to use instead of the bundled product-management ladder.",
        show_default=False,
    ),
]

JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print JSON with stable keys (see docs/cli.md) instead of tables."),
]

ProfileOption = Annotated[
    str,
    typer.Option(
        "--profile",
        "-p",
        envvar="PMPATH_PROFILE",
        help="Whose assessments to use: any name you choose (one person can keep several).",
    ),
]

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="PMPATH_DATABASE_URL",
        help="SQLAlchemy URL of the database; default: a SQLite file in your user data folder.",
        show_default=False,
    ),
]

TargetOption = Annotated[
    str | None,
    typer.Option(
        "--target",
        "-t",
        help="The role or exit to aim for; default: the assessment's target, else the next "
        "role on your suggested track.",
        show_default=False,
    ),
]

SpecialisationOption = Annotated[
    str | None,
    typer.Option(
        "--specialisation",
        "-s",
        help="A specialisation you follow (growth, technical, platform, ...; see `pmpath "
        "specialisations`): roles then expect more of the competencies it leans on.",
        metavar="ID",
        show_default=False,
    ),
]

AsOption = Annotated[
    str,
    typer.Option(
        "--as",
        envvar="PMPATH_AS",
        help="The email of the account to act as (organisations and teams). The command "
        "sees and may change what that account may on the web.",
        metavar="EMAIL",
    ),
]

CsvOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the CSV to this file (UTF-8 with a byte order mark, for spreadsheets) "
        "instead of printing it.",
        show_default=False,
    ),
]
