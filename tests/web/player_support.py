"""Helpers of the exam player's tests: an attempt with a question of a chosen type where the
test needs it, and the form a question posts."""

from __future__ import annotations

import random
from datetime import datetime

from pmpath.app import Pmpath
from pmpath.exams.forms import option_order
from pmpath.exams.items import Item
from pmpath.store.tables import AttemptRow


def item_of(context: Pmpath, kind: str, scenario: bool = False) -> Item:
    """The bank's first item of type ``kind`` (with a scenario when asked)."""
    return next(
        i
        for i in context.exams.bank.items
        if i.type.value == kind and (i.scenario is not None) == scenario
    )


def put_item(context: Pmpath, attempt: int, position: int, item: Item) -> None:
    """Make ``item`` the question at ``position`` of ``attempt`` (its options shuffled as a new
    form shuffles them): a test then knows what the page shows there, whatever the seed drew."""
    with context.database.transaction() as session:
        row = session.get(AttemptRow, attempt)
        assert row is not None
        form = [dict(entry) for entry in row.form]
        form[position] = {
            "item_id": item.id,
            "option_order": list(option_order(item, random.Random(position))),
        }
        row.form = form


def set_deadline(context: Pmpath, attempt: int, deadline: datetime | None) -> None:
    with context.database.transaction() as session:
        row = session.get(AttemptRow, attempt)
        assert row is not None
        row.deadline = deadline
