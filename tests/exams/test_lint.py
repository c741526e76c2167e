"""Item-writing guidelines: each rule fires on the mistake it targets, and only there."""

from __future__ import annotations

import pytest

from pmpath.exams.authoring import parse_bank
from pmpath.exams.lint import lint_bank
from pmpath.framework import Framework
from tests.conftest import line_number, replace_once


def findings(text: str, fw: Framework) -> list[tuple[str, str, int | None]]:
    bank = parse_bank([("bank.md", text)], fw, "test")
    return [(f.severity, f.code, f.location.line) for f in lint_bank(bank)]


def single_item(
    number: int, key: int, stem: str, lengths: tuple[int, int, int, int] = (30, 30, 30, 30)
) -> str:
    options = []
    for position, length in enumerate(lengths):
        mark = "x" if position == key else " "
        text = f"Option {position} of item {number} " + "w" * max(0, length - 22)
        options.append(f"- [{mark}] {text}\n  : Rationale {position}.")
    return (
        f"---\nid: gen-{number:03d}\ntype: single\nlevel: entry\ndifficulty: 2\n"
        f"competencies: [prioritisation]\n---\n{stem}\n\n"
        + "\n".join(options)
        + "\n\nExplanation: Because.\n"
    )


HEADER = "---\ndomain: gen\nname: Generated\n---\nGenerated items.\n\n"
TOPICS = [
    "pricing tiers",
    "churn alerts",
    "roadmap reviews",
    "support tickets",
    "sprint goals",
    "beta cohorts",
    "release notes",
    "usage quotas",
    "onboarding emails",
    "feature flags",
    "partner APIs",
    "billing errors",
    "search ranking",
    "mobile crashes",
    "data exports",
    "trial lengths",
]


def generated(keys: list[int], lengths: tuple[int, int, int, int] = (30, 30, 30, 30)) -> str:
    return HEADER + "\n".join(
        single_item(
            n, key, f"How should the team handle {TOPICS[n]} for account number {n}?", lengths
        )
        for n, key in enumerate(keys)
    )


def test_the_documented_example_lints_clean(bank_text: str, fw: Framework) -> None:
    assert findings(bank_text, fw) == []


def test_all_of_the_above(bank_text: str, fw: Framework) -> None:
    text = replace_once(
        bank_text,
        "- [ ] Adding more variants halfway through the test",
        "- [ ] All of the above",
    )
    assert ("error", "all-none-of-the-above", line_number(text, "id: sample-004")) in findings(
        text, fw
    )


def test_an_absolute_word_in_an_option_is_a_cue(bank_text: str, fw: Framework) -> None:
    text = replace_once(
        bank_text,
        "- [ ] Checking the result daily and stopping when it is significant",
        "- [ ] Always checking the result daily and stopping when significant",
    )
    assert findings(text, fw) == [("error", "cueing-word", line_number(text, "id: sample-004"))]


def test_true_false_statements_may_use_absolute_words(bank_text: str, fw: Framework) -> None:
    text = replace_once(
        bank_text,
        "The data prove that the phone-number field caused the drop.",
        "The data always prove that the phone-number field caused the drop.",
    )
    assert findings(text, fw) == []


def test_a_key_much_longer_than_its_distractors(fw: Framework) -> None:
    text = HEADER + single_item(0, 2, "How should the team price the new tier?", (30, 30, 90, 30))
    assert findings(text, fw) == [("warning", "key-length", line_number(text, "id: gen-000"))]


def test_keys_piled_on_one_position(fw: Framework) -> None:
    result = findings(generated([0] * 16), fw)
    assert ("error", "key-position", 1) in result


def test_keys_spread_evenly_pass(fw: Framework) -> None:
    assert findings(generated([0, 1, 2, 3] * 4), fw) == []


def test_the_key_is_the_longest_option_too_often(fw: Framework) -> None:
    keys = [0, 1, 2, 3] * 4
    text = HEADER + "\n".join(
        single_item(
            n,
            key,
            f"How should the team handle {TOPICS[n]} for account number {n}?",
            tuple(40 if p == key else 34 for p in range(4)),  # type: ignore[arg-type]
        )
        for n, key in enumerate(keys)
    )
    assert ("error", "longest-key", 1) in findings(text, fw)


def test_near_duplicate_stems(fw: Framework) -> None:
    stem = (
        "A stakeholder asks for a feature that does not fit the product goal. "
        "What should you do first?"
    )
    text = (
        HEADER + single_item(0, 0, stem) + "\n" + single_item(1, 1, stem.replace("first", "next"))
    )
    result = findings(text, fw)
    assert result == [("error", "near-duplicate", line_number(text, "id: gen-001"))]


@pytest.mark.parametrize("other", ["How do you size a market for a new product?"])
def test_different_stems_are_not_duplicates(fw: Framework, other: str) -> None:
    text = (
        HEADER
        + single_item(0, 0, "How do you run a retrospective?")
        + "\n"
        + single_item(1, 1, other)
    )
    assert findings(text, fw) == []
