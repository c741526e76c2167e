"""The ladder: the framework, its roles, paths between them and what changes."""

from __future__ import annotations

from fastapi import APIRouter

from pmpath.framework import Track
from pmpath.services import ladder as ladder_service
from pmpath.services.models.ladder import (
    Competencies,
    DiffReport,
    ExitDetail,
    FrameworkSummary,
    NodeDetail,
    PathReport,
    RoleDetail,
    RolesByStage,
)
from pmpath.web.deps import App

router = APIRouter()


@router.get("/framework", summary="The framework: its name and counts")
def framework(app: App) -> FrameworkSummary:
    return ladder_service.framework_summary(app.framework)


@router.get("/roles", summary="Every role and exit, grouped by stage")
def roles(app: App) -> RolesByStage:
    return ladder_service.roles_by_stage(app.framework)


@router.get("/roles/{role_id}", summary="One role or exit", response_model=NodeDetail)
def role(app: App, role_id: str) -> RoleDetail | ExitDetail:
    return ladder_service.role_detail(app.framework, role_id)


@router.get("/paths", summary="Paths between two roles")
def paths(app: App, start: str, goal: str, track: Track | None = None) -> PathReport:
    return ladder_service.path_report(app.framework, start, goal, track)


@router.get("/diff", summary="What changes between two roles")
def diff(app: App, start: str, goal: str) -> DiffReport:
    return ladder_service.diff_report(app.framework, start, goal)


@router.get("/competencies", summary="The scale and the competencies with their behaviours")
def competencies(app: App) -> Competencies:
    return ladder_service.competencies(app.framework)
