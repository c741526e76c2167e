"""YAML documents that remember where everything came from.

Framework files and assessment answer files are written by hand, so every problem in
them must be reported with the file, the line and the field path. A
:class:`YamlDocument` composes the text once into PyYAML's node tree (which keeps line
numbers), rejects keys written twice, builds the Python values from the same tree, and
maps any field path back to the line of the deepest node on it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from pmpath.errors import FieldPath, Location, PmpathError, Problem
from pmpath.localfiles import read_local_file

if TYPE_CHECKING:
    # PyYAML is imported where a document is read, not here: commands that find their
    # framework and bank already parsed in the content cache never need it (~8 ms).
    import yaml

#: Hand-written files; anything bigger is a mistake or an attack.
MAX_FILE_BYTES = 20 * 1024 * 1024

M = TypeVar("M", bound=BaseModel)


def _fast_loader() -> Any:
    """libyaml's safe loader when PyYAML was built with it, else the pure-Python one."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlDocument:
    """The parsed text of one YAML file: its values (``data``) and where each came from."""

    def __init__(
        self, text: str, source: str, error: type[PmpathError], first_line: int = 1
    ) -> None:
        # ``first_line``: where ``text`` starts in its file, for YAML embedded in a larger
        # file (the front matter of a Markdown question).
        self.source = source
        self.error = error
        self._shift = first_line - 1
        self.tree = self._compose(text)
        self._refuse_aliases(self.tree)
        duplicates = self._duplicate_keys(self.tree, ())
        if duplicates:
            raise error(duplicates)
        self.data: Any = self._construct()

    @classmethod
    def read(cls, path: Path | str, error: type[PmpathError]) -> YamlDocument:
        """Read ``path`` as UTF-8 YAML; unreadable files raise ``error`` naming the file."""
        source = str(path)
        raw = read_local_file(path, error, MAX_FILE_BYTES)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise error("is not UTF-8 text", Location(file=source, line=line)) from None
        return cls(text, source, error)

    def line_of(self, path: FieldPath) -> int | None:
        """The 1-based line of the deepest node along ``path`` (a key's own line for mappings)."""
        import yaml

        if self.tree is None:
            return None
        node: yaml.Node = self.tree
        line = node.start_mark.line + 1 + self._shift
        for part in path:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if str(key.value) == str(part):
                        line, node = key.start_mark.line + 1 + self._shift, value
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return line
                node = node.value[part]
                line = node.start_mark.line + 1 + self._shift
            else:
                return line
        return line

    def problem(self, path: FieldPath, message: str) -> Problem:
        """A problem located at ``path`` in this document."""
        return Problem(
            message, Location(file=self.source, line=self.line_of(path), field_path=path)
        )

    def validate(self, model: type[M], what: str) -> M:
        """The document as ``model``; shape errors raise ``self.error`` with every problem.

        ``what`` names the kind of file in the message for a document that is not a mapping.
        """
        if not isinstance(self.data, dict):
            raise self.error(
                f"{what} must be a YAML mapping of fields",
                Location(file=self.source, line=1 + self._shift),
            )
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise self.error(validation_problems(exc, self.problem)) from None

    def _compose(self, text: str) -> yaml.Node | None:
        # libyaml composes several times faster (a 600-question bank has 700 front matters);
        # on an error the pure-Python parser runs again for its clearer message.
        import yaml

        try:
            return yaml.compose(text, Loader=_fast_loader())
        except yaml.YAMLError:
            pass
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            raise self._yaml_error(exc) from None
        except yaml.YAMLError as exc:
            raise self.error(f"invalid YAML: {exc}", Location(file=self.source)) from None

    def _refuse_aliases(self, root: yaml.Node | None) -> None:
        # An alias (*name) makes the composed tree share the anchored node. Hand-written
        # pmpath files never need one, and nested aliases multiply a few lines into billions
        # of values ("billion laughs"): every walk of the tree would run for ever. A node met
        # twice on one walk is an alias.
        import yaml

        seen: set[int] = set()
        stack = [root] if root is not None else []
        while stack:
            node = stack.pop()
            if id(node) in seen:
                raise self.error(
                    "this value is reused by a YAML alias (*name); anchors and aliases are not "
                    "supported: write the value out in full",
                    Location(file=self.source, line=node.start_mark.line + 1 + self._shift),
                )
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    stack += (key, value)
            elif isinstance(node, yaml.SequenceNode):
                stack += node.value

    def _construct(self) -> Any:
        import yaml

        if self.tree is None:
            return None
        loader = _fast_loader()("")
        try:
            return loader.construct_document(self.tree)
        except yaml.MarkedYAMLError as exc:
            raise self._yaml_error(exc) from None
        except ValueError:
            # A plain scalar shaped like a date that is no day (2026-13-01) makes PyYAML raise
            # a bare ValueError without a mark; find it, to say where.
            raise self._bad_date(self.tree) from None
        finally:
            loader.dispose()

    def _bad_date(self, root: yaml.Node) -> PmpathError:
        import yaml

        constructor = yaml.SafeLoader("")
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                stack += [part for pair in reversed(node.value) for part in reversed(pair)]
            elif isinstance(node, yaml.SequenceNode):
                stack += reversed(node.value)
            elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
                try:
                    constructor.construct_yaml_timestamp(node)
                except ValueError as exc:
                    return self.error(
                        f"{node.value!r} is not a real date ({exc})",
                        Location(file=self.source, line=node.start_mark.line + 1 + self._shift),
                    )
        return self.error("invalid YAML: a value cannot be read", Location(file=self.source))

    def _yaml_error(self, exc: yaml.MarkedYAMLError) -> PmpathError:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + self._shift if mark is not None else None
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return self.error(f"invalid YAML: {what}", Location(file=self.source, line=line))

    def _duplicate_keys(self, node: yaml.Node | None, path: FieldPath) -> list[Problem]:
        # PyYAML keeps the last of two equal keys without a word; an author who wrote
        # the same field twice deserves to hear about it.
        import yaml

        problems: list[Problem] = []
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                name = str(key.value)
                if name in seen:
                    problems.append(
                        Problem(
                            f"key {name!r} appears more than once in this mapping",
                            Location(
                                file=self.source,
                                line=key.start_mark.line + 1 + self._shift,
                                field_path=(*path, name),
                            ),
                        )
                    )
                seen.add(name)
                problems += self._duplicate_keys(value, (*path, name))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                problems += self._duplicate_keys(item, (*path, index))
        return problems


def validation_problems(
    exc: ValidationError, locate: Callable[[FieldPath, str], Problem]
) -> list[Problem]:
    """pydantic's errors as problems, with friendlier messages; ``locate`` places each one."""
    return [locate(_clean_loc(err["loc"]), _message(err)) for err in exc.errors()]


def _clean_loc(loc: tuple[Any, ...]) -> FieldPath:
    # pydantic adds markers such as "[key]" for dictionary keys; they are not fields.
    return tuple(part for part in loc if part != "[key]")


_FRIENDLIER = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (check the spelling against the format's documentation)",
}


def _message(err: Any) -> str:
    kind = err["type"]
    if kind in _FRIENDLIER:
        return str(_FRIENDLIER[kind])
    if "input" in err and err["input"] is None:
        # YAML reads "summary:" with nothing after it as null; pydantic would say
        # "Input should be a valid string (got None)", which names neither YAML nor the fix.
        return "is empty: give it a value (a blank after the colon reads as nothing)"
    if kind == "string_pattern_mismatch":
        return (
            f"{_short(repr(err['input']))} is not a kebab-case id "
            "(lowercase letters, digits and single hyphens)"
        )
    if "input" in err and not isinstance(err["input"], dict | list):
        return f"{err['msg']} (got {_short(repr(err['input']))})"
    return str(err["msg"])


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
