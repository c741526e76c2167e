"""Every ladder command on the bundled framework: tables for people, stable JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pmpath.framework import bundled_framework_path, load_framework
from tests.conftest import bundled_bank_size

Run = Callable[..., Any]
FRAMEWORK = load_framework(bundled_framework_path())


def test_no_command_shows_the_overview(pmpath: Run) -> None:
    out = pmpath()
    assert out.exit_code == 0
    assert "Product management career framework" in out.stdout
    assert "Chief Product Officer" in out.stdout
    # A newcomer's first steps, as exact commands.
    for command in (
        "pmpath assess",
        "pmpath practice",
        "pmpath exam start pm-foundations",
        "pmpath resume",
    ):
        assert command in out.stdout


def test_help_lists_every_command(pmpath: Run) -> None:
    out = pmpath("--help")
    assert out.exit_code == 0
    for command in (
        "roles",
        "role",
        "path",
        "diff",
        "stages",
        "competencies",
        "backgrounds",
        "background",
        "certifications",
        "actions",
        "specialisations",
        "exits",
        "framework",
    ):
        assert f"  {command} " in out.stdout, command


def test_roles_are_grouped_by_stage(pmpath: Run) -> None:
    out = pmpath("roles")
    assert out.exit_code == 0
    assert out.stdout.index("Entry level") < out.stdout.index("Product Coordinator")
    assert out.stdout.index("Product Coordinator") < out.stdout.index("Senior Product Manager")
    data = pmpath("roles", "--json").json()
    stages = {stage["id"]: [role["id"] for role in stage["roles"]] for stage in data["stages"]}
    assert stages["executive"] == [
        "vice-president-of-product",
        "distinguished-product-manager",
        "chief-product-officer",
    ]
    assert stages["beyond-product"] == [
        "general-management",
        "startup-founder",
        "venture-capital",
        "consulting-advisory",
    ]
    assert data["framework"]["counts"]["roles"] == len(FRAMEWORK.roles)


def test_role_shows_duties_expectations_and_next_steps(pmpath: Run) -> None:
    out = pmpath("role", "principal-product-manager")
    assert out.exit_code == 0
    assert "Principal Product Manager" in out.stdout
    assert "individual-contributor" in out.stdout
    assert "Director of Product Management (director-of-product-management)" in out.stdout
    data = pmpath("role", "principal-product-manager", "--json").json()
    assert set(data) >= {
        "id",
        "name",
        "kind",
        "stage",
        "stage_name",
        "track",
        "aliases",
        "summary",
        "responsibilities",
        "success_measures",
        "expectations",
        "next",
        "previous",
        "stage_preparation",
    }
    strategic = next(e for e in data["expectations"] if e["competency"] == "strategic-thinking")
    assert strategic == {
        "competency": "strategic-thinking",
        "name": "Strategic thinking",
        "area": "strategy",
        "level": 4,
        "level_name": "Advanced",
        "weight": 2.0,
        "must_have": True,
        "behaviour": strategic["behaviour"],
    }
    assert len(data["expectations"]) == len(FRAMEWORK.competencies)
    assert [p["id"] for p in data["previous"]] == ["senior-product-manager"]


def test_role_accepts_a_title(pmpath: Run) -> None:
    assert pmpath("role", "Junior Analyst", "--json").json()["id"] == "junior-product-analyst"


def test_an_exit_can_be_shown_like_a_role(pmpath: Run) -> None:
    data = pmpath("role", "venture-capital", "--json").json()
    assert data["kind"] == "exit"
    assert data["track"] is None
    assert data["first_steps"]


def test_unknown_role_is_bad_input(pmpath: Run) -> None:
    out = pmpath("role", "senior-pm")
    assert out.exit_code == 2
    assert out.stdout == ""
    assert out.stderr.startswith(
        "error: unknown role or exit id 'senior-pm'; known: product-associate"
    )


def test_path_shows_shortest_and_every_path(pmpath: Run) -> None:
    out = pmpath("path", "product-manager", "director-of-product-management")
    assert out.exit_code == 0
    assert "Shortest path (3 steps)" in out.stdout
    assert "Principal Product Manager" in out.stdout
    data = pmpath("path", "product-manager", "director-of-product-management", "--json").json()
    assert set(data) == {"from", "to", "track", "shortest", "paths", "truncated"}
    assert len(data["paths"]) == 2
    assert data["truncated"] is False


def test_path_on_one_track(pmpath: Run) -> None:
    data = pmpath(
        "path",
        "associate-product-manager",
        "principal-product-manager",
        "--track",
        "individual-contributor",
        "--json",
    ).json()
    assert [step["id"] for step in data["shortest"]] == [
        "associate-product-manager",
        "product-manager",
        "senior-product-manager",
        "principal-product-manager",
    ]
    assert data["track"] == "individual-contributor"


def test_path_with_a_bad_track_is_bad_input(pmpath: Run) -> None:
    out = pmpath("path", "product-manager", "senior-product-manager", "--track", "sideways")
    assert out.exit_code == 2
    assert "--track must be individual-contributor, people-leader or both" in out.stderr


def test_path_that_does_not_exist_is_bad_input(pmpath: Run) -> None:
    out = pmpath("path", "chief-product-officer", "product-associate")
    assert out.exit_code == 2
    assert out.stderr == (
        "error: no path of next-role steps leads from "
        "'chief-product-officer' to 'product-associate'\n"
    )


def test_diff_between_two_roles(pmpath: Run) -> None:
    out = pmpath("diff", "senior-product-manager", "group-product-manager")
    assert out.exit_code == 0
    assert "Rising expectations" in out.stdout
    assert "Leadership and mentorship" in out.stdout
    data = pmpath("diff", "senior-product-manager", "group-product-manager", "--json").json()
    assert set(data) == {
        "from",
        "to",
        "rising",
        "falling",
        "unchanged",
        "new_must_haves",
        "new_responsibilities",
    }
    leadership = next(c for c in data["rising"] if c["competency"] == "leadership")
    assert leadership == {
        "competency": "leadership",
        "name": "Leadership and mentorship",
        "from": 3,
        "to": 4,
        "delta": 1,
    }
    assert data["new_must_haves"] == ["leadership", "organisational-leadership"]


def test_stages_show_the_preparation_advice(pmpath: Run) -> None:
    data = pmpath("stages", "--json").json()
    executive = next(s for s in data["stages"] if s["id"] == "executive")
    assert any("mentor" in advice.lower() for advice in executive["preparation"])
    assert pmpath("stages").exit_code == 0


def test_competencies_show_the_scale_and_behaviours(pmpath: Run) -> None:
    out = pmpath("competencies")
    assert out.exit_code == 0
    assert "Proficiency scale" in out.stdout
    assert "Storytelling and persuasion" in out.stdout
    data = pmpath("competencies", "--json").json()
    assert [step["name"] for step in data["scale"]] == [
        "Foundational",
        "Developing",
        "Proficient",
        "Advanced",
        "Expert",
    ]
    comps = [c for area in data["areas"] for c in area["competencies"]]
    assert len(comps) == len(FRAMEWORK.competencies)
    assert all(list(c["behaviours"]) == ["1", "2", "3", "4", "5"] for c in comps)


def test_backgrounds_and_one_background(pmpath: Run) -> None:
    data = pmpath("backgrounds", "--json").json()
    assert len(data["backgrounds"]) == 8
    assert pmpath("backgrounds").exit_code == 0
    out = pmpath("background", "software-engineering")
    assert out.exit_code == 0
    assert "Technical fluency" in out.stdout
    detail = pmpath("background", "software-engineering", "--json").json()
    assert set(detail) == {
        "id",
        "name",
        "summary",
        "advantages",
        "strengths",
        "typical_gaps",
        "first_steps",
        "suggested_entry_roles",
    }
    assert detail["strengths"][0]["level"] == max(s["level"] for s in detail["strengths"])


def test_unknown_background_is_bad_input(pmpath: Run) -> None:
    out = pmpath("background", "astronaut")
    assert out.exit_code == 2
    assert "unknown background id 'astronaut'" in out.stderr


def test_certifications_with_filters(pmpath: Run) -> None:
    every = pmpath("certifications", "--json").json()["certifications"]
    assert len(every) == len(FRAMEWORK.certifications)
    entry = pmpath("certifications", "--stage", "entry", "--json").json()["certifications"]
    assert "certified-scrummaster" in {c["id"] for c in entry}
    assert all("entry" in c["stages"] for c in entry)
    delivery = pmpath("certifications", "--competency", "execution-excellence", "--json").json()
    assert delivery["certifications"]
    assert all("execution-excellence" in c["builds"] for c in delivery["certifications"])
    assert pmpath("certifications").exit_code == 0
    assert pmpath("certifications", "--stage", "nowhere").exit_code == 2


def test_actions_specialisations_and_exits(pmpath: Run) -> None:
    actions = pmpath("actions", "--competency", "customer-empathy", "--json").json()
    assert actions["development_actions"]
    assert all("customer-empathy" in a["competencies"] for a in actions["development_actions"])
    specs = pmpath("specialisations", "--json").json()
    assert {s["id"] for s in specs["specialisations"]} >= {"growth", "technical", "user-research"}
    exits = pmpath("exits", "--json").json()
    assert len(exits["exits"]) == 4
    for command in ("actions", "specialisations", "exits"):
        assert pmpath(command).exit_code == 0, command


def test_schema_is_the_json_schema_of_the_model(pmpath: Run) -> None:
    out = pmpath("framework", "schema")
    assert out.exit_code == 0
    schema = json.loads(out.stdout)
    assert schema["title"] == "Framework"
    assert set(schema["required"]) >= {"id", "name", "scale", "competencies", "stages", "roles"}
    assert "Role" in schema["$defs"]


def test_validate_the_bundled_ladder(pmpath: Run) -> None:
    from pmpath.framework import bundled_framework_path

    out = pmpath("framework", "validate", str(bundled_framework_path()), "--json")
    assert out.exit_code == 0
    assert out.json()["valid"] is True


@pytest.mark.parametrize(
    "args",
    [
        ("roles",),
        ("role", "designer"),
        ("path", "designer", "staff-designer"),
        ("competencies",),
        ("backgrounds",),
        ("certifications",),
        ("overview",),
    ],
)
def test_a_broken_framework_stops_every_command(
    pmpath: Run, tmp_path: Path, ladder_text: str, args: tuple[str, ...]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(ladder_text.replace("    stage: lead\n", "    stage: top\n", 1))
    out = pmpath(*args, "--framework", str(broken))
    assert out.exit_code == 2
    assert out.stdout == ""
    assert f"error: {broken}:" in out.stderr
    assert "unknown stage id 'top'" in out.stderr


def test_debug_shows_the_traceback(pmpath: Run) -> None:
    from pmpath.errors import NotFoundError

    with pytest.raises(NotFoundError):
        pmpath("--debug", "role", "nobody")


def test_version(pmpath: Run) -> None:
    from pmpath import __version__

    assert pmpath("--version").stdout == f"pmpath {__version__}\n"


def test_help_groups_the_commands_by_task_and_cuts_nothing(pmpath: Run) -> None:
    out = pmpath("--help").stdout
    panels = ["Start here:", "Explore the ladder:", "Assess and plan:", "Practise:", "Author:"]
    # Section titles stand on their own lines ("Practise: questions..." is a help text).
    positions = [out.index(f"\n{panel}\n") for panel in [*panels, "Serve and administer:"]]
    assert positions == sorted(positions)
    assert out.index("  assess ") < out.index("Explore the ladder:")
    assert out.index("  serve ") > out.index("Serve and administer:")
    # Short help is wrapped, never cut: click's cut ends a line with "...".
    listing = out.split("Start here:")[1].splitlines()
    assert not [line for line in listing if line.rstrip().endswith("...")]


def test_a_near_miss_id_gets_a_did_you_mean(pmpath: Run) -> None:
    out = pmpath("role", "senoir-product-manager")
    assert out.exit_code == 2
    assert out.stdout == ""
    assert "did you mean 'senior-product-manager'?" in out.stderr
    far = pmpath("role", "astronaut")
    assert "known: product-associate" in far.stderr  # nothing close: the ids to choose from
    exam = pmpath("exam", "start", "scrum-mastr")
    assert "did you mean 'scrum-master'?" in exam.stderr


def test_bank_list_lists_banks_and_bank_items_their_items(pmpath: Run) -> None:
    banks = pmpath("bank", "list")
    assert "pm-core" in banks.stdout
    assert str(bundled_bank_size()[0]) in banks.stdout  # the bundled bank's items, not "-"
    items = pmpath("bank", "items", "--domain", "agile-and-scrum", "--json").json()["items"]
    assert items
    old = pmpath("bank", "all", "--json")  # the old name still works, with a note
    assert old.json()["bundled"] == "pm-core"
    assert "now `pmpath bank list`" in old.stderr


def test_filters_accept_the_ids_of_framework_1_0(pmpath: Run) -> None:
    # user-research was merged into customer-empathy in framework 2.0 (#17).
    old = pmpath("actions", "--competency", "user-research", "--json")
    new = pmpath("actions", "--competency", "customer-empathy", "--json")
    assert old.exit_code == 0
    assert old.stdout == new.stdout


def test_role_for_a_specialisation_says_what_it_raises(pmpath: Run) -> None:
    out = pmpath("role", "product-manager", "-s", "technical")
    assert out.exit_code == 0
    assert "In technical product management: Technical fluency 2 → 3, AI fluency 3 → 4." in (
        " ".join(out.stdout.split())
    )
    data = json.loads(pmpath("role", "product-manager", "-s", "technical", "--json").stdout)
    levels = {e["competency"]: e["level"] for e in data["expectations"]}
    assert (levels["technical-fluency"], levels["ai-fluency"]) == (3, 4)
    unknown = pmpath("role", "product-manager", "-s", "technicl")
    assert unknown.exit_code == 2
    assert "did you mean 'technical'" in unknown.stderr
