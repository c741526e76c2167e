"""``pmpath lti-grades``: grades back to the LMS (LTI Assignment and Grade Services), a course's
gradebook as CSV, and a course's roster brought in as a team (Names and Role Provisioning).

``send`` is for the server's operator (a cron job): whoever can open the database runs it. The
other commands act as the account given by ``--as``, with that account's permissions on the
web: the outbox is for admins, a course for admins and its instructors."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.acting import acting_as
from pmpath.cli.options import AsOption, CsvOutputOption, DatabaseOption, JsonOption

if TYPE_CHECKING:
    from pmpath.services.models.lti_advantage import PassbackRun, RosterReport

app = typer.Typer(
    help="LTI grades and rosters: send scores to LMS gradebooks, export a course's grades as "
    "CSV, bring a course's roster in as a team.",
    rich_markup_mode=None,
    no_args_is_help=True,
)

ContextOption = Annotated[
    int,
    typer.Option(
        "--context",
        "-c",
        help="The course: its number in pmpath (`pmpath lti-grades courses` lists them).",
        min=0,
    ),
]


@app.command(name="send")
def send(database_url: DatabaseOption = None, as_json: JsonOption = False) -> None:
    """Send due scores to the LMS gradebooks now (one pass, for cron).

    Queues every finished attempt not yet queued, then sends the scores that are due.
    A score the LMS did not take is tried again later, waiting longer each time; the
    web app also does this every minute while it serves. Exit code 1 when a score
    failed this time."""
    from pmpath.cli import render
    from pmpath.cli.application import application

    run = application(None, database_url).lti_grades.run()
    if as_json:
        render.json_out(run)
    else:
        _say_run(run)
    if run.errors:
        raise typer.Exit(1)


def _say_run(run: PassbackRun) -> None:
    from pmpath.cli import render

    noun = "score" if run.queued == 1 else "scores"
    render.say(f"{run.queued} new {noun} queued, {run.sent} sent.")
    if run.superseded:
        render.say(f"{run.superseded} unsent replaced by a newer attempt.")
    if run.retrying:
        render.say(f"{run.retrying} to be tried again later.")
    if run.failed:
        render.say(f"{run.failed} failed too often: `pmpath lti-grades retry` sends them again.")
    for error in run.errors:
        typer.echo(f"error: {error}", err=True)


@app.command(name="status")
def status(
    as_email: AsOption, database_url: DatabaseOption = None, as_json: JsonOption = False
) -> None:
    """Scores per state, and the ones not sent yet (admins).

    Failed scores first, with why; then the pending ones with their next try."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    outbox = app_.lti_grades.outbox(me)
    if as_json:
        render.json_out(outbox)
        return
    counts = outbox.counts
    render.say(
        f"{counts['sent']} sent, {counts['pending']} waiting, {counts['failed']} failed, "
        f"{counts['superseded']} replaced by newer attempts."
    )
    if not outbox.waiting:
        render.say("Nothing is waiting.")
        return
    now = app_.clock()
    render.table(
        "Not sent yet, failed first",
        ["#", "Learner", "Exam", "Score", "State", "Why"],
        [
            [
                str(s.id),
                s.learner,
                s.exam,
                f"{s.score:g}/{s.out_of:g}",
                "failed" if s.state == "failed" else f"next {render.when(s.next_try_at, now)}",
                s.last_error or "not tried yet",
            ]
            for s in outbox.waiting
        ],
    )


@app.command(name="retry")
def retry(
    as_email: AsOption,
    score: Annotated[
        int | None,
        typer.Argument(
            help="The score's number (`status` shows it); none: every failed one.", min=0
        ),
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Send failed scores again at the next pass (admins).

    SCORE is a number `status` shows; without it, every failed score."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    count = app_.lti_grades.retry(me, score)
    noun = "score" if count == 1 else "scores"
    render.say(f"{count} failed {noun} will be sent by the next pass (`pmpath lti-grades send`).")


@app.command(name="courses")
def courses(
    as_email: AsOption, database_url: DatabaseOption = None, as_json: JsonOption = False
) -> None:
    """The LMS courses you may export and bring rosters in from.

    Admins see every course; an instructor the courses they opened pmpath from as an
    Instructor."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.lti_grades.courses(me)
    if as_json:
        render.json_out(found)
        return
    if not found.courses:
        render.say("No course yet: one appears when someone opens pmpath from it in the LMS.")
        return
    render.table(
        "Courses",
        ["#", "Course", "LMS", "People", "Team"],
        [
            [
                str(c.id),
                c.title,
                c.platform,
                str(c.learners),
                c.team or ("-" if c.has_roster else "no roster"),
            ]
            for c in found.courses
        ],
    )


@app.command(name="export")
def export(
    context: ContextOption,
    as_email: AsOption,
    output: CsvOutputOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """A course's grades as CSV (the fallback when sending fails).

    One row per learner and exam with the newest score, the finish time in ISO 8601
    (UTC) and whether the score reached the LMS; for admins and the course's
    instructors."""
    from pmpath.cli import render

    app_, me = acting_as(as_email, database_url)
    found = app_.lti_grades.export(me, context)
    if as_json:
        render.json_out(found)
        return
    if output is None:
        sys.stdout.write(found.csv)
        return
    output.write_bytes(("\ufeff" + found.csv).encode("utf-8"))
    rows = f"{found.rows} row" + ("" if found.rows == 1 else "s")
    render.say(f"Written {rows} to {output}")


@app.command(name="roster")
def roster(
    context: ContextOption,
    as_email: AsOption,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation",
            metavar="ORG",
            help="The organisation for a new team (its id or exact name; you administer it); "
            "default: the course's team, else a new organisation named after the LMS.",
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Bring a course's roster in from the LMS as a team.

    Instructors become the team's managers, learners its members; people are matched
    as when they open pmpath from the LMS. Says who was added, updated, unchanged and
    who left the course (they stay in the team)."""
    from pmpath.cli import render
    from pmpath.cli.acting import find_organisation

    app_, me = acting_as(as_email, database_url)
    chosen = find_organisation(app_, me, organisation) if organisation else None
    report = app_.lti_grades.rosters.import_roster(me, context, chosen)
    if as_json:
        render.json_out(report)
        return
    _say_report(report)


def _say_report(report: RosterReport) -> None:
    from pmpath.cli import render

    render.say(f"{report.course.title} → team {report.team} in {report.organisation}")
    render.say(
        f"{len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.left)} left the course."
    )
    render.bullets(
        "Updated", [f"{e.name}: {e.detail}" if e.detail else e.name for e in report.updated]
    )
    render.bullets("Left the course (still in the team)", [e.name for e in report.left])
