"""pmpath -> CASE -> pmpath gives the same ladder, and edits made in a CASE tool come back."""

from __future__ import annotations

from typing import Any

from pmpath.formats.case import ExportOptions, export_package, import_package, ladder_yaml
from pmpath.framework import Framework, parse_framework
from tests.formats.case.conftest import WHEN, as_bytes


def test_the_bundled_ladder_comes_back_unchanged(ladder: Framework) -> None:
    result = import_package(export_package(ladder, ExportOptions(changed_at=WHEN)), "pm.json")
    assert result.origin == "pmpath"
    assert result.framework == ladder
    assert result.warnings == []
    assert result.missing == []


def test_the_written_ladder_file_reads_back_as_the_same_ladder(ladder: Framework) -> None:
    result = import_package(export_package(ladder, ExportOptions(changed_at=WHEN)), "pm.json")
    text = ladder_yaml(result, "pm.json")
    assert parse_framework(text, "back.yaml") == ladder
    assert text.startswith("# Imported from the CASE package pm.json")
    assert "\n  - id: customer-empathy\n" in text
    # levels as numbers, as authors write them
    assert "\n      1: Takes notes in customer interviews" in text


def test_competencies_listed_across_areas_keep_their_order(ladder: Framework) -> None:
    # CASE orders siblings only; a ladder whose competencies alternate between areas must
    # still come back in its own order.
    shuffled = ladder.model_copy(update={"competencies": list(reversed(ladder.competencies))})
    result = import_package(export_package(shuffled, ExportOptions(changed_at=WHEN)), "x.json")
    assert [c.id for c in result.framework.competencies] == [  # type: ignore[union-attr]
        c.id for c in shuffled.competencies
    ]
    assert result.framework == shuffled


def test_a_behaviour_edited_in_a_case_tool_comes_back(exported: dict[str, Any]) -> None:
    level = exported["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"][1]
    level["description"] = "Talks to customers every week."
    item = next(
        i for i in exported["CFItems"] if i["humanCodingScheme"] == "market-and-domain-insight"
    )
    item["abbreviatedStatement"] = "Market research"
    result = import_package(as_bytes(exported), "edited.json")
    assert result.framework is not None
    assert result.framework.competency("customer-empathy").behaviours[2] == (
        "Talks to customers every week."
    )
    assert result.framework.competency("market-and-domain-insight").name == "Market research"


def test_the_roles_of_another_ladder_replace_the_extension(ladder: Framework) -> None:
    fewer = ladder.model_copy(update={"exits": [], "backgrounds": [], "certifications": []})
    data = export_package(ladder, ExportOptions(changed_at=WHEN))
    result = import_package(data, "pm.json", roles_from=fewer, roles_source="fewer.yaml")
    assert result.framework is not None
    assert result.framework.exits == []
    assert result.framework.backgrounds == []
    assert result.framework.roles == ladder.roles
    assert result.framework.competencies == ladder.competencies


def test_a_case_1_0_package_with_the_ladders_roles_comes_back_unchanged(
    ladder: Framework,
) -> None:
    data = export_package(ladder, ExportOptions(changed_at=WHEN, case_version="1.0"))
    alone = import_package(data, "pm-1.0.json")
    assert alone.origin == "case"
    assert alone.framework is None  # competencies only: CASE 1.0 has no place for roles
    assert len(alone.data["competencies"]) == len(ladder.competencies)
    result = import_package(data, "pm-1.0.json", roles_from=ladder, roles_source="pm.yaml")
    assert result.framework == ladder
