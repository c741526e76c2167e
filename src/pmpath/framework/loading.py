"""Reading a framework file: YAML → shape check (pydantic) → meaning check (rules).

Every problem found is reported with the file, the line YAML gives for it and the
field path, and all problems are reported at once so an author can fix a file in
one pass. A file with any problem raises :class:`FrameworkError`; nothing half-read
ever leaves this module.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pmpath.errors import FieldPath, FrameworkError, Location, Problem
from pmpath.framework.model import Framework
from pmpath.framework.rules import check_framework

BUNDLED_FRAMEWORK_ID = "product-management"

#: Framework files are hand-written; anything bigger is a mistake or an attack.
MAX_FILE_BYTES = 20 * 1024 * 1024


def bundled_framework_path(framework_id: str = BUNDLED_FRAMEWORK_ID) -> Path:
    """The path of a framework shipped inside the package."""
    root = resources.files("pmpath") / "content" / "frameworks" / f"{framework_id}.yaml"
    return Path(str(root))


def load_framework(path: Path | str) -> Framework:
    """Read, check and return the framework in ``path``, or raise :class:`FrameworkError`."""
    path = Path(path)
    source = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FrameworkError(
                f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
                Location(file=source),
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FrameworkError("no such file", Location(file=source)) from None
    except IsADirectoryError:
        raise FrameworkError(
            "is a directory, not a framework file", Location(file=source)
        ) from None
    except PermissionError:
        raise FrameworkError("permission denied", Location(file=source)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FrameworkError(
            "is not UTF-8 text (framework files must be UTF-8)", Location(file=source, line=line)
        ) from None
    return parse_framework(text, source)


def parse_framework(text: str, source: str = "<framework>") -> Framework:
    """Check and return the framework in the YAML ``text``; ``source`` names it in errors."""
    tree = _compose(text, source)
    problems = _duplicate_keys(tree, source)
    if problems:
        raise FrameworkError(problems)
    data = _construct(tree, source)
    if not isinstance(data, dict):
        raise FrameworkError(
            "a framework file must be a YAML mapping with keys such as id, name, scale, roles",
            Location(file=source, line=1),
        )
    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(
            [_problem(source, tree, _clean_loc(err["loc"]), _message(err)) for err in exc.errors()]
        ) from None
    findings = check_framework(framework)
    if findings:
        raise FrameworkError([_problem(source, tree, path, message) for path, message in findings])
    return framework


def _compose(text: str, source: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, source) from None
    except yaml.YAMLError as exc:
        raise FrameworkError(f"invalid YAML: {exc}", Location(file=source)) from None


def _yaml_error(exc: yaml.MarkedYAMLError, source: str) -> FrameworkError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    what = " ".join(part for part in (exc.context, exc.problem) if part)
    return FrameworkError(f"invalid YAML: {what}", Location(file=source, line=line))


def _construct(tree: yaml.Node | None, source: str) -> Any:
    """Python values from the composed tree, so the text is parsed only once."""
    if tree is None:
        return None
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(tree)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, source) from None
    finally:
        loader.dispose()


def _duplicate_keys(node: yaml.Node | None, source: str, path: FieldPath = ()) -> list[Problem]:
    # PyYAML keeps the last of two equal keys without a word; an author who wrote a
    # role's expectation twice deserves to hear about it.
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
                            file=source, line=key.start_mark.line + 1, field_path=(*path, name)
                        ),
                    )
                )
            seen.add(name)
            problems += _duplicate_keys(value, source, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _duplicate_keys(item, source, (*path, index))
    return problems


def line_of(tree: yaml.Node | None, path: FieldPath) -> int | None:
    """The 1-based line of the deepest node along ``path`` (a key's own line for mappings)."""
    if tree is None:
        return None
    node: yaml.Node = tree
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    line, node = key.start_mark.line + 1, value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _problem(source: str, tree: yaml.Node | None, path: FieldPath, message: str) -> Problem:
    return Problem(message, Location(file=source, line=line_of(tree, path), field_path=path))


def _clean_loc(loc: tuple[Any, ...]) -> FieldPath:
    # pydantic adds markers such as "[key]" for dictionary keys; they are not fields.
    return tuple(part for part in loc if part != "[key]")


_FRIENDLIER = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (check the spelling; see docs/framework-format.md)",
}


def _message(err: Any) -> str:
    kind = err["type"]
    if kind in _FRIENDLIER:
        return str(_FRIENDLIER[kind])
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
