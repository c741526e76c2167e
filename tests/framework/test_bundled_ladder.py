"""The bundled ladder encodes everything the seed document names."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmpath.framework import Framework, Track, bundled_framework_path, load_framework

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "product-manager-career-path.txt"


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework(bundled_framework_path())


def test_every_role_the_seed_names(fw: Framework) -> None:
    assert [(role.name, role.stage, role.track) for role in fw.roles] == [
        ("Product Associate", "entry", Track.BOTH),
        ("Junior Product Analyst", "entry", Track.BOTH),
        ("Product Coordinator", "entry", Track.BOTH),
        ("Junior Product Manager", "early-career", Track.BOTH),
        ("Associate Product Manager", "early-career", Track.BOTH),
        ("Product Manager", "mid-career", Track.BOTH),
        ("Senior Product Manager", "senior", Track.BOTH),
        ("Group Product Manager", "leadership", Track.PEOPLE_LEADER),
        ("Principal Product Manager", "leadership", Track.INDIVIDUAL_CONTRIBUTOR),
        ("Director of Product Management", "leadership", Track.PEOPLE_LEADER),
        ("Vice President of Product", "executive", Track.PEOPLE_LEADER),
        ("Chief Product Officer", "executive", Track.PEOPLE_LEADER),
    ]


def test_every_stage_in_order_with_advice(fw: Framework) -> None:
    assert [stage.id for stage in fw.stages] == [
        "entry",
        "early-career",
        "mid-career",
        "senior",
        "leadership",
        "executive",
        "beyond-product",
    ]
    assert all(len(stage.preparation) >= 4 for stage in fw.stages)


def test_every_exit(fw: Framework) -> None:
    assert {exit_.id for exit_ in fw.exits} == {
        "general-management",
        "startup-founder",
        "venture-capital",
        "consulting-advisory",
    }
    assert all(exit_.stage == "beyond-product" for exit_ in fw.exits)


@pytest.mark.parametrize(
    "skill",
    [
        "analytical-thinking",
        "communication-and-collaboration",
        "influence-without-authority",
        "customer-empathy",
        "adaptability-and-curiosity",
        "prioritisation",
        "strategic-thinking",
        "leadership",
        "execution-excellence",
        "vision-setting",
        "organisational-leadership",
        "stakeholder-management",
        "data-driven-decision-making",
        "innovation-and-risk-management",
        "mentorship-and-team-development",
        "business-and-financial-acumen",
        "storytelling-and-persuasion",
    ],
)
def test_every_skill_the_seed_names_has_five_distinct_behaviours(fw: Framework, skill: str) -> None:
    behaviours = fw.competency(skill).behaviours
    assert sorted(behaviours) == [1, 2, 3, 4, 5]
    assert len(set(behaviours.values())) == 5


def test_every_background_the_seed_names(fw: Framework) -> None:
    ids = {bg.id for bg in fw.backgrounds}
    assert {
        "software-engineering",
        "design",
        "marketing",
        "project-management",
        "finance",
        "consulting",
        "operations",
    } <= ids


@pytest.mark.parametrize(
    ("background", "strength"),
    [
        ("software-engineering", "technical-fluency"),
        ("design", "customer-empathy"),
        ("marketing", "storytelling-and-persuasion"),
        ("project-management", "execution-excellence"),
        ("finance", "business-and-financial-acumen"),
    ],
)
def test_background_advantages_from_the_seed_show_as_strengths(
    fw: Framework, background: str, strength: str
) -> None:
    assert fw.background(background).strengths[strength] >= 3


@pytest.mark.parametrize(
    "phrase",
    [
        "scrummaster",
        "scrum product owner",
        "agile",
        "lifecycle",
        "user research",
        "product analytics",
        "ux design",
        "business strategy",
        "strategy and innovation",
        "business model design",
        "design thinking",
        "data science for pms",
        "executive communication",
        "executive education",
    ],
)
def test_every_certification_and_learning_path_the_seed_names(fw: Framework, phrase: str) -> None:
    assert any(phrase in cert.name.lower() for cert in fw.certifications), phrase


def test_every_role_has_duties_and_success_measures(fw: Framework) -> None:
    for role in fw.roles:
        assert len(role.responsibilities) >= 5, role.id
        assert len(role.success_measures) >= 3, role.id


def test_every_role_expects_every_competency_and_the_top_expects_most(fw: Framework) -> None:
    totals = {role.id: sum(e.level for e in role.expectations.values()) for role in fw.roles}
    assert totals["chief-product-officer"] == max(totals.values())
    assert min(totals, key=totals.__getitem__) in {
        "product-associate",
        "junior-product-analyst",
        "product-coordinator",
    }


def test_development_actions_cover_every_competency_and_kind(fw: Framework) -> None:
    covered = {c for action in fw.development_actions for c in action.competencies}
    assert covered == {comp.id for comp in fw.competencies}
    kinds = {action.kind.value for action in fw.development_actions}
    assert {
        "stretch-project",
        "shadowing",
        "cross-functional",
        "mentoring",
        "being-mentored",
        "reading",
        "community",
        "course",
    } <= kinds


@pytest.mark.skipif(not SEED.exists(), reason="the seed document is not beside this checkout")
def test_no_long_passage_is_copied_from_the_seed(fw: Framework) -> None:
    # Content must be our own words: no run of 12 words may match the source document.
    def words(text: str) -> list[str]:
        return "".join(ch.lower() if ch.isalnum() else " " for ch in text).split()

    seed = words(SEED.read_text(encoding="utf-8"))
    seed_runs = {tuple(seed[i : i + 12]) for i in range(len(seed) - 11)}
    text = words(bundled_framework_path().read_text(encoding="utf-8"))
    copied = [
        " ".join(text[i : i + 12])
        for i in range(len(text) - 11)
        if tuple(text[i : i + 12]) in seed_runs
    ]
    assert copied == []
