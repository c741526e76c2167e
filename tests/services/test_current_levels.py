"""The one rule for a member's current level (calibrated > manager > self), which every team
view shares; on SQLite and PostgreSQL."""

from __future__ import annotations

from pmpath.services.current_levels import CurrentLevel, current_levels
from pmpath.store import calibration as calibration_store
from pmpath.store.tables import CalibrationAdjustmentRow
from tests.services.test_teams import Organisation, org

__all__ = ["org"]  # the fixture: Acme Products; Mia and Pat self-assessed every competency at 2


def _levels(org: Organisation) -> dict[int, dict[str, CurrentLevel]]:
    rubric = org.app.colleague_ratings.rubric(org.id)
    ids = [org.people[name].id for name in ("Mia", "Pat", "Olga")]
    return current_levels(org.app.database, rubric, org.id, ids, org.clock)


def test_self_then_manager_then_calibration_each_override_the_one_before(
    org: Organisation,
) -> None:
    mia, pat, olga = (org.people[name] for name in ("Mia", "Pat", "Olga"))
    first, second, third = [c.id for c in org.app.framework.competencies][:3]
    levels = _levels(org)
    assert (levels[mia.id][first].level, levels[mia.id][first].source) == (2, "self")
    assert len(levels[mia.id]) == len(org.app.framework.competencies)
    assert levels[olga.id] == {}  # Olga never self-assessed and nobody rated her

    ratings = org.app.colleague_ratings
    ratings.rate(org.people["Max"], org.id, mia.id, first, 4)
    ratings.rate(org.people["Max"], org.id, mia.id, second, 3)
    ratings.rate(pat, org.id, mia.id, third, 5)  # a peer: never sets a level on its own
    with org.app.database.transaction() as session:
        for to_level in (1, 3):  # the newer adjustment wins
            calibration_store.add_adjustment(
                session,
                CalibrationAdjustmentRow(
                    organisation_id=org.id,
                    subject_id=mia.id,
                    framework_id=org.app.colleague_ratings.rubric(org.id).id,
                    competency_id=second,
                    from_level=3,
                    to_level=to_level,
                    reason="the launch review showed it",
                    adjusted_by=org.people["Ada"].id,
                    adjusted_at=org.clock(),
                ),
            )
    levels = _levels(org)
    assert (levels[mia.id][first].level, levels[mia.id][first].source) == (4, "manager")
    assert (levels[mia.id][second].level, levels[mia.id][second].source) == (3, "calibrated")
    assert (levels[mia.id][third].level, levels[mia.id][third].source) == (2, "self")
    assert (levels[pat.id][first].level, levels[pat.id][first].source) == (2, "self")


def test_the_ratings_side_by_side_show_the_calibrated_level(org: Organisation) -> None:
    mia, first = org.people["Mia"], org.app.framework.competencies[0].id
    ratings = org.app.colleague_ratings
    ratings.rate(org.people["Max"], org.id, mia.id, first, 4)
    seen = ratings.side_by_side(org.people["Max"], org.id, mia.id).competencies[0]
    assert (seen.manager.level if seen.manager else None, seen.calibrated_level) == (4, None)
    with org.app.database.transaction() as session:
        calibration_store.add_adjustment(
            session,
            CalibrationAdjustmentRow(
                organisation_id=org.id,
                subject_id=mia.id,
                framework_id=ratings.rubric(org.id).id,
                competency_id=first,
                from_level=4,
                to_level=3,
                reason="agreed in calibration",
                adjusted_by=org.people["Ada"].id,
                adjusted_at=org.clock(),
            ),
        )
    assert ratings.side_by_side(mia, org.id, mia.id).competencies[0].calibrated_level == 3
