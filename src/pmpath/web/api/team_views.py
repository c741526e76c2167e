"""A team's heat map, coverage, bench strength and what-if (issue #19), for the team's
managers and the organisation's admins: 403 for a member or another team's manager, 404 for
someone outside the organisation (or a team of another organisation), 422 for a what-if
naming someone outside the team or a role not on the ladder."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from pmpath.services.models.team_views import Bench, Coverage, HeatMap, WhatIf, WhatIfChoices
from pmpath.web.deps import App, Learner, RowId

router = APIRouter()

BASE = "/organisations/{organisation_id}/teams/{team_id}"


@router.get(BASE + "/heat-map", summary="A team's heat map: members x competencies")
def heat_map(app: App, me: Learner, organisation_id: RowId, team_id: RowId) -> HeatMap:
    return app.team_views.heat_map(me, team_id, organisation_id)


@router.get(BASE + "/coverage", summary="A team's coverage against what its roles expect")
def coverage(app: App, me: Learner, organisation_id: RowId, team_id: RowId) -> Coverage:
    return app.team_views.coverage(me, team_id, organisation_id)


@router.get(BASE + "/bench", summary="A team's bench strength: who is ready for the next role")
def bench(app: App, me: Learner, organisation_id: RowId, team_id: RowId) -> Bench:
    return app.team_views.bench(me, team_id, organisation_id)


@router.get(BASE + "/what-if", summary="The team as if one member held another role")
def what_if(
    app: App,
    me: Learner,
    organisation_id: RowId,
    team_id: RowId,
    member: Annotated[int, Query(ge=0, le=2**63 - 1, description="The member's user id.")],
    role: Annotated[str, Query(max_length=200, description="The role's id on the ladder.")],
) -> WhatIf:
    return app.team_views.what_if(me, team_id, member, role, organisation_id)


@router.get(BASE + "/what-if/choices", summary="The members and roles a what-if may choose")
def what_if_choices(app: App, me: Learner, organisation_id: RowId, team_id: RowId) -> WhatIfChoices:
    return app.team_views.what_if_choices(me, team_id, organisation_id)
