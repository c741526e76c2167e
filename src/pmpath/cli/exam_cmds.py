"""``pmpath exam``, ``practice`` and ``review``: practice exams in the terminal or by script."""

from typing import Annotated

import typer
from typer._click import Context, HelpFormatter
from typer.core import TyperCommand

from pmpath.cli.application import application
from pmpath.cli.options import DatabaseOption, FrameworkOption, JsonOption, ProfileOption

DEFAULT_PROFILE = "me"

app = typer.Typer(
    help="Timed mock exams built from blueprints: list, start, answer, finish, results.",
    rich_markup_mode=None,
    no_args_is_help=True,
)

BankOption = Annotated[
    str | None,
    typer.Option(
        "--bank",
        help="pm-core (the bundled bank, the default), an imported bank, or a bank folder.",
        show_default=False,
    ),
]
AttemptArgument = Annotated[int, typer.Argument(help="The attempt's number.")]


def bank_folder(bank: str | None) -> str | None:
    """``bank`` when it names a folder or file of Markdown questions (which pmpath reads but
    does not keep, so coming back to an attempt needs it named again); else None."""
    from pathlib import Path

    from pmpath.services.banks import BUNDLED_BANK_ID

    return bank if bank not in (None, BUNDLED_BANK_ID) and Path(bank).exists() else None


@app.command(name="list")
def list_blueprints(
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the exams you can take (the bundled blueprints)."""
    from pmpath.cli import render

    pmpath = application(framework, database_url)
    data = pmpath.catalogue()
    if as_json:
        render.json_out(data)
        return
    render.table(
        "Exams",
        # Size, time and pass mark share a column: six narrow columns leave no room at 80.
        ["Id", "Exam", "Length", "Levels"],
        [
            [
                b.id,
                render.named(b.name, b.summary),
                f"{b.items} questions, {b.minutes} minutes; pass mark {b.pass_mark:g}%",
                render.names(pmpath.framework, "stage", b.levels),
            ]
            for b in data.blueprints
        ],
    )


@app.command()
def start(
    blueprint: Annotated[str, typer.Argument(help="The exam's id (pmpath exam list).")],
    seed: Annotated[
        int | None, typer.Option("--seed", help="Assemble the form from this seed.")
    ] = None,
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Start, print the attempt as JSON (no keys) and exit, for scripts."
        ),
    ] = False,
) -> None:
    """Start a timed mock exam; the clock runs on the server from now on."""
    from pmpath.cli import player, render

    exams = application(framework, database_url).exams
    if as_json:
        render.json_out(exams.begin_mock(profile, blueprint, seed))
        return
    attempt = exams.start_mock(profile, blueprint, seed)
    bp = exams.blueprint(blueprint)
    render.heading(
        f"{bp.name}: {bp.items} questions, {bp.minutes} minutes, pass mark {bp.pass_mark:g}%"
    )
    render.say(
        f"Attempt {attempt}. Answers are saved as you give them; "
        "nothing is marked until you hand in."
    )
    if exams.view(attempt, profile).seconds_left is not None:
        # There is no pause: the deadline is kept on the server, where a learner cannot stop it.
        render.say(
            "The clock runs on the server and cannot be paused: /leave saves your answers "
            "and stops, but the time keeps running."
        )
    player.show_outcome(player.play(exams, profile, attempt))


@app.command(hidden=True)
def resume(
    attempt: Annotated[
        int | None, typer.Argument(help="The attempt to resume; default: your newest open one.")
    ] = None,
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """The old name of `pmpath resume` (kept for scripts)."""
    from pmpath.cli import resume_cmds

    typer.echo("note: `pmpath exam resume` is now `pmpath resume`; the old name will go.", err=True)
    what = None if attempt is None else str(attempt)
    resume_cmds.resume(what, profile, framework, database_url)


@app.command()
def answer(
    attempt: AttemptArgument,
    position: Annotated[int, typer.Argument(help="The question's position (0 is the first).")],
    response: Annotated[
        str,
        typer.Argument(
            help='The answer as JSON: "b", ["a","c"], 12.5, ["c","a","b"], {"Left": "a"}, "text", '
            '{"1": "a", "2": "c"} (a choice per gap).'
        ),
    ],
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Answer one question of an attempt (for scripts); prints the service's reply as JSON."""
    from pmpath.cli import render
    from pmpath.cli.answers_input import parse_json

    value = parse_json(response)
    render.json_out(
        application(framework, database_url)
        .exams_for_attempt(attempt)
        .answer(attempt, profile, position, value)
    )


@app.command()
def finish(
    attempt: AttemptArgument,
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hand in an attempt and show its results."""
    from pmpath.cli import player, render

    data = application(framework, database_url).exams_for_attempt(attempt).finish(attempt, profile)
    if as_json:
        render.json_out(data)
        return
    player.show_results(data, with_review=False)


@app.command()
def results(
    attempt: AttemptArgument,
    review: Annotated[
        bool, typer.Option("--review", help="Show every question with the key and explanations.")
    ] = False,
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a finished attempt's score, breakdowns and (with --review) every explanation."""
    from pmpath.cli import player, render

    data = application(framework, database_url).exams_for_attempt(attempt).results(attempt, profile)
    if as_json:
        render.json_out(data)
        return
    player.show_results(data, with_review=review)


class PractiseHelp(TyperCommand):
    """``pmpath practice --help`` ends with the bundled bank's domains and levels, one a line
    (an id is never wrapped at its hyphens). They are read when help is shown, not at every
    start."""

    def format_epilog(self, ctx: Context, formatter: HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        pmpath = application()
        bank = pmpath.bundled_bank
        used = {item.level for item in bank.items}
        with formatter.section("Domains (--domain)"):
            formatter.write_dl([(domain.id, domain.name) for domain in bank.domains])
        with formatter.section("Levels (--level)"):
            formatter.write_dl(
                [(stage.id, stage.name) for stage in pmpath.framework.stages if stage.id in used]
            )


def practice(
    domain: Annotated[
        list[str] | None,
        typer.Option(
            "--domain", "-d", help="A domain (listed below); repeat for several. Default: all."
        ),
    ] = None,
    level: Annotated[
        list[str] | None,
        typer.Option(
            "--level", "-l", help="A level (listed below); repeat for several. Default: all."
        ),
    ] = None,
    count: Annotated[
        int, typer.Option("--count", "-n", min=1, max=200, help="How many questions.")
    ] = 10,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Pick the questions from this seed.")
    ] = None,
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    bank: BankOption = None,
) -> None:
    """Practise: questions from the domains and levels you pick, each explained at once."""
    from pmpath.cli import player

    exams = application(framework, database_url).exams_for_local(bank)
    attempt = exams.start_practice(profile, domain, level, count, seed)
    player.show_outcome(player.play(exams, profile, attempt, bank_folder(bank)))


def review(
    profile: ProfileOption = DEFAULT_PROFILE,
    framework: FrameworkOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Review the questions you missed, when spaced repetition (FSRS) says they are due."""
    from rich.prompt import Prompt

    from pmpath.cli import player, render
    from pmpath.cli.answers_input import LETTERS, letters_help, parse
    from pmpath.errors import PmpathError

    exams = application(framework, database_url).exams
    queue = exams.review_queue(profile)
    if as_json:
        render.json_out(queue)
        return
    if not queue.due:
        upcoming = f" The next one is due {render.when(queue.next_due)}." if queue.next_due else ""
        render.say("Nothing is due for review." + upcoming)
        return
    render.heading(f"{len(queue.due)} questions due for review")
    for question in queue.due:
        render.say()
        if question.type == "gap":
            player.show_gaps(question)  # the text with its gaps, the choices under their gaps
        else:
            render.say(question.stem)
            for index, option in enumerate(question.options):
                render.say(f"  {LETTERS[index]}. {option.text}")
        while True:
            typed = Prompt.ask(f"Answer ({letters_help(question)})", console=render.console)
            try:
                reply = exams.review_answer(profile, question.item_id, parse(question, typed))
                break
            except PmpathError as exc:
                render.say(f"{exc} — try again.")
        player.show_feedback(question, reply)
        render.dim(f"Comes back {render.when(reply.next_due)}.")
