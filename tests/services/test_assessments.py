"""Storing assessments and reading them back, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from pmpath.assessment import Confidence, Rating, SelfAssessment
from pmpath.errors import AssessmentError, NotFoundError
from pmpath.framework import Framework, bundled_framework_path, load_framework
from pmpath.services.assessments import AssessmentService
from pmpath.store import Database


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework(bundled_framework_path())


class Clock:
    """A controllable UTC clock: every call moves one minute on."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def service(database_url: str, fw: Framework) -> Iterator[AssessmentService]:
    database = Database.open(database_url)
    yield AssessmentService(database, fw, clock=Clock())
    database.dispose()


def at(fw: Framework, level: int, **changes: int) -> SelfAssessment:
    levels = {c.id: level for c in fw.competencies} | changes
    return SelfAssessment(
        {c: Rating(c, lv, Confidence.HIGH, (f"evidence for {c}",)) for c, lv in levels.items()}
    )


def test_a_recorded_assessment_reads_back_whole(service: AssessmentService, fw: Framework) -> None:
    original = at(fw, 3, leadership=2)
    original = SelfAssessment(
        original.ratings,
        background="design",
        years=4.5,
        interests=("customer-problems",),
        target="senior-product-manager",
    )
    service.record("alex", original)
    stored = service.latest("alex")
    assert stored.assessment == original
    assert stored.completed_at is not None
    assert stored.completed_at.tzinfo is UTC
    assert stored.source == "file"


def test_a_second_assessment_shows_progress_per_competency(
    service: AssessmentService, fw: Framework
) -> None:
    service.record("alex", at(fw, 2))
    service.record("alex", at(fw, 2, prioritisation=3, leadership=4))
    progress = service.progress("alex")
    first, second = progress.assessments
    assert all(c.change is None for c in first.competencies)
    changes = {c.competency: c.change for c in second.competencies}
    assert changes["prioritisation"] == 1
    assert changes["leadership"] == 2
    assert changes["customer-empathy"] == 0
    assert first.completed_at is not None
    assert second.completed_at is not None
    assert first.completed_at < second.completed_at


def test_interactive_answers_are_committed_one_by_one_and_resume(
    service: AssessmentService, fw: Framework
) -> None:
    assessment_id = service.start("sam", SelfAssessment({}, background="finance"))
    service.answer("sam", assessment_id, Rating("prioritisation", 2))
    service.answer("sam", assessment_id, Rating("leadership", 3))
    service.answer(
        "sam", assessment_id, Rating("leadership", 4)
    )  # a changed answer replaces the first
    # A new service (a new process, after the terminal closed) finds the work so far.
    again = AssessmentService(Database.open(service.database.url), fw)
    unfinished = again.unfinished("sam")
    assert unfinished is not None
    assert unfinished.id == assessment_id
    assert {c: r.level for c, r in unfinished.assessment.ratings.items()} == {
        "prioritisation": 2,
        "leadership": 4,
    }
    assert unfinished.assessment.background == "finance"
    assert again.history("sam") == []
    again.finish("sam", assessment_id)
    assert again.unfinished("sam") is None
    assert again.latest("sam").id == assessment_id
    again.database.dispose()


def test_answers_to_a_finished_assessment_are_refused(
    service: AssessmentService, fw: Framework
) -> None:
    assessment_id = service.record("alex", at(fw, 2))
    with pytest.raises(NotFoundError):
        service.answer("alex", assessment_id, Rating("leadership", 3))


def test_bad_ratings_are_refused_and_nothing_changes(service: AssessmentService) -> None:
    assessment_id = service.start("sam", SelfAssessment({}))
    with pytest.raises(AssessmentError, match="unknown competency id 'golf'"):
        service.answer("sam", assessment_id, Rating("golf", 3))
    with pytest.raises(AssessmentError, match="outside the scale"):
        service.answer("sam", assessment_id, Rating("leadership", 9))
    unfinished = service.unfinished("sam")
    assert unfinished is not None
    assert unfinished.assessment.ratings == {}


def test_profiles_are_kept_apart(service: AssessmentService, fw: Framework) -> None:
    service.record("alex", at(fw, 4))
    service.record("sam", at(fw, 1))
    assert service.latest("alex").assessment.level("leadership") == 4
    assert service.latest("sam").assessment.level("leadership") == 1
    assert len(service.history("alex")) == 1


def test_a_profile_without_assessments_is_bad_input(service: AssessmentService) -> None:
    with pytest.raises(NotFoundError, match="take the self-assessment first"):
        service.latest("nobody")


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "tab\there"])
def test_profile_names_are_checked(service: AssessmentService, fw: Framework, name: str) -> None:
    with pytest.raises(AssessmentError, match="profile name"):
        service.record(name, at(fw, 2))


def test_the_report_data_has_every_section(service: AssessmentService, fw: Framework) -> None:
    service.record("alex", at(fw, 3))
    report = service.report("alex")
    # The interfaces add the exam readiness; the service leaves it empty.
    assert report.readiness is None
    data = report.model_dump(mode="json")
    assert set(data) - {"readiness"} == {
        "generated_at",
        "profile",
        "framework",
        "scale",
        "intake",
        "placement",
        "target",
        "gaps",
        "strengths",
        "plan",
        "ladder",
    }
    assert data["placement"]["role"]["id"] == "product-manager"
    assert data["target"]["role"]["id"] == "senior-product-manager"
    assert [step["id"] for step in data["target"]["path"]] == [
        "product-manager",
        "senior-product-manager",
    ]
    assert len(data["gaps"]) == len(fw.competencies)
    assert ["senior-product-manager", "group-product-manager"] in data["ladder"]["edges"]
    assert sum(len(s["roles"]) for s in data["ladder"]["stages"]) == len(fw.roles) + len(fw.exits)


def test_the_profile_is_the_newest_assessment_with_its_ratings_and_guidance(
    service: AssessmentService, fw: Framework
) -> None:
    service.record("alex", at(fw, 2))
    service.record("alex", at(fw, 3))
    profile = service.profile("alex", "group-product-manager")
    assert profile.profile == "alex"
    assert profile.assessment_id == service.latest("alex").id
    assert profile.ratings["leadership"].level == 3
    assert profile.ratings["leadership"].confidence is Confidence.HIGH
    assert profile.ratings["leadership"].evidence == ["evidence for leadership"]
    assert profile.placement.role.id == "product-manager"
    assert profile.target.role.id == "group-product-manager"


def test_another_profile_cannot_answer_an_assessment(service: AssessmentService) -> None:
    assessment_id = service.start("sam", SelfAssessment({}))
    with pytest.raises(NotFoundError, match="for profile 'alex'"):
        service.answer("alex", assessment_id, Rating("leadership", 3))
    with pytest.raises(NotFoundError):
        service.finish("alex", assessment_id)


def test_someone_rating_below_the_role_they_hold_works_towards_that_role(
    service: AssessmentService, fw: Framework
) -> None:
    # A Product Manager whose own ratings place them at an entry role: no path leads back
    # down the ladder, so the target is the role they hold, not an error.
    low = at(fw, 1)
    low = SelfAssessment(low.ratings, background="marketing", current_role="product-manager")
    found = service.submit("ana", low)
    assert fw.role(found.placement.role.id).stage == "entry"
    assert found.target.role.id == "product-manager"
    assert [step.id for step in found.target.path] == ["product-manager"]
    assert "shadow-a-product-manager" not in {step.id for step in found.plan.steps}
    assert found.plan.transition_steps == []
