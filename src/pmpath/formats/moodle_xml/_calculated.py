"""Moodle's calculated family (``calculated``, ``calculatedsimple``, ``calculatedmulti``) read
as one plain question per dataset item.

A calculated question is a template: wildcards (``{a}``) in its text, answers that are formulas
(:mod:`pmpath.formats.formula`), and a dataset of values for each wildcard. pmpath has no
parameterised item, so each dataset item becomes its own question: the values put into the
texts, each ``{=formula}`` in a text replaced by its value, and each answer computed: a
numerical answer (with its tolerance made absolute) for ``calculated`` and ``calculatedsimple``,
an option text for ``calculatedmulti``. Written back, these are numerical and multichoice
questions; the template they came from is not rebuilt (docs/formats.md, "Moodle XML").
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from pmpath.errors import FormulaError
from pmpath.formats.formula import evaluate
from pmpath.formats.moodle_xml._type_reading import multichoice_settings, read_units
from pmpath.formats.moodle_xml._vocabulary import COMBINED, COMMON_ELEMENTS, TYPE_ELEMENTS, trim
from pmpath.formats.numbers import decimal_text, number_text
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text

if TYPE_CHECKING:
    from pmpath.formats.moodle_xml._reading import QuestionReader

#: What each calculated type is read as.
KINDS = {
    "calculated": QType.NUMERICAL,
    "calculatedsimple": QType.NUMERICAL,
    "calculatedmulti": QType.MULTICHOICE,
}
#: Moodle lets a dataset hold at most 100 items; a file with more was not written by Moodle.
MAX_ITEMS = 100
#: The most text the copies of a file's calculated questions may hold together: a file within
#: the size limit could otherwise ask for a hundred copies of every long text.
MAX_EXPANDED_CHARS = 50_000_000
#: The elements a calculated question may hold besides the common ones and its type's: Moodle
#: writes the multichoice settings and the unit options for every calculated type, and uses
#: the first only in calculatedmulti and the second only in the others.
ELEMENTS = {
    "synchronize",
    "dataset_definitions",
    "unitgradingtype",
    "unitpenalty",
    "showunits",
    "unitsleft",
    "single",
    "shuffleanswers",
    "answernumbering",
    "shownumcorrect",
    *COMBINED,
}
#: Moodle's tolerance types.
RELATIVE, NOMINAL, GEOMETRIC = "1", "2", "3"
#: An answer's formula and how its value is shown: (formula, tolerance type, answer format
#: ("1" decimals, "2" significant figures), length).
Formula = tuple[str, str, str, str]
_WILDCARD = re.compile(r"\{([A-Za-z][^>} <{\"']*)\}")
_INLINE = re.compile(r"\{=([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")


def known_elements(kind: str) -> set[str]:
    return COMMON_ELEMENTS | TYPE_ELEMENTS[KINDS[kind]] | ELEMENTS


def datasets(reader: QuestionReader) -> dict[str, list[float]]:
    """Each wildcard's values, by item number order (item 1 first)."""
    found: dict[str, list[float]] = {}
    for definition in reader.element.findall("dataset_definitions/dataset_definition"):
        name = reader.content(definition.find("name")) or trim(definition.findtext("name") or "")
        items = definition.findall("dataset_items/dataset_item")
        if len(items) > MAX_ITEMS:
            reader.fail(
                f"wildcard {{{name}}} has {len(items)} dataset items, more than Moodle's "
                f"{MAX_ITEMS}",
                reader.reader.lines.get(definition, reader.line),
            )
        numbered: list[tuple[float, float]] = []
        for item in items:
            number = reader.number(item.find("number"), "dataset item number", len(numbered) + 1)
            value = reader.number(item.find("value"), f"the value of {{{name}}}", 0.0)
            numbered.append((number, value))
        found[name] = [value for _, value in sorted(numbered)]
    return found


def variants(
    reader: QuestionReader, template: QuizQuestion, kind: str, formulas: list[Formula]
) -> list[QuizQuestion]:
    """One question per dataset item of the question ``template`` (read whole, its answers by
    :func:`read_answers`, which gave ``formulas``)."""
    values = datasets(reader)
    if not values:
        reader.warn(f"a {kind} question without a dataset: question not kept")
        return []
    counts = {len(items) for items in values.values()}
    count = min(counts)
    if len(counts) > 1:
        reader.warn(
            f"the wildcards' datasets have {', '.join(str(n) for n in sorted(counts))} items: "
            f"the first {count} of each are used"
        )
    texts = [template.text, template.general_feedback, *template.hints]
    texts += [text for answer in template.answers for text in (answer.text, answer.feedback)]
    reader.reader.expanded += count * sum(len(text.text) for text in texts if text is not None)
    if reader.reader.expanded > MAX_EXPANDED_CHARS:
        reader.fail(
            f"the calculated questions' copies, one per dataset item, would hold more than "
            f"{MAX_EXPANDED_CHARS:,} characters of text"
        )
    made: list[QuizQuestion] = []
    skipped: list[str] = []
    for index in range(count):
        item = {name: items[index] for name, items in values.items()}
        try:
            made.append(_variant(template, formulas, item, index, count, kind))
        except FormulaError as exc:
            skipped.append(f"item {index + 1}: {exc}")
    if not made:
        first = f" ({skipped[0]})" if skipped else ""
        reader.warn(f"no dataset item gives the answers{first}: question not kept")
        return []
    if skipped:
        reader.warn(f"dataset items that give no answer, not kept: {'; '.join(skipped)}")
    many = "one question" if len(made) == 1 else f"{len(made)} questions"
    reader.warn(
        f"a {kind} question is read as {many}, one per dataset item, each with the "
        "wildcards' values put in and its answers computed"
    )
    return made


def read_answers(reader: QuestionReader, template: QuizQuestion, kind: str) -> list[Formula]:
    """Each answer's formula and rounding: (formula, tolerance type, answer format, length);
    the answers themselves (fraction, feedback, tolerance) go into ``template``, with the
    multichoice settings (calculatedmulti) or the units (the others)."""
    if kind == "calculatedmulti":
        multichoice_settings(reader, template)
    else:
        read_units(reader, template)
    formulas = []
    for index, answer in enumerate(reader.element.findall("answer")):
        said = reader.content(answer)
        feedback = reader.feedback(
            answer.find("feedback"), template.text.format, f"answer/{index}/feedback"
        )
        fraction = reader.fraction(answer)
        tolerance = abs(reader.number(answer.find("tolerance"), "tolerance", 0.0))
        if kind == "calculatedmulti":
            text = reader.text(answer, template.text.format, f"answer/{index}")
            template.answers.append(Answer(text, fraction, feedback))
        else:
            template.answers.append(Answer(Text(said), fraction, feedback, None, tolerance))
        formulas.append(
            (
                said,
                trim(answer.findtext("tolerancetype") or RELATIVE),
                trim(answer.findtext("correctanswerformat") or "1"),
                trim(answer.findtext("correctanswerlength") or "2"),
            )
        )
    return formulas


def _variant(
    template: QuizQuestion,
    formulas: list[Formula],
    item: dict[str, float],
    index: int,
    count: int,
    kind: str,
) -> QuizQuestion:
    def put(text: Text | None) -> Text | None:
        return Text(substitute(text.text, item), text.format) if text is not None else None

    answers = []
    for answer, (formula, tolerance_type, style, length) in zip(
        template.answers, formulas, strict=True
    ):
        feedback = put(answer.feedback)
        if kind == "calculatedmulti":
            shown = substitute(answer.text.text, item, style, length)
            answers.append(Answer(Text(shown, answer.text.format), answer.fraction, feedback))
            continue
        if formula == "*":
            answers.append(Answer(Text("*"), answer.fraction, feedback))
            continue
        value = evaluate(formula, item)
        centre, spread = absolute_tolerance(value, answer.tolerance or 0.0, tolerance_type)
        answers.append(
            Answer(
                Text(correct_answer_text(value, style, length)),
                answer.fraction,
                feedback,
                centre,
                spread,
            )
        )
    variant = replace(
        template,
        text=put(template.text) or Text(""),
        general_feedback=put(template.general_feedback),
        hints=[hint for hint in (put(hint) for hint in template.hints) if hint is not None],
        answers=answers,
        extra={**template.extra, "moodle_calculated": {"type": kind, "item": index + 1}},
        tags=list(template.tags),
        attachments=list(template.attachments),
    )
    if count > 1:
        variant.name = f"{template.name or kind} ({index + 1} of {count})"
        if template.id_number:
            variant.id_number = f"{template.id_number}-{index + 1}"
    return variant


def _short(value: float) -> float:
    """``value`` to 15 significant digits: a tolerance of 0.12 rather than the
    0.11999999999999922 that 12 * 0.01 leaves in binary."""
    return float(f"{value:.15g}")


def substitute(text: str, item: dict[str, float], style: str = "", length: str = "") -> str:
    """``text`` with each ``{=formula}`` replaced by its value (rounded as ``style`` and
    ``length`` say, when given) and each ``{wildcard}`` of ``item`` by its value."""

    def inline(match: re.Match[str]) -> str:
        value = evaluate(match.group(1), item)
        if style:
            return correct_answer_text(value, style, length)
        # PHP prints a float with 14 significant digits: 7.2 * 3.3 shows as 23.76.
        return number_text(float(f"{value:.14g}"))

    def wildcard(match: re.Match[str]) -> str:
        name = match.group(1)
        return number_text(item[name]) if name in item else match.group()

    return _WILDCARD.sub(wildcard, _INLINE.sub(inline, text))


def tolerance_interval(value: float, tolerance: float, kind: str) -> tuple[float, float]:
    """The range Moodle accepts around ``value`` (qtype_numerical_answer's interval)."""
    tolerance = abs(tolerance)
    if kind == NOMINAL:
        return value - tolerance, value + tolerance
    if kind == GEOMETRIC:
        quotient = 1 + tolerance
        if value < 0:
            return value * quotient, value / quotient
        return value / quotient, value * quotient
    spread = abs(value) * tolerance  # relative, Moodle's default
    return value - spread, value + spread


def absolute_tolerance(value: float, tolerance: float, kind: str) -> tuple[float, float]:
    """The range Moodle accepts around ``value`` as pmpath keeps one: a centre and the
    tolerance either side. Relative and nominal ranges are centred on the value; a geometric
    one is not (``value / q`` to ``value * q``), so its centre moves and its range is kept."""
    if kind == GEOMETRIC:
        low, high = tolerance_interval(value, tolerance, kind)
        return _short((low + high) / 2), _short((high - low) / 2)
    if kind == NOMINAL:
        return value, abs(tolerance)
    return value, _short(abs(value) * abs(tolerance))


def correct_answer_text(value: float, style: str, length: str) -> str:
    """The right answer as Moodle shows it: ``length`` decimals (``style`` "1") or that many
    significant figures (``style`` "2"), halves rounded away from zero."""
    digits = int(length) if length.isdigit() else 2
    exact = Decimal(repr(value))
    if style == "2":
        if value == 0:
            return "0"
        places = digits - exact.adjusted() - 1
        return decimal_text(exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))
    rounded = exact.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return format(rounded, "f") if digits else decimal_text(rounded)
