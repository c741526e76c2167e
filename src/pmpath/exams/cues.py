"""Bank-level cues: patterns across a whole bank that let a test-wise person score without
knowing the subject.

Each item can be well written and the bank still gameable: if true/false items are mostly keyed
False, "pick False" pays; if every "select all that apply" item has three keys, "pick three"
pays; if strong words ("always", "ban", "immediately") sit in distractors twice as often as in
keys, "avoid the extreme option" pays; and if the key is almost never the longest option,
"never pick the longest" pays as surely as the opposite habit. These checks count each pattern
over the bank and report it when it is beyond chance, with the figures an author needs to fix
it. They are warnings: a bank with them still loads and imports.

The per-item rules (one key, no "all of the above", no absolute word in a choice option) are in
:mod:`pmpath.exams.lint`; this module needs the whole bank.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from pmpath.exams.items import Item, ItemType
from pmpath.exams.significance import binomial_tail, fisher_greater

#: Strong words that make an option sound extreme. Broader than the per-item ``cueing-word``
#: rule (which forbids the plainest absolutes outright), because here only their share in
#: distractors against keys matters.
STRONG_WORDS = re.compile(
    r"\b(always|never|every|all|none|nothing|nobody|no one|only|solely|exclusively|entirely|"
    r"completely|immediately|must|bans?|banned|forbids?|refuses?|regardless|whatever|"
    r"guarantees?|at all costs|at once|permanently)\b",
    re.IGNORECASE,
)
#: The share of true/false items keyed True that a bank should stay within.
TRUE_SHARE = (0.4, 0.6)
#: Fewer true/false or multiple-response items than this are too few to judge a pattern on.
MIN_ITEMS = 10
#: The largest share of multiple-response items that may have the same number of keys.
MAX_SAME_KEY_COUNT = 0.5
#: Strong words may be this much more common in distractors than in keys before it is a cue.
STRONG_WORD_RATIO = 1.5
#: Below this p-value a pattern is not chance.
SIGNIFICANCE = 0.01


def bank_cues(items: Sequence[Item]) -> Iterator[tuple[str, str]]:
    """Each bank-level cue in ``items`` as (code, message)."""
    yield from _true_false_balance(items)
    yield from _key_count_spread(items)
    yield from _strong_words(items)
    yield from _longest_key_too_rare(items)


def _true_false_balance(items: Sequence[Item]) -> Iterator[tuple[str, str]]:
    true_false = [item for item in items if item.type is ItemType.TRUE_FALSE]
    if len(true_false) < MIN_ITEMS:
        return
    keyed_true = sum(1 for item in true_false if _keyed_true(item))
    share = keyed_true / len(true_false)
    low, high = TRUE_SHARE
    if not low <= share <= high:
        yield (
            "true-false-balance",
            f"{keyed_true} of {len(true_false)} true/false items ({share:.0%}) are keyed True; "
            f"keep it between {low:.0%} and {high:.0%}, or 'always answer "
            f"{'False' if share < low else 'True'}' scores {max(share, 1 - share):.0%}",
        )


def _keyed_true(item: Item) -> bool:
    """True/false items name their options True and False; the key's text says which."""
    key = next(option for option in item.options if option.correct)
    return key.text.strip().casefold().startswith("true")


def _key_count_spread(items: Sequence[Item]) -> Iterator[tuple[str, str]]:
    multiple = [item for item in items if item.type is ItemType.MULTIPLE]
    if len(multiple) < MIN_ITEMS:
        return
    counts = Counter(len(item.key_ids) for item in multiple)
    most, how_many = counts.most_common(1)[0]
    if how_many / len(multiple) > MAX_SAME_KEY_COUNT:
        spread = ", ".join(
            f"{keys} key{'s' if keys != 1 else ''}: {n}" for keys, n in sorted(counts.items())
        )
        yield (
            "key-count-spread",
            f"{how_many} of {len(multiple)} multiple-response items have exactly {most} "
            f"keys ({spread}); spread the number of keys from 1 to one less than the options, "
            f"or 'pick {most}' pays",
        )


def _strong_words(items: Sequence[Item]) -> Iterator[tuple[str, str]]:
    keys = [0, 0]  # with a strong word, options
    distractors = [0, 0]
    for item in items:
        if item.type not in (ItemType.SINGLE, ItemType.MULTIPLE):
            continue
        for option in item.options:
            tally = keys if option.correct else distractors
            tally[0] += bool(STRONG_WORDS.search(option.text))
            tally[1] += 1
    if not keys[1] or not distractors[1] or not distractors[0]:
        return
    in_keys, in_distractors = keys[0] / keys[1], distractors[0] / distractors[1]
    if in_distractors <= STRONG_WORD_RATIO * in_keys:
        return
    table = [[distractors[0], distractors[1] - distractors[0]], [keys[0], keys[1] - keys[0]]]
    p_value = fisher_greater(table)
    if p_value < SIGNIFICANCE:
        yield (
            "strong-words",
            f"strong words ('always', 'ban', 'immediately', ...) are in {in_distractors:.0%} of "
            f"distractors ({distractors[0]} of {distractors[1]}) but {in_keys:.0%} of keys "
            f"({keys[0]} of {keys[1]}; Fisher p = {p_value:.2g}); 'avoid the extreme option' "
            "pays: make distractors good actions that are second-best here",
        )


def longest_keys(singles: Sequence[Item]) -> tuple[int, float]:
    """How many of ``singles`` have a key that is their one longest option, and the share
    chance alone would give (one in the number of options)."""
    longest = 0
    for item in singles:
        lengths = [len(option.text) for option in item.options]
        key = [option.correct for option in item.options].index(True)
        if lengths[key] == max(lengths) and lengths.count(max(lengths)) == 1:
            longest += 1
    return longest, sum(1 / len(item.options) for item in singles) / len(singles)


def _longest_key_too_rare(items: Sequence[Item]) -> Iterator[tuple[str, str]]:
    """The mirror of lint's ``longest-key``: a key that is almost never the longest option is as
    much a cue as one that usually is."""
    singles = [item for item in items if item.type is ItemType.SINGLE]
    if len(singles) < MIN_ITEMS:
        return
    longest, chance = longest_keys(singles)
    p_value = binomial_tail(longest, len(singles), chance, upper=False)
    if p_value < SIGNIFICANCE:
        yield (
            "longest-key-rare",
            f"the key is the longest option in only {longest} of {len(singles)} single-answer "
            f"items ({longest / len(singles):.0%}, chance {chance:.0%}; binomial p = "
            f"{p_value:.2g}); 'never pick the longest' pays: let the key be the longest about "
            "as often as any option",
        )
