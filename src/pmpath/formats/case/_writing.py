"""A ladder as a CASE 1.1 CFPackage: areas and competencies as CFItems, the tree as isChildOf
associations, the behaviours as one rubric per competency, and the rest in an extension."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pmpath.formats.case._vocabulary import (
    AREA_TYPE,
    COMPETENCY_TYPE,
    EXTENSION_FORMAT,
    EXTENSION_KEY,
    LADDER_SECTIONS,
    NAMESPACE,
)
from pmpath.framework.model import Framework

Json = dict[str, Any]


@dataclass(frozen=True)
class ExportOptions:
    """What a CASE package needs that a ladder file does not say."""

    changed_at: datetime
    """Every record's ``lastChangeDateTime``; the CLI passes the current time by default."""
    creator: str = "pmpath"
    """The CFDocument's ``creator`` (required by CASE): the organisation behind the ladder."""
    base_uri: str | None = None
    """Where the records will be served; ``uri`` becomes BASE/CFItems/UUID and so on.
    Without it every ``uri`` is ``urn:uuid:UUID``, which names the record but does not resolve."""
    language: str | None = None
    """The CFDocument's and CFItems' ``language``, left out when not given."""
    case_version: str = "1.1"
    """"1.0" leaves out what CASE 1.1 added (``caseVersion``, ``targetType``, ``extensions``)
    for readers that refuse it; the package then carries competencies only, like anyone's."""


def export_package(framework: Framework, options: ExportOptions) -> bytes:
    """The CFPackage JSON of ``framework``, UTF-8, identical for identical input and options."""
    return to_json(package(framework, options))


def to_json(content: Json) -> bytes:
    """A package's JSON values as the UTF-8 text of the file."""
    return (json.dumps(content, indent=2, ensure_ascii=False) + "\n").encode()


def package(framework: Framework, options: ExportOptions) -> Json:
    """The CFPackage of ``framework`` as JSON values."""
    return _Writer(framework, options).package()


class _Writer:
    def __init__(self, framework: Framework, options: ExportOptions) -> None:
        self.fw = framework
        self.options = options
        # The document's identifier depends on the framework id only (not its version), so a
        # revised ladder updates the same framework on a CASE server rather than forking it.
        self.document_id = uuid.uuid5(NAMESPACE, f"document:{framework.id}")
        stamp = options.changed_at.astimezone(UTC).replace(microsecond=0, tzinfo=None)
        self.when = stamp.isoformat() + "Z"  # CASE asks for ISO 8601 date-times; UTC with Z
        self.base = options.base_uri.rstrip("/") if options.base_uri else None
        if options.case_version not in ("1.0", "1.1"):
            raise ValueError(f"CASE version {options.case_version!r}: pmpath writes 1.0 and 1.1")
        self.v11 = options.case_version == "1.1"

    def ident(self, kind: str, key: str) -> str:
        return str(uuid.uuid5(self.document_id, f"{kind}:{key}"))

    def uri(self, collection: str, identifier: str) -> str:
        # The REST binding serves each class under /<class name>s/<identifier>; use that layout.
        return f"{self.base}/{collection}/{identifier}" if self.base else f"urn:uuid:{identifier}"

    def link(self, collection: str, identifier: str, title: str) -> Json:
        """A LinkURI (table 7.1.36): title, identifier and uri, all three required."""
        return {"title": title, "identifier": identifier, "uri": self.uri(collection, identifier)}

    def package(self) -> Json:
        fw = self.fw
        area_type = self.item_type(AREA_TYPE, "1", "A group of related competencies.")
        competency_type = self.item_type(
            COMPETENCY_TYPE,
            "1.1",
            "A skill the ladder expects, with an observable behaviour for every level of its "
            "proficiency scale (its CFRubric).",
        )
        items = [self.area(area, area_type) for area in fw.areas]
        items += [self.competency(comp, competency_type) for comp in fw.competencies]
        associations = [
            self.child_of("area", area.id, area.name, self.document_link(), number)
            for number, area in enumerate(fw.areas, start=1)
        ]
        for area in fw.areas:
            parent = self.link("CFItems", self.ident("area", area.id), area.name)
            members = [comp for comp in fw.competencies if comp.area == area.id]
            associations += [
                self.child_of("competency", comp.id, comp.name, parent, number)
                for number, comp in enumerate(members, start=1)
            ]
        content: Json = {
            "CFDocument": self.document(),
            "CFItems": items,
            "CFAssociations": associations,
            "CFDefinitions": {"CFItemTypes": [area_type, competency_type]},
            "CFRubrics": [self.rubric(comp) for comp in fw.competencies],
        }
        if self.v11:
            content["extensions"] = {EXTENSION_KEY: self.extension()}
        return content

    def document(self) -> Json:
        fw = self.fw
        document: Json = {
            "identifier": str(self.document_id),
            "uri": self.uri("CFDocuments", str(self.document_id)),
            "creator": self.options.creator,
            "title": fw.name,
            "lastChangeDateTime": self.when,
            "description": fw.summary,
            "version": fw.version,
        }
        if self.options.language:
            document["language"] = self.options.language
        if self.v11:
            document["caseVersion"] = "1.1"
        return document

    def document_link(self) -> Json:
        return self.link("CFDocuments", str(self.document_id), self.fw.name)

    def node(self, link: Json) -> Json:
        """A LinkGenURI (table 7.1.35): a LinkURI, with CASE 1.1's targetType."""
        return {**link, "targetType": "CASE"} if self.v11 else link

    def item_type(self, title: str, hierarchy: str, description: str) -> Json:
        identifier = self.ident("item-type", title)
        return {
            "identifier": identifier,
            "uri": self.uri("CFItemTypes", identifier),
            "title": title,
            "description": description,
            "hierarchyCode": hierarchy,
            "lastChangeDateTime": self.when,
        }

    def item(self, kind: str, item_id: str, name: str, summary: str, item_type: Json) -> Json:
        identifier = self.ident(kind, item_id)
        item: Json = {
            "identifier": identifier,
            "uri": self.uri("CFItems", identifier),
            "fullStatement": summary,
            "abbreviatedStatement": name,
            # The pmpath id, so ids survive the trip and CASE users can quote them.
            "humanCodingScheme": item_id,
            "CFItemType": item_type["title"],
            "CFItemTypeURI": self.link("CFItemTypes", item_type["identifier"], item_type["title"]),
            "lastChangeDateTime": self.when,
        }
        if self.options.language:
            item["language"] = self.options.language
        return item

    def area(self, area: Any, area_type: Json) -> Json:
        return self.item("area", area.id, area.name, area.summary, area_type)

    def competency(self, comp: Any, competency_type: Json) -> Json:
        return self.item("competency", comp.id, comp.name, comp.summary, competency_type)

    def child_of(self, kind: str, item_id: str, name: str, parent: Json, number: int) -> Json:
        identifier = self.ident("is-child-of", f"{kind}:{item_id}")
        origin = self.link("CFItems", self.ident(kind, item_id), name)
        return {
            "identifier": identifier,
            "associationType": "isChildOf",
            "sequenceNumber": number,
            "uri": self.uri("CFAssociations", identifier),
            "originNodeURI": self.node(origin),
            "destinationNodeURI": self.node(parent),
            "lastChangeDateTime": self.when,
        }

    def rubric(self, comp: Any) -> Json:
        rubric_id = self.ident("rubric", comp.id)
        criterion_id = self.ident("rubric-criterion", comp.id)
        levels = [
            {
                "identifier": (level_id := self.ident("rubric-level", f"{comp.id}:{step.level}")),
                "uri": self.uri("CFRubricCriterionLevels", level_id),
                "description": comp.behaviours[step.level],
                "quality": step.name,
                "score": float(step.level),
                "position": step.level,
                "rubricCriterionId": criterion_id,
                "lastChangeDateTime": self.when,
            }
            for step in self.fw.scale
        ]
        criterion = {
            "identifier": criterion_id,
            "uri": self.uri("CFRubricCriteria", criterion_id),
            "category": self.fw.area(comp.area).name,
            "CFItemURI": self.link("CFItems", self.ident("competency", comp.id), comp.name),
            "position": 1,
            "rubricId": rubric_id,
            "lastChangeDateTime": self.when,
            "CFRubricCriterionLevels": levels,
        }
        return {
            "identifier": rubric_id,
            "uri": self.uri("CFRubrics", rubric_id),
            "title": comp.name,
            "lastChangeDateTime": self.when,
            "CFRubricCriteria": [criterion],
        }

    def extension(self) -> Json:
        """What CASE has no class for, so that pmpath -> CASE -> pmpath gives the same ladder.

        Areas and competencies are not repeated here: the CFItems and rubrics are their only
        copy, so an edit made in a CASE tool is what comes back.
        """
        fw = self.fw
        data = fw.model_dump(mode="json", include={"format", "id", *LADDER_SECTIONS})
        return {
            "format": EXTENSION_FORMAT,
            "framework": {
                **data,
                "scale": [step.model_dump(mode="json") for step in fw.scale],
                # CASE orders siblings only; this keeps the file order across areas.
                "competency_order": [comp.id for comp in fw.competencies],
                # CASE has no class for interview questions (a rubric level describes a person,
                # not an answer to a question), so they travel here.
                "interview_questions": {
                    comp.id: [q.model_dump(mode="json") for q in comp.interview_questions]
                    for comp in fw.competencies
                    if comp.interview_questions
                },
            },
        }
