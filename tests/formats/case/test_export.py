"""The ladder as a CASE 1.1 CFPackage: valid against the spec, stable, and complete."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jsonschema_rs

from pmpath.formats.case import ExportOptions, export_package, package
from pmpath.framework import Framework
from tests.formats.case.conftest import HERE, WHEN

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def schema_errors(value: Any) -> list[str]:
    schema = json.loads((HERE / "cfpackage-1.1.schema.json").read_text())
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    return [
        f"{list(error.instance_path)}: {error.message}" for error in validator.iter_errors(value)
    ]


def identifiers(value: Any) -> list[str]:
    """Every record's own identifier in the package (not the links that repeat them)."""
    found: list[str] = []
    if isinstance(value, dict):
        if "identifier" in value and "lastChangeDateTime" in value:
            found.append(value["identifier"])
        for key, child in value.items():
            if key != "extensions":
                found += identifiers(child)
    elif isinstance(value, list):
        for child in value:
            found += identifiers(child)
    return found


def test_the_bundled_ladder_is_a_valid_case_1_1_package(exported: dict[str, Any]) -> None:
    assert schema_errors(exported) == []


def test_the_schema_catches_what_the_spec_forbids(exported: dict[str, Any]) -> None:
    # A schema that accepted anything would make the test above worthless.
    exported["CFItems"][0]["identifier"] = "DISCOVERY"
    del exported["CFAssociations"][0]["uri"]
    exported["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"][0]["pmpath"] = 1
    exported["CFDocument"]["lastChangeDateTime"] = "2 January 2026"
    assert len(schema_errors(exported)) == 4


def test_areas_and_competencies_are_items_with_their_ids_and_statements(
    exported: dict[str, Any], ladder: Framework
) -> None:
    # Ids are unique per section only ("leadership" is an area and a competency).
    items = {(item["CFItemType"], item["humanCodingScheme"]): item for item in exported["CFItems"]}
    assert len(items) == len(ladder.areas) + len(ladder.competencies) == 26
    empathy = items["Competency", "customer-empathy"]
    assert empathy["abbreviatedStatement"] == "Customer empathy and user research"
    assert empathy["fullStatement"] == ladder.competency("customer-empathy").summary
    assert empathy["CFItemType"] == "Competency"
    assert items["Competency Area", "leadership"]["abbreviatedStatement"] == "Leadership and growth"
    types = {kind["title"]: kind for kind in exported["CFDefinitions"]["CFItemTypes"]}
    assert empathy["CFItemTypeURI"]["identifier"] == types["Competency"]["identifier"]


def test_the_tree_is_is_child_of_associations_numbered_in_file_order(
    exported: dict[str, Any], ladder: Framework
) -> None:
    by_id = {
        item["identifier"]: f"{item['CFItemType']}:{item['humanCodingScheme']}"
        for item in exported["CFItems"]
    }
    document = exported["CFDocument"]["identifier"]
    parent: dict[str, tuple[str, int]] = {}
    for association in exported["CFAssociations"]:
        assert association["associationType"] == "isChildOf"
        destination = association["destinationNodeURI"]["identifier"]
        parent[by_id[association["originNodeURI"]["identifier"]]] = (
            "DOCUMENT" if destination == document else by_id[destination],
            association["sequenceNumber"],
        )
    assert [parent[f"Competency Area:{area.id}"] for area in ladder.areas] == [
        ("DOCUMENT", n) for n in range(1, len(ladder.areas) + 1)
    ]
    discovery = [c.id for c in ladder.competencies if c.area == "discovery"]
    assert [parent[f"Competency:{c}"] for c in discovery] == [
        ("Competency Area:discovery", n) for n in (1, 2)
    ]


def test_each_competency_has_a_rubric_with_a_level_per_step_of_the_scale(
    exported: dict[str, Any], ladder: Framework
) -> None:
    assert len(exported["CFRubrics"]) == len(ladder.competencies)
    rubric = exported["CFRubrics"][0]
    (criterion,) = rubric["CFRubricCriteria"]
    assert criterion["rubricId"] == rubric["identifier"]
    empathy = next(i for i in exported["CFItems"] if i["humanCodingScheme"] == "customer-empathy")
    assert criterion["CFItemURI"]["identifier"] == empathy["identifier"]
    levels = criterion["CFRubricCriterionLevels"]
    assert [(lv["quality"], lv["score"], lv["position"]) for lv in levels] == [
        ("Foundational", 1.0, 1),
        ("Developing", 2.0, 2),
        ("Proficient", 3.0, 3),
        ("Advanced", 4.0, 4),
        ("Expert", 5.0, 5),
    ]
    assert levels[2]["description"] == ladder.competency("customer-empathy").behaviours[3]
    assert {lv["rubricCriterionId"] for lv in levels} == {criterion["identifier"]}


def test_what_case_cannot_hold_travels_in_the_pmpath_extension(
    exported: dict[str, Any], ladder: Framework
) -> None:
    extension = exported["extensions"]["pmpath"]
    assert extension["format"] == 1
    kept = extension["framework"]
    assert [role["id"] for role in kept["roles"]] == [role.id for role in ladder.roles]
    assert kept["scale"][0]["summary"] == ladder.scale[0].summary
    # Areas and competencies have one copy only, in the CASE records.
    assert "competencies" not in kept
    assert "areas" not in kept


def test_every_identifier_is_a_unique_uuid_and_stable_across_exports(ladder: Framework) -> None:
    first = package(ladder, ExportOptions(changed_at=WHEN))
    later = package(ladder, ExportOptions(changed_at=WHEN + timedelta(days=30)))
    ids = identifiers(first)
    assert all(UUID.match(identifier) for identifier in ids)
    assert len(ids) == len(set(ids))
    assert identifiers(later) == ids
    # A new version of the ladder is the same framework to a CASE server.
    revised = package(ladder.model_copy(update={"version": "2.0"}), ExportOptions(changed_at=WHEN))
    assert identifiers(revised) == ids
    other = package(
        ladder.model_copy(update={"id": "other-ladder"}), ExportOptions(changed_at=WHEN)
    )
    assert set(identifiers(other)).isdisjoint(ids)


def test_the_same_ladder_and_options_give_the_same_bytes(ladder: Framework) -> None:
    options = ExportOptions(changed_at=WHEN)
    assert export_package(ladder, options) == export_package(ladder, options)


def test_uris_are_urn_uuids_or_live_under_the_base_uri(ladder: Framework) -> None:
    plain = package(ladder, ExportOptions(changed_at=WHEN))
    document = plain["CFDocument"]
    assert document["uri"] == f"urn:uuid:{document['identifier']}"
    served = package(
        ladder, ExportOptions(changed_at=WHEN, base_uri="https://case.example.org/ims/case/v1p0/")
    )
    item = served["CFItems"][0]
    assert item["uri"] == f"https://case.example.org/ims/case/v1p0/CFItems/{item['identifier']}"
    assert served["CFDocument"]["uri"].endswith(f"/CFDocuments/{document['identifier']}")
    assert schema_errors(served) == []


def test_the_document_says_who_when_and_which_version(ladder: Framework) -> None:
    moment = datetime(2026, 5, 1, 14, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    options = ExportOptions(changed_at=moment, creator="Acme Product Guild", language="en")
    document = package(ladder, options)["CFDocument"]
    assert document["creator"] == "Acme Product Guild"
    assert document["lastChangeDateTime"] == "2026-05-01T12:00:00Z"  # UTC, whole seconds
    assert document["caseVersion"] == "1.1"
    assert document["version"] == ladder.version == "2.0"
    assert document["title"] == ladder.name
    assert document["language"] == "en"
    assert "language" not in package(ladder, ExportOptions(changed_at=WHEN))["CFDocument"]


def test_timestamps_are_utc(ladder: Framework) -> None:
    stamp = package(ladder, ExportOptions(changed_at=datetime(2026, 1, 1, tzinfo=UTC)))
    assert stamp["CFItems"][0]["lastChangeDateTime"] == "2026-01-01T00:00:00Z"


def test_a_case_1_0_package_leaves_out_what_1_1_added(ladder: Framework) -> None:
    content = package(ladder, ExportOptions(changed_at=WHEN, case_version="1.0"))
    assert schema_errors(content) == []  # 1.0 is a subset of 1.1
    text = json.dumps(content)
    for added in ("caseVersion", "targetType", "extensions", "frameworkType"):
        assert f'"{added}"' not in text
    assert len(content["CFRubrics"]) == len(ladder.competencies)
