"""The bundled ladder encodes everything the seed document names."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmpath.framework import Framework, Track, bundled_framework_path, load_framework

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "product-manager-career-path.txt"


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework(bundled_framework_path())


def test_every_role_the_seed_names_and_the_roles_2_0_adds(fw: Framework) -> None:
    assert [(role.name, role.stage, role.track) for role in fw.roles] == [
        ("Product Associate", "entry", Track.BOTH),
        ("Junior Product Analyst", "entry", Track.BOTH),
        ("Product Coordinator", "entry", Track.BOTH),
        ("Associate Product Manager", "early-career", Track.BOTH),
        ("Product Manager", "mid-career", Track.BOTH),
        ("Product Operations Manager", "mid-career", Track.INDIVIDUAL_CONTRIBUTOR),
        ("Senior Product Manager", "senior", Track.BOTH),
        ("Group Product Manager", "leadership", Track.PEOPLE_LEADER),
        ("Principal Product Manager", "leadership", Track.INDIVIDUAL_CONTRIBUTOR),
        ("Head of Product Operations", "leadership", Track.PEOPLE_LEADER),
        ("Director of Product Management", "leadership", Track.PEOPLE_LEADER),
        ("Senior Director of Product", "leadership", Track.PEOPLE_LEADER),
        ("Vice President of Product", "executive", Track.PEOPLE_LEADER),
        ("Distinguished Product Manager", "executive", Track.INDIVIDUAL_CONTRIBUTOR),
        ("Chief Product Officer", "executive", Track.PEOPLE_LEADER),
    ]


def test_the_junior_product_manager_is_the_associate_pm_under_another_title(
    fw: Framework,
) -> None:
    apm = fw.role("associate-product-manager")
    assert "Junior Product Manager" in apm.aliases
    assert fw.previous_versions[0].roles == {"junior-product-manager": apm.id}


def test_every_role_has_aliases(fw: Framework) -> None:
    assert all(role.aliases for role in fw.roles)


def test_the_individual_contributor_track_runs_to_the_top(fw: Framework) -> None:
    assert "distinguished-product-manager" in fw.role("principal-product-manager").next_roles
    top = fw.role("distinguished-product-manager")
    assert top.stage == fw.stages[-2].id  # the executive stage, beside the CPO


def _total(fw: Framework, role_id: str) -> int:
    return sum(e.level for e in fw.role(role_id).expectations.values())


def test_the_expected_levels_are_calibrated_by_scope(fw: Framework) -> None:
    """What #17 asked of 2.0's expectations (docs/framework-format.md gives the reasons)."""
    senior = fw.role("senior-product-manager").expectations
    levels = [e.level for e in senior.values()]
    assert levels.count(3) >= len(levels) // 2  # mostly 3 ...
    assert max(levels) == 4  # ... with 4 in its core craft
    principal = fw.role("principal-product-manager").expectations
    assert max(e.level for e in principal.values()) == 4
    assert principal["strategic-thinking"].must_have
    assert principal["stakeholder-management"].must_have  # influence
    assert _total(fw, "principal-product-manager") <= _total(fw, "director-of-product-management")
    director = fw.role("director-of-product-management").expectations
    assert max(e.level for e in director.values()) == 4  # no board-level work
    cpo = fw.role("chief-product-officer").expectations
    assert sum(e.level == 5 for e in cpo.values()) <= len(cpo) // 2


def test_level_5_never_asks_for_fame_and_level_2_never_for_owned_features(fw: Framework) -> None:
    fame = ("speaker", "sought", "known in the industry", "cited", "publish", "famous")
    for comp in fw.competencies:
        assert not any(word in comp.behaviours[5].lower() for word in fame), comp.id
        assert "features they own" not in comp.behaviours[2], comp.id
    assert all(word not in fw.scale[4].summary.lower() for word in fame)


def test_new_competencies_and_no_1_0_overlaps(fw: Framework) -> None:
    ids = {comp.id for comp in fw.competencies}
    assert 16 <= len(ids) <= 20
    assert {"design-judgement", "product-quality", "ai-fluency"} <= ids
    assert "regulated" in fw.competency("market-and-domain-insight").summary.lower()
    merged = fw.previous_versions[0].competencies
    assert merged["mentorship-and-team-development"] == "leadership"
    assert merged["influence-without-authority"] == "stakeholder-management"
    assert not ids & set(merged)


def test_specialisations_change_expectations(fw: Framework) -> None:
    from pmpath.framework.versions import specialised

    technical = specialised(fw, "technical")
    pm, tech_pm = fw.role("product-manager"), technical.role("product-manager")
    assert tech_pm.expectations["technical-fluency"].level == (
        pm.expectations["technical-fluency"].level + 1
    )
    entry = technical.role("product-associate").expectations["technical-fluency"]
    assert entry == fw.role("product-associate").expectations["technical-fluency"]
    assert all(spec.adjusts for spec in fw.specialisations)


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
        "analytical thinking",
        "communication and collaboration",
        "influence",
        "customer empathy",
        "adaptability and curiosity",
        "prioritisation",
        "strategic thinking",
        "leadership",
        "execution",
        "vision setting",
        "organisational leadership",
        "stakeholder management",
        "data-driven decision",
        "innovation and risk management",
        "mentorship",
        "business and financial acumen",
        "storytelling and persuasion",
        "user research",
    ],
)
def test_every_skill_the_seed_names_has_a_competency_with_five_distinct_behaviours(
    fw: Framework, skill: str
) -> None:
    # 2.0 merged overlapping competencies, so a seed skill may be named beside another one
    # ("Leadership and mentorship"); it must still be named.
    [comp] = [c for c in fw.competencies if skill in c.name.lower()][:1]
    assert sorted(comp.behaviours) == [1, 2, 3, 4, 5]
    assert len(set(comp.behaviours.values())) == 5


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


def test_development_actions_cover_every_competency_at_every_level_and_kind(
    fw: Framework,
) -> None:
    covered = {
        (c, level)
        for action in fw.development_actions
        for c in action.competencies
        for level in action.levels
    }
    assert covered == {(comp.id, level) for comp in fw.competencies for level in fw.levels}
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


def test_the_documented_expected_totals_are_the_files(fw: Framework) -> None:
    """docs/framework-format.md gives each role's 2.0 total; it must say what the file says."""
    import re

    docs = (Path(__file__).resolve().parents[2] / "docs" / "framework-format.md").read_text(
        encoding="utf-8"
    )
    documented = {
        name: int(total)
        for name, total in re.findall(r"^\| ([A-Z][^|]+?) \| [^|]+ \| (\d+) \(mean", docs, re.M)
    }
    assert documented == {role.name: _total(fw, role.id) for role in fw.roles}
