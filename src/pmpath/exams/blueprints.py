"""Exam blueprints: which domains, how many items, at which levels, how long, what passes.

id: pm-readiness
name: Product Manager readiness
summary: ...
items: 40
minutes: 60
pass_mark: 70                 # percent of the maximum score
levels: [early-career, mid-career]
domains:                      # relative weights; counts are allocated exactly
  prioritisation-and-roadmapping: 3
  metrics-and-experimentation: 2
review:                       # what a finished mock exam shows (optional; these are the defaults)
  your_answers: true
  keys: answered              # right answers and explanations: all, answered or none
attempts:                     # how often a learner may start it (optional; the defaults)
  per_day: 10                 # in any 24 hours; null for no limit
  cooldown_minutes: 0         # between one start and the next
learner_extra_time: true      # a learner may choose extra time or no limit when starting
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pmpath.errors import BankError, FieldPath
from pmpath.exams.items import Bank
from pmpath.framework import Framework
from pmpath.framework.model import Id, Text
from pmpath.yamldoc import YamlDocument


class ReviewPolicy(BaseModel):
    """What a finished mock exam shows its learner, like Moodle's review options.

    The default shows right answers and explanations only for the questions the learner
    answered: starting an exam and handing it in at once must not be a way to read keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    your_answers: bool = Field(True, description="Show the learner's own answers.")
    keys: Literal["all", "answered", "none"] = Field(
        "answered",
        description="Right answers and explanations: for every question, only for the "
        "questions answered, or for none.",
    )


class AttemptLimits(BaseModel):
    """How often one learner may start a blueprint's mock exam."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    per_day: int | None = Field(10, ge=1, description="Starts in any 24 hours (null: no limit).")
    cooldown_minutes: int = Field(0, ge=0, le=10_080, description="Minutes between starts.")


class Blueprint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    name: Text
    summary: Text
    items: int = Field(ge=1, le=500, description="How many items a form has.")
    minutes: int = Field(ge=1, le=600, description="The time limit of a mock exam.")
    pass_mark: float = Field(gt=0, le=100, description="Percent of the maximum score that passes.")
    levels: list[Id] = Field(min_length=1, description="Career levels (stage ids) items come from.")
    domains: dict[Id, float] = Field(min_length=1, description="Domain id -> relative weight.")
    review: ReviewPolicy = ReviewPolicy()
    attempts: AttemptLimits = AttemptLimits()
    learner_extra_time: bool = Field(
        True,
        description="Whether a learner may choose extra time or no time limit when starting "
        "(the result then says so). An administrator's allowance for a learner applies anyway.",
    )

    def domain_counts(self) -> dict[str, int]:
        """Items per domain: the weights' shares of ``items``, rounded by largest remainder so
        the counts add up exactly."""
        total = sum(self.domains.values())
        exact = {domain: self.items * weight / total for domain, weight in self.domains.items()}
        counts = {domain: math.floor(share) for domain, share in exact.items()}
        short = self.items - sum(counts.values())
        by_remainder = sorted(exact, key=lambda d: (-(exact[d] - counts[d]), d))
        for domain in by_remainder[:short]:
            counts[domain] += 1
        return counts


def bundled_blueprints_path() -> Path:
    return Path(str(resources.files("pmpath") / "content" / "blueprints"))


def load_blueprints(folder: Path, framework: Framework, bank: Bank) -> list[Blueprint]:
    """Every ``*.yaml`` blueprint in ``folder``, checked against the framework and the bank."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        found.append(load_blueprint(path, framework, bank))
    return found


def load_blueprint(path: Path, framework: Framework, bank: Bank) -> Blueprint:
    document = YamlDocument.read(path, BankError)
    blueprint = document.validate(Blueprint, "a blueprint")
    problems: list[tuple[FieldPath, str]] = []
    for index, level in enumerate(blueprint.levels):
        if not framework.has("stage", level):
            problems.append((("levels", index), f"unknown level {level!r}"))
    domain_ids = {domain.id for domain in bank.domains}
    for domain, weight in blueprint.domains.items():
        if domain not in domain_ids:
            problems.append((("domains", domain), f"the bank has no domain {domain!r}"))
        elif weight <= 0:
            problems.append((("domains", domain), "weights must be above 0"))
    if not problems:
        counts = blueprint.domain_counts()
        for domain, needed in counts.items():
            available = sum(
                1 for item in bank.items if item.domain == domain and item.level in blueprint.levels
            )
            if available < needed:
                problems.append(
                    (
                        ("domains", domain),
                        f"needs {needed} items of {domain!r} at levels {blueprint.levels}, "
                        f"the bank has {available}",
                    )
                )
    if problems:
        raise BankError([document.problem(path_, message) for path_, message in problems])
    return blueprint
