"""Answer files: the format, and every kind of bad input named by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmpath.assessment import Confidence, parse_answers
from pmpath.errors import AssessmentError
from pmpath.framework import Framework
from tests.conftest import DOCS, line_number

EXAMPLE = (DOCS / "examples" / "engineer-answers.yaml").read_text(encoding="utf-8")


def problem_of(text: str, fw: Framework) -> tuple[str, int | None, str]:
    with pytest.raises(AssessmentError) as caught:
        parse_answers(text, fw, "answers.yaml")
    problem = caught.value.problems[0]
    assert problem.location.file == "answers.yaml"
    from pmpath.errors import format_field_path

    return problem.message, problem.location.line, format_field_path(problem.location.field_path)


def test_the_documented_example_reads(fw: Framework) -> None:
    assessment = parse_answers(EXAMPLE, fw)
    assert assessment.background == "software-engineering"
    assert assessment.years == 8
    assert assessment.ratings["technical-fluency"].level == 5
    assert assessment.ratings["technical-fluency"].confidence is Confidence.HIGH
    assert assessment.ratings["customer-empathy"].confidence is Confidence.MEDIUM
    assert assessment.ratings["data-driven-decision-making"].evidence == (
        "Led the capacity model for the 2025 platform migration",
    )
    assert assessment.unrated == ()


def test_a_file_written_for_framework_1_0_reads_with_merged_ratings(fw: Framework) -> None:
    old = (Path(__file__).parent / "engineer-answers-1.0.yaml").read_text(encoding="utf-8")
    assessment = parse_answers(old, fw)
    # analytical-thinking 4 (high) and data-driven-decision-making 3 (medium) became one
    # competency: the mean rounded half up, the lower confidence, the evidence kept.
    merged = assessment.ratings["data-driven-decision-making"]
    assert (merged.level, merged.confidence) == (4, Confidence.MEDIUM)
    assert merged.evidence == ("Led the capacity model for the 2025 platform migration",)
    # execution 3 + agile delivery 3 (high) + lifecycle 1: mean 2.33 rounds to 2
    assert assessment.ratings["execution-excellence"].level == 2
    assert "user-research" not in assessment.ratings
    # 2.0's new competencies were never asked on 1.0
    assert set(assessment.unrated) == {"design-judgement", "product-quality", "ai-fluency"}


def test_an_old_role_id_reads_as_the_role_that_replaced_it(fw: Framework) -> None:
    assessment = parse_answers(
        "current_role: junior-product-manager\ntarget: product-manager\n"
        "ratings:\n  prioritisation: 2\n",
        fw,
    )
    assert assessment.current_role == "associate-product-manager"


def test_a_minimal_file_rates_some_competencies(fw: Framework) -> None:
    assessment = parse_answers("ratings:\n  prioritisation: 3\n", fw)
    assert assessment.ratings["prioritisation"].level == 3
    assert len(assessment.unrated) == len(fw.competencies) - 1


@pytest.mark.parametrize(
    ("old", "new", "message", "field"),
    [
        (
            "  market-and-domain-insight: 1\n",
            "  market-and-domain-insite: 1\n",
            "unknown competency id 'market-and-domain-insite'",
            "ratings.market-and-domain-insite",
        ),
        (
            "  market-and-domain-insight: 1\n",
            "  market-and-domain-insight: 6\n",
            "level 6 is outside the scale (1-5)",
            "ratings.market-and-domain-insight",
        ),
        (
            "background: software-engineering\n",
            "background: astronaut\n",
            "unknown background id 'astronaut'",
            "background",
        ),
        (
            "interests: [technology-and-platforms, data-and-experiments]\n",
            "interests: [technology-and-platforms, golf]\n",
            "unknown interest id 'golf'",
            "interests[1]",
        ),
        (
            "years: 8\n",
            "years: 8\ntarget: product-associate\n",
            "no path of next-role steps leads from 'junior-product-analyst' to 'product-associate'",
            "target",
        ),
        (
            "years: 8\n",
            "years: 8\ntarget: chief-executive\n",
            "unknown role or exit id 'chief-executive'",
            "target",
        ),
        ("years: 8\n", "years: -3\n", "Input should be greater than or equal to 0", "years"),
        (
            "  stakeholder-management: 1\n",
            "  stakeholder-management: {level: 1, confidence: sure}\n",
            "Input should be 'low', 'medium' or 'high'",
            "ratings.stakeholder-management.confidence",
        ),
    ],
)
def test_bad_input_names_the_field_and_line(
    fw: Framework, old: str, new: str, message: str, field: str
) -> None:
    assert old in EXAMPLE
    text = EXAMPLE.replace(old, new, 1)
    got_message, line, got_field = problem_of(text, fw)
    assert got_message.startswith(message)
    assert got_field == field
    assert line == line_number(text, new.splitlines()[-1].strip())


def test_a_file_without_ratings_is_refused(fw: Framework) -> None:
    message, line, field = problem_of("background: design\n", fw)
    assert (message, field, line) == ("required field is missing", "ratings", 1)


def test_a_file_that_is_not_a_mapping_is_refused(fw: Framework) -> None:
    message, _, _ = problem_of("- 1\n- 2\n", fw)
    assert message == "an answers file must be a YAML mapping of fields"
