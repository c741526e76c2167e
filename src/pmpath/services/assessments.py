"""Storing self-assessments and reading them back: profiles, history, progress and reports.

Every method is one transaction. Interactive assessments are committed answer by answer,
so nothing a person entered is lost if the terminal closes; an answers file is checked in
full before anything is stored, then stored in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pmpath.assessment import Rating, SelfAssessment
from pmpath.errors import AssessmentError, Location, NotFoundError
from pmpath.framework import Framework
from pmpath.framework.versions import specialised
from pmpath.services.guidance import guidance
from pmpath.services.ladder import graph
from pmpath.services.models.assessments import (
    AssessmentSource,
    CompetencyChange,
    FrameworkRef,
    LearnerProfile,
    Progress,
    ProgressEntry,
    RatingDetail,
    RecordedAssessment,
    Report,
    ReportProfile,
    ScaleStep,
)
from pmpath.services.models.evidence import CompetencyEvidence
from pmpath.store import Database
from pmpath.store import assessments as queries
from pmpath.store import attempts as attempt_store
from pmpath.store.tables import AssessmentRow

MAX_PROFILE_NAME = 100


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_profile_name(name: str) -> str:
    """A profile name people can type: 1-100 printable characters."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_PROFILE_NAME or not cleaned.isprintable():
        raise AssessmentError(
            f"profile name must be 1-{MAX_PROFILE_NAME} printable characters, not {name!r}",
            Location(field_path=("profile",)),
        )
    return cleaned


@dataclass(frozen=True)
class StoredAssessment:
    id: int
    profile: str
    started_at: datetime
    completed_at: datetime | None
    source: str
    assessment: SelfAssessment
    framework_version: str


class AssessmentService:
    """Self-assessments of one framework, kept in one database."""

    def __init__(
        self, database: Database, framework: Framework, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.database = database
        self.framework = framework
        self.clock = clock
        self._competency_ids = [c.id for c in framework.competencies]

    # -- writing ---------------------------------------------------------------------------

    def record(
        self, profile: str, assessment: SelfAssessment, source: AssessmentSource = "file"
    ) -> int:
        """Store a complete, already checked assessment in one transaction; return its id."""
        return self._add(profile, assessment, source, completed=True)

    def submit(
        self, profile: str, assessment: SelfAssessment, source: AssessmentSource = "file"
    ) -> RecordedAssessment:
        """Record a whole assessment; returns it with its guidance."""
        return self.recorded(profile, self.record(profile, assessment, source), assessment)

    def recorded(
        self, profile: str, assessment_id: int, assessment: SelfAssessment
    ) -> RecordedAssessment:
        """A stored assessment with its guidance (placement, direction, gaps, plan)."""
        found = guidance(self.framework, assessment)
        return RecordedAssessment(assessment_id=assessment_id, profile=profile, **dict(found))

    def start(self, profile: str, intake: SelfAssessment) -> int:
        """Begin an interactive assessment with the intake answers; committed at once."""
        return self._add(profile, intake, "interactive", completed=False)

    def _add(
        self, profile: str, assessment: SelfAssessment, source: AssessmentSource, completed: bool
    ) -> int:
        profile = check_profile_name(profile)
        now = self.clock()
        with self.database.transaction() as session:
            owner = queries.get_or_create_profile(session, profile, now)
            row = queries.add_assessment(
                session,
                owner,
                assessment,
                completed=completed,
                source=source,
                now=now,
                framework_id=self.framework.id,
                framework_version=self.framework.version,
            )
            return row.id

    def answer(self, profile: str, assessment_id: int, rating: Rating) -> None:
        """Store one rating of an unfinished assessment, committed at once."""
        if rating.competency_id not in self._competency_ids:
            raise AssessmentError(f"unknown competency id {rating.competency_id!r}")
        if rating.level not in self.framework.levels:
            raise AssessmentError(f"level {rating.level} is outside the scale")
        with self.database.transaction() as session:
            row = self._unfinished_row(session, profile, assessment_id)
            queries.save_rating(session, row, rating, self.clock())

    def change_intake(self, profile: str, assessment_id: int, intake: SelfAssessment) -> None:
        """Replace the intake answers (role, background, years, interests) of an unfinished
        assessment, committed at once; its ratings stay as they are."""
        fw = self.framework
        if intake.current_role is not None and not fw.has("role", intake.current_role):
            raise AssessmentError(f"unknown role id {intake.current_role!r}")
        if intake.background is not None and not fw.has("background", intake.background):
            raise AssessmentError(f"unknown background id {intake.background!r}")
        known = {i.id for i in fw.interests}
        if any(i not in known for i in intake.interests):
            raise AssessmentError(f"unknown interest ids in {list(intake.interests)!r}")
        with self.database.transaction() as session:
            row = self._unfinished_row(session, profile, assessment_id)
            row.current_role, row.background = intake.current_role, intake.background
            row.years, row.interests = intake.years, list(intake.interests)

    def finish(self, profile: str, assessment_id: int) -> None:
        with self.database.transaction() as session:
            row = self._unfinished_row(session, profile, assessment_id)
            row.completed_at = self.clock()

    def _unfinished_row(self, session: Any, profile: str, assessment_id: int) -> AssessmentRow:
        row = queries.assessment_by_id(session, assessment_id)
        # Another profile's assessment looks exactly like a missing one.
        if row is None or row.completed_at is not None or row.profile.name != profile:
            raise NotFoundError(f"no unfinished assessment {assessment_id} for profile {profile!r}")
        return row

    # -- reading ---------------------------------------------------------------------------

    def unfinished(self, profile: str) -> StoredAssessment | None:
        """The newest interactive assessment of ``profile`` that was not finished, if any."""
        with self.database.transaction() as session:
            owner = queries.find_profile(session, check_profile_name(profile))
            if owner is None:
                return None
            row = queries.unfinished_assessment(session, owner, self.framework.id)
            return self._stored(owner.name, row) if row is not None else None

    def history(self, profile: str) -> list[StoredAssessment]:
        """Every finished assessment of ``profile``, oldest first."""
        with self.database.transaction() as session:
            owner = queries.find_profile(session, check_profile_name(profile))
            if owner is None:
                return []
            rows = queries.completed_assessments(session, owner, self.framework.id)
            return [self._stored(owner.name, row) for row in rows]

    def took_exams(self, profile: str) -> bool:
        """Whether ``profile`` has started any exam, practice session or test. Without one it
        has no exam evidence, which this says without loading the bank or the exam engine."""
        with self.database.transaction() as session:
            owner = queries.find_profile(session, check_profile_name(profile))
            return owner is not None and attempt_store.has_any(session, owner.id)

    def latest(self, profile: str) -> StoredAssessment:
        """The newest finished assessment; a profile without one is bad input."""
        done = self.history(profile)
        if not done:
            raise NotFoundError(
                # Said to CLI, API and web alike, so it names no command: each front end
                # shows its own way to the self-assessment.
                f"profile {profile!r} has no finished self-assessment on framework "
                f"{self.framework.id!r} yet: take the self-assessment first"
            )
        return done[-1]

    def _stored(self, profile: str, row: AssessmentRow) -> StoredAssessment:
        return StoredAssessment(
            row.id,
            profile,
            row.started_at,
            row.completed_at,
            row.source,
            queries.to_self_assessment(row, self._competency_ids),
            row.framework_version,
        )

    def _measured_on(self, stored: StoredAssessment) -> str | None:
        if stored.framework_version == self.framework.version:
            return None
        return f"Measured on framework {stored.framework_version}"

    # -- reports ---------------------------------------------------------------------------

    def profile(
        self,
        profile: str,
        target: str | None = None,
        evidence: Mapping[str, CompetencyEvidence] | None = None,
        specialisation: str | None = None,
    ) -> LearnerProfile:
        """The newest finished assessment of ``profile``: its ratings and its guidance, with
        ``evidence`` (per-competency exam evidence) beside the self-ratings, measured against
        the roles as they are for people following ``specialisation``."""
        stored = self.latest(profile)
        ladder = specialised(self.framework, specialisation)
        found = guidance(ladder, stored.assessment, target, evidence)
        return LearnerProfile(
            profile=stored.profile,
            assessment_id=stored.id,
            assessed_at=_iso(stored.completed_at),
            framework_version=stored.framework_version,
            measured_on=self._measured_on(stored),
            ratings={
                comp_id: RatingDetail(
                    level=rating.level,
                    confidence=rating.confidence,
                    evidence=list(rating.evidence),
                )
                for comp_id, rating in stored.assessment.ratings.items()
            },
            **dict(found),
        )

    def progress(self, profile: str) -> Progress:
        """Every finished assessment with, per competency, the change since the one before."""
        done = self.history(profile)
        entries = []
        previous: StoredAssessment | None = None
        for stored in done:
            changes = []
            for comp in self.framework.competencies:
                now_level = stored.assessment.ratings.get(comp.id)
                before = previous.assessment.ratings.get(comp.id) if previous else None
                changes.append(
                    CompetencyChange(
                        competency=comp.id,
                        name=comp.name,
                        level=now_level.level if now_level else None,
                        previous=before.level if before else None,
                        change=now_level.level - before.level if now_level and before else None,
                    )
                )
            entries.append(
                ProgressEntry(
                    id=stored.id,
                    completed_at=_iso(stored.completed_at),
                    source=stored.source,
                    framework_version=stored.framework_version,
                    measured_on=self._measured_on(stored),
                    placement=guidance(self.framework, stored.assessment).placement.role,
                    competencies=changes,
                )
            )
            previous = stored
        return Progress(profile=profile, framework=self.framework.id, assessments=entries)

    def report(
        self,
        profile: str,
        target: str | None = None,
        evidence: Mapping[str, CompetencyEvidence] | None = None,
    ) -> Report:
        """The data of the printable report for the newest assessment of ``profile``;
        ``evidence`` is per-competency exam evidence to show beside the self-ratings. The
        report's ``readiness`` is left to the caller (it needs the psychometrics service)."""
        stored = self.latest(profile)
        return Report(
            generated_at=self.clock().isoformat(timespec="seconds"),
            profile=ReportProfile(name=stored.profile, assessed_at=_iso(stored.completed_at)),
            framework=FrameworkRef(
                id=self.framework.id, name=self.framework.name, version=self.framework.version
            ),
            scale=[ScaleStep(level=s.level, name=s.name) for s in self.framework.scale],
            **dict(guidance(self.framework, stored.assessment, target, evidence)),
            ladder=graph(self.framework),
        )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
