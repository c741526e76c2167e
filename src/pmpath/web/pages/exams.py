"""Exams in the browser: the list, the player, results and review, practice and spaced review.

The player works without JavaScript: each question is a form, every answer is saved when it
is given, and reloading or coming back later resumes the attempt. The timer is the server's;
the page only counts down what the server said, and announces it to screen readers every
five minutes rather than every second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from pmpath.errors import AttemptError, NotFoundError, PmpathError, ResponseError
from pmpath.exams import timing
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


@router.get("/exams/{blueprint_id}/start", response_class=HTMLResponse)
def start_form(
    request: Request, app: App, me: Annotated[User, signed_in("/exams")], blueprint_id: str
) -> Response:
    """Before the clock starts: the exam's size and time, and the time allowance to take it
    with (WCAG 2.2.1), where the blueprint lets the learner choose."""
    return _start_page(request, app, me, blueprint_id)


def _start_page(
    request: Request,
    app: Any,
    me: User,
    blueprint_id: str,
    chosen: str = "standard",
    error: str | None = None,
) -> Response:
    blueprint = app.exams.blueprint(blueprint_id)  # an unknown one: 404
    values = {
        "b": blueprint,
        "allowances": list(timing.ALLOWANCES.values()),
        "own": timing.allowance(app.exams.time_allowance(me.profile)),
        "chosen": chosen,
        "errors": {"time": error} if error else {},
    }
    return page(request, "exam_start.html", values, 422 if error else 200)


@router.post("/exams/{blueprint_id}/start")
async def start(
    request: Request, app: App, me: Annotated[User, signed_in("/exams")], blueprint_id: str
) -> Response:
    form = await request.form()
    chosen = str(form.get("time") or "standard")
    try:
        # Inline on the event loop, as the API's start (see pmpath.web.api.bodies).
        attempt = app.exams.start_mock(me.profile, blueprint_id, time=chosen)
    except PmpathError as exc:
        if exc.problems[0].location.field_path != ("time",):
            raise
        message = exc.problems[0].message
        if chosen not in timing.ALLOWANCES:
            message = "Choose one of the times offered."
        return _start_page(request, app, me, blueprint_id, chosen, message)
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
    view = _running(request, app, me, attempt_id)
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
    draft: LearnerResponse = None,
) -> Response:
    """The question page; ``error``: why the answer just posted was refused; ``draft``: an
    answer to show that is not saved (a practice ordering being rearranged)."""
    view = _running(request, app, me, attempt_id)
    if isinstance(view, Response):
        return view
    questions = view.questions
    if not 0 <= position < len(questions):
        raise AttemptError(f"attempt {attempt_id} has no question {position + 1}")
    return page(
        request,
        "question.html",
        {
            "view": view,
            "q": questions[position],
            "letters": LETTERS,
            "error": error,
            "draft": draft,
            "allowance": timing.allowance(view.time_allowance),
        },
        status,
    )


#: What a refused answer is told, by question type: in the words of the screen (never an
#: option id or the letter a bank's author gave an option).
ANSWER_ERRORS = {
    "single": "Choose one of the answers shown.",
    "true-false": "Choose true or false.",
    "multiple": "Choose one or more of the answers shown.",
    "numeric": "Type a number, such as 12 or 3.5.",
    "ordering": "Give each step its own place: use Move up and Move down to order them.",
    "matching": "Choose each match from its list.",
    "gap": "Choose each gap's word or phrase from its list.",
}


def answer_error(question: QuestionView, exc: PmpathError) -> str:
    """Why an answer was refused, as a sentence about what the page shows."""
    if question.type in ANSWER_ERRORS:
        return ANSWER_ERRORS[question.type]
    message = str(exc.problems[0].message)  # short answers: "the answer is over 500 characters"
    return message[:1].upper() + message[1:] + "."


def moved(question: QuestionView, form: Any) -> list[str] | None:
    """The ordering on the page with the step a "Move up"/"Move down" button names moved one
    place; None when the form is not such a move."""
    move = str(form.get("move") or "")
    direction, _, index = move.partition("-")
    if question.type != "ordering" or direction not in ("up", "down") or not index.isdigit():
        return None
    order = [str(form.get(f"order-{n}") or "") for n in range(len(question.options))]
    here = int(index)
    there = here - 1 if direction == "up" else here + 1
    if 0 <= here < len(order) and 0 <= there < len(order):
        order[here], order[there] = order[there], order[here]
    return order


#: Why an ordering posted as shown was not taken as an answer.
ORDER_UNTOUCHED = (
    "Move a step to put them in order, or tick “This order is my answer” to answer with the "
    "order shown."
)


def is_blank(question: QuestionView, form: Any) -> bool:
    """True when the form carries no answer at all: saving then just moves on."""
    kind = question.type
    if kind == "matching":
        return not any(form.get(f"match-{n}") for n in range(len(question.lefts)))
    if kind == "gap":
        return not any(form.get(f"gap-{gap.number}") for gap in question.gaps)
    if kind == "ordering":
        # The page always posts the steps in the order shown, so the order alone says nothing:
        # only a deliberate one counts, "touched" (a step was moved, or "This order is my
        # answer" ticked). Otherwise leaving an untouched question would answer it.
        placed = any(form.get(f"order-{n}") for n in range(len(question.options)))
        return not (placed and form.get("touched") == "1")
    return not [v for v in form.getlist("response") if str(v).strip()]


def is_cleared(question: QuestionView, form: Any) -> bool:
    """True when the learner emptied an answer the page showed: unticked every box, emptied
    the field, set every match back to "Choose…", or unticked "This order is my answer".
    ``had-answer`` says the page showed one: a form from a page that showed none (an older
    tab) posting nothing clears nothing."""
    return form.get("had-answer") == "1" and is_blank(question, form)


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
    if kind == "gap":
        # A gap left on "Choose…" is no answer for that gap: the others still count.
        filled = {str(g.number): str(form.get(f"gap-{g.number}") or "") for g in question.gaps}
        return {number: choice for number, choice in filled.items() if choice}
    # A match left on "Choose…" is no answer for that item: the others still count.
    matches = {left: str(form.get(f"match-{n}") or "") for n, left in enumerate(question.lefts)}
    return {left: option for left, option in matches.items() if option}


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
    # A deliberate clear stores "no answer" (mock exams: practice answers are final once given).
    cleared = not practice and current.response is not None and is_cleared(current, form)
    # An answer counts as lost only when it differs from the one saved (with JavaScript, the
    # pick on the page was saved as it was made).
    lost = picked and form_response(current, form) != current.response
    if view.finished_at is not None:
        return _time_ran_out(request, app, me, attempt_id, lost, json=action == "autosave")
    order = moved(current, form)
    if practice and current.response is None and order is not None:
        # In practice a saved answer is checked and final: rearranging shows the new order
        # without saving it, until "Check my answer".
        return question(request, app, me, attempt_id, position, draft=order)
    if practice and current.response is not None:
        # Practice locks an answer once its feedback is shown: moves still move, a second
        # answer is refused with the feedback in view.
        picked = False
        if action in ("save", "autosave"):
            if action == "autosave":
                return JSONResponse({"saved": False, "error": LOCKED}, status_code=409)
            return question(request, app, me, attempt_id, position, error=LOCKED, status=409)
    if practice and action == "save" and current.type == "ordering" and not picked:
        # "Check my answer" on an order left as shown: say how to answer, rather than move on
        # as if the question were skipped.
        return question(request, app, me, attempt_id, position, ORDER_UNTOUCHED, 422)
    if action == "autosave" and practice:
        # Saving a practice answer checks it: only the learner's "Check my answer" does that.
        return JSONResponse(
            {"saved": False, "error": "Practice answers are checked, not saved as you go."},
            status_code=409,
        )
    try:
        # Every move saves the pick on the page first: flagging, going to another question or
        # to the hand-in summary must never throw an answer away (without JavaScript too).
        if order is not None:
            exams.answer(attempt_id, me.profile, position, order)
        elif picked:
            exams.answer(attempt_id, me.profile, position, form_response(current, form))
        elif cleared:
            exams.clear(attempt_id, me.profile, position)
        if action in ("flag", "unflag"):
            exams.flag(attempt_id, me.profile, position, action == "flag")
    except ResponseError as exc:
        message = answer_error(current, exc)
        if action == "autosave":
            return JSONResponse({"saved": False, "error": message}, status_code=422)
        # What was typed or picked stays on the page, beside why it was refused.
        kept = form.get("response") if current.type in ("numeric", "short-answer") else None
        draft = str(kept) if kept is not None else form_response(current, form)
        return question(request, app, me, attempt_id, position, message, 422, draft)
    except AttemptError:
        if practice:  # answered meanwhile (another tab): no deadline in practice
            return question(request, app, me, attempt_id, position, error=LOCKED, status=409)
        return _time_ran_out(request, app, me, attempt_id, lost, json=action == "autosave")
    if action == "autosave":
        # The page's script saved a pick as it was made: it stays on the page.
        answered = exams.view(attempt_id, me.profile).answered
        return JSONResponse(
            {"saved": picked, "cleared": cleared, "answered": answered, "items": len(questions)}
        )
    if order is not None:
        # Back to the moved step (its new place), to carry on ordering.
        there = _moved_to(str(form.get("move")), len(order))
        return RedirectResponse(f"/attempts/{attempt_id}/q/{position}#step-{there}", 303)
    if action == "timeout":
        # The page's clock reached zero and handed the form in; the server's clock decides.
        if exams.view(attempt_id, me.profile).finished_at is not None:
            return _time_ran_out(request, app, me, attempt_id)
        return RedirectResponse(f"/attempts/{attempt_id}/q/{position}", status_code=303)
    goto = str(form.get("goto") or "")
    if goto.isdigit() and int(goto) < len(questions):
        return RedirectResponse(f"/attempts/{attempt_id}/q/{int(goto)}", status_code=303)
    if action == "summary":
        return RedirectResponse(f"/attempts/{attempt_id}/summary", status_code=303)
    if action in ("flag", "unflag") or (practice and picked):
        return RedirectResponse(f"/attempts/{attempt_id}/q/{position}", status_code=303)
    following = position + 1 if position + 1 < len(questions) else position
    return RedirectResponse(f"/attempts/{attempt_id}/q/{following}", status_code=303)


def _moved_to(move: str, count: int) -> int:
    direction, _, index = move.partition("-")
    there = int(index) + (-1 if direction == "up" else 1)
    return min(max(there, 0), count - 1)


def _time_ran_out(
    request: Request,
    app: Any,
    me: User,
    attempt_id: int,
    lost: bool = False,
    json: bool = False,
) -> Response:
    """The deadline passed: the server handed the attempt in with the answers saved before it;
    the results page says so, and how many counted. ``lost``: an answer came after it;
    ``json``: the page's script asked (it goes to the results itself)."""
    results = app.exams_for_attempt(attempt_id).results(attempt_id, me.profile)
    url = f"/attempts/{attempt_id}/results"
    reply: Response = RedirectResponse(url, status_code=303)
    if json:
        reply = JSONResponse({"saved": False, "finished": url}, status_code=409)
    if results.finish_reason == "timeout":
        flash(reply, request, _timeout_message(results.answered, results.items, lost), "error")
    return reply


def _timeout_message(answered: int, items: int, lost: bool = False) -> str:
    message = (
        f"Time ran out, so the exam was handed in for you: {answered} of {items} answers were "
        "saved before the deadline and counted."
    )
    if lost:
        message += " The answer sent after the deadline was not saved."
    return message


@router.get("/attempts/{attempt_id}/summary", response_class=HTMLResponse)
def summary(
    request: Request,
    app: App,
    me: Annotated[User, signed_in("/attempts/{attempt_id}")],
    attempt_id: RowId,
) -> Response:
    """Before handing in (Moodle's summary): what is unanswered and flagged, with the way back."""
    view = _running(request, app, me, attempt_id)
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
    show: str | None = None,
) -> Response:
    """Results and review; ``show`` filters the review (see pmpath.web.pages.results_review)."""
    from pmpath.web.pages.results_review import render_results

    data = app.exams_for_attempt(attempt_id).results(attempt_id, me.profile)
    if data.mode == "practice":
        return page(request, "practice_done.html", {"r": data, "letters": LETTERS})
    return render_results(request, LETTERS, data, show)


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
    order = moved(due, form)
    if order is not None:  # "Move up"/"Move down" without JavaScript: shown, not yet answered
        values = {"queue": queue, "q": due, "letters": LETTERS, "feedback": None, "draft": order}
        return page(request, "review.html", values)
    try:
        if is_blank(due, form):
            # An order left as shown is no answer (see is_blank): checking it would grade the
            # learner on an order they never chose.
            blank = ORDER_UNTOUCHED if due.type == "ordering" else "Give an answer to check it."
            raise ResponseError(blank)
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


def _running(request: Request, app: Any, me: User, attempt_id: int) -> AttemptView | Response:
    """The attempt as its learner sees it while it runs; once finished, the way to its results
    (saying so when the time ran out: a learner coming back must not wonder what happened)."""
    view: AttemptView = app.exams_for_attempt(attempt_id).view(attempt_id, me.profile)
    if view.finished_at is not None:
        reply = RedirectResponse(f"/attempts/{attempt_id}/results", status_code=303)
        if view.finish_reason == "timeout":
            flash(reply, request, _timeout_message(view.answered, view.items), "error")
        return reply
    return view
