"""Promotion cases (issue #19): who opens, reads, edits and decides (the permission matrix),
the status flow and its errors, what the document assembles (every source, peers only as a
median from three, calibration, exams, gaps and plan) and the access log; on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from pmpath.errors import ConflictError, ForbiddenError, NotFoundError, PmpathError
from pmpath.services.promotions import MAX_TEXT, READ_CASE
from pmpath.store import calibration as calibration_store
from pmpath.store import organisations as org_store
from pmpath.store import promotions as promotion_store
from pmpath.store.tables import CalibrationAdjustmentRow
from tests.services.test_colleague_ratings import _admin_without_team, _more_peers
from tests.services.test_teams import Organisation, org

__all__ = ["org"]  # Acme Products: Ada (admin), Max manages Growth (Mia, Pat), Olga Payments

TARGET = "senior-product-manager"


def _open(org: Organisation, by: str = "Max", target: str = TARGET) -> int:
    return org.app.promotions.open(org.people[by], org.id, org.people["Mia"].id, target).id


def _submitted(org: Organisation) -> int:
    case = _open(org)
    promotions = org.app.promotions
    promotions.recommend(org.people["Max"], org.id, case, "Mia leads the pricing work.")
    promotions.submit(org.people["Max"], org.id, case)
    return case


def _log(org: Organisation) -> list[tuple[str, str, str]]:
    with org.app.database.read() as session:
        rows = org_store.access_log(session, org.id, 100)
        return [(row.viewer, row.subject, row.what) for row in rows]


# -- who opens a case for Mia ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opener", "outcome"),
    [
        ("Max", None),  # her team's manager
        ("Alma", None),  # an organisation admin outside her team
        ("Mia", ForbiddenError),  # herself
        ("Pat", ForbiddenError),  # a peer
        ("Olga", ForbiddenError),  # the manager of another team
        ("Otto", NotFoundError),  # outside the organisation
    ],
)
def test_who_opens_a_case(org: Organisation, opener: str, outcome: type[Exception] | None) -> None:
    org.people["Alma"] = _admin_without_team(org)
    promotions, me, mia = org.app.promotions, org.people[opener], org.people["Mia"]
    if outcome is None:
        case = promotions.open(me, org.id, mia.id, TARGET, "technical")
        assert (case.status, case.subject.name, case.author and case.author.name) == (
            "draft",
            "Mia",
            opener,
        )
        assert case.target_role.name == "Senior Product Manager"
        assert case.specialisation is not None
        assert case.specialisation.id == "technical"
        assert (case.may_edit, case.may_submit, case.may_decide) == (True, True, False)
    else:
        with pytest.raises(outcome):
            promotions.open(me, org.id, mia.id, TARGET)
        assert promotions.cases(org.people["Ada"], org.id).cases == []


def test_opening_names_the_field_that_is_wrong(org: Organisation) -> None:
    promotions, max_, mia = org.app.promotions, org.people["Max"], org.people["Mia"]
    with pytest.raises(PmpathError) as caught:
        promotions.open(max_, org.id, mia.id, "senoir-product-manager")
    assert caught.value.location.field_path == ("target_role",)
    assert "did you mean 'senior-product-manager'" in str(caught.value)
    with pytest.raises(PmpathError) as caught:
        promotions.open(max_, org.id, mia.id, "")
    assert caught.value.location.field_path == ("target_role",)
    with pytest.raises(PmpathError) as caught:
        promotions.open(max_, org.id, mia.id, TARGET, "astrology")
    assert caught.value.location.field_path == ("specialisation",)
    with pytest.raises(NotFoundError) as missing:  # Otto is not in the organisation
        promotions.open(max_, org.id, org.people["Otto"].id, TARGET)
    assert missing.value.location.field_path == ("member",)
    assert promotions.cases(org.people["Ada"], org.id).cases == []  # nothing was stored
    _open(org)
    with pytest.raises(ConflictError, match="already has an undecided case"):
        _open(org, by="Ada")
    assert len(promotions.cases(org.people["Ada"], org.id).cases) == 1


# -- who reads it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "draft", "submitted"),
    [
        ("Mia", NotFoundError, "sees"),  # her own, once submitted; her draft does not exist yet
        ("Max", "sees", "sees"),  # her team's manager (the author)
        ("Ada", "sees", "sees"),  # the organisation admin
        ("Pat", ForbiddenError, ForbiddenError),  # a peer, never
        ("Olga", ForbiddenError, ForbiddenError),  # the manager of another team
        ("Otto", NotFoundError, NotFoundError),  # outside the organisation
    ],
)
def test_who_reads_a_case(
    org: Organisation,
    viewer: str,
    draft: str | type[Exception],
    submitted: str | type[Exception],
) -> None:
    promotions, me = org.app.promotions, org.people[viewer]
    case = _open(org)
    for step, expected in enumerate((draft, submitted)):
        if expected == "sees":
            assert promotions.case(me, org.id, case).subject.name == "Mia"
            assert promotions.view(me, org.id, case).document.subject == "Mia"
        else:
            assert isinstance(expected, type)
            with pytest.raises(expected):
                promotions.case(me, org.id, case)
            with pytest.raises(expected):
                promotions.view(me, org.id, case)
        if step == 0:
            promotions.recommend(org.people["Max"], org.id, case, "Ready.")
            promotions.submit(org.people["Max"], org.id, case)


def test_the_list_shows_each_person_what_they_may_see(org: Organisation) -> None:
    promotions, people = org.app.promotions, org.people
    case = _open(org)
    listed = {name: promotions.cases(people[name], org.id) for name in ("Mia", "Pat", "Olga")}
    assert all(found.cases == [] for found in listed.values())
    assert [c.id for c in promotions.cases(people["Max"], org.id).cases] == [case]
    assert [c.id for c in promotions.cases(people["Ada"], org.id).cases] == [case]
    promotions.recommend(people["Max"], org.id, case, "Ready.")
    promotions.submit(people["Max"], org.id, case)
    assert [c.id for c in promotions.cases(people["Mia"], org.id).cases] == [case]
    assert promotions.cases(people["Pat"], org.id).cases == []
    assert promotions.cases(people["Olga"], org.id).cases == []
    with pytest.raises(NotFoundError):
        promotions.cases(people["Otto"], org.id)
    # whom each may open a case for
    assert [p.name for p in promotions.cases(people["Max"], org.id).may_open_for] == ["Mia", "Pat"]
    assert promotions.cases(people["Pat"], org.id).may_open_for == []
    assert promotions.cases(people["Olga"], org.id).may_open_for == []  # Payments is empty
    admin = {p.name for p in promotions.cases(people["Ada"], org.id).may_open_for}
    assert admin == {"Max", "Mia", "Pat", "Olga"}


def test_reads_of_someone_elses_case_are_logged(org: Organisation) -> None:
    case = _submitted(org)
    before = len(_log(org))
    org.app.promotions.view(org.people["Mia"], org.id, case)  # her own: not logged
    org.app.promotions.case(org.people["Mia"], org.id, case)
    assert len(_log(org)) == before
    org.app.promotions.view(org.people["Ada"], org.id, case)
    org.app.promotions.cases(org.people["Max"], org.id)
    log = _log(org)
    assert ("Ada", "Mia", READ_CASE) in log
    assert log.count(("Max", "Mia", READ_CASE)) >= 1
    assert len([e for e in log[: len(log) - before] if e[2] == READ_CASE]) == 2


# -- the status flow ---------------------------------------------------------------------------


def test_a_case_goes_from_draft_to_submitted_to_decided(org: Organisation) -> None:
    promotions, max_, ada = org.app.promotions, org.people["Max"], org.people["Ada"]
    case = _open(org)
    with pytest.raises(PmpathError) as caught:  # nothing written yet
        promotions.submit(max_, org.id, case)
    assert caught.value.location.field_path == ("recommendation",)
    with pytest.raises(PmpathError) as caught:
        promotions.recommend(max_, org.id, case, "x" * (MAX_TEXT + 1))
    assert caught.value.location.field_path == ("recommendation",)
    with pytest.raises(ConflictError, match="still a draft"):
        promotions.decide(ada, org.id, case, "promote", "Well argued.")
    edited = promotions.recommend(max_, org.id, case, "  Mia leads pricing.\r\nShe is ready.  ")
    assert edited.recommendation == "Mia leads pricing.\nShe is ready."
    with pytest.raises(ForbiddenError):  # the admin is not the author
        promotions.recommend(ada, org.id, case, "Something else")
    with pytest.raises(ForbiddenError):
        promotions.submit(ada, org.id, case)

    submitted = promotions.submit(max_, org.id, case)
    assert (submitted.status, submitted.may_edit) == ("submitted", False)
    assert submitted.submitted_at == org.clock()
    with pytest.raises(ConflictError):
        promotions.recommend(max_, org.id, case, "A late change")
    with pytest.raises(ConflictError):
        promotions.submit(max_, org.id, case)
    assert promotions.case(ada, org.id, case).may_decide is True
    assert promotions.case(max_, org.id, case).may_decide is False
    with pytest.raises(ForbiddenError, match="organisation admin"):
        promotions.decide(max_, org.id, case, "promote", "I agree with myself.")
    with pytest.raises(ForbiddenError):
        promotions.decide(org.people["Mia"], org.id, case, "promote", "Yes please.")
    with pytest.raises(PmpathError, match="choose Promote or Not yet") as caught:
        promotions.decide(ada, org.id, case, "maybe", "Hmm.")
    assert caught.value.location.field_path == ("decision",)
    with pytest.raises(PmpathError) as caught:
        promotions.decide(ada, org.id, case, "not-yet", "   ")
    assert caught.value.location.field_path == ("note",)
    unchanged = promotions.case(ada, org.id, case)
    assert (unchanged.status, unchanged.recommendation) == (
        "submitted",
        "Mia leads pricing.\nShe is ready.",
    )

    org.clock.now += timedelta(days=3)
    # the words the page shows are taken as well as the values: "Not yet" is "not-yet"
    decided = promotions.decide(ada, org.id, case, " Not  yet ", "Close: lead one more launch.")
    assert (decided.status, decided.decision, decided.decision_note) == (
        "decided",
        "not-yet",
        "Close: lead one more launch.",
    )
    assert decided.decided_by is not None
    assert decided.decided_by.name == "Ada"
    assert decided.decided_at == org.clock()
    assert decided.may_decide is False
    with pytest.raises(ConflictError, match="decided on"):
        promotions.decide(ada, org.id, case, "promote", "Changed my mind.")
    # decided: the member sees the decision; a new case for the role may be opened
    assert promotions.case(org.people["Mia"], org.id, case).decision == "not-yet"
    assert _open(org) != case


# -- the document ------------------------------------------------------------------------------


def test_the_document_has_every_source_and_never_a_single_peer(org: Organisation) -> None:
    app, people = org.app, org.people
    mia = people["Mia"]
    first, second, third = [c.id for c in app.framework.competencies[:3]]
    ratings = app.colleague_ratings
    ratings.rate(people["Max"], org.id, mia.id, first, 4, "https://example.org/pricing", "Led it")
    peers = [people["Pat"], *_more_peers(org, "Quinn", "Rosa")]
    for peer, level in zip(peers, (1, 3, 4), strict=True):
        ratings.rate(peer, org.id, mia.id, first, level, note=f"peer note by {peer.name}")
    for peer in peers[:2]:  # only two peers on the second: nothing of them shows
        ratings.rate(peer, org.id, mia.id, second, 1)
    with app.database.transaction() as session:
        calibration_store.add_adjustment(
            session,
            CalibrationAdjustmentRow(
                organisation_id=org.id,
                subject_id=mia.id,
                framework_id=app.framework.id,
                competency_id=third,
                role_id=None,
                from_level=2,
                to_level=3,
                reason="Her launch review showed level 3",
                adjusted_by=people["Ada"].id,
                adjusted_at=org.clock(),
            ),
        )
    case = _submitted(org)
    view = app.promotions.view(people["Ada"], org.id, case)
    doc = view.document
    rows = {c.competency: c for c in doc.competencies}
    assert rows[first].self_level == 2
    assert rows[first].manager is not None
    assert (rows[first].manager.level, rows[first].manager.evidence.note) == (4, "Led it")
    assert rows[first].flagged is True  # self 2, manager 4
    assert (rows[first].peers.count, rows[first].peers.median) == (3, 3)
    assert (rows[second].peers.count, rows[second].peers.median) == (None, None)
    assert rows[first].current is not None
    assert rows[first].current.source == "manager"
    assert rows[third].calibrated is not None
    assert rows[third].calibrated.by == "Ada"
    assert rows[third].current is not None
    assert (rows[third].current.level, rows[third].current.source) == (3, "calibrated")
    assert rows[second].current is not None
    assert rows[second].current.source == "self"
    assert [a.reason for a in doc.adjustments] == ["Her launch review showed level 3"]
    assert doc.exams.taken is False
    assert doc.exams.readiness == []
    assert doc.target.role.id == TARGET
    assert doc.gaps
    assert all(g.gap > 0 for g in doc.gaps)
    # the gaps read the current levels: the manager's 4 and the calibrated 3, not the self 2
    by_gap = {g.competency: g for g in doc.gaps}
    assert first not in by_gap or by_gap[first].current == 4
    assert third not in by_gap or by_gap[third].current == 3
    assert doc.plan.steps
    text = json.dumps(view.model_dump(mode="json"))
    for peer in peers:  # no peer's name, evidence or own rating anywhere
        assert peer.name not in text
        assert f"peer note by {peer.name}" not in text
    assert all(
        set(c["peers"]) == {"count", "median"} for c in json.loads(text)["document"]["competencies"]
    )


def test_a_member_without_ratings_or_exams_still_gets_a_document(org: Organisation) -> None:
    from tests.services.test_teams import _account, _join

    newcomer = _account(org.app, "Nia")
    _join(org.teams, org.people["Max"], org.growth, newcomer, "member")
    promotions = org.app.promotions
    case = promotions.open(org.people["Max"], org.id, newcomer.id, "product-manager").id
    doc = promotions.view(org.people["Max"], org.id, case).document
    assert doc.self_assessed_at is None
    assert all(c.current is None and c.self_level is None for c in doc.competencies)
    assert doc.exams.taken is False
    assert doc.gaps  # everything is still to show


def test_exams_show_as_tested_levels_and_readiness(org: Organisation) -> None:
    app, mia = org.app, org.people["Mia"]
    attempt = app.exams.start_practice(mia.profile, count=10, seed=5)
    app.exams.finish(attempt, mia.profile)
    case = _submitted(org)
    doc = app.promotions.view(org.people["Max"], org.id, case).document
    assert doc.exams.taken is True
    assert doc.exams.readiness
    assert doc.exams.min_answers is not None
    assert any(c.exam is not None for c in doc.competencies)


def test_a_user_object_from_another_organisation_finds_nothing(org: Organisation) -> None:
    case = _open(org)
    other = org.teams.create_organisation(org.people["Otto"], "Elsewhere")
    with pytest.raises(NotFoundError):
        org.app.promotions.case(org.people["Otto"], other.id, case)


# -- the document is frozen when the case is submitted ------------------------------------------


def _adjust(org: Organisation, competency: str, to_level: int, reason: str) -> None:
    with org.app.database.transaction() as session:
        calibration_store.add_adjustment(
            session,
            CalibrationAdjustmentRow(
                organisation_id=org.id,
                subject_id=org.people["Mia"].id,
                framework_id=org.app.framework.id,
                competency_id=competency,
                role_id=None,
                from_level=None,
                to_level=to_level,
                reason=reason,
                adjusted_by=org.people["Ada"].id,
                adjusted_at=org.clock(),
            ),
        )


def test_a_submitted_case_keeps_the_document_it_was_submitted_with(org: Organisation) -> None:
    app, people = org.app, org.people
    promotions, ada, max_, mia = app.promotions, people["Ada"], people["Max"], people["Mia"]
    first, second = [c.id for c in app.framework.competencies[:2]]
    case = _open(org)
    draft = promotions.view(max_, org.id, case)
    assert draft.frozen is False
    app.colleague_ratings.rate(max_, org.id, mia.id, first, 3, note="Ran discovery")
    redrawn = promotions.view(max_, org.id, case)  # a draft reads what is held now
    row = {c.competency: c for c in redrawn.document.competencies}[first]
    assert row.current is not None
    assert (row.current.level, row.current.source) == (3, "manager")

    org.clock.now += timedelta(hours=2)
    promotions.recommend(max_, org.id, case, "Mia runs discovery.")
    submitted_at = org.clock()
    promotions.submit(max_, org.id, case)
    as_submitted = promotions.view(ada, org.id, case)
    assert as_submitted.frozen is True
    assert as_submitted.document.assembled_at == submitted_at
    before = {c.competency: c for c in as_submitted.document.competencies}
    assert before[first].current is not None
    assert before[first].current.level == 3
    assert before[second].calibrated is None

    # Later: a calibration moves one level, the manager rates another; the decider still reads
    # the case as it was submitted, on any day, and so does Mia.
    org.clock.now += timedelta(days=2)
    _adjust(org, first, 5, "The pricing launch showed level 5")
    app.colleague_ratings.rate(max_, org.id, mia.id, second, 5, note="Leads the team's planning")
    for reader in (ada, max_, mia):
        again = promotions.view(reader, org.id, case)
        assert again.frozen is True
        assert again.document == as_submitted.document
    org.clock.now += timedelta(days=1)
    promotions.decide(ada, org.id, case, "promote", "The submitted evidence is clear.")
    decided = promotions.view(mia, org.id, case)
    assert (decided.case.status, decided.case.decision) == ("decided", "promote")
    assert decided.frozen is True
    assert decided.document == as_submitted.document
    assert decided.document.adjustments == []

    # A new draft is assembled from today's levels: the calibrated 5 and the manager's 5.
    fresh = promotions.view(max_, org.id, _open(org))
    assert fresh.frozen is False
    now = {c.competency: c for c in fresh.document.competencies}
    assert now[first].current is not None
    assert (now[first].current.level, now[first].current.source) == (5, "calibrated")
    assert now[second].current is not None
    assert (now[second].current.level, now[second].current.source) == (5, "manager")
    assert [a.reason for a in fresh.document.adjustments] == ["The pricing launch showed level 5"]
    assert fresh.document.assembled_at == org.clock()


def test_a_refused_submit_freezes_nothing(org: Organisation) -> None:
    promotions, max_ = org.app.promotions, org.people["Max"]
    case = _open(org)
    with pytest.raises(PmpathError):  # nothing written yet
        promotions.submit(max_, org.id, case)
    with pytest.raises(ForbiddenError):  # not the author
        promotions.submit(org.people["Ada"], org.id, case)
    view = promotions.view(max_, org.id, case)
    assert (view.case.status, view.frozen) == ("draft", False)
    with org.app.database.read() as session:
        row = promotion_store.case(session, org.id, case)
        assert row is not None
        assert row.snapshot is None
