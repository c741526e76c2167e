"""The ladder explorer: the ladder as a picture, role pages, the diff of two roles, backgrounds
and certifications. Open to everyone, signed in or not."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from pmpath.errors import NoPathError
from pmpath.framework.versions import specialised
from pmpath.services import ladder as ladder_service
from pmpath.web.auth import application
from pmpath.web.deps import App
from pmpath.web.pages.render import page

router = APIRouter()


def ladder_chart(
    request: Request,
    here: str | None = None,
    path: list[str] | None = None,
    here_label: str = "You are here",
) -> Markup:
    from pmpath.reports.ladder_chart import ladder_svg

    graph = ladder_service.graph(application(request).framework).model_dump(mode="json")
    return Markup(ladder_svg(graph, here, path or [], here_label))  # charts.py escapes texts


@router.get("/ladder", response_class=HTMLResponse)
def ladder(request: Request, app: App) -> HTMLResponse:
    fw = app.framework
    return page(
        request,
        "ladder.html",
        {"data": ladder_service.roles_by_stage(fw), "chart": ladder_chart(request)},
    )


@router.get("/roles/{role_id}", response_class=HTMLResponse)
def role(
    request: Request, app: App, role_id: str, specialisation: str | None = None
) -> HTMLResponse:
    # The form's "none" option sends an empty value: the ladder as it is.
    chosen = next((s for s in app.framework.specialisations if s.id == specialisation), None)
    fw = specialised(app.framework, chosen.id if chosen else None)
    detail = ladder_service.role_detail(fw, role_id)
    return page(
        request,
        "role.html",
        {
            "role": detail,
            "chart": ladder_chart(request, detail.id, here_label="This role"),
            "specialisations": app.framework.specialisations,
            "chosen": chosen,
            "plain": {
                e.competency: e.level
                for e in ladder_service.role_detail(app.framework, role_id).expectations
            }
            if chosen
            else {},
        },
    )


@router.get("/diff", response_class=HTMLResponse)
def diff(
    request: Request, app: App, start: str | None = None, goal: str | None = None
) -> HTMLResponse:
    fw = app.framework
    values: dict[str, Any] = {
        "roles": ladder_service.roles_by_stage(fw),
        "start": start,
        "goal": goal,
        "competency_names": {c.id: c.name for c in fw.competencies},
        "level_names": {level: fw.scale_name(level) for level in fw.levels},
        # What a person does at each level, in the framework's words: the change in a
        # competency is told by what is expected at the new level, not only by a number.
        "behaviours": {
            c.id: {level: first_sentence(text) for level, text in c.behaviours.items()}
            for c in fw.competencies
        },
    }
    if start and goal:
        values["diff"] = ladder_service.diff_report(fw, start, goal)
        try:
            values["path"] = ladder_service.path_report(fw, start, goal)
        except NoPathError:  # a diff is still useful between roles no path joins
            values["path"] = None
    return page(request, "diff.html", values)


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (all of it when it has one)."""
    head, dot, rest = text.partition(". ")
    return head + "." if dot and rest else text


@router.get("/backgrounds", response_class=HTMLResponse)
def backgrounds(request: Request, app: App) -> HTMLResponse:
    fw = app.framework
    details = [ladder_service.background_detail(fw, b.id) for b in fw.backgrounds]
    return page(request, "backgrounds.html", {"backgrounds": details})


@router.get("/certifications", response_class=HTMLResponse)
def certifications(request: Request, app: App) -> HTMLResponse:
    fw = app.framework
    listed = ladder_service.certifications(fw)
    # Names, not ids: what each builds and the stages it suits, as the page shows them. Two
    # lookups, as a stage and a competency may share an id ("leadership" is both).
    values = {
        "certifications": listed.certifications,
        "competency_names": {c.id: c.name for c in fw.competencies},
        "stage_names": {s.id: s.name for s in fw.stages},
    }
    return page(request, "certifications.html", values)
