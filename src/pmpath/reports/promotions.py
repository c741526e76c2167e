"""A promotion case as a document: printable HTML and Markdown.

The HTML is self-contained like the career report and the hiring documents (inline CSS with a
print stylesheet, no external URL): each part starts a new sheet on paper, links are printed
with their address, and the web app's bar (back to the case, Print) is not printed. The
Markdown is for ``pmpath promotion show`` and for pasting into a wiki or an HR system.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

import jinja2

from pmpath.reports.hiring import md, md_block
from pmpath.services.models.promotions import CompetencyCase, PromotionCase, PromotionCaseView

STATUS = {"draft": "Draft", "submitted": "Submitted", "decided": "Decided"}
DECISION = {"promote": "Promote", "not-yet": "Not yet"}
READINESS = {
    "ready-now": "ready now",
    "within-a-year": "ready within a year",
    "stretch": "a stretch",
    "not-yet": "not yet",
}
SOURCE = {"calibrated": "calibrated", "manager": "manager's rating", "self": "self-assessment"}
KIND = {"action": "Action", "certification": "Certification"}
#: What the plan says when the ladder has no step for the gaps that are left.
NO_ACTIONS = (
    "Your ladder has no development actions for these gaps yet: agree the steps in a check-in."
)
#: What a decision does and does not do, said beside it.
DECISION_EFFECT = (
    "A decision records the outcome; it does not change anyone's placement. {name}'s role on "
    "the ladder follows their self-assessment and the levels held for them: after a "
    "promotion, they self-assess again or their manager rates them at the new role."
)


def day(moment: datetime | None) -> str:
    """ "7 December 2026" (UTC); empty for None."""
    return f"{moment.day} {moment:%B %Y}" if moment else ""


def percent(value: float) -> str:
    return f"{round(value * 100):d}%"


def decision_words(case: PromotionCase) -> str:
    """ "Promote to Senior Product Manager" or "Not yet"; empty while undecided."""
    if case.decision == "promote":
        return f"Promote to {case.target_role.name}"
    return DECISION[case.decision] if case.decision else ""


def status_words(case: PromotionCase) -> str:
    """ "Draft", "Submitted", "Decided: Promote to Senior Product Manager"."""
    decided = decision_words(case)
    return f"{STATUS[case.status]}: {decided}" if decided else STATUS[case.status]


def as_of(view: PromotionCaseView) -> str:
    """Where the document comes from: "As submitted on 7 December 2026" for a frozen one,
    else "Assembled now from what pmpath holds today"."""
    if view.frozen:
        return f"As submitted on {day(view.document.assembled_at)}"
    return "Assembled now from what pmpath holds today"


def summary(view: PromotionCaseView) -> str:
    """The document's first sentence, in the tense its moment needs."""
    doc = view.document
    held, place_ = ("held", "placed") if view.frozen else ("holds now", "place")
    gaps = len(doc.gaps)
    return (
        f"The levels the organisation {held} {place_} {doc.subject} as {doc.target.placed.name}; "
        f"for {doc.target.role.name} they {'were' if view.frozen else 'are'} "
        f"{READINESS[doc.target.readiness.value]} (fit {doc.target.fit:.0f}%), with {gaps} "
        f"gap{'s' if gaps != 1 else ''} left."
    )


def title(view: PromotionCaseView) -> str:
    case = view.case
    spec = f" ({case.specialisation.name})" if case.specialisation else ""
    return f"{case.subject.name} for {case.target_role.name}{spec}"


def status_line(view: PromotionCaseView) -> str:
    """ "Draft", "Submitted on 7 December 2026", "Decided on ...: Promote to ..."."""
    case = view.case
    if case.status == "decided" and case.decision:
        return f"Decided on {day(case.decided_at)}: {decision_words(case)}"
    if case.status == "submitted":
        return f"Submitted on {day(case.submitted_at)}, waiting for a decision"
    return "Draft: not submitted yet"


def render_promotion_case(view: PromotionCaseView, *, back: str | None = None) -> str:
    """The case as a self-contained, printable HTML5 document; ``back`` (the web app's case
    page) adds a bar with a link back and a Print button, neither of them printed."""
    return (
        _environment()
        .get_template("promotion_case.html.j2")
        .render(
            view=view,
            case=view.case,
            doc=view.document,
            levels={s.level: s.name for s in view.document.scale},
            back=back,
        )
    )


def promotion_case_markdown(view: PromotionCaseView) -> str:
    """The case as CommonMark."""
    case, doc = view.case, view.document
    names = {s.level: s.name for s in doc.scale}
    lines = [f"# Promotion case: {md(title(view))}", ""]
    lines += [
        f"- **Status:** {md(status_line(view))}",
        f"- **Opened by:** {md(case.author.name if case.author else 'a former member')} "
        f"on {day(case.created_at)}",
        f"- **Organisation:** {md(case.organisation)} · ladder: {md(doc.framework_name)}",
        f"- **Document:** {md(as_of(view))}",
        "",
        "## Summary",
        "",
        md_block(summary(view)),
        "",
        *_recommendation_markdown(view),
        "## Ratings by source",
        "",
        f"Peers show only as their median, once {doc.peer_threshold} or more have rated. "
        "The current level is the calibrated one, else the manager's, else the self-rating.",
        "",
        "| Competency | Expected | Self | Manager | Peers | Calibrated | Current |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [_markdown_row(row, names) for row in doc.competencies]
    lines += ["", "## Calibration", ""]
    if doc.adjustments:
        lines += [
            f"- {md(a.name)}: {a.from_level if a.from_level is not None else 'none'} to "
            f"{a.to_level}, {day(a.at)}{f' by {md(a.by)}' if a.by else ''}: {md(a.reason)}"
            for a in doc.adjustments
        ]
    else:
        lines += ["No calibration adjustments."]
    lines += ["", "## Tested levels and exam readiness", ""]
    if not doc.exams.taken:
        lines += [f"No exams taken: {md(doc.subject)} has not taken a pmpath exam or practice."]
    else:
        tested = [c for c in doc.competencies if c.exam or c.tested]
        lines += [
            f"- {md(c.name)}: "
            + "; ".join(
                part
                for part in (
                    f"{c.exam.percent:g}% on {c.exam.items} exam items" if c.exam else "",
                    f"tested level {c.tested.rating} ({md(c.tested.level)})" if c.tested else "",
                )
                if part
            )
            for c in tested
        ] or ["No exam item has touched these competencies yet."]
        lines += [""]
        for exam in doc.exams.readiness:
            chance = (
                f"{percent(exam.probability)} chance of passing"
                if exam.enough_evidence
                else "not enough answers yet"
            )
            lines += [f"- {md(exam.name)}: {chance}"]
    lines += ["", f"## Gaps left for {md(doc.target.role.name)}", ""]
    if doc.gaps:
        lines += [
            f"- {md(g.name)}{' (must-have)' if g.must_have else ''}: level {g.current}, "
            f"expected {g.expected} ({g.gap} to go)"
            for g in doc.gaps
        ]
    else:
        lines += ["No gaps left: the current levels meet every expectation of the role."]
    lines += ["", "## Plan", ""]
    if doc.plan.steps:
        lines += [
            f"{step.order}. **{md(step.name)}** ({KIND[step.source].lower()}, weeks "
            f"{step.start_week}-{step.end_week}): {md(step.summary)}"
            for step in doc.plan.steps
        ]
    elif doc.gaps:
        lines += [NO_ACTIONS]
    else:
        lines += ["No steps: there is no gap left to close."]
    return "\n".join(lines).rstrip() + "\n"


def _recommendation_markdown(view: PromotionCaseView) -> list[str]:
    case = view.case
    lines = ["## Recommendation", ""]
    lines += [md_block(p) + "\n" for p in case.recommendation.split("\n") if p.strip()] or [
        "Not written yet.\n"
    ]
    if case.status == "decided" and case.decision:
        who = f" by {md(case.decided_by.name)}" if case.decided_by else ""
        lines += [
            "## Decision",
            "",
            f"**{md(decision_words(case))}**, {day(case.decided_at)}{who}.",
            "",
            md_block(case.decision_note or "") + "\n",
            md_block(DECISION_EFFECT.format(name=case.subject.name)) + "\n",
        ]
    return lines


def _markdown_row(row: CompetencyCase, names: dict[int, str]) -> str:
    manager = ""
    if row.manager:
        manager = str(row.manager.level)
        if row.manager.evidence.note:
            manager += f" ({md(row.manager.evidence.note)})"
        if row.manager.evidence.link:
            manager += f" <{row.manager.evidence.link}>"
    peers = f"{row.peers.median:g} (median of {row.peers.count})" if row.peers.median else ""
    current = (
        f"{row.current.level} {names.get(row.current.level, '')} ({SOURCE[row.current.source]})"
        if row.current
        else "not rated"
    )
    cells = [
        md(row.name) + (" (must-have)" if row.must_have else ""),
        str(row.expected or ""),
        str(row.self_level or ""),
        manager,
        peers,
        str(row.calibrated.level) if row.calibrated else "",
        md(current),
    ]
    return "| " + " | ".join(cell or "-" for cell in cells) + " |"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pmpath.reports", "templates"),
        autoescape=True,  # names, notes and recommendations are people's own text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["day"] = day
    env.filters["percent"] = percent
    env.globals.update(
        STATUS=STATUS,
        DECISION=DECISION,
        READINESS=READINESS,
        SOURCE=SOURCE,
        KIND=KIND,
        NO_ACTIONS=NO_ACTIONS,
        DECISION_EFFECT=DECISION_EFFECT,
        title=title,
        status_line=status_line,
        decision_words=decision_words,
        status_words=status_words,
        as_of=as_of,
        summary=summary,
    )
    return env
