"""Each rule of the framework format, broken on purpose: message, line and field path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmpath.errors import FrameworkError, Problem
from pmpath.framework import load_framework, parse_framework
from tests.conftest import line_number, replace_once

SOURCE = "ladder.yaml"


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text, SOURCE)
    return list(caught.value.problems)


def find(problems: list[Problem], fragment: str) -> Problem:
    matching = [p for p in problems if fragment in p.message]
    assert matching, f"no problem mentions {fragment!r}: {[str(p) for p in problems]}"
    return matching[0]


def test_the_documented_example_is_valid(ladder_text: str) -> None:
    framework = parse_framework(ladder_text, SOURCE)
    assert [role.id for role in framework.roles] == [
        "designer",
        "senior-designer",
        "staff-designer",
        "design-manager",
    ]
    assert framework.role("senior-designer").expectations["coaching"].weight == 1.5


def test_broken_yaml_names_the_line(ladder_text: str) -> None:
    text = replace_once(
        ladder_text, "    name: Product Designer\n", "    name: Product: Designer: x\n"
    )
    [problem] = problems_of(text)
    assert problem.message.startswith("invalid YAML: mapping values are not allowed here")
    assert problem.location.file == SOURCE
    assert problem.location.line == line_number(text, "name: Product: Designer: x")


def test_unknown_role_id_in_next_roles(ladder_text: str) -> None:
    text = replace_once(
        ladder_text, "next_roles: [senior-designer]", "next_roles: [senior-desginer]"
    )
    problem = find(problems_of(text), "unknown role id 'senior-desginer'")
    assert problem.location.field_path == ("roles", 0, "next_roles", 0)
    assert problem.location.line == line_number(text, "next_roles: [senior-desginer]")


def test_unknown_competency_in_expectations(ladder_text: str) -> None:
    text = replace_once(ladder_text, "      research: 1\n", "      reserch: 1\n")
    problems = problems_of(text)
    unknown = find(problems, "unknown competency id 'reserch'")
    assert unknown.location.field_path == ("roles", 0, "expectations", "reserch")
    assert unknown.location.line == line_number(text, "reserch: 1")
    missing = find(problems, "no expected level for: research")
    assert missing.location.field_path == ("roles", 0, "expectations")


def test_duplicate_id(ladder_text: str) -> None:
    text = replace_once(ladder_text, "  - id: coaching\n", "  - id: research\n")
    [problem] = problems_of(text)
    assert problem.message == "duplicate id 'research' (first used at competencies[1])"
    assert problem.location.field_path == ("competencies", 2, "id")
    assert problem.location.line == line_number(text, "- id: research", occurrence=2)


def test_exit_id_may_not_repeat_a_role_id(ladder_text: str) -> None:
    text = replace_once(ladder_text, "  - id: design-consultancy\n", "  - id: designer\n")
    problem = find(problems_of(text), "id 'designer' is already the id of a role")
    assert problem.location.field_path == ("exits", 0, "id")


def test_level_outside_the_scale(ladder_text: str) -> None:
    text = replace_once(ladder_text, "      research: 1\n", "      research: 7\n")
    problem = find(problems_of(text), "level 7 is outside the scale (1-4)")
    assert problem.location.field_path == ("roles", 0, "expectations", "research")
    assert problem.location.line == line_number(text, "research: 7")


def test_level_below_one_is_a_type_error(ladder_text: str) -> None:
    text = replace_once(ladder_text, "      research: 1\n", "      research: 0\n")
    [problem] = problems_of(text)
    assert "greater than or equal to 1" in problem.message
    assert problem.location.field_path == ("roles", 0, "expectations", "research", "level")
    assert problem.location.line == line_number(text, "research: 0")


def test_behaviour_for_a_level_beyond_the_scale(ladder_text: str) -> None:
    text = replace_once(
        ladder_text,
        "      4: Grows leaders and shapes the career ladder.\n",
        "      4: Grows leaders and shapes the career ladder.\n      5: Writes books.\n",
    )
    problem = find(problems_of(text), "level 5 is outside the scale (1-4)")
    assert problem.location.field_path == ("competencies", 2, "behaviours", 5)
    assert problem.location.line == line_number(text, "5: Writes books.")


def test_missing_behaviour_level(ladder_text: str) -> None:
    text = replace_once(
        ladder_text, "      3: Runs generative studies that change a roadmap.\n", ""
    )
    [problem] = problems_of(text)
    assert problem.message == "no behaviour written for level(s) 3 of the scale"
    assert problem.location.field_path == ("competencies", 1, "behaviours")


def test_cycle_in_next_roles(ladder_text: str) -> None:
    text = replace_once(
        ladder_text,
        "next_roles: [staff-designer, design-manager]",
        "next_roles: [staff-designer, design-manager, designer]",
    )
    problem = find(problems_of(text), "next roles form a cycle")
    assert problem.message == "next roles form a cycle: designer -> senior-designer -> designer"
    assert problem.location.field_path == ("roles", 0, "next_roles", 0)
    assert problem.location.line == line_number(text, "next_roles: [senior-designer]")


def test_role_no_entry_role_reaches(ladder_text: str) -> None:
    text = replace_once(
        ladder_text, "next_roles: [staff-designer, design-manager]", "next_roles: [staff-designer]"
    )
    [problem] = problems_of(text)
    assert problem.message.startswith(
        "role 'design-manager' cannot be reached from any entry role (roles in stage 'early')"
    )
    assert problem.location.field_path == ("roles", 3, "id")
    assert problem.location.line == line_number(text, "- id: design-manager")


def test_next_role_in_an_earlier_stage(ladder_text: str) -> None:
    text = replace_once(
        ladder_text,
        "    name: Staff Designer\n    stage: lead",
        "    name: Staff Designer\n    stage: early",
    )
    [problem] = problems_of(text)
    assert problem.message == (
        "'staff-designer' is in stage 'early', earlier than 'senior-designer' ('established')"
    )
    assert problem.location.field_path == ("roles", 1, "next_roles", 0)


def test_expectations_falling_along_a_track(ladder_text: str) -> None:
    text = replace_once(
        ladder_text,
        "      research: 3\n      coaching: 2\n",
        "      research: 1\n      coaching: 2\n",
    )
    [problem] = problems_of(text)
    assert problem.message == (
        "expectation falls along the individual-contributor track: "
        "2 in 'senior-designer' but 1 in 'staff-designer', its next role"
    )
    assert problem.location.field_path == ("roles", 2, "expectations", "research")
    assert problem.location.line == line_number(text, "      research: 1", occurrence=2)


def test_expectations_may_change_when_the_track_changes(ladder_text: str) -> None:
    # A staff designer may move into management and trade craft depth for coaching:
    # interaction design falls from 4 to 3, which is fine across tracks.
    text = replace_once(
        ladder_text,
        "      coaching: 2\n  - id: design-manager",
        "      coaching: 2\n    next_roles: [design-manager]\n  - id: design-manager",
    )
    framework = parse_framework(text, SOURCE)
    assert framework.role("staff-designer").next_roles == ["design-manager"]


def test_missing_required_field(ladder_text: str) -> None:
    text = replace_once(ladder_text, "    summary: Leads a team of designers.\n", "")
    [problem] = problems_of(text)
    assert problem.message == "required field is missing"
    assert problem.location.field_path == ("roles", 3, "summary")
    assert problem.location.line == line_number(text, "- id: design-manager")


def test_an_empty_field_says_it_is_empty(ladder_text: str) -> None:
    text = replace_once(ladder_text, "    summary: Leads a team of designers.\n", "    summary:\n")
    [problem] = problems_of(text)
    assert problem.message.startswith("is empty: give it a value")
    assert problem.location.field_path == ("roles", 3, "summary")


def test_unknown_field(ladder_text: str) -> None:
    text = replace_once(
        ladder_text, "    track: people-leader\n", "    track: people-leader\n    salary: 90000\n"
    )
    [problem] = problems_of(text)
    assert problem.message.startswith("unknown field")
    assert problem.location.field_path == ("roles", 3, "salary")
    assert problem.location.line == line_number(text, "salary: 90000")


def test_bad_track_value(ladder_text: str) -> None:
    text = replace_once(ladder_text, "    track: people-leader\n", "    track: manager\n")
    [problem] = problems_of(text)
    assert "'individual-contributor', 'people-leader' or 'both'" in problem.message
    assert problem.location.line == line_number(text, "track: manager")


def test_id_that_is_not_kebab_case(ladder_text: str) -> None:
    text = replace_once(ladder_text, "  - id: craft\n", "  - id: Design_Craft\n")
    problem = problems_of(text)[0]
    assert problem.message.startswith("'Design_Craft' is not a kebab-case id")
    assert problem.location.field_path == ("areas", 0, "id")


def test_key_written_twice(ladder_text: str) -> None:
    text = replace_once(
        ladder_text, "      research: 1\n", "      research: 1\n      research: 2\n"
    )
    [problem] = problems_of(text)
    assert problem.message == "key 'research' appears more than once in this mapping"
    assert problem.location.line == line_number(text, "research: 2")


def test_every_problem_is_reported_at_once(ladder_text: str) -> None:
    text = replace_once(ladder_text, "      research: 1\n", "      research: 9\n")
    text = replace_once(
        text,
        "    stage: lead\n    track: people-leader",
        "    stage: nowhere\n    track: people-leader",
    )
    messages = [p.message for p in problems_of(text)]
    assert "level 9 is outside the scale (1-4)" in messages
    assert "unknown stage id 'nowhere'" in messages


def test_top_level_must_be_a_mapping() -> None:
    [problem] = problems_of("- just\n- a list\n")
    assert "must be a YAML mapping" in problem.message
    assert problem.location.line == 1


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: no such file"


def test_file_that_is_not_utf8(write_file: Callable[[str, str], Path], tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"id: x\nname: Caf\xe9\n")
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    assert caught.value.location.line == 2
    assert "not UTF-8" in caught.value.problems[0].message


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_gives_a_located_framework_error_or_a_framework(text: str) -> None:
    problems: tuple[Problem, ...] = ()
    try:
        parse_framework(text, SOURCE)
    except FrameworkError as exc:
        problems = exc.problems
    assert all(problem.location.file == SOURCE for problem in problems)
