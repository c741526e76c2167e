"""Manager and peer ratings (issue #19): who may rate and who may read (the permission
matrix), peers only in aggregate and only from three, the two-level flag, the access log,
requests to self-assess; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pmpath.errors import ForbiddenError, NotFoundError, PmpathError
from pmpath.services.accounts import User
from pmpath.store import organisations as org_store
from tests.conftest import example_ladder_text
from tests.services.test_teams import Organisation, _account, _join, _self_assess, org

__all__ = ["org"]  # the fixture: Acme Products, its Growth and Payments teams and people


def _competencies(org: Organisation) -> list[str]:
    return [c.id for c in org.app.framework.competencies]


def _admin_without_team(org: Organisation) -> User:
    """Alma: an organisation admin in no team, so what she sees she sees as an admin."""
    alma = _account(org.app, "Alma")
    with org.app.database.transaction() as session:
        org_store.join_organisation(session, org.id, alma.id, "admin", org.clock())
    return alma


def _more_peers(org: Organisation, *names: str) -> list[User]:
    people = []
    for name in names:
        person = _account(org.app, name)
        _join(org.teams, org.people["Max"], org.growth, person, "member")
        people.append(person)
    return people


# -- who may rate Mia --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rater", "outcome"),
    [
        ("Max", "manager"),  # her team's manager
        ("Pat", "peer"),  # a member of her team
        ("Mia", ForbiddenError),  # herself: that is the self-assessment
        ("Olga", ForbiddenError),  # the manager of another team
        ("Alma", ForbiddenError),  # an organisation admin outside her team
        ("Otto", NotFoundError),  # outside the organisation
    ],
)
def test_who_may_rate_a_member(
    org: Organisation, rater: str, outcome: str | type[Exception]
) -> None:
    org.people["Alma"] = _admin_without_team(org)
    ratings = org.app.colleague_ratings
    mia, me = org.people["Mia"], org.people[rater]
    first = _competencies(org)[0]
    if isinstance(outcome, str):
        given = ratings.rate(me, org.id, mia.id, first, 3, note="Ran the pricing review")
        assert (given.level, given.evidence.note) == (3, "Ran the pricing review")
        assert ratings.sheet(me, org.id, mia.id).source == outcome
    else:
        with pytest.raises(outcome):
            ratings.rate(me, org.id, mia.id, first, 3)
        with pytest.raises(outcome):
            ratings.sheet(me, org.id, mia.id)


def test_a_member_does_not_rate_their_manager_as_a_peer(org: Organisation) -> None:
    with pytest.raises(ForbiddenError):
        org.app.colleague_ratings.rate(
            org.people["Mia"], org.id, org.people["Max"].id, _competencies(org)[0], 2
        )


# -- who may read Mia's ratings side by side ---------------------------------------------------


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
def test_who_may_read_the_ratings_side_by_side(
    org: Organisation, viewer: str, outcome: str | type[Exception]
) -> None:
    org.people["Alma"] = _admin_without_team(org)
    ratings = org.app.colleague_ratings
    mia = org.people["Mia"]
    ratings.rate(org.people["Max"], org.id, mia.id, _competencies(org)[0], 4)
    if outcome == "sees":
        found = ratings.side_by_side(org.people[viewer], org.id, mia.id)
        assert found.subject == "Mia"
        assert found.competencies[0].manager is not None
        assert found.competencies[0].manager.level == 4
    else:
        assert isinstance(outcome, type)
        with pytest.raises(outcome):
            ratings.side_by_side(org.people[viewer], org.id, mia.id)


def test_a_peer_sees_only_the_ratings_they_gave(org: Organisation) -> None:
    ratings = org.app.colleague_ratings
    mia, pat = org.people["Mia"], org.people["Pat"]
    first, second = _competencies(org)[:2]
    ratings.rate(org.people["Max"], org.id, mia.id, first, 4, note="manager's note")
    (quinn,) = _more_peers(org, "Quinn")
    ratings.rate(quinn, org.id, mia.id, first, 1, link="https://example.org/quinn")
    ratings.rate(pat, org.id, mia.id, second, 3, link="https://example.org/pats-doc")
    sheet = ratings.sheet(pat, org.id, mia.id)
    given = {c.competency: (c.level, c.evidence.link, c.evidence.note) for c in sheet.competencies}
    assert given[first] == (None, None, None)
    assert given[second] == (3, "https://example.org/pats-doc", None)
    assert sum(level is not None for level, _, _ in given.values()) == 1


def test_a_newer_rating_replaces_the_raters_older_one(org: Organisation) -> None:
    ratings = org.app.colleague_ratings
    mia, max_ = org.people["Mia"], org.people["Max"]
    first = _competencies(org)[0]
    ratings.rate(max_, org.id, mia.id, first, 2, note="first look")
    org.clock.now += timedelta(days=1)
    ratings.rate(max_, org.id, mia.id, first, 3)
    found = ratings.side_by_side(mia, org.id, mia.id).competencies[0].manager
    assert found is not None
    assert (found.level, found.evidence.note, found.rated_at) == (3, None, org.clock.now)


# -- peers: only in aggregate, and only from three ---------------------------------------------


def test_peer_ratings_show_as_a_median_only_once_three_peers_have_rated(
    org: Organisation,
) -> None:
    ratings = org.app.colleague_ratings
    mia, max_ = org.people["Mia"], org.people["Max"]
    first = _competencies(org)[0]
    peers = [org.people["Pat"], *_more_peers(org, "Quinn", "Rui")]
    for peer, level in zip(peers[:2], (1, 4), strict=True):
        ratings.rate(peer, org.id, mia.id, first, level)
    two = ratings.side_by_side(max_, org.id, mia.id).competencies[0].peers
    assert (two.count, two.median) == (None, None)  # not even how many
    ratings.rate(peers[2], org.id, mia.id, first, 3)
    three = ratings.side_by_side(max_, org.id, mia.id)
    assert (three.competencies[0].peers.count, three.competencies[0].peers.median) == (3, 3.0)
    # Nothing in the view names a peer or carries a peer's evidence.
    text = three.model_dump_json()
    assert not any(peer.name in text for peer in peers)
    assert all(c.manager is None for c in three.competencies)


def test_a_manager_rating_counts_as_the_managers_and_never_as_a_peers(
    org: Organisation,
) -> None:
    ratings = org.app.colleague_ratings
    mia = org.people["Mia"]
    first = _competencies(org)[0]
    ratings.rate(org.people["Max"], org.id, mia.id, first, 3)
    found = ratings.side_by_side(mia, org.id, mia.id).competencies[0]
    assert found.peers.count is None
    assert found.manager is not None
    assert found.manager.rater == "Max"


# -- the two-level flag ------------------------------------------------------------------------


def test_self_and_manager_two_levels_apart_are_flagged(org: Organisation) -> None:
    ratings = org.app.colleague_ratings
    mia, max_ = org.people["Mia"], org.people["Max"]  # Mia rated herself 2 everywhere
    first, second, third = _competencies(org)[:3]
    ratings.rate(max_, org.id, mia.id, first, 4)
    ratings.rate(max_, org.id, mia.id, second, 3)
    ratings.rate(max_, org.id, mia.id, third, 1)
    found = {c.competency: c for c in ratings.side_by_side(mia, org.id, mia.id).competencies}
    assert [found[c].self_level for c in (first, second, third)] == [2, 2, 2]
    assert [found[c].flagged for c in (first, second, third)] == [True, False, False]
    # Without a manager rating there is nothing to flag.
    assert not any(c.flagged for key, c in found.items() if key not in (first, second, third))


def test_a_gap_below_is_flagged_too(org: Organisation) -> None:
    ratings = org.app.colleague_ratings
    pat = org.people["Pat"]
    _self_assess(org.app, pat, level=4)
    first = _competencies(org)[0]
    ratings.rate(org.people["Max"], org.id, pat.id, first, 2)
    assert ratings.side_by_side(pat, org.id, pat.id).competencies[0].flagged


# -- the access log ----------------------------------------------------------------------------


def test_each_read_of_someone_elses_ratings_is_logged_and_nothing_else(
    org: Organisation,
) -> None:
    ratings = org.app.colleague_ratings
    mia = org.people["Mia"]
    org.clock.now += timedelta(hours=2)
    ratings.side_by_side(org.people["Max"], org.id, mia.id)
    ratings.side_by_side(mia, org.id, mia.id)  # her own
    ratings.rate(org.people["Pat"], org.id, mia.id, _competencies(org)[0], 2)  # a write
    ratings.sheet(org.people["Pat"], org.id, mia.id)  # his own ratings of her
    with pytest.raises(ForbiddenError):
        ratings.side_by_side(org.people["Pat"], org.id, mia.id)
    log = org.teams.access_log(org.people["Ada"], org.id)
    assert [(e.viewer, e.subject, e.what, e.at) for e in log.entries] == [
        ("Max", "Mia", "ratings", org.clock.now)
    ]


# -- the rubric and the input ------------------------------------------------------------------


def test_the_rubric_is_the_organisations_ladder_once_it_has_one(org: Organisation) -> None:
    ratings = org.app.colleague_ratings
    mia, max_ = org.people["Mia"], org.people["Max"]
    assert ratings.sheet(max_, org.id, mia.id).framework_id == org.app.framework.id
    org.teams.ladders.upload(org.people["Ada"], org.id, example_ladder_text(), "design.yaml")
    sheet = ratings.sheet(max_, org.id, mia.id)
    assert sheet.framework_id == "product-design"
    coaching = next(c for c in sheet.competencies if c.competency == "coaching")
    assert coaching.levels[0].behaviour
    ratings.rate(max_, org.id, mia.id, "coaching", 2)
    with pytest.raises(PmpathError, match="no competency"):
        ratings.rate(max_, org.id, mia.id, _competencies(org)[0], 2)


@pytest.mark.parametrize(
    ("level", "link", "note", "field"),
    [
        (0, None, None, "level"),
        (99, None, None, "level"),
        (2, "javascript:alert(1)", None, "link"),
        (2, "https://" + "a" * 500, None, "link"),
        (2, None, "n" * 2001, "note"),
    ],
)
def test_bad_ratings_are_refused_and_nothing_is_kept(
    org: Organisation, level: int, link: str | None, note: str | None, field: str
) -> None:
    ratings = org.app.colleague_ratings
    mia, max_ = org.people["Mia"], org.people["Max"]
    with pytest.raises(PmpathError) as refused:
        ratings.rate(max_, org.id, mia.id, _competencies(org)[0], level, link=link, note=note)
    assert refused.value.problems[0].location.field_path == (field,)
    assert all(c.level is None for c in ratings.sheet(max_, org.id, mia.id).competencies)


# -- asking to self-assess ---------------------------------------------------------------------


def test_a_request_is_open_until_the_member_self_assesses_after_it(org: Organisation) -> None:
    ratings = org.app.colleague_ratings
    mia, max_ = org.people["Mia"], org.people["Max"]
    due = org.clock().date() + timedelta(days=7)
    made = ratings.request_self_assessment(max_, org.growth, due, member_id=mia.id)
    assert [(r.member, r.due_on, r.done_at, r.requested_by) for r in made.requests] == [
        ("Mia", due, None, "Max")
    ]
    # Mia's self-assessment from before the request does not answer it.
    assert ratings.my_requests(mia).requests[0].done_at is None
    org.clock.now += timedelta(days=8)
    assert ratings.my_requests(mia).requests[0].overdue
    _self_assess(org.app, mia, level=3)
    (done,) = ratings.my_requests(mia).requests
    assert (done.done_at, done.overdue) == (org.clock.now, False)


def test_asking_the_whole_team_asks_each_member_and_each_sees_only_their_own(
    org: Organisation,
) -> None:
    ratings = org.app.colleague_ratings
    due = org.clock().date() + timedelta(days=3)
    made = ratings.request_self_assessment(org.people["Max"], org.growth, due)
    assert sorted(r.member for r in made.requests) == ["Mia", "Pat"]  # not the managers
    assert sorted(
        r.member for r in ratings.team_requests(org.people["Max"], org.growth).requests
    ) == [
        "Mia",
        "Pat",
    ]
    assert [r.member for r in ratings.team_requests(org.people["Pat"], org.growth).requests] == [
        "Pat"
    ]
    assert ratings.my_requests(org.people["Olga"]).requests == []
    again = ratings.request_self_assessment(
        org.people["Max"], org.growth, due, member_id=org.people["Mia"].id
    )
    assert [r.member for r in again.requests] == ["Mia"]  # only the new request
    assert len(ratings.team_requests(org.people["Max"], org.growth).requests) == 3


@pytest.mark.parametrize(
    ("asker", "outcome"),
    [
        ("Pat", ForbiddenError),  # a member
        ("Olga", ForbiddenError),  # another team's manager
        ("Otto", NotFoundError),  # an outsider
    ],
)
def test_who_may_not_ask(org: Organisation, asker: str, outcome: type[Exception]) -> None:
    due = org.clock().date() + timedelta(days=3)
    with pytest.raises(outcome):
        org.app.colleague_ratings.request_self_assessment(org.people[asker], org.growth, due)
    if asker == "Pat":  # a member sees his own requests: there are none
        assert org.app.colleague_ratings.team_requests(org.people[asker], org.growth).requests == []
    else:
        with pytest.raises(outcome):
            org.app.colleague_ratings.team_requests(org.people[asker], org.growth)
    assert org.app.colleague_ratings.team_requests(org.people["Max"], org.growth).requests == []


def test_a_request_needs_a_date_not_in_the_past_and_a_member_of_the_team(
    org: Organisation,
) -> None:
    ratings = org.app.colleague_ratings
    yesterday: date = org.clock().date() - timedelta(days=1)
    with pytest.raises(PmpathError, match="past"):
        ratings.request_self_assessment(org.people["Max"], org.growth, yesterday)
    with pytest.raises(PmpathError, match="member of this team"):
        ratings.request_self_assessment(
            org.people["Max"], org.growth, org.clock().date(), member_id=org.people["Olga"].id
        )


def test_who_may_act_is_checked_before_what_they_sent(org: Organisation) -> None:
    """An outsider's bad input is still "not found": the answer says nothing of the inside."""
    ratings = org.app.colleague_ratings
    otto, mia = org.people["Otto"], org.people["Mia"]
    with pytest.raises(NotFoundError):
        ratings.rate(otto, org.id, mia.id, "no-such-competency", 0)
    with pytest.raises(NotFoundError):
        ratings.request_self_assessment(otto, org.growth, date(2000, 1, 1))
    with pytest.raises(ForbiddenError):
        ratings.rate(org.people["Olga"], org.id, mia.id, "no-such-competency", 0)
