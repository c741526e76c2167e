"""A member's own data: export everything pmpath holds about them, and delete their account.

**Export** is one JSON document (:class:`MyData`) of every row about the account, read in one
transaction. Other people show by name only where the member saw them anyway; peers' ratings
of them only as the side-by-side view shows them (a median and a count, from three peers).

**Delete** removes the account and everything about it, confirmed by the password (web, API)
or by typing the email (CLI). Rows that record what other people did and merely mention the
account (an invitation it sent, a request it made, a read it made of someone's data) stay,
with the mention emptied: they show "a deleted account". An organisation's only admin cannot
leave members without an admin, so the deletion is refused (409) while others remain in such
an organisation; an organisation whose only member they are is deleted with them.

:data:`COVERAGE` declares, for every column that points at an account or its profile (directly
or through their rows), how the export covers it and what deletion does; a test walks the
tables' foreign keys and fails on any column it does not name.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from pmpath.errors import ConflictError, ForbiddenError, Location, NotFoundError, PmpathError
from pmpath.services.accounts import User
from pmpath.services.assessments import utc_now
from pmpath.services.models.accounts import Role
from pmpath.services.models.colleague_ratings import PEER_THRESHOLD
from pmpath.services.models.my_data import (
    Deleted,
    DeletionPlan,
    ExportedAccess,
    ExportedAccount,
    ExportedAdjustment,
    ExportedAssessment,
    ExportedAttempt,
    ExportedBadge,
    ExportedCheckIn,
    ExportedColleagueRating,
    ExportedGoal,
    ExportedGoalProgress,
    ExportedInvitation,
    ExportedLadderUpload,
    ExportedLaunch,
    ExportedLmsIdentity,
    ExportedLmsScore,
    ExportedOrganisation,
    ExportedPeerAggregate,
    ExportedPromotionCase,
    ExportedRating,
    ExportedRequest,
    ExportedReviewCard,
    ExportedRosterImport,
    ExportedTeam,
    ExportedToken,
    ExportedXapiAccount,
    ExportedXapiActor,
    ExportedXapiStatements,
    MyData,
    OrganisationOutcome,
)
from pmpath.services.passwords import is_password_hash, verify
from pmpath.store import Database
from pmpath.store import badges as badge_store
from pmpath.store import my_data as store


@dataclass(frozen=True)
class Coverage:
    """How one column that points at a person is handled."""

    #: Where its rows are in the export, or why they are not.
    export: str
    #: What deleting the person does to its rows: "delete" them, or "empty" the column
    #: (the row records someone else's action and stays, showing "a deleted account").
    on_delete: Literal["delete", "empty"]


#: Every (table, column) whose foreign key leads to an account or its profile.
COVERAGE: dict[tuple[str, str], Coverage] = {
    ("users", "profile_id"): Coverage("account (email, name, role, created_at)", "delete"),
    ("assessments", "profile_id"): Coverage("assessments", "delete"),
    ("ratings", "assessment_id"): Coverage("assessments[].ratings", "delete"),
    ("attempts", "profile_id"): Coverage("attempts", "delete"),
    ("responses", "attempt_id"): Coverage(
        "attempts[] (answered, flagged, credit): a summary, the questions stay the bank's",
        "delete",
    ),
    ("badges", "user_id"): Coverage("badges (with the signed credential)", "delete"),
    ("badges", "attempt_id"): Coverage("badges (a badge goes with its attempt)", "delete"),
    ("badges", "revoked_by"): Coverage(
        "not exported: revoking someone's badge is the site's record, shown by the badge",
        "empty",
    ),
    ("review_cards", "profile_id"): Coverage("review_cards", "delete"),
    ("sessions", "user_id"): Coverage(
        "signed_in_sessions (a count: a session's token is a secret)", "delete"
    ),
    ("api_tokens", "user_id"): Coverage("api_tokens (names and dates, never a hash)", "delete"),
    ("organisation_members", "user_id"): Coverage("organisations", "delete"),
    ("team_members", "user_id"): Coverage("teams", "delete"),
    ("invitations", "invited_by"): Coverage("invitations_sent", "empty"),
    ("invitations", "accepted_by"): Coverage("invitations_accepted", "empty"),
    ("organisation_frameworks", "uploaded_by"): Coverage(
        "ladder_uploads (the file is the organisation's and stays with it)", "empty"
    ),
    ("access_log", "subject_id"): Coverage("access_log (who read your data, when)", "delete"),
    ("access_log", "viewer_id"): Coverage(
        "not exported: reads of other people's data belong to the organisation's audit trail",
        "empty",
    ),
    ("colleague_ratings", "rater_id"): Coverage("ratings_given (in full)", "delete"),
    ("colleague_ratings", "subject_id"): Coverage(
        "manager_ratings_received (in full); peer_ratings_received (median and count per "
        "competency from 3 peers, never who or a single level)",
        "delete",
    ),
    ("self_assessment_requests", "member_id"): Coverage(
        "self_assessment_requests_received", "delete"
    ),
    ("self_assessment_requests", "requested_by"): Coverage(
        "self_assessment_requests_made", "empty"
    ),
    ("calibration_adjustments", "subject_id"): Coverage(
        "calibration_adjustments (with the reason)", "delete"
    ),
    ("calibration_adjustments", "adjusted_by"): Coverage(
        "not exported: levels set for other people are their data and the audit trail's",
        "empty",
    ),
    ("promotion_cases", "subject_id"): Coverage(
        "promotion_cases, once submitted (a draft is the manager's until then)", "delete"
    ),
    ("promotion_cases", "author_id"): Coverage(
        "not exported: cases written about other people are theirs", "empty"
    ),
    ("promotion_cases", "decided_by"): Coverage(
        "not exported: decisions on other people's cases are theirs", "empty"
    ),
    ("check_in_goals", "member_id"): Coverage("goals", "delete"),
    ("check_in_goals", "created_by"): Coverage(
        "not exported: goals set for other people are theirs (your own goals are in goals)",
        "empty",
    ),
    ("check_ins", "member_id"): Coverage("check_ins", "delete"),
    ("check_ins", "manager_id"): Coverage(
        "not exported: one-to-ones held as a manager are the members' data", "empty"
    ),
    ("check_in_progress", "goal_id"): Coverage("goals[].progress", "delete"),
    ("check_in_progress", "check_in_id"): Coverage(
        "goals[].progress (by the check-in's date)", "delete"
    ),
    ("lti_identities", "user_id"): Coverage(
        "lms_identities (platform, its user id for you, since when)", "delete"
    ),
    ("lti_launches", "user_id"): Coverage(
        "lms_launches (platform, course, activity, roles, when)", "delete"
    ),
    ("lti_launch_data", "user_id"): Coverage(
        "not exported: a launch's claims kept at most an hour for the next step (the "
        "deep-linking picker); what they say is in lms_launches",
        "delete",
    ),
    ("lti_score_outbox", "user_id"): Coverage(
        "lms_scores (exam, course, score, state, when sent)", "delete"
    ),
    ("lti_score_outbox", "attempt_id"): Coverage(
        "lms_scores (a score goes with its attempt)", "delete"
    ),
    ("lti_roster_imports", "imported_by"): Coverage(
        "lms_roster_imports (course, team, when, how many added, updated, unchanged, left; "
        "not who: the roster is the course's)",
        "empty",
    ),
    ("xapi_outbox", "profile_id"): Coverage(
        "xapi_statements: a summary (how many, by state and kind, the LRS, how they name "
        "you); each statement restates an attempt, answer or self-assessment exported above",
        "delete",
    ),
}

#: The tables a person's rows start from.
PERSON_TABLES = ("users", "profiles")


class MyDataService:
    """Export and deletion of the signed-in person's own data."""

    def __init__(self, database: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self.database = database
        self.clock = clock

    # -- export ----------------------------------------------------------------------------------

    def export(self, me: User) -> MyData:
        """Everything pmpath holds about ``me``, as one document."""
        with self.database.transaction() as session:
            found = store.account(session, me.id)
            if found is None:
                raise NotFoundError("this account no longer exists")
            user, profile = found
            ratings_by_assessment: dict[int, list[ExportedRating]] = defaultdict(list)
            for rating in store.ratings(session, profile.id):
                ratings_by_assessment[rating.assessment_id].append(
                    ExportedRating(
                        competency=rating.competency_id,
                        level=rating.level,
                        confidence=rating.confidence,
                        evidence=list(rating.evidence or []),
                        answered_at=rating.answered_at,
                    )
                )
            progress: dict[int, list[ExportedGoalProgress]] = defaultdict(list)
            for goal_id, held_on, status, note in store.goal_progress(session, me.id):
                progress[goal_id].append(
                    ExportedGoalProgress(held_on=held_on, status=status, note=note)
                )
            received = store.colleague_ratings(session, me.id, given=False)
            return MyData(
                exported_at=self.clock(),
                account=ExportedAccount(
                    email=user.email,
                    name=user.name,
                    role=cast(Role, user.role),
                    created_at=user.created_at,
                    time_allowance=profile.time_allowance,
                ),
                profile_created_at=profile.created_at,
                assessments=[
                    ExportedAssessment(
                        framework_id=a.framework_id,
                        framework_version=a.framework_version,
                        source=a.source,
                        started_at=a.started_at,
                        completed_at=a.completed_at,
                        background=a.background,
                        current_role=a.current_role,
                        years=a.years,
                        interests=list(a.interests or []),
                        target=a.target,
                        ratings=ratings_by_assessment.get(a.id, []),
                    )
                    for a in store.assessments(session, profile.id)
                ],
                attempts=[
                    ExportedAttempt(
                        mode=row.AttemptRow.mode,
                        bank_id=row.AttemptRow.bank_id,
                        blueprint_id=row.AttemptRow.blueprint_id,
                        started_at=row.AttemptRow.started_at,
                        finished_at=row.AttemptRow.finished_at,
                        finish_reason=row.AttemptRow.finish_reason,
                        score=row.AttemptRow.score,
                        pass_mark=row.AttemptRow.pass_mark,
                        questions=len(row.AttemptRow.form or []),
                        answered=int(row.answered),
                        flagged=int(row.flagged),
                        credit=round(float(row.credit), 4),
                    )
                    for row in store.attempts(session, profile.id)
                ],
                badges=[
                    ExportedBadge(
                        public_id=badge.public_id,
                        kind=badge.kind,
                        achievement=badge.name,
                        issued_at=badge.issued_at,
                        status="valid" if badge.revoked_at is None else "revoked",
                        revoked_at=badge.revoked_at,
                        revoked_reason=badge.revoked_reason,
                        credential=badge.token,
                    )
                    for badge in badge_store.of_user(session, me.id)
                ],
                review_cards=[
                    ExportedReviewCard(
                        bank_id=card.bank_id,
                        item_id=card.item_id,
                        due=card.due,
                        reviews=card.reviews,
                    )
                    for card in store.review_cards(session, profile.id)
                ],
                api_tokens=[
                    ExportedToken(
                        name=token.name,
                        scopes=token.scopes,
                        created_at=token.created_at,
                        expires_at=token.expires_at,
                        last_used_at=token.last_used_at,
                    )
                    for token in store.tokens(session, me.id)
                ],
                signed_in_sessions=store.count_sessions(session, me.id),
                failed_sign_ins=store.count_login_failures(session, user.email),
                organisations=[
                    ExportedOrganisation(
                        organisation=row.name, role=row.role, joined_at=row.joined_at
                    )
                    for row in store.organisation_memberships(session, me.id)
                ],
                teams=[
                    ExportedTeam(
                        organisation=row.organisation,
                        team=row.team,
                        role=row.role,
                        joined_at=row.joined_at,
                    )
                    for row in store.team_memberships(session, me.id)
                ],
                invitations_sent=[
                    _invitation(row, sent=True)
                    for row in store.invitations(session, me.id, sent=True)
                ],
                invitations_accepted=[
                    _invitation(row, sent=False)
                    for row in store.invitations(session, me.id, sent=False)
                ],
                ratings_given=[
                    _colleague_rating(row)
                    for row in store.colleague_ratings(session, me.id, given=True)
                ],
                manager_ratings_received=[
                    _colleague_rating(row)
                    for row in received
                    if row.ColleagueRatingRow.source == "manager"
                ],
                peer_ratings_received=_peer_aggregates(received),
                self_assessment_requests_received=[
                    _request(row)
                    for row in store.self_assessment_requests(session, me.id, made=False)
                ],
                self_assessment_requests_made=[
                    _request(row)
                    for row in store.self_assessment_requests(session, me.id, made=True)
                ],
                ladder_uploads=[
                    ExportedLadderUpload(
                        organisation=row.organisation,
                        version=row.version,
                        filename=row.filename,
                        uploaded_at=row.uploaded_at,
                    )
                    for row in store.ladder_uploads(session, me.id)
                ],
                calibration_adjustments=[
                    ExportedAdjustment(
                        organisation=row.organisation,
                        framework_id=row.CalibrationAdjustmentRow.framework_id,
                        competency=row.CalibrationAdjustmentRow.competency_id,
                        role_id=row.CalibrationAdjustmentRow.role_id,
                        from_level=row.CalibrationAdjustmentRow.from_level,
                        to_level=row.CalibrationAdjustmentRow.to_level,
                        reason=row.CalibrationAdjustmentRow.reason,
                        adjusted_by=row.adjusted_by,
                        adjusted_at=row.CalibrationAdjustmentRow.adjusted_at,
                    )
                    for row in store.adjustments(session, me.id)
                ],
                promotion_cases=[
                    ExportedPromotionCase(
                        organisation=row.organisation,
                        target_role_id=row.PromotionCaseRow.target_role_id,
                        specialisation=row.PromotionCaseRow.specialisation,
                        author=row.author,
                        recommendation=row.PromotionCaseRow.recommendation,
                        status=row.PromotionCaseRow.status,
                        decision=row.PromotionCaseRow.decision,
                        decision_note=row.PromotionCaseRow.decision_note,
                        decided_by=row.decider,
                        submitted_at=row.PromotionCaseRow.submitted_at,
                        decided_at=row.PromotionCaseRow.decided_at,
                    )
                    for row in store.promotion_cases(session, me.id)
                ],
                goals=[
                    ExportedGoal(
                        organisation=row.organisation,
                        title=row.CheckInGoalRow.title,
                        competency_id=row.CheckInGoalRow.competency_id,
                        target_level=row.CheckInGoalRow.target_level,
                        plan_step=row.CheckInGoalRow.plan_step,
                        due_on=row.CheckInGoalRow.due_on,
                        created_at=row.CheckInGoalRow.created_at,
                        closed_at=row.CheckInGoalRow.closed_at,
                        progress=progress.get(row.CheckInGoalRow.id, []),
                    )
                    for row in store.goals(session, me.id)
                ],
                check_ins=[
                    ExportedCheckIn(
                        organisation=row.organisation,
                        team=row.team,
                        manager=row.manager,
                        held_on=row.CheckInRow.held_on,
                        notes=row.CheckInRow.notes,
                    )
                    for row in store.check_ins(session, me.id)
                ],
                access_log=[
                    ExportedAccess(
                        organisation=row.organisation, viewer=row.viewer, what=row.what, at=row.at
                    )
                    for row in store.reads_of(session, me.id)
                ],
                lms_identities=[
                    ExportedLmsIdentity(
                        platform=row.platform, subject=row.subject, since=row.created_at
                    )
                    for row in store.lms_identities(session, me.id)
                ],
                lms_launches=[
                    ExportedLaunch(
                        platform=row.platform,
                        course=row.course or None,
                        activity=row.activity,
                        roles=list(row.roles or []),
                        launched_at=row.launched_at,
                    )
                    for row in store.lms_launches(session, me.id)
                ],
                lms_scores=[_score(row) for row in store.lms_scores(session, me.id)],
                lms_roster_imports=[
                    _roster_import(row) for row in store.lms_roster_imports(session, me.id)
                ],
                xapi_statements=_xapi_statements(session, profile.id),
            )

    # -- deletion --------------------------------------------------------------------------------

    def plan(self, me: User) -> DeletionPlan:
        """What deleting ``me``'s account would remove, and whether an organisation stops it."""
        with self.database.read() as session:
            found = store.account(session, me.id)
            if found is None:
                raise NotFoundError("this account no longer exists")
            user, profile = found
            outcomes = _outcomes(store.organisation_memberships(session, me.id))
            return DeletionPlan(
                email=me.email,
                assessments=len(store.assessments(session, profile.id)),
                attempts=len(store.attempts(session, profile.id)),
                ratings_given=len(store.colleague_ratings(session, me.id, given=True)),
                ratings_received=len(store.colleague_ratings(session, me.id, given=False)),
                organisations=outcomes,
                may_delete=all(o.outcome != "blocked" for o in outcomes),
                confirm_with="password" if is_password_hash(user.password_hash) else "email",
            )

    def delete(self, me: User, *, password: str | None = None, email: str | None = None) -> Deleted:
        """Delete ``me``'s account and everything about it, confirmed by their ``password``
        (web, API) or by their ``email`` typed out (CLI). Nothing changes when the
        confirmation is wrong or an organisation blocks it (ConflictError)."""
        if (password is None) == (email is None):
            raise ValueError("confirm a deletion with the password or the email, not both")
        with self.database.read() as session:
            found = store.account(session, me.id)
            if found is None:
                raise NotFoundError("this account no longer exists")
            password_hash = found[0].password_hash
        if password is not None:
            if not password:
                raise PmpathError("enter your password", Location(field_path=("password",)))
            if not verify(password_hash, password):  # outside any transaction: it is slow
                # 403, not 422: the request is well formed, the person did not prove it is them.
                raise ForbiddenError("the password is wrong", Location(field_path=("password",)))
        elif (email or "").strip().lower() != me.email:
            raise PmpathError(
                "the email typed is not this account's", Location(field_path=("email",))
            )
        with self.database.transaction() as session:
            found = store.account(session, me.id)
            if found is None:
                raise NotFoundError("this account no longer exists")
            user, profile = found
            outcomes = _outcomes(store.organisation_memberships(session, me.id))
            blocked = [o for o in outcomes if o.outcome == "blocked"]
            if blocked:
                raise ConflictError(_blocked_message(blocked))
            gone = [o for o in outcomes if o.outcome == "delete"]
            store.delete_account(
                session, user.id, profile.id, user.email, [o.organisation_id for o in gone]
            )
        return Deleted(email=me.email, organisations_deleted=[o.organisation for o in gone])


def _outcomes(rows: Any) -> list[OrganisationOutcome]:
    outcomes = []
    for row in rows:
        if row.others == 0:
            outcome = "delete"
        elif row.role == "admin" and row.other_admins == 0:
            outcome = "blocked"
        else:
            outcome = "leave"
        outcomes.append(
            OrganisationOutcome(
                organisation_id=row.id,
                organisation=row.name,
                outcome=cast(Literal["leave", "delete", "blocked"], outcome),
                others=int(row.others),
            )
        )
    return outcomes


def _blocked_message(blocked: list[OrganisationOutcome]) -> str:
    names = " and ".join(o.organisation for o in blocked)
    people = sum(o.others for o in blocked)
    return (
        f"you are the only admin of {names}, and {people} other "
        f"{'person is' if people == 1 else 'people are'} still in it, and it needs someone "
        "to run it: make another member an admin first (the organisation's People page), "
        "then delete your account. Once you are its only member, deleting your account "
        "deletes the organisation too"
    )


def _invitation(row: Any, *, sent: bool) -> ExportedInvitation:
    found = row
    invitation = found.InvitationRow
    return ExportedInvitation(
        organisation=found.organisation,
        team=found.team,
        role=invitation.role,
        email=invitation.email if sent else None,
        invited_by=None if sent else found.sender,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        accepted_at=invitation.accepted_at,
    )


def _colleague_rating(row: Any) -> ExportedColleagueRating:
    found = row
    rating = found.ColleagueRatingRow
    return ExportedColleagueRating(
        organisation=found.organisation,
        person=found.person,
        source=rating.source,
        framework_id=rating.framework_id,
        framework_version=rating.framework_version,
        competency=rating.competency_id,
        level=rating.level,
        evidence_link=rating.evidence_link,
        evidence_note=rating.evidence_note,
        rated_at=rating.rated_at,
    )


def _peer_aggregates(received: Any) -> list[ExportedPeerAggregate]:
    """Peers' ratings as the side-by-side view shows them: per organisation, ladder and
    competency, a median and a count once PEER_THRESHOLD peers have rated; nothing before."""
    levels: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for row in received:
        rating = row.ColleagueRatingRow
        if rating.source == "peer":
            levels[(row.organisation, rating.framework_id, rating.competency_id)].append(
                rating.level
            )
    return [
        ExportedPeerAggregate(
            organisation=organisation,
            framework_id=framework_id,
            competency=competency,
            count=len(given),
            median=float(statistics.median(given)),
        )
        for (organisation, framework_id, competency), given in sorted(levels.items())
        if len(given) >= PEER_THRESHOLD
    ]


def _score(row: Any) -> ExportedLmsScore:
    score = row.LtiScoreRow
    return ExportedLmsScore(
        platform=row.platform,
        course=row.course or None,
        activity=row.activity,
        exam=row.exam,
        score_given=score.score_given,
        score_maximum=score.score_maximum,
        passed=score.passed,
        state=score.state,
        finished_at=score.finished_at,
        sent_at=score.sent_at,
    )


def _roster_import(row: Any) -> ExportedRosterImport:
    """An import with how many people it changed; who they were is the course's, not the
    instructor's, so no names (the import's page shows them to the organisation)."""
    report = row.LtiRosterImportRow.report or {}

    def count(change: str) -> int:
        entries = report.get(change)
        return len(entries) if isinstance(entries, list) else 0

    return ExportedRosterImport(
        platform=row.platform,
        course=row.course,
        team=row.team,
        imported_at=row.LtiRosterImportRow.imported_at,
        added=count("added"),
        updated=count("updated"),
        unchanged=count("unchanged"),
        left=count("left"),
    )


def _xapi_statements(session: Any, profile_id: int) -> ExportedXapiStatements:
    by_state: dict[str, int] = defaultdict(int)
    by_kind: dict[str, int] = defaultdict(int)
    for row in store.xapi_counts(session, profile_id):
        by_state[row.state] += int(row.n)
        by_kind[row.kind] += int(row.n)
    return ExportedXapiStatements(
        statements=sum(by_state.values()),
        by_state=dict(sorted(by_state.items())),
        by_kind=dict(sorted(by_kind.items())),
        lrs=store.xapi_endpoint(session),
        named_as=_actor(store.xapi_newest_actor(session, profile_id)),
    )


def _actor(actor: dict[str, Any] | None) -> ExportedXapiActor | None:
    """An xAPI ``actor`` as the export types it: its account or its mailbox."""
    if actor is None:
        return None
    account = actor.get("account")
    return ExportedXapiActor(
        account=ExportedXapiAccount(home_page=account["homePage"], name=account["name"])
        if isinstance(account, dict)
        else None,
        mbox=actor.get("mbox"),
    )


def _request(row: Any) -> ExportedRequest:
    found = row
    request = found.SelfAssessmentRequestRow
    return ExportedRequest(
        organisation=found.organisation,
        team=found.team,
        person=found.person,
        due_on=request.due_on,
        requested_at=request.created_at,
    )
