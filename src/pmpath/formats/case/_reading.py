"""Reading a CASE CFPackage (1.0 or 1.1) into the tree pmpath needs, every problem located.

Only what becomes part of a ladder is checked: the document, the items, the isChildOf tree and
the rubric levels. Attributes pmpath does not use may be missing or malformed; a reader that
refused them would refuse real files for nothing.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pmpath.errors import FieldPath, FormatError, Location
from pmpath.formats.safety import decode_text

Json = dict[str, Any]


@dataclass(frozen=True)
class Item:
    """A CFItem: where it is in the file and the statements pmpath uses."""

    index: int
    identifier: str
    full_statement: str
    abbreviated: str | None
    code: str | None
    item_type: str | None

    @property
    def path(self) -> FieldPath:
        return ("CFItems", self.index)

    @property
    def label(self) -> str:
        return self.abbreviated or self.full_statement


@dataclass(frozen=True)
class Level:
    """One CFRubricCriterionLevel."""

    path: FieldPath
    quality: str | None
    description: str | None
    score: float | None
    position: int | None


@dataclass(frozen=True)
class Criterion:
    """The rubric criterion that describes an item, with its levels."""

    path: FieldPath
    levels: list[Level]


@dataclass
class Package:
    """A CFPackage as a tree: the document, its items, who is whose child, and rubrics."""

    source: str
    document: Json
    items: dict[str, Item]
    #: child identifier -> (parent identifier, sequence number, association path); the
    #: document's identifier is the parent of top-level items.
    parent: dict[str, tuple[str, float, FieldPath]] = field(default_factory=dict)
    criteria: dict[str, Criterion] = field(default_factory=dict)
    extension: Any = None
    warnings: list[str] = field(default_factory=list)
    _children: dict[str, list[Item]] | None = field(default=None, repr=False)

    @property
    def document_id(self) -> str:
        return str(self.document["identifier"])

    def children(self, parent_id: str) -> list[Item]:
        """The items under ``parent_id``, by sequence number, then by order in the file."""
        if self._children is None:
            # Indexed once: state standards run to tens of thousands of items, and a scan of
            # every association per item would take minutes.
            found: dict[str, list[tuple[float, int, Item]]] = {}
            for child, (parent, seq, _path) in self.parent.items():
                item = self.items[child]
                found.setdefault(parent, []).append((seq, item.index, item))
            self._children = {
                parent: [item for _seq, _index, item in sorted(rows, key=lambda row: row[:2])]
                for parent, rows in found.items()
            }
        return self._children.get(parent_id, [])

    def error(self, message: str, path: FieldPath = ()) -> FormatError:
        return FormatError(message, Location(file=self.source, field_path=path))


def read_package(data: bytes, source: str) -> Package:
    """The CFPackage in ``data``, or a :class:`FormatError` naming the JSON path at fault."""
    root = _parse_json(data, source)
    if not isinstance(root, dict):
        raise FormatError(
            f"not a CASE package: the file holds a JSON {_kind(root)}, not an object",
            Location(file=source),
        )
    if "CFDocument" not in root:
        hint = (
            "; this looks like a single CFDocument: fetch its CFPackage "
            "(…/ims/case/v1p0/CFPackages/IDENTIFIER) instead"
            if "CFPackageURI" in root
            else ""
        )
        raise FormatError(
            "not a CASE package: the top level has no CFDocument (a CFPackage holds "
            f"CFDocument, CFItems, CFAssociations and CFRubrics){hint}",
            Location(file=source),
        )
    reader = _Reader(source)
    document = reader.obj(root["CFDocument"], ("CFDocument",))
    reader.text(document, "identifier", ("CFDocument",))
    reader.text(document, "title", ("CFDocument",))
    package = Package(source, document, {})
    for index, value in enumerate(reader.array(root, "CFItems", ())):
        item = reader.item(value, index)
        if item.identifier in package.items or item.identifier == package.document_id:
            raise package.error(
                f"identifier {item.identifier!r} is used twice", (*item.path, "identifier")
            )
        package.items[item.identifier] = item
    _read_tree(reader, root, package)
    _read_rubrics(reader, root, package)
    extensions = root.get("extensions")
    if isinstance(extensions, dict):
        package.extension = extensions.get("pmpath")
    return package


def _parse_json(data: bytes, source: str) -> Any:
    text = decode_text(data, source)  # size limit, encodings, a located error

    def refuse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        value = json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"not JSON: {exc.msg} (column {exc.colno})", Location(file=source, line=exc.lineno)
        ) from None
    except (ValueError, RecursionError) as exc:
        # Python's parser gives up past about a thousand levels; no package nests ten.
        message = "it is nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise FormatError(f"not JSON: {message}", Location(file=source)) from None
    return value


def _kind(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


class _Reader:
    """Typed access to JSON values, each failure a FormatError at its path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str, path: FieldPath) -> FormatError:
        return FormatError(message, Location(file=self.source, field_path=path))

    def obj(self, value: Any, path: FieldPath) -> Json:
        if not isinstance(value, dict):
            raise self.fail(f"must be an object, not a JSON {_kind(value)}", path)
        return value

    def array(self, parent: Json, key: str, path: FieldPath) -> list[Any]:
        value = parent.get(key)
        if value is None:  # every collection of a package may be missing or empty
            return []
        if not isinstance(value, list):
            raise self.fail(f"must be an array, not a JSON {_kind(value)}", (*path, key))
        return value

    def text(self, parent: Json, key: str, path: FieldPath) -> str:
        value = self.optional_text(parent, key, path)
        if value is None:
            raise self.fail(f"{key} is required", (*path, key))
        return value

    def optional_text(self, parent: Json, key: str, path: FieldPath) -> str | None:
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(f"must be a string, not a JSON {_kind(value)}", (*path, key))
        return value.strip() or None

    def number(self, parent: Json, key: str, path: FieldPath) -> float | None:
        value = parent.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"must be a number, not a JSON {_kind(value)}", (*path, key))
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise self.fail("is too large a number", (*path, key))
        return number

    def link_id(self, parent: Json, key: str, path: FieldPath) -> str:
        """The identifier of a LinkURI or LinkGenURI (tables 7.1.35 and 7.1.36)."""
        link = parent.get(key)
        if link is None:
            raise self.fail(f"{key} is required", (*path, key))
        return self.text(self.obj(link, (*path, key)), "identifier", (*path, key))

    def item(self, value: Any, index: int) -> Item:
        path: FieldPath = ("CFItems", index)
        item = self.obj(value, path)
        return Item(
            index=index,
            identifier=self.text(item, "identifier", path),
            full_statement=self.text(item, "fullStatement", path),
            abbreviated=self.optional_text(item, "abbreviatedStatement", path),
            code=self.optional_text(item, "humanCodingScheme", path),
            item_type=self.optional_text(item, "CFItemType", path),
        )


def _read_tree(reader: _Reader, root: Json, package: Package) -> None:
    """The isChildOf associations as a parent map; dangling ends and cycles are errors."""
    ignored: Counter[str] = Counter()
    for index, value in enumerate(reader.array(root, "CFAssociations", ())):
        path: FieldPath = ("CFAssociations", index)
        association = reader.obj(value, path)
        kind = reader.text(association, "associationType", path)
        if kind != "isChildOf":
            ignored[kind] += 1
            continue
        child = reader.link_id(association, "originNodeURI", path)
        parent = reader.link_id(association, "destinationNodeURI", path)
        if child == package.document_id:
            ignored["isChildOf between documents"] += 1
            continue
        for end, identifier in (("originNodeURI", child), ("destinationNodeURI", parent)):
            if identifier not in package.items and identifier != package.document_id:
                raise package.error(
                    f"names {identifier!r}, which is neither the CFDocument nor a CFItem of "
                    "this package",
                    (*path, end, "identifier"),
                )
        if child in package.parent:
            first = package.parent[child][2]
            package.warnings.append(
                f"{_where(path)}: {package.items[child].label!r} has a second parent; "
                f"kept the first ({_where(first)})"
            )
            continue
        sequence = reader.number(association, "sequenceNumber", path)
        package.parent[child] = (parent, sequence if sequence is not None else float("inf"), path)
    for kind, count in sorted(ignored.items()):
        package.warnings.append(
            f"left out {count} {kind} association{'s' if count != 1 else ''}: a ladder has no "
            "place for them"
        )
    _refuse_cycles(package)


def _refuse_cycles(package: Package) -> None:
    done: set[str] = set()
    for start in package.parent:
        chain: list[str] = []
        node = start
        while node in package.parent and node not in done:
            if node in chain:
                cycle = [package.items[i].label for i in chain[chain.index(node) :]]
                raise package.error(
                    "isChildOf associations form a cycle: " + " -> ".join([*cycle, cycle[0]]),
                    package.parent[node][2],
                )
            chain.append(node)
            node = package.parent[node][0]
        done.update(chain)


def _read_rubrics(reader: _Reader, root: Json, package: Package) -> None:
    for r, value in enumerate(reader.array(root, "CFRubrics", ())):
        rubric_path: FieldPath = ("CFRubrics", r)
        rubric = reader.obj(value, rubric_path)
        for c, criterion_value in enumerate(reader.array(rubric, "CFRubricCriteria", rubric_path)):
            path: FieldPath = (*rubric_path, "CFRubricCriteria", c)
            criterion = reader.obj(criterion_value, path)
            if criterion.get("CFItemURI") is None:
                package.warnings.append(
                    f"{_where(path)}: left out a rubric criterion that names no CFItem"
                )
                continue
            target = reader.link_id(criterion, "CFItemURI", path)
            if target not in package.items:
                raise package.error(
                    f"names {target!r}, which is not a CFItem of this package",
                    (*path, "CFItemURI", "identifier"),
                )
            if target in package.criteria:
                package.warnings.append(
                    f"{_where(path)}: {package.items[target].label!r} already has a rubric "
                    f"criterion ({_where(package.criteria[target].path)}); kept that one"
                )
                continue
            levels = [
                _level(reader, level, (*path, "CFRubricCriterionLevels", n))
                for n, level in enumerate(reader.array(criterion, "CFRubricCriterionLevels", path))
            ]
            package.criteria[target] = Criterion(path, levels)


def _level(reader: _Reader, value: Any, path: FieldPath) -> Level:
    level = reader.obj(value, path)
    position = reader.number(level, "position", path)
    if position is not None and position != int(position):
        raise reader.fail("must be a whole number", (*path, "position"))
    return Level(
        path=path,
        quality=reader.optional_text(level, "quality", path),
        description=reader.optional_text(level, "description", path),
        score=reader.number(level, "score", path),
        position=int(position) if position is not None else None,
    )


def _where(path: FieldPath) -> str:
    from pmpath.errors import format_field_path

    return format_field_path(path)
