"""Rater calibration for an organisation (issue #19): who sees severities, sessions and the audit
trail; adjustments need a reason, record the level shown before and become the current level;
the many-facet model through the service recovers simulated severities; data that cannot
support the model is said so, not raised; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from pmpath.errors import ForbiddenError, NotFoundError, PmpathError
from pmpath.psychometrics.rater_simulation import simulate_ratings
from pmpath.psychometrics.raters import calibrate_raters
from pmpath.services.accounts import User
from pmpath.services.calibration_sessions import (
    MODEL_UNAVAILABLE_FOR_MANAGERS,
    READ_SESSION,
    READ_SEVERITIES,
    adjusted_words,
)
from pmpath.services.current_levels import current_levels
from pmpath.services.rater_model import FLAG_NOTES, plain_severity, shown_flags
from pmpath.store import organisations as org_store
from pmpath.store.tables import ColleagueRatingRow
from tests.services.test_teams import Organisation, _account, _join, _self_assess, org

__all__ = ["org"]  # Acme Products: Ada admin; Max manages Growth (Mia, Pat); Olga Payments

#: Largest error allowed between a simulated rater's true severity and the one the service
#: reports: the recovery test's tolerance on the same design (tests/psychometrics/test_raters).
RECOVERY_TOLERANCE = 0.25


def _competencies(org: Organisation) -> list[str]:
    return [c.id for c in org.app.framework.competencies]


def _rate_all(org: Organisation, rater: User, subject: User, base: int) -> None:
    """``rater`` rates every competency of ``subject``: levels around ``base``, varied."""
    for n, competency in enumerate(_competencies(org)):
        level = min(5, max(1, base + (n % 3) - 1))
        org.app.colleague_ratings.rate(rater, org.id, subject.id, competency, level)


def _role_of(org: Organisation, person: str) -> str:
    """The role ``person``'s newest self-assessment places them at."""
    service, ada = org.app.calibration_sessions, org.people["Ada"]
    for role in service.session(ada, org.id).roles:
        if role.placed and any(
            p.name == person for p in service.session(ada, org.id, role.id).people
        ):
            return role.id
    raise AssertionError(f"{person} is placed nowhere")


# -- who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "outcome"),
    [
        ("Ada", "organisation"),  # the organisation admin
        ("Max", "teams"),  # Mia's manager
        ("Olga", "teams"),  # another team's manager: sees only her own team (nobody yet)
        ("Mia", ForbiddenError),  # a member
        ("Otto", NotFoundError),  # outside the organisation
    ],
)
def test_who_may_open_severities_sessions_and_the_audit_trail(
    org: Organisation, viewer: str, outcome: str | type[Exception]
) -> None:
    service = org.app.calibration_sessions
    me = org.people[viewer]
    role = _role_of(org, "Mia")
    if isinstance(outcome, str):
        found = service.session(me, org.id, role)
        assert found.scope == outcome
        names = {person.name for person in found.people}
        assert names == {"Mia", "Pat"} if viewer in ("Ada", "Max") else names == set()
        assert service.severities(me, org.id).scope == outcome
        assert service.audit(me, org.id).scope == outcome
    else:
        for call in (
            lambda: service.session(me, org.id, role),
            lambda: service.severities(me, org.id),
            lambda: service.audit(me, org.id),
        ):
            with pytest.raises(outcome):
                call()


@pytest.mark.parametrize(
    ("adjuster", "subject", "outcome"),
    [
        ("Ada", "Mia", None),
        ("Max", "Mia", None),
        ("Olga", "Mia", ForbiddenError),  # another team's manager
        ("Pat", "Mia", ForbiddenError),  # a peer
        ("Max", "Max", ForbiddenError),  # nobody calibrates themselves
        ("Otto", "Mia", NotFoundError),
        ("Ada", "Otto", NotFoundError),  # not a member
    ],
)
def test_who_may_adjust(
    org: Organisation, adjuster: str, subject: str, outcome: type[Exception] | None
) -> None:
    service = org.app.calibration_sessions
    first = _competencies(org)[0]
    me, whom = org.people[adjuster], org.people[subject]
    if outcome is None:
        made = service.adjust(me, org.id, whom.id, first, 3, "Led the Q3 pricing work")
        assert (made.by, made.subject, made.from_level, made.to_level) == (adjuster, subject, 2, 3)
    else:
        with pytest.raises(outcome):
            service.adjust(me, org.id, whom.id, first, 3, "a reason")
        assert service.audit(org.people["Ada"], org.id).entries == []


# -- adjustments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("competency", "level", "reason", "field"),
    [
        (None, 3, "", "reason"),
        (None, 3, "   \n ", "reason"),
        (None, 3, "x" * 1001, "reason"),
        (None, 6, "a reason", "level"),
        (None, 0, "a reason", "level"),
        ("no-such-competency", 3, "a reason", "competency"),
    ],
)
def test_a_bad_adjustment_names_its_field_and_changes_nothing(
    org: Organisation, competency: str | None, level: int, reason: str, field: str
) -> None:
    service = org.app.calibration_sessions
    ada, mia = org.people["Ada"], org.people["Mia"]
    with pytest.raises(PmpathError) as raised:
        service.adjust(ada, org.id, mia.id, competency or _competencies(org)[0], level, reason)
    assert not isinstance(raised.value, (ForbiddenError, NotFoundError))
    assert raised.value.location.field_path == (field,)
    assert service.audit(ada, org.id).entries == []


def test_a_session_on_a_missing_role_is_not_found_and_an_adjustment_names_its_field(
    org: Organisation,
) -> None:
    service = org.app.calibration_sessions
    ada, mia = org.people["Ada"], org.people["Mia"]
    with pytest.raises(NotFoundError, match="there is no role astronaut"):
        service.session(ada, org.id, "astronaut")
    with pytest.raises(PmpathError) as raised:
        service.adjust(ada, org.id, mia.id, _competencies(org)[0], 3, "why", role_id="astronaut")
    assert raised.value.location.field_path == ("role",)


def test_an_adjustment_becomes_the_current_level_with_the_level_shown_before(
    org: Organisation,
) -> None:
    service = org.app.calibration_sessions
    ada, max_, mia = org.people["Ada"], org.people["Max"], org.people["Mia"]
    first, second = _competencies(org)[:2]
    org.app.colleague_ratings.rate(max_, org.id, mia.id, first, 4)
    role = _role_of(org, "Mia")
    before = service.session(ada, org.id, role)
    (mia_row,) = [p for p in before.people if p.name == "Mia"]
    cell = mia_row.cells[0]
    assert cell.current is not None
    assert (cell.current.level, cell.current.source) == (4, "manager")
    assert (cell.manager_level, cell.self_level) == (4, 2)
    org.clock.now += timedelta(hours=1)
    made = service.adjust(ada, org.id, mia.id, first, 3, "  Strong, but not yet at 4  ", role)
    assert (made.from_level, made.to_level, made.reason) == (4, 3, "Strong, but not yet at 4")
    assert made.role_name == before.role_name
    rubric = org.app.colleague_ratings.rubric(org.id)
    levels = current_levels(org.app.database, rubric, org.id, [mia.id], org.clock)[mia.id]
    assert (levels[first].level, levels[first].source, levels[first].at) == (
        3,
        "calibrated",
        org.clock.now,
    )
    assert levels[second].source == "self"
    after = service.session(ada, org.id, role)
    (mia_row,) = [p for p in after.people if p.name == "Mia"]
    assert mia_row.cells[0].current is not None
    assert (mia_row.cells[0].current.level, mia_row.cells[0].current.source) == (3, "calibrated")
    assert mia_row.cells[0].manager_level == 4  # the rating itself is kept


def test_the_audit_trail_is_newest_first_and_a_new_adjustment_supersedes(
    org: Organisation,
) -> None:
    service = org.app.calibration_sessions
    ada, max_, mia, pat = (org.people[n] for n in ("Ada", "Max", "Mia", "Pat"))
    first = _competencies(org)[0]
    service.adjust(ada, org.id, mia.id, first, 3, "first")
    org.clock.now += timedelta(minutes=5)
    service.adjust(max_, org.id, pat.id, first, 1, "second")
    org.clock.now += timedelta(minutes=5)
    service.adjust(ada, org.id, mia.id, first, 4, "third")
    trail = service.audit(ada, org.id).entries
    assert [(e.reason, e.by, e.subject, e.from_level, e.to_level) for e in trail] == [
        ("third", "Ada", "Mia", 3, 4),
        ("second", "Max", "Pat", 2, 1),
        ("first", "Ada", "Mia", 2, 3),
    ]
    assert [e.at for e in trail] == sorted((e.at for e in trail), reverse=True)
    assert adjusted_words(trail[0]) == (
        "Set Mia's level in "
        f"{trail[0].competency_name} to 4 (it was 3). The reason is in the audit trail."
    )
    kept = service.adjust(ada, org.id, mia.id, first, 4, "fourth: agreed, no change")
    assert adjusted_words(kept).startswith(f"Confirmed Mia's level in {kept.competency_name} at 4.")
    assert service.audit(ada, org.id).entries[0].reason == "fourth: agreed, no change"
    rubric = org.app.colleague_ratings.rubric(org.id)
    levels = current_levels(org.app.database, rubric, org.id, [mia.id], org.clock)
    assert levels[mia.id][first].level == 4
    # Olga manages no one adjusted: her trail is empty; Max sees his team's.
    assert service.audit(org.people["Olga"], org.id).entries == []
    assert len(service.audit(max_, org.id).entries) == 4


def test_reads_of_others_are_logged(org: Organisation) -> None:
    service = org.app.calibration_sessions
    max_ = org.people["Max"]
    service.session(max_, org.id, _role_of(org, "Mia"))
    service.severities(max_, org.id)  # no model: nothing of anyone shown, nothing logged
    with org.app.database.read() as session:
        rows = org_store.access_log(session, org.id, 50)
    logged = sorted((row.viewer, row.subject, row.what) for row in rows if row.viewer == "Max")
    assert logged == [("Max", "Mia", READ_SESSION), ("Max", "Pat", READ_SESSION)]


# -- the model ------------------------------------------------------------------------------------


def test_without_enough_ratings_the_model_says_why_and_nothing_breaks(
    org: Organisation,
) -> None:
    service = org.app.calibration_sessions
    ada, max_ = org.people["Ada"], org.people["Max"]
    found = service.severities(ada, org.id)
    assert not found.model.available
    assert (
        found.model.reason == "Not enough data for the model yet: there are no ratings to calibrate"
    )
    assert (found.raters, found.adjusted) == ([], [])
    org.app.colleague_ratings.rate(max_, org.id, org.people["Mia"].id, _competencies(org)[0], 3)
    found = service.severities(ada, org.id)
    assert not found.model.available
    assert found.model.reason is not None
    assert "Max (manager)" in found.model.reason  # names the rater, by name
    manager_view = service.severities(max_, org.id)
    assert manager_view.model.reason == MODEL_UNAVAILABLE_FOR_MANAGERS
    session = service.session(ada, org.id, _role_of(org, "Mia"))
    assert not session.model.available
    assert all(cell.model is None for person in session.people for cell in person.cells)


def test_managers_selves_and_pooled_peers_are_the_raters(org: Organisation) -> None:
    service = org.app.calibration_sessions
    ada, max_, mia, pat = (org.people[n] for n in ("Ada", "Max", "Mia", "Pat"))
    quinn, rosa = _account(org.app, "Quinn"), _account(org.app, "Rosa")
    for person in (quinn, rosa):
        _join(org.teams, max_, org.growth, person, "member")
    _self_assess(org.app, quinn, level=3)
    for subject, base in ((mia, 4), (pat, 3), (quinn, 2)):
        _rate_all(org, max_, subject, base)
    for peer in (pat, quinn, rosa):  # three peers rate Mia: pooled into one rater
        _rate_all(org, peer, mia, 5)
    _rate_all(org, mia, pat, 4)  # one peer rates Pat: not enough to pool, left out
    found = service.severities(ada, org.id)
    assert found.model.available, found.model.reason
    kinds = {(r.kind, r.name) for r in found.raters}
    assert kinds == {
        ("manager", "Max"),
        ("peers", "Peers (pooled)"),
        ("self", "Mia"),
        ("self", "Pat"),
        ("self", "Quinn"),
    }
    by_name = {(r.kind, r.name): r for r in found.raters}
    # Mia rates herself at 2 where Max gives her about 4: a harsh self-rater; the peers who
    # give her about 5 are lenient.
    assert by_name[("self", "Mia")].severity > 0
    assert "harsher" in by_name[("self", "Mia")].plain
    assert by_name[("peers", "Peers (pooled)")].severity < 0
    assert "more leniently" in by_name[("peers", "Peers (pooled)")].plain
    assert found.model.people == 3  # Rosa was rated by nobody
    assert {a.name for a in found.adjusted} == {"Mia", "Pat", "Quinn"}
    for level in found.adjusted:
        assert 1 <= level.low <= level.expected <= level.high <= 5
    # A manager sees only their own severity, and their team's adjusted levels.
    mine = service.severities(max_, org.id)
    assert [(r.kind, r.name) for r in mine.raters] == [("manager", "Max")]
    assert {a.name for a in mine.adjusted} == {"Mia", "Pat", "Quinn"}
    assert service.severities(org.people["Olga"], org.id).adjusted == []
    # The session shows the model's estimate beside the current level.
    session = service.session(ada, org.id, _role_of(org, "Mia"))
    (mia_row,) = [p for p in session.people if p.name == "Mia"]
    assert mia_row.cells[0].model is not None
    with org.app.database.read() as db:
        logged = {
            (row.viewer, row.subject)
            for row in org_store.access_log(db, org.id, 100)
            if row.what == READ_SEVERITIES
        }
    assert ("Ada", "Mia") in logged
    assert ("Max", "Quinn") in logged


def test_the_service_recovers_simulated_severities(org: Organisation) -> None:
    """The recovery design of tests/psychometrics/test_raters.py (40 people, 12 competencies,
    6 managers with true severities evenly spread over [-1, 1] logits, 3 raters a person on
    every competency, 5 levels), stored as ratings and read back through the service."""
    ada = org.people["Ada"]
    data = simulate_ratings(
        40, 12, np.linspace(-1.0, 1.0, 6), raters_per_person=3, levels=5, seed=2026
    )
    people = {f"p{n}": _account(org.app, f"Person {n:02d}") for n in range(40)}
    raters = {f"r{n}": _account(org.app, f"Manager {n}") for n in range(6)}
    competencies = {f"c{n}": cid for n, cid in enumerate(_competencies(org)[:12])}
    with org.app.database.transaction() as session:
        for user in [*people.values(), *raters.values()]:
            org_store.join_organisation(session, org.id, user.id, "member", org.clock())
        session.add_all(
            ColleagueRatingRow(
                organisation_id=org.id,
                subject_id=people[r.person].id,
                rater_id=raters[r.rater].id,
                source="manager",
                framework_id=org.app.framework.id,
                framework_version=org.app.framework.version,
                competency_id=competencies[r.competency],
                level=r.level,
                rated_at=org.clock(),
            )
            for r in data.ratings
        )
    found = org.app.calibration_sessions.severities(ada, org.id)
    assert found.model.available, found.model.reason
    assert (found.model.ratings, found.model.raters, found.model.people) == (1440, 6, 40)
    reported = {r.user_id: r for r in found.raters}
    estimated = np.array([reported[raters[f"r{n}"].id].severity for n in range(6)])
    errors = np.abs(estimated - data.severities)
    assert errors.max() <= RECOVERY_TOLERANCE
    # The same maximum as the model on the raw simulated ratings.
    direct = calibrate_raters(data.ratings, 5)
    assert np.allclose(estimated, [direct.severity(f"r{n}").severity for n in range(6)], atol=1e-4)
    assert "more leniently" in reported[raters["r0"].id].plain
    assert "harsher" in reported[raters["r5"].id].plain
    assert all(r.flags == [] for r in found.raters)
    assert len(found.adjusted) == 40 * 12


@pytest.mark.parametrize(
    ("effect", "clear", "words"),
    [
        (0.05, True, "rates about the same as the average rater"),
        (0.5, True, "rates about half a level harsher than the average rater"),
        (-0.3, True, "rates about a quarter of a level more leniently than the average rater"),
        (1.1, True, "rates about one level harsher than the average rater"),
        (-1.6, True, "rates about 1.5 levels more leniently than the average rater"),
    ],
)
def test_severity_in_plain_words(effect: float, clear: bool, words: str) -> None:
    assert plain_severity(effect, clear) == words


def test_an_unclear_severity_says_so() -> None:
    assert plain_severity(0.5, False).endswith(
        "(not yet clearly different from average: too few ratings to be sure)"
    )


@pytest.mark.parametrize(
    ("flags", "ratings", "shown"),
    [
        # 3, 3, 1 from three ratings is not "the same level across the board": on fewer than
        # 10 ratings a fit statistic is noise, so only the few-ratings note is shown.
        (("too_predictable", "few_ratings"), 3, ["few_ratings"]),
        (("erratic", "few_ratings"), 9, ["few_ratings"]),
        # What is plainly so on any number of ratings stays.
        (
            ("same_level_every_time", "too_predictable", "few_ratings"),
            4,
            ["same_level_every_time", "few_ratings"],
        ),
        # From 10 ratings on, the fit flags are shown.
        (("erratic",), 10, ["erratic"]),
        (
            ("same_level_every_time", "too_predictable"),
            20,
            ["same_level_every_time", "too_predictable"],
        ),
    ],
)
def test_fit_flags_need_ten_ratings(flags: tuple[str, ...], ratings: int, shown: list[str]) -> None:
    assert shown_flags(flags, ratings) == shown
    assert all(flag in FLAG_NOTES for flag in shown)
