"""The self-assessment wizard, the profile with its plan, history and the printable report.

Every page acts for the signed-in user's own profile only: the user comes from the session,
never from the URL, and the services check ownership again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from pmpath.assessment import Confidence, Rating, SelfAssessment
from pmpath.errors import NotFoundError
from pmpath.framework import Framework
from pmpath.services.accounts import User
from pmpath.services.assessments import AssessmentService, StoredAssessment
from pmpath.services.dashboard import compare
from pmpath.services.guidance import guidance
from pmpath.services.models.guidance import Guidance
from pmpath.web.auth import user
from pmpath.web.deps import App, RowId, SignInFirst, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.render import page

router = APIRouter()


#: The confidence choices of a wizard step, as the page words them.
CONFIDENCE_NAMES = {
    Confidence.LOW: "Not very sure",
    Confidence.MEDIUM: "Fairly sure",
    Confidence.HIGH: "Sure, I have evidence",
}
#: The longest evidence note kept per answer.
MAX_EVIDENCE = 2000


@dataclass(frozen=True)
class WizardLadder:
    """The ladder a wizard runs on: the bundled one under ``/assess``, an organisation's own
    (its newest version) under ``/organisations/{id}/assess``. The wizard's helpers read only
    ``framework`` and ``assessments`` from it, as they would from the application."""

    framework: Framework
    assessments: AssessmentService
    #: Where the wizard's pages live: "/assess" or "/organisations/7/assess".
    base: str
    #: The organisation whose ladder it is (None for the bundled ladder).
    organisation: str | None
    #: Where a finished assessment leads: the profile, or the organisation's page.
    done: str


def wizard_ladder(request: Request, app: App) -> WizardLadder:
    """The ladder of the wizard page requested: an ``organisation_id`` in the path means that
    organisation's own ladder, for its members only (404 for anyone else and while it has no
    ladder)."""
    organisation_id = request.path_params.get("organisation_id")
    if organisation_id is None:
        return WizardLadder(app.framework, app.assessments, "/assess", None, "/profile")
    me = user(request)
    if me is None:
        raise SignInFirst(request.url.path if request.method == "GET" else "/teams")
    if not str(organisation_id).isdigit():
        raise NotFoundError(f"there is no organisation {organisation_id}")
    name, ladder = app.teams.ladders.for_member(me, int(organisation_id))
    service = AssessmentService(app.database, ladder, app.clock)
    base = f"/organisations/{organisation_id}/assess"
    return WizardLadder(ladder, service, base, name, f"/organisations/{organisation_id}")


Ladder = Annotated[WizardLadder, Depends(wizard_ladder)]
ORG = "/organisations/{organisation_id}"


@router.get("/assess", response_class=HTMLResponse)
@router.get(ORG + "/assess", response_class=HTMLResponse)
def intake(request: Request, ladder: Ladder, me: Annotated[User, signed_in("/assess")]) -> Response:
    """The intake questions; with an assessment in progress, the choice to continue it where it
    was left or to start over."""
    unfinished = ladder.assessments.unfinished(me.profile)
    if unfinished is not None:
        return page(request, "assess_resume.html", _resume_values(ladder, unfinished))
    return _intake_page(request, ladder, {})


@router.get("/assess/new", response_class=HTMLResponse)
@router.get(ORG + "/assess/new", response_class=HTMLResponse)
def start_over(
    request: Request, ladder: Ladder, me: Annotated[User, signed_in("/assess")]
) -> Response:
    """The intake questions for a new assessment, filled in with the unfinished one's answers
    (if any), so starting over does not mean typing them again."""
    unfinished = ladder.assessments.unfinished(me.profile)
    values = _intake_values(unfinished.assessment) if unfinished is not None else {}
    return _intake_page(request, ladder, values, restarting=unfinished is not None)


def _resume_values(ladder: WizardLadder, unfinished: StoredAssessment) -> dict[str, Any]:
    total = len(ladder.framework.competencies)
    answered = len(unfinished.assessment.ratings)
    return {
        "wizard": ladder,
        "assessment_id": unfinished.id,
        "answered": answered,
        "total": total,
        "next_step": _resume_step(ladder, unfinished),
        "started_at": unfinished.started_at,
    }


def _resume_step(ladder: WizardLadder, unfinished: StoredAssessment) -> int:
    """The step to go on from: the first competency not yet answered (total + 1 when every
    one is answered: the finishing page)."""
    ratings = unfinished.assessment.ratings
    for number, comp in enumerate(ladder.framework.competencies, start=1):
        if comp.id not in ratings:
            return number
    return len(ladder.framework.competencies) + 1


def _intake_page(
    request: Request,
    ladder: WizardLadder,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    restarting: bool = False,
    changing: int | None = None,
) -> Response:
    """The intake questions; ``changing``: the unfinished assessment whose answers they are
    (reached by Back from step 1), saved in place rather than starting a new one."""
    fw = ladder.framework
    context = {
        "wizard": ladder,
        "fw": fw,
        "values": values,
        "errors": errors or {},
        "restarting": restarting,
        "changing": changing,
    }
    return page(request, "assess_intake.html", context, 422 if errors else 200)


def _intake_values(assessment: SelfAssessment) -> dict[str, Any]:
    """The intake answers of ``assessment`` as the intake form shows them."""
    return {
        "current_role": assessment.current_role or "",
        "background": assessment.background or "",
        "years": f"{assessment.years:g}" if assessment.years is not None else "",
        "interests": list(assessment.interests),
    }


def _read_intake(fw: Any, form: Any) -> tuple[SelfAssessment, dict[str, Any], dict[str, str]]:
    """The intake answers a form posts, what was typed (to show again) and every problem at
    once, by field id, in the order of the form."""
    current = str(form.get("current_role") or "") or None
    background = str(form.get("background") or "") or None
    years_text = str(form.get("years") or "").strip()
    chosen = [str(i) for i in form.getlist("interests")]
    interests = tuple(i for i in chosen if fw_has_interest(fw, i))
    # Every problem at once, in the order of the form.
    errors: dict[str, str] = {}
    if current is not None and not fw.has("role", current):
        errors["current_role"] = "choose your current role from the list"
    if background is not None and not fw.has("background", background):
        errors["background"] = "choose the career you come from from the list"
    years = None
    if years_text:
        try:
            years = float(years_text.replace(",", "."))
            if not 0 <= years <= 60:
                raise ValueError
        except ValueError:
            errors["years"] = "give your years of work experience as a number from 0 to 60"
    if len(interests) != len(chosen):
        first = fw.interests[0].id if fw.interests else "none"
        errors[f"interest-{first}"] = "choose what you enjoy from the list"
    typed = {
        "current_role": current or "",
        "background": background or "",
        "years": years_text,
        "interests": list(interests),
    }
    intake_answers = SelfAssessment(
        {}, background=background, current_role=current, years=years, interests=interests
    )
    return intake_answers, typed, errors


@router.post("/assess")
@router.post(ORG + "/assess")
async def start(
    request: Request, ladder: Ladder, me: Annotated[User, signed_in("/assess")]
) -> Response:
    intake_answers, typed, errors = _read_intake(ladder.framework, await request.form())
    if errors:
        return _intake_page(request, ladder, typed, errors)
    assessment_id = ladder.assessments.start(me.profile, intake_answers)
    return RedirectResponse(f"{ladder.base}/{assessment_id}/step/1", status_code=303)


@router.get("/assess/{assessment_id}/intake", response_class=HTMLResponse)
@router.get(ORG + "/assess/{assessment_id}/intake", response_class=HTMLResponse)
def intake_again(
    request: Request,
    ladder: Ladder,
    me: Annotated[User, signed_in("/assess/{assessment_id}")],
    assessment_id: RowId,
) -> Response:
    """Back from step 1: the intake answers as given, to change; the ratings stay."""
    unfinished = _own_unfinished(ladder, me, assessment_id)
    values = _intake_values(unfinished.assessment)
    return _intake_page(request, ladder, values, changing=assessment_id)


@router.post("/assess/{assessment_id}/intake")
@router.post(ORG + "/assess/{assessment_id}/intake")
async def change_intake(
    request: Request,
    ladder: Ladder,
    me: Annotated[User, signed_in("/assess/{assessment_id}")],
    assessment_id: RowId,
) -> Response:
    """Save the changed intake answers in place, then on to step 1 (its answer kept)."""
    _own_unfinished(ladder, me, assessment_id)
    intake_answers, typed, errors = _read_intake(ladder.framework, await request.form())
    if errors:
        return _intake_page(request, ladder, typed, errors, changing=assessment_id)
    ladder.assessments.change_intake(me.profile, assessment_id, intake_answers)
    return RedirectResponse(f"{ladder.base}/{assessment_id}/step/1", status_code=303)


def fw_has_interest(fw: Any, interest: str) -> bool:
    return any(i.id == interest for i in fw.interests)


def _own_unfinished(ladder: WizardLadder, me: User, assessment_id: int) -> StoredAssessment:
    unfinished = ladder.assessments.unfinished(me.profile)
    if unfinished is None or unfinished.id != assessment_id:
        raise NotFoundError(f"no unfinished assessment {assessment_id}")
    return unfinished


@router.get("/assess/{assessment_id}", response_class=HTMLResponse)
@router.get(ORG + "/assess/{assessment_id}", response_class=HTMLResponse)
def resume(
    request: Request,
    ladder: Ladder,
    me: Annotated[User, signed_in("/assess/{assessment_id}")],
    assessment_id: RowId,
) -> Response:
    """Where the assessment was left: its first unanswered step, or the finishing page."""
    unfinished = _own_unfinished(ladder, me, assessment_id)
    step = _resume_step(ladder, unfinished)
    if step > len(ladder.framework.competencies):
        return page(
            request,
            "assess_done.html",
            {"wizard": ladder, "assessment_id": assessment_id, "total": step - 1},
        )
    return RedirectResponse(f"{ladder.base}/{assessment_id}/step/{step}", status_code=303)


@router.get("/assess/{assessment_id}/step/{step}", response_class=HTMLResponse)
@router.get(ORG + "/assess/{assessment_id}/step/{step}", response_class=HTMLResponse)
def question(
    request: Request,
    ladder: Ladder,
    me: Annotated[User, signed_in("/assess/{assessment_id}")],
    assessment_id: RowId,
    step: int,
) -> Response:
    """One competency; an answered one shows its saved answer, ready to be changed."""
    unfinished = _own_unfinished(ladder, me, assessment_id)
    total = len(ladder.framework.competencies)
    if not 1 <= step <= total:
        raise NotFoundError(f"the self-assessment has steps 1 to {total}, not {step}")
    # Steps after the first unanswered one wait their turn: the wizard goes in order.
    first_open = _resume_step(ladder, unfinished)
    if step > first_open:
        return RedirectResponse(f"{ladder.base}/{assessment_id}/step/{first_open}", status_code=303)
    return _question_page(request, ladder, unfinished, step)


def _question_page(
    request: Request,
    ladder: WizardLadder,
    unfinished: StoredAssessment,
    step: int,
    typed: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    """Step ``step`` (1-based) with the saved answer, or with what was ``typed`` when it was
    refused (``errors`` by field id)."""
    fw = ladder.framework
    comp = fw.competencies[step - 1]
    saved = unfinished.assessment.ratings.get(comp.id)
    if typed is None:
        typed = {
            "level": saved.level if saved else None,
            "confidence": saved.confidence.value if saved else Confidence.MEDIUM.value,
            "evidence": "\n".join(saved.evidence) if saved else "",
        }
    total = len(fw.competencies)
    return page(
        request,
        "assess_question.html",
        {
            "wizard": ladder,
            "assessment_id": unfinished.id,
            "competency": comp,
            "levels": [
                (level, fw.scale_name(level), comp.behaviours[level]) for level in fw.levels
            ],
            "confidences": [(c.value, name) for c, name in CONFIDENCE_NAMES.items()],
            "number": step,
            "total": total,
            "answered": len(unfinished.assessment.ratings),
            "saved": saved is not None,
            "values": typed,
            "errors": errors or {},
        },
        422 if errors else 200,
    )


@router.post("/assess/{assessment_id}/answer")
@router.post(ORG + "/assess/{assessment_id}/answer")
def answer(
    request: Request,
    ladder: Ladder,
    me: Annotated[User, signed_in("/assess/{assessment_id}")],
    assessment_id: RowId,
    competency: str = Form(...),
    level: str = Form(""),
    confidence: str = Form("medium"),
    evidence: str = Form(""),
    go: str = Form("next"),
) -> Response:
    """Save the step's answer (committed at once), then go on, or back with ``go=back``. Back
    with no level chosen saves nothing and just goes back; going on needs a level."""
    unfinished = _own_unfinished(ladder, me, assessment_id)
    fw = ladder.framework
    ids = [c.id for c in fw.competencies]
    if competency not in ids:
        raise NotFoundError("this question is not part of the self-assessment")
    step = ids.index(competency) + 1
    typed: dict[str, Any] = {"level": None, "confidence": confidence, "evidence": evidence}
    errors: dict[str, str] = {}
    chosen: int | None = None
    if level.strip():
        try:
            chosen = int(level)
        except ValueError:
            chosen = None
        if chosen not in fw.levels:
            errors[f"level-{fw.levels[0]}"] = "choose one of the descriptions"
            chosen = None
        typed["level"] = chosen
    elif go != "back":
        errors[f"level-{fw.levels[0]}"] = "choose the description that fits you best"
    try:
        sure = Confidence(confidence)
    except ValueError:
        errors["confidence"] = "choose how sure you are from the list"
        sure = Confidence.MEDIUM
    if len(evidence.strip()) > MAX_EVIDENCE:
        errors["evidence"] = f"keep the evidence to {MAX_EVIDENCE} characters"
    if errors:
        return _question_page(request, ladder, unfinished, step, typed, errors)
    if chosen is not None:
        notes = (evidence.strip(),) if evidence.strip() else ()
        ladder.assessments.answer(
            me.profile, assessment_id, Rating(competency, chosen, sure, notes)
        )
    if go == "back":
        # Back from step 1 is the intake questions, to change them in place.
        back = f"{ladder.base}/{assessment_id}/step/{step - 1}"
        target = back if step > 1 else f"{ladder.base}/{assessment_id}/intake"
    elif step < len(ids):
        target = f"{ladder.base}/{assessment_id}/step/{step + 1}"
    else:
        target = f"{ladder.base}/{assessment_id}"
    return RedirectResponse(target, status_code=303)


@router.post("/assess/{assessment_id}/finish")
@router.post(ORG + "/assess/{assessment_id}/finish")
def finish(
    request: Request,
    ladder: Ladder,
    me: Annotated[User, signed_in("/assess/{assessment_id}")],
    assessment_id: RowId,
) -> Response:
    ladder.assessments.finish(me.profile, assessment_id)
    response = RedirectResponse(ladder.done, status_code=303)
    if ladder.organisation is not None:
        # The profile and report pages read the bundled ladder: say here where the
        # organisation's own places the person (the team page shows it from now on).
        placed = guidance(ladder.framework, ladder.assessments.latest(me.profile).assessment)
        status = "ready now" if placed.placement.status == "ready-now" else "working towards it"
        flash(
            response,
            request,
            f"Your self-assessment on {ladder.framework.name} is saved: it places you as "
            f"{placed.placement.role.name} ({status}).",
        )
    return response


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
    tested = app.psychometrics.latest_placement(me.profile)
    return page(
        request,
        "profile.html",
        {
            "data": data,
            "latest": latest,
            "progress": progress,
            "radar": _radar(app, data),
            "comparison": compare(app.framework, data, tested, app.blueprints),
            "readiness": app.psychometrics.readiness(me.profile),
            "scale": {s.level: s.name for s in app.framework.scale},
        },
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

    if not app.assessments.history(me.profile):
        # The report is of a self-assessment: without one, the profile page says what to do.
        return RedirectResponse("/profile", status_code=303)
    data = app.assessments.report(me.profile, target, app.evidence(me.profile))
    data = data.model_copy(
        update={
            "readiness": app.psychometrics.readiness(me.profile),
            "profile": data.profile.model_copy(update={"name": me.name}),
        }
    )
    return HTMLResponse(render_report(data, site=True))
