from __future__ import annotations

import pytest

from pmpath.assessment import Rating, SelfAssessment
from pmpath.framework import Framework, bundled_framework_path, load_framework


@pytest.fixture(scope="session")
def fw() -> Framework:
    return load_framework(bundled_framework_path())


def profile_of(levels: dict[str, int], **intake: object) -> SelfAssessment:
    """An assessment rating each competency at the given level (medium confidence)."""
    ratings = {comp: Rating(comp, level) for comp, level in levels.items()}
    return SelfAssessment(ratings=ratings, **intake)  # type: ignore[arg-type]


def levels_of(fw: Framework, role_id: str) -> dict[str, int]:
    """Exactly what a role expects."""
    return {comp: exp.level for comp, exp in fw.role(role_id).expectations.items()}


def everything_at(fw: Framework, level: int) -> dict[str, int]:
    return {comp.id: level for comp in fw.competencies}
