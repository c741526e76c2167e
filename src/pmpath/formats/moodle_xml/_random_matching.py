"""Moodle's random short-answer matching (``randomsamatch``), resolved at import.

In Moodle the question holds no pairs: each attempt draws ``choose`` short-answer questions
from the question's own category (and its subcategories with ``subcats``), each question's
text a prompt and its first 100 % answer the match. A file holds no attempt, so pmpath makes
the draw once, and the same for everyone: the first ``choose`` short-answer questions of that
category in the file, in file order, become the pairs of a matching question, with a warning
that says so. When the file holds fewer than two of them, the question is left out, also said.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pmpath.formats.moodle_xml._vocabulary import moodle_boolean, trim
from pmpath.formats.quiz import MatchPair, QType, QuizQuestion, Text

if TYPE_CHECKING:
    from pmpath.formats.moodle_xml._reading import QuestionReader

#: Where the reader keeps the draw's settings until the whole file is read.
KEY = "moodle_randomsamatch"


def read_settings(reader: QuestionReader, question: QuizQuestion) -> None:
    """``choose`` (how many pairs) and ``subcats`` (subcategories too), for :func:`resolve`."""
    choose_element = reader.element.find("choose")
    choose = 0
    if choose_element is not None:
        value = reader.parse_number(choose_element.text or "", "choose", choose_element)
        if value != int(value) or value < 0:
            reader.fail(f"choose {choose_element.text!r} is not a whole number")
        choose = int(value)
    subcats = reader.element.find("subcats")
    question.extra[KEY] = {
        "choose": choose,
        "subcats": moodle_boolean(trim(subcats.text or "")) if subcats is not None else True,
    }


def _in_category(candidate: QuizQuestion, category: str | None, subcats: bool) -> bool:
    if candidate.category == category:
        return True
    return (
        subcats
        and category is not None
        and (candidate.category or "").startswith(category.rstrip("/") + "/")
    )


def _first_right_answer(candidate: QuizQuestion) -> str | None:
    return next((a.text.text for a in candidate.answers if a.fraction >= 1 and a.text.text), None)


def resolve(
    questions: list[QuizQuestion], warn: Callable[[QuizQuestion, str], None]
) -> list[QuizQuestion]:
    """``questions`` with each random short-answer matching made a matching of the
    short-answer questions its category holds in the file, or left out; ``warn`` says which,
    about that question."""
    kept: list[QuizQuestion] = []
    for question in questions:
        settings = question.extra.pop(KEY, None)
        if not isinstance(settings, dict):
            kept.append(question)
            continue
        choose, subcats = int(settings["choose"]), bool(settings["subcats"])
        where = "without a category"
        if question.category:
            where = f"of category {question.category!r}"
            where += " and its subcategories" if subcats else ""
        pairs: list[MatchPair] = []
        answers: set[str] = set()
        for candidate in questions:
            if candidate.type is not QType.SHORTANSWER:
                continue
            if not _in_category(candidate, question.category, subcats):
                continue
            right = _first_right_answer(candidate)
            if right is None or right in answers:
                continue  # Moodle too skips a question without a 100 % answer or a repeat
            answers.add(right)
            pairs.append(MatchPair(Text(candidate.text.text, candidate.text.format), right))
        found = len(pairs)
        if choose:
            pairs = pairs[:choose]
        if len(pairs) < 2:
            warn(
                question,
                "a random short-answer matching draws its pairs from the short-answer "
                f"questions {where}, and this file holds {found} usable one(s) "
                "of them: left out",
            )
            continue
        short = f"; Moodle asks for {choose}" if choose > found else ""
        warn(
            question,
            "random short-answer matching is resolved at import: a matching of the first "
            f"{len(pairs)} short-answer questions {where} in this file{short} "
            "(Moodle draws them at random for each attempt)",
        )
        question.pairs = pairs
        kept.append(question)
    return kept
