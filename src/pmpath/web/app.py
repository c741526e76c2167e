"""The FastAPI application: pages, the REST API, static files and error handling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from pmpath import __version__
from pmpath.app import Pmpath
from pmpath.errors import PmpathError
from pmpath.settings import Settings
from pmpath.web.auth import check_csrf
from pmpath.web.background import background_jobs
from pmpath.web.deps import SignInFirst
from pmpath.web.guards import Guards
from pmpath.web.problems import (
    document_problems,
    from_http_exception,
    from_validation,
    handle,
    server_error,
)

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None, pmpath: Pmpath | None = None) -> FastAPI:
    """The web app over ``pmpath`` (or one built from ``settings``). The database is opened
    (and SQLite migrated) and the content loaded here, before the first request."""
    from pmpath.web.api import router as api_router
    from pmpath.web.pages import (
        accounts,
        admin,
        apidocs,
        assess,
        author,
        badges,
        calibration_sessions,
        check_ins,
        colleague_ratings,
        exams,
        hiring,
        home,
        ladder,
        lti,
        lti_grades,
        my_data,
        people,
        placement,
        promotions,
        team_views,
        teams,
        xapi,
    )

    app = FastAPI(
        title="pmpath",
        version=__version__,
        summary="A career-path navigator for product managers, with a practice-exam engine.",
        dependencies=[Depends(check_csrf)],
        # The outboxes' passes (LMS grades, xAPI statements) while the app serves.
        lifespan=background_jobs,
        # FastAPI's Swagger UI and ReDoc load their scripts from a CDN: blank offline. /docs is
        # the site's own page instead (pages/apidocs.py), drawn from the same /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    application = pmpath or Pmpath(settings or Settings())
    # Load now what every request needs, so no request pays for it (or finds it broken).
    application.database, application.framework  # noqa: B018
    app.state.pmpath = application
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(PmpathError)
    async def _pmpath_error(request: Request, exc: PmpathError) -> Response:
        return handle(request, exc)

    @app.exception_handler(SignInFirst)
    async def _sign_in_first(request: Request, exc: SignInFirst) -> Response:
        return RedirectResponse(f"/login?next={exc.next_page}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_exception(request: Request, exc: StarletteHTTPException) -> Response:
        return from_http_exception(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return handle(request, from_validation(exc))

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception) -> Response:
        # Anything unforeseen: problem details for the API, the site's page for people (the
        # server still logs the traceback: Starlette re-raises after answering).
        return server_error(request)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        # Browsers that ask before reading the page's <link rel="icon">.
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.get("/healthz", include_in_schema=False)
    def health() -> JSONResponse:
        # For load balancers: the process answers and the database is reachable. Cheap on
        # purpose: it is polled every few seconds.
        application.database.ping()
        return JSONResponse({"status": "ok"})

    # The API first: its routes are the hot ones (every answer of every exam), and routes are
    # matched in order.
    app.include_router(api_router)
    # Pages are HTML for people, not part of the API: /openapi.json documents /api/v1 only.
    for pages in (
        home.router,
        ladder.router,
        hiring.router,
        accounts.router,
        my_data.router,
        teams.router,
        people.router,
        colleague_ratings.router,
        check_ins.router,
        lti.router,
        lti_grades.router,
        calibration_sessions.router,
        team_views.router,
        promotions.router,
        assess.router,
        exams.router,
        placement.router,
        author.router,
        author.admin_router,
        admin.router,
        xapi.router,
        badges.router,
        apidocs.router,
    ):
        app.include_router(pages, include_in_schema=False)
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        # Built once, on the first request for /openapi.json, then kept by FastAPI.
        if app.openapi_schema is None:
            document_problems(default_openapi())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    # Outermost: a body over its route's limit is refused before anything parses it.
    app.add_middleware(Guards, upload_limit=application.settings.max_upload_bytes)
    return app
