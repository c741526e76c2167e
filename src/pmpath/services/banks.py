"""Question banks: loading (bundled or the user's), linting and listing as typed results."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pmpath.exams.authoring import load_bank
from pmpath.exams.items import Bank, GapChoice, Item, ItemType
from pmpath.exams.lint import lint_bank
from pmpath.exams.reviews import coverage
from pmpath.framework import Framework
from pmpath.services.models.banks import (
    BankItems,
    BankSummary,
    DomainCount,
    DomainReviewCoverage,
    ItemDetail,
    Key,
    LintFinding,
    LintReport,
    Mistake,
    NumericKey,
    OptionDetail,
    ReviewCoverage,
    SourceLine,
)

BUNDLED_BANK_ID = "pm-core"


def bundled_bank_path(bank_id: str = BUNDLED_BANK_ID) -> Path:
    return Path(str(resources.files("pmpath") / "content" / "banks" / bank_id))


def open_bank(framework: Framework, path: Path | None = None) -> Bank:
    """The bank in ``path``, or the bundled one."""
    return load_bank(path if path is not None else bundled_bank_path(), framework)


def key_of(item: Item) -> Key:
    """The correct answer, in the shape a response takes (see pmpath.exams.scoring)."""
    if item.type in (ItemType.SINGLE, ItemType.TRUE_FALSE):
        return item.key_ids[0]
    if item.type is ItemType.MULTIPLE:
        return list(item.key_ids)
    if item.type is ItemType.NUMERIC:
        assert item.numeric is not None
        return NumericKey(
            answer=item.numeric.answer, tolerance=item.numeric.tolerance, unit=item.numeric.unit
        )
    if item.type is ItemType.ORDERING:
        return [option.id for option in item.options]
    if item.type is ItemType.MATCHING:
        return {pair.left: pair.right_id for pair in item.pairs if pair.left is not None}
    if item.type is ItemType.GAP:
        return {str(gap.number): gap.key_id for gap in item.gaps}
    return list(item.accepted)


def mistakes_of(item: Item) -> list[Mistake]:
    """The item's plausible wrong answers and why people give them."""
    return [Mistake(answer=m.answer, rationale=m.rationale) for m in item.mistakes]


def item_json(item: Item) -> ItemDetail:
    """Every field of an item, key and explanations included (for authors, never for learners)."""
    return ItemDetail(
        id=item.id,
        domain=item.domain,
        type=item.type,
        level=item.level,
        difficulty=item.difficulty,
        competencies=list(item.competencies),
        tags=list(item.tags),
        scenario=item.scenario,
        stem=item.stem,
        options=[
            OptionDetail(
                id=o.id,
                text=o.text,
                correct=o.correct,
                rationale=o.rationale,
                group=o.group if isinstance(o, GapChoice) else None,
                reusable=o.reusable if isinstance(o, GapChoice) else None,
            )
            for o in item.options
        ],
        lefts=[pair.left for pair in item.pairs if pair.left is not None],
        key=key_of(item),
        mistakes=mistakes_of(item),
        explanation=item.explanation,
        source=SourceLine(file=item.source.file, line=item.source.line),
    )


def bank_items(bank: Bank, domain: str | None = None, level: str | None = None) -> BankItems:
    """The bank's summary and its items, all or only those of ``domain`` and ``level``."""
    return BankItems(
        bank=bank_summary(bank),
        items=[
            item_json(item)
            for item in bank.items
            if (domain is None or item.domain == domain) and (level is None or item.level == level)
        ],
    )


def bank_summary(bank: Bank) -> BankSummary:
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
    return BankSummary(
        id=bank.id,
        items=total,
        domains=[
            DomainCount(id=d.id, name=d.name, items=by["domain"].get(d.id, 0)) for d in bank.domains
        ],
        by_level=by["level"],
        by_type=by["type"],
        scenario_sets=len(bank.scenarios),
        in_scenario_sets=in_scenarios,
        scenario_share=round(in_scenarios / total, 3) if total else 0.0,
        numeric_share=round(by["type"].get("numeric", 0) / total, 3) if total else 0.0,
    )


def review_coverage(bank: Bank) -> ReviewCoverage | None:
    """What the bank's review record covers, or None when it keeps none."""
    if bank.reviews is None:
        return None
    record = coverage(bank.items, bank.reviews)
    return ReviewCoverage(
        items=record.items,
        reviewed=record.reviewed,
        share=round(record.reviewed / record.items, 3) if record.items else 0.0,
        entries=len(bank.reviews),
        reviewers=list(record.reviewers),
        latest_found=record.latest_found,
        domains=[
            DomainReviewCoverage(
                id=domain.id,
                items=record.by_domain.get(domain.id, (0, 0))[0],
                reviewed=record.by_domain.get(domain.id, (0, 0))[1],
            )
            for domain in bank.domains
        ],
        unreviewed=list(record.unreviewed),
    )


def lint_report(bank: Bank) -> LintReport:
    """The bank checked against the item-writing guidelines: counts, every finding, and what
    its review record covers."""
    findings = lint_bank(bank)
    return LintReport(
        bank=bank_summary(bank),
        errors=sum(1 for f in findings if f.severity == "error"),
        warnings=sum(1 for f in findings if f.severity == "warning"),
        findings=[
            LintFinding(
                severity=f.severity,
                code=f.code,
                message=f.message,
                file=f.location.file,
                line=f.location.line,
            )
            for f in findings
        ],
        reviews=review_coverage(bank),
    )
