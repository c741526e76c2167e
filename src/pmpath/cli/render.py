"""Printing command results: Rich tables for people, JSON for scripts.

Imported only inside commands, so Rich stays off the start-up path of ``pmpath --help``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    # Types only: a command that prints no framework text never imports the framework.
    from pmpath.framework import Framework
    from pmpath.services.models.ladder import RolesByStage

# No markup: framework text is the user's own and may contain [brackets]; styling is
# applied with Text objects instead.
console = Console(highlight=False, markup=False)


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
    from pmpath.cli import replay

    replay.valid_until((now + words_last(at, now)).timestamp())
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


def words_last(at: datetime, now: datetime) -> timedelta:
    """How long :func:`when`'s words for ``at`` stay as they are at ``now`` (at least; a stored
    answer that shows them is not replayed after that): until the next minute's rounding
    within an hour of ``at``, the hour's edges, ``at`` itself or the next midnight UTC."""
    since = (now - at).total_seconds()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    changes = [86400 - (now - midnight).total_seconds()]
    if -3600 <= since < 3600:
        changes.append((30 - since) % 60)  # round(minutes) turns at half minutes
    changes += [edge - since for edge in (-3600, 0, 3600) if edge >= since]
    return timedelta(seconds=min(changes))


#: The widest a column is kept for its longest word; longer words (rare: URLs) may fold.
LONGEST_KEPT_WORD = 40


def table(title: str | None, columns: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table; each cell is a str (shown as plain text) or a Rich Text.

    Words are never broken: ids are what people copy, so each column is at least as wide as
    its longest word, and the space left is shared out by how much more each column holds;
    text wraps between words. When the terminal is too narrow even for that, or the columns
    get so narrow that the table would be far longer than a list, each row is printed as a
    block of "Column: value" lines instead."""
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
    if _stacked_height(columns, rows) < STACK_WHEN_SHORTER * _table_height(cells, widths):
        _stacked(title, columns, rows)
        return
    grid = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for column, width in zip(columns, widths, strict=True):
        grid.add_column(column, overflow="fold", width=width)
    for row in rows:
        grid.add_row(*row)
    console.print(grid)


#: The stacked layout is chosen when it takes fewer than this share of the table's lines:
#: prose squeezed into narrow columns (a summary 19 characters wide) is hard to read, and a
#: table is worth a few more lines only while it still scans.
STACK_WHEN_SHORTER = 0.75


def _wrapped(cell: Any, width: int) -> int:
    """How many lines ``cell`` takes at ``width`` characters, wrapped between words."""
    import textwrap

    text = cell.plain if isinstance(cell, Text) else str(cell)
    return sum(
        max(1, len(textwrap.wrap(line, width, break_on_hyphens=False)))
        for line in (text.splitlines() or [""])
    )


def _table_height(cells: list[list[Any]], widths: list[int]) -> int:
    """A table's lines: its rows, the header and four rules (top, under the header, bottom,
    and the title's line)."""
    rows = zip(*cells, strict=True)
    return 3 + sum(max(_wrapped(c, w) for c, w in zip(row, widths, strict=True)) for row in rows)


def _stacked_height(columns: list[str], rows: Sequence[Sequence[Any]]) -> int:
    """The lines of the stacked layout: a "Column: value" line per cell and a blank per row."""
    width = max(console.width, 1)
    return 1 + sum(
        1
        + sum(
            _wrapped(f"{column}: {_plain(cell)}", width)
            for column, cell in zip(columns, row, strict=True)
            if _plain(cell).strip()
        )
        for row in rows
    )


def _plain(cell: Any) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def _share(least: list[int], most: list[int], room: int) -> list[int]:
    """Column widths from ``least`` up to fill ``room``. A column that needs no more than an
    even share of what is left gets its whole width (a track, a kind, a list of names stays on
    one line); the columns of long prose share the rest by how much more each holds."""
    widths = list(least)
    spare = room - sum(least)
    wants = {i: high - low for i, (low, high) in enumerate(zip(least, most, strict=True))}
    wants = {i: want for i, want in wants.items() if want > 0}
    while wants:
        fair = spare // len(wants)
        modest = [i for i, want in wants.items() if want <= fair]
        if not modest:
            break
        for i in modest:
            widths[i] += wants[i]
            spare -= wants.pop(i)
    total = sum(wants.values()) or 1
    for i, want in wants.items():
        widths[i] += spare * want // total
    for i in sorted(wants, key=lambda i: -wants[i])[: room - sum(widths)]:
        widths[i] += 1
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


def names(framework: Framework, kind: str, ids: Sequence[str]) -> str:
    """Ids of a ``kind`` ("competency", "role", "stage", ...) as their names, comma-separated:
    people read names; the ids are in each command's --json. A role may also be an exit, and an
    id the framework does not know is shown as it is."""
    kinds = ("role", "exit") if kind == "role" else (kind,)
    shown = []
    for item_id in ids:
        found = next((k for k in kinds if framework.has(k, item_id)), None)
        shown.append(getattr(framework, found)(item_id).name if found else item_id)
    return ", ".join(shown)


def shortened(text: str, most: int) -> str:
    """``text`` cut to at most ``most`` characters at a space, with "…" when cut: a word is
    never cut in half (unless it alone is longer than ``most``)."""
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    # One character more: a space there means the word before it ends exactly at ``most``.
    cut = text[: most + 1].rsplit(" ", 1)[0] if " " in text[: most + 1] else text[:most]
    return cut.rstrip(",;:.") + "…"


#: Kinds of development action and learning, as the web's pages name them (_names.html).
KIND_NAMES = {"cross-functional": "Cross-functional work"}


def kind_name(kind: str) -> str:
    """A kind of action or learning in words: "stretch-project" is "Stretch project"."""
    return KIND_NAMES.get(kind, kind.replace("-", " ").capitalize())


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
        ("pmpath resume", "Continue whatever you left unfinished."),
        ("pmpath --help", "Every command, by task."),
    ):
        start.add_row(Text("  " + command, style="bold"), what)
    console.print(start)
