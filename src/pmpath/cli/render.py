"""Printing command results: Rich tables for people, JSON for scripts.

Imported only inside commands, so Rich stays off the start-up path of ``pmpath --help``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pmpath.framework import Framework, bundled_framework_path, load_framework

if TYPE_CHECKING:
    from pmpath.services.models.ladder import RolesByStage

# No markup: framework text is the user's own and may contain [brackets]; styling is
# applied with Text objects instead.
console = Console(highlight=False, markup=False)


def framework(path: Path | None) -> Framework:
    """The framework a command works on: the user's file, or the bundled ladder."""
    return load_framework(path if path is not None else bundled_framework_path())


def json_out(data: Any) -> None:
    """Print ``data`` (a service's result model, or plain JSON types) as indented JSON."""
    from pydantic import BaseModel

    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def say(text: str = "") -> None:
    console.print(text)


def dim(text: str) -> None:
    console.print(Text(text, style="dim"))


def named(name: str, detail: str | None, style: str = "dim") -> Text:
    """A table cell with a name and, on the next line, a styled detail such as its id."""
    return Text.assemble(name, ("\n" + detail, style)) if detail else Text(name)


def heading(text: str) -> None:
    console.print(Text(text, style="bold"))


def bullets(title: str, items: list[str]) -> None:
    if not items:
        return
    console.print(Text(title, style="bold"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column()
    for item in items:
        grid.add_row("•", Text(item))  # Text: never read an item's brackets as markup
    console.print(grid)
    console.print()


def when(moment: str | datetime | None, now: datetime | None = None) -> str:
    """A moment as people say it, in UTC: "in 10 minutes", "tomorrow at 09:11 UTC",
    "in 4 days (Fri 11 Dec)", "yesterday at 18:02 UTC", "7 Dec 2026, 02:18 UTC". The ISO form
    is for --json only."""
    if moment is None or moment == "":
        return ""
    at = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    seconds = (at - now).total_seconds()
    clock = f"{at:%H:%M} UTC"
    days = (at.date() - now.date()).days
    if 0 <= seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    if -3600 < seconds < 0:
        minutes = max(1, round(-seconds / 60))
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    if days == -1:
        return f"yesterday at {clock}"
    if 1 < days <= 7:
        return f"in {days} days ({at:%a} {at.day} {at:%b})"
    return f"{at.day} {at:%b %Y}, {clock}"


#: The widest a column is kept for its longest word; longer words (rare: URLs) may fold.
LONGEST_KEPT_WORD = 40


def table(title: str | None, columns: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table; each cell is a str (shown as plain text) or a Rich Text.

    Words are never broken: ids are what people copy, so each column is at least as wide as
    its longest word, and the space left is shared out by how much more each column holds;
    text wraps between words. When the terminal is too narrow even for that, each row is
    printed as a block of "Column: value" lines instead."""
    cells = [[header, *(row[i] for row in rows)] for i, header in enumerate(columns)]
    least = [min(LONGEST_KEPT_WORD, max(_longest_word(c) for c in column)) for column in cells]
    most = [
        max(max(_longest_line(c) for c in column), low)
        for column, low in zip(cells, least, strict=True)
    ]
    # Rich's default table: one space of padding each side and a border between columns.
    room = console.width - (3 * len(columns) + 1)
    if sum(least) > room:
        _stacked(title, columns, rows)
        return
    widths = most if sum(most) <= room else _share(least, most, room)
    grid = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for column, width in zip(columns, widths, strict=True):
        grid.add_column(column, overflow="fold", width=width)
    for row in rows:
        grid.add_row(*row)
    console.print(grid)


def _share(least: list[int], most: list[int], room: int) -> list[int]:
    """Column widths from ``least`` up, sharing ``room`` by what each column could still use."""
    spare = room - sum(least)
    wants = [high - low for low, high in zip(least, most, strict=True)]
    total = sum(wants) or 1
    widths = [low + spare * want // total for low, want in zip(least, wants, strict=True)]
    for index in sorted(range(len(widths)), key=lambda i: -wants[i])[: room - sum(widths)]:
        widths[index] += 1
    return widths


def _longest_line(cell: Any) -> int:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return max((len(line) for line in text.splitlines()), default=0)


def _longest_word(cell: Any) -> int:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return max((len(word) for word in text.split()), default=0)


def _stacked(title: str | None, columns: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table for a narrow terminal: one block per row, one "Column: value" line per cell."""
    if title:
        console.print(Text(title, style="italic"))
    for row in rows:
        for column, cell in zip(columns, row, strict=True):
            value = cell if isinstance(cell, Text) else Text(str(cell))
            if value.plain.strip():
                console.print(Text.assemble((f"{column}: ", "bold"), value))
        console.print()


def track_name(track: str | None) -> str:
    """A track as people say it ("individual-contributor" is "Individual contributor")."""
    return (track or "exit").replace("-", " ").capitalize()


def overview(data: RolesByStage) -> None:
    fw = data.framework
    heading(f"{fw.name} (version {fw.version})")
    console.print(fw.summary)
    console.print()
    rows = []
    for stage in data.stages:
        for index, role in enumerate(stage.roles):
            rows.append(
                [stage.name if index == 0 else "", role.name, role.id, track_name(role.track)]
            )
    table("The ladder", ["Stage", "Role", "Id", "Track"], rows)
    counts = fw.counts
    console.print(
        f"{counts.competencies} competencies, {counts.backgrounds} backgrounds, "
        f"{counts.certifications} certifications and programmes, "
        f"{counts.development_actions} development actions, {counts.exits} exits."
    )
    console.print()
    heading("Start here")
    # A grid, not a table: commands are copied whole, so their column never wraps.
    start = Table.grid(padding=(0, 2))
    start.add_column(no_wrap=True)
    start.add_column()
    for command, what in (
        ("pmpath assess", "Rate yourself: see where you stand, your gaps and a plan."),
        ("pmpath role product-manager", "What a role expects, and the steps after it."),
        ("pmpath practice", "Ten practice questions, each explained at once."),
        ("pmpath exam start pm-foundations", "A timed mock exam (see pmpath exam list)."),
        ("pmpath --help", "Every command, by task."),
    ):
        start.add_row(Text("  " + command, style="bold"), what)
    console.print(start)
