"""Time allowances (WCAG 2.2.1): the deadline of an exam with extra time or none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pmpath.errors import PmpathError
from pmpath.exams.timing import ALLOWANCES, allowance, deadline, more_generous

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "minutes"),
    [("standard", 60), ("extra-25", 75), ("extra-50", 90), ("extra-100", 120)],
)
def test_extra_time_lengthens_the_deadline(given: str, minutes: int) -> None:
    assert deadline(START, 60, ALLOWANCES[given]) == START + timedelta(minutes=minutes)


def test_an_untimed_exam_has_no_deadline() -> None:
    assert deadline(START, 60, ALLOWANCES["untimed"]) is None


def test_odd_lengths_round_to_whole_minutes() -> None:
    assert ALLOWANCES["extra-25"].minutes(45) == 56  # 56.25


def test_the_more_generous_allowance_wins() -> None:
    assert more_generous("extra-50", "extra-25").id == "extra-50"
    assert more_generous("standard", "extra-100").id == "extra-100"
    assert more_generous("extra-100", "untimed").id == "untimed"
    assert more_generous(None, None).id == "standard"


def test_an_unknown_allowance_names_its_field_and_the_choices() -> None:
    with pytest.raises(PmpathError) as raised:
        allowance("extra-75", "time_allowance")
    problem = raised.value.problems[0]
    assert problem.location.field_path == ("time_allowance",)
    assert "50% extra time" in problem.message
    assert "no time limit" in problem.message
