"""The exam player can't lose work (issue #16): commands never collide with answers, handing
in asks first and shows what is still open, resuming opens the first question still to do, and
leaving (or Ctrl-C, see test_player_tty.py) says what is saved and how to come back."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pmpath.cli.answers_input import parse
from pmpath.services.models.exams import OptionText, QuestionView
from tests.cli.test_exam_cmds import full_credit

Run = Callable[..., Any]


def test_handing_in_mid_exam_asks_first_and_shows_what_is_open(pmpath: Run) -> None:
    declined = pmpath("exam", "start", "scrum-master", "--seed", "4", input="/finish\nn\n/leave\n")
    assert declined.exit_code == 0, declined.stdout[-1500:]
    assert "0 of 30 answered, 30 unanswered, 0 flagged." in declined.stdout
    assert "Hand in now? Answers cannot change afterwards." in declined.stdout
    assert "Score" not in declined.stdout  # not handed in
    assert "0 of 30 answers saved. The exam clock keeps running" in declined.stdout
    accepted = pmpath("resume", input="/finish\ny\n")
    assert accepted.exit_code == 0, accepted.stdout[-1500:]
    assert "Score 0%" in accepted.stdout


def test_a_letter_is_always_an_answer_and_commands_start_with_a_slash(pmpath: Run) -> None:
    six = QuestionView(
        item_id="x",
        type="multiple",
        domain="d",
        level="entry",
        stem="Pick all that apply.",
        scenario=None,
        options=[OptionText(id=letter, text=f"Option {letter}") for letter in "abcdef"],
        lefts=[],
        unit=None,
    )
    assert parse(six, "F") == ["f"]  # F used to flag the question instead
    assert parse(six, "a, F") == ["a", "f"]
    out = pmpath("exam", "start", "scrum-master", "--seed", "4", input="/what\n/leave\n")
    assert "'/what' is not a command." in out.stdout
    assert "/flag marks the question to revisit" in out.stdout


def test_resuming_opens_the_first_question_still_to_do(pmpath: Run) -> None:
    attempt = pmpath("exam", "start", "scrum-master", "--seed", "4", "--json").json()
    number = str(attempt["attempt_id"])
    for question in attempt["questions"][:2]:
        answer = json.dumps(full_credit(question))
        assert pmpath("exam", "answer", number, str(question["position"]), answer).exit_code == 0
    resumed = pmpath("resume", number, input="/leave\n")
    assert "Question 3 of 30" in resumed.stdout
    assert "Question 1 of 30" not in resumed.stdout
    assert "2 of 30 answers saved" in resumed.stdout


def test_a_flagged_question_comes_first_on_resume(pmpath: Run) -> None:
    attempt = pmpath("exam", "start", "scrum-master", "--seed", "4", "--json").json()
    number = str(attempt["attempt_id"])
    for question in attempt["questions"][:3]:
        pmpath(
            "exam", "answer", number, str(question["position"]), json.dumps(full_credit(question))
        )
    flagged = pmpath("resume", number, input="\n/flag\n/leave\n")  # skip 4, flag 5
    assert "Flagged: you will be offered it again." in flagged.stdout
    again = pmpath("resume", number, input="/leave\n")
    assert "Question 4 of 30" in again.stdout  # the first unanswered one


def test_resuming_an_unknown_attempt_prints_nothing_on_stdout(pmpath: Run) -> None:
    out = pmpath("resume", "999")
    assert out.exit_code == 2
    assert out.stdout == ""
    assert "error: no attempt 999" in out.stderr


def test_exam_answer_takes_the_letter_as_shown(pmpath: Run) -> None:
    attempt = pmpath("exam", "start", "scrum-master", "--seed", "4", "--json").json()
    number = str(attempt["attempt_id"])
    single = next(q for q in attempt["questions"] if q["type"] == "single")
    position = str(single["position"])
    assert pmpath("exam", "answer", number, position, '"B"').exit_code == 0  # as the player
    wrong = pmpath("exam", "answer", number, position, '"Z"')
    assert wrong.exit_code == 2
    assert "'Z' is not one of the options shown (A, B, C, D)" in wrong.stderr
    assert "[" not in wrong.stderr  # no Python list


def test_declining_to_hand_in_goes_back_to_the_same_question(pmpath: Run) -> None:
    out = pmpath("exam", "start", "scrum-master", "--seed", "4", input="/finish\nn\n/leave\n")
    assert out.stdout.count("Question 1 of 30") == 2
    assert "Question 2 of 30" not in out.stdout


def test_a_timed_exam_says_its_clock_cannot_be_paused(pmpath: Run) -> None:
    out = pmpath("exam", "start", "scrum-master", "--seed", "4", input="/leave\n")
    said = " ".join(out.stdout.split())
    assert "The clock runs on the server and cannot be paused" in said
    assert "the time keeps running" in said
