"""Level difficulty: does a bank's authored prior make each level harder than the one below?

    python benchmarks/level_difficulty.py [--bank FOLDER] [--against GIT-REVISION]

Before anyone has answered, pmpath places every item on the ability scale from what its author
wrote (:mod:`pmpath.psychometrics.priors`): ``b = level position + 0.2 * (difficulty - 3)``,
slope 1. A candidate *at* a level is one at that level's centre, the median ``b`` of its items,
which is exactly where :mod:`pmpath.psychometrics.levels` starts placing people at that level.
For every pair (candidate level, item level) this prints the expected share of the level's
items the candidate answers right, under the prior (2PL) and with blind guessing added (each
item's chance of full credit from a uniform guess: 1/n for a single answer, 1/2 for true/false,
1/(2^n - 1) for select-all, 1/n! for ordering, none for typed answers).

It then checks the ordering the levels promise: along every candidate's row the expected score
falls from level to level (senior items are harder for a mid-career candidate than mid-career
items), and every level's items are harder for a candidate at the level below than for one at
the level. It also reports how authors used the 1-5 difficulty: the format defines it *within*
a level (docs/bank-format.md, "Levels"), so a level's mean should sit near 3; a mean far from 3
counts the level twice and stretches the prior's centres.

With ``--against REV`` (for example ``HEAD``) it compares with the bank as it was in that git
revision: how many items changed level, whether their difficulty was revisited, and which items
moved two or more levels but kept a difficulty chosen for the old level (the ones to re-rate).

These are the *authored* priors, not evidence from answers: they show that the prior is
internally consistent, not that real candidates find the items that hard. Only calibration on
real answers (``pmpath bank calibrate``; ``benchmarks/irt_cold_start.py`` says how many) can.
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

from pmpath.exams.authoring import parse_bank
from pmpath.exams.items import Bank, Item, ItemType
from pmpath.framework import Framework, bundled_framework_path, load_framework
from pmpath.psychometrics.irt import probability
from pmpath.psychometrics.levels import stage_centres
from pmpath.psychometrics.priors import DIFFICULTY_STEP, level_positions, prior_parameters
from pmpath.services.banks import bundled_bank_path, open_bank

#: A level whose mean authored difficulty is further than this from 3 uses difficulty as
#: absolute hardness rather than hardness within the level.
CENTRING_TOLERANCE = 0.5
#: Items that moved this many levels (or more) but kept a hard difficulty are listed to re-rate.
BIG_MOVE = 2


def guess_floor(item: Item) -> float:
    """The chance that a uniform blind guess earns full credit on ``item``."""
    n = len(item.options)
    if item.type is ItemType.SINGLE:
        return 1 / n
    if item.type is ItemType.TRUE_FALSE:
        return 0.5
    if item.type is ItemType.MULTIPLE:
        return 1 / ((1 << n) - 1)  # any non-empty subset of the options
    if item.type is ItemType.ORDERING:
        return 1 / math.factorial(n)
    if item.type is ItemType.MATCHING:
        lefts = sum(1 for pair in item.pairs if pair.left is not None)
        return float(n**-lefts) if n else 0.0
    if item.type is ItemType.GAP:
        return math.prod(1 / len(item.offered(gap)) for gap in item.gaps)  # a pick per gap
    return 0.0  # numeric and short answers are typed


def score_matrix(
    items: Sequence[Item], levels: list[str], centres: dict[str, float], guessing: bool
) -> np.ndarray:
    """Expected share right: rows candidates at each level's centre, columns the levels' items."""
    order = [stage for stage in levels if stage in centres]
    parameters = prior_parameters(items, levels)
    theta = np.array([centres[stage] for stage in order])
    c = np.array([guess_floor(item) for item in items]) if guessing else None
    p = probability(theta, parameters.a, parameters.d, c)
    columns = [
        p[:, [j for j, item in enumerate(items) if item.level == stage]].mean(axis=1)
        for stage in order
    ]
    return np.column_stack(columns)


def ordering_problems(order: list[str], scores: np.ndarray) -> list[str]:
    """Every place where a harder level is not harder, as a sentence."""
    problems = []
    for row, candidate in enumerate(order):
        for col in range(1, len(order)):
            if scores[row, col] >= scores[row, col - 1]:
                problems.append(
                    f"a {candidate} candidate scores {scores[row, col]:.0%} on {order[col]} "
                    f"items, not less than {scores[row, col - 1]:.0%} on {order[col - 1]} items"
                )
    for col in range(1, len(order)):
        if scores[col - 1, col] >= scores[col, col]:
            problems.append(
                f"{order[col]} items are not harder for a {order[col - 1]} candidate "
                f"({scores[col - 1, col]:.0%}) than for a {order[col]} one ({scores[col, col]:.0%})"
            )
    return problems


def level_table(bank: Bank, order: list[str], centres: dict[str, float]) -> None:
    print(
        "| level | items | difficulty 1/2/3/4/5 | mean difficulty | centre b | gap to level below |"
    )
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    previous = None
    for stage in order:
        chosen = [item.difficulty for item in bank.items if item.level == stage]
        counts = Counter(chosen)
        gap = "" if previous is None else f"{centres[stage] - previous:.2f}"
        print(
            f"| {stage} | {len(chosen)} | {'/'.join(str(counts[d]) for d in range(1, 6))} "
            f"| {statistics.mean(chosen):.2f} | {centres[stage]:+.2f} | {gap} |"
        )
        previous = centres[stage]


def matrix_table(title: str, order: list[str], scores: np.ndarray) -> None:
    print(f"\n{title}\n")
    print("| candidate at \\ items of | " + " | ".join(order) + " |")
    print("| --- |" + " ---: |" * len(order))
    for row, candidate in enumerate(order):
        cells = " | ".join(f"{scores[row, col]:.0%}" for col in range(len(order)))
        print(f"| {candidate} | {cells} |")


def headline(order: list[str], plain: np.ndarray, guessed: np.ndarray) -> None:
    print("\nEach level's items: expected score of a candidate at the level below, and at it\n")
    print("| items of | at the level below | at the level | with guessing: below | at |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for col in range(1, len(order)):
        print(
            f"| {order[col]} | {plain[col - 1, col]:.0%} | {plain[col, col]:.0%} "
            f"| {guessed[col - 1, col]:.0%} | {guessed[col, col]:.0%} |"
        )


def old_bank(folder: Path, revision: str, fw: Framework) -> Bank:
    """The bank's Markdown files as they were at git ``revision``."""
    root = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    files = []
    for file in sorted(folder.glob("*.md")):
        relative = file.resolve().relative_to(Path(root).resolve())
        shown = subprocess.run(
            ["git", "-C", root, "show", f"{revision}:{relative}"], capture_output=True, text=True
        )
        if shown.returncode == 0:  # a file added since has no old version
            files.append((str(file), shown.stdout))
    return parse_bank(files, fw, "old")


def moves(bank: Bank, old: Bank, levels: list[str]) -> None:
    before = {item.id: item for item in old.items}
    moved = [
        (before[item.id], item)
        for item in bank.items
        if item.id in before and before[item.id].level != item.level
    ]
    kept = sum(1 for was, now in moved if was.difficulty == now.difficulty)
    positions = level_positions(levels, {item.level for item in bank.items})
    step = min(b - a for a, b in pairwise(positions.values()))
    print(
        f"\nAgainst the old bank: {len(moved)} of {len(before)} items changed level; "
        f"{kept} of them kept their difficulty, so their prior b moved by {step:.1f} per level "
        "and by nothing else."
    )
    rank = {stage: index for index, stage in enumerate(levels)}
    steps = Counter(rank[now.level] - rank[was.level] for was, now in moved)
    print(
        "Level steps (negative: down): "
        + ", ".join(f"{s:+d}: {n}" for s, n in sorted(steps.items()))
    )
    typical = {
        stage: statistics.median(
            item.difficulty
            for item in bank.items
            if item.level == stage and (item.id not in before or before[item.id].level == stage)
        )
        for stage in {now.level for _, now in moved}
    }
    # A difficulty rates an item against its level's people; after a move of two levels or
    # more the old rating refers to the wrong people, so it is no evidence about the new level.
    rerate = [
        (was, now)
        for was, now in moved
        if abs(rank[now.level] - rank[was.level]) >= BIG_MOVE and was.difficulty == now.difficulty
    ]
    print(
        f"\nMoved {BIG_MOVE}+ levels with the old level's difficulty kept (re-rate these against "
        "the new level; '!' marks a difficulty 1+ away from the median of the items that stayed "
        "at that level):"
    )
    for was, now in rerate:
        mark = "!" if abs(now.difficulty - typical[now.level]) >= 1 else " "
        print(
            f" {mark}{now.id}: {was.level} {was.difficulty} -> {now.level} {now.difficulty} "
            f"(median {typical[now.level]:g} at {now.level})"
        )
    if not rerate:
        print("  none")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=None, help="a bank folder (default pm-core)")
    parser.add_argument("--against", default=None, help="a git revision to compare levels with")
    args = parser.parse_args(argv)
    fw = load_framework(bundled_framework_path())
    bank = open_bank(fw, args.bank)
    levels = [stage.id for stage in fw.stages]
    item_levels = [item.level for item in bank.items]
    centres = stage_centres(prior_parameters(bank.items, levels), item_levels, levels)
    order = list(centres)
    print(
        f"Authored priors of {bank.id} ({len(bank.items)} items): b = level position "
        f"+ {DIFFICULTY_STEP} x (difficulty - 3), slope 1; a candidate at a level sits at its "
        "centre (median b).\n"
    )
    level_table(bank, order, centres)
    plain = score_matrix(bank.items, levels, centres, guessing=False)
    guessed = score_matrix(bank.items, levels, centres, guessing=True)
    matrix_table("Expected share right under the prior (2PL, no guessing)", order, plain)
    matrix_table("The same with blind guessing (each item's chance floor)", order, guessed)
    headline(order, plain, guessed)
    # The ordering is checked on the prior itself. With guessing, the scores of a candidate far
    # below a level sit on the items' chance floors, which depend on the item types of each
    # level, not on its difficulty (an entry candidate's 26% on leadership and executive items).
    problems = ordering_problems(order, plain)
    print()
    if problems:
        print("The priors do NOT give the intended ordering:")
        for problem in problems:
            print(f"  {problem}")
    else:
        print(
            "The priors give the intended ordering: for every candidate each level's items are "
            "harder than the level below's, and every level's items are harder for a candidate "
            "at the level below than for one at it."
        )
    off = [
        (stage, statistics.mean(item.difficulty for item in bank.items if item.level == stage))
        for stage in order
    ]
    off = [(stage, mean) for stage, mean in off if abs(mean - 3) > CENTRING_TOLERANCE]
    if off:
        print(
            "Difficulty is not centred within these levels (mean far from 3; authors rated "
            "absolute hardness, so the prior counts the level twice): "
            + ", ".join(f"{stage} {mean:.2f}" for stage, mean in off)
        )
    if args.against:
        folder = args.bank if args.bank is not None else bundled_bank_path()
        moves(bank, old_bank(folder, args.against, fw), levels)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
