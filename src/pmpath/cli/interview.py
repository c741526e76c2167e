"""The interactive self-assessment: intake questions, then one competency at a time.

Each answer is handed to the service as soon as it is given, so it is committed before the
next question; a closed terminal loses nothing, and the next ``pmpath assess`` resumes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.prompt import Confirm, IntPrompt, Prompt
from rich.text import Text

from pmpath.assessment import Confidence, Rating, SelfAssessment
from pmpath.cli import render
from pmpath.cli.resume_cmds import resume_command
from pmpath.errors import NotFoundError

if TYPE_CHECKING:
    from pmpath.services.assessments import AssessmentService

console = render.console


def run(
    service: AssessmentService, profile: str, resuming: bool = False
) -> tuple[int, SelfAssessment]:
    """Ask every question still open and return the finished assessment.

    An unfinished assessment is offered for continuing (``resuming``: continued without
    asking; NotFoundError when there is none). Ctrl-C, or input that runs out, stops with a
    line saying what is saved and the command that continues it (exit code 130 for Ctrl-C)."""
    started: list[int] = []  # the assessment's id once it exists: until then nothing is saved
    try:
        return _run(service, profile, resuming, started)
    except (KeyboardInterrupt, EOFError) as stop:
        console.print()  # the prompt's line was left open
        still_open = service.unfinished(profile) if started else None
        if still_open is not None:
            answered = len(still_open.assessment.ratings)
            total = len(service.framework.competencies)
            console.print(
                f"{answered} of {total} answers saved. "
                f"Resume with: {resume_command('assessment', profile)}"
            )
        else:
            console.print("Nothing was saved: run pmpath assess to begin again.")
        raise typer.Exit(130 if isinstance(stop, KeyboardInterrupt) else 1) from None


def _run(
    service: AssessmentService, profile: str, resuming: bool, started: list[int]
) -> tuple[int, SelfAssessment]:
    framework = service.framework
    resumed = service.unfinished(profile)
    if resuming and resumed is None:
        raise NotFoundError(f"profile {profile!r} has no unfinished assessment")
    if resumed is not None and (
        resuming
        or Confirm.ask(
            f"You have an unfinished assessment from {render.when(resumed.started_at)}, "
            f"{len(resumed.assessment.ratings)} of {len(framework.competencies)} answered. "
            "Continue it?",
            default=True,
            console=console,
        )
    ):
        assessment_id, answered = resumed.id, dict(resumed.assessment.ratings)
    else:
        intake = _intake(service)
        assessment_id, answered = service.start(profile, intake), {}
    started.append(assessment_id)

    total = len(framework.competencies)
    for number, comp in enumerate(framework.competencies, start=1):
        if comp.id in answered:
            continue
        _progress(number, total)
        console.print(Text(f"{comp.name}", style="bold"))
        console.print(Text(comp.summary, style="dim"))
        for level in framework.levels:
            console.print(
                Text.assemble(
                    (f"  {level} ", "bold"),
                    f"{framework.scale_name(level)}: ",
                    comp.behaviours[level],
                )
            )
        level = IntPrompt.ask(
            "Which describes you best?",
            choices=[str(level) for level in framework.levels],
            show_choices=True,
            console=console,
        )
        confidence = Prompt.ask(
            "How sure are you?",
            choices=[c.value for c in Confidence],
            default=Confidence.MEDIUM.value,
            console=console,
        )
        evidence = Prompt.ask(
            "Evidence (an example or link; Enter to skip)",
            default="",
            show_default=False,
            console=console,
        )
        rating = Rating(
            comp.id, level, Confidence(confidence), (evidence.strip(),) if evidence.strip() else ()
        )
        service.answer(profile, assessment_id, rating)
        answered[comp.id] = rating
        console.print()
    service.finish(profile, assessment_id)
    stored = service.history(profile)[-1]
    return assessment_id, stored.assessment


def _progress(number: int, total: int) -> None:
    width = 30
    done = round(width * (number - 1) / total)
    console.print(
        Text.assemble(("━" * done, "green"), ("━" * (width - done), "dim"), f" {number}/{total}")
    )


def _intake(service: AssessmentService) -> SelfAssessment:
    framework = service.framework
    console.print(Text("A few questions about you first (Enter skips any of them).", style="bold"))
    current = _choose(
        "Your current product role", [(r.id, r.name) for r in framework.roles], allow_none=True
    )
    background = None
    if current is None:
        background = _choose(
            "The career you come from",
            [(b.id, b.name) for b in framework.backgrounds],
            allow_none=True,
        )
    years = _ask_years()
    interests = _choose_many(
        "What do you enjoy most?", [(i.id, f"{i.name}: {i.summary}") for i in framework.interests]
    )
    return SelfAssessment(
        ratings={}, background=background, current_role=current, years=years, interests=interests
    )


def _ask_years() -> float | None:
    """Years of work experience: a number from 0 to 60, or nothing; anything else is asked
    again with the reason (a word such as "five" used to be stored as no answer at all)."""
    while True:
        text = Prompt.ask(
            "Years of work experience (a number, or Enter to skip)",
            default="",
            show_default=False,
            console=console,
        ).strip()
        if not text:
            return None
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            console.print(f"{text!r} is not a number: type it in digits, e.g. 5 or 2.5.")
            continue
        if 0 <= value <= 60:
            return value
        console.print("Years must be between 0 and 60.")


def _choose(question: str, options: list[tuple[str, str]], allow_none: bool) -> str | None:
    if not options:
        return None
    console.print(Text(question, style="bold"))
    for number, (_, label) in enumerate(options, start=1):
        console.print(f"  {number}. {label}")
    choices = [str(n) for n in range(1, len(options) + 1)] + ([""] if allow_none else [])
    answer = Prompt.ask(
        "Number" + (" (Enter to skip)" if allow_none else ""),
        choices=choices,
        show_choices=False,
        default="" if allow_none else None,
        show_default=False,
        console=console,
    )
    return options[int(answer) - 1][0] if answer else None


def _choose_many(question: str, options: list[tuple[str, str]]) -> tuple[str, ...]:
    if not options:
        return ()
    console.print(Text(question, style="bold"))
    for number, (_, label) in enumerate(options, start=1):
        console.print(f"  {number}. {label}")
    while True:
        answer = Prompt.ask(
            "Numbers, separated by commas (Enter for none)",
            default="",
            show_default=False,
            console=console,
        )
        picked = [part.strip() for part in answer.split(",") if part.strip()]
        if all(p.isdigit() and 1 <= int(p) <= len(options) for p in picked):
            return tuple(dict.fromkeys(options[int(p) - 1][0] for p in picked))
        console.print(f"Please give numbers from 1 to {len(options)}.")
