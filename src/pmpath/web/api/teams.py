"""Organisations, teams, invitations, an organisation's own ladder and its access log.

Who may read what is the teams service's decision (docs/teams.md): someone outside an
organisation gets 404 for anything in it, a member 403 for what their role does not allow.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from pmpath.assessment.answers import AnswersFile
from pmpath.errors import FrameworkError, Location, NotFoundError
from pmpath.services.colleague_ratings import MAX_LINK, MAX_NOTE
from pmpath.services.models.assessments import RecordedAssessment
from pmpath.services.models.colleague_ratings import (
    GivenRating,
    RatingSheet,
    SelfAssessmentRequests,
    SideBySide,
)
from pmpath.services.models.teams import (
    AccessLog,
    Invitation,
    LadderVersion,
    LadderVersions,
    MemberPlacement,
    Membership,
    NewInvitation,
    Organisation,
    Organisations,
    People,
    Removed,
    RoleChange,
    Team,
    TeamRole,
)
from pmpath.services.organisation_ladders import MAX_LADDER_BYTES
from pmpath.web.api.assessments import ASSESSMENT_BODY_LIMIT
from pmpath.web.api.bodies import capped_body, documented_body, json_body
from pmpath.web.deps import App, Learner, RowId
from pmpath.web.pages.teams import link_base

router = APIRouter()

#: A name with at least one letter or digit (of any script): the service drops control and
#: invisible characters and collapses spaces, so such a name is never left empty.
Name = Annotated[str, Query(min_length=1, max_length=100, pattern=r"[^\W_]")]
#: An invitation token as it appears in the link.
Token = Annotated[str, Path(min_length=1, max_length=100)]


@router.get("/organisations", summary="The organisations you belong to")
def organisations(app: App, me: Learner) -> Organisations:
    return app.teams.organisations(me)


@router.post(
    "/organisations",
    status_code=201,
    summary="Create an organisation (you become its organisation admin)",
)
def create_organisation(app: App, me: Learner, name: Name) -> Organisation:
    return app.teams.create_organisation(me, name)


@router.get("/organisations/{organisation_id}", summary="An organisation and its teams")
def organisation(app: App, me: Learner, organisation_id: RowId) -> Organisation:
    return app.teams.organisation(me, organisation_id)


@router.post(
    "/organisations/{organisation_id}/teams",
    status_code=201,
    summary="Create a team (organisation admins; you become its manager)",
)
def create_team(app: App, me: Learner, organisation_id: RowId, name: Name) -> Team:
    return app.teams.create_team(me, organisation_id, name)


def _team_of(app: App, me: Learner, organisation_id: int, team_id: int) -> Team:
    team = app.teams.team(me, team_id)
    if team.organisation_id != organisation_id:
        raise NotFoundError(f"there is no team {team_id} in organisation {organisation_id}")
    return team


@router.get(
    "/organisations/{organisation_id}/teams/{team_id}",
    summary="A team's members; each placement only where you may see it (reads are logged)",
)
def team(app: App, me: Learner, organisation_id: RowId, team_id: RowId) -> Team:
    return _team_of(app, me, organisation_id, team_id)


@router.post(
    "/organisations/{organisation_id}/teams/{team_id}/invitations",
    status_code=201,
    summary="Invite someone to a team: a single-use link, emailed when SMTP is configured",
)
def invite(
    request: Request,
    app: App,
    me: Learner,
    organisation_id: RowId,
    team_id: RowId,
    role: TeamRole = "member",
    email: Annotated[str | None, Query(max_length=254)] = None,
    expires_in_days: Annotated[int, Query(ge=1, le=30)] = 14,
) -> NewInvitation:
    """``token`` is in the reply only; the link is ``/invitations/<token>`` on this site.
    Managers invite members; organisation admins invite members and managers."""
    _team_of(app, me, organisation_id, team_id)
    return app.teams.invite(
        me, team_id, role, email, link_base(request, app), timedelta(days=expires_in_days)
    )


@router.get("/invitations/{token}", summary="What an invitation offers, and whether it is open")
def invitation(app: App, me: Learner, token: Token) -> Invitation:
    return app.teams.invitation(token)


@router.post(
    "/invitations/{token}/accept",
    summary="Accept an invitation: join its team (409 when used or expired)",
)
def accept(app: App, me: Learner, token: Token) -> Membership:
    return app.teams.accept(me, token)


@router.get(
    "/organisations/{organisation_id}/members/{user_id}/placement",
    summary="A member's placement, for them, their manager and organisation admins (logged)",
)
def member_placement(
    app: App, me: Learner, organisation_id: RowId, user_id: RowId
) -> MemberPlacement:
    return app.teams.member_placement(me, organisation_id, user_id)


@router.get(
    "/organisations/{organisation_id}/access-log",
    summary="Who read whose data, newest first (organisation admins)",
)
def access_log(
    app: App,
    me: Learner,
    organisation_id: RowId,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> AccessLog:
    return app.teams.access_log(me, organisation_id, limit)


@router.get(
    "/organisations/{organisation_id}/ladder",
    summary="The organisation's own ladder versions, newest first",
)
def ladder_versions(app: App, me: Learner, organisation_id: RowId) -> LadderVersions:
    return app.teams.ladders.versions(me, organisation_id)


@router.post(
    "/organisations/{organisation_id}/ladder",
    status_code=201,
    summary="Upload a new version of the organisation's ladder (organisation admins)",
)
async def upload_ladder(
    request: Request,
    app: App,
    me: Learner,
    organisation_id: RowId,
    filename: Annotated[str, Query(min_length=1, max_length=200)] = "ladder.yaml",
) -> LadderVersion:
    """The body is the framework YAML itself. A file with problems is a 422 whose
    ``problems`` name each one by file, line and field; nothing is kept."""
    data = await capped_body(request, MAX_LADDER_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FrameworkError("the file is not UTF-8 text", Location(file=filename)) from exc
    # Checking a large ladder takes a while: off the event loop, so other requests go on.
    return await run_in_threadpool(app.teams.ladders.upload, me, organisation_id, text, filename)


@router.post(
    "/organisations/{organisation_id}/assessments",
    status_code=201,
    summary="Record your self-assessment on the organisation's own ladder (its newest version)",
    openapi_extra=documented_body(AnswersFile),
)
async def assess_on_ladder(
    request: Request, app: App, me: Learner, organisation_id: RowId
) -> RecordedAssessment:
    """The body is an answers file as JSON, with the organisation ladder's ids; 404 while the
    organisation has no ladder of its own. The assessment keeps the ladder's id and version,
    and your team's placement is read on it from then on."""
    body = await json_body(request, ASSESSMENT_BODY_LIMIT)
    return await run_in_threadpool(app.teams.ladders.assess, me, organisation_id, body)


# -- manager and peer ratings, requests to self-assess ------------------------------------------


@router.get(
    "/organisations/{organisation_id}/members/{user_id}/rating-sheet",
    summary="The rubric for rating a colleague, with the ratings you gave them (and no one else's)",
)
def rating_sheet(app: App, me: Learner, organisation_id: RowId, user_id: RowId) -> RatingSheet:
    return app.colleague_ratings.sheet(me, organisation_id, user_id)


@router.put(
    "/organisations/{organisation_id}/members/{user_id}/ratings/{competency}",
    summary="Rate one competency of a colleague, as their manager or a peer (saved at once)",
)
def rate_colleague(
    app: App,
    me: Learner,
    organisation_id: RowId,
    user_id: RowId,
    competency: Annotated[str, Path(min_length=1, max_length=80)],
    level: Annotated[int, Query(ge=1, le=100)],
    link: Annotated[str | None, Query(max_length=MAX_LINK)] = None,
    note: Annotated[str | None, Query(max_length=MAX_NOTE)] = None,
) -> GivenRating:
    """A newer rating of the same competency replaces yours; ``link`` (http or https) and
    ``note`` are optional evidence."""
    return app.colleague_ratings.rate(me, organisation_id, user_id, competency, level, link, note)


@router.get(
    "/organisations/{organisation_id}/members/{user_id}/ratings",
    summary="Self, manager and peer ratings side by side (the member, their manager, admins; "
    "logged)",
)
def ratings_side_by_side(
    app: App, me: Learner, organisation_id: RowId, user_id: RowId
) -> SideBySide:
    """Peers appear only as a median and a count, once three or more have rated."""
    return app.colleague_ratings.side_by_side(me, organisation_id, user_id)


@router.get(
    "/organisations/{organisation_id}/teams/{team_id}/self-assessment-requests",
    summary="A team's requests to self-assess (all for managers and admins, your own otherwise)",
)
def team_requests(
    app: App, me: Learner, organisation_id: RowId, team_id: RowId
) -> SelfAssessmentRequests:
    return app.colleague_ratings.team_requests(me, team_id, organisation_id)


@router.post(
    "/organisations/{organisation_id}/teams/{team_id}/self-assessment-requests",
    status_code=201,
    summary="Ask one member (member_id) or the whole team to self-assess by a date",
)
def ask_to_self_assess(
    app: App,
    me: Learner,
    organisation_id: RowId,
    team_id: RowId,
    due_on: date,
    member_id: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
) -> SelfAssessmentRequests:
    return app.colleague_ratings.request_self_assessment(
        me, team_id, due_on, member_id, organisation_id
    )


@router.get(
    "/self-assessment-requests",
    summary="The requests to self-assess made of you, newest first",
)
def my_requests(app: App, me: Learner) -> SelfAssessmentRequests:
    return app.colleague_ratings.my_requests(me)


# -- people and roles ----------------------------------------------------------------------------

OrganisationRoleQuery = Annotated[str, Query(pattern="^(member|admin)$")]
TeamRoleQuery = Annotated[str, Query(pattern="^(member|manager)$")]


@router.get(
    "/organisations/{organisation_id}/people",
    summary="Everyone in the organisation with their roles (organisation admins)",
)
def people(app: App, me: Learner, organisation_id: RowId) -> People:
    return app.people.people(me, organisation_id)


@router.put(
    "/organisations/{organisation_id}/people/{user_id}/role",
    summary="Make someone an organisation admin or a member (admins; 409 for the last admin)",
)
def set_organisation_role(
    app: App, me: Learner, organisation_id: RowId, user_id: RowId, role: OrganisationRoleQuery
) -> RoleChange:
    name = app.people.set_organisation_role(me, organisation_id, user_id, role)
    return RoleChange(user_id=user_id, name=name, role=role)


@router.delete(
    "/organisations/{organisation_id}/people/{user_id}",
    summary="Remove someone from the organisation and its teams (admins, or yourself)",
)
def remove_from_organisation(
    app: App, me: Learner, organisation_id: RowId, user_id: RowId
) -> Removed:
    name = app.people.remove_from_organisation(me, organisation_id, user_id)
    return Removed(user_id=user_id, name=name, organisation_id=organisation_id, team_id=None)


@router.put(
    "/organisations/{organisation_id}/teams/{team_id}/members/{user_id}/role",
    summary="Make a team member its manager, or a manager a member (organisation admins)",
)
def set_team_role(
    app: App,
    me: Learner,
    organisation_id: RowId,
    team_id: RowId,
    user_id: RowId,
    role: TeamRoleQuery,
) -> RoleChange:
    name = app.people.set_team_role(me, team_id, user_id, role, organisation_id)
    return RoleChange(user_id=user_id, name=name, role=role)


@router.delete(
    "/organisations/{organisation_id}/teams/{team_id}/members/{user_id}",
    summary="Remove someone from a team (its manager for members, admins, or yourself)",
)
def remove_from_team(
    app: App, me: Learner, organisation_id: RowId, team_id: RowId, user_id: RowId
) -> Removed:
    name = app.people.remove_from_team(me, team_id, user_id, organisation_id)
    return Removed(user_id=user_id, name=name, organisation_id=organisation_id, team_id=team_id)
