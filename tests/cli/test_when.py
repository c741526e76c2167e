"""One date style in the terminal, as people say it (issue #16); ISO stays in --json."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from pmpath.cli.render import when

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        ("2026-12-07T09:10:00+00:00", "in 10 minutes"),
        ("2026-12-07T09:01:00+00:00", "in 1 minute"),
        ("2026-12-07T08:58:00+00:00", "2 minutes ago"),
        ("2026-12-07T18:30:00+00:00", "today at 18:30 UTC"),
        ("2026-12-08T09:11:00+00:00", "tomorrow at 09:11 UTC"),
        ("2026-12-06T18:02:00+00:00", "yesterday at 18:02 UTC"),
        ("2026-12-11T09:00:00+00:00", "in 4 days (Fri 11 Dec)"),
        ("2026-11-25T02:18:00+00:00", "25 Nov 2026, 02:18 UTC"),
        (None, ""),
    ],
)
def test_moments_read_as_people_say_them(moment: str | None, said: str) -> None:
    assert when(moment, NOW) == said


def test_history_and_review_show_no_iso_timestamps(pmpath) -> None:  # type: ignore[no-untyped-def]
    attempt = pmpath("exam", "start", "scrum-master", "--seed", "4", "--json").json()
    pmpath("exam", "finish", str(attempt["attempt_id"]))
    for command in (["history"], ["review"]):
        out = pmpath(*command).stdout
        assert "+00:00" not in out, command
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", out), command


def test_the_profile_speaks_in_names(pmpath) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import DOCS

    pmpath("assess", "--answers", str(DOCS / "examples" / "engineer-answers.yaml"))
    out = pmpath("profile").stdout
    for internal in ("individual-contributor", "people-leader", "within-a-year", "ready-now"):
        assert internal not in out, internal
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", out)


def test_the_profile_says_when_it_shows_fewer_gaps_than_gaps(pmpath) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import DOCS

    pmpath("assess", "--answers", str(DOCS / "examples" / "engineer-answers.yaml"))
    every = pmpath("gaps", "--json").json()
    open_gaps = [g for g in every["gaps"] if g["gap"] > 0]
    out = pmpath("profile").stdout
    assert len(open_gaps) > 5  # the example's gaps do not all fit the profile's five
    assert f"and {len(open_gaps) - 5} more gap" in out


def test_a_chance_with_a_range_of_almost_everything_is_too_early_to_say() -> None:
    from pmpath.cli.irt_cmds import chance

    assert chance(0.68, (0.0, 1.0)) == "too early to say (0%-100%)"
    assert chance(0.02, (0.0, 0.21)) == "2% (0%-21%)"
    assert chance(0.9, (0.75, 0.98)) == "90% (75%-98%)"
