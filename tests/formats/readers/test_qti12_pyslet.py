"""QTI 1.2 for Canvas, read two ways: by pyslet, which migrates every item to QTI 2.1 under the
QTI 1.2 specification's own rules (``continue``, the implicit AND of a ``conditionvar``) and
scores it; and by Canvas's import rules, restated from Canvas's converter (canvas-lms,
``gems/plugins/qti_exporter/lib/qti``): Canvas runs no response processing, it makes a right
answer of every numerical condition and of every text a short-answer condition compares."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree
import zipfile
from functools import cache
from typing import Any

import pytest

from pmpath.exams.items import Item, ItemType
from pmpath.formats import qti12
from pmpath.formats.mapping import ImportDefaults, quiz_to_bank
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text, TextFormat
from tests.formats.readers import exports
from tests.formats.readers.pyslet_qti import identifier, qti12_items, score

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pyslet's own renames
NS = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
MARKDOWN = TextFormat.MARKDOWN


@cache
def package() -> bytes:
    return exports.export("qti12")[0]


@cache
def migrated() -> dict[str, Any]:
    return qti12_items(package())


@cache
def documents() -> dict[str, ElementTree.Element]:
    """Every ``<item>`` of the package as written, by ident (namespace removed)."""
    archive = zipfile.ZipFile(io.BytesIO(package()))
    items: dict[str, ElementTree.Element] = {}
    for name in archive.namelist():
        if name.endswith(".xml") and not name.endswith(("imsmanifest.xml", "assessment_meta.xml")):
            text = archive.read(name).decode("utf-8").replace(NS[1:-1], "")
            for element in ElementTree.fromstring(text.replace(' xmlns=""', "")).iter("item"):
                items[element.get("ident", "")] = element
    return items


def fields(element: ElementTree.Element) -> dict[str, str]:
    return {
        (f.findtext("fieldlabel") or ""): (f.findtext("fieldentry") or "")
        for f in element.iter("qtimetadatafield")
    }


def labels(response: ElementTree.Element) -> dict[str, str]:
    """A response's label idents and the text each shows."""
    return {
        label.get("ident", ""): exports.words("".join(label.itertext()))
        for label in response.iter("response_label")
    }


def keyed(item: Item, element: ElementTree.Element) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The response the bank's key makes, and typical wrong ones, as pyslet takes them."""
    responses = element.findall("presentation/response_lid") + element.findall(
        "presentation/response_str"
    )
    first = responses[0].get("ident", "") if responses else ""
    if item.type in (ItemType.SINGLE, ItemType.TRUE_FALSE, ItemType.MULTIPLE):
        shown = labels(responses[0])
        ident = {exports.option_by_text(item.options, text).id: i for i, text in shown.items()}
        keys = [identifier(ident[o.id]) for o in item.options if o.correct]
        wrong = [identifier(ident[o.id]) for o in item.options if not o.correct]
        if item.type is ItemType.MULTIPLE:
            return {first: keys}, [{first: [choice]} for choice in wrong]
        return {first: keys[0]}, [{first: choice} for choice in wrong]
    if item.type is ItemType.NUMERIC:
        assert item.numeric is not None
        return {first: item.numeric.answer}, [{first: float(m.answer)} for m in item.mistakes]
    if item.type is ItemType.SHORT_ANSWER:
        return {first: item.accepted[0]}, [{first: m.answer} for m in item.mistakes]
    # matching, and ordering written as matching to positions
    right = {o.id: o.text for o in item.options}
    if item.type is ItemType.ORDERING:
        wanted = {exports.plain(o.text): str(n) for n, o in enumerate(item.options, start=1)}
    else:
        wanted = {exports.plain(p.left or ""): right[p.right_id] for p in item.pairs if p.left}
    key: dict[str, Any] = {}
    wrong: dict[str, Any] = {}
    for response in responses:
        prompt = exports.words("".join(response.find("material").itertext()))
        shown = labels(response)
        match = next(i for i, text in shown.items() if text == exports.words(wanted[prompt]))
        other = next(i for i, text in shown.items() if text != exports.words(wanted[prompt]))
        key[identifier(response.get("ident", ""))] = identifier(match)
        wrong[identifier(response.get("ident", ""))] = identifier(other)
    return key, [wrong]


def test_pyslet_reads_every_question_the_report_says_was_written() -> None:
    _, warnings = exports.export("qti12")
    assert len(migrated()) == len(exports.questions()) == exports.question_count()
    assert not any(w.left_out for w in warnings)


def test_every_item_scores_as_keyed_under_the_specification() -> None:
    """The key scores 100 (SCORE's maximum), typical wrong answers score nothing."""
    wrong_scores: list[tuple[str, Any, float | None]] = []
    for item in exports.bank().items:
        key, wrongs = keyed(item, documents()[item.id])
        got = score(migrated()[item.id], key)
        if got != 100.0:
            wrong_scores.append((item.id, key, got))
        for wrong in wrongs:
            got = score(migrated()[item.id], wrong)
            if got is None or got > 0:
                wrong_scores.append((item.id, wrong, got))
    assert wrong_scores == []


def test_an_all_right_matching_answer_scores_full_marks() -> None:
    """Every pair's rule goes on to the next (continue="Yes"): agile-007 scored 25 of 100."""
    item = exports.items()["agile-007"]
    key, _ = keyed(item, documents()["agile-007"])
    assert score(migrated()["agile-007"], key) == 100.0
    rules = documents()["agile-007"].iter("respcondition")
    assert {rule.get("continue") for rule in rules} == {"Yes"}


def test_every_accepted_short_answer_scores_full_marks() -> None:
    """Accepted answers sit in an <or>: side by side in a condition, all of them must hold."""
    for item_id in ("agile-005", "gtm-004"):
        item = exports.items()[item_id]
        first = documents()[item_id].find("presentation/response_str").get("ident")
        assert [score(migrated()[item_id], {first: text}) for text in item.accepted] == [
            100.0
        ] * len(item.accepted)


def test_right_choices_add_up_to_exactly_the_maximum() -> None:
    """Three keys of a third each: 33.33333333333333 three times is 99.99999999999999."""
    question = QuizQuestion(
        QType.MULTICHOICE,
        Text("Which three?", MARKDOWN),
        name="three",
        id_number="three",
        single=False,
        answers=[
            Answer(Text(t, MARKDOWN), f)
            for t, f in zip("abcd", (1 / 3, 1 / 3, 1 / 3, -1.0), strict=True)
        ],
    )
    data, _ = qti12.write([question])
    item = qti12_items(data)["three"]
    response = "response1"
    assert score(item, {response: ["_1", "_2", "_3"]}) == 100.0
    assert score(item, {response: ["_4"]}) == -100.0  # below SCORE's minvalue: nothing
    for multiple in (i for i in exports.bank().items if i.type is ItemType.MULTIPLE):
        key, _ = keyed(multiple, documents()[multiple.id])
        assert score(migrated()[multiple.id], key) == 100.0, multiple.id


def test_text_only_questions_are_worth_no_points() -> None:
    """The scenario texts carried 1 point each: the quiz said 660 points for 624 items."""
    scenarios = [
        e for e in documents().values() if fields(e)["question_type"] == "text_only_question"
    ]
    assert len(scenarios) == len(exports.bank().scenarios)
    assert {fields(e)["points_possible"] for e in scenarios} == {"0.0"}
    archive = zipfile.ZipFile(io.BytesIO(package()))
    meta = archive.read("pmpath_export/assessment_meta.xml").decode()
    assert f"<points_possible>{len(exports.bank().items)}.0</points_possible>" in meta


def canvas_answers(element: ElementTree.Element) -> list[tuple[str, str]]:
    """What Canvas's importer takes for the right answers of a numerical or short-answer item
    (each as the lowest and highest response it accepts; a text twice): every condition of a
    numerical item holding an exact value (an <or>, the margin in its <and>) or a range (an
    <and>), and every text any condition of a short-answer item compares (numeric_interaction.rb
    and extended_text_interaction.rb, each with weight 100)."""
    kind = fields(element)["question_type"]
    found: list[tuple[str, str]] = []
    for rule in element.iter("respcondition"):
        condition = rule.find("conditionvar")
        assert condition is not None
        if kind == "short_answer_question":
            found += [((v.text or "").strip(),) * 2 for v in condition.iter("varequal")]
            continue
        either, every = condition.find("or"), condition.find("and")
        if either is not None and either.find("varequal") is not None:
            exact = (either.findtext("varequal") or "").strip()
            low = either.findtext("and/vargte") or either.findtext("and/vargt") or exact
            found.append((low.strip(), (either.findtext("and/varlte") or exact).strip()))
        elif every is not None:
            found.append(
                ((every.findtext("vargte") or "").strip(), (every.findtext("varlte") or "").strip())
            )
    return found


def test_canvas_takes_no_typical_mistake_for_a_right_answer() -> None:
    """Feedback-only conditions for mistakes became 100 % answers in Canvas: agile-029's 0.125
    and 32, agile-005's "Acceptance criteria", 260 numeric and 49 text mistakes in all."""
    accepted_mistakes: list[tuple[str, str]] = []
    missing_keys: list[str] = []
    for item in exports.bank().items:
        if item.type is ItemType.NUMERIC:
            assert item.numeric is not None
            ranges = [
                (float(low), float(high)) for low, high in canvas_answers(documents()[item.id])
            ]
            if not any(low <= item.numeric.answer <= high for low, high in ranges):
                missing_keys.append(item.id)
            accepted_mistakes += [
                (item.id, m.answer)
                for m in item.mistakes
                if any(low <= float(m.answer) <= high for low, high in ranges)
            ]
        elif item.type is ItemType.SHORT_ANSWER:
            texts = {low for low, _ in canvas_answers(documents()[item.id])}
            if texts != set(item.accepted):
                missing_keys += [item.id] if not set(item.accepted) <= texts else []
            accepted_mistakes += [(item.id, m.answer) for m in item.mistakes if m.answer in texts]
    assert accepted_mistakes == []
    assert missing_keys == []


def test_the_mistakes_travel_to_pmpath_in_fields_canvas_ignores() -> None:
    quiz = qti12.read(package(), "pm-core.zip")
    levels = {stage.level for stage in exports.bank().items}
    bank, _ = quiz_to_bank(quiz.questions, "again", ImportDefaults(), levels)
    back = {item.id: item for item in bank.items}
    for item_id in ("agile-029", "agile-005"):
        assert back[item_id].mistakes == exports.items()[item_id].mistakes
    wrong = fields(documents()["agile-029"])["pmpath_wrong_answer"]
    assert '"text": "32"' in wrong


@pytest.mark.parametrize("item_id", ["gtm-049", "metrics-007", "roadmap-024"])
def test_markdown_tables_reach_canvas_as_html_tables(item_id: str) -> None:
    """Canvas shows text/plain verbatim: a Markdown table was rows of pipes."""
    element = documents()[item_id]
    texts = [m for m in element.iter("mattext") if "|---" in (m.text or "")]
    assert texts == []
    assert any("<table>" in (m.text or "") for m in element.iter("mattext")) or any(
        "<table>" in (m.text or "") for m in documents().values() for m in m.iter("mattext")
    )
