"""Exams in the browser: the list, the player, results and review, practice and spaced review.

The player works without JavaScript: each question is a form, every answer is saved when it
is given, and reloading or coming back later resumes the attempt. The timer is the server's;
the page only counts down what the server said, and announces it to screen readers every
five minutes rather than every second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from pmpath.errors import AttemptError, NotFoundError, PmpathError, ResponseError
from pmpath.services.accounts import User
from pmpath.web.deps import App, MaybeUser, Position, RowId, signed_in
from pmpath.web.flash import flash
from pmpath.web.pages.render import page, when

if TYPE_CHECKING:
    from pmpath.services.models.exams import AttemptView, LearnerResponse, QuestionView

router = APIRouter()
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOCKED = (
    "You have already answered this question, and its feedback is below: in practice an "
    "answer is final once you have seen the right one."
)


@router.get("/exams", response_class=HTMLResponse)
def exams(request: Request, app: App, me: MaybeUser) -> Response:
    open_attempts = app.exams.unfinished(me.profile) if me else []
    past = app.exams.history(me.profile) if me else None
    history = past.attempts if past else []
    readiness = app.psychometrics.readiness(me.profile) if me else None
    chart: Markup | None = None
    if past and history:
        from pmpath.reports import trend_svg

        names = {d.id: d.name for d in app.exams.bank.domains}
        series = {"Overall": [a.score for a in history]}
        series |= {names.get(d, d): scores for d, scores in past.domain_trends.items()}
        chart = Markup(
            trend_svg(series, "Your exam scores over your attempts, overall and by domain.")
        )
    return page(
        request,
        "exams.html",
        {
            "blueprints": app.exams.catalogue().blueprints,
            "open": open_attempts,
            "history": history,
            "chart": chart,
            "readiness": readiness,
            "ready": {e.blueprint: e for e in readiness.exams} if readiness else {},
        },
    )


@router.post("/exams/{blueprint_id}/start")
async def start(
    request: Request, app: App, me: Annotated[User, signed_in("/exams")], blueprint_id: str
) -> Response:
    # Inline on the event loop, as the API's start (see pmpath.web.api.bodies).
    attempt = app.exams.start_mock(me.profile, blueprint_id)
    return RedirectResponse(f"/attempts/{attempt}", status_code=303)


@router.get("/practice", response_class=HTMLResponse)
def practice_form(
    request: Request, app: App, me: Annotated[User, signed_in("/practice")]
) -> Response:
    imported = app.banks.listing().banks
    return page(
        request,
        "practice.html",
        {"domains": app.exams.bank.domains, "stages": app.framework.stages[:-1], "banks": imported},
    )


@router.post("/practice")
async def practice(
    request: Request, app: App, me: Annotated[User, signed_in("/practice")]
) -> Response:
    form = await request.form()
    domains = [str(d) for d in form.getlist("domains")] or None
    levels = [str(level) for level in form.getlist("levels")] or None
    try:
        count = max(1, min(50, int(str(form.get("count") or 10))))
    except ValueError:
        count = 10
    bank = str(form.get("bank") or "") or None
    if bank is not None:
        domains = None  # the bundled bank's domains do not apply to an imported one

    def start() -> int:
        # An imported bank is read from the database and assembled: off the event loop.
        return app.exams_for(bank).start_practice(me.profile, domains, levels, count)

    attempt = await run_in_threadpool(start)
    return RedirectResponse(f"/attempts/{attempt}", status_code=303)


@router.get("/attempts/{attempt_id}", response_class=HTMLResponse)
def attempt(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/attempts/{attempt_id}")],
    attempt_id: RowId,
) -> Response:
    view = _running(app, me, attempt_id)
    if isinstance(view, Response):
        return view
    pending = [q.position for q in view.questions if q.response is None]
    position = pending[0] if pending else 0
    return RedirectResponse(f"/attempts/{attempt_id}/q/{position}", status_code=303)


@router.get("/attempts/{attempt_id}/q/{position}", response_class=HTMLResponse)
def question_page(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/attempts/{attempt_id}")],
    attempt_id: RowId,
    position: Position,
) -> Response:
    # No message from the query string: a link could make the page show any text.
    return question(request, app, me, attempt_id, position)


def question(
    request: Request,
    app: App,
    me: User,
    attempt_id: int,
    position: int,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The question page; ``error``: why the answer just posted was refused."""
    view = _running(app, me, attempt_id)
    if isinstance(view, Response):
        return view
    questions = view.questions
    if not 0 <= position < len(questions):
        raise AttemptError(f"attempt {attempt_id} has no question {position + 1}")
    return page(
        request,
        "question.html",
        {"view": view, "q": questions[position], "letters": LETTERS, "error": error},
        status,
    )


def is_blank(question: QuestionView, form: Any) -> bool:
    """True when the form carries no answer at all: saving then just moves on."""
    kind = question.type
    if kind == "matching":
        return not any(form.get(f"match-{n}") for n in range(len(question.lefts)))
    if kind == "ordering":
        # A browser always sends the selects' order; a form without any (a script, or a
        # save with nothing on the page) carries no answer.
        return not any(form.get(f"order-{n}") for n in range(len(question.options)))
    return not [v for v in form.getlist("response") if str(v).strip()]


def form_response(question: QuestionView, form: Any) -> LearnerResponse:
    """The response the question's form fields carry (the scorer refuses a wrong shape)."""
    kind = question.type
    if kind in ("single", "true-false"):
        return str(form.get("response") or "")
    if kind == "multiple":
        return [str(v) for v in form.getlist("response")]
    if kind == "numeric":
        text = str(form.get("response") or "").replace(",", "").strip()
        try:
            return float(text)
        except ValueError:
            return text  # refused by the scorer with a clear message
    if kind == "short-answer":
        return str(form.get("response") or "")
    if kind == "ordering":
        return [str(form.get(f"order-{n}") or "") for n in range(len(question.options))]
    return {left: str(form.get(f"match-{n}") or "") for n, left in enumerate(question.lefts)}


@router.post("/attempts/{attempt_id}/q/{position}")
async def answer(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/attempts/{attempt_id}")],
    attempt_id: RowId,
    position: Position,
) -> Response:
    exams = app.exams_for_attempt(attempt_id)
    form = await request.form()
    action = str(form.get("action") or "save")
    view = exams.view(attempt_id, me.profile)
    questions = view.questions
    if not 0 <= position < len(questions):
        raise AttemptError(f"attempt {attempt_id} has no question {position + 1}")
    current = questions[position]
    picked = not is_blank(current, form)
    practice = view.mode == "practice"
    if practice and current.response is not None:
        # Practice locks an answer once its feedback is shown: moves still move, a second
        # answer is refused with the feedback in view.
        picked = False
        if action == "save":
            return question(request, app, me, attempt_id, position, error=LOCKED, status=409)
    try:
        # Every move saves the pick on the page first: flagging, going to another question or
        # to the hand-in summary must never throw an answer away (without JavaScript too).
        if picked:
            exams.answer(attempt_id, me.profile, position, form_response(current, form))
        if action in ("flag", "unflag"):
            exams.flag(attempt_id, me.profile, position, action == "flag")
    except ResponseError as exc:
        return question(request, app, me, attempt_id, position, error=str(exc.problems[0].message))
    except AttemptError:
        if practice:  # answered meanwhile (another tab): no deadline in practice
            return question(request, app, me, attempt_id, position, error=LOCKED, status=409)
        return _time_ran_out(request, app, me, attempt_id)
    goto = str(form.get("goto") or "")
    if goto.isdigit() and int(goto) < len(questions):
        return RedirectResponse(f"/attempts/{attempt_id}/q/{int(goto)}", status_code=303)
    if action == "summary":
        return RedirectResponse(f"/attempts/{attempt_id}/summary", status_code=303)
    if action in ("flag", "unflag") or (practice and picked):
        return RedirectResponse(f"/attempts/{attempt_id}/q/{position}", status_code=303)
    following = position + 1 if position + 1 < len(questions) else position
    return RedirectResponse(f"/attempts/{attempt_id}/q/{following}", status_code=303)


def _time_ran_out(request: Request, app: Any, me: User, attempt_id: int) -> Response:
    """The deadline passed while the learner was on a question: the server handed the attempt
    in with the answers saved before it; the results page says so."""
    results = app.exams_for_attempt(attempt_id).results(attempt_id, me.profile)
    reply = RedirectResponse(f"/attempts/{attempt_id}/results", status_code=303)
    if results.finish_reason == "timeout":
        flash(
            reply,
            request,
            f"Time ran out, so the exam was handed in for you: {results.answered} of "
            f"{results.items} answers were saved before the deadline and counted. The last "
            "one, sent after it, was not.",
            "error",
        )
    return reply


@router.get("/attempts/{attempt_id}/summary", response_class=HTMLResponse)
def summary(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/attempts/{attempt_id}")],
    attempt_id: RowId,
) -> Response:
    """Before handing in (Moodle's summary): what is unanswered and flagged, with the way back."""
    view = _running(app, me, attempt_id)
    if isinstance(view, Response):
        return view
    return page(request, "summary.html", {"view": view})


@router.post("/attempts/{attempt_id}/finish")
def finish(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/attempts/{attempt_id}")],
    attempt_id: RowId,
) -> Response:
    app.exams_for_attempt(attempt_id).finish(attempt_id, me.profile)
    return RedirectResponse(f"/attempts/{attempt_id}/results", status_code=303)


@router.get("/attempts/{attempt_id}/results", response_class=HTMLResponse)
def results(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/attempts/{attempt_id}")],
    attempt_id: RowId,
) -> Response:
    data = app.exams_for_attempt(attempt_id).results(attempt_id, me.profile)
    if data.mode == "practice":
        return page(request, "practice_done.html", {"r": data, "letters": LETTERS})
    return page(request, "results.html", {"r": data, "letters": LETTERS})


@router.get("/review", response_class=HTMLResponse)
def review(request: Request, app: App, me: Annotated[User, signed_in("/review")]) -> Response:
    queue = app.exams.review_queue(me.profile)
    return page(
        request,
        "review.html",
        {
            "queue": queue,
            "q": queue.due[0] if queue.due else None,
            "letters": LETTERS,
            "feedback": None,
        },
    )


@router.post("/review/{item_id}", response_class=HTMLResponse)
async def review_answer(
    request: Request, app: App, me: Annotated[User, signed_in("/review")], item_id: str
) -> Response:
    exams = app.exams
    queue = exams.review_queue(me.profile)
    due = next((q for q in queue.due if q.item_id == item_id), None)
    if due is None:
        return RedirectResponse("/review", status_code=303)
    form = await request.form()
    try:
        reply = exams.review_answer(me.profile, item_id, form_response(due, form))
    except PmpathError as exc:
        return page(
            request,
            "review.html",
            {
                "queue": queue,
                "q": due,
                "letters": LETTERS,
                "feedback": None,
                "error": str(exc.problems[0].message),
            },
            422,
        )
    return page(
        request, "review.html", {"queue": queue, "q": due, "letters": LETTERS, "feedback": reply}
    )


@router.post("/review/{item_id}/grade")
async def review_grade(
    request: Request, app: App, me: Annotated[User, signed_in("/review")], item_id: str
) -> Response:
    """The learner's own grade (Again, Hard, Good, Easy) for the review answer just given."""
    form = await request.form()
    reply = RedirectResponse("/review", status_code=303)
    try:
        graded = app.exams.review_grade(me.profile, item_id, str(form.get("grade") or ""))
    except NotFoundError:
        # Graded already (a double click, a second tab): the first grade stands.
        flash(reply, request, "That answer was graded already; the first grade stands.")
        return reply
    flash(
        reply,
        request,
        f"Graded “{graded.grade.capitalize()}”: this question comes back {when(graded.next_due)}.",
    )
    return reply


def _running(app: Any, me: User, attempt_id: int) -> AttemptView | Response:
    """The attempt as its learner sees it while it runs; once finished, the way to its results."""
    view: AttemptView = app.exams_for_attempt(attempt_id).view(attempt_id, me.profile)
    if view.finished_at is not None:
        return RedirectResponse(f"/attempts/{attempt_id}/results", status_code=303)
    return view
