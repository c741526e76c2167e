"""Queries for question banks kept in the database. Callers own the transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pmpath.exams.items import Bank, Item
from pmpath.exams.serialize import (
    domain_from_json,
    domain_to_json,
    item_from_json,
    item_to_json,
    scenario_from_json,
    scenario_to_json,
)
from pmpath.framework import Framework
from pmpath.framework.versions import current_competency_id
from pmpath.store.tables import BankItemRow, BankRow


def find(session: Session, bank_id: str) -> BankRow | None:
    return session.scalars(
        select(BankRow).where(BankRow.id == bank_id).options(selectinload(BankRow.items))
    ).one_or_none()


def save(session: Session, bank: Bank, name: str, source: str, now: datetime) -> BankRow:
    """Store ``bank`` under its id, replacing a bank of that id."""
    existing = find(session, bank.id)
    if existing is not None:
        session.delete(existing)
        session.flush()
    row = BankRow(
        id=bank.id,
        name=name,
        source=source,
        created_at=now,
        domains=[domain_to_json(d) for d in bank.domains],
        scenarios=[scenario_to_json(s) for s in bank.scenarios],
    )
    row.items = [
        BankItemRow(position=n, item_id=item.id, payload=item_to_json(item))
        for n, item in enumerate(bank.items)
    ]
    session.add(row)
    session.flush()
    return row


def load(row: BankRow, framework: Framework | None = None) -> Bank:
    """The stored bank; with ``framework``, competency ids written against an earlier version
    of it are read as their current ones (stored items keep the ids they were imported with)."""
    items = tuple(item_from_json(i.payload) for i in row.items)
    if framework is not None and framework.previous_versions:
        items = tuple(_current_ids(item, framework) for item in items)
    return Bank(
        row.id,
        tuple(domain_from_json(d) for d in row.domains),
        tuple(scenario_from_json(s) for s in row.scenarios),
        items,
    )


def _current_ids(item: Item, framework: Framework) -> Item:
    current = tuple(
        dict.fromkeys(current_competency_id(framework, c) or c for c in item.competencies)
    )
    return item if current == item.competencies else replace(item, competencies=current)


def listing(session: Session) -> list[BankRow]:
    return list(session.scalars(select(BankRow).order_by(BankRow.id)))
