"""assess, profile, history, gaps, plan, report and db, the way a user types them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pmpath.framework import bundled_framework_path, load_framework
from tests.conftest import DOCS, replace_once

Run = Callable[..., Any]
EXAMPLE = str(DOCS / "examples" / "engineer-answers.yaml")
#: The interactive assessment asks one question per competency of the bundled ladder.
COMPETENCIES = len(load_framework(bundled_framework_path()).competencies)


def test_assess_from_a_file_places_and_plans(pmpath: Run) -> None:
    out = pmpath("assess", "--answers", EXAMPLE, "--profile", "sam")
    assert out.exit_code == 0, out.stderr
    assert "Assessment 1 saved for profile 'sam'" in out.stdout
    assert "Where you stand: Junior Product Analyst (ready now)" in out.stdout
    assert "First, the move into product" in out.stdout
    assert "not a verdict" in out.stdout


def test_assess_json_has_the_guidance(pmpath: Run) -> None:
    data = pmpath("assess", "-a", EXAMPLE, "--json").json()
    assert data["assessment_id"] == 1
    assert data["profile"] == "me"
    assert data["intake"]["background"]["id"] == "software-engineering"
    assert data["placement"]["status"] == "ready-now"
    assert data["plan"]["transition_steps"]


def test_profile_shows_the_newest_assessment(pmpath: Run) -> None:
    pmpath("assess", "-a", EXAMPLE)
    out = pmpath("profile")
    assert out.exit_code == 0
    assert "Where you stand" in out.stdout
    data = pmpath("profile", "--json").json()
    assert data["ratings"]["technical-fluency"] == {
        "level": 5,
        "confidence": "high",
        "evidence": ["Tech lead of the payments platform for three years"],
    }
    assert data["target"]["role"]["id"] == "associate-product-manager"


def test_profile_with_a_chosen_target(pmpath: Run) -> None:
    pmpath("assess", "-a", EXAMPLE)
    data = pmpath("profile", "--target", "product-manager", "--json").json()
    assert data["target"]["role"]["id"] == "product-manager"
    assert data["target"]["path"][0]["id"] == "junior-product-analyst"


def test_an_unreachable_target_is_bad_input(pmpath: Run) -> None:
    pmpath("assess", "-a", EXAMPLE)
    out = pmpath("gaps", "--target", "product-coordinator")
    assert out.exit_code == 2
    assert "no path of next-role steps leads from 'junior-product-analyst'" in out.stderr


def test_history_shows_progress_between_assessments(pmpath: Run, tmp_path: Path) -> None:
    pmpath("assess", "-a", EXAMPLE)
    better = tmp_path / "later.yaml"
    better.write_text(
        replace_once(
            Path(EXAMPLE).read_text(),
            "  customer-empathy: {level: 1,",
            "  customer-empathy: {level: 3,",
        )
    )
    pmpath("assess", "-a", str(better))
    out = pmpath("history")
    assert out.exit_code == 0
    assert "Progress since the assessment before" in out.stdout
    data = pmpath("history", "--json").json()
    assert len(data["assessments"]) == 2
    research = next(
        c for c in data["assessments"][1]["competencies"] if c["competency"] == "customer-empathy"
    )
    assert (research["previous"], research["level"], research["change"]) == (1, 3, 2)


def test_history_of_a_new_profile_is_empty(pmpath: Run) -> None:
    out = pmpath("history", "--profile", "new")
    assert out.exit_code == 0
    assert "no finished assessment or exam yet" in out.stdout


def test_gaps_and_plan(pmpath: Run) -> None:
    pmpath("assess", "-a", EXAMPLE)
    gaps = pmpath("gaps", "--json").json()
    assert gaps["gaps"][0]["impact"] == max(g["impact"] for g in gaps["gaps"])
    assert pmpath("gaps").exit_code == 0
    plan = pmpath("plan", "--json").json()["plan"]
    assert plan["steps"]
    assert plan["horizon_weeks"] >= plan["steps"][0]["end_week"]
    assert "Growth plan" in pmpath("plan").stdout


def test_a_bad_answers_file_stores_nothing(pmpath: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = Path(EXAMPLE).read_text().replace("  leadership: 2\n", "  leadership: 7\n")
    bad.write_text(text)
    out = pmpath("assess", "-a", str(bad))
    assert out.exit_code == 2
    line = text.splitlines().index("  leadership: 7") + 1
    assert out.stderr == (
        f"error: {bad}:{line}: ratings.leadership: level 7 is outside the scale (1-5)\n"
    )
    assert pmpath("history", "--json").json()["assessments"] == []


def test_profile_before_any_assessment_is_bad_input(pmpath: Run) -> None:
    out = pmpath("profile")
    assert out.exit_code == 2
    assert "has no finished self-assessment" in out.stderr


def test_interactive_assessment_saves_each_answer(pmpath: Run) -> None:
    # Intake: no current role (Enter), background 1, 5 years, interests 1 and 3;
    # then for each competency: level 2, confidence medium (Enter), no evidence.
    intake = "\n1\n5\n1,3\n"
    answers = "2\n\n\n" * COMPETENCIES
    out = pmpath("assess", "--profile", "kim", input=intake + answers)
    assert out.exit_code == 0, out.stdout[-2000:]
    assert f"{COMPETENCIES}/{COMPETENCIES}" in out.stdout
    data = pmpath("profile", "--profile", "kim", "--json").json()
    assert {r["level"] for r in data["ratings"].values()} == {2}
    assert data["intake"]["background"]["id"] == "software-engineering"
    assert data["intake"]["interests"] == ["leading-teams", "customer-problems"]
    assert data["intake"]["years"] == 5


def test_an_interrupted_interactive_assessment_resumes(pmpath: Run) -> None:
    # Three answers, then the input ends (the terminal closed).
    partial = pmpath("assess", "--profile", "kim", input="\n\n\n\n" + "3\nhigh\nRan a launch\n" * 3)
    assert partial.exit_code != 0
    assert pmpath("history", "--profile", "kim", "--json").json()["assessments"] == []
    # Resume: yes, then the other answers.
    rest = "1\n\n\n" * (COMPETENCIES - 3)
    out = pmpath("assess", "--profile", "kim", "--json", input="y\n" + rest)
    assert out.exit_code == 0, out.stdout[-2000:]
    data = pmpath("profile", "--profile", "kim", "--json").json()
    first = data["ratings"]["customer-empathy"]
    assert first == {"level": 3, "confidence": "high", "evidence": ["Ran a launch"]}
    assert data["ratings"]["adaptability-and-curiosity"]["level"] == 1


def test_report_json_and_html(pmpath: Run, tmp_path: Path) -> None:
    pmpath("assess", "-a", EXAMPLE)
    data = pmpath("report", "--json").json()
    assert data["profile"]["name"] == "me"
    assert data["ladder"]["stages"][0]["id"] == "entry"
    output = tmp_path / "report.html"
    out = pmpath("report", "-o", str(output))
    assert out.exit_code == 0, out.stderr
    html = output.read_text(encoding="utf-8")
    assert "<svg" in html
    assert 'id="gap-table"' in html
    assert "http://" not in html.replace("http://www.w3.org", "")


def test_report_needs_an_output_file(pmpath: Run) -> None:
    pmpath("assess", "-a", EXAMPLE)
    out = pmpath("report")
    assert out.exit_code == 2
    assert "-o FILE.html" in out.stderr


def test_db_status_and_upgrade(pmpath: Run) -> None:
    before = pmpath("db", "status", "--json").json()
    assert before["current"] is False
    assert pmpath("db", "upgrade").exit_code == 0
    after = pmpath("db", "status", "--json").json()
    assert after["current"] is True
    assert after["revision"] == after["head"]


def test_years_in_words_are_asked_again(pmpath: Run) -> None:
    intake = "\n1\nfive\n99\n5\n1,3\n"  # a word, then out of range, then a number
    out = pmpath("assess", "--profile", "kim", input=intake + "2\n\n\n" * COMPETENCIES)
    assert out.exit_code == 0, out.stdout[-2000:]
    assert "'five' is not a number" in out.stdout
    assert "Years must be between 0 and 60." in out.stdout
    assert pmpath("profile", "--profile", "kim", "--json").json()["intake"]["years"] == 5
