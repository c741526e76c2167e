"""Promotion cases (issue #19): a manager's case for promoting a member to a target role, the
document that assembles the evidence for it, and the recommendation's way from draft to
decision.

The rules, checked here so the pages, the API and the CLI agree:

- a team's manager opens a case for a member of a team they manage, an organisation admin for
  any member; nobody opens one for themselves. One undecided case per member and role;
- the case is seen by the organisation's admins and the managers of the member's teams; the
  member sees their own cases once submitted (a draft is the manager's working copy and does
  not exist for them yet); a peer, a manager of another team, anyone else in the organisation
  is refused (ForbiddenError), and someone outside it finds nothing (NotFoundError);
- status: **draft** (the author edits the recommendation) -> **submitted** (the
  recommendation is not empty; no more edits) -> **decided** (an organisation admin records
  "promote" or "not-yet" with a note). Any other step is a ConflictError and changes nothing;
- every read of someone else's case is written to the access log.

The document assembles what the organisation holds: ratings by source (peers only as the
median of three or more), calibration adjustments, the current level of each competency
(:mod:`pmpath.services.current_levels`), exam evidence and readiness, the gaps left against the
target role and the growth plan for them. A draft's document is assembled whenever it is read;
submitting freezes it (``promotion_cases.snapshot``), so what the decider reads is what was
submitted, and a later calibration or rating does not rewrite what a decision was based on.
(A case submitted before the snapshots existed has none and is still assembled when read.)
The status, recommendation and decision always come from their own columns.

A decision records the outcome; it changes nobody's levels or placement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pmpath.assessment import Confidence, Rating, SelfAssessment, analyse_gaps, build_plan, place
from pmpath.errors import ConflictError, ForbiddenError, Location, NotFoundError, PmpathError
from pmpath.framework import Framework
from pmpath.framework.versions import specialised
from pmpath.services.accounts import User
from pmpath.services.assessments import AssessmentService, utc_now
from pmpath.services.colleague_ratings import ColleagueRatingService
from pmpath.services.current_levels import current_levels
from pmpath.services.guidance import _exam_part, _gap_rows, _plan
from pmpath.services.membership import Standing, standing
from pmpath.services.models.evidence import CompetencyEvidence, ReadinessReport
from pmpath.services.models.guidance import RoleRef, Strength
from pmpath.services.models.promotions import (
    Adjustment,
    CalibratedLevel,
    CompetencyCase,
    CurrentLevel,
    Decision,
    ExamRecord,
    Person,
    PromotionCase,
    PromotionCases,
    PromotionCaseView,
    PromotionDocument,
    ScaleStep,
    SpecialisationName,
    TargetFit,
)
from pmpath.store import Database
from pmpath.store import calibration as calibration_store
from pmpath.store import organisations as org_store
from pmpath.store import promotions as store
from pmpath.store.tables import PromotionCaseRow
from pmpath.suggest import unknown

#: What the access log calls a read of someone's promotion case.
READ_CASE = "promotion case"
#: The longest recommendation or decision note, in characters.
MAX_TEXT = 10_000
DECISIONS: tuple[Decision, ...] = ("promote", "not-yet")


class PromotionService:
    """Promotion cases of the organisations in one database, on each organisation's rubric
    (:meth:`ColleagueRatingService.rubric`). ``exam_evidence`` and ``readiness`` give a
    profile's exam evidence per competency and its readiness for each exam; they are asked
    only for a member who took an exam."""

    def __init__(
        self,
        database: Database,
        ratings: ColleagueRatingService,
        exam_evidence: Callable[[str], Mapping[str, CompetencyEvidence]],
        readiness: Callable[[str], ReadinessReport],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.ratings = ratings
        self.exam_evidence = exam_evidence
        self.readiness = readiness
        self.clock = clock

    # -- reading ---------------------------------------------------------------------------------

    def cases(self, me: User, organisation_id: int) -> PromotionCases:
        """The organisation's cases ``me`` may see, most recently changed first, and the members
        ``me`` may open a case for. Reads of others' cases are logged."""
        rubric = self.ratings.rubric(organisation_id)
        with self.database.transaction() as session:
            place_ = standing(session, me, organisation_id)
            rows = [
                row
                for row in store.cases(session, organisation_id)
                if _visibility(session, me, place_, row) == "sees"
            ]
            others = sorted({row.subject_id for row in rows if row.subject_id != me.id})
            if others:
                org_store.log_access(
                    session, organisation_id, me.id, others, READ_CASE, self.clock()
                )
            names = _names_of(session, rows)
            return PromotionCases(
                organisation_id=organisation_id,
                organisation=place_.organisation,
                cases=[_case(row, names, place_, me, rubric) for row in rows],
                may_open_for=_openable(session, me, place_),
            )

    def case(self, me: User, organisation_id: int, case_id: int) -> PromotionCase:
        """One case without its document (logged when it is someone else's)."""
        rubric = self.ratings.rubric(organisation_id)
        with self.database.transaction() as session:
            place_, row = self._visible(session, me, organisation_id, case_id)
            return _case(row, _names_of(session, [row]), place_, me, rubric)

    def view(self, me: User, organisation_id: int, case_id: int) -> PromotionCaseView:
        """A case with its document: as it was submitted once the case is submitted, else
        assembled now (logged when it is someone else's)."""
        rubric = self.ratings.rubric(organisation_id)
        with self.database.transaction() as session:
            place_, row = self._visible(session, me, organisation_id, case_id)
            found = _case(row, _names_of(session, [row]), place_, me, rubric)
            snapshot = row.snapshot
        if snapshot is not None:
            frozen = PromotionDocument.model_validate_json(snapshot)
            return PromotionCaseView(case=found, document=frozen, frozen=True)
        document = self._assemble(me, organisation_id, found)
        return PromotionCaseView(case=found, document=document, frozen=False)

    def _assemble(self, me: User, organisation_id: int, found: PromotionCase) -> PromotionDocument:
        """The case's document from what the organisation holds now, read as ``me`` (who may
        see the case: the ratings read is logged when the member is someone else)."""
        rubric = self.ratings.rubric(organisation_id)
        with self.database.transaction() as session:
            adjusted = calibration_store.adjustments(
                session, organisation_id, rubric.id, [found.subject.id]
            )
            adjusters = store.names(session, {a.adjusted_by for a in adjusted if a.adjusted_by})
            subject = org_store.user(session, found.subject.id)
            profile = subject.profile if subject is not None else None
        if not rubric.has("role", found.target_role.id):
            raise ConflictError(
                f"the organisation's ladder no longer has the role {found.target_role.id!r}: "
                "open a new case for a role on the current ladder"
            )
        side = self.ratings.side_by_side(me, organisation_id, found.subject.id)
        levels = current_levels(
            self.database, rubric, organisation_id, [found.subject.id], self.clock
        ).get(found.subject.id, {})
        selves = AssessmentService(self.database, rubric, self.clock)
        done = selves.history(profile) if profile else []
        newest = done[-1].assessment if done else None
        taken = bool(profile) and selves.took_exams(profile or "")
        evidence: Mapping[str, CompetencyEvidence] = (
            self.exam_evidence(profile) if taken and profile else {}
        )
        report = self.readiness(profile) if taken and profile else None

        framework = specialised(rubric, found.specialisation.id if found.specialisation else None)
        target = framework.role(found.target_role.id)
        assessment = _assessment_on(framework, levels, newest)
        placement = place(framework, assessment)
        fit = placement.fits[target.id]
        gaps = analyse_gaps(framework, assessment, target)
        stages = tuple(dict.fromkeys([framework.role(placement.role_id).stage, target.stage]))
        plan = build_plan(framework, assessment, gaps, stages)

        newest_adjustment = {a.competency_id: a for a in adjusted}  # oldest first: newest wins
        sides = {c.competency: c for c in side.competencies}
        competencies = []
        for competency in framework.competencies:
            by_sources = sides[competency.id]
            expectation = target.expectations.get(competency.id)
            calibrated = newest_adjustment.get(competency.id)
            current = levels.get(competency.id)
            found_evidence = evidence.get(competency.id)
            competencies.append(
                CompetencyCase(
                    competency=competency.id,
                    name=competency.name,
                    area=framework.area(competency.area).name,
                    expected=expectation.level if expectation else None,
                    must_have=bool(expectation and expectation.must_have),
                    self_level=by_sources.self_level,
                    manager=by_sources.manager,
                    peers=by_sources.peers,
                    flagged=by_sources.flagged,
                    calibrated=CalibratedLevel(
                        level=calibrated.to_level,
                        from_level=calibrated.from_level,
                        reason=calibrated.reason,
                        by=adjusters.get(calibrated.adjusted_by or -1),
                        at=calibrated.adjusted_at,
                    )
                    if calibrated
                    else None,
                    current=CurrentLevel(level=current.level, source=current.source, at=current.at)
                    if current
                    else None,
                    exam=_exam_part(found_evidence),
                    tested=found_evidence.tested if found_evidence else None,
                )
            )
        return PromotionDocument(
            subject=found.subject.name,
            framework_name=rubric.name,
            scale=[ScaleStep(level=s.level, name=s.name) for s in rubric.scale],
            self_assessed_at=side.self_assessed_at,
            peer_threshold=side.peer_threshold,
            competencies=competencies,
            adjustments=[
                Adjustment(
                    competency=a.competency_id,
                    name=framework.competency(a.competency_id).name
                    if framework.has("competency", a.competency_id)
                    else a.competency_id,
                    from_level=a.from_level,
                    to_level=a.to_level,
                    reason=a.reason,
                    by=adjusters.get(a.adjusted_by or -1),
                    at=a.adjusted_at,
                )
                for a in reversed(adjusted)  # newest first
            ],
            exams=ExamRecord(
                taken=taken,
                min_answers=report.min_answers if report else None,
                readiness=list(report.exams) if report else [],
            ),
            target=TargetFit(
                role=found.target_role,
                fit=fit.fit,
                readiness=fit.readiness,
                placed=_ref(framework, placement.role_id),
            ),
            gaps=[row for row in _gap_rows(framework, gaps, evidence) if row.gap > 0],
            strengths=[
                Strength(
                    competency=row.competency_id,
                    name=framework.competency(row.competency_id).name,
                    current=row.current,
                    expected=row.expected,
                    surplus=-row.gap,
                )
                for row in gaps.strengths
            ],
            plan=_plan(framework, plan),
            assembled_at=self.clock(),
        )

    # -- changing --------------------------------------------------------------------------------

    def open(
        self,
        me: User,
        organisation_id: int,
        member_id: int,
        target_role_id: str,
        specialisation: str | None = None,
    ) -> PromotionCase:
        """Open a draft case for ``member_id`` towards ``target_role_id`` (a role of the
        organisation's rubric), optionally as a follower of ``specialisation``."""
        rubric = self.ratings.rubric(organisation_id)
        now = self.clock()
        with self.database.transaction() as session:
            place_ = standing(session, me, organisation_id)
            subject = org_store.user(session, member_id)
            if (
                subject is None
                or org_store.organisation_role(session, organisation_id, member_id) is None
            ):
                raise NotFoundError(
                    f"there is no member {member_id} in this organisation",
                    Location(field_path=("member",)),
                )
            if member_id == me.id:
                raise ForbiddenError(
                    "nobody opens a promotion case for themselves: ask your manager",
                    Location(field_path=("member",)),
                )
            if not (
                place_.admin
                or org_store.manages_team_of(session, me.id, member_id, organisation_id)
            ):
                raise ForbiddenError(
                    "only the manager of a member's team and the organisation's admins open a "
                    "promotion case for them"
                )
            role_id = (target_role_id or "").strip()
            if not rubric.has("role", role_id):
                raise PmpathError(
                    "pick a role of the ladder"
                    if not role_id
                    else unknown("role", role_id, [r.id for r in rubric.roles]),
                    Location(field_path=("target_role",)),
                )
            spec = (specialisation or "").strip() or None
            if spec is not None and spec not in {s.id for s in rubric.specialisations}:
                raise PmpathError(
                    unknown("specialisation", spec, [s.id for s in rubric.specialisations]),
                    Location(field_path=("specialisation",)),
                )
            earlier = store.open_case(session, organisation_id, member_id, role_id)
            if earlier is not None:
                raise ConflictError(
                    f"{subject.name} already has an undecided case for "
                    f"{rubric.role(role_id).name}, opened {_day(earlier.created_at)}: "
                    "work on that one",
                    Location(field_path=("target_role",)),
                )
            row = store.add_case(
                session,
                PromotionCaseRow(
                    organisation_id=organisation_id,
                    subject_id=member_id,
                    target_role_id=role_id,
                    specialisation=spec,
                    framework_id=rubric.id,
                    author_id=me.id,
                    recommendation="",
                    status="draft",
                    created_at=now,
                    updated_at=now,
                ),
            )
            return _case(row, _names_of(session, [row]), place_, me, rubric)

    def recommend(
        self, me: User, organisation_id: int, case_id: int, recommendation: str
    ) -> PromotionCase:
        """Replace the draft's recommendation (its author only)."""
        text = _text(recommendation)
        rubric = self.ratings.rubric(organisation_id)
        with self.database.transaction() as session:
            place_, row = self._visible(session, me, organisation_id, case_id, for_update=True)
            _author_only(row, me, "edits its recommendation")
            _in_draft(row, "edited")
            if len(text) > MAX_TEXT:
                raise PmpathError(
                    f"keep the recommendation to {MAX_TEXT:,} characters (it has {len(text):,})",
                    Location(field_path=("recommendation",)),
                )
            row.recommendation = text
            row.updated_at = self.clock()
            session.flush()
            return _case(row, _names_of(session, [row]), place_, me, rubric)

    def submit(self, me: User, organisation_id: int, case_id: int) -> PromotionCase:
        """Submit the draft for a decision (its author only; the recommendation must say
        something), freezing its document as it is assembled now. From now on the member sees
        the case and nobody edits it."""
        rubric = self.ratings.rubric(organisation_id)
        with self.database.transaction() as session:  # the checks, before the assembly
            place_, row = self._visible(session, me, organisation_id, case_id, log=False)
            _may_submit(row, me)
            found = _case(row, _names_of(session, [row]), place_, me, rubric)
        # Assembled in transactions of its own (the document reads through other services),
        # then stored under the lock, after the checks again: a second submit in between
        # finds the case submitted.
        document = self._assemble(me, organisation_id, found)
        with self.database.transaction() as session:
            place_, row = self._visible(session, me, organisation_id, case_id, for_update=True)
            _may_submit(row, me)
            now = self.clock()
            row.status = "submitted"
            row.submitted_at = now
            row.updated_at = now
            row.snapshot = document.model_copy(update={"assembled_at": now}).model_dump_json()
            session.flush()
            return _case(row, _names_of(session, [row]), place_, me, rubric)

    def decide(
        self, me: User, organisation_id: int, case_id: int, decision: str, note: str
    ) -> PromotionCase:
        """Record an organisation admin's decision on a submitted case: "promote" or
        "not-yet", with a note saying why."""
        rubric = self.ratings.rubric(organisation_id)
        with self.database.transaction() as session:
            place_, row = self._visible(session, me, organisation_id, case_id, for_update=True)
            if not place_.admin:
                raise ForbiddenError("only an organisation admin decides a promotion case")
            if row.status == "draft":
                raise ConflictError(
                    "the case is still a draft: its author submits it before it is decided"
                )
            if row.status == "decided":
                raise ConflictError(f"the case was decided on {_day(row.decided_at)} already")
            chosen = _decision(decision)
            if chosen is None:
                raise PmpathError("choose Promote or Not yet", Location(field_path=("decision",)))
            text = _text(note)
            if not text:
                raise PmpathError(
                    "say why in the note: the member and their manager read it",
                    Location(field_path=("note",)),
                )
            if len(text) > MAX_TEXT:
                raise PmpathError(
                    f"keep the note to {MAX_TEXT:,} characters (it has {len(text):,})",
                    Location(field_path=("note",)),
                )
            now = self.clock()
            row.status = "decided"
            row.decision = chosen
            row.decision_note = text
            row.decided_by = me.id
            row.decided_at = now
            row.updated_at = now
            session.flush()
            return _case(row, _names_of(session, [row]), place_, me, rubric)

    # -- who sees a case ---------------------------------------------------------------------------

    def _visible(
        self,
        session: Session,
        me: User,
        organisation_id: int,
        case_id: int,
        *,
        for_update: bool = False,
        log: bool = True,
    ) -> tuple[Standing, PromotionCaseRow]:
        """``me``'s standing and the case, when ``me`` may see it (with ``log``, the read is
        logged when it is someone else's case); NotFoundError or ForbiddenError otherwise."""
        place_ = standing(session, me, organisation_id)
        row = store.case(session, organisation_id, case_id, for_update=for_update)
        seen = _visibility(session, me, place_, row) if row is not None else "hidden"
        if row is None or seen == "hidden":
            raise NotFoundError(f"there is no promotion case {case_id} in this organisation")
        if seen == "refused":
            raise ForbiddenError(
                "a promotion case is for the member (once submitted), the managers of their "
                "team and the organisation's admins"
            )
        if log and row.subject_id != me.id:
            org_store.log_access(
                session, organisation_id, me.id, [row.subject_id], READ_CASE, self.clock()
            )
        return place_, row


def _visibility(session: Session, me: User, place_: Standing, row: PromotionCaseRow) -> str:
    """ "sees", "refused" (403) or "hidden" (404: the member's own draft)."""
    if place_.admin:
        return "sees"
    if row.subject_id == me.id:
        return "hidden" if row.status == "draft" else "sees"
    if org_store.manages_team_of(session, me.id, row.subject_id, place_.organisation_id):
        return "sees"
    return "refused"


def _openable(session: Session, me: User, place_: Standing) -> list[Person]:
    if place_.admin:
        rows = [
            row
            for row in org_store.organisation_members(session, place_.organisation_id)
            if row.id != me.id
        ]
    else:
        rows = list(store.managed_members(session, place_.organisation_id, me.id))
    return [Person(id=row.id, name=row.name) for row in rows]


def _author_only(row: PromotionCaseRow, me: User, what: str) -> None:
    if row.author_id != me.id:
        raise ForbiddenError(f"only the manager who opened the case {what}")


def _may_submit(row: PromotionCaseRow, me: User) -> None:
    _author_only(row, me, "submits it")
    _in_draft(row, "submitted again")
    if not row.recommendation.strip():
        raise PmpathError(
            "write the recommendation before submitting the case",
            Location(field_path=("recommendation",)),
        )


def _decision(given: str | None) -> Decision | None:
    """The decision a form or a command line gives: "promote" or "not-yet", also as the words
    the page shows ("Promote", "Not yet"), in any case; None for anything else."""
    words = " ".join((given or "").replace("-", " ").split()).casefold()
    decisions: dict[str, Decision] = {"promote": "promote", "not yet": "not-yet"}
    return decisions.get(words)


def _in_draft(row: PromotionCaseRow, what: str) -> None:
    if row.status != "draft":
        raise ConflictError(
            f"the case was {row.status} on {_day(row.decided_at or row.submitted_at)}: "
            f"it cannot be {what}"
        )


def _text(value: str | None) -> str:
    """A text from a form or a command line: Windows line ends made plain, trimmed."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _day(moment: datetime | None) -> str:
    return f"{moment.day} {moment:%B %Y}" if moment else "an earlier day"


def _names_of(session: Session, rows: list[PromotionCaseRow]) -> dict[int, str]:
    ids = {row.subject_id for row in rows}
    ids |= {row.author_id for row in rows if row.author_id is not None}
    ids |= {row.decided_by for row in rows if row.decided_by is not None}
    return store.names(session, ids)


def _ref(framework: Framework, role_id: str) -> RoleRef:
    if framework.has("role", role_id):
        role = framework.role(role_id)
        return RoleRef(id=role.id, name=role.name, stage=role.stage)
    return RoleRef(id=role_id, name=role_id, stage="")


def _case(
    row: PromotionCaseRow, names: dict[int, str], place_: Standing, me: User, rubric: Framework
) -> PromotionCase:
    spec = next((s for s in rubric.specialisations if s.id == row.specialisation), None)
    draft_author = row.status == "draft" and row.author_id == me.id
    return PromotionCase(
        id=row.id,
        organisation_id=row.organisation_id,
        organisation=place_.organisation,
        subject=Person(id=row.subject_id, name=names.get(row.subject_id, "")),
        target_role=_ref(rubric, row.target_role_id),
        specialisation=SpecialisationName(id=spec.id, name=spec.name)
        if spec
        else SpecialisationName(id=row.specialisation, name=row.specialisation)
        if row.specialisation
        else None,
        framework_id=row.framework_id,
        framework_name=rubric.name if rubric.id == row.framework_id else row.framework_id,
        author=Person(id=row.author_id, name=names.get(row.author_id, ""))
        if row.author_id is not None
        else None,
        status=row.status,
        recommendation=row.recommendation,
        decision=row.decision,
        decision_note=row.decision_note,
        decided_by=Person(id=row.decided_by, name=names.get(row.decided_by, ""))
        if row.decided_by is not None
        else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
        decided_at=row.decided_at,
        may_edit=draft_author,
        may_submit=draft_author,
        may_decide=place_.admin and row.status == "submitted",
    )


def _assessment_on(
    framework: Framework, levels: Mapping[str, Any], newest: SelfAssessment | None
) -> SelfAssessment:
    """The member's current levels as an assessment (the intake from their newest
    self-assessment), so placement, gaps and plan read the levels the organisation holds:
    calibrated, else the manager's, else the member's own."""
    ratings = {}
    for competency in framework.competencies:
        current = levels.get(competency.id)
        if current is None:
            continue
        own = newest.ratings.get(competency.id) if newest else None
        confidence = (
            own.confidence
            if current.source == "self" and own is not None
            else Confidence.HIGH
            if current.source == "calibrated"
            else Confidence.MEDIUM
        )
        ratings[competency.id] = Rating(competency.id, current.level, confidence)
    unrated = tuple(c.id for c in framework.competencies if c.id not in ratings)
    if newest is None:
        return SelfAssessment(ratings, unrated=unrated)
    return SelfAssessment(
        ratings,
        background=newest.background,
        current_role=newest.current_role,
        years=newest.years,
        interests=newest.interests,
        unrated=unrated,
    )
