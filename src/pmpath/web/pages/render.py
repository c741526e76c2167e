"""Rendering pages: one Jinja2 environment; the signed-in user, CSRF token and any flash message
in every page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup

from pmpath.web import flash
from pmpath.web.auth import current

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
# Question stems and scenarios are Markdown. Raw HTML in them is not passed through (html
# False), so content from an imported bank cannot inject markup into the page.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown(text: str) -> Markup:
    return Markup(_MARKDOWN.render(text or ""))


def day(moment: datetime) -> str:
    """A date as people write it: "7 March 2027" (UTC)."""
    return f"{moment.day} {moment:%B %Y}"


TEMPLATES.env.filters["markdown"] = markdown
TEMPLATES.env.filters["day"] = day


def page(
    request: Request, template: str, values: dict[str, Any], status: int = 200
) -> HTMLResponse:
    user, csrf = current(request)
    note = flash.take(request)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {"user": user, "csrf_token": csrf or "", "flash": note, **values},
        status_code=status,
    )
    if flash.FLASH_COOKIE in request.cookies:
        flash.clear(response, request)  # shown once, or refused as forged or stale
    return response
