"""Names instead of ids in what people read (issue #16): competencies, roles, stages, domains
and kinds by their names; ids stay in --json (and in an Id column, where they are copied)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pmpath.framework import bundled_framework_path, load_framework
from tests.conftest import DOCS

Run = Callable[..., Any]
FRAMEWORK = load_framework(bundled_framework_path())
# Ids of one word ("leadership") read as words; those with a hyphen are surely ids.
COMPETENCY_IDS = [c.id for c in FRAMEWORK.competencies if "-" in c.id]
EXAMPLE = str(DOCS / "examples" / "engineer-answers.yaml")


def said(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Room for every cell on one line, so a name is found whole."""
    from pmpath.cli import render

    monkeypatch.setattr(render.console, "width", 400)


def test_actions_name_what_they_build(pmpath: Run) -> None:
    out = pmpath("actions").stdout
    assert "Customer empathy and user research, Prioritisation and roadmapping" in said(out)
    assert "Cross-functional work" in out
    assert [c for c in COMPETENCY_IDS if c in out] == []


def test_certifications_name_competencies_and_stages(pmpath: Run) -> None:
    out = pmpath("certifications").stdout
    assert [c for c in COMPETENCY_IDS if c in out] == []
    assert "Learning programme" in out
    assert "early-career" not in out


def test_roles_name_their_tracks_and_next_roles(pmpath: Run) -> None:
    out = pmpath("roles").stdout
    assert "Individual contributor" in said(out)
    assert "│ individual-contributor " not in out  # the Track column (summaries may say it)
    data = pmpath("roles", "--json").json()
    assert data["stages"][0]["roles"][0]["next"][0] == "associate-product-manager"  # ids in JSON


def test_exam_list_names_its_levels(pmpath: Run) -> None:
    out = said(pmpath("exam", "list").stdout)
    assert "Entry level, Early career" in out
    assert "40 questions, 60 minutes; pass mark 70%" in out


def test_the_plan_names_kinds_and_competencies(pmpath: Run) -> None:
    pmpath("assess", "-a", EXAMPLE)
    out = pmpath("plan").stdout
    assert "Market and domain insight" in said(out)
    assert "Learning programme" in said(out)
    assert [c for c in COMPETENCY_IDS if c in out] == []
    assert "learning-programme" not in out


def test_history_names_domains_and_sources(pmpath: Run) -> None:
    pmpath("assess", "-a", EXAMPLE)
    attempt = pmpath("exam", "start", "scrum-master", "--seed", "4", "--json").json()
    pmpath("exam", "finish", str(attempt["attempt_id"]))
    out = pmpath("history").stdout
    assert "answers file" in out
    assert "Agile and Scrum" in out
    assert "agile-and-scrum" not in out


def test_ability_speaks_in_stage_names(pmpath: Run) -> None:
    out = said(pmpath("exam", "ability").stdout)
    assert "Placement: Mid-career (likely between Entry level and " in out
    assert "from 0 answers; it updates with every answer." in out
    assert "entry -" not in out
