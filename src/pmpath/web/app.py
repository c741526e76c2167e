"""The FastAPI application: pages, the REST API, static files and error handling."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from pmpath import __version__
from pmpath.errors import PmpathError
from pmpath.web.auth import check_csrf
from pmpath.web.context import AppContext, WebSettings
from pmpath.web.problems import handle

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: WebSettings | None = None, context: AppContext | None = None) -> FastAPI:
    """The app over ``context`` (or one opened from ``settings``: database migrated if SQLite)."""
    from pmpath.web.api import v1
    from pmpath.web.pages import accounts, assess, author, exams, ladder, placement

    app = FastAPI(
        title="pmpath",
        version=__version__,
        summary="A career-path navigator for product managers, with a practice-exam engine.",
        dependencies=[Depends(check_csrf)],
    )
    app.state.context = context or AppContext.open(settings or WebSettings())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(PmpathError)
    async def _pmpath_error(request: Request, exc: PmpathError) -> Response:
        return handle(request, exc)

    @app.get("/healthz", include_in_schema=False)
    def health() -> JSONResponse:
        # For load balancers: the process answers and the database is reachable. Cheap on
        # purpose: it is polled every few seconds.
        app.state.context.database.ping()
        return JSONResponse({"status": "ok"})

    # The API first: its routes are the hot ones (every answer of every exam), and routes are
    # matched in order.
    app.include_router(v1.router)
    app.include_router(ladder.router)
    app.include_router(accounts.router)
    app.include_router(assess.router)
    app.include_router(exams.router)
    app.include_router(placement.router)
    app.include_router(author.router)
    app.include_router(author.admin_router)
    return app
