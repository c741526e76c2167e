"""Commands for self-assessment: assess, profile, history, gaps, plan and report."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.application import application
from pmpath.cli.options import (
    DatabaseOption,
    FrameworkOption,
    JsonOption,
    ProfileOption,
    SpecialisationOption,
    TargetOption,
)

if TYPE_CHECKING:
    from pmpath.framework import Framework
    from pmpath.services.models.assessments import LearnerProfile, RecordedAssessment
    from pmpath.services.models.evidence import CompetencyEvidence, TestedRating
    from pmpath.services.models.guidance import Guidance, TargetGaps

DEFAULT_PROFILE = "me"


def _evidence(
    framework: Path | None, database_url: str | None, profile: str
) -> "dict[str, CompetencyEvidence]":
    """Exam evidence per competency for the profile (empty before any answer): the share of
    credit on finished exams and, on the bundled ladder, the rating its tested ability points
    to (the bundled bank's levels are the bundled ladder's stages)."""

    if framework is None:
        return application(framework, database_url).evidence(profile)
    if not application(framework, database_url).assessments.took_exams(profile):
        return {}  # no exam taken: the bank need not be read
    return application(framework, database_url).exams.competency_evidence(profile)


def _latest_guidance(
    framework: Path | None,
    database_url: str | None,
    profile: str,
    target: str | None,
    specialisation: str | None = None,
) -> "Guidance":
    """The guidance of the newest assessment of ``profile``, with exam evidence."""
    from pmpath.framework.versions import specialised
    from pmpath.services.guidance import guidance

    service = application(framework, database_url).assessments
    stored = service.latest(profile)
    evidence = _evidence(framework, database_url, profile)
    ladder = specialised(service.framework, specialisation)
    return guidance(ladder, stored.assessment, target, evidence)


def assess(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            "-a",
            help="Take the ratings and intake answers from this YAML file instead of asking "
            "(format: docs/assessment.md).",
            show_default=False,
        ),
    ] = None,
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Assess yourself: pick, for each competency, the behaviour that fits you best.

    Without --answers the questions are asked here, one competency at a time; each answer
    is saved as you give it, and an unfinished assessment is offered for continuing (or
    continue it with pmpath resume assessment).
    """
    from pmpath.assessment import read_answers
    from pmpath.cli import interview, render

    service = application(framework, database_url).assessments
    if answers is not None:
        data = service.submit(profile, read_answers(answers, service.framework))
    else:
        data = service.recorded(profile, *interview.run(service, profile))
    if as_json:
        render.json_out(data)
        return
    _show_saved(data, profile, service.framework)


def continue_assessment(framework: Path | None, database_url: str | None, profile: str) -> None:
    """Ask the questions still open of the profile's unfinished assessment, then show where it
    places them (``pmpath resume assessment``)."""
    from pmpath.cli import interview

    service = application(framework, database_url).assessments
    data = service.recorded(profile, *interview.run(service, profile, resuming=True))
    _show_saved(data, profile, service.framework)


def _show_saved(data: "RecordedAssessment", profile: str, framework: "Framework") -> None:
    from pmpath.cli import render

    render.say(f"Assessment {data.assessment_id} saved for profile {profile!r}.")
    render.say()
    _show_standing(data, framework)


def profile(
    profile: ProfileOption = DEFAULT_PROFILE,
    target: TargetOption = None,
    specialisation: SpecialisationOption = None,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show where your newest assessment places you, your direction and your biggest gaps."""
    from pmpath.cli import render

    service = application(framework, database_url).assessments
    data = service.profile(
        profile, target, _evidence(framework, database_url, profile), specialisation
    )
    if as_json:
        render.json_out(data)
        return
    render.heading(f"Profile {data.profile!r}, assessed {render.when(data.assessed_at)}")
    render.say()
    _show_standing(data, service.framework)


#: Where an assessment came from, in words.
SOURCES = {"file": "answers file", "interactive": "asked here", "api": "web or API"}


def history(
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Your assessments with per-competency progress, and your exams with score trends."""
    from pmpath.cli import render
    from pmpath.services.models.assessments import History

    progress = application(framework, database_url).assessments.progress(profile)
    exams = application(framework, database_url).exams.history(profile)
    if as_json:
        render.json_out(
            History(**dict(progress), exams=exams.attempts, domain_trends=exams.domain_trends)
        )
        return
    if not progress.assessments and not exams.attempts:
        render.say(
            f"Profile {profile!r} has no finished assessment or exam yet: run `pmpath assess`."
        )
        return
    if progress.assessments:
        render.table(
            f"Assessments of {profile!r}",
            ["#", "Finished", "Source", "Placement"],
            [
                [
                    str(a.id),
                    render.when(a.completed_at),
                    SOURCES[a.source],
                    a.placement.name + (f" ({a.measured_on.lower()})" if a.measured_on else ""),
                ]
                for a in progress.assessments
            ],
        )
    if len(progress.assessments) > 1:
        rows = [
            [c.name, _level(c.previous), _level(c.level), _change(c.change)]
            for c in progress.assessments[-1].competencies
        ]
        render.table(
            "Progress since the assessment before", ["Competency", "Before", "Now", "Change"], rows
        )
    if exams.attempts:
        bank = application(framework, database_url).bundled_bank
        domains = {domain.id: domain.name for domain in bank.domains}
        render.table(
            "Exams",
            ["#", "Exam", "Finished", "Score", "Result"],
            [
                [
                    str(e.attempt_id),
                    e.blueprint.name if e.blueprint else "Practice",
                    render.when(e.finished_at),
                    f"{e.score:g}%",
                    "-" if e.passed is None else ("passed" if e.passed else "not passed"),
                ]
                for e in exams.attempts
            ],
        )
        render.table(
            "Score trends by domain (oldest first)",
            ["Domain", "Scores"],
            [
                [domains.get(d, d), " → ".join(f"{p:g}" for p in scores)]
                for d, scores in exams.domain_trends.items()
            ],
        )


def gaps(
    profile: ProfileOption = DEFAULT_PROFILE,
    target: TargetOption = None,
    specialisation: SpecialisationOption = None,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show every competency's gap to the target role, biggest impact first, and your strengths."""
    from pmpath.cli import render
    from pmpath.services.models.guidance import TargetGaps

    data = _latest_guidance(framework, database_url, profile, target, specialisation)
    if as_json:
        render.json_out(TargetGaps(target=data.target, gaps=data.gaps, strengths=data.strengths))
        return
    _show_gaps(data)


def plan(
    profile: ProfileOption = DEFAULT_PROFILE,
    target: TargetOption = None,
    specialisation: SpecialisationOption = None,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a growth plan: sequenced actions for your biggest gaps, with a time horizon."""
    from pmpath.cli import render
    from pmpath.services.models.guidance import TargetPlan

    data = _latest_guidance(framework, database_url, profile, target, specialisation)
    if as_json:
        render.json_out(TargetPlan(target=data.target, plan=data.plan))
        return
    _show_plan(data, application(framework, database_url).framework)


def report(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the HTML report to this file.", show_default=False
        ),
    ] = None,
    profile: ProfileOption = DEFAULT_PROFILE,
    target: TargetOption = None,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a self-contained HTML report (radar chart, ladder, gaps, plan) that opens offline."""
    from pmpath.cli import render
    from pmpath.errors import PmpathError

    data = application(framework, database_url).assessments.report(
        profile, target, _evidence(framework, database_url, profile)
    )
    if framework is None:
        readiness = application(framework, database_url).psychometrics.readiness(profile)
        data = data.model_copy(update={"readiness": readiness})
    if as_json:
        render.json_out(data)
        return
    if output is None:
        raise PmpathError("give the report's file with -o FILE.html (or use --json)")
    from pmpath.reports import render_report

    html = render_report(data)
    try:
        output.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise PmpathError(f"cannot write the report to {output}: {exc.strerror}") from None
    render.say(f"Report written to {output} ({len(html.encode()) // 1024} KiB).")


def _tested(found: "TestedRating | None") -> str:
    """The rating tests point to, with its range: "3 (2-4)"."""
    if found is None:
        return "-"
    low, high = found.rating_range
    return f"{found.rating} ({low}-{high})" if low != high else str(found.rating)


def _level(value: int | None) -> str:
    return "-" if value is None else str(value)


def _change(value: int | None) -> str:
    return "-" if value is None else (f"{value:+d}" if value else "0")


def _show_standing(
    data: "Guidance | RecordedAssessment | LearnerProfile", framework: "Framework"
) -> None:
    from pmpath.cli import render

    placement = data.placement
    role = placement.role.name
    if placement.status == "ready-now":
        render.heading(f"Where you stand: {role} (ready now)")
    else:
        render.heading(f"Where you stand: working towards {role}")
    low, high = placement.range.low.name, placement.range.high.name
    band = placement.band
    render.say(
        f"Fit {placement.fit:.0f} (band {band[0]:.0f}-{band[1]:.0f}); allowing for how sure "
        f"you were of each rating, anywhere from {low} to {high}."
    )
    if placement.capped_by:
        render.say(
            "Must-haves holding you back: "
            + ", ".join(f"{c.name} {c.current:g}/{c.expected}" for c in placement.capped_by)
        )
    render.dim(placement.note)
    render.say()
    intake = data.intake
    render.heading(f"Suggested track: {render.track_name(intake.track.suggested)}")
    render.say(intake.track.reason)
    if intake.specialisation:
        render.say(f"Specialisation to consider: {intake.specialisation.reason}")
    render.say()
    _show_gaps(data, limit=5)
    _show_plan(data, framework)


def _show_gaps(
    data: "Guidance | RecordedAssessment | LearnerProfile | TargetGaps", limit: int | None = None
) -> None:
    from pmpath.cli import render

    target = data.target
    path = " → ".join(step.name for step in target.path)
    readiness = str(target.readiness).replace("-", " ")
    render.heading(f"Target: {target.role.name} ({readiness}, fit {target.fit:.0f})")
    render.say(f"Path: {path}")
    rows = [
        [
            render.named(g.name, "must-have" if g.must_have else None, "bold"),
            str(g.current),
            str(g.expected),
            f"{g.gap:+d}",
            f"{g.impact:g}",
            f"{g.exam.percent:g}% of {g.exam.items}" if g.exam else "-",
            _tested(g.tested),
        ]
        for g in data.gaps
        if g.gap > 0
    ]
    shown = rows[:limit]
    if shown:
        render.table(
            "Gaps, biggest impact first",
            ["Competency", "You", "Target", "Gap", "Impact", "Exams", "Tested"],
            shown,
        )
        if len(rows) > len(shown):
            more = len(rows) - len(shown)
            render.dim(f"… and {more} more gap{'s' if more != 1 else ''}: pmpath gaps shows all.")
    else:
        render.say("You meet every expectation of the target.")
    strengths = [f"{s.name} ({s.current})" for s in data.strengths if s.surplus > 0]
    if strengths:
        render.say("Strengths to build on: " + ", ".join(strengths[:6]))
    render.say()


def _show_plan(
    data: "Guidance | RecordedAssessment | LearnerProfile", framework: "Framework"
) -> None:
    from pmpath.cli import render

    plan = data.plan
    render.bullets("First, the move into product", plan.transition_steps)
    if not plan.steps:
        return
    render.table(
        f"Growth plan (about {plan.horizon_weeks} weeks)",
        ["Weeks", "Do", "Kind", "Builds"],
        [
            [
                f"{s.start_week}-{s.end_week}",
                render.named(s.name, s.summary),
                render.kind_name(s.kind),
                render.names(framework, "competency", s.competencies),
            ]
            for s in plan.steps
        ],
    )
