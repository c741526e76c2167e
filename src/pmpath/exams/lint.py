"""Item-writing guidelines, checked over a whole bank.

Structure (one best answer, rationales, explanations, unique ids) is enforced when a bank
loads; these rules catch what makes a well-formed item a poor one: cues that let test-wise
people guess, keys that stand out, and questions asked twice. Each finding has a code, a
severity and the file and line of the item; the bank-level cues of :mod:`pmpath.exams.cues`
have no line (they are about the whole bank).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

from pmpath.errors import Location
from pmpath.exams.cues import bank_cues, longest_keys
from pmpath.exams.items import CHOICE_TYPES, Bank, Item, ItemType
from pmpath.exams.reviews import REVIEWS_FOLDER, coverage
from pmpath.exams.significance import binomial_tail, chi_square_uniform

#: Absolute words in an option let test-wise people rule it out (or in) without knowing.
CUEING_WORDS = re.compile(r"\b(always|never|only|all|none|completely|guarantees?)\b", re.I)
ALL_NONE = re.compile(r"\b(all|none) of the above\b|\bboth [a-d] and [a-d]\b", re.I)
#: The share of word triples two stems may share before they count as the same question.
NEAR_DUPLICATE = 0.6
#: Below this p-value a pattern in key positions or lengths is not chance.
SIGNIFICANCE = 0.01
#: How many unreviewed item ids the review-coverage warning names (the JSON lists them all).
UNREVIEWED_SHOWN = 10
#: Files with fewer single-answer items than this are too small to test key patterns on.
MIN_ITEMS_FOR_PATTERNS = 12


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    code: str
    message: str
    location: Location

    def __str__(self) -> str:
        return f"{str(self.location) or 'whole bank'}: {self.severity} {self.code}: {self.message}"


def lint_bank(bank: Bank) -> list[Finding]:
    """Every guideline finding in ``bank``, errors and warnings, in file order."""
    findings: list[Finding] = []
    for item in bank.items:
        findings += _item_findings(item)
    by_file: dict[str | None, list[Item]] = defaultdict(list)
    for item in bank.items:
        by_file[item.source.file].append(item)
    for items in by_file.values():
        findings += _key_patterns(items)
    findings += _near_duplicates(bank.items)
    findings += [
        Finding("warning", code, message, Location()) for code, message in bank_cues(bank.items)
    ]
    findings += _review_coverage(bank)
    return sorted(findings, key=lambda f: (f.location.file or "", f.location.line or 0, f.code))


def _item_findings(item: Item) -> Iterator[Finding]:
    texts = [item.stem, *(option.text for option in item.options)]
    if any(ALL_NONE.search(text) for text in texts):
        yield Finding(
            "error",
            "all-none-of-the-above",
            "never use 'all/none of the above' or 'both A and B': they test test-taking",
            item.source,
        )
    if item.type in CHOICE_TYPES and item.type is not ItemType.TRUE_FALSE:
        for option in item.options:
            cue = CUEING_WORDS.search(option.text)
            if cue:
                yield Finding(
                    "error",
                    "cueing-word",
                    f"option {option.id} uses the absolute word {cue.group(0)!r}, a cue to "
                    "test-wise guessers; qualify or rephrase it",
                    item.source,
                )
    if item.type is ItemType.GAP:
        yield from _gap_findings(item)
    if item.type is ItemType.SINGLE:
        key = next(option for option in item.options if option.correct)
        others = [len(option.text) for option in item.options if not option.correct]
        mean = sum(others) / len(others)
        if len(key.text) > 1.5 * mean and len(key.text) - mean > 20:
            yield Finding(
                "warning",
                "key-length",
                f"the key ({len(key.text)} characters) is much longer than the distractors "
                f"(mean {mean:.0f}); make them as specific as the key",
                item.source,
            )


def _gap_findings(item: Item) -> Iterator[Finding]:
    """Gaps that offer only their own right choices: once all but one are filled, the last
    is known without knowing it."""
    served: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for gap in item.gaps:
        served[tuple(option.id for option in item.offered(gap))].append(gap.number)
    for choices, numbers in served.items():
        keys = {gap.key_id for gap in item.gaps if gap.number in numbers}
        if len(numbers) > 1 and set(choices) == keys:
            gaps = ", ".join(f"[[{number}]]" for number in numbers)
            yield Finding(
                "warning",
                "gap-no-distractor",
                f"gaps {gaps} offer only their {len(choices)} right choices, so the last one "
                "is found by elimination; add a plausible choice that fills none of them",
                item.source,
            )


def _key_patterns(items: list[Item]) -> Iterator[Finding]:
    """Across a file's single-answer items: keys spread over positions, not the longest option."""
    singles = [item for item in items if item.type is ItemType.SINGLE]
    if len(singles) < MIN_ITEMS_FOR_PATTERNS:
        return
    where = Location(file=singles[0].source.file, line=1)
    by_size: dict[int, Counter[int]] = defaultdict(Counter)
    for item in singles:
        by_size[len(item.options)][[o.correct for o in item.options].index(True)] += 1
    for size, positions in by_size.items():
        count = sum(positions.values())
        if count < MIN_ITEMS_FOR_PATTERNS:
            continue
        observed = [positions[p] for p in range(size)]
        p_value = chi_square_uniform(observed)
        if p_value < SIGNIFICANCE:
            spread = ", ".join(f"{chr(65 + p)}: {n}" for p, n in enumerate(observed))
            yield Finding(
                "error",
                "key-position",
                f"keys of the {count} {size}-option single-answer items are not spread evenly "
                f"({spread}; chi-square p = {p_value:.4f}); move some keys",
                where,
            )
    longest, chance = longest_keys(singles)
    p_value = binomial_tail(longest, len(singles), chance, upper=True)
    if p_value < SIGNIFICANCE:
        yield Finding(
            "error",
            "longest-key",
            f"the key is the longest option in {longest} of {len(singles)} single-answer items, "
            f"more often than chance ({chance:.0%}; binomial p = {p_value:.4f}); lengthen "
            "distractors or tighten keys",
            where,
        )


def _review_coverage(bank: Bank) -> Iterator[Finding]:
    """Items missing from the review record, for banks that keep one (an imported quiz has no
    record to complete, so it is not told that its items are unreviewed)."""
    if bank.reviews is None:
        return
    record = coverage(bank.items, bank.reviews)
    if not record.unreviewed:
        return
    shown = ", ".join(record.unreviewed[:UNREVIEWED_SHOWN])
    more = len(record.unreviewed) - UNREVIEWED_SHOWN
    yield Finding(
        "warning",
        "review-coverage",
        f"{len(record.unreviewed)} of {record.items} items have no entry in the review record "
        f"({REVIEWS_FOLDER}/*.yaml): {shown}" + (f" and {more} more" if more > 0 else ""),
        Location(),
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    if len(words) < 3:
        return {tuple(words)}
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def _near_duplicates(items: Iterable[Item]) -> Iterator[Finding]:
    """Pairs of stems sharing most of their word triples (compared through an index, so a large
    bank does not cost every pair)."""
    shingles = {item.id: _shingles(item.stem) for item in items}
    by_id = {item.id: item for item in items}
    index: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for item_id, grams in shingles.items():
        for gram in grams:
            index[gram].append(item_id)
    shared: Counter[tuple[str, str]] = Counter()
    for owners in index.values():
        if len(owners) > 50:  # a phrase in every other stem ("which of the following") says nothing
            continue
        for first, second in combinations(sorted(owners), 2):
            shared[(first, second)] += 1
    for (first, second), common in sorted(shared.items()):
        union = len(shingles[first] | shingles[second])
        if union and common / union >= NEAR_DUPLICATE:
            yield Finding(
                "error",
                "near-duplicate",
                f"the stem of {second} repeats {first} ({common / union:.0%} of word triples "
                f"shared, {by_id[first].source})",
                by_id[second].source,
            )
