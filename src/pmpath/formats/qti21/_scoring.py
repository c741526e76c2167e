"""Scores as answer fractions: each answer's mapped value or rule score divided by the item's
maximum (declared, else the best score), and that maximum as the question's grade."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmpath.formats.numbers import grade_fraction, number_text
from pmpath.formats.qti21._processing import Declaration
from pmpath.formats.qti21._vocabulary import MAP_RESPONSE, MATCH_CORRECT, SCORE
from pmpath.formats.quiz import QType, QuizQuestion
from pmpath.formats.xmltext import local_name

if TYPE_CHECKING:
    from pmpath.formats.qti21._item_reading import ItemReader


def scores(
    reader: ItemReader, declaration: Declaration, keys: list[str], single: bool
) -> dict[str, float]:
    """Each answer's fraction, by the rules in the module's docstring."""
    processing = reader.processing
    raw: dict[str, float]
    if processing.scored_by_branches:
        by_key = {branch.key: branch.score or 0.0 for branch in processing.branches}
        other = processing.otherwise.score if processing.otherwise else None
        raw = {key: by_key.get(key, other or 0.0) for key in keys}
        best = max(raw.values(), default=0.0)
        return as_fractions(reader, raw, best)
    mode = scoring_mode(reader, declaration)
    if mode == MAP_RESPONSE and declaration.mapping is not None:
        raw = {key: declaration.mapping.get(key, declaration.default) for key in keys}
        if single:
            raw = {key: bounded(value, declaration) for key, value in raw.items()}
            best = max(raw.values(), default=0.0)
        else:
            best = sum(value for value in raw.values() if value > 0)
            if declaration.upper is not None:
                best = min(best, declaration.upper)
            _check_bounds(reader, declaration)
        return as_fractions(reader, raw, best)
    if mode == MATCH_CORRECT:
        right = [key for key in keys if key in declaration.correct]
        missing = [value for value in declaration.correct if value not in keys]
        if missing:
            reader.warn(f"the correct response names no choice: {', '.join(missing)}")
        if single:
            if len(right) > 1:
                reader.warn("a single response with several correct values: the first counts")
            right = right[:1]
            return {key: 1.0 if key in right else 0.0 for key in keys}
        if right:
            reader.extra["template"] = MATCH_CORRECT
            reader.warn(
                "all-or-nothing scoring (match_correct) of a multiple response is read as "
                f"1/{len(right)} of the grade for each right choice; kept for writing QTI back"
            )
        share = grade_fraction(1 / len(right)) if right else 0.0
        return {key: share if key in right else 0.0 for key in keys}
    return dict.fromkeys(keys, 0.0)


def scoring_mode(reader: ItemReader, declaration: Declaration) -> str | None:
    """How the item is scored: the template it names, else what it declares."""
    template = reader.processing.template
    if template == MAP_RESPONSE and declaration.mapping is None:
        reader.warn("map_response without a mapping: scored by the correct response")
        template = MATCH_CORRECT
    if template is None:
        template = MAP_RESPONSE if declaration.mapping is not None else MATCH_CORRECT
        if not declaration.correct and declaration.mapping is None:
            reader.warn("the item declares no correct response: every answer scores 0")
            return None
        if not reader.processing.present:
            reader.warn(
                f"the item has no response processing: scored as {template} "
                "(by its declared mapping or correct response)"
            )
    return template


def _check_bounds(reader: ItemReader, declaration: Declaration) -> None:
    mapping = declaration.mapping or {}
    negative = any(value < 0 for value in [*mapping.values(), declaration.default])
    if declaration.lower is not None and declaration.lower < 0:
        reader.warn(
            f"a total below 0 (lowerBound {number_text(declaration.lower)}) is not kept: "
            "totals stop at 0"
        )
    elif declaration.lower is None and negative:
        reader.warn("the mapping has no lowerBound, so totals may go below 0: not kept")


def as_fractions(reader: ItemReader, raw: dict[str, float], best: float) -> dict[str, float]:
    """Scores as shares of the item's maximum: the declared one, else the best score."""
    reader.top = best if best > 0 else 0.0
    scale = declared_maximum(reader) or (best if best > 0 else 1.0)
    return {key: grade_fraction(value / scale) for key, value in raw.items()}


def declared_maximum(reader: ItemReader) -> float | None:
    """``SCORE``'s ``normalMaximum``, else ``MAXSCORE``'s default value, when positive."""
    declared = reader.outcomes.get(SCORE)
    if declared is not None and declared.get("normalMaximum") is not None:
        value = reader.number(declared.get("normalMaximum"), "the normalMaximum")
        if value > 0:
            return value
    maximum = reader.outcomes.get("MAXSCORE")
    if maximum is not None:
        values = [v for d in maximum if local_name(d.tag) == "defaultValue" for v in d]
        if values:
            value = reader.number(values[0].text, "the MAXSCORE default value")
            if value > 0:
                return value
    return None


def item_grade(reader: ItemReader, question: QuizQuestion) -> float:
    """The question's grade: the declared maximum, else the best score an answer gives."""
    declared = declared_maximum(reader)
    if declared is not None:
        return declared
    if question.type is QType.DESCRIPTION:
        return 0.0
    top = reader.top
    if reader.processing.template == MATCH_CORRECT and reader.processing.correct_score:
        top = reader.processing.correct_score
    return top if top > 0 else 1.0


def bounded(value: float, declaration: Declaration) -> float:
    """A mapped value within the mapping's bounds."""
    if declaration.upper is not None:
        value = min(value, declaration.upper)
    if declaration.lower is not None:
        value = max(value, declaration.lower)
    return value
