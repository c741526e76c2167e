"""Question banks: loading (bundled or the user's), linting and listing as JSON-ready data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pmpath.exams.authoring import load_bank
from pmpath.exams.items import Bank, Item, ItemType
from pmpath.exams.lint import lint_bank
from pmpath.framework import Framework

Json = dict[str, Any]
BUNDLED_BANK_ID = "pm-core"


def bundled_bank_path(bank_id: str = BUNDLED_BANK_ID) -> Path:
    return Path(str(resources.files("pmpath") / "content" / "banks" / bank_id))


def open_bank(framework: Framework, path: Path | None = None) -> Bank:
    """The bank in ``path``, or the bundled one."""
    return load_bank(path if path is not None else bundled_bank_path(), framework)


def key_of(item: Item) -> Any:
    """The correct answer, in the shape a response takes (see pmpath.exams.scoring)."""
    if item.type in (ItemType.SINGLE, ItemType.TRUE_FALSE):
        return item.key_ids[0]
    if item.type is ItemType.MULTIPLE:
        return list(item.key_ids)
    if item.type is ItemType.NUMERIC:
        assert item.numeric is not None
        return {
            "answer": item.numeric.answer,
            "tolerance": item.numeric.tolerance,
            "unit": item.numeric.unit,
        }
    if item.type is ItemType.ORDERING:
        return [option.id for option in item.options]
    if item.type is ItemType.MATCHING:
        return {pair.left: pair.right_id for pair in item.pairs if pair.left is not None}
    return list(item.accepted)


def item_json(item: Item) -> Json:
    """Every field of an item, key and explanations included (for authors, never for learners)."""
    return {
        "id": item.id,
        "domain": item.domain,
        "type": item.type.value,
        "level": item.level,
        "difficulty": item.difficulty,
        "competencies": list(item.competencies),
        "tags": list(item.tags),
        "scenario": item.scenario,
        "stem": item.stem,
        "options": [
            {"id": o.id, "text": o.text, "correct": o.correct, "rationale": o.rationale}
            for o in item.options
        ],
        "lefts": [pair.left for pair in item.pairs if pair.left is not None],
        "key": key_of(item),
        "mistakes": [{"answer": m.answer, "rationale": m.rationale} for m in item.mistakes],
        "explanation": item.explanation,
        "source": {"file": item.source.file, "line": item.source.line},
    }


def bank_summary(bank: Bank) -> Json:
    """Counts by domain, level and type, and the share in scenario sets and numeric items."""
    total = len(bank.items)
    by: dict[str, dict[str, int]] = {"domain": {}, "level": {}, "type": {}}
    for item in bank.items:
        for field, value in (
            ("domain", item.domain),
            ("level", item.level),
            ("type", item.type.value),
        ):
            by[field][value] = by[field].get(value, 0) + 1
    in_scenarios = sum(1 for item in bank.items if item.scenario)
    return {
        "id": bank.id,
        "items": total,
        "domains": [
            {"id": d.id, "name": d.name, "items": by["domain"].get(d.id, 0)} for d in bank.domains
        ],
        "by_level": by["level"],
        "by_type": by["type"],
        "scenario_sets": len(bank.scenarios),
        "in_scenario_sets": in_scenarios,
        "scenario_share": round(in_scenarios / total, 3) if total else 0.0,
        "numeric_share": round(by["type"].get("numeric", 0) / total, 3) if total else 0.0,
    }


def lint_report(bank: Bank) -> Json:
    findings = lint_bank(bank)
    return {
        "bank": bank_summary(bank),
        "errors": sum(1 for f in findings if f.severity == "error"),
        "warnings": sum(1 for f in findings if f.severity == "warning"),
        "findings": [
            {
                "severity": f.severity,
                "code": f.code,
                "message": f.message,
                "file": f.location.file,
                "line": f.location.line,
            }
            for f in findings
        ],
    }
