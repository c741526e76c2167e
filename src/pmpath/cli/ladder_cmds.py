"""Commands that explore the ladder: roles, a role, paths, diffs, competencies and the rest."""

from typing import Annotated

import typer

from pmpath.cli.application import application
from pmpath.cli.options import FrameworkOption, JsonOption, SpecialisationOption

RoleArg = Annotated[str, typer.Argument(help="A role or exit id, e.g. senior-product-manager.")]
StageFilter = Annotated[
    str | None, typer.Option("--stage", help="Only those suited to this stage id, e.g. entry.")
]
CompetencyFilter = Annotated[
    str | None,
    typer.Option("--competency", help="Only those that build this competency id."),
]


def roles(framework: FrameworkOption = None, as_json: JsonOption = False) -> None:
    """List every role and exit of the ladder, grouped by stage."""
    from pmpath.cli import render
    from pmpath.services import ladder

    fw = application(framework).framework
    data = ladder.roles_by_stage(fw)
    if as_json:
        render.json_out(data)
        return
    for stage in data.stages:
        rows = [
            [
                render.named(r.name, r.id),
                render.track_name(r.track),
                r.summary,
                render.names(fw, "role", r.next) or "-",
            ]
            for r in stage.roles
        ]
        render.table(stage.name, ["Role", "Track", "Summary", "Next"], rows)


def role(
    role_id: RoleArg,
    specialisation: SpecialisationOption = None,
    framework: FrameworkOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one role (or exit): summary, responsibilities, expected levels and next steps."""
    from pmpath.cli import render
    from pmpath.framework.versions import specialised
    from pmpath.services import ladder
    from pmpath.services.models.ladder import ExitDetail, RoleDetail

    plain = application(framework).framework
    fw = specialised(plain, specialisation)
    data = ladder.role_detail(fw, role_id)
    if as_json:
        render.json_out(data)
        return
    before = {e.competency: e.level for e in ladder.role_detail(plain, role_id).expectations}
    raised = [e for e in data.expectations if e.level != before[e.competency]]
    role_only = data if isinstance(data, RoleDetail) else None
    exit_only = data if isinstance(data, ExitDetail) else None
    aliases = f" (also: {', '.join(role_only.aliases)})" if role_only and role_only.aliases else ""
    render.heading(f"{data.name}{aliases}")
    track = render.track_name(data.track) if data.track else "Exit from the product ladder"
    render.dim(f"{data.id} · {data.stage_name} · {track}")
    render.say(data.summary)
    render.say()
    if specialisation is not None:
        spec = next(s for s in plain.specialisations if s.id == specialisation)
        changes = ", ".join(f"{e.name} {before[e.competency]} → {e.level}" for e in raised)
        render.say(f"In {spec.name.lower()}: {changes or 'no expectation changes at this stage'}.")
        render.say()
    render.bullets("Responsibilities", data.responsibilities)
    render.bullets("Success is measured by", role_only.success_measures if role_only else [])
    render.table(
        "Expected competencies",
        ["Competency", "Level", "Weight", "What it looks like"],
        [
            [
                render.named(e.name, "must-have" if e.must_have else None, "bold"),
                f"{e.level} {e.level_name}",
                f"{e.weight:g}",
                e.behaviour,
            ]
            for e in data.expectations
        ],
    )
    render.say()
    render.bullets("Comes from", [f"{p.name} ({p.id})" for p in data.previous])
    render.bullets("Next steps", [f"{n.name} ({n.id})" for n in data.next])
    render.bullets("First steps", exit_only.first_steps if exit_only else [])
    render.bullets(f"Advice for the {data.stage_name.lower()} stage", data.stage_preparation)


def path(
    from_role: Annotated[str, typer.Argument(metavar="FROM", help="The role to start from.")],
    to_role: Annotated[str, typer.Argument(metavar="TO", help="The role or exit to reach.")],
    track: Annotated[
        str | None,
        typer.Option(
            "--track",
            help="Stay on one track: individual-contributor or people-leader "
            "(roles marked 'both' belong to either).",
        ),
    ] = None,
    framework: FrameworkOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the shortest path and every path of next-role steps between two roles."""
    from pmpath.cli import render
    from pmpath.errors import PmpathError
    from pmpath.framework import Track
    from pmpath.services import ladder

    chosen: Track | None = None
    if track is not None:
        try:
            chosen = Track(track)
        except ValueError:
            raise PmpathError(
                f"--track must be individual-contributor, people-leader or both, not {track!r}"
            ) from None
    data = ladder.path_report(application(framework).framework, from_role, to_role, chosen)
    if as_json:
        render.json_out(data)
        return
    steps = " → ".join(step.name for step in data.shortest)
    render.heading(f"Shortest path ({len(data.shortest) - 1} steps)")
    render.say(steps)
    render.say()
    rows = [
        [str(i), str(len(p) - 1), " → ".join(step.name for step in p)]
        for i, p in enumerate(data.paths, start=1)
    ]
    render.table("Every path", ["#", "Steps", "Path"], rows)
    if data.truncated:
        render.dim(f"Only the first {len(rows)} paths are shown.")


def diff(
    from_role: Annotated[str, typer.Argument(metavar="FROM", help="The role you are in.")],
    to_role: Annotated[str, typer.Argument(metavar="TO", help="The role or exit you aim for.")],
    framework: FrameworkOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what changes between two roles: rising expectations, must-haves, new duties."""
    from pmpath.cli import render
    from pmpath.services import ladder

    fw = application(framework).framework
    data = ladder.diff_report(fw, from_role, to_role)
    if as_json:
        render.json_out(data)
        return
    render.heading(f"From {data.from_.name} to {data.to.name}")
    for title, changes in (
        ("Rising expectations", data.rising),
        ("Falling expectations", data.falling),
    ):
        if changes:
            render.table(
                title,
                ["Competency", "From", "To", "Change"],
                [[c.name, str(c.from_ or "-"), str(c.to), f"{c.delta:+d}"] for c in changes],
            )
    if not data.rising:
        render.say("No competency expectation rises.")
    render.dim(f"{len(data.unchanged)} competencies stay at the same level.")
    render.say()
    render.bullets("New must-haves", [fw.competency(c).name for c in data.new_must_haves])
    render.bullets("New responsibilities", data.new_responsibilities)


def stages(framework: FrameworkOption = None, as_json: JsonOption = False) -> None:
    """List the stages of the career with their roles and the advice for each."""
    from pmpath.cli import render
    from pmpath.services import ladder

    fw = application(framework).framework
    data = ladder.stages(fw)
    if as_json:
        render.json_out(data)
        return
    for stage in data.stages:
        render.heading(f"{stage.name} [{stage.id}]")
        render.say(stage.summary)
        render.dim(f"Roles: {render.names(fw, 'role', stage.roles) or '-'}")
        render.say()
        render.bullets("Preparation", stage.preparation)


def competencies(framework: FrameworkOption = None, as_json: JsonOption = False) -> None:
    """List the proficiency scale and every competency with its behaviours per level."""
    from pmpath.cli import render
    from pmpath.services import ladder

    data = ladder.competencies(application(framework).framework)
    if as_json:
        render.json_out(data)
        return
    render.table(
        "Proficiency scale",
        ["Level", "Name", "Meaning"],
        [[str(s.level), s.name, s.summary] for s in data.scale],
    )
    for area in data.areas:
        render.say()
        render.heading(f"{area.name}: {area.summary}")
        for comp in area.competencies:
            render.table(
                f"{comp.name} ({comp.id})",
                ["Level", "Behaviour"],
                [[level, text] for level, text in comp.behaviours.items()],
            )


def backgrounds(framework: FrameworkOption = None, as_json: JsonOption = False) -> None:
    """List the careers people come to product management from."""
    from pmpath.cli import render
    from pmpath.services import ladder

    fw = application(framework).framework
    data = ladder.backgrounds(fw)
    if as_json:
        render.json_out(data)
        return
    render.table(
        "Backgrounds",
        ["Id", "Background", "Summary", "Usual entry roles"],
        [
            [b.id, b.name, b.summary, render.names(fw, "role", b.suggested_entry_roles) or "-"]
            for b in data.backgrounds
        ],
    )


def background(
    background_id: Annotated[
        str, typer.Argument(help="A background id, e.g. software-engineering.")
    ],
    framework: FrameworkOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what a background brings, what it usually lacks, and how to make the move."""
    from pmpath.cli import render
    from pmpath.services import ladder

    data = ladder.background_detail(application(framework).framework, background_id)
    if as_json:
        render.json_out(data)
        return
    render.heading(f"From {data.name} into product management")
    render.say(data.summary)
    render.say()
    render.bullets("What you bring", data.advantages)
    render.table(
        "Transferable strengths",
        ["Competency", "Typical level"],
        [[s.name, f"{s.level} {s.level_name}"] for s in data.strengths],
    )
    render.say()
    render.bullets("Usual gaps", [g.name for g in data.typical_gaps])
    render.bullets("First steps", data.first_steps)
    render.bullets(
        "Roles to aim for first", [f"{r.name} ({r.id})" for r in data.suggested_entry_roles]
    )


def certifications(
    stage: StageFilter = None,
    competency: CompetencyFilter = None,
    framework: FrameworkOption = None,
    as_json: JsonOption = False,
) -> None:
    """List certifications and learning programmes, with what they build and when they fit."""
    from pmpath.cli import render
    from pmpath.services import ladder

    fw = application(framework).framework
    data = ladder.certifications(fw, stage, competency)
    if as_json:
        render.json_out(data)
        return
    render.table(
        "Certifications and learning programmes",
        ["Name", "Kind", "Builds", "Suits"],
        [
            [
                render.named(c.name, c.provider),
                render.kind_name(c.kind),
                render.names(fw, "competency", c.builds),
                render.names(fw, "stage", c.stages),
            ]
            for c in data.certifications
        ],
    )


def actions(
    stage: StageFilter = None,
    competency: CompetencyFilter = None,
    framework: FrameworkOption = None,
    as_json: JsonOption = False,
) -> None:
    """List development actions (stretch projects, shadowing, mentoring, reading, ...)."""
    from pmpath.cli import render
    from pmpath.services import ladder

    fw = application(framework).framework
    data = ladder.development_actions(fw, stage, competency)
    if as_json:
        render.json_out(data)
        return
    render.table(
        "Development actions",
        ["Action", "Kind", "Weeks", "Builds", "What to do"],
        [
            [
                a.name,
                render.kind_name(a.kind),
                str(a.weeks),
                render.names(fw, "competency", a.competencies),
                a.summary,
            ]
            for a in data.development_actions
        ],
    )


def specialisations(framework: FrameworkOption = None, as_json: JsonOption = False) -> None:
    """List the specialisations within product management and the interests that point to them."""
    from pmpath.cli import render
    from pmpath.services import ladder

    fw = application(framework).framework
    data = ladder.specialisations(fw)
    if as_json:
        render.json_out(data)
        return
    interests = {i.id: i.name for i in data.interests}
    render.table(
        "Specialisations",
        ["Specialisation", "Leans on", "For people who enjoy", "Summary"],
        [
            [
                s.name,
                render.names(fw, "competency", s.emphasis),
                ", ".join(interests.get(i, i) for i in s.interests) or "-",
                s.summary,
            ]
            for s in data.specialisations
        ],
    )


def exits(framework: FrameworkOption = None, as_json: JsonOption = False) -> None:
    """List the moves beyond the product ladder (general management, founding, ...)."""
    from pmpath.cli import render
    from pmpath.services import ladder

    fw = application(framework).framework
    data = ladder.exits(fw)
    if as_json:
        render.json_out(data)
        return
    render.table(
        "Beyond product management",
        ["Exit", "Usually from", "Summary"],
        [
            [render.named(e.name, e.id), render.names(fw, "role", e.from_roles), e.summary]
            for e in data.exits
        ],
    )
