"""The review record of a bank (docs/bank-format.md, section 6): its entries, every error with
its line, the lint coverage warning and what the CLI shows of it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pmpath.errors import BankError
from pmpath.exams.authoring import load_bank
from pmpath.exams.items import Bank
from pmpath.exams.lint import lint_bank
from pmpath.exams.reviews import Review, coverage
from pmpath.framework import Framework
from pmpath.services.banks import bundled_bank_path
from tests.conftest import DOCS, line_number

SAMPLE_IDS = [f"sample-{n:03d}" for n in range(1, 9)]


def entry(item: str, reviewer: str = "R1", day: str = "2026-12-07", found: str = "ok") -> str:
    return f"- item: {item}\n  reviewer: {reviewer}\n  date: {day}\n  found: {found}\n"


def bank_folder(tmp_path: Path, bank_text: str, reviews: str | None) -> Path:
    """The documented example as a bank folder (its file named agile-and-scrum.md), with
    ``reviews/agile-and-scrum.yaml`` holding ``reviews`` (no reviews/ folder when None)."""
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "agile-and-scrum.md").write_text(bank_text, encoding="utf-8")
    if reviews is not None:
        (folder / "reviews").mkdir()
        (folder / "reviews" / "agile-and-scrum.yaml").write_text(reviews, encoding="utf-8")
    return folder


def problems(folder: Path, fw: Framework) -> list[str]:
    """The problems of loading ``folder``, as 'file name:line: message'."""
    with pytest.raises(BankError) as caught:
        load_bank(folder, fw)
    return [
        f"{Path(p.location.file or '').name}:{p.location.line}: {p.message}"
        for p in caught.value.problems
    ]


def coverage_findings(bank: Bank) -> list[str]:
    return [f.message for f in lint_bank(bank) if f.code == "review-coverage"]


# -- the record as written --


def test_the_documented_example_record_loads(tmp_path: Path, bank_text: str, fw: Framework) -> None:
    page = (DOCS / "bank-format.md").read_text(encoding="utf-8")
    section = page.split("## 6. Review record", 1)[1]
    match = re.search(r"```yaml\n(.*?)```\n", section, re.DOTALL)
    assert match, "docs/bank-format.md lost its review-record example"
    example = match.group(1).replace("agile-014", "sample-001")
    bank = load_bank(bank_folder(tmp_path, bank_text, example), fw)
    assert bank.reviews == (
        Review(
            "sample-001",
            "R1",
            date(2026, 12, 7),
            "minor",
            'Two distractors carried "always"; reworded.',
        ),
        Review("sample-001", "R11", date(2026, 12, 8), "ok"),
    )
    assert bank.reviews is not None
    assert bank.reviews[1].source.line == line_number(example, "reviewer: R11") - 1


def test_every_verdict_and_a_quoted_date_are_accepted(
    tmp_path: Path, bank_text: str, fw: Framework
) -> None:
    record = (
        entry("sample-001", found="ok")
        + entry("sample-002", found="minor")
        + entry("sample-003", found="major")
        + entry("sample-004", found="not recorded", day='"2026-12-06"')
    )
    bank = load_bank(bank_folder(tmp_path, bank_text, record), fw)
    assert bank.reviews is not None
    assert [(r.item, r.found, r.date) for r in bank.reviews] == [
        ("sample-001", "ok", date(2026, 12, 7)),
        ("sample-002", "minor", date(2026, 12, 7)),
        ("sample-003", "major", date(2026, 12, 7)),
        ("sample-004", "not recorded", date(2026, 12, 6)),
    ]


def test_a_file_with_only_its_header_comment_is_an_empty_record(
    tmp_path: Path, bank_text: str, fw: Framework
) -> None:
    bank = load_bank(bank_folder(tmp_path, bank_text, "# Review record: nothing yet.\n"), fw)
    assert bank.reviews == ()


def test_a_bank_without_a_reviews_folder_keeps_no_record(
    tmp_path: Path, bank_text: str, fw: Framework
) -> None:
    assert load_bank(bank_folder(tmp_path, bank_text, None), fw).reviews is None


# -- errors, each with its file and line --


def test_an_unknown_item_id(tmp_path: Path, bank_text: str, fw: Framework) -> None:
    record = entry("sample-001") + entry("sample-099")
    assert problems(bank_folder(tmp_path, bank_text, record), fw) == [
        "agile-and-scrum.yaml:5: unknown item id 'sample-099' in this bank"
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2026-13-01", "'2026-13-01' is not a real date (month must be in 1..12)"),
        ('"2026-02-30"', "'2026-02-30' is not a day of the calendar"),
        ("2026-12-7", "is not a date written YYYY-MM-DD"),
        ("07/12/2026", "'07/12/2026' is not a date written YYYY-MM-DD"),
        ("2026-12-07 10:30:00", "is not a date written YYYY-MM-DD"),
        ("20261207", "20261207 is not a date written YYYY-MM-DD"),
    ],
)
def test_a_bad_date(
    tmp_path: Path, bank_text: str, fw: Framework, written: str, message: str
) -> None:
    record = entry("sample-001") + entry("sample-002", day=written)
    [problem] = problems(bank_folder(tmp_path, bank_text, record), fw)
    assert problem.startswith("agile-and-scrum.yaml:7: ")
    assert message in problem


def test_a_bad_verdict(tmp_path: Path, bank_text: str, fw: Framework) -> None:
    record = entry("sample-001", found="fine")
    [problem] = problems(bank_folder(tmp_path, bank_text, record), fw)
    assert problem.startswith("agile-and-scrum.yaml:4: ")
    assert "'ok', 'minor', 'major' or 'not recorded'" in problem


def test_missing_and_unknown_fields(tmp_path: Path, bank_text: str, fw: Framework) -> None:
    record = "- item: sample-001\n  reviewer: R1\n  date: 2026-12-07\n  verdict: ok\n"
    assert problems(bank_folder(tmp_path, bank_text, record), fw) == [
        "agile-and-scrum.yaml:1: required field is missing",
        "agile-and-scrum.yaml:4: unknown field (check the spelling against the format's "
        "documentation)",
    ]


def test_an_empty_reviewer(tmp_path: Path, bank_text: str, fw: Framework) -> None:
    [problem] = problems(bank_folder(tmp_path, bank_text, entry("sample-001", reviewer='" "')), fw)
    assert problem.startswith("agile-and-scrum.yaml:2: ")


def test_a_record_that_is_not_a_list(tmp_path: Path, bank_text: str, fw: Framework) -> None:
    record = "item: sample-001\nreviewer: R1\ndate: 2026-12-07\nfound: ok\n"
    assert problems(bank_folder(tmp_path, bank_text, record), fw) == [
        "agile-and-scrum.yaml:1: a review file must be a YAML list of entries, "
        "each starting with '- item: '"
    ]


def test_an_item_recorded_in_another_domains_file(
    tmp_path: Path, bank_text: str, fw: Framework
) -> None:
    folder = bank_folder(tmp_path, bank_text, entry("sample-001"))
    other = bank_text.replace("domain: sample-domain", "domain: other-domain").replace(
        "sample-0", "other-0"
    )
    other = other.replace("scenario: onboarding-drop", "scenario: other-drop")
    (folder / "other.md").write_text(other, encoding="utf-8")
    (folder / "reviews" / "other.yaml").write_text(entry("sample-002"), encoding="utf-8")
    assert problems(folder, fw) == [
        "other.yaml:1: item 'sample-002' is in agile-and-scrum.md: record it in "
        "reviews/agile-and-scrum.yaml"
    ]


def test_a_review_file_without_its_domain_file(
    tmp_path: Path, bank_text: str, fw: Framework
) -> None:
    folder = bank_folder(tmp_path, bank_text, entry("sample-001"))
    (folder / "reviews" / "agile.yaml").write_text(entry("sample-002"), encoding="utf-8")
    [problem] = problems(folder, fw)
    assert problem.startswith("agile.yaml:1: no domain file agile.md in this bank")


def test_a_file_of_another_kind_in_the_reviews_folder(
    tmp_path: Path, bank_text: str, fw: Framework
) -> None:
    folder = bank_folder(tmp_path, bank_text, entry("sample-001"))
    (folder / "reviews" / "agile-and-scrum.yml").write_text(entry("sample-002"), encoding="utf-8")
    assert problems(folder, fw) == [
        "agile-and-scrum.yml:None: the review folder holds only <domain file name>.yaml files"
    ]


def test_a_date_that_is_no_day_in_an_items_front_matter_is_located(
    bank_text: str, fw: Framework
) -> None:
    # The same PyYAML gap (a bare ValueError) in a bank file: now a located bank error.
    from pmpath.exams.authoring import parse_bank

    text = bank_text.replace(
        "difficulty: 2\ncompetencies: [data-driven-decision-making]\nscenario",
        ("difficulty: 2026-13-01\ncompetencies: [data-driven-decision-making]\nscenario"),
        1,
    )
    with pytest.raises(BankError) as caught:
        parse_bank([("bank.md", text)], fw, "test")
    [problem] = caught.value.problems
    assert problem.location.line == line_number(text, "difficulty: 2026-13-01")
    assert "'2026-13-01' is not a real date" in problem.message


# -- coverage --


def test_lint_warns_about_the_items_without_a_review(
    tmp_path: Path, bank_text: str, fw: Framework
) -> None:
    bank = load_bank(
        bank_folder(tmp_path, bank_text, entry("sample-001") + entry("sample-003")), fw
    )
    [finding] = [f for f in lint_bank(bank) if f.code == "review-coverage"]
    assert finding.severity == "warning"
    assert finding.location.file is None  # about the whole bank
    assert finding.message == (
        "6 of 8 items have no entry in the review record (reviews/*.yaml): "
        "sample-002, sample-004, sample-005, sample-006, sample-007, sample-008"
    )


def test_lint_names_ten_unreviewed_items_and_counts_the_rest(fw: Framework) -> None:
    bank = load_bank(bundled_bank_path(), fw)
    assert bank.reviews is not None
    many = Bank(bank.id, bank.domains, bank.scenarios, bank.items, ())
    [message] = coverage_findings(many)
    total = len(bank.items)
    assert message.startswith(f"{total} of {total} items have no entry")
    assert message.endswith(f" and {total - 10} more")
    assert message.count(", ") == 9


def test_a_fully_reviewed_bank_gets_no_coverage_warning(
    tmp_path: Path, bank_text: str, fw: Framework
) -> None:
    record = "".join(entry(item) for item in SAMPLE_IDS)
    assert coverage_findings(load_bank(bank_folder(tmp_path, bank_text, record), fw)) == []


def test_a_bank_without_a_record_gets_no_coverage_warning(
    tmp_path: Path, bank_text: str, fw: Framework
) -> None:
    assert coverage_findings(load_bank(bank_folder(tmp_path, bank_text, None), fw)) == []


def test_an_empty_record_warns_about_every_item(
    tmp_path: Path, bank_text: str, fw: Framework
) -> None:
    bank = load_bank(bank_folder(tmp_path, bank_text, "# nothing yet\n"), fw)
    [message] = coverage_findings(bank)
    assert message.startswith("8 of 8 items have no entry")


def test_coverage_counts_an_item_once_and_keeps_its_latest_verdict(
    tmp_path: Path, bank_text: str, fw: Framework
) -> None:
    record = (
        entry("sample-001", "R2", "2026-12-07", "major")
        + entry("sample-001", "R13", "2026-12-08", "ok")
        + entry("sample-002", "R2", "2026-12-09", "minor")
        + entry("sample-002", "R13", "2026-12-01", "ok")
    )
    bank = load_bank(bank_folder(tmp_path, bank_text, record), fw)
    assert bank.reviews is not None
    record_coverage = coverage(bank.items, bank.reviews)
    assert (record_coverage.items, record_coverage.reviewed) == (8, 2)
    assert record_coverage.latest_found == {"ok": 1, "minor": 1}
    assert record_coverage.unreviewed == tuple(SAMPLE_IDS[2:])
    assert record_coverage.by_domain == {"sample-domain": (8, 2)}
    assert record_coverage.reviewers == ("R2", "R13")


# -- the command line --


def test_bank_lint_shows_the_coverage(pmpath: Any, tmp_path: Path, bank_text: str) -> None:
    folder = bank_folder(tmp_path, bank_text, entry("sample-001") + entry("sample-002", "R2"))
    out = pmpath("bank", "lint", str(folder))
    assert out.exit_code == 0, out.stderr
    assert "whole bank: warning review-coverage: 6 of 8 items have no entry" in out.stdout
    assert "Review record: 2 of 8 items reviewed (25%), 2 entries by 2 reviewers." in out.stdout
    data = pmpath("bank", "lint", str(folder), "--json").json()
    assert data["reviews"]["reviewed"] == 2
    assert data["reviews"]["share"] == 0.25
    assert data["reviews"]["unreviewed"] == SAMPLE_IDS[2:]
    assert data["reviews"]["domains"] == [{"id": "sample-domain", "items": 8, "reviewed": 2}]
    assert data["reviews"]["latest_found"] == {"ok": 2}


def test_bank_lint_of_a_bank_without_a_record(pmpath: Any, tmp_path: Path, bank_text: str) -> None:
    folder = bank_folder(tmp_path, bank_text, None)
    out = pmpath("bank", "lint", str(folder))
    assert "Review record" not in out.stdout
    assert "review-coverage" not in out.stdout
    assert pmpath("bank", "lint", str(folder), "--json").json()["reviews"] is None


def test_bank_lint_reports_a_bad_entry_with_its_line(
    pmpath: Any, tmp_path: Path, bank_text: str
) -> None:
    folder = bank_folder(tmp_path, bank_text, entry("sample-001", found="good"))
    out = pmpath("bank", "lint", str(folder))
    assert out.exit_code == 2
    assert f"{folder / 'reviews' / 'agile-and-scrum.yaml'}:4" in out.stderr


# -- the bundled bank's record --


def test_the_bundled_record_loads_and_holds_the_first_reviews(fw: Framework) -> None:
    bank = load_bank(bundled_bank_path(), fw)
    assert bank.reviews is not None
    found = {(r.item, r.reviewer): r.found for r in bank.reviews}
    # From the session's review reports of 2026-12-07: a named major, a named minor, an item of
    # a reviewer who named every finding (ok), and one of a reviewer who named 6 of 10 minors.
    assert found[("delivery-005", "R1")] == "major"
    assert found[("roadmap-031", "R3")] == "minor"
    assert found[("tech-003", "R4")] == "ok"
    assert found[("agile-001", "R1")] == "not recorded"
    assert {r.date for r in bank.reviews if r.reviewer in {"R1", "R4", "R8"}} == {date(2026, 12, 7)}


def test_the_bundled_record_covers_every_item(fw: Framework) -> None:
    """Issue #18: independent reviewers review every item, and the bank records it."""
    bank = load_bank(bundled_bank_path(), fw)
    assert bank.reviews is not None
    assert coverage(bank.items, bank.reviews).unreviewed == ()
