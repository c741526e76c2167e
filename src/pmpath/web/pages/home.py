"""The front door: what pmpath does for a visitor, with a question to try without an account;
the learner's dashboard once signed in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pmpath.errors import ResponseError
from pmpath.services import sample
from pmpath.services.dashboard import dashboard
from pmpath.web.deps import App, MaybeUser
from pmpath.web.pages.exams import LETTERS, form_response, is_blank
from pmpath.web.pages.render import page

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, app: App, me: MaybeUser) -> Response:
    if me is None:
        return page(request, "home.html", {"framework": app.framework})
    board = dashboard(app.assessments, app.exams, app.psychometrics, me.profile)
    stages = {stage.id: stage.name for stage in app.framework.stages}
    # Requests from a team's manager to self-assess, until the member has done so.
    asked = [r for r in app.colleague_ratings.my_requests(me).requests if r.done_at is None]
    organisations = app.teams.organisations(me).organisations
    values = {"d": board, "stages": stages, "asked": asked, "organisations": organisations}
    return page(request, "dashboard.html", values)


@router.get("/try", response_class=HTMLResponse)
def try_question(request: Request, app: App, after: str | None = None) -> Response:
    """A question from the bank to answer without an account (``after``: the one just tried,
    not drawn again)."""
    return page(request, "try.html", {"s": sample.draw(app.exams.bank, after), "letters": LETTERS})


@router.post("/try", response_class=HTMLResponse)
async def try_answer(request: Request, app: App) -> Response:
    """Feedback on the tried question. The form names the question and its option order (see
    pmpath.services.sample); nothing is stored, so there is nothing for a forged form to change,
    and a signed-in browser's form still carries its CSRF token (web/auth.py checks it)."""
    form = await request.form()
    item_id = str(form.get("item") or "")
    try:
        seed = int(str(form.get("seed") or ""))
    except ValueError:
        seed = -1  # refused by the service as out of range
    bank = app.exams.bank
    try:
        shown = sample.shown(bank, item_id, seed)
    except ResponseError as exc:
        return page(request, "try.html", {"error": _message(exc), "s": None}, 422)
    values = {"letters": LETTERS, "s": shown}
    question = shown.question
    if is_blank(question, form):
        error = "Choose an answer first: your best guess is fine."
        return page(request, "try.html", {**values, "error": error}, 422)
    try:
        answered = sample.check(bank, item_id, seed, form_response(question, form))
    except ResponseError as exc:
        return page(request, "try.html", {**values, "error": _message(exc)}, 422)
    return page(request, "try.html", {**values, "s": answered, "feedback": answered.feedback})


def _message(exc: ResponseError) -> str:
    return str(exc.problems[0].message)
