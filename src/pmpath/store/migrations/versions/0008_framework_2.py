"""The bundled ladder's version 2.0: stored ratings and roles move to its ids.

Framework 2.0 merged seven competencies of 1.0 into others and folded the Junior Product
Manager into the Associate Product Manager (docs/framework-format.md, "What changed from 1.0").
Assessments taken on the bundled framework 1.0 keep their framework version, so history can say
they were measured on 1.0, but their ratings and role ids are rewritten to the 2.0 ids so every
page and placement reads them. Where two 1.0 ratings land on one 2.0 competency they are
combined as ``pmpath.assessment.profile.merged_rating`` does for answer files: the mean level
rounded half up, the lower confidence, both evidence lists.

The mapping is frozen here rather than read from the framework file: a migration must do the
same thing whenever it runs, whatever later versions of the file say.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FRAMEWORK_ID = "product-management"
OLD_VERSION = "1.0"
COMPETENCIES = {
    "user-research": "customer-empathy",
    "market-and-competitive-insight": "market-and-domain-insight",
    "analytical-thinking": "data-driven-decision-making",
    "agile-delivery": "execution-excellence",
    "product-lifecycle-management": "execution-excellence",
    "influence-without-authority": "stakeholder-management",
    "mentorship-and-team-development": "leadership",
}
ROLES = {"junior-product-manager": "associate-product-manager"}
_CONFIDENCE_ORDER = ["low", "medium", "high"]

_assessments = sa.table(
    "assessments",
    sa.column("id", sa.Integer),
    sa.column("framework_id", sa.String),
    sa.column("framework_version", sa.String),
    sa.column("current_role", sa.String),
    sa.column("target", sa.String),
)
_ratings = sa.table(
    "ratings",
    sa.column("id", sa.Integer),
    sa.column("assessment_id", sa.Integer),
    sa.column("competency_id", sa.String),
    sa.column("level", sa.Integer),
    sa.column("confidence", sa.String),
    sa.column("evidence", sa.JSON),
    sa.column("answered_at", sa.DateTime),
)


def upgrade() -> None:
    bind = op.get_bind()
    old = sa.and_(
        _assessments.c.framework_id == FRAMEWORK_ID,
        _assessments.c.framework_version == OLD_VERSION,
    )
    for column in ("current_role", "target"):
        for before, after in ROLES.items():
            bind.execute(
                _assessments.update()
                .where(old, _assessments.c[column] == before)
                .values({column: after})
            )
    assessment_ids = [row.id for row in bind.execute(sa.select(_assessments.c.id).where(old))]
    for assessment_id in assessment_ids:
        _move_ratings(bind, assessment_id)


def _move_ratings(bind: sa.engine.Connection, assessment_id: int) -> None:
    rows = bind.execute(
        sa.select(_ratings).where(_ratings.c.assessment_id == assessment_id)
    ).mappings()
    by_new_id: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_new_id[COMPETENCIES.get(row["competency_id"], row["competency_id"])].append(row)
    for new_id, found in by_new_id.items():
        if len(found) == 1 and found[0]["competency_id"] == new_id:
            continue
        keep, *merged = found
        level = int(sum(r["level"] for r in found) / len(found) + 0.5)
        confidence = min((r["confidence"] for r in found), key=_CONFIDENCE_ORDER.index)
        evidence = [e for r in found for e in (r["evidence"] or [])]
        answered_at = max(r["answered_at"] for r in found)
        if merged:
            bind.execute(_ratings.delete().where(_ratings.c.id.in_([r["id"] for r in merged])))
        bind.execute(
            _ratings.update()
            .where(_ratings.c.id == keep["id"])
            .values(
                competency_id=new_id,
                level=level,
                confidence=confidence,
                evidence=evidence,
                answered_at=answered_at,
            )
        )


def downgrade() -> None:
    # Merged ratings cannot be split back into the two levels a person once gave; going back
    # leaves 2.0's ids in place, which framework 1.0 reads as unrated competencies.
    pass
