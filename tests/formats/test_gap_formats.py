"""Gap items in the formats that hold them: Moodle XML ("select missing words", "drag and drop
into text", and random short-answer matching resolved into a matching) and QTI 2.1/3.0
(inline choice and gap match). Fixtures written by hand from each format's documentation;
round trips from pmpath and from the files; arbitrary changes to the fixtures give a quiz or a
located FormatError, nothing else."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmpath.errors import FormatError
from pmpath.exams.items import Bank, GapChoice, Item
from pmpath.formats import moodle_xml, qti12, qti21, qti30
from pmpath.formats.mapping import ImportDefaults, bank_to_quiz, quiz_to_bank
from pmpath.formats.quiz import QType, QuizQuestion
from pmpath.formats.safety import open_zip
from pmpath.framework import bundled_framework_path, load_framework
from tests.exams.gap_bank import gap_bank
from tests.formats.fuzzing import assert_only_format_errors

FIXTURES = Path(__file__).parent / "fixtures"
LEVELS = {"entry", "early-career", "mid-career", "senior", "leadership", "executive"}
QTI21 = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"


@pytest.fixture(scope="module")
def bank() -> Bank:
    return gap_bank(load_framework(bundled_framework_path()))


def moodle(name: str) -> list[QuizQuestion]:
    return moodle_xml.read((FIXTURES / "moodle_xml" / name).read_bytes(), name).questions


def reusable_variant(bank: Bank) -> Bank:
    """The bank with every choice of its first item reusable, the second's first too."""
    first, second = bank.items
    first = replace(
        first,
        options=tuple(replace(o, reusable=True) for o in first.options if isinstance(o, GapChoice)),
    )
    options = list(second.options)
    assert isinstance(options[0], GapChoice)
    options[0] = replace(options[0], reusable=True)
    return replace(bank, items=(first, replace(second, options=tuple(options))))


def one_list_variant(bank: Bank) -> Bank:
    """The bank's first item with all its choices in one group, offered at all four gaps."""
    first = bank.items[0]
    options = tuple(replace(o, group=1) for o in first.options if isinstance(o, GapChoice))
    return replace(bank, items=(replace(first, options=options), bank.items[1]))


def through(module: ModuleType, bank: Bank) -> tuple[tuple[Item, ...], list[str]]:
    data, _ = module.write(bank_to_quiz(bank))
    read = module.read(data, "back")
    again, warnings = quiz_to_bank(read.questions, bank.id, ImportDefaults(), LEVELS)
    return again.items, [str(w) for w in [*read.warnings, *warnings]]


# -- Moodle XML ------------------------------------------------------------------------------


def test_gapselect_reads_groups_and_a_choice_right_at_two_gaps_as_reusable() -> None:
    question = moodle("gaps.xml")[0]
    assert question.type is QType.GAPS
    assert question.text.text == (
        "<p>Ask about the [[1]], not the [[2]]; then ask about the [[1]] again.</p>"
    )
    assert [(c.text.text, c.group, c.reusable) for c in question.choices] == [
        ("past", 1, True),
        ("future", 2, False),
        ("present", 1, False),
        ("price", 2, False),
    ]
    assert question.shuffle is True
    assert question.default_grade == 2.0
    assert question.extra["moodle_gap_type"] == "gapselect"
    assert question.extra["moodle_combined_feedback"]["correctfeedback"]["text"] == "Well done."
    assert [hint.text for hint in question.hints] == ["Which of them has already happened?"]


def test_ddwtos_reads_infinite_as_reusable_and_image_drag_and_drop_stays_out() -> None:
    result = moodle_xml.read((FIXTURES / "moodle_xml" / "gaps.xml").read_bytes(), "gaps.xml")
    question = result.questions[1]
    assert [(c.text.text, c.reusable) for c in question.choices] == [
        ("opportunities", False),
        ("outcome", True),
        ("experiments", False),
        ("features", False),
    ]
    assert question.shuffle is False
    assert len(result.questions) == 2
    [warning] = result.warnings
    assert "question type 'ddimageortext' is not supported: question not kept" in str(warning)


def test_moodle_gap_questions_become_gap_items_numbered_in_reading_order() -> None:
    bank, warnings = quiz_to_bank(moodle("gaps.xml"), "b", ImportDefaults(domain="d"), LEVELS)
    first, second = bank.items
    assert (
        first.stem == "<p>Ask about the [[1]], not the [[2]]; then ask about the [[3]] again.</p>"
    )
    assert [(g.number, first.option(g.key_id).text) for g in first.gaps] == [
        (1, "past"),
        (2, "future"),
        (3, "past"),
    ]
    assert second.stem.startswith("An opportunity solution tree starts from an [[1]], branches")
    assert [second.option(g.key_id).text for g in second.gaps] == [
        "outcome",
        "opportunities",
        "experiments",
    ]
    assert not [w for w in warnings if "left out" in w.message]


def test_moodle_gap_questions_survive_a_file_round_trip() -> None:
    first = moodle("gaps.xml")
    data, warnings = moodle_xml.write(first)
    assert warnings == []
    assert moodle_xml.read(data, "again.xml").questions == first


@pytest.mark.parametrize("variant", [lambda b: b, reusable_variant, one_list_variant])
def test_gap_items_come_back_the_same_from_moodle_xml(bank: Bank, variant: object) -> None:
    original = variant(bank)  # type: ignore[operator]
    items, _ = through(moodle_xml, original)
    assert items == original.items


def test_once_only_choices_go_as_drag_and_drop_reusable_ones_as_select_missing_words(
    bank: Bank,
) -> None:
    once, _ = moodle_xml.write(bank_to_quiz(bank))
    reused, _ = moodle_xml.write(bank_to_quiz(reusable_variant(bank)))
    kinds = [q.get("type") for q in ElementTree.fromstring(once).iter("question")]
    assert kinds[-2:] == ["ddwtos", "ddwtos"]
    root = ElementTree.fromstring(reused)
    assert [q.get("type") for q in root.iter("question")][-2:] == ["gapselect", "gapselect"]
    # What Moodle reads of a choice: its text and group (and, in ddwtos, <infinite/>).
    options = list(root.iter("selectoption"))
    assert [(o.findtext("text"), o.findtext("group")) for o in options[:2]] == [
        ("Product Goal", "1"),
        ("Sprint Goal", "1"),
    ]
    assert not list(root.iter("dragbox"))


def test_a_choice_rationale_travels_inside_the_choice_where_moodle_ignores_it(bank: Bank) -> None:
    data, warnings = moodle_xml.write(bank_to_quiz(bank))
    box = next(ElementTree.fromstring(data).iter("dragbox"))
    assert box.findtext("feedback/text", "").startswith("The Product Goal is")
    assert any("Moodle has no feedback per gap choice" in w.message for w in warnings)


def test_a_bad_choice_group_is_a_located_error() -> None:
    data = (
        (FIXTURES / "moodle_xml" / "gaps.xml")
        .read_bytes()
        .replace(b"<group>2</group>", b"<group>two</group>", 1)
    )
    with pytest.raises(FormatError) as caught:
        moodle_xml.read(data, "gaps.xml")
    assert caught.value.location.file == "gaps.xml"
    assert "choice group 'two' is not a number" in str(caught.value)


def test_random_matching_is_resolved_from_its_category_or_left_out() -> None:
    result = moodle_xml.read(
        (FIXTURES / "moodle_xml" / "random_matching.xml").read_bytes(), "random_matching.xml"
    )
    names = [q.name for q in result.questions]
    assert names == ["MVP", "Match the terms", "NPS", "ARR"]
    matching = result.questions[1]
    assert matching.type is QType.MATCHING
    # choose = 2: the first two short-answer questions of Glossary and its subcategories,
    # each with its first 100 % answer.
    assert [(p.left.text, p.right) for p in matching.pairs] == [
        ("The smallest thing that tests the riskiest assumption", "MVP"),
        ("Promoters less detractors, as a share of respondents", "Net Promoter Score"),
    ]
    assert "moodle_randomsamatch" not in matching.extra
    messages = [str(w) for w in result.warnings]
    assert messages == [
        "random_matching.xml:15: question 'Match the terms': random short-answer matching is "
        "resolved at import: a matching of the first 2 short-answer questions of category "
        "'Glossary' and its subcategories in this file (Moodle draws them at random for each "
        "attempt)",
        "random_matching.xml:45: question 'Nothing to draw': a random short-answer matching "
        "draws its pairs from the short-answer questions of category 'Empty', and this file "
        "holds 0 usable one(s) of them: left out",
    ]


def test_a_resolved_random_matching_is_written_back_as_a_matching() -> None:
    questions = moodle("random_matching.xml")
    data, _ = moodle_xml.write(questions)
    kinds = [q.get("type") for q in ElementTree.fromstring(data).iter("question")]
    assert "randomsamatch" not in kinds
    assert kinds.count("matching") == 1
    assert moodle_xml.read(data, "again.xml").questions == questions


# -- QTI 2.1 and 3.0 -------------------------------------------------------------------------


def qti(name: str) -> QuizQuestion:
    result = qti21.read((FIXTURES / "qti21" / name).read_bytes(), name)
    assert result.warnings == []
    [question] = result.questions
    return question


def test_inline_choices_are_gaps_each_with_its_own_list() -> None:
    question = qti("inline_choice.xml")
    assert question.type is QType.GAPS
    assert question.text.text == (
        "<p>Price on the [[1]], and expect buyers to compare you with a\n      [[3]].</p>"
    )
    assert [(c.text.text, c.group) for c in question.choices] == [
        ("value delivered", 1),
        ("effort spent", 1),
        ("competitor", 2),
        ("cost sheet", 2),
    ]
    assert question.default_grade == 2.0
    assert question.shuffle is True


def test_a_gap_match_shares_one_list_and_match_max_0_is_reusable() -> None:
    question = qti("gap_match.xml")
    assert question.text.text == (
        "<p>Fill in the cadence.</p><p>Set objectives [[1]], check progress [[2]]\n"
        "        and grade them [[1]].</p>"
    )
    assert [(c.text.text, c.group, c.reusable) for c in question.choices] == [
        ("quarterly", 1, True),
        ("weekly", 1, False),
        ("daily", 1, False),
    ]
    assert question.default_grade == 3.0


def test_an_inline_choice_scored_by_a_mapping_takes_its_best_key() -> None:
    data = (FIXTURES / "qti21" / "inline_choice.xml").read_bytes()
    data = data.replace(b"<correctResponse><value>competitor</value></correctResponse>", b"")
    question = qti21.read(data, "mapped.xml").questions[0]
    assert question.text.text.endswith("[[3]].</p>")


@pytest.mark.parametrize("module", [qti21, qti30])
@pytest.mark.parametrize("variant", [lambda b: b, reusable_variant, one_list_variant])
def test_gap_items_come_back_the_same_from_qti(
    bank: Bank, module: ModuleType, variant: object
) -> None:
    original = variant(bank)  # type: ignore[operator]
    items, _ = through(module, original)
    assert items == original.items


@pytest.mark.parametrize("name", ["inline_choice.xml", "gap_match.xml"])
def test_qti_gap_items_survive_a_file_round_trip_in_2_1_and_3_0(name: str) -> None:
    first = qti(name)
    assert qti21.read(qti21.write([first])[0], "again.zip").questions == [first]
    assert qti30.read(qti30.write([first])[0], "again.zip").questions == [first]


def written_items(module: ModuleType, bank: Bank) -> list[ElementTree.Element]:
    files = open_zip(module.write(bank_to_quiz(bank))[0], "x.zip")
    return [ElementTree.fromstring(files[f"{item.id}.xml"]) for item in bank.items]


def test_separate_lists_go_as_inline_choices_one_shared_list_as_a_gap_match(bank: Bank) -> None:
    inline, single = written_items(qti21, bank)
    interactions = list(inline.iter(f"{QTI21}inlineChoiceInteraction"))
    assert [i.get("responseIdentifier") for i in interactions] == [
        "RESPONSE_1",
        "RESPONSE_2",
        "RESPONSE_3",
        "RESPONSE_4",
    ]
    # Each gap offers its group's choices; the second gap's group is the second list.
    assert [c.text for c in interactions[1]] == [
        "is accountable for",
        "hands over to the Scrum Master",
    ]
    correct = [
        d.findtext(f"{QTI21}correctResponse/{QTI21}value")
        for d in inline.iter(f"{QTI21}responseDeclaration")
    ]
    assert correct == ["C1", "C5", "C2", "C3"]
    # One list and one gap reads best as a drop-down too.
    assert len(list(single.iter(f"{QTI21}inlineChoiceInteraction"))) == 1
    [shared, _] = written_items(qti21, reusable_variant(one_list_variant(bank)))
    [match] = shared.iter(f"{QTI21}gapMatchInteraction")
    assert [g.get("matchMax") for g in match.iter(f"{QTI21}gapText")] == ["0"] * 6
    assert [g.get("identifier") for g in match.iter(f"{QTI21}gap")] == ["G1", "G2", "G3", "G4"]


def test_3_0_spells_the_gap_interactions_in_its_own_names(bank: Bank) -> None:
    inline, _ = written_items(qti30, bank)
    names = {re.sub(r"\{.*\}", "", e.tag) for e in inline.iter()}
    assert {"qti-inline-choice-interaction", "qti-inline-choice"} <= names
    [shared, _] = written_items(qti30, one_list_variant(bank))
    names = {re.sub(r"\{.*\}", "", e.tag) for e in shared.iter()}
    assert {"qti-gap-match-interaction", "qti-gap-text", "qti-gap"} <= names


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ((b"<value>Q GAP1</value>", b""), "the gap 'GAP1' has no right choice"),
        ((b"<value>W GAP2</value>", b"<value>X GAP2</value>"), "does not name a gap text"),
        (
            (b'<gapText identifier="D" matchMax="1">daily</gapText>', b'<gapImg identifier="D"/>'),
            "image choices (gapImg)",
        ),
        ((b'matchMax="0"', b'matchMax="many"'), "matchMax 'many' is not a whole number"),
    ],
)
def test_a_broken_gap_match_is_a_located_error(change: tuple[bytes, bytes], message: str) -> None:
    data = (FIXTURES / "qti21" / "gap_match.xml").read_bytes().replace(*change)
    with pytest.raises(FormatError) as caught:
        qti21.read(data, "gap_match.xml")
    assert message in str(caught.value)
    assert caught.value.location.file == "gap_match.xml"


def test_an_inline_choice_without_a_right_choice_is_a_located_error() -> None:
    data = (FIXTURES / "qti21" / "inline_choice.xml").read_bytes()
    data = data.replace(b"<value>value</value>", b"<value>nothing</value>")
    with pytest.raises(FormatError) as caught:
        qti21.read(data, "inline_choice.xml")
    assert "declares no one right choice" in str(caught.value)


# -- QTI 1.2 (Canvas's multiple dropdowns) ---------------------------------------------------


@pytest.mark.parametrize("variant", [lambda b: b, reusable_variant, one_list_variant])
def test_gap_items_come_back_the_same_from_canvas_dropdowns(bank: Bank, variant: object) -> None:
    original = variant(bank)  # type: ignore[operator]
    items, warnings = through(qti12, original)
    assert items == original.items
    assert warnings == []


def canvas_item(data: bytes) -> ElementTree.Element:
    files = open_zip(data, "x.zip")
    document = next(v for k, v in files.items() if k.endswith("pmpath_export.xml"))
    return next(ElementTree.fromstring(document).iterfind(".//{*}item"))


def test_a_gap_item_is_a_canvas_multiple_dropdowns_question_a_list_per_gap(bank: Bank) -> None:
    item = canvas_item(qti12.write(bank_to_quiz(bank))[0])
    kinds = [f.findtext("{*}fieldentry") for f in item.iterfind(".//{*}qtimetadatafield")]
    assert "multiple_dropdowns_question" in kinds
    text = item.findtext("{*}presentation/{*}material/{*}mattext") or ""
    assert "serves the [gap1], which the Product Owner [gap2]" in text
    lists = [
        [label.findtext("{*}material/{*}mattext") for label in lid.iterfind(".//{*}response_label")]
        for lid in item.iterfind(".//{*}response_lid")
    ]
    assert len(lists) == 4
    assert lists[1] == ["is accountable for", "hands over to the Scrum Master"]
    assert lists[0] == lists[2] == lists[3]


def test_without_pmpath_s_record_dropdowns_still_read_as_a_gap_item(bank: Bank) -> None:
    data, _ = qti12.write(bank_to_quiz(bank))
    files = open_zip(data, "x.zip")
    name = next(k for k in files if k.endswith("pmpath_export.xml"))
    # Canvas drops fields it does not know when it exports again: pmpath_extra among them.
    files[name] = re.sub(
        rb"<qtimetadatafield>\s*<fieldlabel>pmpath_extra</fieldlabel>.*?</qtimetadatafield>",
        b"",
        files[name],
        flags=re.S,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in files.items():
            archive.writestr(member, content)
    read = qti12.read(buffer.getvalue(), "x.zip")
    back, _ = quiz_to_bank(read.questions, bank.id, ImportDefaults(), LEVELS)
    first = back.items[0]
    assert first.type is bank.items[0].type
    # The gaps keep their right choices; choices are numbered in the order the lists show them.
    original = bank.items[0]
    assert [first.option(g.key_id).text for g in first.gaps] == [
        original.option(g.key_id).text for g in original.gaps
    ]


# -- arbitrary changes to the fixtures -------------------------------------------------------

MOODLE_GAPS = (FIXTURES / "moodle_xml" / "gaps.xml").read_bytes()
RANDOM = (FIXTURES / "moodle_xml" / "random_matching.xml").read_bytes()
QTI_GAPS = [(FIXTURES / "qti21" / n).read_bytes() for n in ("inline_choice.xml", "gap_match.xml")]
ELEMENT_TEXT = re.compile(rb">([^<>]*)<")
VALUES = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="<>&\"'\x00"), max_size=8
)


def mutated(data: bytes, index: int, value: str, pattern: re.Pattern[bytes]) -> bytes:
    spots = list(pattern.finditer(data))
    spot = spots[index % len(spots)]
    return data[: spot.start(1)] + value.encode("utf-8") + data[spot.end(1) :]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([MOODLE_GAPS, RANDOM]),
    st.lists(st.tuples(st.integers(0, 500), VALUES), min_size=1, max_size=4),
)
def test_changed_moodle_gap_files_read_or_raise_format_error(
    data: bytes, changes: list[tuple[int, str]]
) -> None:
    for index, value in changes:
        data = mutated(data, index, value, ELEMENT_TEXT)
    assert_only_format_errors(moodle_xml.read, data, "fuzz.xml")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(QTI_GAPS),
    st.lists(st.tuples(st.booleans(), st.integers(0, 500), VALUES), min_size=1, max_size=4),
)
def test_changed_qti_gap_items_read_or_raise_format_error(
    data: bytes, changes: list[tuple[bool, int, str]]
) -> None:
    for attribute, index, value in changes:
        pattern = re.compile(rb'="([^"]*)"') if attribute else ELEMENT_TEXT
        data = mutated(data, index, value, pattern)
    assert_only_format_errors(qti21.read, data, "fuzz.xml")
    assert_only_format_errors(qti30.read, data, "fuzz.xml")
