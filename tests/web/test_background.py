"""How often the web app runs each outbox's pass (pmpath.web.background): every minute in the
app `pmpath serve` runs, never in an app a test builds, and as its variable says when set."""

from __future__ import annotations

import pytest

from pmpath.web.background import DEFAULT_SECONDS, JOBS, Job, seconds_between


@pytest.mark.parametrize("job", JOBS, ids=[job.name for job in JOBS])
def test_unset_it_runs_every_minute_only_where_pmpath_serve_serves(
    job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(job.variable, raising=False)
    assert seconds_between(job, served=True) == DEFAULT_SECONDS
    assert seconds_between(job, served=False) == 0


@pytest.mark.parametrize(("given", "seconds"), [("0", 0.0), ("2.5", 2.5), ("-3", 0.0)])
def test_the_variable_sets_it_anywhere(
    given: str, seconds: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = JOBS[0]
    monkeypatch.setenv(job.variable, given)
    assert seconds_between(job, served=False) == seconds
    assert seconds_between(job, served=True) == seconds


def test_a_variable_that_is_not_a_number_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = JOBS[1]
    monkeypatch.setenv(job.variable, "soon")
    with pytest.raises(ValueError, match=f"{job.variable} must be a number of seconds"):
        seconds_between(job, served=True)
