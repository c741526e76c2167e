"""``pmpath framework export --format case`` and ``pmpath framework import``, as typed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pmpath.framework import Framework, load_framework
from tests.formats.case.conftest import FIXTURES
from tests.formats.case.test_export import schema_errors
from tests.formats.case.test_import import completed, skills

Run = Callable[..., Any]


def said(text: str) -> str:
    """Printed text with the terminal's line wrapping undone."""
    return " ".join(text.split())


def test_export_writes_a_valid_package(pmpath: Run, tmp_path: Path) -> None:
    out = tmp_path / "pm.json"
    result = pmpath(
        "framework", "export", "--format", "case", "-o", str(out),
        "--changed-at", "2026-01-02T03:04:05Z", "--creator", "Acme Product Guild",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # A path longer than the terminal is folded by the console, so compare without spaces.
    flat = "".join(result.stdout.split())
    assert f"Wrotetheladder'product-management'to{out}asaCASEpackage" in flat
    package = json.loads(out.read_text())
    assert schema_errors(package) == []
    assert package["CFDocument"]["creator"] == "Acme Product Guild"
    assert package["CFDocument"]["lastChangeDateTime"] == "2026-01-02T03:04:05Z"


def test_export_json_report(pmpath: Run, tmp_path: Path) -> None:
    out = tmp_path / "pm.json"
    report = pmpath("framework", "export", "--format", "case", "-o", str(out), "--json").json()
    assert report == {
        "output": str(out),
        "framework": "product-management",
        "document": json.loads(out.read_text())["CFDocument"]["identifier"],
        "items": 26,
        "associations": 26,
        "rubrics": 20,
        "bytes": out.stat().st_size,
    }


def test_export_and_import_give_back_the_ladder(
    pmpath: Run, tmp_path: Path, ladder: Framework
) -> None:
    package, back = tmp_path / "pm.json", tmp_path / "back.yaml"
    assert pmpath("framework", "export", "--format", "case", "-o", str(package)).exit_code == 0
    result = pmpath("framework", "import", str(package), "-o", str(back))
    assert result.exit_code == 0, result.stderr
    assert f"Wrote the ladder 'product-management' to {back}" in said(result.stdout)
    assert pmpath("framework", "validate", str(back)).exit_code == 0
    assert load_framework(back) == ladder


def test_export_takes_a_ladder_of_ones_own(
    pmpath: Run, tmp_path: Path, write_file: Callable[[str, str], Path], ladder_text: str
) -> None:
    own = write_file(ladder_text, "product-design.yaml")
    out = tmp_path / "design.json"
    result = pmpath("framework", "export", "--format", "case", "-o", str(out), "-f", str(own))
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text())["CFDocument"]["title"] == "Product design ladder"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--format", "qti21", "invalid value for '--format': 'qti21'; the one format is case"),
        ("--changed-at", "yesterday", "'yesterday' is not an ISO 8601 date and time"),
        ("--changed-at", "2026-01-02T03:04:05", "has no time zone; add Z for UTC"),
        ("--base-uri", "case.example.org", "is not an absolute URI"),
        ("--creator", "  ", "invalid value for '--creator': must not be empty"),
        ("--case-version", "2.0", "'2.0'; pmpath writes CASE 1.1 or 1.0"),
    ],
)
def test_export_refuses_bad_options(
    pmpath: Run, tmp_path: Path, option: str, value: str, message: str
) -> None:
    out = tmp_path / "pm.json"
    args = ["framework", "export", "--format", "case", "-o", str(out), option, value]
    result = pmpath(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not out.exists()


def test_import_of_a_foreign_framework_writes_a_library_and_says_what_to_add(
    pmpath: Run, tmp_path: Path
) -> None:
    out = tmp_path / "data-literacy.yaml"
    result = pmpath("framework", "import", str(FIXTURES / "skills-rubrics.json"), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    shown = said(result.stdout)
    # A path longer than the terminal is folded by the console, so compare it without spaces.
    flat = "".join(result.stdout.split())
    assert f"Wroteacompetencylibraryto{out}(3areas,5competencies)" in flat
    assert "it is not yet a ladder" in shown
    assert "To make it one, add:" in shown
    assert "stages: the phases of the career, in order" in shown
    assert "left out 1 isRelatedTo association" in shown
    # The library is honest about itself: `validate` refuses it until roles are added.
    assert pmpath("framework", "validate", str(out)).exit_code == 2
    assert yaml.safe_load(out.read_text())["competencies"][0]["id"] == "dl-1-1"


def test_import_json_report(pmpath: Run, tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    source = FIXTURES / "skills-rubrics.json"
    report = pmpath("framework", "import", str(source), "-o", str(out), "--json").json()
    assert report["ladder"] is False
    assert report["origin"] == "case"
    assert (report["areas"], report["competencies"], report["roles"]) == (3, 5, 0)
    assert report["missing"][0] == "stages: the phases of the career, in order"
    assert report["framework"] == "data-literacy-skills-framework"


def test_import_with_roles_from_writes_a_valid_ladder(pmpath: Run, tmp_path: Path) -> None:
    roles = tmp_path / "ours.yaml"
    roles.write_text(yaml.safe_dump(completed(skills()).model_dump(mode="json")))
    out = tmp_path / "updated.yaml"
    source = FIXTURES / "skills-rubrics.json"
    result = pmpath("framework", "import", str(source), "-o", str(out), "--roles-from", str(roles))
    assert result.exit_code == 0, result.stderr
    assert "(3 areas, 5 competencies, 2 roles)" in said(result.stdout)
    assert pmpath("framework", "validate", str(out)).exit_code == 0


def test_import_never_replaces_a_file_unless_told(pmpath: Run, tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    out.write_text("my own work\n")
    source = str(FIXTURES / "skills-rubrics.json")
    result = pmpath("framework", "import", source, "-o", str(out))
    assert result.exit_code == 2
    assert "already exists; pass --force to replace it" in result.stderr
    assert out.read_text() == "my own work\n"
    assert pmpath("framework", "import", source, "-o", str(out), "--force").exit_code == 0
    assert out.read_text().startswith("# Imported from the CASE package skills-rubrics.json")


def test_import_of_bad_input_exits_2_and_writes_nothing(pmpath: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"CFDocument": {"identifier": "d", "title": "T"}, "CFItems": 3}')
    out = tmp_path / "out.yaml"
    result = pmpath("framework", "import", str(bad), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"error: {bad}: CFItems: must be an array, not a JSON number\n"
    assert result.stdout == ""
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no temporary file left either


def test_import_of_a_missing_file(pmpath: Run, tmp_path: Path) -> None:
    result = pmpath("framework", "import", str(tmp_path / "nope.json"), "-o", "x.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'nope.json'}: no such file\n"


def test_a_ladder_that_fails_validation_is_not_written(pmpath: Run, tmp_path: Path) -> None:
    package = json.loads((FIXTURES / "skills-rubrics.json").read_text())
    del package["CFRubrics"][0]["CFRubricCriteria"][1]["CFRubricCriterionLevels"]
    source = tmp_path / "s.json"
    source.write_text(json.dumps(package))
    roles = tmp_path / "ours.yaml"
    roles.write_text(yaml.safe_dump(completed(skills()).model_dump(mode="json")))
    out = tmp_path / "out.yaml"
    result = pmpath("framework", "import", str(source), "-o", str(out), "--roles-from", str(roles))
    assert result.exit_code == 2
    assert "CFRubrics[0].CFRubricCriteria[1].CFRubricCriterionLevels" in result.stderr
    assert not out.exists()


def test_import_of_standards_without_rubrics_lists_the_scale_as_missing(
    pmpath: Run, tmp_path: Path
) -> None:
    out = tmp_path / "sl.yaml"
    result = pmpath(
        "framework", "import", str(FIXTURES / "case-1.0-no-rubrics.json"), "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    shown = said(result.stdout)
    assert "(1 area, 2 competencies)" in shown
    assert "scale: the package has no rubric levels" in shown
