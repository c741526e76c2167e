"""``pmpath import`` and ``pmpath export``: quiz files in and out of pmpath's banks."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.application import application
from pmpath.cli.options import DatabaseOption, FrameworkOption, JsonOption

if TYPE_CHECKING:
    from pmpath.services.models.banks import WarningSummary

FORMAT_HELP = (
    "gift, moodle-xml, aiken, qti12, qti21, qti30, csv (import); the same and anki (export)"
)


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
    from rich.markup import escape

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
        render.say(escape(f"warning: {where}: {who}{warning.message}"))
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
    from rich.markup import escape

    left_out = [group for group in report.summary if group.left_out]
    others = [group for group in report.summary if not group.left_out]
    render.bullets(f"Left out ({report.left_out} questions):", [_line(g) for g in left_out])
    render.bullets(
        f"Warnings ({len(others)} kinds; --json lists each one):",
        [_line(group) for group in others],
    )
    render.say(
        escape(
            f"Wrote {report.written} of {report.questions} questions to {output} "
            f"({report.bytes:,} bytes)"
            + (f"; {report.left_out} left out." if report.left_out else ".")
        )
    )


def _line(group: "WarningSummary", shown: int = 4) -> str:
    """One warning and the questions it concerns: "3 questions: message (a, b, c)"."""
    names = ", ".join(group.questions[:shown])
    if len(group.questions) > shown:
        names += f", and {len(group.questions) - shown} more"
    count = len(group.questions)
    who = f"{count} question{'s' if count != 1 else ''}: " if count else ""
    return f"{who}{group.message}" + (f" ({names})" if names else "")
