"""The house rules of docs/architecture.md that a machine can check."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "pmpath"
MAX_MODULE_LINES = 800
MAX_CLASS_LINES = 400


def modules() -> list[Path]:
    return [path for path in SRC.rglob("*.py") if "migrations" not in path.parts]


def test_no_module_is_over_800_lines() -> None:
    too_long = {
        str(path.relative_to(SRC)): lines
        for path in modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}


def test_no_class_is_over_400_lines() -> None:
    too_long = {}
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_CLASS_LINES:
                    too_long[f"{path.relative_to(SRC)}:{node.name}"] = lines
    assert too_long == {}


def test_the_interfaces_never_touch_the_store_or_sql() -> None:
    """The CLI and the web go through the application object and the services."""
    forbidden = re.compile(r"^\s*(from|import)\s+(pmpath\.store|sqlalchemy)\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(SRC))
        for package in ("cli", "web")
        for path in (SRC / package).rglob("*.py")
        if forbidden.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_error_class_lives_in_pmpath_errors() -> None:
    """One hierarchy in one file: a PmpathError subclass elsewhere is a second hierarchy."""
    elsewhere = []
    for path in modules():
        if path.name == "errors.py" and path.parent == SRC:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(base, "id", getattr(base, "attr", "")) for base in node.bases}
                if any(name.endswith("Error") for name in bases):
                    elsewhere.append(f"{path.relative_to(SRC)}:{node.name}")
    assert elsewhere == []
