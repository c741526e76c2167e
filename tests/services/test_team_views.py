"""Team views (issue #19): who may see them (the permission matrix), the access log, the heat
map's cells and palette, coverage and its gaps, the bench buckets on hand-made data, and the
what-if; on SQLite and PostgreSQL.

The hand-made data, on the bundled ladder: everyone self-assesses at exactly what Product
Manager expects, so placement puts them in Product Manager ("ready now") and their next role is
Senior Product Manager. Senior PM expects one level more than PM in nine competencies:
customer empathy, data-driven decisions, prioritisation (must-have), business acumen,
innovation, execution, technical fluency, stakeholder management (must-have) and leadership.
The manager then rates some of those nine at Senior PM's level; the rest stay one short.
"""

from __future__ import annotations

import pytest

from pmpath.assessment import Rating, SelfAssessment
from pmpath.errors import ForbiddenError, NotFoundError, PmpathError
from pmpath.services.accounts import User
from pmpath.services.current_levels import CurrentLevel
from pmpath.services.team_views import (
    SIX_MONTHS_TOTAL,
    _Member,
    _readiness,
    contrast,
    scale_steps,
)
from pmpath.store import organisations as org_store
from tests.services.test_teams import Organisation, _account, _join, org

__all__ = ["org"]

#: Where Senior PM expects one level more than Product Manager (must-haves marked).
RISING = [
    "customer-empathy",
    "data-driven-decision-making",
    "prioritisation",  # must-have of Senior PM
    "business-and-financial-acumen",
    "innovation-and-risk-management",
    "execution-excellence",
    "technical-fluency",
    "stakeholder-management",  # must-have of Senior PM
    "leadership",
]


def _admin_without_team(org: Organisation) -> User:
    alma = _account(org.app, "Alma")
    with org.app.database.transaction() as session:
        org_store.join_organisation(session, org.id, alma.id, "admin", org.clock())
    return alma


def _as_product_manager(org: Organisation, person: User) -> None:
    """A self-assessment at exactly Product Manager's expectations (newer than the fixture's)."""
    pm = org.app.framework.role("product-manager")
    org.clock.now = org.clock.now.replace(hour=10)
    ratings = {cid: Rating(cid, e.level) for cid, e in pm.expectations.items()}
    org.app.assessments.record(person.profile, SelfAssessment(ratings))


def _manager_rates_senior(org: Organisation, person: User, leave_short: list[str]) -> None:
    """Max rates ``person`` at Senior PM's level in every rising competency but
    ``leave_short`` (which stay at PM's level, one short)."""
    senior = org.app.framework.role("senior-product-manager")
    for cid in RISING:
        if cid not in leave_short:
            org.app.colleague_ratings.rate(
                org.people["Max"], org.id, person.id, cid, senior.expectations[cid].level
            )


def _member(org: Organisation, name: str) -> User:
    person = _account(org.app, name)
    _join(org.teams, org.people["Max"], org.growth, person, "member")
    return person


# -- who may see the team views ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "outcome"),
    [
        ("Max", "sees"),  # the team's manager
        ("Alma", "sees"),  # an organisation admin outside the team
        ("Mia", ForbiddenError),  # a member of the team
        ("Olga", ForbiddenError),  # the manager of another team
        ("Otto", NotFoundError),  # outside the organisation
    ],
)
def test_who_may_see_the_team_views(
    org: Organisation, viewer: str, outcome: str | type[Exception]
) -> None:
    org.people["Alma"] = _admin_without_team(org)
    views = org.app.team_views
    me = org.people[viewer]
    mia = org.people["Mia"]
    calls = [
        lambda: views.heat_map(me, org.growth),
        lambda: views.coverage(me, org.growth),
        lambda: views.bench(me, org.growth),
        lambda: views.what_if(me, org.growth, mia.id, "senior-product-manager"),
        lambda: views.what_if_choices(me, org.growth),
    ]
    if outcome == "sees":
        assert [m.name for m in views.heat_map(me, org.growth).members] == ["Mia", "Pat"]
        for call in calls:
            assert call().team.team == "Growth"
    else:
        assert isinstance(outcome, type)
        for call in calls:
            with pytest.raises(outcome):
                call()


def test_an_unknown_team_is_not_found(org: Organisation) -> None:
    with pytest.raises(NotFoundError):
        org.app.team_views.heat_map(org.people["Ada"], 999_999)


def test_each_view_logs_one_row_per_member_read(org: Organisation) -> None:
    views, max_ = org.app.team_views, org.people["Max"]
    views.heat_map(max_, org.growth)
    views.coverage(max_, org.growth)
    views.bench(max_, org.growth)
    views.what_if(max_, org.growth, org.people["Pat"].id, "senior-product-manager")
    entries = org.app.teams.access_log(org.people["Ada"], org.id).entries
    team_reads = sorted(
        (e.what, e.subject) for e in entries if e.viewer == "Max" and e.what.startswith("team")
    )
    assert team_reads == sorted(
        (what, name)
        for what in ("team heat map", "team coverage", "team bench strength", "team what-if")
        for name in ("Mia", "Pat")
    )


def test_a_refused_view_logs_nothing(org: Organisation) -> None:
    with pytest.raises(ForbiddenError):
        org.app.team_views.heat_map(org.people["Mia"], org.growth)
    entries = org.app.teams.access_log(org.people["Ada"], org.id).entries
    assert not [e for e in entries if e.what.startswith("team")]


# -- the heat map -----------------------------------------------------------------------------


def test_heat_map_cells_show_level_source_and_expectation(org: Organisation) -> None:
    mia, pat = org.people["Mia"], org.people["Pat"]
    _as_product_manager(org, mia)
    _as_product_manager(org, pat)
    org.app.colleague_ratings.rate(org.people["Max"], org.id, mia.id, "customer-empathy", 4)
    org.app.colleague_ratings.rate(org.people["Max"], org.id, pat.id, "prioritisation", 2)
    flo = _member(org, "Flo")  # no self-assessment, no rating
    found = org.app.team_views.heat_map(org.people["Max"], org.growth)
    rows = {row.name: row for row in found.members}
    assert list(rows) == ["Flo", "Mia", "Pat"]
    mia_cells = {c.competency_id: c for c in rows["Mia"].cells}
    # Product Manager expects 3 in customer empathy: Max's 4 exceeds it.
    assert (mia_cells["customer-empathy"].level, mia_cells["customer-empathy"].source) == (
        4,
        "manager",
    )
    assert (mia_cells["customer-empathy"].expected, mia_cells["customer-empathy"].status) == (
        3,
        "exceeds",
    )
    assert mia_cells["market-and-domain-insight"].source == "self"
    assert mia_cells["market-and-domain-insight"].status == "meets"
    assert rows["Mia"].role_name == "Product Manager"
    assert (rows["Mia"].known, rows["Mia"].below) == (20, 0)
    pat_cells = {c.competency_id: c for c in rows["Pat"].cells}
    assert (pat_cells["prioritisation"].level, pat_cells["prioritisation"].status) == (2, "below")
    assert pat_cells["prioritisation"].must_have
    assert rows["Pat"].below == 1
    assert rows["Flo"].role_id is None
    assert rows["Flo"].role_note == "no self-assessment yet"
    assert {c.status for c in rows["Flo"].cells} == {"no-role"}
    assert all(c.level is None for c in rows["Flo"].cells)
    assert flo.id == rows["Flo"].user_id
    # the same roles as the teams service's placements on the team page
    team = org.app.teams.team(org.people["Max"], org.growth)
    placed = {m.name: m.placement.role if m.placement else None for m in team.members}
    assert {name: row.role_id for name, row in rows.items()} == {
        name: placed[name] for name in rows
    }


def test_palette_is_viridis_with_readable_text_on_every_step(org: Organisation) -> None:
    steps = scale_steps(org.app.framework)
    assert [s.level for s in steps] == [1, 2, 3, 4, 5]
    assert steps[0].fill == "#440154"
    assert steps[-1].fill == "#fde725"
    assert steps[2].fill == "#21918c"  # viridis at one half
    for step in steps:
        assert step.contrast >= 4.5, step
        assert step.contrast == round(contrast(step.text, step.fill), 2)
    # dark text on the light (high) steps, white on the dark (low) ones
    assert (steps[0].text, steps[-1].text) == ("#ffffff", "#000000")


# -- coverage ---------------------------------------------------------------------------------


def test_coverage_counts_who_meets_and_finds_the_gaps(org: Organisation) -> None:
    mia, pat, max_ = org.people["Mia"], org.people["Pat"], org.people["Max"]
    _as_product_manager(org, mia)
    _as_product_manager(org, pat)
    rate = org.app.colleague_ratings.rate
    # Both below PM's 3 in customer empathy: the team's strongest is 2, a gap.
    rate(max_, org.id, mia.id, "customer-empathy", 2)
    rate(max_, org.id, pat.id, "customer-empathy", 1)
    # Mia exceeds in prioritisation, Pat falls short: one meets, no gap.
    rate(max_, org.id, mia.id, "prioritisation", 5)
    rate(max_, org.id, pat.id, "prioritisation", 2)
    found = org.app.team_views.coverage(max_, org.growth)
    by_id = {c.competency_id: c for c in found.competencies}
    empathy = by_id["customer-empathy"]
    assert (empathy.expected_of, empathy.meeting, empathy.below) == (2, 0, ["Mia", "Pat"])
    assert (empathy.strongest, empathy.strongest_members) == (2, ["Mia"])
    assert (empathy.most_demanding, empathy.most_demanding_roles) == (3, ["Product Manager"])
    assert empathy.gap
    prioritisation = by_id["prioritisation"]
    assert (prioritisation.meeting, prioritisation.below, prioritisation.gap) == (1, ["Pat"], False)
    assert (prioritisation.strongest, prioritisation.strongest_members) == (5, ["Mia"])
    assert found.gaps == ["customer-empathy"]
    assert found.without_role == []
    vision = by_id["vision-setting"]
    assert (vision.meeting, vision.strongest, vision.gap) == (2, 3, False)


# -- bench strength ---------------------------------------------------------------------------


def test_bench_buckets_on_hand_made_levels(org: Organisation) -> None:
    """Next role Senior PM for all five; the expected buckets, worked by hand:

    - Mia: rated at Senior PM in all nine rising competencies: nothing short -> now.
    - Dee: all but leadership (not a must-have): 1 level short, fit
      100 * (23 - 0.5) / 23 = 97.8, no must-have short -> now (placement's ready-now rule).
    - Bo: all but stakeholder management (must-have) and leadership: 2 levels short, none by
      more than 1, but a must-have short -> within 6 months.
    - Cy: all but stakeholder management, leadership and technical fluency: 3 levels short,
      more than the 2 allowed -> later.
    - Pat: nobody rated her: the nine rising competencies are 1 short each, 9 in all -> later.
    - Eve: self-rated 5 of 20 competencies: placement puts her in an entry role, whose next
      roles expect all 20; 5 known is under half -> not enough data.
    - Flo: no self-assessment, so no role -> not enough data.
    """
    people = {name: org.people.get(name) or _member(org, name) for name in ("Mia", "Pat")}
    for name in ("Bo", "Cy", "Dee", "Eve", "Flo"):
        people[name] = _member(org, name)
    for name in ("Mia", "Pat", "Bo", "Cy", "Dee"):
        _as_product_manager(org, people[name])
    _manager_rates_senior(org, people["Mia"], [])
    _manager_rates_senior(org, people["Dee"], ["leadership"])
    _manager_rates_senior(org, people["Bo"], ["stakeholder-management", "leadership"])
    _manager_rates_senior(
        org, people["Cy"], ["stakeholder-management", "leadership", "technical-fluency"]
    )
    some = [c.id for c in org.app.framework.competencies][:5]
    org.app.assessments.record(
        people["Eve"].profile, SelfAssessment({cid: Rating(cid, 3) for cid in some})
    )
    bench = org.app.team_views.bench(org.people["Max"], org.growth)
    found = {m.name: m for m in bench.members}
    assert {name: m.readiness for name, m in found.items()} == {
        "Mia": "now",
        "Dee": "now",
        "Bo": "within-6-months",
        "Cy": "later",
        "Pat": "later",
        "Eve": "not-enough-data",
        "Flo": "not-enough-data",
    }
    assert bench.counts == {"now": 2, "within-6-months": 1, "later": 2, "not-enough-data": 2}
    for name in ("Mia", "Dee", "Bo", "Cy", "Pat"):
        assert found[name].target_role == "Senior Product Manager"
        assert [n.role_id for n in found[name].next_roles] == ["senior-product-manager"]
    levels_short = {n: found[n].next_roles[0].levels_short for n in ("Mia", "Dee", "Bo", "Cy")}
    assert levels_short == {"Mia": 0, "Dee": 1, "Bo": SIX_MONTHS_TOTAL, "Cy": 3}
    assert found["Pat"].next_roles[0].levels_short == 9
    assert found["Dee"].next_roles[0].fit == 97.8
    bo_short = found["Bo"].next_roles[0].short
    assert [(s.competency_id, s.level, s.expected, s.must_have) for s in bo_short] == [
        ("stakeholder-management", 3, 4, True),
        ("leadership", 2, 3, False),
    ]
    # Her five 3s place her in an entry role; every next role expects all 20 competencies.
    assert found["Eve"].next_roles
    assert {n.readiness for n in found["Eve"].next_roles} == {"not-enough-data"}
    eve_next = found["Eve"].next_roles[0]
    assert eve_next.note is not None
    assert "5 of the 20" in eve_next.note
    assert found["Flo"].note == "no role on this ladder: no self-assessment yet"


def test_a_missing_must_have_means_not_enough_data(org: Organisation) -> None:
    """Every competency of Senior PM known at its level but stakeholder management, a
    must-have: 19 of 20 known, yet not enough data (it would otherwise count at level 1)."""
    fw = org.app.framework
    senior = fw.role("senior-product-manager")
    levels = {
        cid: CurrentLevel(e.level, "manager", None)
        for cid, e in senior.expectations.items()
        if cid != "stakeholder-management"
    }
    member = _Member(1, "Kim", fw.role("product-manager"), None, "ready-now", levels)
    found = _readiness(fw, member, senior)
    assert found.readiness == "not-enough-data"
    assert found.unknown == 1
    assert (
        found.note
        == "no level yet in Senior Product Manager's must-have Stakeholder management and influence"
    )


def test_top_of_the_ladder_has_no_next_role(org: Organisation) -> None:
    cpo = org.app.framework.role("chief-product-officer")
    mia = org.people["Mia"]
    ratings = {cid: Rating(cid, 5) for cid in cpo.expectations}
    org.app.assessments.record(mia.profile, SelfAssessment(ratings))
    found = {m.name: m for m in org.app.team_views.bench(org.people["Max"], org.growth).members}
    assert found["Mia"].role_id in {"chief-product-officer", "distinguished-product-manager"}
    assert found["Mia"].readiness is None
    assert found["Mia"].next_roles == []
    assert found["Mia"].note is not None
    assert "top of its ladder" in found["Mia"].note


# -- what-if ----------------------------------------------------------------------------------


def test_what_if_a_member_moves_up(org: Organisation) -> None:
    """Mia and Pat are both Product Managers; Mia is rated at Senior PM's level. Moving Pat up
    to Senior PM: in the nine rising competencies the team now expects Senior PM's level,
    Mia still reaches it (no new gap) but Pat falls below (meeting 2 -> 1). Moving Mia up to
    Group PM opens gaps wherever Group PM expects more than Mia's Senior PM levels."""
    mia, pat, max_ = org.people["Mia"], org.people["Pat"], org.people["Max"]
    _as_product_manager(org, mia)
    _as_product_manager(org, pat)
    _manager_rates_senior(org, mia, [])
    views = org.app.team_views
    moved = views.what_if(max_, org.growth, pat.id, "senior-product-manager")
    assert (moved.from_role_name, moved.to_role_name) == (
        "Product Manager",
        "Senior Product Manager",
    )
    assert moved.new_gaps == []
    assert moved.closed_gaps == []
    assert sorted(c.competency_id for c in moved.changes) == sorted(RISING)
    assert moved.raised == RISING  # the team now expects Senior PM's level there
    assert {(c.meeting_before, c.meeting_after) for c in moved.changes} == {(2, 1)}
    assert moved.vacated_role is None  # Mia is still a Product Manager
    assert moved.readiness.readiness == "later"
    assert moved.readiness.levels_short == 9
    assert [s.competency_id for s in moved.member_short] == RISING
    pat_row = next(r for r in moved.heat_map.members if r.name == "Pat")
    assert pat_row.role_name == "Senior Product Manager"
    assert pat_row.below == 9

    fw = org.app.framework
    senior, group = fw.role("senior-product-manager"), fw.role("group-product-manager")
    expected_gaps = [
        c.id
        for c in fw.competencies
        if group.expectations[c.id].level > senior.expectations[c.id].level
    ]
    up = views.what_if(max_, org.growth, mia.id, "group-product-manager")
    assert expected_gaps
    assert up.new_gaps == expected_gaps
    assert up.after.gaps == expected_gaps
    assert up.before.gaps == []
    assert up.readiness.readiness in {"within-6-months", "later"}
    assert up.vacated_role is None


def test_what_if_leaves_a_role_empty(org: Organisation) -> None:
    mia, pat, max_ = org.people["Mia"], org.people["Pat"], org.people["Max"]
    _as_product_manager(org, mia)
    _as_product_manager(org, pat)
    org.app.colleague_ratings.rate(max_, org.id, pat.id, "vision-setting", 2)
    found = org.app.team_views.what_if(max_, org.growth, mia.id, "senior-product-manager")
    assert found.vacated_role is None
    # Move Pat too, in a team of two: after the move nobody else is a Product Manager.
    both = org.app.team_views.what_if(max_, org.growth, pat.id, "senior-product-manager")
    assert both.vacated_role is None  # Mia is still one
    solo = _member(org, "Sol")
    _as_product_manager(org, solo)
    org.app.assessments.record(
        mia.profile,
        SelfAssessment({c.id: Rating(c.id, 1) for c in org.app.framework.competencies}),
    )
    org.app.assessments.record(
        pat.profile,
        SelfAssessment({c.id: Rating(c.id, 1) for c in org.app.framework.competencies}),
    )
    alone = org.app.team_views.what_if(max_, org.growth, solo.id, "senior-product-manager")
    assert alone.from_role_name == "Product Manager"
    assert alone.vacated_role == "Product Manager"


@pytest.mark.parametrize(
    ("member", "role", "field"),
    [
        ("Olga", "senior-product-manager", "member"),  # not in Growth
        ("Max", "senior-product-manager", "member"),  # its manager, not a member
        ("Pat", "no-such-role", "role"),
        ("Pat", "", "role"),
        ("Pat", "product-manager", "role"),  # the role she holds already
    ],
)
def test_what_if_rejects_bad_input_and_logs_nothing(
    org: Organisation, member: str, role: str, field: str
) -> None:
    _as_product_manager(org, org.people["Pat"])
    with pytest.raises(PmpathError) as caught:
        org.app.team_views.what_if(org.people["Max"], org.growth, org.people[member].id, role)
    assert caught.value.problems[0].location.field_path == (field,)
    entries = org.app.teams.access_log(org.people["Ada"], org.id).entries
    assert not [e for e in entries if e.what.startswith("team")]


def test_working_towards_an_entry_role_aims_at_that_role(org: Organisation) -> None:
    """Self-assessed at the floor everywhere, Mia is "working towards" an entry role: her
    bench target is that role itself, not the one after it."""
    mia = org.people["Mia"]
    org.app.assessments.record(
        mia.profile,
        SelfAssessment({c.id: Rating(c.id, 1) for c in org.app.framework.competencies}),
    )
    found = {m.name: m for m in org.app.team_views.bench(org.people["Max"], org.growth).members}
    assert found["Mia"].placement_status == "working-towards"
    assert [n.role_id for n in found["Mia"].next_roles] == [found["Mia"].role_id]


def test_on_the_organisations_own_ladder(org: Organisation) -> None:
    """After an upload the views are on the organisation's ladder: a member who self-assessed
    on the bundled ladder only has no role there (and says why), a manager's rating on the
    new ladder shows, and a self-assessment on it gives a role."""
    from pmpath.services.assessments import AssessmentService
    from tests.conftest import example_ladder_text

    org.teams.ladders.upload(org.people["Ada"], org.id, example_ladder_text(), "design.yaml")
    mia, pat, max_ = org.people["Mia"], org.people["Pat"], org.people["Max"]
    org.app.colleague_ratings.rate(max_, org.id, mia.id, "coaching", 2)
    ladder = org.app.colleague_ratings.rubric(org.id)
    on_ladder = AssessmentService(org.app.database, ladder, org.clock)
    org.clock.now = org.clock.now.replace(hour=11)
    on_ladder.record(
        pat.profile, SelfAssessment({c.id: Rating(c.id, 2) for c in ladder.competencies})
    )
    found = org.app.team_views.heat_map(max_, org.growth)
    assert found.team.framework_id == "product-design"
    rows = {r.name: r for r in found.members}
    assert rows["Mia"].role_id is None
    assert rows["Mia"].role_note == f"self-assessed on {org.app.framework.name} only"
    coaching = next(c for c in rows["Mia"].cells if c.competency_id == "coaching")
    assert (coaching.level, coaching.source, coaching.status) == (2, "manager", "no-role")
    assert rows["Pat"].role_id is not None
    assert ladder.has("role", rows["Pat"].role_id)
    assert {c.source for c in rows["Pat"].cells} == {"self"}


def test_every_step_of_the_palette_has_readable_text_for_any_scale_length() -> None:
    """Whatever the ladder's scale length, black or white text on any viridis step reaches
    WCAG AA (4.5:1): the worst point of the whole map, sampled finely, still does."""
    from pmpath.services.team_views import DARK_TEXT, LIGHT_TEXT, viridis

    worst = min(
        max(contrast(DARK_TEXT, viridis(i / 1000)), contrast(LIGHT_TEXT, viridis(i / 1000)))
        for i in range(1001)
    )
    assert worst >= 4.5


def test_what_if_choices_offer_the_members_and_every_role(org: Organisation) -> None:
    _as_product_manager(org, org.people["Mia"])
    found = org.app.team_views.what_if_choices(org.people["Max"], org.growth)
    assert [(m.name, m.role_name) for m in found.members] == [
        ("Mia", "Product Manager"),
        ("Pat", found.members[1].role_name),
    ]
    assert [r.id for r in found.roles] == [r.id for r in org.app.framework.roles]
    entries = org.app.teams.access_log(org.people["Ada"], org.id).entries
    assert sorted(e.subject for e in entries if e.what == "team what-if") == ["Mia", "Pat"]
    with pytest.raises(NotFoundError):  # a team, named under another organisation's id
        org.app.team_views.what_if_choices(org.people["Max"], org.growth, org.id + 1)
