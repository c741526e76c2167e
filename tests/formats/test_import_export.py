"""pmpath import and export: all or nothing, dry runs, reports, and the bundled bank round trip."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pmpath.exams.items import Item

Run = Callable[..., Any]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
AIKEN = FIXTURES / "aiken" / "basic.txt"


def test_a_dry_run_reports_and_stores_nothing(pmpath: Run) -> None:
    report = pmpath("import", str(AIKEN), "--dry-run", "--json").json()
    assert report["format"] == "aiken"
    assert report["questions"] > 0
    assert report["by_type"] == {"multichoice": report["questions"]}
    assert report["stored"] is False
    assert pmpath("bank", "list", "--json").json()["banks"] == []


def test_an_import_stores_a_bank_all_at_once(pmpath: Run) -> None:
    report = pmpath(
        "import", str(AIKEN), "--bank", "Onboarding Quiz", "--level", "entry", "--json"
    ).json()
    assert report["stored"] is True
    assert report["bank"]["id"] == "onboarding-quiz"
    banks = pmpath("bank", "list", "--json").json()["banks"]
    assert [b["id"] for b in banks] == ["onboarding-quiz"]
    items = pmpath("bank", "items", "onboarding-quiz", "--json").json()["items"]
    assert len(items) == report["bank"]["items"]
    assert {i["level"] for i in items} == {"entry"}


def test_importing_over_a_bank_needs_replace(pmpath: Run) -> None:
    pmpath("import", str(AIKEN), "--bank", "quiz")
    again = pmpath("import", str(AIKEN), "--bank", "quiz")
    assert again.exit_code == 2
    assert "use --replace" in again.stderr
    assert pmpath("import", str(AIKEN), "--bank", "quiz", "--replace").exit_code == 0


def test_a_broken_file_stores_nothing_and_names_the_line(pmpath: Run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text(
        "What is 2 + 2?\nA) 3\nB) 4\n\n"
        "What is the capital of France?\nA) Paris\nB) Rome\nANSWER: A\n"
    )
    out = pmpath("import", str(broken), "--format", "aiken")
    assert out.exit_code == 2
    assert f"{broken}:" in out.stderr
    assert pmpath("bank", "list", "--json").json()["banks"] == []


def test_practice_on_an_imported_bank(pmpath: Run) -> None:
    pmpath("import", str(AIKEN), "--bank", "quiz")
    out = pmpath("practice", "--bank", "quiz", "--count", "1", "--seed", "1", input="p\n")
    assert out.exit_code == 0, out.stdout[-1000:]
    assert "Question 1 of 1" in out.stdout


def test_unknown_formats_and_export_only_formats_are_bad_input(pmpath: Run, tmp_path: Path) -> None:
    assert (
        "unknown format 'word'"
        in pmpath("export", "pm-core", "--format", "word", "-o", str(tmp_path / "x")).stderr
    )
    out = pmpath("import", str(AIKEN), "--format", "anki")
    assert out.exit_code == 2
    assert "only exports" in out.stderr


@pytest.mark.parametrize("format_name", ["gift", "moodle-xml", "qti12", "qti21", "csv", "aiken"])
def test_the_bundled_bank_exports_and_reimports(
    pmpath: Run, tmp_path: Path, format_name: str
) -> None:
    """Every item comes back with the same content, or the export named it in a warning."""
    from pmpath.framework import bundled_framework_path, load_framework
    from pmpath.services.banks import open_bank

    output = tmp_path / f"bank-{format_name}"
    export = pmpath("export", "pm-core", "--format", format_name, "-o", str(output), "--json")
    assert export.exit_code == 0, export.stderr
    warned = {w["question"] for w in export.json()["warnings"] if w["question"]}
    report = pmpath(
        "import", str(output), "--format", format_name, "--bank", "again", "--json"
    ).json()
    assert report["stored"] is True
    original = {i.id: i for i in open_bank(load_framework(bundled_framework_path())).items}
    items = pmpath("bank", "items", "again", "--json").json()["items"]
    if format_name == "aiken":
        # Aiken has no names: the single-answer items come back under new ids, in order, each
        # item of a case with the case's text before its stem (Aiken has no shared texts).
        bank = open_bank(load_framework(bundled_framework_path()))
        kept = [i for i in original.values() if i.type.value in ("single", "true-false")]

        def flat(text: str) -> str:
            return " ".join(text.split())  # Aiken has one line per question

        def written(item: Item) -> str:
            case = bank.scenario(item.scenario).text + " " if item.scenario else ""
            return flat(case + item.stem)

        assert [flat(i["stem"]) for i in items] == [written(i) for i in kept]
        assert len(items) == len(kept)
        return
    back = {item["id"]: item for item in items}
    missing = set(original) - set(back)
    assert missing <= warned, f"left out without a warning: {sorted(missing - warned)[:5]}"
    for item_id, item in back.items():
        source = original[item_id]
        assert item["stem"] == source.stem
        assert item["type"] == source.type.value
        assert [o["text"] for o in item["options"]] == [o.text for o in source.options]
        assert [o["correct"] for o in item["options"]] == [o.correct for o in source.options]
        assert item["explanation"] == source.explanation


# -- honest export reports ----------------------------------------------------------------------


def _bundled_counts() -> dict[str, int]:
    """What each format can hold of the bundled bank, counted from the bank itself so the test
    follows its content: every item and scenario text is a question."""
    from pmpath.exams.items import ItemType
    from pmpath.framework import bundled_framework_path, load_framework
    from pmpath.services.banks import open_bank

    bank = open_bank(load_framework(bundled_framework_path()))
    kinds = [item.type for item in bank.items]
    questions = len(kinds) + len(bank.scenarios)
    return {
        "questions": questions,
        "ordering": kinds.count(ItemType.ORDERING),
        "gift": questions - kinds.count(ItemType.ORDERING),  # no ordering questions in GIFT
        "moodle-xml": questions,
        "aiken": kinds.count(ItemType.SINGLE) + kinds.count(ItemType.TRUE_FALSE),  # those only
        "qti12": questions,
        "qti21": questions,
        "csv": questions,
        "anki": len(kinds),  # a scenario's text goes on its items' cards, not on a card of its own
    }


COUNTS = _bundled_counts()
FORMATS = ("gift", "moodle-xml", "aiken", "qti12", "qti21", "csv", "anki")


@pytest.mark.parametrize("format_name", FORMATS)
def test_an_export_says_how_many_questions_it_wrote_and_why_the_others_are_not(
    pmpath: Run, tmp_path: Path, format_name: str
) -> None:
    """Every export said "Wrote 660 questions" of the 660 then in the bank, when GIFT wrote 636,
    Aiken 384 and Anki 624."""
    total, written = COUNTS["questions"], COUNTS[format_name]
    output = tmp_path / f"bank.{format_name}"
    report = pmpath("export", "pm-core", "--format", format_name, "-o", str(output), "--json")
    data = report.json()
    assert (data["questions"], data["written"], data["left_out"]) == (
        total,
        written,
        total - written,
    )
    left_out = [w for w in data["warnings"] if w["left_out"]]
    assert len(left_out) == len({w["question"] for w in left_out}) == total - written
    assert sum(len(g["questions"]) for g in data["summary"] if g["left_out"]) == total - written
    said = [(w["question"], w["message"]) for w in data["warnings"]]
    assert len(said) == len(set(said)), "a warning said twice about one question"
    text = pmpath("export", "pm-core", "--format", format_name, "-o", str(output)).stdout
    assert f"Wrote {written} of {total} questions to {output}" in " ".join(text.split())


def test_the_terminal_summarises_warnings_by_message(pmpath: Run, tmp_path: Path) -> None:
    out = pmpath("export", "pm-core", "--format", "gift", "-o", str(tmp_path / "b.gift")).stdout
    flat = " ".join(out.split())
    ordering = COUNTS["ordering"]
    assert f"Left out ({ordering} questions):" in flat
    assert f"{ordering} questions: GIFT has no ordering questions: left out (" in flat
    assert flat.count("GIFT has no feedback for matching pairs") == 1


def test_an_anki_package_is_refused_as_export_only_without_format(
    pmpath: Run, tmp_path: Path
) -> None:
    """Importing an .apkg without --format said "not a QTI package"."""
    package = tmp_path / "deck.apkg"
    pmpath("export", "pm-core", "--format", "anki", "-o", str(package))
    out = pmpath("import", str(package), "--dry-run")
    assert out.exit_code == 2
    assert "Anki packages are export-only" in out.stderr
    assert "QTI" not in out.stderr
