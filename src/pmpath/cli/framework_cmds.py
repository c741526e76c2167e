"""``pmpath framework``: check a framework file and print the format's JSON Schema."""

from pathlib import Path
from typing import Annotated

import typer

from pmpath.cli.options import JsonOption

app = typer.Typer(
    help="Check framework files and print the JSON Schema of the format.",
    rich_markup_mode=None,
    no_args_is_help=True,
)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="The framework YAML file to check.")],
    as_json: JsonOption = False,
) -> None:
    """Check a framework file: YAML, fields, ids, levels and the ladder's shape.

    Prints every problem as FILE:LINE: FIELD: MESSAGE and exits with code 2 when there is any.
    """
    from pmpath.cli import render
    from pmpath.framework import load_framework
    from pmpath.services.ladder import framework_summary
    from pmpath.services.models.ladder import ValidFramework

    fw = load_framework(file)
    data = ValidFramework(file=str(file), valid=True, **dict(framework_summary(fw)))
    if as_json:
        render.json_out(data)
        return
    counts = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in data.counts)
    render.say(f"{file}: valid framework {fw.id!r} ({counts})")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the framework file format (generated from the model)."""
    from pmpath.cli import render
    from pmpath.framework import Framework

    render.json_out(Framework.model_json_schema())
