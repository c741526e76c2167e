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
    Location,
    NotFoundError,
    PmpathError,
)
from pmpath.exams import timing
from pmpath.formats.mapping import ImportDefaults, slug
from pmpath.formats.registry import FORMATS, LABELS
from pmpath.psychometrics.irt import Model
from pmpath.services.banks import BUNDLED_BANK_ID
from pmpath.services.calibration import MIN_RESPONSES
from pmpath.services.imports import AuthorService
from pmpath.services.models.banks import ImportReport
from pmpath.web.auth import application
from pmpath.web.deps import Admin, App, Author, RowId
from pmpath.web.flash import flash
from pmpath.web.pages.render import page

router = APIRouter(prefix="/author")
#: How pages name the bundled bank (the practice page says the same).
BUNDLED_BANK_NAME = "The pmpath bank"
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
        "bundled_name": BUNDLED_BANK_NAME,
        "bundled_items": len(application(request).exams.bank.items),
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
    # A bad choice is said on the page, beside the form, with what was typed kept.
    try:
        chosen = Model(model)
    except ValueError:
        return _banks_page(request, author, 422, calibration_error="choose a model from the list")
    try:
        fewest = max(1, int(min_responses))
    except ValueError:
        return _banks_page(
            request,
            author,
            422,
            calibration_error="give the fewest responses per item as a whole number",
            chosen_model=chosen.value,
            min_responses=min_responses,
        )
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
    author = app.author(me)
    report = author.lint(bank_id)  # an unknown bank: 404
    values = {"bank_id": bank_id, "bank_name": _bank_name(author, bank_id), "report": report}
    return page(request, "author_lint.html", values)


def _bank_name(author: AuthorService, bank_id: str) -> str:
    """A bank as people call it: the name it was imported under."""
    if bank_id == BUNDLED_BANK_ID:
        return BUNDLED_BANK_NAME
    return next((b.name for b in author.banks().banks if b.id == bank_id), bank_id)


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
    author = app.author(me)
    _, report = author.export(bank_id, format)
    values = {
        "report": report,
        "bank_name": _bank_name(author, bank_id),
        "label": LABELS.get(format, format),
        "filename": _export_name(bank_id, format),
    }
    return page(request, "author_export.html", values)


def _export_name(bank_id: str, format_name: str) -> str:
    extension = FORMATS[format_name][3] if format_name in FORMATS else ""
    return f"{slug(bank_id)}{extension}"


#: The formats the import page offers, as people name them ("" is: detect from the file).
IMPORT_FORMATS = {
    "": "Detect from the file",
    "gift": "GIFT",
    "moodle-xml": "Moodle XML",
    "aiken": "Aiken",
    "qti12": "QTI 1.2 (Canvas)",
    "qti21": "QTI 2.1",
    "qti30": "QTI 3.0",
    "csv": "CSV",
}


#: The question types of a quiz file as an author calls them (the preview counts them).
TYPE_NAMES = {
    "multichoice": "multiple choice",
    "truefalse": "true/false",
    "shortanswer": "short answer",
    "numerical": "numerical",
    "matching": "matching",
    "ordering": "ordering",
    "essay": "essay",
    "description": "text only (no answer)",
    "cloze": "embedded answers",
    "gaps": "gap (choices in a text)",
}


def _import_page(
    request: Request, app: Any, values: dict[str, Any], status: int = 200, **more: Any
) -> Response:
    """The import page: the form (``values``: what was chosen, kept), and with ``more`` the
    preview (``report`` and ``payload``), the result of a commit (``report`` stored) or the
    ``errors`` by field id."""
    context = {
        "report": None,
        "payload": None,
        "errors": {},
        "values": values,
        "levels": app.framework.stages,
        "formats": IMPORT_FORMATS,
        "type_names": TYPE_NAMES,
        **more,
    }
    return page(request, "author_import.html", context, status)


def _import_errors(exc: PmpathError, values: dict[str, Any]) -> dict[str, str]:
    """The problems of a refused import by the page's fields, worded for this page (the
    service's own words name the command line's options)."""
    errors: dict[str, str] = {}
    for problem in exc.problems:
        where = problem.location.field_path
        if where == ("replace",):
            key = "replace"
            message = (
                f"a bank named “{values['bank'] or values['filename']}” exists already: "
                "tick “Replace the bank of the same name” to replace it, or import under "
                "another bank name"
            )
        elif where == ("bank",):
            key, message = "bank", "that name belongs to the bundled bank: choose another"
        elif where == ("level",):
            key, message = "level", "choose a level from the list"
        else:
            key, message = "upload", _where_in_file(problem.location, problem.message)
        errors[key] = f"{errors[key]}; {message}" if key in errors else message
    return errors


def _where_in_file(where: Location, message: str) -> str:
    """A problem of the uploaded file, placed as people say it: "line 5 of quiz.txt: ..."."""
    if where.line is not None:
        return f"line {where.line} of {where.file or 'the file'}: {message}"
    return f"in {where.file}: {message}" if where.file else message


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, app: App, me: Author) -> Response:
    app.author(me)  # authors only
    return _import_page(request, app, {})


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
    """Preview an upload (nothing stored), or commit the previewed file (``commit``). A commit
    redirects to the imported bank's result page (Post/Redirect/Get: refreshing it must not
    post the import again and meet "the bank exists already"), with the report's figures in a
    message; they come from the same report as the preview, so the two agree."""
    author = app.author(me)
    if upload is not None and upload.filename:
        data = await upload.read(app.settings.max_upload_bytes + 1)
        filename = upload.filename
    else:
        try:
            data = base64.b64decode(payload.encode(), validate=True)
        except (binascii.Error, ValueError):
            data = b""
    values = {
        "bank": bank,
        "level": level,
        "format": format,
        "filename": filename,
        "replace": bool(replace),
    }
    errors: dict[str, str] = {}
    if format not in IMPORT_FORMATS:
        errors["format"] = "choose a format from the list"
    if level not in {stage.id for stage in app.framework.stages}:
        errors["level"] = "choose a level from the list"
    limit = app.settings.max_upload_bytes
    status = 422
    if not data:
        errors["upload"] = "choose a file to import"
    elif len(data) > limit:
        errors["upload"] = (
            f"the file is larger than {limit / 1024 / 1024:g} MiB, the most this site accepts "
            "in one upload: split it into smaller files"
        )
        status = 413
    if errors:
        ordered = {key: errors[key] for key in ("upload", "level", "format") if key in errors}
        return _import_page(request, app, values, status, errors=ordered)

    def run(dry_run: bool) -> ImportReport:
        return author.import_data(
            data,
            filename or "upload",
            format_name=format or None,
            bank_id=bank or None,
            defaults=ImportDefaults(level=level),
            dry_run=dry_run,
            replace=bool(replace),
        )

    encoded = base64.b64encode(data).decode()
    try:
        # Parsing a large file takes a while: off the event loop, so other requests go on.
        report = await run_in_threadpool(run, not commit)
    except PmpathError as exc:
        errors = _import_errors(exc, values)
        if commit and "upload" not in errors:
            # The file itself is fine (it was previewed): show the preview again, with the
            # reason beside the choice that resolves it.
            preview = await run_in_threadpool(run, True)
            return _import_page(
                request, app, values, 422, errors=errors, report=preview, payload=encoded
            )
        return _import_page(request, app, values, 422, errors=errors)
    if report.stored:
        done = RedirectResponse(f"/author/banks/{report.bank.id}/imported", status_code=303)
        flash(done, request, _imported(report, bank or _stem(filename), filename))
        return done
    return _import_page(request, app, values, report=report, payload=encoded)


@router.get("/banks/{bank_id}/imported", response_class=HTMLResponse)
def imported(request: Request, app: App, me: Author, bank_id: str) -> Response:
    """After an import: the bank as stored, the import's figures just above (the message the
    commit left, shown once), and where to go next. A refresh shows it again, harmlessly."""
    author = app.author(me)
    stored = next((b for b in author.banks().banks if b.id == bank_id), None)
    if stored is None:
        raise NotFoundError(f"no imported bank {bank_id!r}")
    return page(request, "author_imported.html", {"bank": stored})


def _imported(report: ImportReport, bank_name: str, filename: str) -> str:
    """What a committed import stored, in the preview's words and figures."""
    items = report.bank.items
    kinds = ", ".join(f"{n} {TYPE_NAMES.get(t, t)}" for t, n in report.by_type.items())
    warnings = len(report.warnings)
    message = (
        f"Imported {items} {'question' if items == 1 else 'questions'} into “{bank_name}” "
        f"from {filename} ({IMPORT_FORMATS.get(report.format, report.format)})"
    )
    if kinds:
        message += f": {kinds}"
    if report.bank.scenarios:
        message += f", in {report.bank.scenarios} scenarios"
    if warnings:
        message += f", with {warnings} {'warning' if warnings == 1 else 'warnings'}"
    return message + ", as the preview showed."


def _stem(filename: str) -> str:
    return filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] if filename else "upload"


@router.get("/stats", response_class=HTMLResponse)
def stats(request: Request, app: App, me: Author, min_responses: int = 20) -> Response:
    data = app.exams.item_statistics(min_responses)
    return page(request, "author_stats.html", {"stats": data, "bank_name": BUNDLED_BANK_NAME})


@admin_router.get("/users", response_class=HTMLResponse)
def users(request: Request, app: App, me: Admin) -> Response:
    return _users_page(request, app, me)


def _users_page(
    request: Request, app: Any, me: Any, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    accounts = app.accounts
    values = {
        "users": accounts.users(me),
        "time_allowances": accounts.time_allowances(me),
        "allowance_choices": list(timing.ALLOWANCES.values()),
        "errors": errors or {},
    }
    return page(request, "admin_users.html", values, status)


@admin_router.post("/users/{user_id}/time")
def set_time_allowance(
    request: Request, app: App, me: Admin, user_id: RowId, time_allowance: str = Form("")
) -> Response:
    """Extra time (or no time limit) for one learner's exams (WCAG 2.2.1)."""
    try:
        changed = app.accounts.set_time_allowance(me, user_id, time_allowance)  # missing: 404
    except PmpathError as exc:
        if exc.problems[0].location.field_path != ("time_allowance",):
            raise
        errors = {f"time-{user_id}": "Choose one of the times in the list."}
        return _users_page(request, app, me, errors, 422)
    response = RedirectResponse("/admin/users", status_code=303)
    given = timing.allowance(time_allowance)
    flash(response, request, f"Exams for {changed.name} now run with {given.name.lower()}.")
    return response


@admin_router.post("/users/{user_id}/role")
def set_role(
    request: Request, app: App, me: Admin, user_id: RowId, role: str = Form(...)
) -> Response:
    changed = app.accounts.set_role(me, user_id, role)  # a missing user: 404
    response = RedirectResponse("/admin/users", status_code=303)
    article = "an" if role[0] in "aeiou" else "a"
    flash(response, request, f"{changed.name} is now {article} {role}.")
    return response
