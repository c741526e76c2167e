"""Printing command results: Rich tables for people, JSON for scripts.

Imported only inside commands, so Rich stays off the start-up path of ``pmpath --help``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
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


def table(title: str | None, columns: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table; each cell is a str (shown as plain text) or a Rich Text."""
    grid = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*row)
    console.print(grid)


def overview(data: RolesByStage) -> None:
    fw = data.framework
    heading(f"{fw.name} (version {fw.version})")
    console.print(fw.summary)
    console.print()
    rows = []
    for stage in data.stages:
        for index, role in enumerate(stage.roles):
            rows.append(
                [stage.name if index == 0 else "", role.name, role.id, role.track or "exit"]
            )
    table("The ladder", ["Stage", "Role", "Id", "Track"], rows)
    counts = fw.counts
    console.print(
        f"{counts.competencies} competencies, {counts.backgrounds} backgrounds, "
        f"{counts.certifications} certifications and programmes, "
        f"{counts.development_actions} development actions, {counts.exits} exits."
    )
    console.print(
        Text.assemble(
            "Next: ",
            ("pmpath role ID", "bold"),
            ", ",
            ("pmpath path FROM TO", "bold"),
            ", ",
            ("pmpath diff FROM TO", "bold"),
            ", ",
            ("pmpath competencies", "bold"),
            ", ",
            ("pmpath --help", "bold"),
            " for everything.",
        )
    )
