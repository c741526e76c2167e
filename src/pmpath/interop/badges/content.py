"""What a pmpath badge certifies: the achievement, its criteria, the evidence and the
competencies of the ladder it is aligned to, as an Open Badges 3.0 ``OpenBadgeCredential``.

Two achievements exist. Passing a mock exam (fixed form or adaptive) earns "Passed: <exam>";
finishing the adaptive placement test earns "Placed at: <level>". The criteria say exactly what
was required (the pass mark and the number of questions, or the placement rule), the evidence
what was measured and how it went, never an answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openbadgeslib.ob3 import (
    Achievement,
    Alignment,
    Evidence,
    IdentityObject,
    Issuer,
    OpenBadgeCredential,
    Result,
    ResultDescription,
)

#: The kind of every pmpath achievement (OB 3.0 AchievementType): both are earned by a test.
ACHIEVEMENT_TYPE = "Assessment"


@dataclass(frozen=True)
class Aligned:
    """A competency of the ladder that the badge's questions measured."""

    code: str
    name: str
    summary: str
    url: str


@dataclass(frozen=True)
class ExamFacts:
    """A passed mock exam, as the badge tells it."""

    exam_id: str
    exam_name: str
    exam_summary: str
    adaptive: bool
    #: Percent of the maximum score that passes.
    pass_mark: float
    #: How many questions the learner was asked (the form's length; an adaptive exam's count).
    questions: int
    #: The learner's score, in percent of the maximum.
    score: float
    finished_at: datetime
    #: The names of the domains the exam draws its questions from.
    domains: tuple[str, ...]
    #: The exam's time limit, in minutes (None: no limit was applied to this attempt).
    minutes: int | None = None
    #: An adaptive exam's largest number of questions.
    max_questions: int | None = None


@dataclass(frozen=True)
class PlacementFacts:
    """A finished placement test, as the badge tells it."""

    stage_id: str
    stage_name: str
    stage_summary: str
    questions: int
    finished_at: datetime
    domains: tuple[str, ...]
    #: The plausible range of levels (names), lowest first.
    level_range: tuple[str, str]
    se_target: float
    max_questions: int


@dataclass(frozen=True)
class Recipient:
    """Who earned the badge: their name in clear, their email only as a salted hash."""

    name: str
    email: str
    salt: str


@dataclass(frozen=True)
class Award:
    """The achievement and its evidence, before it names a recipient or is signed."""

    achievement_id: str
    name: str
    description: str
    criteria: str
    framework: str
    alignments: tuple[Aligned, ...]
    evidence_name: str
    evidence_narrative: str
    #: The learner's score (percent) with the pass mark it had to reach, for an exam.
    score: float | None = None
    pass_mark: float | None = None
    tags: tuple[str, ...] = field(default=())


def _percent(value: float) -> str:
    return f"{value:g}%"


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _listed(names: tuple[str, ...]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def exam_award(
    facts: ExamFacts, site_url: str, framework: str, alignments: tuple[Aligned, ...]
) -> Award:
    """The achievement of passing the mock exam of ``facts``."""
    if facts.adaptive:
        criteria = (
            f'Pass the adaptive version of the pmpath mock exam "{facts.exam_name}": up to '
            f"{facts.max_questions or facts.questions} questions from {_listed(facts.domains)}, "
            "each chosen for the learner's answers so far, stopping once pass or fail is clear "
            "at 95% confidence. The learner passes when their estimated ability is at or "
            f"above the ability that corresponds to the exam's pass mark of "
            f"{_percent(facts.pass_mark)}."
        )
        measured = (
            f'Passed the adaptive mock exam "{facts.exam_name}" on {_day(facts.finished_at)} '
            f"after {facts.questions} questions from {_listed(facts.domains)}, with "
            f"{_percent(facts.score)} of them right."
        )
    else:
        limit = f" in {facts.minutes} minutes" if facts.minutes else ""
        criteria = (
            f"Score at least {_percent(facts.pass_mark)} of the maximum on the pmpath mock exam "
            f'"{facts.exam_name}": {facts.questions} questions from '
            f"{_listed(facts.domains)}, answered{limit} in one sitting."
        )
        measured = (
            f'Scored {_percent(facts.score)} on the mock exam "{facts.exam_name}" '
            f"({facts.questions} questions) on {_day(facts.finished_at)}; the pass mark is "
            f"{_percent(facts.pass_mark)}."
        )
    return Award(
        achievement_id=f"{site_url}/badges/achievements/exam/{facts.exam_id}",
        name=f"Passed: {facts.exam_name}",
        description=facts.exam_summary,
        criteria=criteria,
        framework=framework,
        alignments=alignments,
        evidence_name=f"Mock exam: {facts.exam_name}",
        evidence_narrative=measured,
        score=facts.score,
        pass_mark=facts.pass_mark,
        tags=("pmpath", "exam", facts.exam_id),
    )


def placement_award(
    facts: PlacementFacts, site_url: str, framework: str, alignments: tuple[Aligned, ...]
) -> Award:
    """The achievement of being placed at the level of ``facts`` by the placement test."""
    low, high = facts.level_range
    spread = (
        "no other level was plausible"
        if low == high
        else f"the levels plausible within its uncertainty ran from {low} to {high}"
    )
    return Award(
        achievement_id=f"{site_url}/badges/achievements/placement/{facts.stage_id}",
        name=f"Placed at: {facts.stage_name}",
        description=(
            f"Placed at {_stage_phrase(facts.stage_name)} of the product-management career "
            "ladder "
            f"by pmpath's adaptive placement test. {facts.stage_summary}"
        ),
        criteria=(
            "Finish pmpath's adaptive placement test: at least two questions from each of "
            f"{_listed(facts.domains)}, each chosen for the answers so far, until the "
            f"estimate's standard error is {facts.se_target:g} or at most "
            f"{facts.max_questions} questions. The learner is placed at the level of the "
            "ladder whose centre on the ability scale is nearest their estimated ability: "
            f"here {facts.stage_name}."
        ),
        framework=framework,
        alignments=alignments,
        evidence_name="Adaptive placement test",
        evidence_narrative=(
            f"Placed at {facts.stage_name} on {_day(facts.finished_at)} after "
            f"{facts.questions} questions from {_listed(facts.domains)}; {spread}."
        ),
        tags=("pmpath", "placement", facts.stage_id),
    )


def credential(
    award: Award,
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    issuer_url: str,
    recipient: Recipient,
    issued_at: datetime,
    status: dict[str, Any],
) -> OpenBadgeCredential:
    """The unsigned OB 3.0 credential awarding ``award`` to ``recipient``.

    The subject carries no ``id``: pmpath learners have no DID, and a ``mailto:`` id would
    publish their address to everyone the badge is shown to. The recipient is identified by
    their name in clear and their email as a salted SHA-256 hash (OB 3.0 ``identifier``), which
    whoever knows the address can check.
    """
    description = None
    results: list[Result] = []
    if award.score is not None and award.pass_mark is not None:
        description = ResultDescription(
            id=f"{award.achievement_id}#score",
            name="Score, in percent of the maximum",
            result_type="Percent",
            value_min="0",
            value_max="100",
            required_value=f"{award.pass_mark:g}",
        )
        results.append(
            Result(value=f"{award.score:g}", status="Completed", result_description=description.id)
        )
    achievement = Achievement(
        id=award.achievement_id,
        name=award.name,
        description=award.description,
        criteria_narrative=award.criteria,
        tags=list(award.tags),
        achievement_type=ACHIEVEMENT_TYPE,
        alignments=[
            Alignment(
                target_name=aligned.name,
                target_url=aligned.url,
                target_framework=award.framework,
                target_code=aligned.code,
                target_description=aligned.summary,
            )
            for aligned in award.alignments
        ],
        result_descriptions=[description] if description else [],
    )
    return OpenBadgeCredential(
        id=credential_id,
        issuer=Issuer(id=issuer_id, name=issuer_name, url=issuer_url),
        recipient_id=None,
        achievement=achievement,
        issuance_date=issued_at,
        evidence=[Evidence(name=award.evidence_name, narrative=award.evidence_narrative)],
        credential_status=[status],
        identifiers=[
            IdentityObject(identity_hash=recipient.name, identity_type="name", hashed=False),
            IdentityObject.create(recipient.email, salt=recipient.salt),
        ],
        results=results,
    )


def recipient_name(document: dict[str, Any]) -> str | None:
    """The recipient's name a credential states in clear (its ``name`` identifier), if any."""
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    if not isinstance(subject, dict):
        return None
    for identifier in subject.get("identifier") or []:
        if (
            isinstance(identifier, dict)
            and identifier.get("identityType") == "name"
            and identifier.get("hashed") is False
            and isinstance(identifier.get("identityHash"), str)
        ):
            return str(identifier["identityHash"])
    return None


def _stage_phrase(stage_name: str) -> str:
    """ "the Entry level", "the Senior level": a stage whose name already ends in "level" is
    not given a second one (the words are signed into the badge, so they must read right)."""
    name = stage_name.strip()
    return f"the {name}" if name.lower().endswith("level") else f"the {name} level"
