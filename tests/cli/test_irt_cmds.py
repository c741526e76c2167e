"""The IRT commands the way a user or a script types them: calibrate, parameters, placement,
readiness and ability."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pmpath.exams.scoring import correct_response
from pmpath.framework import bundled_framework_path, load_framework
from pmpath.services.banks import open_bank
from tests.conftest import as_shown, assert_no_answers_revealed, right_answer

Run = Callable[..., Any]
FRAMEWORK = load_framework(bundled_framework_path())
BANK = open_bank(FRAMEWORK)
EASY_LEVELS = {"entry", "early-career", "mid-career"}
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def answer_as_a_mid_career_learner(question: dict[str, Any]) -> Any:
    """Right up to mid-career, a wrong single letter beyond (an answer of the wrong shape would
    be refused, so a wrong answer is given in the item's own shape), in the ids the question
    shows."""
    item = BANK.item(question["item_id"])
    return as_shown(item, question, _mid_career_answer(item))


def _mid_career_answer(item: Any) -> Any:
    if item.level in EASY_LEVELS:
        return correct_response(item)
    key = correct_response(item)
    if isinstance(key, str) and item.options:
        return next(o.id for o in item.options if o.id != key)
    if isinstance(key, list) and item.type.value == "multiple":
        return [o.id for o in item.options if not o.correct][:1] or [item.options[0].id]
    if isinstance(key, list) and item.type.value == "ordering":
        return list(reversed(key))
    if isinstance(key, dict):
        return dict.fromkeys(key, item.options[0].id)
    if isinstance(key, float | int):
        return float(key) + 1000
    return "not the answer"


def test_calibrating_the_lsat7_example_reproduces_r_mirt(pmpath: Run) -> None:
    data = pmpath("bank", "calibrate", "--responses", str(EXAMPLES / "lsat7.csv"), "--json").json()
    assert data["persons"] == 1000
    assert data["model"] == "2pl"
    mirt = [(0.988, 1.8561), (1.081, 0.808), (1.706, 1.8043), (0.7651, 0.486), (0.7358, 1.8545)]
    for item, (a, d) in zip(data["items"], mirt, strict=True):
        assert abs(item["a"] - a) < 0.005
        assert abs(item["d"] - d) < 0.005
        assert item["se_a"] > 0
        assert item["se_b"] > 0
        assert item["df"] == 2
    assert data["flagged"] == ["item2"]  # S-X2 14.45 on 2 df, as in mirt
    assert data["stored"] is False  # its columns are not items of the bundled bank
    table = pmpath("bank", "calibrate", "--responses", str(EXAMPLES / "lsat7.csv")).stdout
    assert "not stored" in table
    assert "misfit" in table


def test_bad_responses_exit_2_naming_line_and_column(pmpath: Run, tmp_path: Path) -> None:
    bad = tmp_path / "answers.csv"
    bad.write_text("q1,q2\n1,0\n0,yes\n")
    outcome = pmpath("bank", "calibrate", "--responses", str(bad))
    assert outcome.exit_code == 2
    assert "answers.csv:3: column 2: 'yes' under 'q2': cells must be 0, 1 or empty" in (
        outcome.stderr
    )
    constant = tmp_path / "constant.csv"
    constant.write_text("q1,q2\n1,0\n1,1\n1,1\n")
    outcome = pmpath("bank", "calibrate", "--responses", str(constant))
    assert outcome.exit_code == 2
    assert "item 'q1': all 3 learners who answered it got it right" in outcome.stderr
    assert pmpath("bank", "calibrate", "--model", "4pl").exit_code == 2


def test_calibrating_an_unused_bank_explains_why_it_cannot(pmpath: Run) -> None:
    outcome = pmpath("bank", "calibrate")
    assert outcome.exit_code == 2
    assert "0 finished attempts so far" in outcome.stderr
    parameters = pmpath("bank", "parameters", "--json").json()
    assert parameters["version"] is None
    assert parameters["calibrated"] == 0
    assert len(parameters["items"]) == len(BANK.items)
    assert "authored priors" in pmpath("bank", "parameters").stdout


def test_a_scripted_placement_test_then_readiness_and_ability(pmpath: Run, tmp_path: Path) -> None:
    before = pmpath("exam", "readiness", "--json").json()
    assert before["answered"] == 0
    assert "No answers yet" in pmpath("exam", "readiness").stdout

    view = pmpath("exam", "placement", "--seed", "3", "--json").json()
    answered = 0
    while not view["finished"]:
        assert_no_answers_revealed([view["question"]])
        response = answer_as_a_mid_career_learner(view["question"])
        outcome = pmpath("exam", "placement-answer", str(view["attempt_id"]), json.dumps(response))
        assert outcome.exit_code == 0, outcome.stderr
        view = outcome.json()
        answered += 1
    assert 24 <= answered <= 48
    assert view["overall"]["level"] in {"early-career", "mid-career", "senior"}
    assert len(view["domains"]) == len(BANK.domains)

    after = pmpath("exam", "readiness", "--json").json()
    assert after["answered"] == answered
    foundations = next(e for e in after["exams"] if e["blueprint"] == "pm-foundations")
    leadership = next(e for e in after["exams"] if e["blueprint"] == "product-leadership-readiness")
    assert foundations["probability"] > leadership["probability"]
    # The tested levels sit beside the self-ratings in the gaps, and the report shows
    # readiness.
    assert pmpath("assess", "--answers", str(EXAMPLES / "engineer-answers.yaml")).exit_code == 0
    gaps = pmpath("gaps", "--json").json()["gaps"]
    tested = [g["tested"] for g in gaps if g["tested"]]
    assert len(tested) == len(gaps)
    assert all(t["rating_range"][0] <= t["rating"] <= t["rating_range"][1] for t in tested)
    assert "Tested" in pmpath("gaps").stdout
    report_path = tmp_path / "report.html"
    assert pmpath("report", "-o", str(report_path)).exit_code == 0
    html = report_path.read_text()
    assert "Exam readiness" in html
    assert f"from your answers to\n  {answered} questions" in html
    assert ">Tested</th>" in html

    ability = pmpath("exam", "ability", "--json").json()
    assert ability["overall"]["level"] == view["overall"]["level"]
    assert ability["ladder"]["role"]["stage"] in {"early-career", "mid-career", "senior"}
    shown = pmpath("exam", "ability").stdout
    assert "Placement:" in shown
    assert "On the ladder, the ratings your answers point to place you at" in shown


def test_the_interactive_placement_test_waits_and_resumes(pmpath: Run) -> None:
    paused = pmpath("exam", "placement", "--seed", "1", input="/leave\n")
    assert paused.exit_code == 0
    said = " ".join(paused.stdout.split())  # as read, whatever the wrapping
    assert "It has no clock: /leave stops, and it waits for you." in said
    assert "pause" not in said  # there is no pause key, only /leave
    attempt = paused.stdout.split("Resume with: pmpath resume ")[1].split()[0]
    # Started again, the unfinished test is picked up, at the same question.
    again = pmpath("exam", "placement", input="/leave\n")
    assert f"Placement test, attempt {attempt}:" in again.stdout
    assert "Question 1 (at most 48)" in again.stdout
    resumed = pmpath("resume", attempt, input="/leave\n")
    assert resumed.exit_code == 0, resumed.stderr
    assert f"Placement test, attempt {attempt}:" in resumed.stdout
    assert "Question 1 (at most 48)" in resumed.stdout


def test_the_old_resume_option_still_works_with_a_note(pmpath: Run) -> None:
    attempt = str(pmpath("exam", "placement", "--json").json()["attempt_id"])
    old = pmpath("exam", "placement", "--resume", attempt, input="/leave\n")
    assert old.exit_code == 0
    assert f"Placement test, attempt {attempt}:" in old.stdout
    assert f"note: `--resume {attempt}` is now `pmpath resume {attempt}`" in old.stderr
    assert "--resume" not in pmpath("exam", "placement", "--help").stdout


def test_answering_a_placement_test_refuses_bad_json(pmpath: Run) -> None:
    view = pmpath("exam", "placement", "--json").json()
    outcome = pmpath("exam", "placement-answer", str(view["attempt_id"]), "b,c")
    assert outcome.exit_code == 2
    assert "must be JSON" in outcome.stderr


def test_a_scripted_adaptive_exam_classifies_a_strong_learner(pmpath: Run) -> None:
    view = pmpath("exam", "adaptive", "pm-foundations", "--seed", "2", "--json").json()
    assert view["test"] == "pm-foundations"
    assert view["max_items"] == 40
    while not view["finished"]:
        assert_no_answers_revealed([view["question"]])
        response = right_answer(BANK.item(view["question"]["item_id"]), view["question"])
        view = pmpath(
            "exam", "placement-answer", str(view["attempt_id"]), json.dumps(response)
        ).json()
    assert view["exam"]["passed"] is True
    assert view["stop_reason"] == "classified"
    assert view["overall"]["items"] < 40
    unknown = pmpath("exam", "adaptive", "no-such-exam")
    assert unknown.exit_code == 2
    assert "unknown exam 'no-such-exam'; known: " in unknown.stderr
