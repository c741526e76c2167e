"""The text of a gap item: where its gaps are, and the text with each gap filled in.

A gap item's stem marks each gap with its number in double brackets, ``[[1]]``, ``[[2]]``, ...
(docs/bank-format.md). Every interface that shows one (the web player, the terminal, an Anki
card) and every format that carries one splits the stem here, so they agree on what a gap is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: A gap item's limits: its choices take the letters a-z; more gaps than this is a worksheet.
MAX_CHOICES = 26
MAX_GAPS = 20

#: A gap in a stem. Leading zeros are refused by the parser, so each gap has one spelling.
PLACEHOLDER = re.compile(r"\[\[(\d{1,3})\]\]")


def placeholders(stem: str) -> list[int]:
    """The gap numbers of ``stem``, in the order they appear (repeats included)."""
    return [int(match.group(1)) for match in PLACEHOLDER.finditer(stem)]


def split_stem(stem: str) -> list[str | int]:
    """``stem`` as text pieces and gap numbers in reading order: "The [[1]] is" gives
    ``["The ", 1, " is"]``."""
    parts: list[str | int] = []
    last = 0
    for match in PLACEHOLDER.finditer(stem):
        parts.append(stem[last : match.start()])
        parts.append(int(match.group(1)))
        last = match.end()
    parts.append(stem[last:])
    return [part for part in parts if part != ""]


def fill(stem: str, gap_text: Callable[[int], str]) -> str:
    """``stem`` with each ``[[n]]`` replaced by ``gap_text(n)``."""
    return PLACEHOLDER.sub(lambda match: gap_text(int(match.group(1))), stem)
