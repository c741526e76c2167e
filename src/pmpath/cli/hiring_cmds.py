"""Commands for hiring from the ladder: a job description and an interview kit for a role."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.application import application
from pmpath.cli.options import FrameworkOption, JsonOption

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import BaseModel

RoleArg = Annotated[str, typer.Argument(help="A role id, e.g. senior-product-manager.")]
SpecialisationOption = Annotated[
    str | None,
    typer.Option(
        "--specialisation",
        "-s",
        help="Hire a specialist (growth, technical, platform, ...; see `pmpath "
        "specialisations`): the role then expects more of the competencies it leans on.",
        metavar="ID",
        show_default=False,
    ),
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format", help="markdown (the default) or html (a printable, self-contained page)."
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the document to this file instead of printing it.",
        show_default=False,
    ),
]
FORMATS = ("markdown", "html")


def job_description(
    role_id: RoleArg,
    specialisation: SpecialisationOption = None,
    format_name: FormatOption = "markdown",
    output: OutputOption = None,
    framework: FrameworkOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a job description for a role: summary, duties, success measures and what it
    expects in every competency, must-haves first."""
    from pmpath.reports import hiring as documents
    from pmpath.services import hiring

    _check_format(format_name)
    data = hiring.job_description(application(framework).framework, role_id, specialisation)
    html = format_name == "html"
    write = documents.render_job_description if html else documents.job_description_markdown
    _deliver(data, lambda: write(data), output, as_json)


def interview_kit(
    role_id: RoleArg,
    specialisation: SpecialisationOption = None,
    count: Annotated[
        int,
        typer.Option(
            "--count",
            "-n",
            min=1,
            help="How many competencies to cover; the role's must-haves are always in.",
        ),
    ] = 6,
    format_name: FormatOption = "markdown",
    output: OutputOption = None,
    framework: FrameworkOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write an interview kit for a role: behavioural questions on its most important
    competencies, what a strong answer shows at the expected level, red flags and a scoring
    guide."""
    from pmpath.reports import hiring as documents
    from pmpath.services import hiring

    _check_format(format_name)
    data = hiring.interview_kit(application(framework).framework, role_id, specialisation, count)
    html = format_name == "html"
    write = documents.render_interview_kit if html else documents.interview_kit_markdown
    _deliver(data, lambda: write(data), output, as_json)


def _check_format(format_name: str) -> None:
    from pmpath.errors import PmpathError

    if format_name not in FORMATS:
        raise PmpathError(f"--format must be markdown or html, not {format_name!r}")


def _deliver(
    data: "BaseModel", document: "Callable[[], str]", output: Path | None, as_json: bool
) -> None:
    """Print the model as JSON, or the document, to stdout or to ``output``."""
    from pmpath.cli import render
    from pmpath.errors import PmpathError

    if as_json:
        render.json_out(data)
        return
    text = document()
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PmpathError(f"cannot write {output}: {exc.strerror}") from None
    render.say(f"Written to {output}.")
