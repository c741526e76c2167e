"""exam, practice, review and bank commands, the way a user (or a script) types them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pmpath.framework import bundled_framework_path, load_framework
from pmpath.services.banks import open_bank
from tests.conftest import assert_no_answers_revealed, right_answer

Run = Callable[..., Any]
BANK = open_bank(load_framework(bundled_framework_path()))


def full_credit(question: dict[str, Any]) -> Any:
    return right_answer(BANK.item(question["item_id"]), question)


def test_exam_list(pmpath: Run) -> None:
    data = pmpath("exam", "list", "--json").json()
    ids = {b["id"] for b in data["blueprints"]}
    assert {"pm-foundations", "scrum-product-owner", "product-leadership-readiness"} <= ids
    foundations = next(b for b in data["blueprints"] if b["id"] == "pm-foundations")
    assert sum(foundations["domains"].values()) == foundations["items"] == 40
    assert "PM foundations" in pmpath("exam", "list").stdout


def test_a_scripted_mock_exam_by_json(pmpath: Run) -> None:
    attempt = pmpath("exam", "start", "scrum-master", "--seed", "4", "--json").json()
    assert 45 * 60 - 5 <= attempt["seconds_left"] <= 45 * 60
    questions = attempt["questions"]
    assert len(questions) == 30
    assert_no_answers_revealed(questions)
    number = str(attempt["attempt_id"])
    for question in questions[:20]:
        reply = pmpath(
            "exam",
            "answer",
            number,
            str(question["position"]),
            json.dumps(full_credit(question)),
        ).json()
        assert reply == {"saved": True, "position": question["position"]}
    early = pmpath("exam", "results", number)
    assert early.exit_code == 2
    assert "not finished yet" in early.stderr
    results = pmpath("exam", "finish", number, "--json").json()
    assert results["score"] == round(100 * 20 / 30, 1)
    assert results["passed"] is False
    assert len(results["review"]) == 30
    human = pmpath("exam", "results", number, "--review")
    assert human.exit_code == 0
    assert "Score 66.7% (pass mark 75%) — not passed" in human.stdout
    assert pmpath("exam", "answer", number, "0", '"a"').exit_code == 2
    # The ten unanswered questions wait in the review queue.
    history = pmpath("history", "--json").json()
    assert history["exams"][0]["score"] == 66.7


def test_a_bad_answer_is_refused_with_a_clear_message(pmpath: Run) -> None:
    attempt = pmpath("exam", "start", "pm-foundations", "--seed", "1", "--json").json()
    out = pmpath("exam", "answer", str(attempt["attempt_id"]), "0", "not json")
    assert out.exit_code == 2
    assert "the answer must be JSON" in out.stderr
    out = pmpath("exam", "answer", str(attempt["attempt_id"]), "99", '"a"')
    assert out.exit_code == 2
    assert "positions 0 to 39" in out.stderr


def test_interactive_practice_with_feedback(pmpath: Run) -> None:
    # Three questions; type an answer that is surely wrong for each, then confirm nothing more.
    out = pmpath(
        "practice",
        "--domain",
        "agile-and-scrum",
        "--level",
        "entry",
        "--count",
        "3",
        "--seed",
        "2",
        input="/leave\n",
    )
    assert out.exit_code == 0, out.stdout[-1500:]
    assert "Question 1 of 3" in out.stdout
    assert "0 of 3 answers saved. Resume with: pmpath resume 1" in out.stdout
    resumed = pmpath("resume", input="\n\n\nn\n")
    assert resumed.exit_code == 0, resumed.stdout[-1500:]
    assert "Score 0%" in resumed.stdout


def test_review_queue(pmpath: Run) -> None:
    attempt = pmpath("exam", "start", "scrum-master", "--seed", "4", "--json").json()
    pmpath("exam", "finish", str(attempt["attempt_id"]))
    queue = pmpath("review", "--json").json()
    assert queue["due"] == []
    assert queue["next_due"] is not None
    assert "Nothing is due for review" in pmpath("review").stdout


def test_bank_lint_and_list_of_the_bundled_bank(pmpath: Run) -> None:
    lint = pmpath("bank", "lint", "--json")
    assert lint.exit_code == 0
    assert lint.json()["errors"] == 0
    listing = pmpath(
        "bank", "items", "--domain", "technical-fluency", "--level", "executive", "--json"
    )
    items = listing.json()["items"]
    assert items
    assert all(i["domain"] == "technical-fluency" and i["level"] == "executive" for i in items)
    assert set(items[0]) >= {
        "id",
        "stem",
        "options",
        "key",
        "domain",
        "level",
        "type",
        "competencies",
    }


def test_bank_stats_before_any_attempt(pmpath: Run) -> None:
    data = pmpath("bank", "stats", "--json").json()
    assert data["attempts"] == 0
    assert data["items"] == []
    shown = pmpath("bank", "stats").stdout
    assert "0 finished attempts on bank 'pm-core'." in shown
    assert "No item has 20 responses yet: nothing to analyse." in shown
    assert "┃" not in shown  # no empty table
