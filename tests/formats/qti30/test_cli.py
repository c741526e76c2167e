"""QTI 3.0 through the CLI: the bundled bank goes out and comes back in, detected by content."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

Run = Callable[..., Any]
FIXTURES = Path(__file__).parent / "fixtures"


def test_the_bundled_bank_exports_and_reimports_with_the_counts_the_export_reports(
    pmpath: Run, tmp_path: Path
) -> None:
    from pmpath.framework import bundled_framework_path, load_framework
    from pmpath.services.banks import open_bank

    output = tmp_path / "bank.zip"
    export = pmpath("export", "pm-core", "--format", "qti30", "-o", str(output), "--json")
    assert export.exit_code == 0, export.stderr
    written = export.json()
    assert written["written"] == written["questions"]
    report = pmpath("import", str(output), "--bank", "again", "--json").json()
    assert report["format"] == "qti30"  # found by content, without --format
    assert report["questions"] == written["written"]
    bank = open_bank(load_framework(bundled_framework_path()))
    original = {item.id: item for item in bank.items}
    items = pmpath("bank", "items", "again", "--json").json()["items"]
    assert report["bank"]["items"] == len(items) == len(original)
    for item in items:
        source = original[item["id"]]
        assert item["stem"] == source.stem
        assert item["type"] == source.type.value
        assert [o["text"] for o in item["options"]] == [o.text for o in source.options]
        assert [o["correct"] for o in item["options"]] == [o.correct for o in source.options]
        assert item["explanation"] == source.explanation


def test_a_dry_run_of_a_3_0_item_reports_it_without_storing(pmpath: Run) -> None:
    report = pmpath("import", str(FIXTURES / "order.xml"), "--dry-run", "--json").json()
    assert report["format"] == "qti30"
    assert report["by_type"] == {"ordering": 1}
    assert report["stored"] is False
    assert pmpath("bank", "list", "--json").json()["banks"] == []


def test_a_broken_3_0_item_is_bad_input_naming_its_line(pmpath: Run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    data = (FIXTURES / "choice.xml").read_text().replace("</qti-item-body>", "</qti-item>")
    broken.write_text(data)
    out = pmpath("import", str(broken))
    assert out.exit_code == 2
    line = data[: data.index("</qti-item>")].count("\n") + 1
    assert f"{broken}:{line}:" in out.stderr
    assert pmpath("bank", "list", "--json").json()["banks"] == []
