"""One way back into anything left unfinished (issue #16): `pmpath resume` continues the one
open thing, or lists them and asks; `pmpath resume NUMBER` continues any attempt, and
`pmpath resume assessment` the self-assessment. The old forms still work, with a note."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pmpath.framework import bundled_framework_path, load_framework
from tests.exams.gap_bank import write_gap_bank

Run = Callable[..., Any]
#: The self-assessment asks one question per competency of the bundled ladder.
COMPETENCIES = len(load_framework(bundled_framework_path()).competencies)

#: Intake of an interactive assessment: no current role, background 1, 5 years, interests 1.
INTAKE = "\n1\n5\n1\n"


def said(text: str) -> str:
    """Output as read, whatever the wrapping."""
    return " ".join(text.split())


def test_nothing_open_says_how_to_start(pmpath: Run) -> None:
    out = pmpath("resume")
    assert out.exit_code == 0
    assert "Nothing to resume for profile 'me'. Start with pmpath assess" in said(out.stdout)


def test_the_one_open_exam_is_continued_without_asking(pmpath: Run) -> None:
    pmpath("exam", "start", "scrum-master", "--seed", "4", "--json")
    out = pmpath("resume", input="/leave\n")
    assert out.exit_code == 0, out.stderr
    assert "Continuing: Scrum Master practice (attempt 1), 0 of 30 answered" in said(out.stdout)
    assert "Question 1 of 30" in out.stdout
    assert "Which one?" not in out.stdout


def test_several_open_things_are_listed_with_their_commands(pmpath: Run) -> None:
    # An assessment with one rating given, then the input ends (a closed terminal).
    pmpath("assess", input=INTAKE + "3\n\n\n")
    pmpath("exam", "start", "scrum-master", "--seed", "4", "--json")
    out = pmpath("resume", input="1\n" + "2\n\n\n" * (COMPETENCIES - 1))
    assert out.exit_code == 0, out.stdout[-1500:]
    text = said(out.stdout)
    assert "2 things are open:" in text
    assert "1. Self-assessment started " in text
    assert f"1 of {COMPETENCIES} answered\n     pmpath resume assessment\n" in out.stdout
    assert "2. Scrum Master practice (attempt 1), 0 of 30 answered; its time runs out in" in text
    assert "\n     pmpath resume 1\n" in out.stdout
    assert "Continuing: Self-assessment started" in text
    assert "Assessment 1 saved for profile 'me'." in text
    ratings = pmpath("profile", "--json").json()["ratings"]
    assert ratings["customer-empathy"]["level"] == 3  # the rating given before
    assert {rating["level"] for name, rating in ratings.items() if name != "customer-empathy"} == {
        2
    }


def test_resume_assessment_continues_without_asking(pmpath: Run) -> None:
    pmpath("assess", "--profile", "kim", input=INTAKE + "3\n\n\n")
    out = pmpath("resume", "assessment", "--profile", "kim", input="1\n\n\n")
    assert "Continue it?" not in out.stdout
    assert f"2/{COMPETENCIES}" in out.stdout  # straight to the second competency
    # The input ran out after one more answer: what is kept, and the way back.
    assert (
        f"2 of {COMPETENCIES} answers saved. Resume with: pmpath resume assessment --profile kim"
        in said(out.stdout)
    )


def test_resume_assessment_with_none_open_is_bad_input(pmpath: Run) -> None:
    out = pmpath("resume", "assessment")
    assert out.exit_code == 2
    assert out.stdout == ""
    assert "error: profile 'me' has no unfinished assessment" in out.stderr


def test_resume_takes_a_number_or_assessment(pmpath: Run) -> None:
    out = pmpath("resume", "latest")
    assert out.exit_code == 2
    assert out.stdout == ""
    assert "error: resume takes an attempt's number or 'assessment', not 'latest'" in out.stderr


def test_the_old_exam_resume_still_works_with_a_note(pmpath: Run) -> None:
    pmpath("exam", "start", "scrum-master", "--seed", "4", "--json")
    out = pmpath("exam", "resume", "1", input="/leave\n")
    assert out.exit_code == 0
    assert "Question 1 of 30" in out.stdout
    assert "note: `pmpath exam resume` is now `pmpath resume`" in out.stderr
    help_text = pmpath("exam", "--help").stdout
    assert "resume" not in help_text  # hidden: one way is shown
    assert "  resume " in pmpath("--help").stdout


def test_an_assessment_left_in_the_intake_says_nothing_was_saved(pmpath: Run) -> None:
    out = pmpath("assess", input="\n1\n")  # the input ends at the years question
    assert out.exit_code == 1
    assert "Nothing was saved: run pmpath assess to begin again." in said(out.stdout)


def test_an_attempt_on_a_folder_of_questions_is_resumed_with_the_folder(
    pmpath: Run, tmp_path: Path
) -> None:
    folder = str(write_gap_bank(tmp_path / "bank"))
    left = pmpath("practice", "--bank", folder, "-n", "2", "--seed", "5", input="/leave\n")
    assert f"Resume with: pmpath resume 1 --bank {folder}" in said(left.stdout)
    back = pmpath("resume", "1", "--bank", folder, input="/leave\n")
    assert back.exit_code == 0, back.stderr
    assert "Question 1 of 2" in back.stdout


def test_resuming_a_folder_attempt_without_the_folder_says_how(pmpath: Run, tmp_path: Path) -> None:
    folder = str(write_gap_bank(tmp_path / "bank"))
    pmpath("practice", "--bank", folder, "-n", "2", "--seed", "5", input="/leave\n")
    out = pmpath("resume", "1")
    assert out.exit_code == 2
    assert "pmpath resume 1 --bank PATH/TO/bank" in said(out.stderr)
