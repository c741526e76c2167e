"""The Markdown authoring format: the documented example, and each error with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmpath.errors import BankError, Problem
from pmpath.exams.authoring import load_bank, parse_bank
from pmpath.exams.items import ItemType
from pmpath.framework import Framework, bundled_framework_path, load_framework
from tests.conftest import line_number, replace_once


def load(text: str, fw: Framework) -> list[str]:
    """The problems of a one-file bank, as 'line: message'."""
    with pytest.raises(BankError) as caught:
        parse_bank([("bank.md", text)], fw, "test")
    return [f"{p.location.line}: {p.message}" for p in caught.value.problems]


def test_the_documented_example_loads_every_type(bank_text: str, fw: Framework) -> None:
    bank = parse_bank([("sample.md", bank_text)], fw, "sample")
    assert [item.type for item in bank.items] == [
        ItemType.SINGLE,
        ItemType.NUMERIC,
        ItemType.TRUE_FALSE,
        ItemType.MULTIPLE,
        ItemType.ORDERING,
        ItemType.MATCHING,
        ItemType.SHORT_ANSWER,
        ItemType.GAP,
    ]
    single, numeric, true_false, multiple, ordering, matching, short, gap = bank.items
    assert single.key_ids == ("b",)
    assert single.scenario == "onboarding-drop"
    assert single.option("a").rationale.startswith("The screen did not change")
    assert single.source.line == line_number(bank_text, "id: sample-001")
    assert numeric.numeric is not None
    assert (numeric.numeric.answer, numeric.numeric.tolerance, numeric.numeric.unit) == (
        300,
        0,
        "users",
    )
    assert numeric.mistakes[0].answer == "15"
    assert [o.text for o in true_false.options] == ["True", "False"]
    assert multiple.key_ids == ("a", "c")
    assert ordering.options[0].text == "Sprint Planning"
    assert {p.left: p.right_id for p in matching.pairs} == {
        "Product Backlog": "a",
        "Sprint Backlog": "b",
        "Increment": "c",
        None: "d",
    }
    assert short.accepted == ("Definition of Done", "DoD")
    assert [(g.number, gap.option(g.key_id).text) for g in gap.gaps] == [
        (1, "Sprint Planning"),
        (2, "Sprint Review"),
        (3, "Sprint Retrospective"),
    ]
    assert bank.scenarios[0].text.startswith("A budgeting app")
    assert bank.domains[0].summary == "A small domain that shows every item type."


def test_a_folder_is_a_bank(tmp_path: Path, bank_text: str, fw: Framework) -> None:
    (tmp_path / "one.md").write_text(bank_text, encoding="utf-8")
    bank = load_bank(tmp_path, fw)
    assert bank.id == tmp_path.name
    assert len(bank.items) == 8


def test_two_keys_in_a_single_answer_item(bank_text: str, fw: Framework) -> None:
    text = replace_once(
        bank_text,
        "- [ ] A satisfaction survey sent",
        "- [x] A satisfaction survey sent",
    )
    assert load(text, fw) == [
        f"{line_number(text, 'id: sample-001')}: a single-answer item needs 3 or more options "
        "and exactly one [x] (has 4 options, 2 marked)"
    ]


def test_an_option_without_a_rationale(bank_text: str, fw: Framework) -> None:
    text = replace_once(
        bank_text, "  : Those users succeeded; they cannot tell you why others stopped.\n", ""
    )
    line = line_number(text, "- [ ] A satisfaction survey")
    assert load(text, fw) == [
        f"{line}: an option '- [ ] text' or '- [x] text' needs a rationale on the next line, "
        "indented and starting with ': '"
    ]


def test_an_item_without_an_explanation(bank_text: str, fw: Framework) -> None:
    text = replace_once(
        bank_text,
        "Explanation: The Definition of Done is the commitment of the Increment.\n",
        "",
    )
    assert load(text, fw) == [
        f"{line_number(text, 'id: sample-007')}: the item needs an 'Explanation:' of its key"
    ]


def test_unknown_competency_and_level(bank_text: str, fw: Framework) -> None:
    text = replace_once(bank_text, "competencies: [experimentation]", "competencies: [juggling]")
    text = replace_once(text, "level: mid-career", "level: wizard")
    problems = load(text, fw)
    assert (
        f"{line_number(text, 'level: wizard')}: unknown level 'wizard'; levels: entry, "
        in problems[0]
    )
    assert problems[1] == f"{line_number(text, '[juggling]')}: unknown competency id 'juggling'"


def test_a_bad_number(bank_text: str, fw: Framework) -> None:
    text = replace_once(bank_text, "Answer: 300", "Answer: 3,00")
    assert load(text, fw) == [
        f"{line_number(text, 'Answer: 3,00')}: 'Answer:' must be a number with a dot for decimals, "
        "not '3,00'"
    ]


def test_duplicate_item_ids(bank_text: str, fw: Framework) -> None:
    text = replace_once(bank_text, "id: sample-007", "id: sample-001")
    [problem] = load(text, fw)
    assert problem.startswith(
        f"{line_number(text, 'id: sample-001', 2)}: duplicate item id 'sample-001'"
    )


def test_an_item_of_an_undefined_scenario(bank_text: str, fw: Framework) -> None:
    text = replace_once(
        bank_text,
        "competencies: [experimentation]\n",
        "competencies: [experimentation]\nscenario: missing-case\n",
    )
    assert load(text, fw) == [
        f"{line_number(text, 'scenario: missing-case')}: scenario 'missing-case' is not defined "
        "in this file before the item"
    ]


def test_unknown_front_matter_field(bank_text: str, fw: Framework) -> None:
    text = replace_once(
        bank_text,
        "difficulty: 1\ncompetencies: [data-driven",
        "difficulty: 1\nauthor: me\ncompetencies: [data-driven",
    )
    [problem] = load(text, fw)
    assert problem.startswith(f"{line_number(text, 'author: me')}: unknown field")


def test_text_outside_a_block(fw: Framework) -> None:
    assert load("hello\n", fw) == ["1: expected a block starting with '---' (front matter)"]


FRAMEWORK = load_framework(bundled_framework_path())


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_gives_a_located_error_or_a_bank(text: str) -> None:
    problems: tuple[Problem, ...] = ()
    try:
        parse_bank([("x.md", "---\ndomain: x\nname: X\n---\n" + text)], FRAMEWORK, "x")
    except BankError as exc:
        problems = exc.problems
    assert all(problem.location.file == "x.md" for problem in problems)
