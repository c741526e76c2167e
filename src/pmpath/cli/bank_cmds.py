"""``pmpath bank``: check and list question banks."""

from typing import Annotated

import typer

from pmpath.cli.application import application
from pmpath.cli.options import DatabaseOption, FrameworkOption, JsonOption

app = typer.Typer(
    help="Check and list question banks (the bundled one, or your own folder of Markdown files).",
    rich_markup_mode=None,
    no_args_is_help=True,
)

BankArgument = Annotated[
    str | None,
    typer.Argument(
        help="pm-core (the bundled bank, the default), an imported bank's name, or a folder of "
        "Markdown files.",
        show_default=False,
    ),
]


@app.command()
def lint(
    bank: BankArgument = None,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a bank against the item-writing guidelines; exit code 2 when there are errors."""
    from pmpath.cli import render
    from pmpath.errors import BankError, Location
    from pmpath.services.banks import lint_report

    data = lint_report(application(framework, database_url).bank_for_local(bank))
    if as_json:
        render.json_out(data)
    else:
        for finding in data.findings:
            # Bank-level findings (cues, review coverage) have no file: say so, not "None:None".
            where = "whole bank" if finding.file is None else f"{finding.file}:{finding.line}"
            render.say(f"{where}: {finding.severity} {finding.code}: {finding.message}")
        summary = data.bank
        render.say(
            f"{summary.items} items in {len(summary.domains)} domains: "
            f"{data.errors} errors, {data.warnings} warnings."
        )
        if data.reviews is not None:
            record = data.reviews
            render.say(
                f"Review record: {record.reviewed} of {record.items} items reviewed "
                f"({record.share:.0%}), {record.entries} entries by {len(record.reviewers)} "
                "reviewers."
            )
    if data.errors:
        raise BankError(
            f"{data.errors} guideline errors", Location(file=str(bank or "bundled bank"))
        )


@app.command(name="items")
def list_items(
    bank: BankArgument = None,
    domain: Annotated[str | None, typer.Option("--domain", help="Only this domain id.")] = None,
    level: Annotated[
        str | None, typer.Option("--level", help="Only this level (stage id).")
    ] = None,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the items of a bank; --json prints every field, key and explanations included."""
    from pmpath.cli import render
    from pmpath.services.banks import bank_items

    data = bank_items(application(framework, database_url).bank_for_local(bank), domain, level)
    if as_json:
        render.json_out(data)
        return
    render.table(
        f"{len(data.items)} items",
        ["Id", "Domain", "Level", "Type", "Stem"],
        [[i.id, i.domain, i.level, i.type.value, render.shortened(i.stem, 90)] for i in data.items],
    )


@app.command()
def stats(
    min_responses: Annotated[
        int, typer.Option("--min-responses", min=2, help="Responses an item needs for statistics.")
    ] = 20,
    flagged: Annotated[bool, typer.Option("--flagged", help="Only items with a flag.")] = False,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Item analysis of the bundled bank from stored attempts: difficulty, discrimination, flags."""
    from pmpath.cli import render

    data = application(framework, database_url).exams.item_statistics(min_responses)
    if flagged:
        data = data.model_copy(
            update={"items": [i for i in data.items if i.flags and i.difficulty is not None]}
        )
    if as_json:
        render.json_out(data)
        return
    attempts = f"{data.attempts} finished attempt{'' if data.attempts == 1 else 's'}"
    render.say(f"{attempts} on bank {data.bank!r}.")
    if not data.items:  # an empty table says less than a sentence
        render.say(
            "No item is flagged."
            if flagged
            else f"No item has {min_responses} responses yet: nothing to analyse."
        )
        return
    render.table(
        "Item statistics",
        ["Item", "Responses", "p", "r (corrected)", "Flags"],
        [
            [
                i.item_id,
                str(i.responses),
                "-" if i.difficulty is None else f"{i.difficulty:.2f}",
                "-" if i.discrimination is None else f"{i.discrimination:.2f}",
                "; ".join(i.flags),
            ]
            for i in data.items
        ],
    )


@app.command(name="list")
def list_banks(
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every bank: the bundled one and those imported with pmpath import."""
    from pmpath.cli import render

    pmpath = application(framework, database_url)
    data = pmpath.banks.listing()
    if as_json:
        render.json_out(data)
        return
    rows = [[data.bundled, "bundled with pmpath", str(pmpath.bundled_bank_size), "-"]]
    rows += [[b.id, b.source, str(b.items), render.when(b.created_at)] for b in data.banks]
    render.table("Banks", ["Bank", "From", "Items", "Imported"], rows)


@app.command(name="all", hidden=True)
def all_banks(
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The old name of `pmpath bank list` (kept for scripts)."""
    typer.echo("note: `pmpath bank all` is now `pmpath bank list`; the old name will go.", err=True)
    list_banks(framework, database_url, as_json)
