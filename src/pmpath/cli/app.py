"""The ``pmpath`` command: the root Typer app, error handling and the overview.

Start-up time matters for a CLI, so this module imports only Typer; each command
imports the heavy parts (pydantic, the framework, Rich) when it runs.
"""

import os
import re
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from pmpath import __version__
from pmpath.cli import (
    assess_cmds,
    bank_cmds,
    calibration_cmds,
    check_in_cmds,
    db_cmds,
    exam_cmds,
    framework_cmds,
    hiring_cmds,
    irt_cmds,
    ladder_cmds,
    my_data_cmds,
    org_cmds,
    promotion_cmds,
    resume_cmds,
    serve_cmds,
    team_view_cmds,
    transfer_cmds,
)
from pmpath.cli.application import application
from pmpath.cli.options import FrameworkOption, JsonOption

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


#: ``pmpath --help`` lists the commands by task, in this order (anything not named goes last).
HELP_PANELS = [
    ("Start here", ["overview", "assess", "practice", "exam", "resume"]),
    (
        "Explore the ladder",
        [
            "roles",
            "role",
            "path",
            "diff",
            "stages",
            "competencies",
            "backgrounds",
            "background",
            "certifications",
            "actions",
            "specialisations",
            "exits",
        ],
    ),
    ("Assess and plan", ["profile", "gaps", "plan", "history", "report"]),
    ("Hire", ["job-description", "interview-kit"]),
    ("Lead a team", ["org", "team", "calibration", "promotion", "check-in", "my-data"]),
    ("Practise", ["review"]),
    ("Author", ["bank", "import", "export", "framework"]),
    ("Serve and administer", ["serve", "db"]),
]


#: Placeholders in help, by parameter name, where the parameter's name alone would mislead
#: (any other parameter shows its name in capitals: --domain DOMAIN).
PLACEHOLDERS = {
    "answers": "FILE",
    "attempt": "NUMBER",
    "background_id": "BACKGROUND",
    "blueprint": "EXAM",
    "count": "N",
    "database_url": "URL",
    "format_name": "FORMAT",
    "framework": "FILE",
    "host": "ADDRESS",
    "min_responses": "N",
    "output": "FILE",
    "profile": "NAME",
    "response": "JSON",
    "responses": "FILE",
    "resume": "NUMBER",
    "role_id": "ROLE",
    "seed": "N",
    "target": "ROLE",
    "what": "NUMBER|assessment",
    "workers": "N",
}

#: Typer's own messages for a value of the wrong kind, as pmpath says them (patterns, compiled
#: only when a usage error is printed: nothing is compiled at start-up).
VALUE_PROBLEMS = [
    (r"Input should be a valid integer.*", "must be a whole number"),
    (r"Input should be a valid number.*", "must be a number"),
    (r"Input should be greater than or equal to (\S+?)\.?$", r"must be at least \1"),
    (r"Input should be less than or equal to (\S+?)\.?$", r"must be at most \1"),
]


def _name_placeholders(command: Any) -> None:
    """Give every option and argument a placeholder in words (``--count N``, ``ROLE``) instead
    of the Python type Typer shows by default (``<int range>``, ``<list[str]>``)."""
    for param in command.params:
        if param.metavar is None and not getattr(param, "is_flag", False) and param.name:
            param.metavar = PLACEHOLDERS.get(param.name, param.name.upper())
        if param.param_type_name == "argument":
            # Typer lists an argument as "ROLE <str>" even when it has a placeholder: the
            # placeholder alone, as for options.
            param.display_type_rich = lambda ctx: None
    for sub in getattr(command, "commands", {}).values():
        _name_placeholders(sub)


def _usage_problem(exc: Any) -> str:
    """A usage error of Click's (unknown command or option, a missing or bad value) as one
    line in pmpath's error style, ending with where the usage is explained."""
    from typer._click.exceptions import BadParameter, MissingParameter, NoSuchOption

    param = getattr(exc, "param", None)
    kind = name = None
    if param is not None:
        kind = param.param_type_name
        name = max(param.opts, key=len) if kind == "option" else param.metavar
    if isinstance(exc, MissingParameter) and name:
        text = f"missing {kind} {name}"
    elif isinstance(exc, BadParameter) and name:
        problem = exc.message
        for pattern, words in VALUE_PROBLEMS:
            problem = re.sub(pattern, words, problem)
        text = f"{name}: {problem}"
    elif isinstance(exc, NoSuchOption):
        text = f"no such option {exc.option_name}"
        if exc.possibilities:
            text += f"; did you mean {' or '.join(sorted(exc.possibilities))}?"
    else:
        text = exc.format_message().replace(". Did you mean", "; did you mean")
    text = text[:1].lower() + text[1:].rstrip(".")
    ctx = getattr(exc, "ctx", None)
    return f"{text} (see {ctx.command_path} -h)" if ctx is not None else text


class _PmpathGroup(TyperGroup):
    """Turns a :class:`PmpathError` into one clear line per problem on stderr and an exit code,
    prints Click's usage errors in the same style, and lists the commands by task in
    ``--help``."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        from typer._click.exceptions import ClickException, NoArgsIsHelpError

        _name_placeholders(self)
        try:
            code = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except NoArgsIsHelpError as exc:  # `pmpath exam` alone: the group's help, as asked
            exc.show()
            code = exc.exit_code
        except ClickException as exc:
            typer.echo(f"error: {_usage_problem(exc)}", err=True)
            code = exc.exit_code
        except typer.Abort:  # the input ended at a prompt (Ctrl-D, or a script's input ran out)
            typer.echo("\nerror: the input ended before the command could finish", err=True)
            code = EXIT_FAILURE
        if not standalone_mode:
            return code
        # Without standalone mode Typer returns the exit code of typer.Exit, else the
        # command's return value (None: success).
        sys.exit(code if isinstance(code, int) else 0)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        commands = {}
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                # The whole first sentence: the formatter wraps it rather than cutting it.
                commands[name] = command.get_short_help_str(limit=200)
        placed = {name for _, names in HELP_PANELS for name in names}
        panels = [*HELP_PANELS, ("Other", sorted(set(commands) - placed))]
        for title, names in panels:
            rows = [(name, commands[name]) for name in names if name in commands]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def invoke(self, ctx: Any) -> Any:  # a click Context; typer does not re-export its type
        from pmpath.errors import PmpathError

        # One application object per command run: a file or database changed between two
        # runs in one process (tests, scripts calling main()) is read afresh.
        application.cache_clear()
        try:
            return super().invoke(ctx)
        except PmpathError as exc:
            if ctx.meta.get("pmpath.debug"):
                raise
            for problem in exc.problems:
                typer.echo(f"error: {problem}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT if exc.is_bad_input else EXIT_FAILURE) from None


app = typer.Typer(
    name="pmpath",
    cls=_PmpathGroup,
    help="pmpath: a career-path navigator for product managers.\n\n"
    "Assess yourself against the product-management ladder, see your gaps and a growth plan, "
    "and practise with mock exams. New here? Run `pmpath assess`, or `pmpath` for the ladder. "
    "Every command that reports data accepts --json, and --framework FILE (or the "
    "PMPATH_FRAMEWORK environment variable) points it at your own ladder.",
    rich_markup_mode=None,  # Rich-formatted help costs ~200 ms of imports at every start
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pmpath {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when a command fails.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    ctx.meta["pmpath.debug"] = debug
    if ctx.invoked_subcommand is None:
        ctx.invoke(overview)


@app.command()
def overview(framework: FrameworkOption = None, as_json: JsonOption = False) -> None:
    """Show the ladder at a glance: stages, roles and where to go next."""
    from pmpath.cli import render
    from pmpath.services import ladder

    fw = application(framework).framework
    data = ladder.roles_by_stage(fw)
    if as_json:
        render.json_out(data)
        return
    render.overview(data)


app.command(name="serve")(serve_cmds.serve)
app.command(name="roles")(ladder_cmds.roles)
app.command(name="role")(ladder_cmds.role)
app.command(name="path")(ladder_cmds.path)
app.command(name="diff")(ladder_cmds.diff)
app.command(name="stages")(ladder_cmds.stages)
app.command(name="competencies")(ladder_cmds.competencies)
app.command(name="backgrounds")(ladder_cmds.backgrounds)
app.command(name="background")(ladder_cmds.background)
app.command(name="certifications")(ladder_cmds.certifications)
app.command(name="actions")(ladder_cmds.actions)
app.command(name="specialisations")(ladder_cmds.specialisations)
app.command(name="exits")(ladder_cmds.exits)
app.command(name="assess")(assess_cmds.assess)
app.command(name="resume")(resume_cmds.resume)
app.command(name="profile")(assess_cmds.profile)
app.command(name="history")(assess_cmds.history)
app.command(name="gaps")(assess_cmds.gaps)
app.command(name="plan")(assess_cmds.plan)
app.command(name="report")(assess_cmds.report)
app.add_typer(framework_cmds.app, name="framework")
app.command(name="practice", cls=exam_cmds.PractiseHelp)(exam_cmds.practice)
app.command(name="review")(exam_cmds.review)
app.command(name="import")(transfer_cmds.import_file)
app.command(name="export")(transfer_cmds.export)
exam_cmds.app.command(name="placement")(irt_cmds.placement)
exam_cmds.app.command(name="placement-answer")(irt_cmds.placement_answer)
exam_cmds.app.command(name="adaptive")(irt_cmds.adaptive)
exam_cmds.app.command(name="readiness")(irt_cmds.readiness)
exam_cmds.app.command(name="ability")(irt_cmds.ability)
bank_cmds.app.command(name="calibrate")(irt_cmds.calibrate)
bank_cmds.app.command(name="parameters")(irt_cmds.parameters)
app.add_typer(exam_cmds.app, name="exam")
app.add_typer(bank_cmds.app, name="bank")
app.add_typer(db_cmds.app, name="db")
# Hiring from the ladder (issue #19).
app.command(name="job-description")(hiring_cmds.job_description)
app.command(name="interview-kit")(hiring_cmds.interview_kit)
# Leading a team (issue #19): organisations, team views, calibration, promotion cases,
# check-ins, and a member's own data; every one acts as the account given by --as.
app.add_typer(org_cmds.app, name="org")
app.add_typer(team_view_cmds.app, name="team")
app.add_typer(calibration_cmds.app, name="calibration")
app.add_typer(promotion_cmds.app, name="promotion")
app.add_typer(check_in_cmds.app, name="check-in")
app.add_typer(my_data_cmds.app, name="my-data")


def main() -> None:
    """Entry point of the ``pmpath`` console script."""
    _skip_pydantic_plugins(sys.argv[1:])
    app(prog_name="pmpath")


def _skip_pydantic_plugins(arguments: list[str]) -> None:
    """Tell pydantic not to look for plugins, unless the user said otherwise or serves.

    The first model pydantic builds makes it read the entry points of every installed package
    in search of plugins (observability hooks such as logfire's): about 20 ms, an eighth of
    ``pmpath roles``, and nothing a one-off command uses. ``pmpath serve`` keeps them.
    """
    if "serve" not in arguments:
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


if __name__ == "__main__":  # pragma: no cover - `python -m pmpath.cli.app`
    main()
