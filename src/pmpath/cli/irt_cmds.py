"""IRT commands: ``pmpath bank calibrate|parameters``, ``pmpath exam placement|readiness|ability``.

They are registered on the ``bank`` and ``exam`` groups (see cli/app.py); the work is done by
:class:`pmpath.services.psychometrics.PsychometricsService` on the bundled bank.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmpath.cli.application import application
from pmpath.cli.options import DatabaseOption, FrameworkOption, JsonOption, ProfileOption

if TYPE_CHECKING:
    from pmpath.framework import Framework
    from pmpath.services.models.evidence import ReadinessReport
    from pmpath.services.models.psychometrics import (
        AbilityEstimate,
        DomainAbility,
        ExamClassification,
        PlacementView,
        RunningPlacement,
    )
    from pmpath.services.psychometrics import PsychometricsService

DEFAULT_PROFILE = "me"


def calibrate(
    model: Annotated[str, typer.Option("--model", help="1pl (common slope), 2pl or 3pl.")] = "2pl",
    responses: Annotated[
        Path | None,
        typer.Option(
            "--responses",
            help="A CSV of 0/1 responses (header: item ids; one row per person; empty cells for "
            "items not seen) instead of the stored attempts.",
            show_default=False,
        ),
    ] = None,
    min_responses: Annotated[
        int,
        typer.Option(
            "--min-responses",
            min=2,
            help="From stored attempts: items with fewer responses keep their authored prior.",
        ),
    ] = 50,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Calibrate the bundled bank's items (IRT) and store them as a new parameter version."""
    from pmpath.cli import render
    from pmpath.errors import PmpathError
    from pmpath.psychometrics.irt import Model
    from pmpath.services.models.psychometrics import GuessingItemCalibration, StoredCalibration

    try:
        chosen = Model(model.lower())
    except ValueError:
        raise PmpathError(f"--model must be 1pl, 2pl or 3pl, not {model!r}") from None
    service = application(framework, database_url).psychometrics
    data = service.calibrate(chosen, responses, min_responses)
    if as_json:
        render.json_out(data)
        return
    stored = (
        f"stored as version {data.version}"
        if isinstance(data, StoredCalibration)
        else f"not stored: {data.why_not_stored}"
    )
    render.heading(f"{data.model.upper()} calibration of {data.calibrated} items: {stored}")
    render.say(
        f"{data.persons} persons from {data.source}; "
        f"{'converged' if data.converged else 'NOT converged'} in {data.cycles} EM cycles; "
        f"log-likelihood {data.log_likelihood}."
    )
    if data.kept_prior:
        kept = len(data.kept_prior)
        render.say(f"{kept} items keep their authored prior (too few responses).")
    has_c = data.model is Model.THREE_PL
    render.table(
        "Items",
        ["Item", "a (SE)", "b (SE)", *(["c (SE)"] if has_c else []), "n", "S-X2 (p)", "Flags"],
        [
            [
                item.id,
                _with_se(item.a, item.se_a),
                _with_se(item.b, item.se_b),
                *(
                    [_with_se(item.c, item.se_c)]
                    if isinstance(item, GuessingItemCalibration)
                    else []
                ),
                str(item.responses),
                "-" if item.s_x2 is None else f"{item.s_x2:.2f} ({item.p_value:.3f})",
                ", ".join(item.flags),
            ]
            for item in data.items
        ],
    )


def parameters(
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The IRT parameters in use for the bundled bank: calibrated, or authored priors."""
    from pmpath.cli import render

    data = application(framework, database_url).psychometrics.parameters_report()
    if as_json:
        render.json_out(data)
        return
    version = (
        "authored priors (never calibrated)"
        if data.version is None
        else f"version {data.version} ({data.model}, {render.when(data.created_at)})"
    )
    render.heading(f"Bank {data.bank}: {version}; {data.calibrated} items calibrated")
    render.table(
        None,
        ["Item", "a", "b", "c", "Source"],
        [[i.id, _number(i.a), _number(i.b), _number(i.c), i.source] for i in data.items],
    )


# The old way to continue a test, kept for scripts: `pmpath resume NUMBER` is the one way now.
ResumeOption = Annotated[
    int | None,
    typer.Option("--resume", hidden=True, help="Continue this test (its number)."),
]
SeedOption = Annotated[int | None, typer.Option("--seed", help="Seed the item choice.")]
ScriptOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Start (or show) the test, print its state as JSON and exit; answer with "
        "pmpath exam placement-answer, for scripts.",
    ),
]


def placement(
    resume: ResumeOption = None,
    seed: SeedOption = None,
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: ScriptOption = False,
) -> None:
    """The adaptive placement test: 24 to 48 questions, chosen one at a time for you."""
    from pmpath.services.placement import PLACEMENT_ID

    service = application(framework, database_url).psychometrics
    _run(service, profile, PLACEMENT_ID, resume, seed, as_json)


def adaptive(
    blueprint: Annotated[str, typer.Argument(help="The exam's id (pmpath exam list).")],
    resume: ResumeOption = None,
    seed: SeedOption = None,
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: ScriptOption = False,
) -> None:
    """An adaptive version of a mock exam: it stops as soon as pass or fail is clear."""
    # An unknown exam is refused by the service, with the list of known ones.
    _run(
        application(framework, database_url).psychometrics,
        profile,
        blueprint,
        resume,
        seed,
        as_json,
    )


def _run(
    service: "PsychometricsService",
    profile: str,
    test_id: str,
    resume: int | None,
    seed: int | None,
    as_json: bool,
) -> None:
    from pmpath.cli import render
    from pmpath.services.placement import PLACEMENT_ID

    if resume is not None:
        typer.echo(
            f"note: `--resume {resume}` is now `pmpath resume {resume}`; the old form will go.",
            err=True,
        )
    elif not as_json:
        resume = service.unfinished_placement(profile, test_id)
    if resume is not None:
        view = service.placement(resume, profile)
    elif test_id == PLACEMENT_ID:
        view = service.start_placement(profile, seed)
    else:
        view = service.start_adaptive_exam(profile, test_id, seed)
    if as_json:
        render.json_out(view)
        return
    play_test(service, profile, view)


def play_test(service: "PsychometricsService", profile: str, view: "PlacementView") -> None:
    """Ask a placement test's (or adaptive exam's) questions until it stops or the learner
    leaves; then its outcome. Ctrl-C leaves too, saying what is saved and how to come back."""
    from pmpath.cli import render
    from pmpath.cli.resume_cmds import resume_command
    from pmpath.services.placement import PLACEMENT_ID

    if view.test == PLACEMENT_ID:
        kind = "Placement test"
    else:
        kind = f"Adaptive exam {service.blueprints[view.test].name}"
    render.say(
        f"{kind}, attempt {view.attempt_id}: questions are chosen by your answers so far, and "
        "every answer is saved as you give it. It has no clock: /leave stops, and it waits "
        "for you."
    )
    current: PlacementView | None = view
    try:
        while current is not None and not current.finished:
            current = _ask(service, profile, current)
    except (KeyboardInterrupt, EOFError) as stop:
        render.say()  # the prompt's line was left open
        render.say(
            f"Answers saved; the test waits for you. "
            f"Resume with: {resume_command(view.attempt_id, profile)}"
        )
        if isinstance(stop, KeyboardInterrupt):
            raise typer.Exit(130) from None
        return
    if current is None:
        return  # left with /leave
    if current.exam is not None:
        show_exam_outcome(current.exam)
    show_placement(
        service.framework, current.overall, current.domains, STOPPED[current.stop_reason]
    )


def show_exam_outcome(exam: "ExamClassification") -> None:
    from pmpath.cli import render

    if exam.passed is None or exam.pass_probability is None:
        render.heading("No pass mark within reach of this exam's questions: see your level below.")
        return
    verdict = "Pass" if exam.passed else "Not yet a pass"
    render.heading(f"{verdict}: chance of a pass {exam.pass_probability:.0%}")


def placement_answer(
    attempt: Annotated[int, typer.Argument(help="The placement test's number.")],
    response: Annotated[str, typer.Argument(help="The answer as JSON, as for pmpath exam answer.")],
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Answer the current question of a placement test (for scripts); prints the next state."""
    from pmpath.cli import render
    from pmpath.cli.answers_input import parse_json

    value = parse_json(response)
    service = application(framework, database_url).psychometrics
    render.json_out(service.answer_placement(attempt, profile, value))


def _ask(
    service: "PsychometricsService", profile: str, view: "RunningPlacement"
) -> "PlacementView | None":
    """Show the current question and send the typed answer; None when the learner leaves."""
    from rich.prompt import Prompt
    from rich.text import Text

    from pmpath.cli import render
    from pmpath.cli.answers_input import letters_help, parse
    from pmpath.cli.player import show_question
    from pmpath.cli.resume_cmds import resume_command
    from pmpath.errors import PmpathError

    question = view.question
    console = render.console
    console.print(
        Text(f"Question {view.answered + 1} (at most {view.max_items})", style="bold reverse")
    )
    show_question(question, set())
    while True:
        typed = Prompt.ask(f"Answer ({letters_help(question)}; /leave stops)", console=console)
        if typed.strip().lower() in ("/leave", "/l"):
            # No clock: a placement test waits, unchanged, for as long as it takes.
            console.print(
                "Answers saved; the test waits for you. "
                f"Resume with: {resume_command(view.attempt_id, profile)}"
            )
            return None
        try:
            return service.answer_placement(view.attempt_id, profile, parse(question, typed))
        except PmpathError as exc:
            console.print(Text(f"{exc} — try again.", style="red"))


#: Why an adaptive test stopped, in words.
STOPPED = {
    "precision": "it stopped once your estimate was precise enough",
    "max-length": "it stopped after the most questions it asks",
    "classified": "it stopped once pass or fail was clear",
    "exhausted": "it stopped because no suitable question was left",
}


def show_placement(
    framework: "Framework",
    overall: "AbilityEstimate",
    domains: "dict[str, DomainAbility]",
    basis: str,
) -> None:
    """The level an ability points to, overall and per domain, in the ladder's stage names;
    ``basis`` says what the estimate rests on."""
    from pmpath.cli import render

    stage = {s.id: s.name for s in framework.stages}
    low, high = (stage.get(level, level) for level in overall.level_range)
    render.heading(
        f"Placement: {stage.get(overall.level, overall.level)} (likely between {low} and {high})"
    )
    answers = f"{overall.items} answer{'s' if overall.items != 1 else ''}"
    render.say(
        f"Ability {overall.theta:+.2f} on the scale where 0 is the average learner, give or "
        f"take {overall.se:.2f}, from {answers}; {basis}."
    )
    render.table(
        "By domain",
        ["Domain", "Level", "Likely range", "Ability (SE)", "Items"],
        [
            [
                d.name,
                stage.get(d.level, d.level),
                " to ".join(stage.get(level, level) for level in d.level_range),
                f"{d.theta:+.2f} ({d.se:.2f})",
                str(d.items),
            ]
            for d in domains.values()
        ],
    )


def readiness(
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Your chance of passing each mock exam now, from every answer you have given."""
    from pmpath.cli import render

    data = application(framework, database_url).psychometrics.readiness(profile)
    if as_json:
        render.json_out(data)
        return
    render.say(readiness_basis(data))
    render.table(
        "Readiness",
        ["Exam", "Pass mark", "Chance of passing (95% range)", "Expected score (95% range)"],
        [
            [
                e.name,
                f"{e.pass_mark:g}%",
                chance(e.probability, e.interval),
                f"{e.expected_percent:.0f}% ({e.expected_percent_interval[0]:.0f}-"
                f"{e.expected_percent_interval[1]:.0f}%)",
            ]
            for e in data.exams
        ],
    )


#: A chance whose 95% range is wider than this says nothing yet: it is not shown as a figure.
WIDEST_USEFUL_RANGE = 0.6


def chance(probability: float, interval: tuple[float, float] | list[float]) -> str:
    """A chance of passing with its 95% range, or "too early to say" when the range is so wide
    that the figure would mislead (68% with a range of 0-100% says nothing)."""
    low, high = interval[0], interval[1]
    if high - low > WIDEST_USEFUL_RANGE:
        return f"too early to say ({low:.0%}-{high:.0%})"
    return f"{probability:.0%} ({low:.0%}-{high:.0%})"


def readiness_basis(data: "ReadinessReport") -> str:
    """One sentence saying what a readiness estimate rests on."""
    if data.answered == 0:
        return (
            "No answers yet: these are the chances of an average learner. Take the placement "
            "test (pmpath exam placement) or a mock exam to make them yours."
        )
    return (
        f"Based on your answers to {data.answered} questions (ability {data.theta:+.2f}, "
        f"give or take {data.se:.2f}); it updates with every answer you give."
    )


def ability(
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Your ability estimate overall and per domain, with the career level it corresponds to."""
    from pmpath.cli import render

    service = application(framework, database_url).psychometrics
    data = service.ability(profile)
    if as_json:
        render.json_out(data)
        return
    show_placement(service.framework, data.overall, data.domains, "it updates with every answer")
    ladder = data.ladder
    if ladder is not None:
        role = {r.id: r.name for r in service.framework.roles}
        low, high = (role.get(r, r) for r in ladder.range)
        status = "ready now" if ladder.status == "ready-now" else "working towards it"
        render.say(
            f"On the ladder, the ratings your answers point to place you at "
            f"{ladder.role.name} ({status}; from {low} to {high} within the ratings' ranges)."
        )


def _with_se(value: float | None, se: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" + (f" ({se:.3f})" if se is not None else "")


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
