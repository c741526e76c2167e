"""Turning what a learner types into a response: letters for options, numbers, text."""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any

from pmpath.errors import PmpathError

if TYPE_CHECKING:
    from pmpath.services.models.banks import Key
    from pmpath.services.models.exams import LearnerResponse, QuestionView

LETTERS = string.ascii_uppercase


def letters_help(question: QuestionView) -> str:
    kind = question.type
    count = len(question.options)
    last = LETTERS[count - 1] if count else "A"
    return {
        "single": f"one letter A-{last}",
        "true-false": "A (True) or B (False)",
        "multiple": f"every right letter, e.g. A,C (A-{last})",
        "numeric": "a number" + (f" in {question.unit}" if question.unit else ""),
        "ordering": f"all {count} letters in the right order, e.g. "
        + ",".join(LETTERS[:count][::-1]),
        "matching": "for each left-hand item, a letter, e.g. "
        + ",".join(LETTERS[: len(question.lefts)]),
        "short-answer": "a word or short phrase",
        "gap": "for each gap, a letter, e.g. "
        + ",".join(LETTERS[: len(question.gaps)])
        + " (- leaves a gap empty)",
    }[kind]


def parse_json(text: str) -> Any:
    """An answer given as JSON on the command line (for scripts)."""
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise PmpathError(
            f'the answer must be JSON, e.g. \'"b"\' or \'["a", "c"]\', not {text!r}'
        ) from None


def parse(question: QuestionView, typed: str) -> LearnerResponse:
    """The response for ``question`` (as the service shows it) from the learner's text."""
    kind = question.type
    ids = [option.id for option in question.options]
    text = typed.strip()
    if kind == "numeric":
        try:
            return float(text.replace(",", ""))
        except ValueError:
            raise PmpathError(f"{text!r} is not a number") from None
    if kind == "short-answer":
        if not text:
            raise PmpathError("type an answer")
        return text
    if kind == "gap":
        return _gaps(question, ids, text)
    picked = [_option(ids, part) for part in text.replace(" ", ",").split(",") if part]
    if kind in ("single", "true-false"):
        if len(picked) != 1:
            raise PmpathError("give exactly one letter")
        return picked[0]
    if kind == "multiple":
        return sorted(set(picked))
    if kind == "ordering":
        if sorted(picked) != sorted(ids):
            raise PmpathError(f"give every letter once ({len(ids)} in all)")
        return picked
    lefts = question.lefts
    if len(picked) != len(lefts):
        raise PmpathError(f"give {len(lefts)} letters, one for each left-hand item")
    return dict(zip(lefts, picked, strict=True))


def _gaps(question: QuestionView, ids: list[str], text: str) -> dict[str, str]:
    """A letter for each gap in order ("B,D,-"); "-" leaves a gap empty."""
    parts = [part for part in text.replace(" ", ",").split(",") if part]
    if len(parts) != len(question.gaps):
        raise PmpathError(f"give {len(question.gaps)} letters, one for each gap (- for none)")
    filled: dict[str, str] = {}
    for gap, part in zip(question.gaps, parts, strict=True):
        if part == "-":
            continue
        choice = _option(ids, part)
        if choice not in gap.choices:
            offered = ", ".join(LETTERS[ids.index(c)] for c in gap.choices)
            raise PmpathError(f"gap {gap.number} offers {offered}, not {part.upper()}")
        filled[str(gap.number)] = choice
    return filled


def _option(ids: list[str], letter: str) -> str:
    index = LETTERS.find(letter.upper()) if len(letter) == 1 else -1
    if not 0 <= index < len(ids):
        raise PmpathError(f"{letter!r} is not one of the letters A-{LETTERS[len(ids) - 1]}")
    return ids[index]


def show_response(question: QuestionView, response: LearnerResponse | Key) -> str:
    """A stored response (or a key) in the letters the learner saw."""
    if response is None:
        return "-"
    ids = [option.id for option in question.options]
    letter = {option_id: LETTERS[n] for n, option_id in enumerate(ids)}
    if isinstance(response, str) and question.type != "short-answer":
        return letter.get(response, response)
    if isinstance(response, list):
        return ",".join(letter.get(r, str(r)) for r in response)
    if isinstance(response, dict) and question.type == "gap":
        filled = {str(number): str(choice) for number, choice in response.items()}
        return (
            ", ".join(
                f"gap {gap.number}: {letter.get(filled[str(gap.number)], '?')}"
                for gap in question.gaps
                if str(gap.number) in filled
            )
            or "-"
        )
    if isinstance(response, dict):
        pairs = [(str(left), str(right)) for left, right in response.items()]
        return ", ".join(f"{left} → {letter.get(right, right)}" for left, right in pairs)
    return str(response)
