"""Rendering pages: one Jinja2 environment, the signed-in user and CSRF token in every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from pmpath.web.auth import current

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))


def page(
    request: Request, template: str, values: dict[str, Any], status: int = 200
) -> HTMLResponse:
    user, csrf = current(request)
    return TEMPLATES.TemplateResponse(
        request, template, {"user": user, "csrf_token": csrf or "", **values}, status_code=status
    )
