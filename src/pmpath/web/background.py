"""What the web app does on its own while it serves: a pass of each durable outbox every so often.

Two outboxes live in the database: scores on their way to LMS gradebooks (LTI Assignment and
Grade Services, :mod:`pmpath.services.lti_grades`) and xAPI statements on their way to the
learning record store (:mod:`pmpath.services.xapi`). Each job's pass collects what is new and
sends what is due; a pass that fails is logged and the next one comes as usual, since the
outbox keeps every row until it is sent. Several app processes may run the passes at once:
each claims the rows it sends.

How often, per job: its variable when set (seconds; 0 turns it off, e.g. when cron runs the
CLI's ``send`` instead), else every minute in the app ``pmpath serve`` runs
(``pmpath.web.server:app``), else never: an app a test or a script builds with ``create_app``
does nothing behind its back unless told to.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

if TYPE_CHECKING:
    from pmpath.app import Pmpath

DEFAULT_SECONDS = 60.0
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One outbox's pass, and the variable that sets how often it runs."""

    name: str
    variable: str
    run: Callable[[Pmpath], object]


def _grade_passback(app: Pmpath) -> object:
    return app.lti_grades.run()


def _xapi_statements(app: Pmpath) -> object:
    from pmpath.services.xapi import BACKGROUND

    return app.xapi.run_once(BACKGROUND)


JOBS = (
    Job("LTI grade passback", "PMPATH_LTI_PASSBACK_SECONDS", _grade_passback),
    Job("xAPI statements", "PMPATH_XAPI_SEND_EVERY", _xapi_statements),
)


def seconds_between(job: Job, served: bool) -> float:
    """How often ``job`` runs (0: never); ``served``: the app is the one ``pmpath serve`` runs.
    A variable that is not a number is refused at start-up, naming it."""
    given = os.environ.get(job.variable, "").strip()
    if not given:
        return DEFAULT_SECONDS if served else 0.0
    try:
        return max(0.0, float(given))
    except ValueError:
        raise ValueError(f"{job.variable} must be a number of seconds, not {given!r}") from None


def _served_by_pmpath_serve(app: FastAPI) -> bool:
    server = sys.modules.get("pmpath.web.server")
    return server is not None and getattr(server, "app", None) is app


async def _every(job: Job, application: Pmpath, seconds: float, stop: asyncio.Event) -> None:
    """A pass of ``job`` every ``seconds`` until ``stop`` is set; a pass under way then ends
    first (it runs in a thread, which cannot be interrupted), so what it sent is marked sent
    and not sent again at the next start."""
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), seconds)
            return
        except TimeoutError:
            pass
        try:
            await run_in_threadpool(job.run, application)
        except Exception:  # the next pass tries again; the outbox keeps every row
            log.exception("%s: a background pass failed", job.name)


@asynccontextmanager
async def background_jobs(app: FastAPI) -> AsyncIterator[None]:
    """The app's lifespan: each job's passes run for as long as the app serves."""
    served = _served_by_pmpath_serve(app)
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(_every(job, app.state.pmpath, seconds, stop), name=job.name)
        for job in JOBS
        if (seconds := seconds_between(job, served)) > 0
    ]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
