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
    exam_cmds,
    hiring_cmds,
    irt_cmds,
    ladder_cmds,
    resume_cmds,
    serve_cmds,
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
    ("LMS, badges and xAPI", ["lti", "lti-grades", "badge", "xapi"]),
    ("Serve and administer", ["serve", "db"]),
]

#: Command groups loaded only when used: the module that holds each group's Typer app, and the
#: first line of its help for ``pmpath --help`` (tests/cli/test_lazy_groups.py checks it is the
#: group's own). Importing them all and building their commands cost every `pmpath --help`
#: about a third of its time.
LAZY_GROUPS: dict[str, tuple[str, str]] = {
    "framework": (
        "pmpath.cli.framework_cmds",
        "Check framework files, print the JSON Schema of the format, and export or import "
        "a ladder as a 1EdTech CASE package.",
    ),
    "db": ("pmpath.cli.db_cmds", "Manage the database schema."),
    "org": (
        "pmpath.cli.org_cmds",
        "Organisations and teams: members, invitations, manager and peer ratings, requests "
        "to self-assess, the access log and your own ladder, as the account given by --as.",
    ),
    "team": (
        "pmpath.cli.team_view_cmds",
        "A team's heat map, coverage, bench strength and what-if (managers and admins).",
    ),
    "calibration": (
        "pmpath.cli.calibration_cmds",
        "Rater calibration in an organisation: severities, sessions, adjustments, audit.",
    ),
    "promotion": (
        "pmpath.cli.promotion_cmds",
        "Promotion cases: open one for a member of your team, write the recommendation, "
        "submit it; an organisation admin decides.",
    ),
    "check-in": (
        "pmpath.cli.check_in_cmds",
        "Check-ins: a member's goals, the one-to-ones their manager records, the progress "
        "history and a team's history as CSV.",
    ),
    "my-data": (
        "pmpath.cli.my_data_cmds",
        "Your own data: export everything pmpath holds about you, or delete your account.",
    ),
    "badge": (
        "pmpath.cli.badge_cmds",
        "Open Badges 3.0: claim the signed badge of a passed exam or a placement test, "
        "download it, verify any badge, and revoke one (admins).",
    ),
    "lti": (
        "pmpath.cli.lti_cmds",
        "LTI 1.3: register the LMS platforms pmpath runs inside, list and rotate the tool's "
        "signing keys, and print the URLs to paste into an LMS.",
    ),
    "lti-grades": (
        "pmpath.cli.lti_grade_cmds",
        "LTI grades and rosters: send scores to LMS gradebooks, export a course's grades as "
        "CSV, bring a course's roster in as a team.",
    ),
    "xapi": (
        "pmpath.cli.xapi_cmds",
        "xAPI: send attempts, answers, self-assessments and placements to a learning record "
        "store (LRS), through an outbox that keeps them while the LRS is down.",
    ),
}


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


def _plain_help(command: Any) -> None:
    """Help in plain text, as the root's: a group built on its own would take Typer's default,
    Rich panels (and Rich's import time)."""
    if hasattr(command, "rich_markup_mode"):
        command.rich_markup_mode = None
    for sub in getattr(command, "commands", {}).values():
        _plain_help(sub)


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

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_GROUPS})

    def get_command(self, ctx: Any, name: str) -> Any:
        """A command; a lazy group is imported and built the first time it is asked for."""
        if name in LAZY_GROUPS and name not in self.commands:
            import importlib

            from typer.main import get_command

            sub_app = importlib.import_module(LAZY_GROUPS[name][0]).app
            # Shell completion is the root's business (it has none), as under add_typer.
            sub_app._add_completion = False
            group = get_command(sub_app)
            group.name = name
            _name_placeholders(group)
            _plain_help(group)
            self.add_command(group, name)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        from typer._click.exceptions import UsageError

        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            # Typer suggests only among the commands already built; the lazy groups count too.
            if args and exc.message.startswith("No such command"):
                from difflib import get_close_matches

                matches = get_close_matches(args[0], self.list_commands(ctx))
                exc.message = f"No such command {args[0]!r}."
                if matches:
                    exc.message += f" Did you mean {', '.join(repr(m) for m in matches)}?"
            raise

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        commands = {}
        for name in self.list_commands(ctx):
            if name in LAZY_GROUPS and name not in self.commands:
                commands[name] = LAZY_GROUPS[name][1]  # listed without loading it
                continue
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
# Hiring from the ladder (issue #19).
app.command(name="job-description")(hiring_cmds.job_description)
app.command(name="interview-kit")(hiring_cmds.interview_kit)
# Leading a team (issue #19): organisations, team views, calibration, promotion cases,
# check-ins, and a member's own data, every one acting as the account given by --as, are
# LAZY_GROUPS (above).


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
