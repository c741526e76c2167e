"""QTI 2.1 read by pyslet, which parses every item and runs its response processing: each
item scores as the bank's key says, scenario texts carry no points, Markdown tables arrive as
tables. Validation against the 1EdTech XSD runs where the schemas are vendored (see
``tests/formats/schemas/README.md``)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ElementTree
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pmpath.exams.items import Item, ItemType
from tests.formats.readers import exports
from tests.formats.readers.pyslet_qti import normal_maximum, qti21_item, score

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
NS = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


@cache
def files() -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(exports.export("qti21")[0]))
    return {name: archive.read(name) for name in archive.namelist()}


def item_file(item_id: str) -> bytes:
    return files()[f"{item_id}.xml"]


def choices(root: ElementTree.Element, tag: str) -> dict[str, str]:
    return {
        choice.get("identifier", ""): exports.words("".join(choice.itertext()))
        for choice in root.iter(f"{NS}{tag}")
    }


def keyed(item: Item, xml: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The response the bank's key makes, and typical wrong ones."""
    root = ElementTree.fromstring(xml)
    if item.type in (ItemType.SINGLE, ItemType.TRUE_FALSE, ItemType.MULTIPLE):
        shown = choices(root, "simpleChoice")
        ident = {exports.option_by_text(item.options, text).id: i for i, text in shown.items()}
        keys = [ident[o.id] for o in item.options if o.correct]
        wrong = [ident[o.id] for o in item.options if not o.correct]
        if item.type is ItemType.MULTIPLE:
            return {"RESPONSE": keys}, [{"RESPONSE": [choice]} for choice in wrong]
        return {"RESPONSE": keys[0]}, [{"RESPONSE": choice} for choice in wrong]
    if item.type is ItemType.NUMERIC:
        assert item.numeric is not None
        mistakes = [{"RESPONSE": float(m.answer)} for m in item.mistakes]
        return {"RESPONSE": item.numeric.answer}, mistakes
    if item.type is ItemType.SHORT_ANSWER:
        return {"RESPONSE": item.accepted[0]}, [{"RESPONSE": m.answer} for m in item.mistakes]
    if item.type is ItemType.ORDERING:
        shown = choices(root, "simpleChoice")
        ident = {exports.option_by_text(item.options, text).id: i for i, text in shown.items()}
        order = [ident[o.id] for o in item.options]
        return {"RESPONSE": order}, [{"RESPONSE": order[::-1]}]
    sets = list(root.iter(f"{NS}simpleMatchSet"))
    sources = {text: i for i, text in choices(sets[0], "simpleAssociableChoice").items()}
    targets = {text: i for i, text in choices(sets[1], "simpleAssociableChoice").items()}
    right = {o.id: o.text for o in item.options}
    pairs = [
        (sources[exports.plain(p.left)], targets[exports.words(right[p.right_id])])
        for p in item.pairs
        if p.left
    ]
    shifted = [(s, pairs[(n + 1) % len(pairs)][1]) for n, (s, _) in enumerate(pairs)]
    return {"RESPONSE": pairs}, [{"RESPONSE": shifted}]


def test_the_package_holds_an_item_per_question() -> None:
    items = [name for name in files() if name != "imsmanifest.xml"]
    assert len(items) == len(exports.questions()) == exports.question_count()


def test_every_item_scores_as_keyed() -> None:
    """The key scores the item's maximum, typical wrong answers score nothing."""
    wrong_scores: list[tuple[str, Any, float | None]] = []
    for item in exports.bank().items:
        xml = item_file(item.id)
        parsed = qti21_item(xml)
        key, wrongs = keyed(item, xml)
        if score(parsed, key) != normal_maximum(parsed) or normal_maximum(parsed) != 1.0:
            wrong_scores.append((item.id, key, score(parsed, key)))
        for wrong in wrongs:
            got = score(parsed, wrong)
            if got is None or got > 0:
                wrong_scores.append((item.id, wrong, got))
    assert wrong_scores == []


def test_scenario_texts_carry_no_points() -> None:
    """Every scenario item declared normalMaximum="1": 36 points for text to read."""
    scenarios = [name for name in files() if name.startswith("scenario-")]
    assert len(scenarios) == len(exports.bank().scenarios)
    assert {normal_maximum(qti21_item(files()[name])) for name in scenarios} == {None}
    assert all(b"normalMaximum" not in files()[name] for name in scenarios)


def test_markdown_tables_arrive_as_tables() -> None:
    """25 scenario texts and gtm-049, metrics-007, roadmap-024, stakeholders-018 and
    strategy-010 showed their tables as rows of pipes."""
    bodies = {name: data.decode("utf-8") for name, data in files().items()}
    del bodies["imsmanifest.xml"]  # it keeps the Markdown sources, for pmpath
    assert [name for name, body in bodies.items() if re.search(r"\|\s*-{3}", body)] == []
    with_tables = {name for name, body in bodies.items() if "<table>" in body}
    scenario_tables = {name for name in with_tables if name.startswith("scenario-")}
    with_markdown_tables = [
        s.id for s in exports.bank().scenarios if re.search(r"\|\s*-{3}", s.text)
    ]
    assert with_markdown_tables  # the check covers real tables
    assert len(scenario_tables) == len(with_markdown_tables)
    for item_id in ("gtm-049", "metrics-007", "roadmap-024", "stakeholders-018", "strategy-010"):
        assert f"{item_id}.xml" in with_tables
    table = ElementTree.fromstring(bodies["gtm-049.xml"]).find(f".//{NS}table")
    assert table is not None
    assert table.find(f"{NS}thead/{NS}tr/{NS}th") is not None


def test_numbers_are_plain_decimals() -> None:
    """agile-046's key was "1e+06", which readers take for 1."""
    body = item_file("agile-046").decode("utf-8")
    assert "<value>1000000</value>" in body
    assert re.search(r"\d[eE][+-]?\d", body) is None
    parsed = qti21_item(item_file("agile-046"))
    assert score(parsed, {"RESPONSE": 1_000_000.0}) == 1.0
    assert score(parsed, {"RESPONSE": 1.0}) == 0.0


def schema() -> Any:
    main = SCHEMAS / "imsqti_v2p1.xsd"
    if not main.exists():
        pytest.skip(
            "the 1EdTech QTI 2.1 XSDs are not vendored in tests/formats/schemas/ (see its "
            "README.md): nothing this machine can reach serves them"
        )
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(main)))


def test_every_item_is_valid_against_the_qti_2_1_schema() -> None:
    from lxml import etree

    validator = schema()
    invalid = []
    for name, data in files().items():
        if name != "imsmanifest.xml" and not validator.validate(etree.fromstring(data)):
            invalid.append((name, str(validator.error_log.last_error)))
    assert invalid == []
