"""Frameworks written by others: competencies, areas and a scale from the rubrics, never a
made-up role."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from pmpath.errors import FormatError
from pmpath.formats.case import CaseImport, import_package, ladder_yaml
from pmpath.framework import Framework, parse_framework
from tests.formats.case.conftest import fixture_bytes


def skills() -> CaseImport:
    return import_package(fixture_bytes("skills-rubrics.json"), "skills-rubrics.json")


def completed(library: CaseImport) -> Framework:
    """The library with the stages and roles an author would add by hand."""
    ids = [competency["id"] for competency in library.data["competencies"]]
    data = {
        **library.data,
        "stages": [
            {"id": "early", "name": "Early career", "summary": "Learning the craft."},
            {"id": "senior", "name": "Senior", "summary": "Leading the craft."},
        ],
        "roles": [
            {
                "id": "analyst",
                "name": "Analyst",
                "stage": "early",
                "track": "individual-contributor",
                "summary": "Answers questions with data.",
                "responsibilities": ["Analyse data"],
                "expectations": dict.fromkeys(ids, 2),
                "next_roles": ["lead-analyst"],
            },
            {
                "id": "lead-analyst",
                "name": "Lead analyst",
                "stage": "senior",
                "track": "individual-contributor",
                "summary": "Sets how the team works with data.",
                "responsibilities": ["Review analyses"],
                "expectations": dict.fromkeys(ids, 4),
            },
        ],
    }
    return parse_framework(yaml.safe_dump(data, sort_keys=False), "data-literacy.yaml")


def test_a_foreign_framework_gives_its_competencies_areas_and_scale() -> None:
    result = skills()
    assert result.origin == "case"
    assert result.framework is None  # no roles: a library, not a ladder
    data = result.data
    assert data["id"] == "data-literacy-skills-framework"
    assert data["name"] == "Data Literacy Skills Framework"
    assert data["version"] == "2.1"
    # Areas in sequence order (the file lists "Communicating" first); the nested strand is
    # the area of the competency under it.
    assert [(a["id"], a["name"]) for a in data["areas"]] == [
        ("dl-1", "Working with data"),
        ("dl-2", "Communicating with data"),
        ("dl-2-r", "Responsible use"),
    ]
    assert [(c["id"], c["area"]) for c in data["competencies"]] == [
        ("dl-1-1", "dl-1"),
        ("dl-1-2", "dl-1"),
        ("dl-2-1", "dl-2"),
        ("dl-2-2", "dl-2"),
        ("dl-2-r-1", "dl-2-r"),
    ]
    finding = data["competencies"][0]
    assert finding["name"] == "Finding data"
    assert finding["summary"].startswith("Locates and retrieves the data")
    # Scores 0-3, listed out of order in the file, become levels 1-4 in score order.
    assert finding["behaviours"][1] == "Finds data in the places a colleague points to."
    assert finding["behaviours"][4].startswith("Designs how a team finds")
    assert [(s["level"], s["name"]) for s in data["scale"]] == [
        (1, "Beginning"),
        (2, "Developing"),
        (3, "Proficient"),
        (4, "Exemplary"),
    ]


def test_a_library_says_what_it_lacks_and_what_was_left_out() -> None:
    result = skills()
    assert result.missing == [
        "stages: the phases of the career, in order",
        "roles: each with a stage, a track, responsibilities and an expected level (1-4) for "
        "every one of the 5 competencies",
    ]
    assert "left out 1 isRelatedTo association: a ladder has no place for them" in result.warnings
    text = ladder_yaml(result, "skills-rubrics.json")
    assert "# NOT YET A LADDER" in text
    assert "#   - stages: the phases of the career, in order" in text
    assert yaml.safe_load(text)["competencies"][0]["behaviours"][1].startswith("Finds data")


def test_with_the_roles_of_a_ladder_it_becomes_a_valid_ladder() -> None:
    roles = completed(skills())
    result = import_package(
        fixture_bytes("skills-rubrics.json"), "skills.json", roles, "data-literacy.yaml"
    )
    assert result.framework is not None
    assert [role.id for role in result.framework.roles] == ["analyst", "lead-analyst"]
    assert result.framework.competency("dl-2-r-1").name == "Data privacy"
    assert parse_framework(ladder_yaml(result, "skills.json"), "out.yaml") == result.framework


def test_roles_naming_other_competencies_are_refused_at_the_roles_file() -> None:
    roles = completed(skills())
    renamed = roles.model_copy(
        update={
            "roles": [
                role.model_copy(
                    update={
                        "expectations": {
                            ("dl-9" if key == "dl-1-1" else key): value
                            for key, value in role.expectations.items()
                        }
                    }
                )
                for role in roles.roles
            ]
        }
    )
    with pytest.raises(FormatError) as caught:
        import_package(fixture_bytes("skills-rubrics.json"), "s.json", renamed, "roles.yaml")
    problems = [str(problem) for problem in caught.value.problems]
    assert "roles.yaml: roles[0].expectations.dl-9: unknown competency id 'dl-9'" in problems
    assert "roles.yaml: roles[0].expectations: no expected level for: dl-1-1" in problems


def test_a_case_1_0_package_without_rubrics_is_a_library_without_a_scale() -> None:
    result = import_package(fixture_bytes("case-1.0-no-rubrics.json"), "sl.json")
    assert result.framework is None
    assert [c["id"] for c in result.data["competencies"]] == ["sl-cc-1", "sl-cc-3"]
    # A long statement makes a poor name; the code names it and the statement is the summary.
    assert result.data["competencies"][0]["name"] == "SL.CC.1"
    assert result.data["competencies"][1]["name"] == (
        "Evaluate a speaker's point of view, reasoning and use of evidence."
    )
    assert result.data["scale"] == []
    assert any(
        line.startswith("scale: the package has no rubric levels") for line in result.missing
    )
    assert any("sl-cc-1, sl-cc-3" in line for line in result.missing)


def test_competencies_without_rubrics_cannot_make_a_ladder(ladder: Framework) -> None:
    with pytest.raises(FormatError) as caught:
        import_package(fixture_bytes("case-1.0-no-rubrics.json"), "sl.json", ladder, "pm.yaml")
    (problem,) = caught.value.problems
    assert str(problem.location) == "sl.json: CFRubrics"
    assert problem.message.startswith("no rubric levels describe these competencies")


def test_a_competency_without_a_rubric_is_named_at_its_item(ladder: Framework) -> None:
    package = json.loads(fixture_bytes("skills-rubrics.json"))
    del package["CFRubrics"][0]["CFRubricCriteria"][1]  # "Preparing data", CFItems[3]
    roles = completed(skills())
    with pytest.raises(FormatError) as caught:
        import_package(json.dumps(package).encode(), "s.json", roles, "roles.yaml")
    assert [str(problem) for problem in caught.value.problems] == [
        "s.json: CFItems[3]: no behaviour written for level(s) 1, 2, 3, 4 of the scale"
    ]


def test_competencies_under_the_document_share_an_area_named_after_it() -> None:
    package = json.loads(fixture_bytes("skills-rubrics.json"))
    for association in package["CFAssociations"]:
        if association["originNodeURI"]["identifier"].endswith("03"):  # "Finding data"
            association["destinationNodeURI"] = {
                "title": "Data Literacy Skills Framework",
                "identifier": package["CFDocument"]["identifier"],
                "uri": package["CFDocument"]["uri"],
            }
    result = import_package(json.dumps(package).encode(), "moved.json")
    first = result.data["areas"][0]
    assert (first["id"], first["name"]) == (
        "data-literacy-skills-framework",
        "Data Literacy Skills Framework",
    )
    assert result.data["competencies"][0]["area"] == "data-literacy-skills-framework"


def edited(change: Any) -> CaseImport:
    package = json.loads(fixture_bytes("skills-rubrics.json"))
    change(package)
    return import_package(json.dumps(package).encode(), "edited.json")


def child_of(child: str, parent: str, number: int) -> dict[str, Any]:
    def link(identifier: str) -> dict[str, str]:
        return {"title": "t", "identifier": identifier, "uri": f"urn:uuid:{identifier}"}

    return {
        "identifier": f"b2000000-0000-4000-8000-0000000009{number:02d}",
        "associationType": "isChildOf",
        "sequenceNumber": number,
        "uri": "urn:x",
        "originNodeURI": link(child),
        "destinationNodeURI": link(parent),
        "lastChangeDateTime": "2025-03-14T09:30:00+00:00",
    }


WORKING = "a1000000-0000-4000-8000-000000000001"
COMMUNICATING = "a1000000-0000-4000-8000-000000000002"
FINDING = "a1000000-0000-4000-8000-000000000003"


def test_groupings_above_the_areas_are_left_out_with_a_warning() -> None:
    def wrap(package: dict[str, Any]) -> None:
        top = "a1000000-0000-4000-8000-000000000099"
        package["CFItems"].append(
            {"identifier": top, "uri": "urn:x", "fullStatement": "All skills",
             "lastChangeDateTime": "2025-03-14T09:30:00+00:00"}
        )  # fmt: skip
        for association in package["CFAssociations"]:
            if association["originNodeURI"]["identifier"] in (WORKING, COMMUNICATING):
                association["destinationNodeURI"]["identifier"] = top
        package["CFAssociations"].append(child_of(top, package["CFDocument"]["identifier"], 1))

    result = edited(wrap)
    assert [area["id"] for area in result.data["areas"]] == ["dl-1", "dl-2", "dl-2-r"]
    assert (
        "left out 1 grouping item above the areas (a ladder has one level of areas): All skills"
        in result.warnings
    )


def test_a_second_parent_is_left_out_with_a_warning() -> None:
    result = edited(lambda p: p["CFAssociations"].append(child_of(FINDING, COMMUNICATING, 9)))
    assert result.data["competencies"][0]["area"] == "dl-1"
    assert any(
        "'Finding data' has a second parent; kept the first (CFAssociations[3])" in warning
        for warning in result.warnings
    )


def test_rubric_criteria_without_an_item_or_for_an_item_twice_are_left_out() -> None:
    def change(package: dict[str, Any]) -> None:
        criteria = package["CFRubrics"][0]["CFRubricCriteria"]
        criteria.append({**criteria[0], "identifier": "e5000000-0000-4000-8000-000000000077"})
        del criteria[1]["CFItemURI"]

    result = edited(change)
    assert (
        "CFRubrics[0].CFRubricCriteria[1]: left out a rubric criterion that names no CFItem"
        in result.warnings
    )
    assert (
        "CFRubrics[0].CFRubricCriteria[5]: 'Finding data' already has a rubric criterion "
        "(CFRubrics[0].CFRubricCriteria[0]); kept that one" in result.warnings
    )
    assert result.data["competencies"][1]["behaviours"] == {}  # "Preparing data" lost its own


def test_ids_that_collide_get_a_number() -> None:
    def change(package: dict[str, Any]) -> None:
        package["CFItems"][3]["humanCodingScheme"] = "DL 1.1"  # "Preparing data" -> dl-1-1

    result = edited(change)
    assert [c["id"] for c in result.data["competencies"]][:2] == ["dl-1-1", "dl-1-1-2"]
    assert "'Preparing data': the id 'dl-1-1' is taken; this competency is 'dl-1-1-2'" in (
        result.warnings
    )
