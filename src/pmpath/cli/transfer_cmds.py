"""``pmpath import`` and ``pmpath export``: quiz files in and out of pmpath's banks."""

from pathlib import Path
from typing import Annotated

import typer

from pmpath.cli.application import application
from pmpath.cli.options import DatabaseOption, FrameworkOption, JsonOption

FORMAT_HELP = "gift, moodle-xml, aiken, qti12, qti21, csv (import); the same and anki (export)"


def import_file(
    file: Annotated[Path, typer.Argument(help="The quiz file (or QTI zip package) to import.")],
    format_name: Annotated[
        str | None,
        typer.Option("--format", help=f"The file's format; default: detected. {FORMAT_HELP}."),
    ] = None,
    bank: Annotated[
        str | None,
        typer.Option("--bank", help="The bank to import into; default: named after the file."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read, map and report, but store nothing.")
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a bank of the same name.")
    ] = False,
    level: Annotated[
        str, typer.Option("--level", help="Level of questions without a level:... tag.")
    ] = "mid-career",
    domain: Annotated[
        str | None,
        typer.Option("--domain", help="Domain of every question; default: from its category."),
    ] = None,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import a quiz file into a bank, all or nothing, with a report of every mapping made."""
    from pmpath.cli import render
    from pmpath.formats.mapping import ImportDefaults, slug

    defaults = ImportDefaults(level=level, domain=slug(domain) if domain else None)
    report = application(framework, database_url).banks.import_file(
        file, format_name, bank, defaults, dry_run, replace
    )
    if as_json:
        render.json_out(report)
        return
    types = ", ".join(f"{n} {t}" for t, n in sorted(report.by_type.items()))
    render.say(f"{report.file} ({report.format}): {report.questions} questions ({types}).")
    if report.categories:
        render.say("Categories: " + ", ".join(report.categories))
    for warning in report.warnings:
        where = f"{warning.file}:{warning.line}" if warning.line else str(warning.file)
        who = f"question {warning.question!r}: " if warning.question else ""
        render.say(f"warning: {where}: {who}{warning.message}")
    target = report.bank
    if report.stored:
        render.say(f"Imported {target.items} items into bank {target.id!r}.")
    else:
        render.say(f"Dry run: {target.items} items would go into bank {target.id!r}.")


def export(
    bank: Annotated[
        str, typer.Argument(help="pm-core (the bundled bank), an imported bank, or a bank folder.")
    ],
    format_name: Annotated[str, typer.Option("--format", help=f"The format: {FORMAT_HELP}.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export a bank to a quiz format, with a warning for everything the format cannot hold."""
    from pmpath.cli import render
    from pmpath.errors import PmpathError

    banks = application(framework, database_url).banks
    data, report = banks.export(banks.open_local(bank), format_name)
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise PmpathError(f"cannot write {output}: {exc.strerror}") from None
    report = report.model_copy(update={"output": str(output)})
    if as_json:
        render.json_out(report)
        return
    for warning in report.warnings:
        who = f"question {warning.question!r}: " if warning.question else ""
        render.say(f"warning: {who}{warning.message}")
    render.say(f"Wrote {report.questions} questions to {output} ({report.bytes} bytes).")
