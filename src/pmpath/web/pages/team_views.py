"""A team's heat map, coverage, bench strength and what-if, for its managers and the
organisation's admins. Every permission is the team-views service's; the what-if is a GET
form (it changes nothing), so a bad choice is shown back with a 422."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from pmpath.errors import Location, PmpathError, Problem
from pmpath.reports.team_views_chart import heat_map_svg
from pmpath.services.accounts import User
from pmpath.services.models.team_views import TeamRef
from pmpath.web.deps import RowId, signed_in
from pmpath.web.pages.accounts import field_errors
from pmpath.web.pages.render import page
from pmpath.web.problems import status_of

router = APIRouter()

BASE = "/organisations/{organisation_id}/teams/{team_id}"
HEAT_MAP = BASE + "/heat-map"
COVERAGE = BASE + "/coverage"
BENCH = BASE + "/bench"
WHAT_IF = BASE + "/what-if"

#: How each source of a level reads on the pages.
SOURCES = {"calibrated": "Calibrated", "manager": "Manager", "self": "Self"}
#: How each bench bucket reads, readiest first.
READINESS = {
    "now": "Ready now",
    "within-6-months": "Within 6 months",
    "later": "Later",
    "not-enough-data": "Not enough data",
}


def _nav(team: TeamRef, here: str) -> list[dict[str, Any]]:
    base = BASE.format(organisation_id=team.organisation_id, team_id=team.team_id)
    return [
        {"href": base + path, "label": label, "current": path == here}
        for path, label in (
            ("/heat-map", "Heat map"),
            ("/coverage", "Coverage"),
            ("/bench", "Bench strength"),
            ("/what-if", "What if"),
        )
    ]


@router.get(HEAT_MAP, response_class=HTMLResponse)
def heat_map(
    request: Request,
    organisation_id: RowId,
    team_id: RowId,
    me: Annotated[User, signed_in(HEAT_MAP)],
) -> Response:
    app = request.app.state.pmpath
    found = app.team_views.heat_map(me, team_id, organisation_id)
    values = {
        "view": found,
        "nav": _nav(found.team, "/heat-map"),
        "figure": Markup(heat_map_svg(found)),
        "sources": SOURCES,
    }
    return page(request, "team_views_heat_map.html", values)


@router.get(COVERAGE, response_class=HTMLResponse)
def coverage(
    request: Request,
    organisation_id: RowId,
    team_id: RowId,
    me: Annotated[User, signed_in(COVERAGE)],
) -> Response:
    app = request.app.state.pmpath
    found = app.team_views.coverage(me, team_id, organisation_id)
    values = {"view": found, "nav": _nav(found.team, "/coverage")}
    return page(request, "team_views_coverage.html", values)


@router.get(BENCH, response_class=HTMLResponse)
def bench(
    request: Request,
    organisation_id: RowId,
    team_id: RowId,
    me: Annotated[User, signed_in(BENCH)],
) -> Response:
    app = request.app.state.pmpath
    found = app.team_views.bench(me, team_id, organisation_id)
    from pmpath.services.team_views import MIN_KNOWN_SHARE, SIX_MONTHS_STEP, SIX_MONTHS_TOTAL

    values = {
        "view": found,
        "nav": _nav(found.team, "/bench"),
        "readiness": READINESS,
        "six_months_step": SIX_MONTHS_STEP,
        "six_months_total": SIX_MONTHS_TOTAL,
        "min_known_percent": round(MIN_KNOWN_SHARE * 100),
    }
    return page(request, "team_views_bench.html", values)


@router.get(WHAT_IF, response_class=HTMLResponse)
def what_if(
    request: Request,
    organisation_id: RowId,
    team_id: RowId,
    me: Annotated[User, signed_in(WHAT_IF)],
    member: str | None = None,
    role: str | None = None,
) -> Response:
    """The form (member and role); with both chosen, the team as if the member held it. The
    form sent with a field left empty says which one to choose (422). One read of the team
    either way (so one batch of access-log rows)."""
    app = request.app.state.pmpath
    sent = member is not None or role is not None
    member, role = (member or "").strip(), (role or "").strip()
    values: dict[str, Any] = {
        "chosen": {"member": member, "role": role},
        "errors": {},
        "result": None,
        "readiness": READINESS,
    }
    status = 200
    choices = None
    if sent:
        try:
            missing = [
                Problem(message, Location(field_path=(name,)))
                for name, message, given in (
                    ("member", "choose a member of this team", member.isdigit()),
                    ("role", "choose a role", bool(role)),
                )
                if not given
            ]
            if missing:
                raise PmpathError(missing)
            result = app.team_views.what_if(me, team_id, int(member), role, organisation_id)
            choices = result.choices
            values["result"] = result
            values["figure"] = Markup(heat_map_svg(result.heat_map, "what-if-map"))
            values["names"] = {c.id: c.name for c in result.heat_map.competencies}
        except PmpathError as exc:
            if status_of(exc) in (403, 404):
                raise
            values["errors"] = field_errors(exc, ("member", "role"))
            status = status_of(exc)
    if choices is None:
        choices = app.team_views.what_if_choices(me, team_id, organisation_id)
    values.update(
        team=choices.team,
        members=choices.members,
        roles=choices.roles,
        nav=_nav(choices.team, "/what-if"),
    )
    return page(request, "team_views_what_if.html", values, status)
