"""The ladder as the CLI's ``--json`` and ``/api/v1`` show it: roles, paths, diffs, competencies,
backgrounds, certifications, development actions, specialisations and exits.

Where a result lists the framework's own records unchanged (certifications, development
actions, interests, specialisations, the scale), it uses the framework file's models, so the
output is the file's data as it was written.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from pmpath.framework.model import (
    Certification,
    DevelopmentAction,
    Interest,
    ScaleLevel,
    Specialisation,
    Track,
)
from pmpath.services.models import Result

NodeKind = Literal["role", "exit"]
"""A place on the ladder is a role, or an exit that leaves the product ladder."""


class _WithFrom(Result):
    """A result with a ``from`` key: a Python keyword, so the field is ``from_`` in code."""

    model_config = ConfigDict(
        validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )


class NodeRef(Result):
    """A role or exit, named."""

    id: str
    name: str
    kind: NodeKind
    stage: str


class FrameworkCounts(Result):
    stages: int
    roles: int
    competencies: int
    backgrounds: int
    certifications: int
    development_actions: int
    specialisations: int
    exits: int


class FrameworkSummary(Result):
    """The framework's name, version and how many of each thing it holds."""

    id: str
    name: str
    version: str
    summary: str
    counts: FrameworkCounts


class ValidFramework(Result):
    """A framework file that passed every check, with its summary (``pmpath framework
    validate``)."""

    file: str
    valid: bool
    id: str
    name: str
    version: str
    summary: str
    counts: FrameworkCounts


class RoleCard(Result):
    """A role or exit in the overview of its stage; ``track`` is null for an exit."""

    id: str
    name: str
    kind: NodeKind
    stage: str
    track: Track | None
    summary: str
    next: list[str] = Field(description="Ids of the roles and exits one step on.")


class StageRoles(Result):
    id: str
    name: str
    summary: str
    roles: list[RoleCard]


class RolesByStage(Result):
    """Every stage in ladder order with its roles and exits (``pmpath roles``)."""

    framework: FrameworkSummary
    stages: list[StageRoles]


class StageOverview(Result):
    id: str
    name: str
    summary: str
    preparation: list[str]
    roles: list[str] = Field(description="Ids of the stage's roles, then of its exits.")


class Stages(Result):
    """The stages of the career with their advice (``pmpath stages``)."""

    stages: list[StageOverview]


class ExpectationRow(Result):
    """The level a role expects in one competency, and what that level looks like."""

    competency: str
    name: str
    area: str
    level: int
    level_name: str
    weight: float
    must_have: bool
    behaviour: str


class _NodeDetail(Result):
    """What a role and an exit share: duties, expectations, neighbours, stage advice."""

    id: str
    name: str
    kind: NodeKind
    stage: str
    stage_name: str
    summary: str
    responsibilities: list[str]
    expectations: list[ExpectationRow]
    next: list[NodeRef]
    previous: list[NodeRef]
    stage_preparation: list[str]


class RoleDetail(_NodeDetail):
    """Everything about one role (``pmpath role``)."""

    kind: Literal["role"] = "role"
    track: Track
    aliases: list[str]
    success_measures: list[str]


class ExitDetail(_NodeDetail):
    """Everything about one exit from the product ladder (``pmpath role`` on an exit id)."""

    kind: Literal["exit"] = "exit"
    track: None = None
    first_steps: list[str]


NodeDetail = Annotated[RoleDetail | ExitDetail, Field(discriminator="kind")]
"""A role's or an exit's detail, told apart by ``kind``."""


class PathReport(_WithFrom):
    """The shortest path and every path (up to a limit) between two roles (``pmpath path``)."""

    from_: str = Field(alias="from")
    to: str
    track: Track | None
    shortest: list[NodeRef]
    paths: list[list[NodeRef]]
    truncated: bool = Field(description="True when there are more paths than were listed.")


class ExpectationChange(_WithFrom):
    """How the expected level of one competency changes; ``from`` is null where the first role
    expects nothing."""

    competency: str
    name: str
    from_: int | None = Field(alias="from")
    to: int
    delta: int


class DiffReport(_WithFrom):
    """What changes from one role to another (``pmpath diff``)."""

    from_: NodeRef = Field(alias="from")
    to: NodeRef
    rising: list[ExpectationChange]
    falling: list[ExpectationChange]
    unchanged: list[ExpectationChange]
    new_must_haves: list[str]
    new_responsibilities: list[str]


class CompetencyBehaviours(Result):
    id: str
    name: str
    summary: str
    behaviours: dict[str, str] = Field(description="Level (as a string) -> behaviour.")


class AreaCompetencies(Result):
    id: str
    name: str
    summary: str
    competencies: list[CompetencyBehaviours]


class Competencies(Result):
    """The scale and every competency, grouped by area (``pmpath competencies``)."""

    scale: list[ScaleLevel]
    areas: list[AreaCompetencies]


class BackgroundSummary(Result):
    id: str
    name: str
    summary: str
    suggested_entry_roles: list[str]


class Backgrounds(Result):
    """The careers people come to product management from (``pmpath backgrounds``)."""

    backgrounds: list[BackgroundSummary]


class TransferableStrength(Result):
    competency: str
    name: str
    level: int
    level_name: str


class CompetencyName(Result):
    competency: str
    name: str


class RoleName(Result):
    id: str
    name: str


class BackgroundDetail(Result):
    """What a background brings and lacks, and how to make the move (``pmpath background``)."""

    id: str
    name: str
    summary: str
    advantages: list[str]
    strengths: list[TransferableStrength]
    typical_gaps: list[CompetencyName]
    first_steps: list[str]
    suggested_entry_roles: list[RoleName]


class Certifications(Result):
    """Certifications and learning programmes (``pmpath certifications``)."""

    certifications: list[Certification]


class DevelopmentActions(Result):
    """Development actions (``pmpath actions``)."""

    development_actions: list[DevelopmentAction]


class Specialisations(Result):
    """Interests and the specialisations they point to (``pmpath specialisations``)."""

    interests: list[Interest]
    specialisations: list[Specialisation]


class ExitSummary(Result):
    id: str
    name: str
    summary: str
    from_roles: list[str]
    first_steps: list[str]


class Exits(Result):
    """The moves beyond the product ladder (``pmpath exits``)."""

    exits: list[ExitSummary]


class LadderNode(Result):
    id: str
    name: str
    kind: NodeKind
    track: Track | None


class LadderStage(Result):
    id: str
    name: str
    roles: list[LadderNode]


class LadderGraph(Result):
    """The ladder as a graph to draw: stages in order with their roles, and the next-role edges
    as ``[from, to]`` id pairs."""

    stages: list[LadderStage]
    edges: list[tuple[str, str]]


__all__ = [
    "AreaCompetencies",
    "BackgroundDetail",
    "BackgroundSummary",
    "Backgrounds",
    "Certifications",
    "Competencies",
    "CompetencyBehaviours",
    "CompetencyName",
    "DevelopmentActions",
    "DiffReport",
    "ExitDetail",
    "ExitSummary",
    "Exits",
    "ExpectationChange",
    "ExpectationRow",
    "FrameworkCounts",
    "FrameworkSummary",
    "LadderGraph",
    "LadderNode",
    "LadderStage",
    "NodeDetail",
    "NodeKind",
    "NodeRef",
    "PathReport",
    "RoleCard",
    "RoleDetail",
    "RoleName",
    "RolesByStage",
    "Specialisations",
    "StageOverview",
    "StageRoles",
    "Stages",
    "TransferableStrength",
    "ValidFramework",
]
