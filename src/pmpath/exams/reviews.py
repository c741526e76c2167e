"""The review record of a bank: who reviewed each item, when, and what they found.

A bank folder may keep a ``reviews/`` folder with one YAML file per domain file
(``reviews/agile-and-scrum.yaml`` for ``agile-and-scrum.md``), each a list of entries
``{item, reviewer, date, found, note}`` (docs/bank-format.md, section 6). An item reviewed again
gets another entry, so the record keeps its history. Every problem is reported with the file,
the line and the field, like any other bank error; the coverage (which items have no entry)
is a lint warning, not an error, because a bank is usable while its review is under way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError

from pmpath.errors import BankError, FieldPath, Location, Problem
from pmpath.exams.items import Item
from pmpath.framework.model import Id
from pmpath.yamldoc import YamlDocument, validation_problems

#: The folder of a bank folder that holds its review record.
REVIEWS_FOLDER = "reviews"
#: The verdicts a reviewer may record, from the item as they found it.
FOUND: tuple[str, ...] = ("ok", "minor", "major", "not recorded")

Found = Literal["ok", "minor", "major", "not recorded"]
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value: Any) -> date:
    # YAML turns an unquoted 2026-12-07 into a date and 2026-12-07 10:30 into a datetime; a
    # quoted day, 2026-12-7 or 07/12/2026 stay text. Only a real day written YYYY-MM-DD is a
    # review date: "07/12/2026" could be July or December.
    if type(value) is date:
        return value
    if isinstance(value, str) and _ISO_DAY.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{value.strip()!r} is not a day of the calendar ({exc})") from None
    raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: Id
    reviewer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    date: Annotated[date, BeforeValidator(_day)]
    found: Found
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = None


@dataclass(frozen=True)
class Review:
    """One review of one item."""

    item: str
    reviewer: str
    date: date
    found: str
    note: str | None = None
    source: Location = field(default_factory=Location, compare=False)


def parse_reviews(files: Sequence[tuple[str, str]], items: Iterable[Item]) -> tuple[Review, ...]:
    """The entries of the review files ``files`` ((name, text) pairs) about ``items``.

    A file's name must be a domain file's (``x.yaml`` for ``x.md``) and each entry must name
    an item of that file; raises :class:`BankError` with every problem.
    """
    file_of = {item.id: Path(item.source.file or "").stem for item in items}
    domain_files = set(file_of.values())
    problems: list[Problem] = []
    reviews: list[Review] = []
    for source, text in files:
        stem = Path(source).stem
        if stem not in domain_files:
            problems.append(
                Problem(
                    f"no domain file {stem}.md in this bank: a review file is named after the "
                    "domain file whose items it records",
                    Location(file=source, line=1),
                )
            )
            continue
        try:
            reviews += _parse_file(source, text, stem, file_of)
        except BankError as exc:
            problems += exc.problems
    if problems:
        raise BankError(problems)
    return tuple(reviews)


def _parse_file(source: str, text: str, stem: str, file_of: dict[str, str]) -> list[Review]:
    document = YamlDocument(text, source, BankError)
    if document.data is None:  # a file with only its header comment: nothing reviewed yet
        return []
    if not isinstance(document.data, list):
        raise BankError(
            "a review file must be a YAML list of entries, each starting with '- item: '",
            Location(file=source, line=1),
        )
    problems: list[Problem] = []
    reviews: list[Review] = []
    for index, raw in enumerate(document.data):
        if not isinstance(raw, dict):
            problems.append(
                document.problem(
                    (index,), "an entry must be a mapping of item, reviewer, date, found"
                )
            )
            continue
        try:
            entry = _Entry.model_validate(raw)
        except ValidationError as exc:
            problems += validation_problems(exc, _in_entry(document, index))
            continue
        home = file_of.get(entry.item)
        if home is None:
            problems.append(
                document.problem((index, "item"), f"unknown item id {entry.item!r} in this bank")
            )
            continue
        if home != stem:
            problems.append(
                document.problem(
                    (index, "item"),
                    f"item {entry.item!r} is in {home}.md: "
                    f"record it in {REVIEWS_FOLDER}/{home}.yaml",
                )
            )
            continue
        reviews.append(
            Review(
                entry.item,
                entry.reviewer,
                entry.date,
                entry.found,
                entry.note,
                Location(file=source, line=document.line_of((index,))),
            )
        )
    if problems:
        raise BankError(problems)
    return reviews


def _natural(text: str) -> list[tuple[int, int | str]]:
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text)]


def _in_entry(document: YamlDocument, index: int) -> Callable[[FieldPath, str], Problem]:
    """Places a field's problem at its line in the ``index``-th entry."""
    return lambda path, message: document.problem((index, *path), message)


@dataclass(frozen=True)
class Coverage:
    """How much of a bank its review record covers."""

    items: int
    reviewed: int
    #: Items without any entry, in bank order.
    unreviewed: tuple[str, ...]
    #: Per domain: (items, reviewed).
    by_domain: dict[str, tuple[int, int]]
    #: The verdict of each reviewed item's latest review, counted.
    latest_found: dict[str, int]
    reviewers: tuple[str, ...]


def coverage(items: Sequence[Item], reviews: Iterable[Review]) -> Coverage:
    """Which of ``items`` have at least one review, and the verdicts of their latest ones."""
    latest: dict[str, Review] = {}
    reviewers: set[str] = set()
    for review in reviews:
        reviewers.add(review.reviewer)
        # The latest by date; entries of one day keep file order (a re-review is appended).
        known = latest.get(review.item)
        if known is None or review.date >= known.date:
            latest[review.item] = review
    by_domain: dict[str, list[int]] = {}
    for item in items:
        counts = by_domain.setdefault(item.domain, [0, 0])
        counts[0] += 1
        counts[1] += item.id in latest
    found = Counter(latest[item.id].found for item in items if item.id in latest)
    return Coverage(
        items=len(items),
        reviewed=sum(1 for item in items if item.id in latest),
        unreviewed=tuple(item.id for item in items if item.id not in latest),
        by_domain={domain: (n, done) for domain, (n, done) in by_domain.items()},
        latest_found={verdict: found[verdict] for verdict in FOUND if found[verdict]},
        # R2 before R13: numbers in reviewer codes sort by value.
        reviewers=tuple(sorted(reviewers, key=_natural)),
    )
