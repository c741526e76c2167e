"""The exams a learner can take: built from the blueprints alone, so listing them needs
neither the database nor the exam service (``pmpath exam list`` starts fast)."""

from __future__ import annotations

from collections.abc import Iterable

from pmpath.exams.blueprints import Blueprint
from pmpath.services.models.exams import ExamCatalogue, ExamSummary


def exam_catalogue(blueprints: Iterable[Blueprint]) -> ExamCatalogue:
    """The exams (blueprints) a learner can take, with their items per domain."""
    return ExamCatalogue(
        blueprints=[
            ExamSummary(
                id=b.id,
                name=b.name,
                summary=b.summary,
                items=b.items,
                minutes=b.minutes,
                pass_mark=b.pass_mark,
                levels=list(b.levels),
                domains=b.domain_counts(),
                learner_extra_time=b.learner_extra_time,
            )
            for b in blueprints
        ]
    )
