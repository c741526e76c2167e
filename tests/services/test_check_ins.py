"""Check-ins (issue #19): who sets goals, records check-ins and reads them (the permission
matrix), validation that names the field and changes nothing, "done" closing a goal, the
progress history in order with the level then and now, and a team's history as CSV; on SQLite
and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pmpath.errors import ForbiddenError, NotFoundError, PmpathError
from pmpath.services.accounts import User
from pmpath.services.check_ins import CSV_COLUMNS, Progress
from pmpath.store import organisations as org_store
from pmpath.store.tables import AccessLogRow, CheckInGoalRow, CheckInProgressRow, CheckInRow
from tests.services.test_teams import Organisation, _account, _self_assess, org

__all__ = ["org"]  # the fixture: Acme Products, its Growth and Payments teams and people

TODAY = date(2026, 12, 7)  # the fixture's clock


def _admin_without_team(org: Organisation) -> User:
    alma = _account(org.app, "Alma")
    with org.app.database.transaction() as session:
        org_store.join_organisation(session, org.id, alma.id, "admin", org.clock())
    return alma


def _counts(org: Organisation) -> tuple[int, int, int]:
    with org.app.database.read() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table))
            for table in (CheckInGoalRow, CheckInRow, CheckInProgressRow)
        )


def _reads(org: Organisation, what: str = "check-ins") -> list[tuple[int, int]]:
    with org.app.database.read() as session:
        rows = session.scalars(select(AccessLogRow).where(AccessLogRow.what == what)).all()
        return [(row.viewer_id, row.subject_id) for row in rows]


def _first_competency(org: Organisation) -> str:
    return org.app.framework.competencies[0].id


# -- who sets goals, records check-ins and reads them ----------------------------------------


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("Mia", "sets"),  # herself
        ("Max", "sets"),  # her team's manager
        ("Pat", ForbiddenError),  # a peer
        ("Olga", ForbiddenError),  # the manager of another team
        ("Alma", ForbiddenError),  # an organisation admin: reads, but does not set goals
        ("Otto", NotFoundError),  # outside the organisation
    ],
)
def test_who_may_set_a_goal(org: Organisation, who: str, outcome: str | type[Exception]) -> None:
    org.people["Alma"] = _admin_without_team(org)
    mia = org.people["Mia"]
    if outcome == "sets":
        goal = org.app.check_ins.add_goal(org.people[who], org.id, mia.id, "Run a pricing test")
        assert (goal.title, goal.state, goal.set_by) == ("Run a pricing test", "open", who)
    else:
        assert isinstance(outcome, type)
        with pytest.raises(outcome):
            org.app.check_ins.add_goal(org.people[who], org.id, mia.id, "Run a pricing test")
        assert _counts(org) == (0, 0, 0)


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("Max", "records"),
        ("Mia", ForbiddenError),  # her own check-in
        ("Pat", ForbiddenError),
        ("Olga", ForbiddenError),
        ("Alma", ForbiddenError),
        ("Otto", NotFoundError),
    ],
)
def test_who_may_record_a_check_in(
    org: Organisation, who: str, outcome: str | type[Exception]
) -> None:
    org.people["Alma"] = _admin_without_team(org)
    mia = org.people["Mia"]
    goal = org.app.check_ins.add_goal(mia, org.id, mia.id, "Ship onboarding v2")
    progress = {goal.id: Progress("on-track")}
    if outcome == "records":
        made = org.app.check_ins.record(
            org.people[who], org.id, mia.id, TODAY, "Good week", progress
        )
        assert (made.manager, made.team, made.held_on) == ("Max", "Growth", TODAY)
        assert [(p.goal, p.status) for p in made.progress] == [("Ship onboarding v2", "on-track")]
    else:
        assert isinstance(outcome, type)
        with pytest.raises(outcome):
            org.app.check_ins.record(org.people[who], org.id, mia.id, TODAY, "", progress)
        assert _counts(org) == (1, 0, 0)


@pytest.mark.parametrize(
    ("viewer", "outcome"),
    [
        ("Mia", "sees"),
        ("Max", "sees"),
        ("Alma", "sees"),
        ("Pat", ForbiddenError),
        ("Olga", ForbiddenError),
        ("Otto", NotFoundError),
    ],
)
def test_who_may_read_a_members_check_ins(
    org: Organisation, viewer: str, outcome: str | type[Exception]
) -> None:
    org.people["Alma"] = _admin_without_team(org)
    mia, max_ = org.people["Mia"], org.people["Max"]
    goal = org.app.check_ins.add_goal(max_, org.id, mia.id, "Lead the Q1 discovery")
    org.app.check_ins.record(max_, org.id, mia.id, TODAY, "", {goal.id: Progress("at-risk")})
    me = org.people[viewer]
    before = _reads(org)
    if outcome == "sees":
        found = org.app.check_ins.member(me, org.id, mia.id)
        assert found.member == "Mia"
        assert [c.progress[0].status for c in found.check_ins] == ["at-risk"]
        assert org.app.check_ins.goals(me, org.id, mia.id).goals[0].status == "at-risk"
        logged = [] if viewer == "Mia" else [(me.id, mia.id), (me.id, mia.id)]
        assert _reads(org) == before + logged
        assert found.may_record == (viewer == "Max")
        assert found.may_set_goals == (viewer in ("Mia", "Max"))
    else:
        assert isinstance(outcome, type)
        with pytest.raises(outcome):
            org.app.check_ins.member(me, org.id, mia.id)
        with pytest.raises(outcome):
            org.app.check_ins.goals(me, org.id, mia.id)
        assert _reads(org) == before


def test_someone_outside_the_organisation_is_not_found_as_a_member(org: Organisation) -> None:
    with pytest.raises(NotFoundError):
        org.app.check_ins.member(org.people["Max"], org.id, org.people["Otto"].id)


# -- goals -------------------------------------------------------------------------------------


def test_a_goal_ties_a_competency_a_level_a_plan_step_and_a_due_date(org: Organisation) -> None:
    mia, max_ = org.people["Mia"], org.people["Max"]
    service = org.app.check_ins
    steps = service.plan_steps(max_, org.id, mia.id)
    assert steps, "Mia's self-assessment gives her a plan"
    competency = org.app.framework.competency(_first_competency(org))
    goal = service.add_goal(
        max_,
        org.id,
        mia.id,
        "  Own the   pricing review ",
        competency=competency.id,
        target_level=3,
        plan_step=steps[0].name,
        due_on=TODAY + timedelta(days=60),
    )
    assert goal.title == "Own the pricing review"
    assert (goal.competency, goal.competency_name, goal.target_level) == (
        competency.id,
        competency.name,
        3,
    )
    assert goal.target_level_name == org.app.framework.scale[2].name
    assert (goal.plan_step, goal.due_on) == (steps[0].name, TODAY + timedelta(days=60))


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"competency": "juggling"}, "competency"),
        ({"competency": "first", "target_level": 9}, "target_level"),
        ({"target_level": 2}, "target_level"),
        ({"plan_step": "Climb a mountain"}, "plan_step"),
        ({"due_on": TODAY - timedelta(days=1)}, "due_on"),
    ],
)
def test_a_bad_goal_names_its_field_and_changes_nothing(
    org: Organisation, arguments: dict[str, object], field: str
) -> None:
    mia = org.people["Mia"]
    given = {"title": "A fine goal", **arguments}
    if given.get("competency") == "first":
        given["competency"] = _first_competency(org)
    with pytest.raises(PmpathError) as raised:
        org.app.check_ins.add_goal(mia, org.id, mia.id, **given)  # type: ignore[arg-type]
    assert type(raised.value) is PmpathError
    assert [p.location.field_path for p in raised.value.problems] == [(field,)]
    assert _counts(org) == (0, 0, 0)


def test_a_dropped_goal_is_closed_and_not_asked_about_again(org: Organisation) -> None:
    mia, max_ = org.people["Mia"], org.people["Max"]
    service = org.app.check_ins
    kept = service.add_goal(mia, org.id, mia.id, "Write the strategy memo")
    dropped = service.add_goal(mia, org.id, mia.id, "Learn SQL")
    with pytest.raises(ForbiddenError):
        service.drop_goal(org.people["Pat"], org.id, mia.id, dropped.id)
    closed = service.drop_goal(max_, org.id, mia.id, dropped.id)
    assert (closed.state, closed.closed_at) == ("dropped", org.clock())
    with pytest.raises(PmpathError) as raised:
        service.drop_goal(mia, org.id, mia.id, dropped.id)
    assert raised.value.location.field_path == ("goal",)
    with pytest.raises(NotFoundError):
        service.drop_goal(mia, org.id, mia.id, 10_000)
    made = service.record(max_, org.id, mia.id, TODAY, "", {kept.id: Progress("on-track")})
    assert [p.goal_id for p in made.progress] == [kept.id]
    assert [g.state for g in service.goals(mia, org.id, mia.id).goals] == ["open", "dropped"]


# -- check-ins ---------------------------------------------------------------------------------


def test_done_closes_the_goal(org: Organisation) -> None:
    mia, max_ = org.people["Mia"], org.people["Max"]
    service = org.app.check_ins
    first = service.add_goal(mia, org.id, mia.id, "Present at the all-hands")
    second = service.add_goal(mia, org.id, mia.id, "Mentor an APM")
    service.record(
        max_,
        org.id,
        mia.id,
        TODAY - timedelta(days=14),
        "",
        {first.id: Progress("done", "Great talk"), second.id: Progress("not-started")},
    )
    goals = {g.id: g for g in service.goals(mia, org.id, mia.id).goals}
    assert (goals[first.id].state, goals[first.id].status) == ("done", "done")
    assert goals[first.id].closed_at == org.clock()
    assert goals[second.id].state == "open"
    # the next check-in asks only about the goal still open
    with pytest.raises(PmpathError) as raised:
        service.record(
            max_,
            org.id,
            mia.id,
            TODAY,
            "",
            {first.id: Progress("on-track"), second.id: Progress("on-track")},
        )
    assert raised.value.location.field_path == ("progress", first.id)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"held_on": TODAY + timedelta(days=1)}, ("held_on",)),
        ({"notes": "n" * 5001}, ("notes",)),
        ({"status": "finished"}, ("progress", "goal", "status")),
        ({"status": None}, ("progress", "goal", "status")),
        ({"note": "x" * 2001}, ("progress", "goal", "note")),
        ({"team_id": "payments"}, ("team",)),
    ],
)
def test_a_bad_check_in_names_its_field_and_changes_nothing(
    org: Organisation, change: dict[str, object], field: tuple[object, ...]
) -> None:
    mia, max_ = org.people["Mia"], org.people["Max"]
    goal = org.app.check_ins.add_goal(mia, org.id, mia.id, "Run the launch")
    status = change.get("status", "on-track")
    progress = {} if status is None else {goal.id: Progress(str(status), change.get("note"))}  # type: ignore[arg-type]
    team = org.payments if change.get("team_id") == "payments" else None
    with pytest.raises(PmpathError) as raised:
        org.app.check_ins.record(
            max_,
            org.id,
            mia.id,
            change.get("held_on", TODAY),  # type: ignore[arg-type]
            str(change.get("notes", "")),
            progress,
            team_id=team,
        )
    expected = tuple(goal.id if part == "goal" else part for part in field)
    assert [p.location.field_path for p in raised.value.problems] == [expected]
    assert _counts(org) == (1, 0, 0)


def test_one_check_in_per_member_per_day(org: Organisation) -> None:
    mia, max_ = org.people["Mia"], org.people["Max"]
    org.app.check_ins.record(max_, org.id, mia.id, TODAY, "First", {})
    with pytest.raises(PmpathError) as raised:
        org.app.check_ins.record(max_, org.id, mia.id, TODAY, "Again", {})
    assert raised.value.location.field_path == ("held_on",)
    assert "7 December 2026" in str(raised.value)
    assert _counts(org) == (0, 1, 0)


def test_the_history_follows_each_goal_across_check_ins_in_order(org: Organisation) -> None:
    mia, max_ = org.people["Mia"], org.people["Max"]
    service = org.app.check_ins
    competency = _first_competency(org)
    goal = service.add_goal(max_, org.id, mia.id, "Lead discovery", competency, target_level=3)
    plain = service.add_goal(mia, org.id, mia.id, "Read two books")
    # recorded out of order: the history is by date, not by when it was typed in
    for days, status in ((14, "on-track"), (28, "at-risk"), (0, "done")):
        progress = {goal.id: Progress(status)}
        if days:
            progress[plain.id] = Progress("not-started" if days == 28 else "on-track")
        else:
            progress[plain.id] = Progress("on-track")
        service.record(max_, org.id, mia.id, TODAY - timedelta(days=days), f"day {days}", progress)
    # the manager rates Mia higher after the goal was set: that is her level now
    org.clock.now += timedelta(hours=1)
    org.app.colleague_ratings.rate(max_, org.id, mia.id, competency, 3)
    found = service.member(mia, org.id, mia.id)
    assert [c.notes for c in found.check_ins] == ["day 0", "day 14", "day 28"]  # newest first
    history = {entry.goal.id: entry for entry in found.history}
    assert [(s.held_on, s.status) for s in history[goal.id].statuses] == [
        (TODAY - timedelta(days=28), "at-risk"),
        (TODAY - timedelta(days=14), "on-track"),
        (TODAY, "done"),
    ]
    then, now = history[goal.id].level_then, history[goal.id].level_now
    assert then is not None
    assert now is not None
    assert (then.level, then.source) == (2, "self")
    assert (now.level, now.source) == (3, "manager")
    assert history[plain.id].level_then is None
    assert history[plain.id].level_now is None
    assert [g.state for g in found.goals] == ["open", "done"]


def test_a_level_set_after_the_goal_does_not_count_as_then(org: Organisation) -> None:
    pat, max_ = org.people["Pat"], org.people["Max"]
    competency = _first_competency(org)
    org.app.colleague_ratings.rate(max_, org.id, pat.id, competency, 1)
    org.clock.now += timedelta(minutes=5)
    goal = org.app.check_ins.add_goal(pat, org.id, pat.id, "Grow", competency, 2)
    org.clock.now += timedelta(minutes=5)
    _self_assess(org.app, pat, level=4)
    history = org.app.check_ins.member(pat, org.id, pat.id).history
    entry = next(e for e in history if e.goal.id == goal.id)
    assert entry.level_then is not None
    assert entry.level_now is not None
    assert (entry.level_then.level, entry.level_then.source) == (1, "manager")
    assert (entry.level_now.level, entry.level_now.source) == (1, "manager")


# -- a team's history as CSV -------------------------------------------------------------------


def _parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_team_export_is_csv_with_one_row_per_check_in_and_goal(org: Organisation) -> None:
    mia, pat, max_ = org.people["Mia"], org.people["Pat"], org.people["Max"]
    service = org.app.check_ins
    competency = org.app.framework.competency(_first_competency(org))
    attack = '=HYPERLINK("http://evil.example","click")'
    goal = service.add_goal(max_, org.id, mia.id, attack, competency.id, 3)
    other = service.add_goal(mia, org.id, mia.id, '-1+2 reasons, "quoted"')
    note = 'Pricing, "v2"\nshipped; next: @channel'
    service.record(
        max_,
        org.id,
        mia.id,
        TODAY - timedelta(days=7),
        "+notes",
        {goal.id: Progress("at-risk", note), other.id: Progress("done")},
    )
    service.record(max_, org.id, pat.id, TODAY, "No goals yet", {})
    export = service.team_export(max_, org.id, org.growth)
    assert export.filename == "check-ins-growth-2026-12-07.csv"
    assert export.csv.startswith(",".join(CSV_COLUMNS) + "\r\n")
    rows = _parsed(export.csv)
    assert export.rows == len(rows) == 3
    assert [(r["member"], r["date"]) for r in rows] == [
        ("Mia", "2026-11-30"),
        ("Mia", "2026-11-30"),
        ("Pat", "2026-12-07"),
    ]
    first = rows[0]
    assert first["team"] == "Growth"
    assert first["manager"] == "Max"
    assert first["goal"] == "'" + attack  # a formula is text in a spreadsheet
    assert first["competency"] == competency.name
    assert first["target level"] == f"3 ({org.app.framework.scale[2].name})"
    assert first["status"] == "At risk"
    assert first["note"] == note  # comma, quotes and a newline survive the round trip
    assert first["check-in notes"] == "'+notes"
    assert rows[1]["goal"] == '\'-1+2 reasons, "quoted"'
    assert rows[1]["status"] == "Done"
    assert rows[2]["goal"] == ""
    assert rows[2]["check-in notes"] == "No goals yet"
    assert sorted(_reads(org)) == sorted([(max_.id, mia.id), (max_.id, pat.id)])


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("Max", "exports"),
        ("Ada", "exports"),  # the organisation admin
        ("Mia", ForbiddenError),
        ("Olga", ForbiddenError),
        ("Otto", NotFoundError),
    ],
)
def test_who_may_export_a_teams_history(
    org: Organisation, who: str, outcome: str | type[Exception]
) -> None:
    if outcome == "exports":
        export = org.app.check_ins.team_export(org.people[who], org.id, org.growth)
        assert _parsed(export.csv) == []
        assert export.rows == 0
    else:
        assert isinstance(outcome, type)
        with pytest.raises(outcome):
            org.app.check_ins.team_export(org.people[who], org.id, org.growth)


def test_a_team_of_another_organisation_is_not_found(org: Organisation) -> None:
    other = org.teams.create_organisation(org.people["Otto"], "Elsewhere")
    team = org.teams.create_team(org.people["Otto"], other.id, "Elsewhere team").id
    with pytest.raises(NotFoundError):
        org.app.check_ins.team_export(org.people["Ada"], org.id, team)


def test_control_characters_are_dropped_and_line_breaks_kept(org: Organisation) -> None:
    mia, max_ = org.people["Mia"], org.people["Max"]
    goal = org.app.check_ins.add_goal(mia, org.id, mia.id, "Ship\x00 the\tbeta\r\n")
    assert goal.title == "Ship the beta"
    made = org.app.check_ins.record(
        max_,
        org.id,
        mia.id,
        TODAY,
        "First line\r\nsecond\x00 line\x07",
        {goal.id: Progress("on-track", "\x00ok\r")},
    )
    assert made.notes == "First line\nsecond line"
    assert made.progress[0].note == "ok"


def test_goals_follow_the_organisations_own_ladder(org: Organisation) -> None:
    from pmpath.assessment import Rating, SelfAssessment
    from pmpath.services.assessments import AssessmentService
    from tests.conftest import example_ladder_text

    mia, max_ = org.people["Mia"], org.people["Max"]
    bundled = _first_competency(org)
    org.teams.ladders.upload(org.people["Ada"], org.id, example_ladder_text(), "design.yaml")
    ladder = org.app.colleague_ratings.rubric(org.id)
    ratings = {c.id: Rating(c.id, 1) for c in ladder.competencies}
    AssessmentService(org.app.database, ladder, org.clock).record(
        mia.profile, SelfAssessment(ratings)
    )
    found = org.app.check_ins.member(max_, org.id, mia.id)
    assert found.framework_id == "product-design"
    assert [c.id for c in found.competencies] == [c.id for c in ladder.competencies]
    goal = org.app.check_ins.add_goal(max_, org.id, mia.id, "Coach a junior", "coaching", 2)
    assert goal.competency_name == ladder.competency("coaching").name
    with pytest.raises(PmpathError) as raised:
        org.app.check_ins.add_goal(max_, org.id, mia.id, "Old ladder", bundled)
    assert raised.value.location.field_path == ("competency",)
    history = org.app.check_ins.member(mia, org.id, mia.id).history
    assert history[0].level_then is not None
    assert (history[0].level_then.level, history[0].level_then.source) == (1, "self")
