"""The profile: self-rated and tested levels side by side with what to do where they disagree,
readiness only with evidence behind it, a plan that fits the person, levels as bars for phones,
names instead of ids, and no command-line instructions."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.assessment import Rating, SelfAssessment
from pmpath.services.dashboard import compare
from pmpath.services.guidance import guidance
from pmpath.services.models.psychometrics import PlacementResult
from tests.conftest import as_shown, right_answer
from tests.services.test_exams import wrong_authored
from tests.web.conftest import profile_of, sign_up


def visible(page: str) -> str:
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def assess(context: Pmpath, profile: str, role_id: str, **intake: Any) -> SelfAssessment:
    """A finished self-assessment rating every competency at what ``role_id`` expects."""
    fw = context.framework
    role = fw.role(role_id)
    ratings = {
        c.id: Rating(c.id, role.expectations[c.id].level if c.id in role.expectations else 1)
        for c in fw.competencies
    }
    assessment = SelfAssessment(ratings, **intake)
    context.assessments.record(profile, assessment)
    return assessment


def take_placement(context: Pmpath, profile: str, right: bool) -> PlacementResult:
    """A placement test answered all right or all wrong."""
    irt = context.psychometrics
    view = irt.start_placement(profile, seed=5)
    while not view.finished:
        question = view.question
        item = irt.bank.item(question.item_id)
        response = (
            right_answer(item, question)
            if right
            else as_shown(item, question, wrong_authored(item))
        )
        view = irt.answer_placement(view.attempt_id, profile, response)
    return view


def signed_up_with(client: TestClient, context: Pmpath) -> str:
    sign_up(client)
    return profile_of(context, "ana@example.org")


def test_self_rated_and_tested_disagree_and_the_page_says_what_to_do(
    client: TestClient, context: Pmpath
) -> None:
    profile = signed_up_with(client, context)
    assess(context, profile, "product-manager", current_role="product-manager")
    tested = take_placement(context, profile, right=False)
    text = visible(client.get("/profile").text)
    assert "Self-rated and tested" in text
    assert "Your self-assessment Product Manager (Mid-career)" in text
    stage = {s.id: s.name for s in context.framework.stages}[tested.overall.level]
    assert f"Placement test {stage}" in text
    assert (
        "Your self-assessment places you as Product Manager; the placement test put you at "
        f"{stage.lower()}" in text
    )
    assert "The test covers knowledge only" in text
    assert "take the mock exam “Product Manager readiness”" in text
    weakest = sorted(tested.domains.values(), key=lambda d: d.theta)[:2]
    assert f"practise {weakest[0].name} and {weakest[1].name}" in text
    # Per competency, where the answers point lower than the self-rating.
    assert "Your answers point lower than your own rating on" in text
    assert "▼ answers lower" in text


def test_agreeing_levels_say_so_without_advice(client: TestClient, context: Pmpath) -> None:
    profile = signed_up_with(client, context)
    tested = take_placement(context, profile, right=False)
    assert tested.overall.level_range[0] == "entry"
    # Rated exactly as a Product Associate (an entry role), where the all-wrong test puts them.
    assess(context, profile, "product-associate")
    found = guidance(context.framework, context.assessments.latest(profile).assessment)
    assert found.placement.role.stage == "entry"
    text = visible(client.get("/profile").text)
    assert "They agree: the placement test's range includes Entry level" in text
    assert "the placement test put you at" not in text


def test_without_a_placement_test_the_profile_offers_one(
    client: TestClient, context: Pmpath
) -> None:
    profile = signed_up_with(client, context)
    assess(context, profile, "product-manager")
    page = client.get("/profile").text
    assert '<a href="/placement">Take the placement test</a>' in page
    assert "The test covers knowledge only" not in visible(page)


def test_compare_puts_a_test_above_the_self_rating_as_too_modest(context: Pmpath) -> None:
    profile = "modest"
    tested = take_placement(context, profile, right=True)
    low = SelfAssessment({c.id: Rating(c.id, 1) for c in context.framework.competencies})
    found = guidance(context.framework, low, None, context.evidence(profile))
    result = compare(context.framework, found, tested, context.blueprints)
    assert result.level is not None
    assert result.level.agreement == "test-higher"
    assert any("too modestly" in said for said in result.advice)
    assert any(row.agreement == "test-higher" for row in result.competencies)
    assert any("Your answers point higher" in said for said in result.advice)


def test_readiness_on_the_profile_needs_evidence(client: TestClient, context: Pmpath) -> None:
    profile = signed_up_with(client, context)
    assess(context, profile, "product-manager")
    text = visible(client.get("/profile").text)
    assert text.count("Not enough answers yet") == len(context.blueprints)
    take_placement(context, profile, right=True)
    readiness = context.psychometrics.readiness(profile)
    text = visible(client.get("/profile").text)
    assert text.count("Not enough answers yet") == sum(
        not e.enough_evidence for e in readiness.exams
    )


def test_a_product_managers_plan_has_no_steps_into_product(
    client: TestClient, context: Pmpath
) -> None:
    profile = signed_up_with(client, context)
    fw = context.framework
    # A PM who rates themselves at the floor: the plan would otherwise start with shadowing.
    low = {c.id: Rating(c.id, 1) for c in fw.competencies}
    context.assessments.record(
        profile,
        SelfAssessment(low, background="marketing", current_role="product-manager"),
    )
    text = visible(client.get("/profile").text)
    assert "Shadow a product manager" not in text
    assert "First, the move into product" not in text
    assert "Growth plan" in text


def test_a_career_switchers_plan_starts_with_the_move_into_product(
    client: TestClient, context: Pmpath
) -> None:
    profile = signed_up_with(client, context)
    low = {c.id: Rating(c.id, 1) for c in context.framework.competencies}
    context.assessments.record(profile, SelfAssessment(low, background="marketing"))
    text = visible(client.get("/profile").text)
    assert "First, the move into product" in text
    assert "Shadow a product manager" in text


def test_the_profile_shows_names_not_ids(client: TestClient, context: Pmpath) -> None:
    profile = signed_up_with(client, context)
    assess(context, profile, "associate-product-manager", current_role="product-coordinator")
    take_placement(context, profile, right=False)
    text = visible(client.get("/profile").text)
    fw = context.framework
    # Ids that are not also plain English ("mid-career" PMs, "cross-functional" work).
    ids = {c.id for c in fw.competencies} | {a.id for a in fw.development_actions}
    ids |= {r.id for r in fw.roles} | {c.id for c in fw.certifications}
    leaked = sorted(i for i in ids if "-" in i and i in text)
    kinds = {a.kind.value for a in fw.development_actions} | {
        c.kind.value for c in fw.certifications
    }
    leaked += sorted(f"({kind})" for kind in kinds if f"({kind})" in text)
    assert leaked == []
    assert "Suggested track: individual contributor." in text
    assert "(Stretch project)" in text or "(Shadowing)" in text or "(Course)" in text


def test_levels_are_also_bars_with_values_for_narrow_screens(
    client: TestClient, context: Pmpath
) -> None:
    profile = signed_up_with(client, context)
    assess(context, profile, "product-manager")
    page = client.get("/profile").text
    bars = page.split('<ul class="level-bars"', 1)[1].split("</ul>", 1)[0]
    found = guidance(context.framework, context.assessments.latest(profile).assessment)
    assert bars.count("<li>") == len(found.gaps)
    first = sorted(found.gaps, key=lambda g: g.name)[0]
    assert f"You {first.current}</span>" in bars
    assert f"Expected {first.expected}</span>" in bars
    assert '<figure class="chart radar-wide">' in page


def test_no_command_line_instructions_without_an_assessment(
    client: TestClient, context: Pmpath
) -> None:
    sign_up(client)
    empty = client.get("/profile").text
    assert "pmpath assess" not in empty
    assert '<a class="button" href="/assess">Take the self-assessment</a>' in empty
    report = client.get("/report", follow_redirects=False)
    assert report.status_code == 303
    assert report.headers["location"] == "/profile"
    assert "pmpath " not in visible(client.get("/report").text)


def test_an_assessment_from_framework_1_0_says_so_and_invites_a_new_one(
    client: TestClient, context: Pmpath
) -> None:
    from sqlalchemy import update

    from pmpath.store.tables import AssessmentRow

    profile = signed_up_with(client, context)
    assess(context, profile, "product-manager")
    fresh = visible(client.get("/profile").text)
    assert "Measured on framework" not in fresh
    # As migration 0008 leaves an assessment taken before the ladder's 2.0.
    with context.database.transaction() as session:
        session.execute(update(AssessmentRow).values(framework_version="1.0"))
    page = visible(client.get("/profile").text)
    assert "Measured on framework 1.0: its ratings were carried over" in page
    assert "Take the self-assessment again" in page
