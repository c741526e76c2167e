"""A learner's home page, and their self-rating beside what their answers say.

:func:`dashboard` gathers, for one learner, what the home page shows: where the latest
self-assessment places them, the next step of their plan, how many reviews are due, exam
readiness, what they can continue and their latest results. It only reads, through the
services that own each part.

:func:`compare` puts the self-assessment's placement beside the latest placement test's level,
and each self-rating beside the rating the learner's answers point to, and says in plain words
what to do where they disagree. It is pure: it is given the guidance, the test result and the
exams.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pmpath.exams.blueprints import Blueprint
from pmpath.framework import Framework
from pmpath.services.assessments import AssessmentService
from pmpath.services.exams import ExamService
from pmpath.services.guidance import guidance
from pmpath.services.models.dashboard import (
    Agreement,
    Comparison,
    CompetencyComparison,
    Continuing,
    Dashboard,
    LevelComparison,
    Standing,
)
from pmpath.services.models.guidance import Guidance
from pmpath.services.models.psychometrics import PlacementResult
from pmpath.services.placement import PLACEMENT_ID
from pmpath.services.psychometrics import PsychometricsService

#: How many finished attempts the home page lists.
RECENT_RESULTS = 3
#: At most this many competencies are named in one sentence of advice.
NAMED = 3


def dashboard(
    assessments: AssessmentService,
    exams: ExamService,
    psychometrics: PsychometricsService,
    profile: str,
) -> Dashboard:
    """What ``profile``'s home page shows (see the module's docstring)."""
    done = assessments.history(profile)
    standing = None
    next_step = None
    if done:
        latest = done[-1]
        found = guidance(assessments.framework, latest.assessment)
        placed = found.placement
        tested = psychometrics.latest_placement(profile)
        level = compare(assessments.framework, found, tested, ()).level
        standing = Standing(
            assessment_id=latest.id,
            assessed_at=latest.completed_at.isoformat(timespec="seconds")
            if latest.completed_at
            else None,
            role=placed.role,
            status=placed.status,
            fit=placed.fit,
            low=placed.range.low,
            high=placed.range.high,
            target=found.target.role,
            tested=level,
        )
        next_step = found.plan.steps[0] if found.plan.steps else None
    history = exams.history(profile).attempts
    return Dashboard(
        standing=standing,
        next_step=next_step,
        reviews_due=exams.review_due_count(profile),
        readiness=psychometrics.readiness(profile),
        continuing=_continuing(assessments, exams, psychometrics, profile),
        recent=list(reversed(history[-RECENT_RESULTS:])),
    )


def _continuing(
    assessments: AssessmentService,
    exams: ExamService,
    psychometrics: PsychometricsService,
    profile: str,
) -> list[Continuing]:
    found: list[Continuing] = []
    unfinished = assessments.unfinished(profile)
    if unfinished is not None:
        found.append(
            Continuing(
                kind="assessment",
                id=unfinished.id,
                name="Self-assessment",
                answered=len(unfinished.assessment.ratings),
                items=len(assessments.framework.competencies),
            )
        )
    for attempt in exams.unfinished(profile):
        found.append(
            Continuing(
                kind="mock" if attempt.mode == "mock" else "practice",
                id=attempt.attempt_id,
                name=attempt.blueprint.name if attempt.blueprint else "Practice session",
                answered=attempt.answered,
                items=attempt.items,
            )
        )
    tests = [(PLACEMENT_ID, "Placement test")]
    tests += [(b.id, f"{b.name} (adaptive)") for b in psychometrics.blueprints.values()]
    for test_id, name in tests:
        attempt_id = psychometrics.unfinished_placement(profile, test_id)
        if attempt_id is None:
            continue
        view = psychometrics.placement(attempt_id, profile)
        if view.finished:
            continue
        found.append(
            Continuing(
                kind="placement" if test_id == PLACEMENT_ID else "adaptive",
                id=attempt_id,
                name=name,
                answered=view.answered,
                items=None,  # an adaptive test stops when it is sure: no fixed length
                test=test_id,
            )
        )
    return found


def compare(
    framework: Framework,
    found: Guidance,
    placement: PlacementResult | None,
    blueprints: Iterable[Blueprint],
) -> Comparison:
    """The self-assessment (``found``) beside the latest placement test (``placement``, None if
    the learner has not taken one) and, per competency, beside the rating the learner's answers
    point to (the ``tested`` of ``found``'s gap rows), with advice where they disagree."""
    stages = [stage.id for stage in framework.stages]
    names = {stage.id: stage.name for stage in framework.stages}
    level = None
    if placement is not None:
        overall = placement.overall
        self_stage = found.placement.role.stage
        low, high = overall.level_range
        where = stages.index(self_stage)
        agreement: Agreement = "agree"
        if where > stages.index(high):
            agreement = "test-lower"
        elif where < stages.index(low):
            agreement = "test-higher"
        level = LevelComparison(
            self_role=found.placement.role,
            self_stage=self_stage,
            self_stage_name=names[self_stage],
            tested_stage=overall.level,
            tested_stage_name=names.get(overall.level, overall.level),
            tested_range=(low, high),
            tested_range_names=(names.get(low, low), names.get(high, high)),
            agreement=agreement,
        )
    rows = []
    for gap in found.gaps:
        if gap.tested is None:
            continue
        low_rating, high_rating = gap.tested.rating_range
        rows.append(
            CompetencyComparison(
                competency=gap.competency,
                name=gap.name,
                self_rating=gap.current,
                tested_rating=gap.tested.rating,
                tested_range=(low_rating, high_rating),
                agreement="test-lower"
                if gap.current > high_rating
                else "test-higher"
                if gap.current < low_rating
                else "agree",
            )
        )
    rows.sort(key=lambda row: row.name)
    return Comparison(
        level=level,
        competencies=rows,
        advice=_advice(level, rows, placement, list(blueprints)),
    )


def _advice(
    level: LevelComparison | None,
    rows: Sequence[CompetencyComparison],
    placement: PlacementResult | None,
    blueprints: list[Blueprint],
) -> list[str]:
    said = []
    if level is not None and placement is not None and level.agreement != "agree":
        head = (
            f"Your self-assessment places you as {level.self_role.name}; the placement test put "
            f"you at {_level(level.tested_stage_name)}."
        )
        if level.agreement == "test-lower":
            exam = next((b for b in blueprints if level.self_stage in b.levels), None)
            weakest = sorted(placement.domains.values(), key=lambda d: d.theta)[:2]
            check = f"take the mock exam “{exam.name}”" if exam else "take a mock exam"
            review = " and ".join(d.name for d in weakest)
            said.append(
                f"{head} The test covers knowledge only, not what you do at work: {check} to "
                f"see which is nearer, or practise {review}, where the test placed you lowest."
            )
        else:
            said.append(
                f"{head} You may be rating yourself too modestly: look again at the behaviours "
                "of the competencies the test puts higher, and assess yourself again."
            )
    lower = [row.name for row in rows if row.agreement == "test-lower"]
    higher = [row.name for row in rows if row.agreement == "test-higher"]
    if lower:
        said.append(
            f"Your answers point lower than your own rating on {_listed(lower)}: practise "
            f"{'it' if len(lower) == 1 else 'them'} with feedback, or bring evidence of your work "
            "on them to a mentor."
        )
    if higher:
        said.append(
            f"Your answers point higher than your own rating on {_listed(higher)}: you may know "
            "more than you gave yourself credit for."
        )
    return said


def _level(stage_name: str) -> str:
    """A stage in a sentence: "entry level", "mid-career level", "senior level"."""
    said = stage_name.lower()
    return said if said.endswith("level") else f"{said} level"


def _listed(names: list[str]) -> str:
    """Up to three names in a sentence ("A, B and C"), and how many more."""
    shown = names[:NAMED]
    text = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    more = len(names) - len(shown)
    return f"{text} (and {more} more)" if more else text
