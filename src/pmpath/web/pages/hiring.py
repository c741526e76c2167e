"""Hiring pages: a role's job description and interview kit, on the site and as documents to
download (Markdown) or print (a self-contained HTML page). Open to everyone, like the ladder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pmpath.errors import NotFoundError
from pmpath.reports import hiring as documents
from pmpath.services import hiring
from pmpath.services.models.hiring import InterviewKit, JobDescription
from pmpath.web.deps import App
from pmpath.web.pages.render import page

router = APIRouter()


@router.get("/roles/{role_id}/job-description", response_class=HTMLResponse)
def job_description(
    request: Request,
    app: App,
    role_id: str,
    specialisation: str | None = None,
    format: str | None = None,
) -> Response:
    # The role page's form sends an empty specialisation for "none".
    data = hiring.job_description(app.framework, role_id, specialisation or None)
    return _document(
        request,
        data,
        format,
        ("job_description.html", "job-description", "the job description"),
        documents.render_job_description,
        documents.job_description_markdown,
    )


@router.get("/roles/{role_id}/interview-kit", response_class=HTMLResponse)
def interview_kit(
    request: Request,
    app: App,
    role_id: str,
    specialisation: str | None = None,
    format: str | None = None,
) -> Response:
    data = hiring.interview_kit(app.framework, role_id, specialisation or None)
    return _document(
        request,
        data,
        format,
        ("interview_kit.html", "interview-kit", "the interview kit"),
        documents.render_interview_kit,
        documents.interview_kit_markdown,
    )


def _document(
    request: Request,
    data: Any,
    format: str | None,
    names: tuple[str, str, str],
    html: Callable[[Any], str],
    markdown: Callable[[Any], str],
) -> Response:
    """The page (no ``format``), the printable page (``html``) or the Markdown download."""
    template, slug, what = names
    if format is None:
        return page(request, template, {"data": data, "links": _links(data)})
    if format == "html":
        return HTMLResponse(html(data))
    if format == "markdown":
        return _markdown(markdown(data), data, slug)
    raise NotFoundError(f"no {format!r} format: {what} comes as markdown or html")


def _links(data: JobDescription | InterviewKit) -> dict[str, str]:
    """The query strings of the page's own document links, keeping the specialisation."""
    spec = f"specialisation={data.specialisation.id}&" if data.specialisation else ""
    return {"markdown": f"?{spec}format=markdown", "html": f"?{spec}format=html"}


def _markdown(text: str, data: JobDescription | InterviewKit, what: str) -> Response:
    suffix = f"-{data.specialisation.id}" if data.specialisation else ""
    name = f"{data.role.id}{suffix}-{what}.md"  # ids are kebab-case: safe in a header
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
