"""Analyses over the finished attempts on one bank: a learner's evidence per competency, and
classical item statistics over every learner.

Each reads in its own transaction and changes nothing; :class:`pmpath.services.exams.ExamService`
offers both as methods.
"""

from __future__ import annotations

from collections.abc import Mapping

from pmpath.exams.items import Bank, Item
from pmpath.services.assessments import check_profile_name
from pmpath.services.models.evidence import CompetencyEvidence
from pmpath.services.models.exams import BankStatistics, ItemAnalysis
from pmpath.store import Database
from pmpath.store import assessments as profiles
from pmpath.store import attempts as attempt_store


def competency_evidence(
    database: Database, bank_id: str, items: Mapping[str, Item], profile: str
) -> dict[str, CompetencyEvidence]:
    """Per competency, the learner's share of credit over every finished attempt's items on
    ``bank_id``: exam evidence to show beside self-ratings (unanswered items count as missed;
    items no longer in ``items`` are left out)."""
    earned: dict[str, float] = {}
    asked: dict[str, int] = {}
    with database.transaction() as session:
        owner = profiles.find_profile(session, check_profile_name(profile))
        if owner is None:
            return {}
        rows = attempt_store.finished_on_bank(session, bank_id, owner.id)
        for row in rows:
            credits = {r.position: r.credit or 0.0 for r in row.responses}
            for position, entry in enumerate(row.form):
                item = items.get(entry["item_id"])
                if item is None:
                    continue
                for competency in item.competencies:
                    earned[competency] = earned.get(competency, 0.0) + credits.get(position, 0.0)
                    asked[competency] = asked.get(competency, 0) + 1
    return {
        competency: CompetencyEvidence(
            percent=round(100.0 * earned[competency] / count, 1), items=count
        )
        for competency, count in asked.items()
    }


def item_statistics(database: Database, bank: Bank, min_responses: int) -> BankStatistics:
    """Classical item analysis over every finished attempt on ``bank``, all learners."""
    from pmpath.psychometrics.classical import Answer, analyse

    with database.transaction() as session:
        rows = attempt_store.finished_on_bank(session, bank.id)
        attempts = [
            {entry["item_id"]: Answer(0.0, None) for entry in row.form}
            | {
                r.item_id: Answer(r.credit or 0.0, r.response)
                for r in row.responses
                if r.response is not None
            }
            for row in rows
        ]
    keys = {item.id: list(item.key_ids) for item in bank.items if item.options}
    stats = analyse(attempts, keys, min_responses)
    return BankStatistics(
        bank=bank.id,
        attempts=len(attempts),
        min_responses=min_responses,
        items=[
            ItemAnalysis(
                item_id=s.item_id,
                responses=s.responses,
                difficulty=s.difficulty,
                discrimination=s.discrimination,
                option_rates=s.option_rates,
                flags=list(s.flags),
            )
            for s in stats
        ],
    )
