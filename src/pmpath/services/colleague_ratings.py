"""Manager and peer ratings of a colleague on the self-assessment's rubric, the ratings side
by side, and managers asking their team to self-assess by a date (issue #19).

The rules, checked here so every interface gets them:

- a team's manager rates the team's members; a member rates the other members of their
  team (a peer), not its managers; nobody rates themselves here (that is the self-assessment);
- the side-by-side view is for the person rated, their team's manager and the organisation's
  admins, and each read of someone else's is written to the access log;
- a peer never reads anyone else's ratings: they see only what they gave; peers' ratings are
  shown only as a median and a count, and only once at least three peers have rated;
- someone outside the organisation finds nothing (NotFoundError), as in the teams service.

Each rating is committed as it is given, as the self-assessment's answers are.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from pmpath.errors import ForbiddenError, Location, NotFoundError, PmpathError
from pmpath.framework import Framework
from pmpath.services.accounts import User
from pmpath.services.assessments import AssessmentService, utc_now
from pmpath.services.membership import Standing, may_see, standing
from pmpath.services.models.colleague_ratings import (
    FLAG_GAP,
    PEER_THRESHOLD,
    CompetencySideBySide,
    Evidence,
    GivenRating,
    ManagerRating,
    PeerAggregate,
    RaterSource,
    RatingSheet,
    RubricLevel,
    SelfAssessmentRequest,
    SelfAssessmentRequests,
    SideBySide,
)
from pmpath.services.organisation_ladders import OrganisationLadders
from pmpath.store import Database
from pmpath.store import calibration as calibration_store
from pmpath.store import colleague_ratings as store
from pmpath.store import organisations as org_store
from pmpath.store.tables import ColleagueRatingRow

#: What the access log calls a read of someone's ratings side by side.
READ_RATINGS = "ratings"
MAX_LINK = 500
MAX_NOTE = 2000


class ColleagueRatingService:
    """Manager and peer ratings in one database; the rubric is the organisation's newest
    ladder, or ``framework`` (the bundled ladder) for an organisation without one."""

    def __init__(
        self,
        database: Database,
        framework: Framework,
        ladders: OrganisationLadders,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.framework = framework
        self.ladders = ladders
        self.clock = clock

    def rubric(self, organisation_id: int) -> Framework:
        return self.ladders.newest(organisation_id) or self.framework

    # -- rating a colleague --------------------------------------------------------------------

    def sheet(self, me: User, organisation_id: int, user_id: int) -> RatingSheet:
        """The rubric for rating ``user_id`` with the ratings ``me`` gave them (and no one
        else's)."""
        rubric = self.rubric(organisation_id)
        with self.database.read() as session:
            place, subject = _member(session, me, organisation_id, user_id)
            source = _rater_source(session, me, place, user_id)
            given = {
                row.competency_id: row
                for row in store.ratings_by(session, organisation_id, user_id, me.id, rubric.id)
            }
            return RatingSheet(
                organisation_id=organisation_id,
                subject_id=user_id,
                subject=subject.name,
                source=source,
                framework_id=rubric.id,
                framework_name=rubric.name,
                competencies=[_given(rubric, c, given.get(c.id)) for c in rubric.competencies],
            )

    def rate(
        self,
        me: User,
        organisation_id: int,
        user_id: int,
        competency_id: str,
        level: int,
        link: str | None = None,
        note: str | None = None,
    ) -> GivenRating:
        """Rate one competency of ``user_id``, committed at once; a rater's newer rating of a
        competency replaces their older one. Who may rate is checked before what they sent,
        so an outsider learns nothing from the answer."""
        rubric = self.rubric(organisation_id)
        with self.database.transaction() as session:
            place, _ = _member(session, me, organisation_id, user_id)
            source = _rater_source(session, me, place, user_id)
            competency = next((c for c in rubric.competencies if c.id == competency_id), None)
            if competency is None:
                raise PmpathError(
                    f"there is no competency {competency_id} on this ladder",
                    Location(field_path=("competency",)),
                )
            if level not in rubric.levels:
                raise PmpathError(
                    f"pick a level from 1 to {len(rubric.scale)}", Location(field_path=("level",))
                )
            evidence = _evidence(link, note)
            row = ColleagueRatingRow(
                organisation_id=organisation_id,
                subject_id=user_id,
                rater_id=me.id,
                source=source,
                framework_id=rubric.id,
                framework_version=rubric.version,
                competency_id=competency_id,
                level=level,
                evidence_link=evidence.link,
                evidence_note=evidence.note,
                rated_at=self.clock(),
            )
            store.save_rating(session, row)
            return _given(rubric, competency, row)

    # -- side by side --------------------------------------------------------------------------

    def side_by_side(self, me: User, organisation_id: int, user_id: int) -> SideBySide:
        """Per competency: the self-rating, the newest manager rating and the peers' median
        and count, with a flag where self and manager are FLAG_GAP levels apart or more."""
        rubric = self.rubric(organisation_id)
        with self.database.transaction() as session:
            place, subject = _member(session, me, organisation_id, user_id)
            if not may_see(session, me, place, user_id):
                raise ForbiddenError(
                    "only the person, their team's manager and the organisation's admins "
                    "see their ratings"
                )
            if user_id != me.id:
                org_store.log_access(
                    session, organisation_id, me.id, [user_id], READ_RATINGS, self.clock()
                )
            rows = store.ratings_of(session, organisation_id, user_id, rubric.id)
            managers = _names(session, {r.rater_id for r in rows if r.source == "manager"})
            newest_manager: dict[str, ColleagueRatingRow] = {}
            peers: dict[str, list[int]] = {}
            for row in rows:  # oldest first, so the last manager rating seen is the newest
                if row.source == "manager":
                    newest_manager[row.competency_id] = row
                else:
                    peers.setdefault(row.competency_id, []).append(row.level)
            name, profile = subject.name, subject.profile
            calibrated = {  # oldest first, so the newest adjustment wins
                row.competency_id: row.to_level
                for row in calibration_store.adjustments(
                    session, organisation_id, rubric.id, [user_id]
                )
            }
        done = AssessmentService(self.database, rubric, self.clock).history(profile)
        newest = done[-1] if done else None
        competencies = []
        for competency in rubric.competencies:
            own = newest.assessment.ratings.get(competency.id) if newest else None
            by_manager = newest_manager.get(competency.id)
            levels = peers.get(competency.id, [])
            competencies.append(
                CompetencySideBySide(
                    competency=competency.id,
                    name=competency.name,
                    self_level=own.level if own else None,
                    manager=ManagerRating(
                        level=by_manager.level,
                        rater=managers.get(by_manager.rater_id, ""),
                        evidence=Evidence(
                            link=by_manager.evidence_link, note=by_manager.evidence_note
                        ),
                        rated_at=by_manager.rated_at,
                    )
                    if by_manager
                    else None,
                    peers=PeerAggregate(count=len(levels), median=statistics.median(levels))
                    if len(levels) >= PEER_THRESHOLD
                    else PeerAggregate(count=None, median=None),
                    flagged=own is not None
                    and by_manager is not None
                    and abs(own.level - by_manager.level) >= FLAG_GAP,
                    calibrated_level=calibrated.get(competency.id),
                )
            )
        return SideBySide(
            organisation_id=organisation_id,
            subject_id=user_id,
            subject=name,
            framework_id=rubric.id,
            framework_name=rubric.name,
            self_assessed_at=newest.completed_at if newest else None,
            peer_threshold=PEER_THRESHOLD,
            competencies=competencies,
        )

    # -- asking to self-assess -----------------------------------------------------------------

    def request_self_assessment(
        self,
        me: User,
        team_id: int,
        due_on: date,
        member_id: int | None = None,
        organisation_id: int | None = None,
    ) -> SelfAssessmentRequests:
        """Ask one member of the team (``member_id``) or all its members (None) to
        self-assess by ``due_on``; the team's managers and the organisation's admins ask.
        With ``organisation_id``, a team of another organisation is not found."""
        now = self.clock()
        with self.database.transaction() as session:
            team = _team(session, team_id, organisation_id)
            place = standing(session, me, team.organisation_id)
            if not (place.admin or place.teams.get(team_id) == "manager"):
                raise ForbiddenError(
                    "only the team's managers and the organisation's admins ask for "
                    "self-assessments"
                )
            if due_on < now.date():
                raise PmpathError("the date must not be in the past", Location(field_path=("due",)))
            members = [
                row.id
                for row in org_store.team_members(session, team_id)
                if row.role == "member" and row.id != me.id
            ]
            if member_id is not None:
                if member_id not in members:
                    raise PmpathError(
                        "pick a member of this team", Location(field_path=("member",))
                    )
                members = [member_id]
            if not members:
                raise PmpathError("the team has no members to ask yet")
            made = {
                store.add_request(session, team_id, member, me.id, due_on, now)
                for member in members
            }
            rows = store.requests(session, team_id=team_id)
            return self._requests([row for row in rows if row.id in made])

    def team_requests(
        self, me: User, team_id: int, organisation_id: int | None = None
    ) -> SelfAssessmentRequests:
        """The team's requests as ``me`` may see them: all of them for its managers and the
        organisation's admins, a member's own for a member."""
        with self.database.read() as session:
            team = _team(session, team_id, organisation_id)
            place = standing(session, me, team.organisation_id)
            role = place.teams.get(team_id)
            if role is None and not place.admin:
                raise ForbiddenError("only the team's members and the organisation's admins see it")
            everyone = place.admin or role == "manager"
            return self._requests(
                store.requests(session, team_id=team_id, member_id=None if everyone else me.id)
            )

    def my_requests(self, me: User) -> SelfAssessmentRequests:
        """Every request made of ``me``, newest first (for the dashboard)."""
        with self.database.read() as session:
            return self._requests(store.requests(session, member_id=me.id))

    def _requests(self, rows: Any) -> SelfAssessmentRequests:
        today = self.clock().date()
        return SelfAssessmentRequests(
            requests=[
                SelfAssessmentRequest(
                    id=row.id,
                    team_id=row.team_id,
                    team=row.team,
                    member_id=row.member_id,
                    member=row.member,
                    requested_by=row.requested_by,
                    due_on=row.due_on,
                    requested_at=row.created_at,
                    done_at=row.done_at,
                    overdue=row.done_at is None and row.due_on < today,
                )
                for row in rows
            ]
        )


def _team(session: Session, team_id: int, organisation_id: int | None) -> Any:
    team = org_store.team(session, team_id)
    if team is None or organisation_id not in (None, team.organisation_id):
        raise NotFoundError(f"there is no team {team_id}")
    return team


def _member(session: Session, me: User, organisation_id: int, user_id: int) -> tuple[Standing, Any]:
    """``me``'s standing and the subject; NotFoundError for an outsider or a non-member."""
    place = standing(session, me, organisation_id)
    subject = org_store.user(session, user_id)
    if subject is None or org_store.organisation_role(session, organisation_id, user_id) is None:
        raise NotFoundError(f"there is no member {user_id} in this organisation")
    return place, subject


def _rater_source(session: Session, me: User, place: Standing, user_id: int) -> RaterSource:
    """Whether ``me`` rates ``user_id`` as their manager or as a peer; ForbiddenError for
    anyone else (themselves included: that is the self-assessment)."""
    if user_id == me.id:
        raise ForbiddenError("your own ratings are your self-assessment")
    if org_store.manages_team_of(session, me.id, user_id, place.organisation_id):
        return "manager"
    if store.fellow_members(session, me.id, user_id, place.organisation_id):
        return "peer"
    raise ForbiddenError("only a colleague's team manager and their fellow team members rate them")


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    found = (org_store.user(session, user_id) for user_id in sorted(user_ids))
    return {row.id: row.name for row in found if row is not None}


def _given(rubric: Framework, competency: Any, row: ColleagueRatingRow | None) -> GivenRating:
    return GivenRating(
        competency=competency.id,
        name=competency.name,
        level=row.level if row else None,
        evidence=Evidence(
            link=row.evidence_link if row else None, note=row.evidence_note if row else None
        ),
        levels=[
            RubricLevel(
                level=step.level,
                name=step.name,
                behaviour=str(competency.behaviours.get(step.level, "")),
            )
            for step in rubric.scale
        ],
    )


def _evidence(link: str | None, note: str | None) -> Evidence:
    """Optional evidence: an http(s) link and a note, trimmed; empty ones are None."""
    link = (link or "").strip() or None
    note = (note or "").strip() or None
    if link is not None:
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > MAX_LINK:
            raise PmpathError(
                f"the link must start with https:// or http:// (up to {MAX_LINK} characters)",
                Location(field_path=("link",)),
            )
    if note is not None and len(note) > MAX_NOTE:
        raise PmpathError(f"keep the note to {MAX_NOTE} characters", Location(field_path=("note",)))
    return Evidence(link=link, note=note)
