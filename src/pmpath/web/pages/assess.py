"""The self-assessment wizard, the profile with its plan, history and the printable report.

Every page acts for the signed-in user's own profile only: the user comes from the session,
never from the URL, and the services check ownership again.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from pmpath.assessment import Confidence, Rating, SelfAssessment
from pmpath.errors import NotFoundError
from pmpath.services.accounts import User
from pmpath.services.guidance import guidance
from pmpath.services.models.guidance import Guidance
from pmpath.web.deps import App, RowId, signed_in
from pmpath.web.pages.render import page

router = APIRouter()


@router.get("/assess", response_class=HTMLResponse)
def intake(request: Request, app: App, me: Annotated[User, signed_in("/assess")]) -> Response:
    unfinished = app.assessments.unfinished(me.profile)
    if unfinished is not None:
        return RedirectResponse(f"/assess/{unfinished.id}", status_code=303)
    fw = app.framework
    return page(request, "assess_intake.html", {"fw": fw})


@router.post("/assess")
async def start(request: Request, app: App, me: Annotated[User, signed_in("/assess")]) -> Response:
    form = await request.form()
    fw = app.framework
    current = str(form.get("current_role") or "") or None
    background = str(form.get("background") or "") or None
    years_text = str(form.get("years") or "").strip()
    interests = tuple(str(i) for i in form.getlist("interests") if fw_has_interest(fw, str(i)))
    errors: dict[str, str] = {}
    if current is not None and not fw.has("role", current):
        errors["current_role"] = "choose a role from the list"
    if background is not None and not fw.has("background", background):
        errors["background"] = "choose a background from the list"
    years = None
    if years_text:
        try:
            years = float(years_text)
            if not 0 <= years <= 60:
                raise ValueError
        except ValueError:
            errors["years"] = "give a number of years from 0 to 60"
    if errors:
        return page(request, "assess_intake.html", {"fw": fw, "errors": errors}, 422)
    intake_answers = SelfAssessment(
        {}, background=background, current_role=current, years=years, interests=interests
    )
    assessment_id = app.assessments.start(me.profile, intake_answers)
    return RedirectResponse(f"/assess/{assessment_id}", status_code=303)


def fw_has_interest(fw: Any, interest: str) -> bool:
    return any(i.id == interest for i in fw.interests)


@router.get("/assess/{assessment_id}", response_class=HTMLResponse)
def question(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/assess/{assessment_id}")],
    assessment_id: RowId,
) -> Response:
    unfinished = app.assessments.unfinished(me.profile)
    if unfinished is None or unfinished.id != assessment_id:
        raise NotFoundError(f"no unfinished assessment {assessment_id}")
    fw = app.framework
    answered = unfinished.assessment.ratings
    remaining = [c for c in fw.competencies if c.id not in answered]
    if not remaining:
        return page(request, "assess_done.html", {"assessment_id": assessment_id})
    comp = remaining[0]
    number = len(answered) + 1
    return page(
        request,
        "assess_question.html",
        {
            "assessment_id": assessment_id,
            "competency": comp,
            "levels": [
                (level, fw.scale_name(level), comp.behaviours[level]) for level in fw.levels
            ],
            "number": number,
            "total": len(fw.competencies),
            "percent": round(100 * (number - 1) / len(fw.competencies)),
        },
    )


@router.post("/assess/{assessment_id}/answer")
def answer(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/assess/{assessment_id}")],
    assessment_id: RowId,
    competency: str = Form(...),
    level: int = Form(...),
    confidence: str = Form("medium"),
    evidence: str = Form(""),
) -> Response:
    try:
        sure = Confidence(confidence)
    except ValueError:
        sure = Confidence.MEDIUM
    notes = (evidence.strip()[:2000],) if evidence.strip() else ()
    app.assessments.answer(me.profile, assessment_id, Rating(competency, level, sure, notes))
    return RedirectResponse(f"/assess/{assessment_id}", status_code=303)


@router.post("/assess/{assessment_id}/finish")
def finish(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/assess/{assessment_id}")],
    assessment_id: RowId,
) -> Response:
    app.assessments.finish(me.profile, assessment_id)
    return RedirectResponse("/profile", status_code=303)


@router.get("/profile", response_class=HTMLResponse)
def profile(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/profile")],
    target: str | None = None,
) -> Response:
    done = app.assessments.history(me.profile)
    if not done:
        return page(request, "profile_empty.html", {})
    latest = done[-1]
    data = guidance(app.framework, latest.assessment, target, app.evidence(me.profile))
    progress = app.assessments.progress(me.profile)
    return page(
        request,
        "profile.html",
        {"data": data, "latest": latest, "progress": progress, "radar": _radar(app, data)},
    )


def _radar(ctx: Any, data: Guidance) -> Markup:
    from pmpath.reports import radar_svg

    gaps = sorted(data.gaps, key=lambda g: (g.area, g.name))
    svg = radar_svg(
        [g.name for g in gaps],
        [float(g.current) for g in gaps],
        [float(g.expected) for g in gaps],
        ctx.framework.levels.stop - 1,
        "Your levels",
        f"Expected for {data.target.role.name}",
    )
    return Markup(svg)  # built by charts.py with every text escaped


@router.get("/report", response_class=HTMLResponse)
def report(
    request: Request, app: App, me: Annotated[User, signed_in("/report")], target: str | None = None
) -> Response:
    from pmpath.reports import render_report

    data = app.assessments.report(me.profile, target, app.evidence(me.profile))
    data = data.model_copy(
        update={
            "readiness": app.psychometrics.readiness(me.profile),
            "profile": data.profile.model_copy(update={"name": me.name}),
        }
    )
    return HTMLResponse(render_report(data))
