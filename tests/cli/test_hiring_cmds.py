"""`pmpath job-description` and `pmpath interview-kit`, run as a user types them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

Run = Callable[..., Any]


def test_a_job_description_prints_as_markdown(pmpath: Run) -> None:
    out = pmpath("job-description", "senior-product-manager")
    assert out.exit_code == 0, out.stderr
    assert out.stdout.startswith("# Senior Product Manager\n")
    tokens = MarkdownIt("commonmark").parse(out.stdout)
    assert [t.tag for t in tokens if t.type == "heading_open"][:2] == ["h1", "h2"]
    assert "### Must-haves" in out.stdout


def test_a_job_description_is_written_as_html_to_a_file(pmpath: Run, tmp_path: Path) -> None:
    target = tmp_path / "jd.html"
    out = pmpath("job-description", "product-manager", "--format", "html", "-o", str(target))
    assert out.exit_code == 0, out.stderr
    assert f"Written to {target}" in out.stdout.replace("\n", "")
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "@media print" in html


def test_the_json_of_a_job_description_has_its_documented_keys(pmpath: Run) -> None:
    data = pmpath("job-description", "product-manager", "-s", "growth", "--json").json()
    assert list(data) == [
        "framework",
        "role",
        "specialisation",
        "summary",
        "responsibilities",
        "success_measures",
        "expectations",
    ]
    assert data["specialisation"]["id"] == "growth"
    assert any(row["raised_from"] is not None for row in data["expectations"])


def test_an_interview_kit_covers_as_many_competencies_as_asked(pmpath: Run) -> None:
    data = pmpath("interview-kit", "product-manager", "-n", "4", "--json").json()
    assert len(data["competencies"]) == 4
    assert len(data["not_covered"]) == 16
    text = pmpath("interview-kit", "product-manager", "-n", "4").stdout
    assert text.count("\n## ") == 4 + 2  # how to use, four competencies, not covered
    assert "**A strong answer at level" in text


def test_an_unknown_format_is_bad_input(pmpath: Run) -> None:
    out = pmpath("interview-kit", "product-manager", "--format", "pdf")
    assert out.exit_code == 2
    assert out.stderr == "error: --format must be markdown or html, not 'pdf'\n"


def test_an_exit_gets_no_job_description(pmpath: Run) -> None:
    out = pmpath("job-description", "general-management")
    assert out.exit_code == 2
    assert "a move beyond the ladder, not a role" in out.stderr


def test_a_ladder_without_interview_questions_gets_a_kit(
    pmpath: Run, tmp_path: Path, ladder_text: str
) -> None:
    ladder = tmp_path / "product-design.yaml"
    ladder.write_text(ladder_text, encoding="utf-8")
    out = pmpath("interview-kit", "design-manager", "-f", str(ladder), "-n", "1")
    assert out.exit_code == 0, out.stderr
    assert "## Coaching (must-have)" in out.stdout
    assert "Tell me about a recent piece of work that called for coaching:" in out.stdout
    assert "general question" in out.stdout


def test_the_commands_are_listed_under_hire_in_help(pmpath: Run) -> None:
    out = pmpath("--help")
    hire = out.stdout.split("Hire:", 1)[1]
    assert hire.index("job-description") < hire.index("interview-kit") < hire.index("Practise:")
