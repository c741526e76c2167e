"""Items, scenarios and domains as plain JSON values, for storing banks in the database."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pmpath.errors import Location
from pmpath.exams.items import (
    Domain,
    Gap,
    GapChoice,
    Item,
    ItemType,
    Mistake,
    NumericKey,
    Option,
    Pair,
    Scenario,
)


def item_to_json(item: Item) -> dict[str, Any]:
    data = asdict(item)
    data["type"] = item.type.value
    data["source"] = {"file": item.source.file, "line": item.source.line}
    if not item.gaps:
        del data["gaps"]  # only gap items have gaps: other items are stored as before
    return data


def item_from_json(data: dict[str, Any]) -> Item:
    numeric = data.get("numeric")
    source = data.get("source") or {}
    kind = ItemType(data["type"])
    # A gap item's choices carry their group and whether they are reusable (GapChoice).
    choice = GapChoice if kind is ItemType.GAP else Option
    return Item(
        id=data["id"],
        domain=data["domain"],
        type=kind,
        level=data["level"],
        difficulty=int(data["difficulty"]),
        competencies=tuple(data.get("competencies", ())),
        stem=data["stem"],
        explanation=data.get("explanation", ""),
        tags=tuple(data.get("tags", ())),
        scenario=data.get("scenario"),
        options=tuple(choice(**option) for option in data.get("options", ())),
        pairs=tuple(Pair(**pair) for pair in data.get("pairs", ())),
        gaps=tuple(Gap(**gap) for gap in data.get("gaps", ())),
        numeric=NumericKey(**numeric) if numeric else None,
        accepted=tuple(data.get("accepted", ())),
        mistakes=tuple(Mistake(**mistake) for mistake in data.get("mistakes", ())),
        source=Location(file=source.get("file"), line=source.get("line")),
    )


def scenario_to_json(scenario: Scenario) -> dict[str, Any]:
    return {
        "id": scenario.id,
        "title": scenario.title,
        "text": scenario.text,
        "domain": scenario.domain,
    }


def scenario_from_json(data: dict[str, Any]) -> Scenario:
    return Scenario(data["id"], data["title"], data["text"], data["domain"])


def domain_to_json(domain: Domain) -> dict[str, Any]:
    return {"id": domain.id, "name": domain.name, "summary": domain.summary}


def domain_from_json(data: dict[str, Any]) -> Domain:
    return Domain(data["id"], data["name"], data["summary"])
