"""Banks for authors: listing, importing, linting, exporting, item statistics, IRT."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from pmpath.psychometrics.irt import Model
from pmpath.services.models.banks import BankListing, ImportReport, LintReport
from pmpath.services.models.exams import BankStatistics
from pmpath.services.models.psychometrics import CalibrationResult, ParametersReport
from pmpath.web.api.bodies import capped_body
from pmpath.web.deps import App, Author

router = APIRouter()


@router.get("/banks", summary="The bundled bank and the imported ones (authors)")
def banks(app: App, me: Author) -> BankListing:
    return app.author(me).banks()


@router.post("/banks/import", summary="Import a quiz file into a bank (authors)")
async def import_bank(
    request: Request,
    app: App,
    me: Author,
    filename: str,
    bank: str | None = None,
    format: str | None = None,
    level: str = "mid-career",
    dry_run: bool = True,
    replace: bool = False,
) -> ImportReport:
    """The body is the file itself. ``dry_run`` (default true) reports without storing."""
    from pmpath.formats.mapping import ImportDefaults

    author = app.author(me)
    data = await capped_body(request, app.settings.max_upload_bytes)
    # Parsing a large file takes a while: off the event loop, so other requests go on.
    return await run_in_threadpool(
        author.import_data,
        data,
        filename,
        format_name=format,
        bank_id=bank,
        defaults=ImportDefaults(level=level),
        dry_run=dry_run,
        replace=replace,
    )


@router.get("/banks/{bank_id}/lint", summary="Lint a bank (authors)")
def lint_bank(app: App, me: Author, bank_id: str) -> LintReport:
    return app.author(me).lint(bank_id)


@router.get(
    "/banks/{bank_id}/export",
    summary="Export a bank to a quiz format (authors)",
    response_class=Response,
    responses={
        200: {
            "content": {"application/octet-stream": {}},
            "description": "The exported file; X-Pmpath-Warnings counts what could not travel.",
        }
    },
)
def export_bank(app: App, me: Author, bank_id: str, format: str) -> Response:
    data, report = app.author(me).export(bank_id, format)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"X-Pmpath-Warnings": str(len(report.warnings))},
    )


@router.get("/banks/stats", summary="Item statistics of the bundled bank (authors)")
def bank_stats(app: App, me: Author, min_responses: int = 20) -> BankStatistics:
    return app.exams.item_statistics(min_responses)


@router.get("/banks/parameters", summary="IRT parameters of the bundled bank in use (authors)")
def bank_parameters(app: App, me: Author) -> ParametersReport:
    return app.psychometrics.parameters_report()


@router.post("/banks/calibrate", summary="Calibrate the bundled bank on stored responses (authors)")
def calibrate_bank(
    app: App, me: Author, model: Model = Model.TWO_PL, min_responses: int = Query(50, ge=1)
) -> CalibrationResult:
    """Stores a new parameter version and returns the report. Items with fewer than
    ``min_responses`` responses keep their prior; too little data is a 422 problem."""
    return app.psychometrics.calibrate(model, min_responses=min_responses)
