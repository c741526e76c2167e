"""pmpath's gap items written as QTI 2.1 and QTI 1.2 and scored by pyslet, an engine pmpath did
not write: inline choices (one response per gap), a gap match (directed pairs "choice gap") and
Canvas's multiple dropdowns (one response per gap, migrated to 2.1 by pyslet) give each gap
filled with its right choice an equal share of the grade, as pmpath scores them."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace

import pytest

from pmpath.exams.items import Bank, GapChoice
from pmpath.formats import qti12, qti21
from pmpath.formats.mapping import bank_to_quiz
from pmpath.framework import bundled_framework_path, load_framework
from tests.exams.gap_bank import gap_bank
from tests.formats.readers.pyslet_qti import identifier, qti12_items, qti21_item, score

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def bank() -> Bank:
    return gap_bank(load_framework(bundled_framework_path()))


def written(bank: Bank) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(qti21.write(bank_to_quiz(bank))[0]))
    return {name: archive.read(name) for name in archive.namelist()}


def test_inline_choices_score_a_share_per_gap_in_pyslet(bank: Bank) -> None:
    item = qti21_item(written(bank)["agile-901.xml"])
    # Gaps 1-4 take choices 1, 5, 2 and 3 (Product Goal, "is accountable for", ...).
    right = {"RESPONSE_1": "C1", "RESPONSE_2": "C5", "RESPONSE_3": "C2", "RESPONSE_4": "C3"}
    assert score(item, right) == pytest.approx(1.0)
    assert score(item, {**right, "RESPONSE_3": "C4"}) == pytest.approx(0.75)
    assert score(item, {"RESPONSE_2": "C5"}) == pytest.approx(0.25)
    assert score(item, {}) == 0.0


def test_a_gap_match_scores_a_share_per_gap_in_pyslet(bank: Bank) -> None:
    first = bank.items[0]
    options = tuple(replace(o, group=1) for o in first.options if isinstance(o, GapChoice))
    one_list = replace(bank, items=(replace(first, options=options), bank.items[1]))
    item = qti21_item(written(one_list)["agile-901.xml"])
    right = [("C1", "G1"), ("C5", "G2"), ("C2", "G3"), ("C3", "G4")]
    assert score(item, {"RESPONSE": right}) == pytest.approx(1.0)
    assert score(item, {"RESPONSE": [*right[:2], ("C4", "G3")]}) == pytest.approx(0.5)
    assert score(item, {}) == 0.0


def test_canvas_dropdowns_score_a_share_per_gap_in_pyslet(bank: Bank) -> None:
    """QTI 1.2 migrated by pyslet as Canvas's migration does: each dropdown adds its share."""
    package = qti12.write(bank_to_quiz(bank))[0]
    item = qti12_items(package)["agile-901"]
    document = next(
        archive_member
        for name, archive_member in zipfile_members(package).items()
        if name.endswith("pmpath_export.xml")
    ).decode("utf-8")
    # The label each dropdown credits, as the package writes it.
    credited = dict(
        re.findall(
            r'<varequal respident="(response_gap\d)">(\d+)</varequal>\s*</conditionvar>\s*<setvar',
            document,
        )
    )
    right = {name: identifier(label) for name, label in credited.items()}
    assert len(right) == 4
    assert score(item, right) == pytest.approx(100.0)
    offered = re.search(r'<response_lid ident="response_gap3">(.*?)</response_lid>', document, re.S)
    assert offered is not None
    labels = re.findall(r'<response_label ident="(\d+)"', offered.group(1))
    wrong = next(label for label in labels if identifier(label) != right["response_gap3"])
    assert score(item, {**right, "response_gap3": identifier(wrong)}) == pytest.approx(75.0)
    assert score(item, {}) == 0.0


def zipfile_members(package: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(package))
    return {name: archive.read(name) for name in archive.namelist()}
