"""``pmpath resume``: the one way back into anything left unfinished: a self-assessment, a mock
exam, a practice session, a placement test or an adaptive exam.

Attempts of every kind share one numbering, so ``pmpath resume 4`` needs no kind; the
self-assessment, which has no number a learner sees, is ``pmpath resume assessment``.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.application import application
from pmpath.cli.options import DatabaseOption, FrameworkOption, ProfileOption

if TYPE_CHECKING:
    from pmpath.app import Pmpath
    from pmpath.services.exams import ExamService

DEFAULT_PROFILE = "me"
ASSESSMENT = "assessment"


def resume_command(what: int | str, profile: str, bank_folder: str | None = None) -> str:
    """The exact command that continues ``what`` (an attempt's number, or "assessment"); an
    attempt drawn from a folder of questions names the folder, which pmpath does not keep."""
    import shlex

    command = f"pmpath resume {what}"
    if profile != DEFAULT_PROFILE:
        command += f" --profile {shlex.quote(profile)}"
    if bank_folder is not None:
        command += f" --bank {shlex.quote(bank_folder)}"
    return command


@dataclass(frozen=True)
class OpenWork:
    """Something the learner left unfinished: what to pass to resume, and what it is."""

    what: str
    description: str


def resume(
    what: Annotated[
        str | None,
        typer.Argument(
            help="An attempt's number (a mock exam, practice or a placement test), or "
            "'assessment'. Default: what you left open, or a choice when there are several.",
            show_default=False,
        ),
    ] = None,
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    bank: Annotated[
        str | None,
        typer.Option(
            "--bank",
            help="The folder of questions the attempt was drawn from (bundled and imported "
            "banks are found by themselves).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Continue what you left: a self-assessment, a mock exam, practice or a placement test."""
    from rich.prompt import Prompt

    from pmpath.cli import render

    pmpath = application(framework, database_url)
    if what is None:
        open_work = _open_work(pmpath, profile)
        if not open_work:
            render.say(
                f"Nothing to resume for profile {profile!r}. Start with pmpath assess, "
                "pmpath practice or pmpath exam list."
            )
            return
        if len(open_work) == 1:
            chosen = open_work[0]
        else:
            render.heading(f"{len(open_work)} things are open:")
            for number, work in enumerate(open_work, start=1):
                render.say(f"  {number}. {work.description}")
                # The command on a line of its own: it is copied, so it must not wrap.
                render.say(f"     {resume_command(work.what, profile)}")
            choices = [str(number) for number in range(1, len(open_work) + 1)]
            picked = Prompt.ask("Which one?", choices=choices, default="1", console=render.console)
            chosen = open_work[int(picked) - 1]
        render.say(f"Continuing: {chosen.description}.")
        what = chosen.what
    if what.strip().lower() == ASSESSMENT:
        from pmpath.cli.assess_cmds import continue_assessment

        continue_assessment(framework, database_url, profile)
        return
    continue_attempt(pmpath, profile, _number(what), bank)


def _number(what: str) -> int:
    from pmpath.errors import PmpathError

    try:
        return int(what)
    except ValueError:
        raise PmpathError(
            f"resume takes an attempt's number or 'assessment', not {what!r}"
        ) from None


def continue_attempt(pmpath: "Pmpath", profile: str, number: int, bank: str | None = None) -> None:
    """Continue attempt ``number``: a mock exam or practice in the exam player, a placement
    test or an adaptive exam in the adaptive player. An unknown number is an error before
    anything is printed."""
    from pmpath.cli import irt_cmds, player
    from pmpath.cli.exam_cmds import bank_folder
    from pmpath.errors import NotFoundError

    exams = _exams_of(pmpath, number, bank)
    try:
        exams.view(number, profile)
    except NotFoundError as missing:
        try:
            test = pmpath.psychometrics.placement(number, profile)
        except NotFoundError:
            raise missing from None
        irt_cmds.play_test(pmpath.psychometrics, profile, test)
        return
    player.show_outcome(player.play(exams, profile, number, bank_folder(bank)))


def _exams_of(pmpath: "Pmpath", number: int, bank: str | None) -> "ExamService":
    """The exam service of the bank attempt ``number`` was drawn from: ``bank`` when given,
    else the bundled or imported bank the attempt names. A folder of questions must be named
    again (pmpath keeps no copy), and the error says so with the command to type."""
    from pmpath.errors import NotFoundError, PmpathError

    if bank is not None:
        return pmpath.exams_for_local(bank)
    bank_id = pmpath.exams.bank_of(number)
    try:
        return pmpath.exams_for(bank_id)
    except NotFoundError:
        raise PmpathError(
            f"attempt {number} was drawn from the folder of questions {bank_id!r}, which "
            f"pmpath does not keep: name it again with "
            f"pmpath resume {number} --bank PATH/TO/{bank_id}"
        ) from None


def _open_work(pmpath: "Pmpath", profile: str) -> list[OpenWork]:
    """Everything ``profile`` left open: the self-assessment first, then attempts newest
    first."""
    from pmpath.cli import render
    from pmpath.services.placement import PLACEMENT_ID

    found: list[OpenWork] = []
    assessments = pmpath.assessments
    assessment = assessments.unfinished(profile)
    if assessment is not None:
        total = len(assessments.framework.competencies)
        found.append(
            OpenWork(
                ASSESSMENT,
                f"Self-assessment started {render.when(assessment.started_at)}, "
                f"{len(assessment.assessment.ratings)} of {total} answered",
            )
        )
    attempts: list[tuple[int, str]] = []
    for summary in pmpath.exams.unfinished(profile):
        name = summary.blueprint.name if summary.blueprint else "Practice"
        text = (
            f"{name} (attempt {summary.attempt_id}), {summary.answered} of {summary.items} answered"
        )
        if summary.deadline:
            text += f"; its time runs out {render.when(summary.deadline)}"
        attempts.append((summary.attempt_id, text))
    names = {blueprint.id: blueprint.name for blueprint in pmpath.blueprints}
    irt = pmpath.psychometrics
    for test in [PLACEMENT_ID, *names]:
        number = irt.unfinished_placement(profile, test)
        if number is not None:
            kind = "Placement test" if test == PLACEMENT_ID else f"Adaptive {names[test]}"
            attempts.append((number, f"{kind} (attempt {number}), no clock"))
    found += [OpenWork(str(number), text) for number, text in sorted(attempts, reverse=True)]
    return found
