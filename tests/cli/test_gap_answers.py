"""Gap items in the terminal: the text with "[gap n]", the choices by letter (under the gaps
that offer them), an answer as a letter per gap, and the same answer as JSON for scripts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pmpath.app import Pmpath
from pmpath.cli.answers_input import letters_help, parse, show_response
from pmpath.errors import PmpathError
from pmpath.services.models.exams import GapView, OptionText, QuestionView
from pmpath.settings import Settings
from pmpath.store import banks as stored_banks
from tests.exams.gap_bank import gap_bank, write_gap_bank

Run = Callable[..., Any]

QUESTION = QuestionView(
    item_id="x",
    type="gap",
    domain="d",
    level="entry",
    stem="The [[1]] serves the [[2]].",
    scenario=None,
    options=[OptionText(id=letter, text=f"Choice {letter}") for letter in "abcde"],
    lefts=[],
    unit=None,
    gaps=[GapView(number=1, choices=["a", "c", "e"]), GapView(number=2, choices=["b", "d"])],
)


def test_a_letter_per_gap_in_order_and_a_dash_for_none() -> None:
    assert parse(QUESTION, "C,B") == {"1": "c", "2": "b"}
    assert parse(QUESTION, "c d") == {"1": "c", "2": "d"}
    assert parse(QUESTION, "-,D") == {"2": "d"}
    assert letters_help(QUESTION) == "for each gap, a letter, e.g. A,B (- leaves a gap empty)"
    assert show_response(QUESTION, {"1": "c", "2": "b"}) == "gap 1: C, gap 2: B"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("C", "give 2 letters, one for each gap (- for none)"),
        ("B,B", "gap 1 offers A, C, E, not B"),
        ("C,Z", "'Z' is not one of the letters A-E"),
    ],
)
def test_a_wrong_answer_says_what_each_gap_takes(typed: str, message: str) -> None:
    with pytest.raises(PmpathError, match=re.escape(message)):
        parse(QUESTION, typed)


def _letters(output: str) -> dict[str, str]:
    """The choices the player listed, text -> letter."""
    return {
        text.strip(): letter for letter, text in re.findall(r"^\s+([A-Z])\. (.+)$", output, re.M)
    }


def test_practice_on_a_bank_folder_answers_gaps_by_letter(pmpath: Run, tmp_path: Path) -> None:
    folder = str(write_gap_bank(tmp_path / "bank"))
    practice = (
        "practice",
        "--bank",
        folder,
        "--domain",
        "agile-and-scrum",
        "-n",
        "2",
        "--seed",
        "5",
    )
    first = pmpath(*practice, input="/leave\n")
    assert "[gap 1]" in first.stdout
    assert "[[1]]" not in first.stdout
    # Gaps 1, 3 and 4 share a list; gap 2 has its own.
    assert re.search(r"Gaps 1, 3, 4:\n(\s+[A-Z]\. .+\n){4}\s+Gap 2:\n", first.stdout)
    letters = _letters(first.stdout)
    right = [letters[text] for text in ("Product Goal", "is accountable for", "Sprint Goal")]
    answer = ",".join([*right, "-"])  # the fourth gap left empty
    second = pmpath(*practice, input=f"{answer}\n/leave\n")
    assert second.exit_code == 0, second.stdout[-1500:]
    assert "Partly right (75%)." in second.stdout
    assert f"Answer: gap 1: {right[0]}, gap 2: {right[1]}, gap 3: {right[2]}, gap 4: " in (
        second.stdout
    )


def test_a_gap_answer_as_json_for_scripts(pmpath: Run, tmp_path: Path) -> None:
    app = Pmpath(Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}"))  # pmpath's own
    with app.database.transaction() as session:
        stored_banks.save(session, gap_bank(app.framework), "Gaps", "test", datetime.now(UTC))
    left = pmpath("practice", "--bank", "gaps", "-n", "2", "--seed", "5", input="/leave\n")
    assert "Resume with: pmpath resume 1" in left.stdout
    questions = {q.item_id: q for q in app.exams_for("gaps").view(1, "me").questions}
    app.database.dispose()
    event = questions["agile-902"]
    retro = next(o.id for o in event.options if o.text == "Sprint Retrospective")
    assert [g.model_dump() for g in event.gaps] == [
        {"number": 1, "choices": [o.id for o in event.options]}
    ]
    answered = pmpath("exam", "answer", "1", str(event.position), json.dumps({"1": retro}))
    assert answered.exit_code == 0, answered.stderr
    assert json.loads(answered.stdout)["correct"] is True
    refused = pmpath("exam", "answer", "1", str(questions["agile-901"].position), '{"9": "a"}')
    assert refused.exit_code == 2
    assert "fill the 4 gaps, each with one of its choices" in refused.stderr
