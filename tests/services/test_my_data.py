"""A member's own data (issue #19, privacy): the export holds every row about them and nothing
of other people's that they could not see, and deleting the account leaves nothing of theirs
while others' data stays; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from pmpath.errors import ConflictError, NotFoundError, PmpathError
from pmpath.services.accounts import User
from pmpath.services.models.badges import Badge
from pmpath.services.my_data import COVERAGE, PERSON_TABLES
from pmpath.services.passwords import hash_password
from pmpath.store import accounts as account_store
from pmpath.store import organisations as org_store
from pmpath.store.tables import (
    AccessLogRow,
    ApiTokenRow,
    AttemptRow,
    Base,
    CalibrationAdjustmentRow,
    CheckInGoalRow,
    CheckInProgressRow,
    CheckInRow,
    InvitationRow,
    LoginFailureRow,
    PromotionCaseRow,
    ResponseRow,
    ReviewCardRow,
    UserRow,
)
from pmpath.store.tables_badges import BadgeRow
from pmpath.store.tables_lti import (
    LtiContextRow,
    LtiIdentityRow,
    LtiLaunchDataRow,
    LtiLaunchRow,
    LtiPlatformRow,
    LtiResourceLinkRow,
)
from pmpath.store.tables_lti_advantage import LtiRosterImportRow, LtiScoreRow
from pmpath.store.tables_xapi import XapiOutboxRow, XapiSettingsRow
from tests.interop.badges.helpers import account as badge_account
from tests.interop.badges.helpers import take_exam
from tests.interop.lti.conftest import Lms, lms
from tests.interop.lti.platform import INSTRUCTOR, LEARNER
from tests.services.test_colleague_ratings import _more_peers
from tests.services.test_teams import Organisation, _account, org

__all__ = ["lms", "org"]

PASSWORD = "mia-has-a-long-passphrase"


# -- the export covers every table that holds a person's rows ---------------------------------


def _person_columns() -> set[tuple[str, str]]:
    """Every (table, column) whose foreign key leads to users or profiles, directly or through
    a table that does (ratings -> assessments -> profiles)."""
    reached = set(PERSON_TABLES)
    found: set[tuple[str, str]] = set()
    while True:
        before = len(found)
        for table in Base.metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column.table.name in reached:
                    found.add((table.name, fk.parent.name))
                    reached.add(table.name)
        if len(found) == before:
            return found


def test_every_column_that_points_at_a_person_is_declared_in_the_coverage() -> None:
    columns = _person_columns()
    missing = sorted(columns - set(COVERAGE))
    assert not missing, f"add these to pmpath.services.my_data.COVERAGE: {missing}"
    assert sorted(set(COVERAGE) - columns) == []  # nothing declared that is not there
    assert len(columns) >= 30


def test_the_coverage_matches_the_tables_on_delete_rules() -> None:
    """A column the export empties is one whose foreign key sets it null (or none at all for
    an access log's subject, which goes); every other one cascades."""
    for (table, column), coverage in COVERAGE.items():
        (fk,) = Base.metadata.tables[table].columns[column].foreign_keys
        if (table, column) == ("access_log", "subject_id"):
            assert fk.ondelete == "SET NULL"
            assert coverage.on_delete == "delete"
        else:
            expected = "empty" if fk.ondelete == "SET NULL" else "delete"
            assert coverage.on_delete == expected, (table, column)


# -- a member with something in every table ----------------------------------------------------


@dataclass
class Mia:
    org: Organisation
    me: User
    peers: list[User]
    session_token: str


def _add(app: Any, *rows: Any) -> None:
    with app.database.transaction() as session:
        session.add_all(rows)


@pytest.fixture
def mia(org: Organisation) -> Mia:
    """Mia (a member of Growth) with data in every table: a self-assessment, an exam attempt,
    review cards, a token and a session, ratings given and received (Max as manager, Pat and
    three more peers), requests, an adjustment, two promotion cases (one a draft), a goal with
    progress at a check-in, reads of her data and a read she made."""
    app, people = org.app, org.people
    me, max_, ada = people["Mia"], people["Max"], people["Ada"]
    with app.database.transaction() as session:
        row = account_store.user_by_id(session, me.id)
        assert row is not None
        row.password_hash = hash_password(PASSWORD)
        profile_id = row.profile_id
        account_store.add_session(
            session, "f" * 64, me.id, "csrf", org.clock(), org.clock() + timedelta(days=1)
        )
        session.add(LoginFailureRow(email=me.email, client="10.0.0.9", at=org.clock()))
    token = app.accounts.create_token(me, "my laptop script")
    peers = [org.people["Pat"], *_more_peers(org, "Quinn", "Rosa")]
    competencies = [c.id for c in app.framework.competencies]
    first, second = competencies[:2]
    ratings = app.colleague_ratings
    ratings.rate(max_, org.id, me.id, first, 4, link="https://wiki.example.org/mia", note="Led it")
    for level, peer in zip((2, 3, 3), peers, strict=True):
        ratings.rate(peer, org.id, me.id, first, level, note=f"peer note by {peer.name}")
    ratings.rate(peers[0], org.id, me.id, second, 1)  # one peer only: never shown
    ratings.rate(me, org.id, peers[0].id, first, 3, note="Pat ran the pricing review")
    ratings.request_self_assessment(max_, org.growth, date(2027, 1, 15), me.id)
    org.teams.member_placement(max_, org.id, me.id)  # Max reads Mia's placement: logged
    now = org.clock()
    with app.database.transaction() as session:
        org_store.log_access(session, org.id, me.id, [peers[0].id], "placement", now)
    attempt = AttemptRow(
        profile_id=profile_id,
        mode="practice",
        bank_id="pm-core",
        seed=7,
        form=[{"item_id": "a"}, {"item_id": "b"}, {"item_id": "c"}],
        started_at=now,
        finished_at=now + timedelta(minutes=5),
        finish_reason="finished",
        score=0.5,
    )
    _add(app, attempt)
    goal = CheckInGoalRow(
        organisation_id=org.id,
        member_id=me.id,
        title="Run a pricing experiment",
        competency_id=first,
        target_level=3,
        created_by=max_.id,
        created_at=now,
    )
    check_in = CheckInRow(
        organisation_id=org.id,
        team_id=org.growth,
        member_id=me.id,
        manager_id=max_.id,
        held_on=date(2026, 12, 7),
        notes="Talked about pricing",
        created_at=now,
    )
    _add(
        app,
        ResponseRow(
            attempt_id=attempt.id, position=0, item_id="a", response=1, credit=1.0, answered_at=now
        ),
        ResponseRow(
            attempt_id=attempt.id,
            position=1,
            item_id="b",
            response=0,
            credit=0.0,
            flagged=True,
            answered_at=now,
        ),
        ReviewCardRow(
            profile_id=profile_id,
            bank_id="pm-core",
            item_id="b",
            card={},
            due=now,
            reviews=1,
            updated_at=now,
        ),
        CalibrationAdjustmentRow(
            organisation_id=org.id,
            subject_id=me.id,
            framework_id=app.framework.id,
            competency_id=first,
            from_level=4,
            to_level=3,
            reason="Scope was one team, not several",
            adjusted_by=ada.id,
            adjusted_at=now,
        ),
        *(
            PromotionCaseRow(
                organisation_id=org.id,
                subject_id=me.id,
                target_role_id="senior-pm",
                framework_id=app.framework.id,
                author_id=max_.id,
                recommendation=words,
                status=status,
                created_at=now,
                updated_at=now,
                submitted_at=now if status == "submitted" else None,
            )
            for words, status in (("Ready", "submitted"), ("Half-written draft", "draft"))
        ),
        goal,
        check_in,
    )
    _add(app, CheckInProgressRow(check_in_id=check_in.id, goal_id=goal.id, status="on-track"))
    # Mia also invites someone (she is no manager: an admin's invitation stands in) and was
    # invited by email to Payments.
    with app.database.transaction() as session:
        session.add(
            InvitationRow(
                token_hash="e" * 64,
                team_id=org.payments,
                role="member",
                email=me.email,
                invited_by=ada.id,
                created_at=now,
                expires_at=now + timedelta(days=3),
            )
        )
    assert token.token
    return Mia(org, me, peers, "unused")


def test_the_export_has_every_kind_of_data_and_nothing_secret(mia: Mia) -> None:
    data = mia.org.app.my_data.export(mia.me)
    assert data.account.email == "mia@example.org"
    assert data.account.name == "Mia"
    assert len(data.assessments) == 1
    assert len(data.assessments[0].ratings) == len(mia.org.app.framework.competencies)
    (attempt,) = data.attempts
    assert (attempt.questions, attempt.answered, attempt.flagged, attempt.credit) == (3, 2, 1, 1.0)
    assert [c.item_id for c in data.review_cards] == ["b"]
    assert [t.name for t in data.api_tokens] == ["my laptop script"]
    assert data.signed_in_sessions == 1
    assert data.failed_sign_ins == 1
    assert [(o.organisation, o.role) for o in data.organisations] == [("Acme Products", "member")]
    assert [(t.team, t.role) for t in data.teams] == [("Growth", "member")]
    assert [i.invited_by for i in data.invitations_accepted] == ["Ada"]
    assert data.invitations_sent == []
    (given,) = data.ratings_given
    assert (given.person, given.level, given.evidence_note) == (
        "Pat",
        3,
        "Pat ran the pricing review",
    )
    (manager,) = data.manager_ratings_received
    assert (manager.person, manager.level, manager.evidence_link) == (
        "Max",
        4,
        "https://wiki.example.org/mia",
    )
    first = mia.org.app.framework.competencies[0].id
    assert [(p.competency, p.count, p.median) for p in data.peer_ratings_received] == [
        (first, 3, 3.0)
    ]
    assert [(r.team, r.person, r.due_on) for r in data.self_assessment_requests_received] == [
        ("Growth", "Max", date(2027, 1, 15))
    ]
    (adjustment,) = data.calibration_adjustments
    assert (adjustment.to_level, adjustment.reason) == (3, "Scope was one team, not several")
    assert [(c.status, c.recommendation) for c in data.promotion_cases] == [("submitted", "Ready")]
    (goal,) = data.goals
    assert [(p.held_on, p.status) for p in goal.progress] == [(date(2026, 12, 7), "on-track")]
    assert [(c.manager, c.notes) for c in data.check_ins] == [("Max", "Talked about pricing")]
    assert [(a.viewer, a.what) for a in data.access_log] == [("Max", "placement")]
    text = json.dumps(data.model_dump(mode="json"))
    # Never a secret, never which peer gave what, never a draft case, never the profile name.
    for hidden in ("f" * 64, "peer note by", "Quinn", "Rosa", "Half-written draft", "web-mia"):
        assert hidden not in text
    with mia.org.app.database.transaction() as session:
        hashes = session.scalars(select(ApiTokenRow.token_hash)).all()
    assert hashes
    assert not any(h in text for h in hashes)


def test_peers_show_only_from_three(mia: Mia) -> None:
    """The second competency has one peer's rating: the export says nothing of it."""
    second = mia.org.app.framework.competencies[1].id
    data = mia.org.app.my_data.export(mia.me)
    assert second not in {p.competency for p in data.peer_ratings_received}


def _badges_of_mia_and_pat(org: Organisation) -> tuple[Badge, Badge, Badge]:
    """Mia's two badges (the first revoked by a site admin, the second valid) and Pat's one,
    each issued by the badge service for a passed mock exam of the bundled bank."""
    app, mia, pat = org.app, org.people["Mia"], org.people["Pat"]
    revoked = app.badges.claim(mia, take_exam(app, mia))
    kept = app.badges.claim(mia, take_exam(app, mia))
    pats = app.badges.claim(pat, take_exam(app, pat))
    app.badges.revoke(badge_account(app, "Root", role="admin"), revoked.public_id, "Issued twice")
    return revoked, kept, pats


def test_the_export_has_the_members_badges_with_their_signed_credentials(
    org: Organisation,
) -> None:
    app, mia = org.app, org.people["Mia"]
    revoked, kept, pats = _badges_of_mia_and_pat(org)

    data = app.my_data.export(mia)

    assert [
        (b.public_id, b.kind, b.achievement, b.status, b.revoked_reason) for b in data.badges
    ] == [
        (kept.public_id, "exam", "Passed: PM foundations", "valid", None),
        (revoked.public_id, "exam", "Passed: PM foundations", "revoked", "Issued twice"),
    ]
    newest, oldest = data.badges
    assert (newest.issued_at, newest.revoked_at) == (kept.issued_at, None)
    assert oldest.revoked_at == org.clock()
    # The credential is the signed one the badge downloads as, and it still verifies as hers.
    assert newest.credential == app.badges.download(mia, kept.public_id, "jwt").content
    verdict = app.badge_verification.verify(newest.credential)
    assert (verdict.valid, verdict.recipient) == (True, "Mia")
    assert pats.public_id not in json.dumps(data.model_dump(mode="json"))


def test_deleting_the_account_deletes_the_members_badges(org: Organisation) -> None:
    app, mia = org.app, org.people["Mia"]
    _, kept, pats = _badges_of_mia_and_pat(org)
    with app.database.transaction() as session:
        row = account_store.user_by_id(session, mia.id)
        assert row is not None
        row.password_hash = hash_password(PASSWORD)

    app.my_data.delete(mia, password=PASSWORD)

    with app.database.transaction() as session:
        left = set(session.scalars(select(BadgeRow.public_id)).all())
    assert left == {pats.public_id}
    with pytest.raises(NotFoundError):
        app.badge_verification.verify_public(kept.public_id)


# -- deletion ------------------------------------------------------------------------------------


def _ids_about(app: Any, me: User) -> dict[str, set[Any]]:
    """The primary keys of the rows about ``me``, per table, following COVERAGE's foreign keys
    from the account and its profile."""
    with app.database.transaction() as session:
        profile_id = account_store.user_by_id(session, me.id).profile_id  # type: ignore[union-attr]
        ids: dict[str, set[Any]] = {"users": {me.id}, "profiles": {profile_id}}
        for table in Base.metadata.sorted_tables:
            for fk in table.foreign_keys:
                referred = fk.column.table.name
                if (table.name, fk.parent.name) in COVERAGE and referred in ids:
                    (key,) = table.primary_key.columns
                    found = session.scalars(select(key).where(fk.parent.in_(ids[referred]))).all()
                    ids.setdefault(table.name, set()).update(found)
        return ids


def _all_rows(app: Any) -> dict[str, set[Any]]:
    with app.database.transaction() as session:
        return {
            table.name: set(session.scalars(select(next(iter(table.primary_key.columns)))).all())
            for table in Base.metadata.sorted_tables
            if len(table.primary_key.columns) == 1
        }


def _count_pointing_at(app: Any, ids: dict[str, set[Any]]) -> dict[tuple[str, str], int]:
    with app.database.transaction() as session:
        counts = {}
        for table, column in COVERAGE:
            fk_column = Base.metadata.tables[table].columns[column]
            (fk,) = fk_column.foreign_keys
            referred = ids.get(fk.column.table.name, set())
            counts[(table, column)] = (
                session.scalar(
                    select(func.count()).select_from(fk_column.table).where(fk_column.in_(referred))
                )
                if referred
                else 0
            )
        return counts


def _must_go(app: Any, me: User) -> dict[str, set[Any]]:
    """The rows deletion must remove: those whose "delete" columns point at ``me``'s rows."""
    about = _ids_about(app, me)
    gone: dict[str, set[Any]] = defaultdict(set)
    gone["users"], gone["profiles"] = about["users"], about["profiles"]
    with app.database.transaction() as session:
        for (table, column), coverage in COVERAGE.items():
            if coverage.on_delete != "delete":
                continue
            fk_column = Base.metadata.tables[table].columns[column]
            (fk,) = fk_column.foreign_keys
            (key,) = fk_column.table.primary_key.columns
            referred = about.get(fk.column.table.name, set())
            if referred:
                gone[table].update(
                    session.scalars(select(key).where(fk_column.in_(referred))).all()
                )
        gone["login_failures"].update(
            session.scalars(select(LoginFailureRow.id).where(LoginFailureRow.email == me.email))
        )
    return gone


def test_deleting_removes_every_row_about_the_member_and_nothing_else(mia: Mia) -> None:
    app, me = mia.org.app, mia.me
    about = _ids_about(app, me)
    before = _count_pointing_at(app, about)
    # Every table the member touches has rows before: the test would catch a forgotten one.
    touched = {t for (t, _c), n in before.items() if n}
    assert {
        "colleague_ratings",
        "check_in_progress",
        "responses",
        "ratings",
        "access_log",
        "calibration_adjustments",
        "promotion_cases",
        "api_tokens",
        "sessions",
    } <= touched
    rows_before = _all_rows(app)
    must_go = _must_go(app, me)

    deleted = app.my_data.delete(me, password=PASSWORD)

    assert deleted.email == me.email
    assert deleted.organisations_deleted == []
    after = _count_pointing_at(app, about)
    assert {column: n for column, n in after.items() if n} == {}
    rows_after = _all_rows(app)
    for table in rows_before:
        assert rows_before[table] - rows_after[table] == must_go.get(table, set()), table
    with app.database.transaction() as session:
        # Max's read of her data went; her read of Pat's stays, by "a deleted account".
        log = session.execute(select(AccessLogRow.viewer_id, AccessLogRow.subject_id)).all()
        assert log == [(None, mia.peers[0].id)]
        emailed = session.scalars(
            select(InvitationRow.email).where(InvitationRow.token_hash == "e" * 64)
        ).one()
        assert emailed is None  # her address is gone from the invitation sent to her
        assert session.scalar(select(func.count()).where(UserRow.email == me.email)) == 0
    # Everyone else's data reads as before.
    entries = app.teams.access_log(mia.org.people["Ada"], mia.org.id).entries
    assert [(e.viewer, e.subject) for e in entries] == [(None, "Pat")]
    assert [m.name for m in app.teams.team(mia.org.people["Max"], mia.org.growth).members] == [
        "Ada",
        "Max",
        "Pat",
        "Quinn",
        "Rosa",
    ]


def test_the_session_ends_with_the_account(org: Organisation) -> None:
    app = org.app
    made = app.accounts.sign_up("nell@example.org", "Nell", PASSWORD)
    signed = app.accounts.sign_in("nell@example.org", PASSWORD)
    assert app.accounts.session(signed.session_token) is not None
    app.my_data.delete(made, password=PASSWORD)
    assert app.accounts.session(signed.session_token) is None
    with pytest.raises(PmpathError):
        app.accounts.sign_in("nell@example.org", PASSWORD)


@pytest.mark.parametrize(
    ("confirmation", "field"),
    [
        ({"password": "not-it"}, "password"),
        ({"password": ""}, "password"),
        ({"email": "max@example.org"}, "email"),
    ],
)
def test_a_wrong_confirmation_changes_nothing(
    mia: Mia, confirmation: dict[str, str], field: str
) -> None:
    app = mia.org.app
    rows = _all_rows(app)
    with pytest.raises(PmpathError) as raised:
        app.my_data.delete(mia.me, **confirmation)
    assert raised.value.location.field_path == (field,)
    assert _all_rows(app) == rows


def test_the_cli_confirms_with_the_email(mia: Mia) -> None:
    mia.org.app.my_data.delete(mia.me, email=" MIA@example.org ")
    with mia.org.app.database.transaction() as session:
        assert account_store.user_by_id(session, mia.me.id) is None


def test_the_only_admin_cannot_leave_an_organisation_with_people_in_it(org: Organisation) -> None:
    app, ada = org.app, org.people["Ada"]
    with app.database.transaction() as session:
        row = account_store.user_by_id(session, ada.id)
        assert row is not None
        row.password_hash = hash_password(PASSWORD)
    plan = app.my_data.plan(ada)
    assert not plan.may_delete
    assert [(o.organisation, o.outcome, o.others) for o in plan.organisations] == [
        ("Acme Products", "blocked", 4)
    ]
    rows = _all_rows(app)
    with pytest.raises(ConflictError) as raised:
        app.my_data.delete(ada, password=PASSWORD)
    message = raised.value.problems[0].message
    assert "only admin of Acme Products" in message
    assert "4 other people" in message
    assert "make another member an admin first" in message
    assert _all_rows(app) == rows
    # With another admin, she may go; the organisation stays with its admin.
    app.people.set_organisation_role(ada, org.id, org.people["Max"].id, "admin")
    assert app.my_data.plan(ada).may_delete
    assert app.my_data.delete(ada, password=PASSWORD).organisations_deleted == []
    assert app.teams.organisation(org.people["Max"], org.id).name == "Acme Products"


def test_an_organisation_whose_only_member_goes_goes_with_them(org: Organisation) -> None:
    app = org.app
    solo = _account(app, "Sol")
    with app.database.transaction() as session:
        row = account_store.user_by_id(session, solo.id)
        assert row is not None
        row.password_hash = hash_password(PASSWORD)
    own = app.teams.create_organisation(solo, "Sol's Studio")
    team = app.teams.create_team(solo, own.id, "Design")
    app.teams.invite(solo, team.id)  # an open invitation: goes with the organisation
    plan = app.my_data.plan(solo)
    assert [(o.organisation, o.outcome) for o in plan.organisations] == [("Sol's Studio", "delete")]
    rows = _all_rows(app)
    deleted = app.my_data.delete(solo, password=PASSWORD)
    assert deleted.organisations_deleted == ["Sol's Studio"]
    after = _all_rows(app)
    assert rows["organisations"] - after["organisations"] == {own.id}
    assert rows["teams"] - after["teams"] == {team.id}
    assert len(rows["invitations"] - after["invitations"]) == 1
    # Acme and its people are untouched.
    assert after["organisations"] == {org.id}
    assert len(app.teams.team(org.people["Ada"], org.growth).members) == 4


def test_others_who_invited_or_asked_keep_their_rows_with_a_deleted_account(
    org: Organisation,
) -> None:
    """Max (Growth's manager) goes: the invitation he sent and the request he made stay, with
    no sender; Mia still sees her request, asked by "a deleted account" (None)."""
    app, max_, mia = org.app, org.people["Max"], org.people["Mia"]
    app.colleague_ratings.request_self_assessment(max_, org.growth, date(2027, 2, 1), mia.id)
    with app.database.transaction() as session:
        row = account_store.user_by_id(session, max_.id)
        assert row is not None
        row.password_hash = hash_password(PASSWORD)
        sent = session.scalar(select(func.count()).where(InvitationRow.invited_by == max_.id))
    assert sent == 1  # he invited Pat
    app.my_data.delete(max_, password=PASSWORD)
    (request,) = app.colleague_ratings.my_requests(mia).requests
    assert request.requested_by is None
    with app.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(InvitationRow)) == 4
        assert session.scalar(select(func.count()).where(InvitationRow.invited_by.is_(None))) == 1


# -- an account an LMS made (LTI), and the xAPI statements about a member ---------------------

JANE = "jane@platform.example.edu"  # the specification's example learner


def _launched(lms: Lms, roles: list[str] | None = None) -> tuple[User, str]:
    """Jane, made by a real launch from the test platform (no password), and her ``sub``."""
    answer, staged = lms.launch(lms.platform.resource_link_claims(roles=roles))
    assert answer.status_code == 303, answer.text
    lms.client.cookies.clear()
    return lms.app.accounts.user_by_email(JANE), str(staged.sent["sub"])


def _scored_attempt(app: Any, me: User, state: str, sent: bool) -> None:
    """A finished exam attempt of ``me`` and its score in the LTI outbox, for the link the
    launch opened."""
    with app.database.transaction() as session:
        profile_id = account_store.user_by_id(session, me.id).profile_id  # type: ignore[union-attr]
        link_id = session.scalars(select(LtiResourceLinkRow.id)).one()
        now = app.clock()
        attempt = AttemptRow(
            profile_id=profile_id,
            mode="exam",
            bank_id="pm-core",
            blueprint_id="pm-foundations",
            seed=3,
            form=[{"item_id": "a"}],
            started_at=now - timedelta(minutes=20),
            finished_at=now,
            finish_reason="finished",
            score=0.8,
        )
        session.add(attempt)
        session.flush()
        session.add(
            LtiScoreRow(
                resource_link_row_id=link_id,
                user_id=me.id,
                attempt_id=attempt.id,
                score_given=80.0,
                score_maximum=100.0,
                passed=True,
                finished_at=now,
                state=state,
                tries=1,
                next_try_at=now,
                created_at=now,
                sent_at=now if sent else None,
            )
        )


def _statements(app: Any, me: User, *states: str, first_source: int = 1) -> None:
    """xAPI statements about ``me`` in the outbox, one "answered" per state given, each
    naming them by the pseudonym account the xAPI service sends."""
    with app.database.transaction() as session:
        profile_id = account_store.user_by_id(session, me.id).profile_id  # type: ignore[union-attr]
        now = app.clock()
        actor = {"account": {"homePage": "https://pmpath.example.org", "name": f"p{me.id:031d}"}}
        for n, state in enumerate(states, start=first_source):
            session.add(
                XapiOutboxRow(
                    statement_id=f"00000000-0000-4000-8000-{n:012d}",
                    kind="answered",
                    source_id=n,
                    profile_id=profile_id,
                    verb="answered",
                    statement={"actor": actor, "object": {"id": f"urn:question:secret-{n}"}},
                    occurred_at=now,
                    state=state,
                    tries=0,
                    next_try_at=now,
                    created_at=now,
                    sent_at=now if state == "sent" else None,
                )
            )


def test_the_export_has_the_lms_identity_launches_and_scores_of_an_account_a_launch_made(
    lms: Lms,
) -> None:
    jane, sub = _launched(lms)
    _scored_attempt(lms.app, jane, "sent", sent=True)

    data = lms.app.my_data.export(jane)

    assert [(i.platform, i.subject) for i in data.lms_identities] == [
        ("Example University Moodle", sub)
    ]
    (launch,) = data.lms_launches
    assert (launch.platform, launch.course, launch.activity) == (
        "Example University Moodle",
        "Economics as a Social Science",
        "Introduction Assignment",
    )
    assert LEARNER in launch.roles
    assert launch.launched_at == data.lms_identities[0].since == lms.clock.now
    (score,) = data.lms_scores
    assert (score.exam, score.course, score.score_given, score.score_maximum) == (
        "pm-foundations",
        "Economics as a Social Science",
        80.0,
        100.0,
    )
    assert (score.state, score.sent_at) == ("sent", lms.clock.now)


def test_an_account_a_launch_made_is_deleted_with_its_identity_launches_and_scores(
    lms: Lms,
) -> None:
    """It has no password: the CLI's typed email confirms. Everything of it goes, the
    platform, course and link stay (they are the platform's)."""
    app = lms.app
    jane, _ = _launched(lms)
    _scored_attempt(app, jane, "pending", sent=False)
    _statements(app, jane, "pending", "sent")
    with app.database.transaction() as session:
        session.add(
            LtiLaunchDataRow(
                launch_id="pending-deep-link",
                platform_id=lms.platform_id,
                user_id=jane.id,
                claims={"sub": "jane"},
                expires_at=app.clock() + timedelta(hours=1),
            )
        )
    rows_before = _all_rows(app)
    must_go = _must_go(app, jane)
    assert {"lti_identities", "lti_launches", "lti_launch_data", "lti_score_outbox"} <= {
        table for table, ids in must_go.items() if ids
    }
    assert len(must_go["xapi_outbox"]) == 2

    app.my_data.delete(jane, email=JANE)

    rows_after = _all_rows(app)
    for table in rows_before:
        assert rows_before[table] - rows_after[table] == must_go.get(table, set()), table
    for kept in (LtiPlatformRow, LtiContextRow, LtiResourceLinkRow):
        assert rows_after[kept.__tablename__] == rows_before[kept.__tablename__] != set()
    assert lms.launched_users() == []


def test_the_next_launch_after_the_deletion_makes_a_new_empty_account(lms: Lms) -> None:
    jane, _ = _launched(lms)
    _scored_attempt(lms.app, jane, "sent", sent=True)
    lms.app.my_data.delete(jane, email=JANE)

    again, _ = _launched(lms)

    assert again.profile != jane.profile  # a new account (SQLite may reuse the id)
    data = lms.app.my_data.export(again)
    assert (len(data.lms_launches), data.lms_scores, data.attempts) == (1, [], [])


def _roster_import_by(lms: Lms, instructor: User) -> None:
    with lms.app.database.transaction() as session:
        context_id = session.scalars(select(LtiContextRow.id)).one()
        entry = {"subject": "s", "name": "A learner"}
        session.add(
            LtiRosterImportRow(
                context_row_id=context_id,
                team_id=None,
                imported_by=instructor.id,
                imported_at=lms.clock.now,
                report={"added": [entry, entry], "updated": [], "unchanged": [entry], "left": []},
            )
        )


def test_the_export_has_the_roster_imports_an_instructor_made_as_counts(lms: Lms) -> None:
    teacher, _ = _launched(lms, roles=[INSTRUCTOR])
    _roster_import_by(lms, teacher)

    (made,) = lms.app.my_data.export(teacher).lms_roster_imports

    assert (made.platform, made.course, made.team, made.imported_at) == (
        "Example University Moodle",
        "Economics as a Social Science",
        None,
        lms.clock.now,
    )
    assert (made.added, made.updated, made.unchanged, made.left) == (2, 0, 1, 0)
    assert "A learner" not in json.dumps(made.model_dump(mode="json"))


def test_a_roster_import_stays_with_the_course_when_its_instructor_goes(lms: Lms) -> None:
    """The import is the course's record: it stays, by "a deleted account"; the instructor's
    own LMS rows (identity, launch) go like every other row about them."""
    teacher, _ = _launched(lms, roles=[INSTRUCTOR])
    _roster_import_by(lms, teacher)
    rows_before = _all_rows(lms.app)
    must_go = _must_go(lms.app, teacher)

    lms.app.my_data.delete(teacher, email=JANE)

    rows_after = _all_rows(lms.app)
    for table in rows_before:
        assert rows_before[table] - rows_after[table] == must_go.get(table, set()), table
    with lms.app.database.read() as session:
        assert session.scalars(select(LtiRosterImportRow.imported_by)).all() == [None]
        assert session.scalar(select(func.count()).select_from(LtiIdentityRow)) == 0
        assert session.scalar(select(func.count()).select_from(LtiLaunchRow)) == 0


def test_the_export_counts_the_xapi_statements_about_the_member_and_names_the_lrs(
    org: Organisation,
) -> None:
    app, mia, pat = org.app, org.people["Mia"], org.people["Pat"]
    now = org.clock()
    with app.database.transaction() as session:
        session.execute(XapiSettingsRow.__table__.delete())
        session.add(
            XapiSettingsRow(
                id=1,
                endpoint="https://lrs.example.org/xapi",
                key="k",
                secret="the-lrs-secret",
                enabled=True,
                identify_by="pseudonym",
                pseudonym_key="0" * 64,
                created_at=now,
                updated_at=now,
            )
        )
    _statements(app, mia, "sent", "sent", "pending", "failed")
    _statements(app, pat, "sent", first_source=10)

    summary = app.my_data.export(mia).xapi_statements

    assert summary.statements == 4
    assert summary.by_state == {"failed": 1, "pending": 1, "sent": 2}
    assert summary.by_kind == {"answered": 4}
    assert summary.lrs == "https://lrs.example.org/xapi"
    assert summary.named_as is not None
    assert summary.named_as.model_dump() == {
        "account": {"home_page": "https://pmpath.example.org", "name": f"p{mia.id:031d}"},
        "mbox": None,
    }
    text = json.dumps(summary.model_dump(mode="json"))
    assert "the-lrs-secret" not in text
    assert "urn:question:secret" not in text  # counted, not copied


def test_the_export_says_when_there_are_no_statements_and_no_lrs(org: Organisation) -> None:
    with org.app.database.transaction() as session:
        session.execute(XapiSettingsRow.__table__.delete())
    summary = org.app.my_data.export(org.people["Mia"]).xapi_statements
    assert (summary.statements, summary.by_state, summary.lrs, summary.named_as) == (
        0,
        {},
        None,
        None,
    )


def test_deleting_the_account_deletes_its_xapi_statements_sent_or_not(org: Organisation) -> None:
    app, mia, pat = org.app, org.people["Mia"], org.people["Pat"]
    _statements(app, mia, "sent", "pending", "failed")
    _statements(app, pat, "sent", first_source=10)
    rows_before = _all_rows(app)
    must_go = _must_go(app, mia)
    assert len(must_go["xapi_outbox"]) == 3

    app.my_data.delete(mia, email=mia.email)

    rows_after = _all_rows(app)
    for table in rows_before:
        assert rows_before[table] - rows_after[table] == must_go.get(table, set()), table
    with app.database.read() as session:
        assert session.scalars(select(XapiOutboxRow.source_id)).all() == [10]
