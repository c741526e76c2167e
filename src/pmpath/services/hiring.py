"""Hiring from the ladder: a job description and an interview kit for any role.

Both are read from the framework alone, so an organisation's own ladder file gives its own
documents. The kit's questions come from each competency's ``interview_questions``; a ladder
without them still gets a kit, with one general question per competency whose strong answer is
the framework's behaviour at the expected level.
"""

from __future__ import annotations

from pmpath.errors import NotFoundError, PmpathError
from pmpath.framework import Framework, Role
from pmpath.framework.model import Competency, Expectation, InterviewQuestion, QuestionKind
from pmpath.framework.versions import current_role_id, specialised
from pmpath.services.models.hiring import (
    CompetencyLevel,
    FrameworkRef,
    HiredRole,
    InterviewKit,
    JobDescription,
    JobExpectation,
    KitCompetency,
    KitQuestion,
    LevelAnchor,
    ScoreBand,
    SpecialisationRef,
)

#: How many competencies an interview kit covers unless asked otherwise: about what a panel of
#: three or four interviews can test with two questions each. Must-haves are always in.
DEFAULT_KIT_SIZE = 6

SCORING = [
    ScoreBand(
        score=4,
        label="Above the bar",
        meaning="The answers showed what a strong answer shows at the level above the "
        "expectation, with first-hand detail.",
    ),
    ScoreBand(
        score=3,
        label="At the bar",
        meaning="The answers showed what a strong answer shows at the expected level: work of "
        "that scope, done with that independence, told with specifics.",
    ),
    ScoreBand(
        score=2,
        label="Just below",
        meaning="Some signs of the expected level, but the work was of the scope of the level "
        "below, or others led the hard parts.",
    ),
    ScoreBand(
        score=1,
        label="Well below",
        meaning="No first-hand example, answers at the level below or lower, or a red flag that "
        "follow-up questions did not clear.",
    ),
]

GUIDANCE = [
    "Ask every candidate the same questions for a competency, so that answers can be compared.",
    "Follow up for the candidate's own part: what they did, what others did, what happened and "
    "how they knew.",
    "Score each competency on your own against its anchors, with the evidence you heard, before "
    "the panel discusses the candidate.",
    "A must-have scored below the bar means the candidate does not yet meet the role, however "
    "strong the rest: the ladder treats a must-have shortfall the same way.",
    "Judge what the candidate did, not the vocabulary they use: someone from another field may "
    "describe the behaviour in other words.",
    "Strong answers build on each other: an answer at level 4 also shows what a level 3 answer "
    "shows, in work of a wider scope.",
    "Give a work-sample prompt the same time and material for every candidate: use the material "
    "the prompt gives (a sketch of it is fine), so that the strong answers apply.",
]

GENERAL_RED_FLAGS = [
    "Tells what the team did without saying what they did themselves.",
    "Cannot say what came of the work or how they knew.",
]


def job_description(
    fw: Framework, role_id: str, specialisation: str | None = None
) -> JobDescription:
    """A job description of ``role_id`` (as a follower of ``specialisation`` meets it)."""
    role, adjusted = _role(fw, role_id, specialisation)
    return JobDescription(
        framework=_framework_ref(fw),
        role=_hired_role(adjusted, role),
        specialisation=_specialisation_ref(adjusted, specialisation),
        summary=role.summary,
        responsibilities=list(role.responsibilities),
        success_measures=list(role.success_measures),
        expectations=[
            _job_expectation(adjusted, fw, role, comp, expectation)
            for comp, expectation in _by_importance(adjusted, role, specialisation)
        ],
    )


def interview_kit(
    fw: Framework,
    role_id: str,
    specialisation: str | None = None,
    size: int = DEFAULT_KIT_SIZE,
) -> InterviewKit:
    """An interview kit for ``role_id``: its must-haves and highest expectations, ``size``
    competencies in all (more when the role has more must-haves), with questions, red flags
    and anchors at the expected level."""
    if size < 1:
        raise PmpathError("an interview kit covers at least one competency")
    role, adjusted = _role(fw, role_id, specialisation)
    ranked = _by_importance(adjusted, role, specialisation)
    must = sum(1 for _, expectation in ranked if expectation.must_have)
    chosen, rest = ranked[: max(size, must)], ranked[max(size, must) :]
    return InterviewKit(
        framework=_framework_ref(fw),
        role=_hired_role(adjusted, role),
        specialisation=_specialisation_ref(adjusted, specialisation),
        summary=role.summary,
        competencies=[_kit_competency(adjusted, comp, exp, ranked) for comp, exp in chosen],
        not_covered=[
            CompetencyLevel(
                competency=comp.id,
                name=comp.name,
                level=exp.level,
                level_name=adjusted.scale_name(exp.level),
            )
            for comp, exp in rest
        ],
        scoring=SCORING,
        guidance=GUIDANCE,
    )


# --- the role -----------------------------------------------------------------------------------


def _role(fw: Framework, role_id: str, specialisation: str | None) -> tuple[Role, Framework]:
    """The role (an old id finds its successor) and the framework as the specialist meets it."""
    found = current_role_id(fw, role_id) or role_id
    if fw.has("exit", found):
        raise NotFoundError(
            f"{fw.exit(found).name!r} is a move beyond the ladder, not a role: job descriptions "
            "and interview kits are for roles"
        )
    adjusted = specialised(fw, specialisation)
    return adjusted.role(fw.role(found).id), adjusted


def _framework_ref(fw: Framework) -> FrameworkRef:
    return FrameworkRef(id=fw.id, name=fw.name, version=fw.version)


def _hired_role(fw: Framework, role: Role) -> HiredRole:
    return HiredRole(
        id=role.id,
        name=role.name,
        stage=role.stage,
        stage_name=fw.stage(role.stage).name,
        track=role.track,
        aliases=list(role.aliases),
    )


def _specialisation_ref(fw: Framework, specialisation: str | None) -> SpecialisationRef | None:
    spec = next((s for s in fw.specialisations if s.id == specialisation), None)
    return SpecialisationRef(id=spec.id, name=spec.name, summary=spec.summary) if spec else None


def _by_importance(
    fw: Framework, role: Role, specialisation: str | None
) -> list[tuple[Competency, Expectation]]:
    """The role's competencies, must-haves first, then by expected level and weight, highest
    first; among equals, those the specialisation leans on come first, then the framework's
    order."""
    spec = next((s for s in fw.specialisations if s.id == specialisation), None)
    emphasis = set(spec.emphasis) if spec else set()
    pairs = [(comp, role.expectations[comp.id]) for comp in fw.competencies]
    return sorted(
        pairs,
        key=lambda pair: (
            not pair[1].must_have,
            -pair[1].level,
            -pair[1].weight,
            pair[0].id not in emphasis,
        ),
    )


def _job_expectation(
    fw: Framework, plain: Framework, role: Role, comp: Competency, expectation: Expectation
) -> JobExpectation:
    before = plain.role(role.id).expectations[comp.id].level
    return JobExpectation(
        competency=comp.id,
        name=comp.name,
        area_name=fw.area(comp.area).name,
        level=expectation.level,
        level_name=fw.scale_name(expectation.level),
        weight=expectation.weight,
        must_have=expectation.must_have,
        raised_from=before if before != expectation.level else None,
        behaviour=comp.behaviours[expectation.level],
    )


# --- the kit ------------------------------------------------------------------------------------


def _kit_competency(
    fw: Framework,
    comp: Competency,
    expectation: Expectation,
    ranked: list[tuple[Competency, Expectation]],
) -> KitCompetency:
    level = expectation.level
    questions = [_kit_question(comp, question, level) for question in comp.interview_questions]
    return KitCompetency(
        competency=comp.id,
        name=comp.name,
        level=level,
        level_name=fw.scale_name(level),
        weight=expectation.weight,
        must_have=expectation.must_have,
        why=_why(expectation, ranked),
        generated=not comp.interview_questions,
        questions=questions or [_general_question(comp, level)],
        anchors=[
            LevelAnchor(
                level=anchor,
                level_name=fw.scale_name(anchor),
                relation="below" if anchor < level else "above" if anchor > level else "at",
                behaviour=comp.behaviours[anchor],
            )
            for anchor in (level - 1, level, level + 1)
            if anchor in fw.levels
        ],
    )


def _why(expectation: Expectation, ranked: list[tuple[Competency, Expectation]]) -> str:
    if expectation.must_have:
        return "A must-have: a shortfall here means the candidate does not yet meet the role."
    top = max(exp.level for _, exp in ranked if not exp.must_have)
    if expectation.level == top:
        return "Among the highest levels the role expects."
    return "Among the role's next highest expectations."


def _kit_question(comp: Competency, question: InterviewQuestion, level: int) -> KitQuestion:
    written = question.strong_answer.get(level)
    return KitQuestion(
        question=question.question,
        kind=question.kind,
        strong_answer=written or comp.behaviours[level],
        strong_answer_source="question" if written else "behaviour",
        red_flags=list(question.red_flags),
    )


def _general_question(comp: Competency, level: int) -> KitQuestion:
    """The question a kit asks when the framework has none for the competency: about the
    candidate's own recent work, judged against the behaviour at the expected level."""
    return KitQuestion(
        question=f"Tell me about a recent piece of work that called for {_in_sentence(comp.name)}:"
        " the situation, what you did yourself, and what came of it.",
        kind=QuestionKind.BEHAVIOURAL,
        strong_answer=comp.behaviours[level],
        strong_answer_source="behaviour",
        red_flags=GENERAL_RED_FLAGS,
    )


def _in_sentence(name: str) -> str:
    """A display name inside a sentence: "Design judgement" -> "design judgement", but an
    initialism ("AI fluency") keeps its capitals."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]
