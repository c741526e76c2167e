"""For authors: banks, import with the dry-run report before committing, export, lint and item
statistics. For admins: users and their roles. The services check every role."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from pmpath.errors import (
    CalibrationInputError,
    NotFoundError,
    PmpathError,
    TooLargeError,
)
from pmpath.formats.mapping import ImportDefaults, slug
from pmpath.formats.registry import FORMATS, LABELS
from pmpath.psychometrics.irt import Model
from pmpath.services.banks import BUNDLED_BANK_ID
from pmpath.services.calibration import MIN_RESPONSES
from pmpath.services.imports import AuthorService
from pmpath.web.auth import application
from pmpath.web.deps import Admin, App, Author, RowId
from pmpath.web.flash import flash
from pmpath.web.pages.render import page

router = APIRouter(prefix="/author")
admin_router = APIRouter(prefix="/admin")
#: Uploads travel back in the dry-run page so the import stays stateless; keep them modest.
MODEL_NAMES = {
    Model.RASCH: "1PL (Rasch): difficulty only",
    Model.TWO_PL: "2PL: difficulty and discrimination",
    Model.THREE_PL: "3PL: difficulty, discrimination and guessing",
}


@router.get("/banks", response_class=HTMLResponse)
def banks(request: Request, app: App, me: Author) -> Response:
    return _banks_page(request, app.author(me))


def _banks_page(
    request: Request, author: AuthorService, status: int = 200, **calibration: Any
) -> Response:
    formats = [(name, LABELS[name]) for name, (_, _, writes, _) in FORMATS.items() if writes]
    values = {
        "banks": author.banks(),
        "formats": formats,
        "parameters": application(request).psychometrics.parameters_report(),
        "models": [(model.value, MODEL_NAMES[model]) for model in Model],
        "min_responses": MIN_RESPONSES,
        "calibration": None,
        "calibration_error": None,
        "chosen_model": Model.TWO_PL.value,
        **calibration,
    }
    return page(request, "author_banks.html", values, status)


@router.post("/banks/{bank_id}/calibrate", response_class=HTMLResponse)
def calibrate(
    request: Request,
    app: App,
    me: Author,
    bank_id: str,
    model: str = Form(Model.TWO_PL.value),
    min_responses: str = Form(str(MIN_RESPONSES)),
) -> Response:
    """Calibrate the bundled bank on the stored responses; shows the report, or why not."""
    author = app.author(me)
    if bank_id != BUNDLED_BANK_ID:
        raise NotFoundError(f"calibration is available for the bundled bank {BUNDLED_BANK_ID!r}")
    try:
        chosen = Model(model)
    except ValueError:
        raise PmpathError(f"model must be 1pl, 2pl or 3pl, not {model!r}") from None
    try:
        fewest = max(1, int(min_responses))
    except ValueError:
        raise PmpathError(f"min_responses must be a whole number, not {min_responses!r}") from None
    try:
        report = app.psychometrics.calibrate(chosen, min_responses=fewest)
    except CalibrationInputError as exc:
        return _banks_page(
            request,
            author,
            422,
            calibration_error="; ".join(p.message for p in exc.problems),
            chosen_model=chosen.value,
            min_responses=fewest,
        )
    return _banks_page(
        request, author, calibration=report, chosen_model=chosen.value, min_responses=fewest
    )


@router.get("/banks/{bank_id}/lint", response_class=HTMLResponse)
def lint(request: Request, app: App, me: Author, bank_id: str) -> Response:
    return page(
        request, "author_lint.html", {"bank_id": bank_id, "report": app.author(me).lint(bank_id)}
    )


@router.get("/banks/{bank_id}/export")
def export(request: Request, app: App, me: Author, bank_id: str, format: str) -> Response:
    data, report = app.author(me).export(bank_id, format)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{_export_name(bank_id, format)}"',
            "X-Pmpath-Warnings": str(len(report.warnings)),
            "X-Pmpath-Written": str(report.written),
            "X-Pmpath-Left-Out": str(report.left_out),
        },
    )


@router.get("/banks/{bank_id}/export/report", response_class=HTMLResponse)
def export_report(request: Request, app: App, me: Author, bank_id: str, format: str) -> Response:
    """What an export will hold, before the download: how many questions, which are left out
    and why, and every warning, grouped by what it says."""
    _, report = app.author(me).export(bank_id, format)
    values = {
        "report": report,
        "label": LABELS.get(format, format),
        "filename": _export_name(bank_id, format),
    }
    return page(request, "author_export.html", values)


def _export_name(bank_id: str, format_name: str) -> str:
    extension = FORMATS[format_name][3] if format_name in FORMATS else ""
    return f"{slug(bank_id)}{extension}"


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, app: App, me: Author) -> Response:
    return page(
        request,
        "author_import.html",
        {
            "report": None,
            "payload": None,
            "values": {},
            "levels": app.framework.stages,
        },
    )


@router.post("/import", response_class=HTMLResponse)
async def import_file(
    request: Request,
    app: App,
    me: Author,
    upload: UploadFile | None = None,
    payload: str = Form(""),
    filename: str = Form(""),
    bank: str = Form(""),
    level: str = Form("mid-career"),
    format: str = Form(""),
    commit: str = Form(""),
    replace: str = Form(""),
) -> Response:
    author = app.author(me)
    if upload is not None and upload.filename:
        data = await upload.read(app.settings.max_upload_bytes + 1)
        filename = upload.filename
    else:
        try:
            data = base64.b64decode(payload.encode(), validate=True)
        except (binascii.Error, ValueError):
            data = b""
    values = {"bank": bank, "level": level, "format": format, "filename": filename}
    levels = app.framework.stages
    if not data:
        return page(
            request,
            "author_import.html",
            {
                "report": None,
                "payload": None,
                "values": values,
                "levels": levels,
                "error": "choose a file to import",
            },
            422,
        )
    limit = app.settings.max_upload_bytes
    if len(data) > limit:
        raise TooLargeError(
            f"uploads are limited to {limit / 1024 / 1024:g} MiB here; "
            "use pmpath import for larger files"
        )
    try:
        # Parsing a large file takes a while: off the event loop, so other requests go on.
        report = await run_in_threadpool(
            author.import_data,
            data,
            filename or "upload",
            format_name=format or None,
            bank_id=bank or None,
            defaults=ImportDefaults(level=level),
            dry_run=not commit,
            replace=bool(replace),
        )
    except PmpathError as exc:
        return page(
            request,
            "author_import.html",
            {
                "report": None,
                "payload": None,
                "values": values,
                "levels": levels,
                "error": "; ".join(str(p) for p in exc.problems),
            },
            422,
        )
    if report.stored:
        return RedirectResponse(f"/author/banks/{report.bank.id}/lint", status_code=303)
    encoded = base64.b64encode(data).decode()
    return page(
        request,
        "author_import.html",
        {"report": report, "payload": encoded, "values": values, "levels": levels},
    )


@router.get("/stats", response_class=HTMLResponse)
def stats(request: Request, app: App, me: Author, min_responses: int = 20) -> Response:
    data = app.exams.item_statistics(min_responses)
    return page(request, "author_stats.html", {"stats": data})


@admin_router.get("/users", response_class=HTMLResponse)
def users(request: Request, app: App, me: Admin) -> Response:
    accounts = app.accounts
    return page(request, "admin_users.html", {"users": accounts.users(me)})


@admin_router.post("/users/{user_id}/role")
def set_role(
    request: Request, app: App, me: Admin, user_id: RowId, role: str = Form(...)
) -> Response:
    changed = app.accounts.set_role(me, user_id, role)  # a missing user: 404
    response = RedirectResponse("/admin/users", status_code=303)
    article = "an" if role[0] in "aeiou" else "a"
    flash(response, request, f"{changed.name} is now {article} {role}.")
    return response
