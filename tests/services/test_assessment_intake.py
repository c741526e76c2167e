"""Changing an unfinished assessment's intake answers (Back from the wizard's first step), on
SQLite and PostgreSQL: in place, ratings kept, unknown ids and others' assessments refused."""

from __future__ import annotations

import pytest

from pmpath.assessment import Confidence, Rating, SelfAssessment
from pmpath.errors import AssessmentError, NotFoundError
from pmpath.framework import Framework
from pmpath.services.assessments import AssessmentService
from tests.services.test_assessments import fw, service  # noqa: F401  (fixtures used by name)


def _started(service: AssessmentService, fw: Framework) -> int:  # noqa: F811
    assessment = service.start("ana", SelfAssessment({}, background="design", years=4))
    first = fw.competencies[0].id
    service.answer("ana", assessment, Rating(first, 3, Confidence.HIGH, ("Led X",)))
    return assessment


def test_the_intake_changes_in_place_and_the_ratings_stay(
    service: AssessmentService,  # noqa: F811
    fw: Framework,  # noqa: F811
) -> None:
    assessment = _started(service, fw)
    changed = SelfAssessment(
        {},
        background="software-engineering",
        current_role=None,
        years=7,
        interests=(fw.interests[0].id,),
    )
    service.change_intake("ana", assessment, changed)
    now = service.unfinished("ana")
    assert now is not None
    assert now.id == assessment
    assert now.assessment.background == "software-engineering"
    assert now.assessment.years == 7
    assert now.assessment.interests == (fw.interests[0].id,)
    assert now.assessment.ratings[fw.competencies[0].id].level == 3


def test_unknown_ids_are_refused_and_nothing_changes(
    service: AssessmentService,  # noqa: F811
    fw: Framework,  # noqa: F811
) -> None:
    assessment = _started(service, fw)
    with pytest.raises(AssessmentError, match="unknown background"):
        service.change_intake("ana", assessment, SelfAssessment({}, background="astronaut"))
    with pytest.raises(AssessmentError, match="unknown role"):
        service.change_intake("ana", assessment, SelfAssessment({}, current_role="pope"))
    with pytest.raises(AssessmentError, match="unknown interest"):
        service.change_intake("ana", assessment, SelfAssessment({}, interests=("golf",)))
    kept = service.unfinished("ana")
    assert kept is not None
    assert kept.assessment.background == "design"


def test_another_profiles_assessment_cannot_be_changed(
    service: AssessmentService,  # noqa: F811
    fw: Framework,  # noqa: F811
) -> None:
    assessment = _started(service, fw)
    with pytest.raises(NotFoundError):
        service.change_intake("bo", assessment, SelfAssessment({}, background="design"))
