"""Hiring pages: a role's job description and interview kit, on the site and as documents to
download (Markdown) or print (a self-contained HTML page). Open to everyone, like the ladder."""

from __future__ import annotations

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
    if format is None:
        return page(request, "job_description.html", {"data": data, "links": _links(data)})
    if format == "html":
        return HTMLResponse(documents.render_job_description(data))
    if format == "markdown":
        return _markdown(documents.job_description_markdown(data), data, "job-description")
    raise NotFoundError(f"no {format!r} format: the job description comes as markdown or html")


@router.get("/roles/{role_id}/interview-kit", response_class=HTMLResponse)
def interview_kit(
    request: Request,
    app: App,
    role_id: str,
    specialisation: str | None = None,
    format: str | None = None,
) -> Response:
    data = hiring.interview_kit(app.framework, role_id, specialisation or None)
    if format is None:
        return page(request, "interview_kit.html", {"data": data, "links": _links(data)})
    if format == "html":
        return HTMLResponse(documents.render_interview_kit(data))
    if format == "markdown":
        return _markdown(documents.interview_kit_markdown(data), data, "interview-kit")
    raise NotFoundError(f"no {format!r} format: the interview kit comes as markdown or html")


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
