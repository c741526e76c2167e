"""``pmpath framework``: check a framework file, print the format's JSON Schema, and carry a
ladder to and from 1EdTech CASE."""

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.options import FrameworkOption, JsonOption

if TYPE_CHECKING:
    from pmpath.formats.case import CaseImport, CaseImportReport

app = typer.Typer(
    help="Check framework files, print the JSON Schema of the format, and export or import a "
    "ladder as a 1EdTech CASE package.",
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


@app.command("export")
def export_case(
    format_name: Annotated[
        str,
        typer.Option(
            "--format", metavar="FORMAT", help="The format: case (a 1EdTech CASE 1.1 CFPackage)."
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The JSON file to write.")],
    framework: FrameworkOption = None,
    base_uri: Annotated[
        str | None,
        typer.Option(
            "--base-uri",
            metavar="URI",
            help="Where the records will be served, e.g. https://case.example.org/ims/case/v1p0; "
            "each record's uri becomes URI/CFItems/UUID and so on. Default: urn:uuid:UUID.",
            show_default=False,
        ),
    ] = None,
    creator: Annotated[
        str,
        typer.Option("--creator", metavar="NAME", help="The organisation that owns the ladder."),
    ] = "pmpath",
    changed_at: Annotated[
        str | None,
        typer.Option(
            "--changed-at",
            metavar="WHEN",
            help="Every record's lastChangeDateTime, ISO 8601 with a time zone "
            "(2026-01-31T12:00:00Z). Default: now.",
            show_default=False,
        ),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            metavar="CODE",
            help="The language of the texts (en, de, ...).",
            show_default=False,
        ),
    ] = None,
    case_version: Annotated[
        str,
        typer.Option(
            "--case-version",
            metavar="VERSION",
            help="1.1, or 1.0 for readers that refuse 1.1's additions; a 1.0 package holds the "
            "competencies only (no pmpath extension).",
        ),
    ] = "1.1",
    as_json: JsonOption = False,
) -> None:
    """Export the ladder as a CASE package: competencies, areas and behaviour levels as
    CFItems and CFRubrics, the rest in pmpath's extension so it imports back unchanged."""
    from pmpath.cli import render
    from pmpath.formats.case import CaseExport, ExportOptions, package, to_json
    from pmpath.framework import bundled_framework_path, load_framework

    if format_name.strip().lower() != "case":
        raise typer.BadParameter(
            f"{format_name!r}; the one format is case", param_hint="'--format'"
        )
    if case_version.strip() not in ("1.0", "1.1"):
        raise typer.BadParameter(
            f"{case_version!r}; pmpath writes CASE 1.1 or 1.0", param_hint="'--case-version'"
        )
    options = ExportOptions(
        case_version=case_version.strip(),
        changed_at=_moment(changed_at),
        creator=_normalized(creator, "--creator"),
        base_uri=_base_uri(base_uri) if base_uri is not None else None,
        language=_normalized(language, "--language") if language is not None else None,
    )
    fw = load_framework(framework or bundled_framework_path())
    content = package(fw, options)
    data = to_json(content)
    _write_whole(output, data)
    report = CaseExport(
        output=str(output),
        framework=fw.id,
        document=content["CFDocument"]["identifier"],
        items=len(content["CFItems"]),
        associations=len(content["CFAssociations"]),
        rubrics=len(content["CFRubrics"]),
        bytes=len(data),
    )
    if as_json:
        render.json_out(report)
        return
    from rich.markup import escape

    render.say(
        escape(
            f"Wrote the ladder {fw.id!r} to {output} as a CASE package: {len(fw.areas)} areas "
            f"and {len(fw.competencies)} competencies ({report.items} CFItems), "
            f"{report.rubrics} rubrics of {len(fw.scale)} levels"
            + (", and the rest in pmpath's extension" if options.case_version == "1.1" else "")
            + f" ({report.bytes:,} bytes)."
        )
    )


@app.command("import")
def import_case(
    file: Annotated[Path, typer.Argument(help="The CASE package (CFPackage JSON) to read.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The framework YAML file to write.")
    ],
    roles_from: Annotated[
        Path | None,
        typer.Option(
            "--roles-from",
            metavar="LADDER",
            help="A ladder whose stages, roles and everything else to use with the package's "
            "competencies (its expectations must name exactly those competencies).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace OUTPUT if it already exists.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import a CASE package into a new ladder file (CASE 1.0 or 1.1; pmpath's own or any).

    A package pmpath wrote comes back as the ladder it was. Another framework gives its
    competencies, areas and rubric levels; with --roles-from the roles of that ladder make it a
    ladder, without it the file written is a competency library and the command lists what to
    add. Bad input: exit code 2, nothing written.
    """
    from pmpath.cli import render
    from pmpath.errors import FormatError, PmpathError
    from pmpath.formats.case import import_package, ladder_yaml
    from pmpath.framework import load_framework, parse_framework
    from pmpath.localfiles import read_local_file

    if output.exists() and not force:
        raise PmpathError(
            f"{output} already exists; pass --force to replace it, or choose another --output"
        )
    ladder = load_framework(roles_from) if roles_from is not None else None
    data = read_local_file(file, FormatError)
    result = import_package(data, str(file), ladder, str(roles_from))
    text = ladder_yaml(result, file.name)
    if result.framework is not None:
        # What is written must be what was checked: read the text back as `validate` would.
        parse_framework(text, str(output))
    _write_whole(output, text.encode())
    report = _import_report(result, file, output)
    if as_json:
        render.json_out(report)
        return
    from rich.markup import escape

    for warning in report.warnings:
        render.say(escape(f"warning: {file}: {warning}"))
    counts = f"{_count(report.areas, 'area')}, {_count(report.competencies, 'competency')}"
    if report.ladder:
        render.say(
            escape(
                f"Wrote the ladder {report.framework!r} to {output} "
                f"({counts}, {_count(report.roles, 'role')})."
            )
        )
        return
    render.say(
        escape(f"Wrote a competency library to {output} ({counts}); it is not yet a ladder.")
    )
    render.bullets("To make it one, add:", report.missing)
    render.say(
        escape(
            f"Then check it with: pmpath framework validate {output} (or import again with "
            "--roles-from LADDER.yaml to take the roles of a ladder you have)."
        )
    )


def _import_report(result: "CaseImport", file: Path, output: Path) -> "CaseImportReport":
    from pmpath.formats.case import CaseImportReport

    return CaseImportReport(
        file=str(file),
        output=str(output),
        origin=result.origin,
        ladder=result.framework is not None,
        framework=str(result.data["id"]),
        areas=len(result.data["areas"]),
        competencies=len(result.data["competencies"]),
        roles=len(result.data.get("roles", [])),
        missing=result.missing,
        warnings=result.warnings,
    )


def _count(number: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {noun if number == 1 else plural}"


def _write_whole(output: Path, data: bytes) -> None:
    """Write ``data`` whole or not at all: a temporary file beside OUTPUT, then a rename."""
    import os
    import tempfile

    from pmpath.errors import PmpathError

    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".pmpath-", dir=output.parent)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(temporary, output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise PmpathError(f"cannot write {output}: {exc.strerror}") from None


def _moment(text: str | None) -> datetime:
    from datetime import UTC

    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not an ISO 8601 date and time such as 2026-01-31T12:00:00Z",
            param_hint="'--changed-at'",
        ) from None
    if moment.tzinfo is None:
        raise typer.BadParameter(
            f"{text!r} has no time zone; add Z for UTC (2026-01-31T12:00:00Z)",
            param_hint="'--changed-at'",
        )
    return moment


def _normalized(text: str, option: str) -> str:
    # CASE's NormalizedString: one line, no surrounding blanks, not empty.
    value = " ".join(text.split())
    if not value:
        raise typer.BadParameter("must not be empty", param_hint=f"'{option}'")
    return value


def _base_uri(text: str) -> str:
    from urllib.parse import urlsplit

    value = text.strip()
    parts = urlsplit(value)
    if (
        not parts.scheme
        or any(ch.isspace() for ch in value)
        or (parts.scheme in ("http", "https") and not parts.netloc)
    ):
        raise typer.BadParameter(
            f"{text!r} is not an absolute URI such as https://case.example.org/ims/case/v1p0",
            param_hint="'--base-uri'",
        )
    return value
