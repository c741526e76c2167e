"""Job descriptions and interview kits as documents: Markdown, and printable HTML.

The HTML is self-contained like the career report (inline CSS with a print stylesheet, no
script, no URL), so it can be mailed to a hiring panel or printed as it is. The Markdown is
CommonMark, ready for a wiki, an applicant-tracking system or a job board. Neither depends on
the clock: the same data gives the same text.
"""

from __future__ import annotations

import re
from functools import cache

import jinja2

from pmpath.services.models.hiring import InterviewKit, JobDescription, KitCompetency

TRACKS = {
    "individual-contributor": "Individual-contributor track",
    "people-leader": "People-leader track",
    "both": "Individual-contributor or people-leader track",
}
KINDS = {"behavioural": "Behavioural question", "work-sample": "Work sample"}

# CommonMark's punctuation that could turn plain text into markup inside a line.
_MARKUP = re.compile(r"([\\`*_\[\]<>|])")


def md(text: str) -> str:
    """Plain text from the framework, safe inside a Markdown line."""
    return _MARKUP.sub(r"\\\1", " ".join(text.split()))


def md_block(text: str) -> str:
    """Plain text that starts a paragraph or a list item: safe there too, where a leading
    ``#``, ``>``, ``-`` or ``1.`` would begin a heading, a quote or a list."""
    escaped = re.sub(r"^([#>+-])", r"\\\1", md(text))
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", escaped)


def _title(role_name: str, specialisation: str | None) -> str:
    return f"{role_name} ({specialisation})" if specialisation else role_name


# --- Markdown ------------------------------------------------------------------------------------


def job_description_markdown(data: JobDescription) -> str:
    """The job description as CommonMark."""
    spec = data.specialisation
    lines = [f"# {md(_title(data.role.name, spec.name if spec else None))}", ""]
    if data.role.aliases:
        lines += [f"*Also advertised as: {md(', '.join(data.role.aliases))}*", ""]
    lines += [
        f"{md_block(data.role.stage_name)} stage · {md(TRACKS[data.role.track.value])}",
        "",
        md_block(data.summary),
        "",
    ]
    if spec:
        lines += [f"**{md(spec.name)}:** {md(spec.summary)}", ""]
    lines += ["## What you will do", ""]
    lines += [f"- {md_block(item)}" for item in data.responsibilities]
    if data.success_measures:
        lines += ["", "## How success is measured", ""]
        lines += [f"- {md_block(item)}" for item in data.success_measures]
    must = [e for e in data.expectations if e.must_have]
    rest = [e for e in data.expectations if not e.must_have]
    lines += ["", "## What we expect", ""]
    lines += [
        f"Levels are on the {md(data.framework.name)}'s scale; each describes what a person at "
        "that level does.",
    ]
    for heading, rows in (("Must-haves", must), ("Also expected", rest)):
        if not rows:
            continue
        lines += ["", f"### {heading}", ""]
        for row in rows:
            raised = f", raised from {row.raised_from}" if row.raised_from is not None else ""
            lines += [
                f"- **{md(row.name)}**: level {row.level}, {md(row.level_name)}{raised}. "
                f"{md(row.behaviour)}"
            ]
    lines += ["", _footer_markdown(data.framework.name, data.framework.version)]
    return "\n".join(lines) + "\n"


def interview_kit_markdown(data: InterviewKit) -> str:
    """The interview kit as CommonMark."""
    spec = data.specialisation
    title = _title(data.role.name, spec.name if spec else None)
    lines = [f"# Interview kit: {md(title)}", "", md_block(data.summary), ""]
    lines += ["## How to use this kit", ""]
    lines += [f"- {md_block(item)}" for item in data.guidance]
    lines += ["", "### Scoring", ""]
    lines += [f"- **{band.score}, {md(band.label)}**: {md(band.meaning)}" for band in data.scoring]
    for comp in data.competencies:
        lines += ["", *_competency_markdown(comp)]
    if data.not_covered:
        lines += ["", "## Not covered by these interviews", ""]
        lines += [
            f"- {md_block(c.name)}: level {c.level}, {md(c.level_name)}" for c in data.not_covered
        ]
    lines += ["", _footer_markdown(data.framework.name, data.framework.version)]
    return "\n".join(lines) + "\n"


def _competency_markdown(comp: KitCompetency) -> list[str]:
    must = " (must-have)" if comp.must_have else ""
    lines = [
        f"## {md(comp.name)}{must}",
        "",
        f"Expected: level {comp.level}, {md(comp.level_name)}. {md(comp.why)}",
    ]
    if comp.generated:
        lines += [
            "",
            "*The framework has no interview questions for this competency: a general question "
            "is asked, judged against the level's behaviour.*",
        ]
    for number, question in enumerate(comp.questions, start=1):
        lines += [
            "",
            f"### Question {number}: {md(KINDS[question.kind.value]).lower()}",
            "",
            f"> {md_block(question.question)}",
            "",
            f"**A strong answer at level {comp.level} shows:** {md(question.strong_answer)}",
        ]
        if question.red_flags:
            lines += ["", "**Red flags:**", ""]
            lines += [f"- {md_block(flag)}" for flag in question.red_flags]
    lines += ["", "### Placing the answers", ""]
    lines += [
        f"- **{anchor.relation.capitalize()} the bar, level {anchor.level} "
        f"{md(anchor.level_name)}:** {md(anchor.behaviour)}"
        for anchor in comp.anchors
    ]
    lines += ["", "**Score (1 to 4):**", "", "**Evidence heard:**"]
    return lines


def _footer_markdown(name: str, version: str) -> str:
    return f"---\n\nGenerated by pmpath from the {md(name)}, version {md(version)}."


# --- HTML ----------------------------------------------------------------------------------------


def render_job_description(data: JobDescription) -> str:
    """The job description as a self-contained, printable HTML5 document."""
    return _environment().get_template("job_description.html.j2").render(data=data)


def render_interview_kit(data: InterviewKit) -> str:
    """The interview kit as a self-contained, printable HTML5 document."""
    return _environment().get_template("interview_kit.html.j2").render(data=data)


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pmpath.reports", "templates"),
        autoescape=True,  # an organisation's ladder is user-supplied text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["TRACKS"] = TRACKS
    env.globals["KINDS"] = KINDS
    return env
