"""GIFT import speed: pmpath's reader against pygiftparser on a generated 10,000-question file.

    python benchmarks/formats.py [--questions 10000] [--runs 5] [--seed 1]

Generates one GIFT file (seeded) whose question types and text lengths follow pmpath's bundled
pm-core bank (see ``STEM``, ``OPTION``, ``RATIONALE``, ``EXPLANATION`` and ``KINDS``), then times
``pmpath.formats.gift.read`` on its bytes and pygiftparser's ``parseFile`` on the same text, and
prints both times and the ratio; exits 1 when pmpath is less than 5 times faster.

Method: CPU time of this process (time other jobs hold the CPU is not counted), one untimed round
of each first, then ``--runs`` interleaved rounds (load that comes and goes falls on both), the
median of each. Each round counts the young-generation collection its new objects are due for,
and frees its result after the clock stops.

pygiftparser (a development dependency only: ``.venv/bin/pip install pygiftparser``) cannot read
some GIFT constructs, so the file holds only constructs both parsers read:

* short answers carry no partial weights (pygiftparser turns ``=%50%answer`` into a
  multiple-choice question);
* numbers are not negative (its numeric answers are unsigned);
* numeric blocks have no ``~#`` (or ``=%0%*``) feedback for any other answer: it marks the whole
  question invalid;
* ``$CATEGORY:`` paths use only letters, digits, ``_``, ``/`` and ``$``.

Everything else GIFT has is in the mix: titles, ``//`` comments (with Moodle's ``[id:]`` and
``[tag:]`` markers), categories, single and multiple-answer choices with weights (negative ones
too), every true/false spelling with both feedbacks, several short answers, numeric answers
with tolerance, ranges and several weighted answers with feedback, matching with
distractors, essays, descriptions, missing-word blanks, per-answer and general feedback,
``[html]``/``[markdown]`` texts, multi-line answer blocks and every escape.
"""

from __future__ import annotations

import argparse
import gc
import io
import logging
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from pmpath.formats import gift

TARGET_RATIO = 5.0
WORDS = """
    product roadmap metric churn retention cohort funnel discovery backlog sprint release
    pricing segment persona interview experiment hypothesis launch market stakeholder value
    outcome feature onboarding activation revenue growth strategy vision priority the a of to
    and for with team users customers data when which should first
""".split()  # noqa: SIM905 (a word list reads better as text)
# Word counts (10th to 90th percentile) of pmpath's bundled bank, src/pmpath/content/banks/pm-core:
# 624 items, every option with a rationale and every item with an explanation.
STEM = (16, 51)
OPTION = (9, 19)
RATIONALE = (14, 24)
EXPLANATION = (33, 54)
SHORT = (1, 3)


def _words(rng: random.Random, span: tuple[int, int]) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(*span)))


def _stem(rng: random.Random) -> str:
    stem = _words(rng, STEM).capitalize()
    roll = rng.random()
    if roll < 0.08:
        stem += r" (ratio 3\:1, see \{notes\})"
    elif roll < 0.12:
        stem = "[html]<p>" + stem + " <b>" + _words(rng, SHORT) + "</b></p>"
    elif roll < 0.15:
        stem = "[markdown]" + stem + " **" + _words(rng, SHORT) + "**"
    return stem + "?"


def _option(rng: random.Random) -> str:
    return f"{_words(rng, OPTION)} # {_words(rng, RATIONALE)}"


def _single(rng: random.Random) -> str:
    options = rng.choice((4, 4, 4, 5, 6))
    right = rng.randrange(options)
    lines = [("=" if i == right else "~") + _option(rng) for i in range(options)]
    return "{\n" + "\n".join(f"    {line}" for line in lines) + "\n}"


def _multiple(rng: random.Random) -> str:
    right, wrong = rng.choice(((2, 2), (2, 3), (3, 2), (4, 1)))
    weights = {2: "50", 3: "33.33333", 4: "25"}[right]
    penalty = {1: "-100", 2: "-50", 3: "-33.33333"}[wrong]
    options = [f"~%{weights}%{_option(rng)}" for _ in range(right)]
    options += [f"~%{penalty}%{_option(rng)}" for _ in range(wrong)]
    rng.shuffle(options)
    return "{\n" + "\n".join(f"    {option}" for option in options) + "\n}"


def _truefalse(rng: random.Random) -> str:
    answer = rng.choice(("T", "TRUE", "F", "FALSE"))
    return "{" + answer + f"#{_words(rng, RATIONALE)}#{_words(rng, RATIONALE)}" + "}"


def _shortanswer(rng: random.Random) -> str:
    answers = [f"={_words(rng, SHORT)}" for _ in range(rng.randint(1, 3))]
    return "{" + " ".join(answers) + "}"


def _numerical(rng: random.Random) -> str:
    value = round(rng.uniform(0, 1000), rng.choice((0, 1, 2)))
    roll = rng.random()
    if roll < 0.4:
        return f"{{#{value:g}:{rng.choice((0, 0.5, 1, 5))}}}"
    if roll < 0.6:
        return f"{{#{value:g}..{value + rng.randint(1, 50):g}}}"
    return (
        f"{{#\n    =%100%{value:g}:0.01#{_words(rng, RATIONALE)}\n"
        f"    =%50%{value:g}:{rng.randint(1, 10)}#{_words(rng, RATIONALE)}\n}}"
    )


def _matching(rng: random.Random) -> str:
    pairs = [f"={_words(rng, OPTION)} -> {_words(rng, SHORT)}" for _ in range(rng.randint(3, 5))]
    if rng.random() < 0.3:
        pairs.append(f"= -> {_words(rng, SHORT)}")
    return "{\n" + "\n".join(f"    {pair}" for pair in pairs) + "\n}"


def _essay(rng: random.Random) -> str:
    return "{}"


# The bundled bank's mix (single 56 %, numeric 18 %, multiple 9 %, true/false 6 %, short
# answer 4 %, matching 4 %; its ordering items have no GIFT form), plus essays and descriptions.
KINDS: dict[Callable[[random.Random], str], float] = {
    _single: 0.53,
    _numerical: 0.17,
    _multiple: 0.09,
    _truefalse: 0.06,
    _shortanswer: 0.05,
    _matching: 0.05,
    _essay: 0.05,
}


def generate(count: int, seed: int) -> str:
    """A GIFT file of ``count`` questions; the same file for the same seed."""
    rng = random.Random(seed)
    chunks: list[str] = []
    for number in range(1, count + 1):
        if number % 500 == 1:
            chunks.append(f"$CATEGORY: $course$/top/Bank/Domain_{number // 500}\n")
        head = f"// question: {number}  name: Q{number}\n"
        if rng.random() < 0.2:
            head += f"// [id:q-{number}] [tag:{rng.choice(WORDS)}] [tag:{rng.choice(WORDS)}]\n"
        head += f"::Q{number} {_words(rng, SHORT)}::"
        if rng.random() < 0.03:
            chunks.append(head + _stem(rng) + "\n")  # a description
            continue
        make = rng.choices(list(KINDS), list(KINDS.values()))[0]
        block = make(rng)
        if make is not _numerical:
            block = block[:-1].rstrip() + f"\n    ####{_words(rng, EXPLANATION)}\n}}"
        stem = _stem(rng)
        if make in (_single, _shortanswer) and rng.random() < 0.2:
            # A missing word: the block inside the sentence.
            words = stem.split(" ")
            cut = rng.randint(1, len(words) - 1)
            chunks.append(head + " ".join(words[:cut]) + f" {block} " + " ".join(words[cut:]))
        else:
            chunks.append(head + stem + (" " if rng.random() < 0.5 else "\n") + block)
        chunks[-1] += "\n"
    return "\n".join(chunks)


def timed(action: Callable[[], Any]) -> float:
    """Seconds of CPU this process spends in ``action``.

    The young-generation collection its new objects are due for is run inside the clock (a
    reader that pauses the collector would otherwise pass that bill to whoever allocates
    next); the result itself is freed after the clock stops, so that tearing down 10,000
    questions is not counted as parsing them.
    """
    start = time.process_time()
    result = action()
    gc.collect(0)
    seconds = time.process_time() - start
    del result
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    try:
        from pygiftparser import parser as pygift
    except ImportError:
        print("pygiftparser is not installed: .venv/bin/pip install pygiftparser", file=sys.stderr)
        return 1
    logging.disable(logging.WARNING)  # pygiftparser logs a line for every question without title

    text = generate(args.questions, args.seed)
    data = text.encode("utf-8")
    read = gift.read(data, "bench.gift")
    theirs = pygift.parseFile(io.StringIO(text))
    print(f"generated {len(data) / 2**20:.1f} MiB, {args.questions} questions")
    kinds: dict[str, int] = {}
    for question in read.questions:
        kinds[question.type.value] = kinds.get(question.type.value, 0) + 1
    print("  " + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())))
    invalid = sum(1 for question in theirs if not question.valid)
    if len(read.questions) != args.questions or len(theirs) != args.questions or invalid:
        print(
            f"the parsers disagree: pmpath read {len(read.questions)} questions, pygiftparser "
            f"{len(theirs)} ({invalid} invalid)",
            file=sys.stderr,
        )
        return 1

    # One untimed round first (the interpreter specialises, the allocator grows), then
    # interleaved rounds, so that load from other processes falls on both parsers alike.
    timed(lambda: gift.read(data, "bench.gift"))
    timed(lambda: pygift.parseFile(io.StringIO(text)))
    ours: list[float] = []
    peers: list[float] = []
    for _ in range(args.runs):
        ours.append(timed(lambda: gift.read(data, "bench.gift")))
        peers.append(timed(lambda: pygift.parseFile(io.StringIO(text))))
    pmpath_seconds = statistics.median(ours)
    peer_seconds = statistics.median(peers)
    ratio = peer_seconds / pmpath_seconds
    del read, theirs
    print(
        f"pmpath gift.read, CPU time (median of {args.runs}):      {pmpath_seconds * 1000:8.1f} ms"
    )
    print(
        f"pygiftparser parseFile, CPU time (median of {args.runs}): {peer_seconds * 1000:8.1f} ms"
    )
    print(f"ratio: pmpath is {ratio:.1f}x faster (target: at least {TARGET_RATIO:g}x)")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
