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
