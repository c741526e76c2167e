"""Bank-level cues: each fires on the pattern it targets, with its figures, and not on a
balanced bank."""

from __future__ import annotations

import pytest

from pmpath.exams.authoring import parse_bank
from pmpath.exams.cues import bank_cues
from pmpath.exams.items import Bank
from pmpath.exams.lint import lint_bank
from pmpath.framework import Framework

HEADER = "---\ndomain: gen\nname: Generated\n---\nGenerated items.\n\n"
WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
]


def _front(number: int, kind: str) -> str:
    return (
        f"---\nid: gen-{number:03d}\ntype: {kind}\nlevel: entry\ndifficulty: 2\n"
        "competencies: [prioritisation]\n---\n"
    )


def _stem(number: int) -> str:
    return f"Which answer fits case {WORDS[number % 12]} {number} of the {WORDS[number // 12]} set?"


def true_false(number: int, keyed_true: bool) -> str:
    marks = ("x", " ") if keyed_true else (" ", "x")
    return (
        _front(number, "true-false")
        + f"The statement about case {number} holds.\n\n"
        + f"- [{marks[0]}] True\n  : Reason for true.\n- [{marks[1]}] False\n  : Reason.\n\n"
        + "Explanation: Because.\n"
    )


def multiple(number: int, keys: int, options: int = 5) -> str:
    lines = [
        f"- [{'x' if i < keys else ' '}] Option {i} for case {number} holds up\n  : Why {i}."
        for i in range(options)
    ]
    return (
        _front(number, "multiple")
        + _stem(number)
        + "\n\n"
        + "\n".join(lines)
        + "\n\nExplanation: Because.\n"
    )


def single(number: int, key: int, lengths: tuple[int, ...], texts: tuple[str, ...] = ()) -> str:
    lines = []
    for i, length in enumerate(lengths):
        text = texts[i] if texts else f"Option {i} for case {number} " + "w" * max(0, length - 20)
        lines.append(f"- [{'x' if i == key else ' '}] {text}\n  : Why {i}.")
    return (
        _front(number, "single")
        + _stem(number)
        + "\n\n"
        + "\n".join(lines)
        + "\n\nExplanation: Because.\n"
    )


def bank(items: list[str], fw: Framework) -> Bank:
    return parse_bank([("bank.md", HEADER + "\n".join(items))], fw, "gen")


def codes(b: Bank) -> dict[str, str]:
    return dict(bank_cues(b.items))


def test_true_false_keyed_mostly_false(fw: Framework) -> None:
    b = bank([true_false(n, keyed_true=n < 3) for n in range(12)], fw)
    message = codes(b)["true-false-balance"]
    assert "3 of 12 true/false items (25%) are keyed True" in message
    assert "'always answer False' scores 75%" in message


def test_true_false_balanced_is_no_cue(fw: Framework) -> None:
    b = bank([true_false(n, keyed_true=n % 2 == 0) for n in range(12)], fw)
    assert "true-false-balance" not in codes(b)


def test_multiple_response_always_three_keys(fw: Framework) -> None:
    b = bank([multiple(n, keys=3) for n in range(10)] + [multiple(10, keys=2)], fw)
    message = codes(b)["key-count-spread"]
    assert "10 of 11 multiple-response items have exactly 3 keys (2 keys: 1, 3 keys: 10)" in message


def test_multiple_response_spread_is_no_cue(fw: Framework) -> None:
    b = bank([multiple(n, keys=1 + n % 4) for n in range(12)], fw)
    assert "key-count-spread" not in codes(b)


def _plain(number: int) -> tuple[str, ...]:
    return tuple(f"Option {i} about case {number}, worded calmly" for i in range(4))


def test_strong_words_only_in_distractors(fw: Framework) -> None:
    items = []
    for n in range(24):
        texts = list(_plain(n))
        texts[1] = f"Ban the change to case {n} at once, worded"  # a distractor, every time
        items.append(
            single(n, key=n % 4 if n % 4 != 1 else 0, lengths=(0,) * 4, texts=tuple(texts))
        )
    message = codes(bank(items, fw))["strong-words"]
    assert "of distractors (24 of 72) but 0% of keys (0 of 24" in message


def test_strong_words_as_common_in_keys_is_no_cue(fw: Framework) -> None:
    items = []
    for n in range(24):
        texts = list(_plain(n))
        texts[n % 4] = f"Ban the change to case {n} at once, worded"  # the key
        texts[(n + 1) % 4] = f"Must roll back case {n} today, worded"  # a distractor
        items.append(single(n, key=n % 4, lengths=(0,) * 4, texts=tuple(texts)))
    assert "strong-words" not in codes(bank(items, fw))


def test_key_never_the_longest(fw: Framework) -> None:
    # the key is the shortest option every time: chance would make it the longest in 1 of 4
    items = [
        single(n, key=n % 4, lengths=tuple(40 if i != n % 4 else 30 for i in range(4)))
        for n in range(40)
    ]
    # give one distractor a unique maximum so "longest" is well defined
    message = codes(bank(items, fw))["longest-key-rare"]
    assert (
        "the key is the longest option in only 0 of 40 single-answer items (0%, chance 25%"
        in message
    )


@pytest.mark.parametrize("longest_every", [4, 3])
def test_key_longest_about_as_often_as_chance_is_no_cue(fw: Framework, longest_every: int) -> None:
    items = []
    for n in range(40):
        key = n % 4
        longest = key if n % longest_every == 0 else (key + 1) % 4
        items.append(
            single(n, key=key, lengths=tuple(50 if i == longest else 40 for i in range(4)))
        )
    assert "longest-key-rare" not in codes(bank(items, fw))


def test_bank_cues_are_whole_bank_warnings_in_lint(fw: Framework) -> None:
    b = bank([true_false(n, keyed_true=False) for n in range(12)], fw)
    finding = next(f for f in lint_bank(b) if f.code == "true-false-balance")
    assert finding.severity == "warning"
    assert str(finding).startswith("whole bank: warning true-false-balance: 0 of 12")


def test_too_few_items_to_judge(fw: Framework) -> None:
    b = bank([true_false(n, keyed_true=False) for n in range(9)], fw)
    assert codes(b) == {}
