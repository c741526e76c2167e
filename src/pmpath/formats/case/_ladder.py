"""From a read CFPackage to a ladder file: competencies and areas from the item tree, the scale
and behaviours from the rubrics, and the rest from pmpath's extension or another ladder.

A CASE package describes competencies only; a ladder also needs stages and roles that expect a
level in every competency. Nothing here makes those up: they come from pmpath's own extension
(a package pmpath wrote), from a ladder the user names (``roles_from``), or they are reported
missing and the result is a competency library, not a ladder.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from pmpath.errors import FieldPath, FormatError, Location, Problem
from pmpath.formats.case._reading import Item, Level, Package, read_package
from pmpath.formats.case._vocabulary import AREA_TYPE, EXTENSION_FORMAT, LADDER_SECTIONS
from pmpath.framework.model import FORMAT_VERSION, Framework
from pmpath.framework.rules import check_framework

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_NOT_ID = re.compile(r"[^a-z0-9]+")
_MAX_ID = 80  # the framework format's limit
_SHORT_NAME = 80
_SCALE_WARNING = "a CASE package says what a level means per competency only"


@dataclass(frozen=True)
class CaseImport:
    """What ``pmpath framework import`` writes, and what it has to say about it."""

    data: dict[str, Any]
    """The framework file's content, in the order the file lists it."""
    framework: Framework | None
    """The validated ladder; None when the package only gave a competency library."""
    origin: str
    """"pmpath" for a package pmpath wrote (with its extension), else "case"."""
    missing: list[str] = field(default_factory=list)
    """What a competency library lacks to be a ladder, one sentence each."""
    warnings: list[str] = field(default_factory=list)


def import_package(
    data: bytes,
    source: str,
    roles_from: Framework | None = None,
    roles_source: str = "<ladder>",
) -> CaseImport:
    """Read the CFPackage in ``data`` and build a ladder from it.

    With pmpath's extension the ladder is the one exported. Otherwise (or when ``roles_from``
    is given, which then wins) stages, roles and everything else come from ``roles_from``,
    whose expectations must name exactly the package's competencies. Without either the
    result is a competency library (``framework`` is None) and ``missing`` says what to add.
    Raises :class:`FormatError` with the file and JSON path of every problem.
    """
    package = read_package(data, source)
    return _Builder(package, roles_from, roles_source).build()


@dataclass
class _Competency:
    item: Item
    area: str
    behaviours: dict[int, str]
    level_paths: dict[int, FieldPath]


class _Builder:
    def __init__(self, package: Package, roles_from: Framework | None, roles_source: str) -> None:
        self.package = package
        self.roles_from = roles_from
        self.roles_source = roles_source
        self.warnings = list(package.warnings)
        self.extension = self._extension()
        self.origin = "pmpath" if self.extension is not None else "case"
        self.area_paths: list[FieldPath] = []
        self.competency_paths: list[tuple[FieldPath, FieldPath | None, dict[int, FieldPath]]] = []
        self.scale_path: FieldPath = ("extensions", "pmpath", "framework", "scale")

    # -- the parts -----------------------------------------------------------------------------

    def _extension(self) -> dict[str, Any] | None:
        value = self.package.extension
        if value is None:
            return None
        base: FieldPath = ("extensions", "pmpath")
        if not isinstance(value, dict) or not isinstance(value.get("framework"), dict):
            raise self.package.error("pmpath's extension must be an object with a framework", base)
        if value.get("format") != EXTENSION_FORMAT:
            raise self.package.error(
                f"version {value.get('format')!r} of pmpath's extension is not one this pmpath "
                f"reads (it reads version {EXTENSION_FORMAT})",
                (*base, "format"),
            )
        framework: dict[str, Any] = value["framework"]
        return framework

    def build(self) -> CaseImport:
        package = self.package
        areas, competencies = self._tree()
        area_ids = self._ids([item for item, _path in areas], "area")
        competency_ids = self._ids([comp.item for comp in competencies], "competency")
        scale = self._scale(competencies)
        questions = self._interview_questions()
        document = package.document
        title = str(document["title"]).strip()
        summary = _text(document.get("description"))
        if summary is None:
            summary = title
            self.warnings.append(
                "CFDocument has no description; the ladder's summary repeats its title"
            )
        data: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "id": self._framework_id(title),
            "name": title,
            "version": _text(document.get("version")) or "1",
            "summary": summary,
            "scale": scale,
            "areas": [
                {
                    "id": area_ids[item.identifier],
                    "name": _name(item),
                    "summary": item.full_statement,
                }
                for item, _path in areas
            ],
            "competencies": [
                {
                    "id": competency_ids[comp.item.identifier],
                    "name": _name(comp.item),
                    "area": area_ids[comp.area],
                    "summary": comp.item.full_statement,
                    "behaviours": comp.behaviours,
                    **(
                        {"interview_questions": questions[competency_ids[comp.item.identifier]]}
                        if competency_ids[comp.item.identifier] in questions
                        else {}
                    ),
                }
                for comp in competencies
            ],
        }
        self.area_paths = [path for _item, path in areas]
        self.competency_paths = [
            (
                comp.item.path,
                package.criteria[comp.item.identifier].path
                if comp.item.identifier in package.criteria
                else None,
                comp.level_paths,
            )
            for comp in competencies
        ]
        rest = self._rest()
        if rest is None:
            return self._library(data, competencies)
        if not scale:
            raise package.error(
                "no rubric levels describe these competencies, so there is no scale and no "
                "behaviour per level, which a ladder needs; import without --roles-from to get "
                "the competencies as a library and write them",
                ("CFRubrics",),
            )
        data.update(rest)
        framework = self._validated(data)
        return CaseImport(data, framework, self.origin, warnings=self.warnings)

    def _framework_id(self, title: str) -> str:
        if self.roles_from is not None:  # the ladder being brought up to date keeps its id
            return self.roles_from.id
        if self.extension is not None and isinstance(self.extension.get("id"), str):
            return str(self.extension["id"])
        return _slug(title, "framework")

    def _tree(self) -> tuple[list[tuple[Item, FieldPath]], list[_Competency]]:
        """Areas (with the path naming each) and competencies, in document order."""
        package = self.package
        document_id = package.document_id
        has_children = {parent for parent, _seq, _path in package.parent.values()}
        order: list[Item] = []
        roots = package.children(document_id) + [
            item for item in package.items.values() if item.identifier not in package.parent
        ]
        pending = list(reversed(roots))
        while pending:  # depth first, siblings in sequence order
            item = pending.pop()
            order.append(item)
            pending += reversed(package.children(item.identifier))

        def is_competency(item: Item) -> bool:
            if item.identifier in package.criteria:
                return True
            return item.identifier not in has_children and item.item_type != AREA_TYPE

        areas: dict[str, tuple[Item, FieldPath]] = {}
        competencies: list[_Competency] = []
        document_area: Item | None = None
        for item in order:
            if not is_competency(item):
                continue
            parent = package.parent.get(item.identifier, (document_id, 0.0, ()))[0]
            while parent != document_id and is_competency(package.items[parent]):
                parent = package.parent.get(parent, (document_id, 0.0, ()))[0]
            if parent == document_id:
                # Competencies straight under the document share one area named after it.
                document_area = document_area or Item(
                    -1,
                    document_id,
                    _text(package.document.get("description")) or str(package.document["title"]),
                    str(package.document["title"]).strip(),
                    None,
                    None,
                )
                areas.setdefault(document_id, (document_area, ("CFDocument",)))
            else:
                areas.setdefault(parent, (package.items[parent], package.items[parent].path))
            behaviours, paths = self._behaviours(item)
            competencies.append(_Competency(item, parent, behaviours, paths))
        for item in order:  # areas without competencies still belong to the ladder
            if item.item_type == AREA_TYPE and not is_competency(item):
                areas.setdefault(item.identifier, (item, item.path))
        dropped = [
            item.label for item in order if not is_competency(item) and item.identifier not in areas
        ]
        if dropped:
            self.warnings.append(
                f"left out {len(dropped)} grouping item{'s' if len(dropped) != 1 else ''} above "
                f"the areas (a ladder has one level of areas): {_listed(dropped)}"
            )
        ordered_areas = [areas[key] for key in _area_order(order, areas, package.document_id)]
        return ordered_areas, self._in_exported_order(competencies)

    def _in_exported_order(self, competencies: list[_Competency]) -> list[_Competency]:
        wanted = self.extension.get("competency_order") if self.extension else None
        if not isinstance(wanted, list):
            return competencies
        rank = {value: n for n, value in enumerate(wanted) if isinstance(value, str)}
        return sorted(competencies, key=lambda comp: rank.get(comp.item.code or "", len(rank)))

    def _behaviours(self, item: Item) -> tuple[dict[int, str], dict[int, FieldPath]]:
        criterion = self.package.criteria.get(item.identifier)
        if criterion is None:
            return {}, {}
        behaviours: dict[int, str] = {}
        paths: dict[int, FieldPath] = {}
        for number, level in enumerate(_ordered(criterion.levels), start=1):
            paths[number] = level.path
            if level.description:
                behaviours[number] = level.description
        return behaviours, paths

    def _ids(self, items: list[Item], kind: str) -> dict[str, str]:
        """A kebab-case id per item: its humanCodingScheme when it is one, else a slug of its
        code or statement; made unique with -2, -3, ... (with a warning)."""
        ids: dict[str, str] = {}
        taken: set[str] = set()
        for item in items:
            if item.code and _ID.match(item.code) and len(item.code) <= _MAX_ID:
                wanted = item.code
            else:
                wanted = _slug(item.code or item.label, kind)
            chosen, n = wanted, 1
            while chosen in taken:
                n += 1
                suffix = f"-{n}"
                chosen = wanted[: _MAX_ID - len(suffix)].rstrip("-") + suffix
            if chosen != wanted:
                self.warnings.append(
                    f"{item.label!r}: the id {wanted!r} is taken; this {kind} is {chosen!r}"
                )
            taken.add(chosen)
            ids[item.identifier] = chosen
        return ids

    def _scale(self, competencies: list[_Competency]) -> list[dict[str, Any]]:
        if self.extension is not None and self.roles_from is None:
            scale = self.extension.get("scale")
            return scale if isinstance(scale, list) else []
        from_rubrics = self._rubric_scale(competencies)
        ladder = self.roles_from
        if ladder is not None and len(ladder.scale) == len(from_rubrics):
            # The ladder's own scale says what each level means for any competency, which a
            # rubric cannot; keep it when the package has as many levels.
            self.warnings = [w for w in self.warnings if not w.startswith(_SCALE_WARNING)]
            names = [step["name"] for step in from_rubrics]
            if names != [step.name for step in ladder.scale]:
                self.warnings.append(
                    f"the package names its levels {', '.join(names)}; the ladder's scale "
                    "(names and summaries) is kept"
                )
            return [step.model_dump(mode="json") for step in ladder.scale]
        return from_rubrics

    def _rubric_scale(self, competencies: list[_Competency]) -> list[dict[str, Any]]:
        described = [
            (comp, self.package.criteria[comp.item.identifier])
            for comp in competencies
            if comp.item.identifier in self.package.criteria
        ]
        if not described:
            return []
        first_comp, first = described[0]
        levels = _ordered(first.levels)
        self.scale_path = first.path
        for comp, criterion in described[1:]:
            if len(criterion.levels) != len(levels):
                raise self.package.error(
                    f"this rubric criterion has {len(criterion.levels)} levels but the one of "
                    f"{first_comp.item.label!r} ({_where(first.path)}) has {len(levels)}; a "
                    "ladder's scale needs the same levels for every competency",
                    (*criterion.path, "CFRubricCriterionLevels"),
                )
            names = [level.quality for level in _ordered(criterion.levels)]
            if names != [level.quality for level in levels]:
                self.warnings.append(
                    f"rubric levels are named differently for {comp.item.label!r}; the scale "
                    f"uses the names of {first_comp.item.label!r}"
                )
                break
        self.warnings.append(
            f"{_SCALE_WARNING}; the scale's summaries repeat the level names: describe each "
            "level in scale[].summary"
        )
        return [
            {
                "level": number,
                "name": level.quality or f"Level {number}",
                "summary": level.quality or f"Level {number}",
            }
            for number, level in enumerate(levels, start=1)
        ]

    def _interview_questions(self) -> dict[str, Any]:
        """Interview questions by competency id, from ``roles_from`` when given (it wins, as for
        the rest of the ladder), else from pmpath's extension; a plain CASE package has none."""
        if self.roles_from is not None:
            return {
                comp.id: [q.model_dump(mode="json") for q in comp.interview_questions]
                for comp in self.roles_from.competencies
                if comp.interview_questions
            }
        found = self.extension.get("interview_questions", {}) if self.extension else {}
        if not isinstance(found, dict):
            raise self.package.error(
                "interview_questions must map competency ids to lists of questions",
                ("extensions", "pmpath", "framework", "interview_questions"),
            )
        return found

    def _rest(self) -> dict[str, Any] | None:
        if self.roles_from is not None:
            dumped = self.roles_from.model_dump(mode="json", include=set(LADDER_SECTIONS))
            return {section: dumped[section] for section in LADDER_SECTIONS}
        if self.extension is not None:
            return {
                section: self.extension[section]
                for section in LADDER_SECTIONS
                if section in self.extension
            }
        return None

    # -- results -------------------------------------------------------------------------------

    def _library(self, data: dict[str, Any], competencies: list[_Competency]) -> CaseImport:
        levels = len(data["scale"])
        scale = f" (1-{levels})" if levels >= 2 else " on the scale"
        missing = [
            "stages: the phases of the career, in order",
            f"roles: each with a stage, a track, responsibilities and an expected level{scale} "
            f"for every one of the {len(competencies)} competencies",
        ]
        if levels < 2:
            missing.append(
                "scale: the package has no rubric levels, so pmpath cannot tell the levels of "
                "proficiency; write at least two"
            )
        lacking = [
            data["competencies"][n]["id"]
            for n in range(len(competencies))
            if len(data["competencies"][n]["behaviours"]) < levels or levels < 2
        ]
        if lacking:
            missing.append(
                f"behaviours for every level of the scale in {len(lacking)} "
                f"compet{'encies' if len(lacking) != 1 else 'ency'}: {_listed(lacking)}"
            )
        return CaseImport(data, None, self.origin, missing, self.warnings)

    def _validated(self, data: dict[str, Any]) -> Framework:
        try:
            framework = Framework.model_validate(data)
        except ValidationError as exc:
            problems = [
                self._problem(tuple(error["loc"]), _pydantic_message(error))
                for error in exc.errors()
            ]
            raise FormatError(problems) from None
        findings = check_framework(framework)
        if findings:
            raise FormatError([self._problem(path, message) for path, message in findings])
        return framework

    def _problem(self, path: FieldPath, message: str) -> Problem:
        """A finding about the built ladder, placed where its content came from."""
        source = self.package.source
        head = path[0] if path else ""
        if head in LADDER_SECTIONS:
            if self.roles_from is not None:
                return Problem(message, Location(file=self.roles_source, field_path=path))
            return Problem(
                message,
                Location(file=source, field_path=("extensions", "pmpath", "framework", *path)),
            )
        if head == "competencies" and len(path) > 1 and isinstance(path[1], int):
            item_path, criterion_path, level_paths = self.competency_paths[path[1]]
            if path[2:3] == ("behaviours",) and criterion_path is not None:
                level = path[3] if len(path) > 3 else None
                where = (
                    level_paths.get(level, criterion_path)
                    if isinstance(level, int)
                    else criterion_path
                )
                return Problem(message, Location(file=source, field_path=where))
            return Problem(message, Location(file=source, field_path=item_path))
        if head == "areas" and len(path) > 1 and isinstance(path[1], int):
            return Problem(message, Location(file=source, field_path=self.area_paths[path[1]]))
        if head == "scale":
            return Problem(message, Location(file=source, field_path=(*self.scale_path, *path[1:])))
        document_fields = {"name": "title", "summary": "description", "version": "version"}
        if head in document_fields:
            field_path: FieldPath = ("CFDocument", document_fields[str(head)])
            return Problem(message, Location(file=source, field_path=field_path))
        return Problem(f"{_where(path)}: {message}" if path else message, Location(file=source))


def _name(item: Item) -> str:
    """A short name: the abbreviated statement, else a short full statement, else the code.

    Standards often have only a long fullStatement and a code such as "SL.CC.1"; a sentence
    of a paragraph makes a poor name in lists, and the full statement stays as the summary.
    """
    if item.abbreviated:
        return item.abbreviated
    if len(item.full_statement) <= _SHORT_NAME or not item.code:
        return item.full_statement
    return item.code


def _ordered(levels: list[Level]) -> list[Level]:
    """Rubric levels from lowest to highest: by score, else by position, else as listed."""
    scores = [level.score for level in levels]
    if all(score is not None for score in scores) and len(set(scores)) == len(scores):
        return sorted(levels, key=lambda level: level.score or 0.0)
    positions = [level.position for level in levels]
    if all(p is not None for p in positions) and len(set(positions)) == len(positions):
        return sorted(levels, key=lambda level: level.position or 0)
    return list(levels)


def _area_order(order: list[Item], areas: dict[str, Any], document_id: str) -> list[str]:
    keys = [item.identifier for item in order if item.identifier in areas]
    return ([document_id] if document_id in areas else []) + keys


def _slug(text: str, fallback: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_ID.sub("-", ascii_text.lower()).strip("-")[:_MAX_ID].strip("-")
    return slug or fallback


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _listed(names: list[str], shown: int = 5) -> str:
    text = ", ".join(names[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _where(path: FieldPath) -> str:
    from pmpath.errors import format_field_path

    return format_field_path(path)


def _pydantic_message(error: Any) -> str:
    message = str(error["msg"])
    return message[:1].lower() + message[1:]
