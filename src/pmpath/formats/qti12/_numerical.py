"""Numerical and calculated questions: a decimal ``response_str`` whose answers are exact
values, values with a margin, or ranges (:class:`Numeric` keeps the form a file wrote, so that
it is written back the same); Canvas's formula questions are kept whole for QTI 1.2 only."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from pmpath.formats.numbers import decimal_text, grade_fraction, number_text, percent_text
from pmpath.formats.qti12._canvas import KNOWN_FEEDBACK, decimal
from pmpath.formats.qti12._metadata import from_data, to_data
from pmpath.formats.qti12._responses import apply_action
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text, TextFormat

if TYPE_CHECKING:
    from pmpath.formats.qti12._item_reading import ItemReader
    from pmpath.formats.qti12._item_writing import ItemWriter


@dataclass
class Numeric:
    """A numerical answer's condition as written: exact (with margin), precision or range."""

    form: str
    exact: str | None = None
    low: str | None = None
    high: str | None = None
    low_op: str = "vargte"
    high_op: str = "varlte"

    def value(self) -> tuple[float, float] | None:
        """The answer's value and absolute tolerance, or None when the numbers are unusable."""
        low, high = decimal(self.low), decimal(self.high)
        if self.form == "range":
            if low is None or high is None or high < low:
                return None
            return float((low + high) / 2), float((high - low) / 2)
        exact = decimal(self.exact)
        if exact is None:
            return None
        if self.low is None and self.high is None:
            return float(exact), 0.0
        if low is None or high is None or high < low:
            return None
        return float(exact), float((high - low) / 2)

    def data(self) -> dict[str, str]:
        values = {"form": self.form, "low_op": self.low_op, "high_op": self.high_op}
        for name in ("exact", "low", "high"):
            if getattr(self, name) is not None:
                values[name] = getattr(self, name)
        return values


# -- reading ----------------------------------------------------------------------------------


def read_numerical(reader: ItemReader, question: QuizQuestion) -> None:
    """A numerical item's answers: values with their tolerance, scores and feedback."""
    question.type = QType.NUMERICAL
    forms: list[dict[str, str]] = []
    ids: list[str | None] = []
    for rule in reader.rules:
        if len(rule.condition) == 0 or rule.condition.find("other") is not None:
            continue
        form = _numeric_form(rule.condition)
        value = form.value() if form else None
        if form is None or value is None:
            reader.warn("a numerical answer's condition is not a number, margin or range")
            continue
        fraction = 0.0
        for action, number in rule.actions:
            fraction = apply_action(action, fraction, number)
        links = [link for link in rule.feedback if link.endswith("_fb")]
        link = next((link for link in links if link not in KNOWN_FEEDBACK), None)
        question.answers.append(
            Answer(
                Text(number_text(value[0]), TextFormat.PLAIN),
                grade_fraction(fraction / reader.maximum),
                reader.take_feedback(link),
                value=value[0],
                tolerance=value[1],
            )
        )
        forms.append(form.data())
        ids.append(link[:-3] if link else None)
    reader.extra["numeric"] = forms
    reader.extra["answer_ids"] = ids
    if not question.right_answers:
        reader.warn("no numerical answer earns any credit")


def read_calculated(reader: ItemReader, question: QuizQuestion) -> None:
    """A calculated (formula) item, kept whole for writing QTI 1.2 back."""
    question.type = QType.NUMERICAL
    reader.extra["question_type"] = "calculated_question"
    extension = reader.element.find("itemproc_extension")
    if extension is not None:
        reader.extra["calculated"] = to_data(extension)
    reader.warn(
        "a calculated (formula) question is read as a numerical question without answers: "
        "its formulas, variables and answer sets are kept only for QTI 1.2"
    )


def _numeric_form(condition: Element) -> Numeric | None:
    children = list(condition)
    if len(children) == 1 and children[0].tag == "varequal":
        return Numeric("exact", (children[0].text or "").strip())
    if len(children) == 1 and children[0].tag == "or":
        parts = list(children[0])
        equal = [part for part in parts if part.tag == "varequal"]
        ands = [part for part in parts if part.tag == "and"]
        if len(equal) != 1 or len(ands) > 1 or len(parts) != len(equal) + len(ands):
            return None
        exact = (equal[0].text or "").strip()
        if not ands:
            return Numeric("exact", exact)
        bounds = _bounds(list(ands[0]))
        if bounds is None:
            return None
        form = "precision" if bounds.low_op == "vargt" else "exact"
        return Numeric(form, exact, bounds.low, bounds.high, bounds.low_op, bounds.high_op)
    if len(children) == 1 and children[0].tag == "and":
        children = list(children[0])
    return _bounds(children)


def _bounds(parts: list[Element]) -> Numeric | None:
    lows = [part for part in parts if part.tag in ("vargte", "vargt")]
    highs = [part for part in parts if part.tag in ("varlte", "varlt")]
    if len(lows) != 1 or len(highs) != 1 or len(parts) != 2:
        return None
    return Numeric(
        "range",
        low=(lows[0].text or "").strip(),
        high=(highs[0].text or "").strip(),
        low_op=lows[0].tag,
        high_op=highs[0].tag,
    )


# -- writing ----------------------------------------------------------------------------------


def write_numerical(writer: ItemWriter) -> None:
    """The answers of a numerical question, each in the form it was read in."""
    answers = writer.question.answers
    _decimal_response(
        writer,
    )
    ids = writer.answer_ids(len(answers))
    forms = writer.extra.get("numeric")
    forms = (
        forms if isinstance(forms, list) and len(forms) == len(answers) else [None] * len(answers)
    )
    writer.rules()
    for ident, answer, form in zip(ids, answers, forms, strict=True):
        if answer.fraction <= 0:
            continue  # kept by keep_wrong below: Canvas would take its condition for a right one
        condition = _numeric_condition(writer, answer, form)
        if condition is None:
            continue
        link = None
        if answer.feedback:
            link = f"{ident}_fb"
            writer.feedbacks.append((link, answer.feedback))
        writer.rule("No", [condition], ("Set", percent_text(answer.fraction)), link, correct=True)
    if any(0 < answer.fraction < 1 for answer in answers):
        writer.warn(
            "Canvas gives full credit for every numerical answer it holds: partial credit is "
            "written as a score Canvas does not honour"
        )
    if writer.question.extra.get("unit"):
        writer.warn(
            "Canvas numerical questions have no unit: learners do not see it (kept for pmpath "
            "in pmpath_extra)"
        )
    writer.keep_wrong([answer for answer in answers if answer.fraction <= 0], "numerical")
    writer.incorrect_rule()


def _decimal_response(writer: ItemWriter) -> None:
    response = ElementTree.SubElement(
        writer.presentation, "response_str", {"ident": "response1", "rcardinality": "Single"}
    )
    fib = ElementTree.SubElement(response, "render_fib", {"fibtype": "Decimal"})
    ElementTree.SubElement(fib, "response_label", {"ident": "answer1"})


def _numeric_condition(writer: ItemWriter, answer: Answer, stored: Any) -> Element | None:
    value, tolerance = answer.value, answer.tolerance or 0.0
    if value is None:
        number = decimal(answer.text.text)
        if number is None:
            writer.warn(f"numerical answer {answer.text.text!r} has no value: left out")
            return None
        value = float(number)
    if not (math.isfinite(value) and math.isfinite(tolerance)):
        writer.warn(f"numerical answer {value!r} ± {tolerance!r} is not a finite number: left out")
        return None
    form = _numeric_from(stored)
    if form is None or form.value() != (value, tolerance):
        exact = Decimal(repr(value))
        margin = Decimal(repr(abs(tolerance)))
        kind = form.form if form is not None and form.form == "range" else "exact"
        form = Numeric(kind, decimal_text(exact))
        if kind == "range" or margin:
            form.low, form.high = decimal_text(exact - margin), decimal_text(exact + margin)
        if kind == "range":
            form.exact = None
    bounds = [
        _varequal_tag(form.low_op, form.low),
        _varequal_tag(form.high_op, form.high),
    ]
    if form.form == "range":
        every = Element("and")
        every.extend(bounds)
        return every
    either = Element("or")
    either.append(_varequal_tag("varequal", form.exact))
    if form.low is not None and form.high is not None:
        ElementTree.SubElement(either, "and").extend(bounds)
    return either


def write_calculated(writer: ItemWriter) -> None:
    """A calculated question as it was read."""
    _decimal_response(
        writer,
    )
    writer.rules()
    writer.rule(None, [Element("other")], ("Set", "100"))
    never = Element("not")
    never.append(Element("other"))
    writer.rule(None, [never], ("Set", "0"))
    writer.item.append(from_data(writer.extra["calculated"]))


def _varequal_tag(tag: str, value: str | None) -> Element:
    element = Element(tag, {"respident": "response1"})
    element.text = value
    return element


def _numeric_from(stored: Any) -> Numeric | None:
    if not isinstance(stored, dict) or stored.get("form") not in ("exact", "range", "precision"):
        return None
    values = {name: stored.get(name) for name in ("exact", "low", "high")}
    if not all(value is None or isinstance(value, str) for value in values.values()):
        return None
    low_op = str(stored.get("low_op")) if stored.get("low_op") in ("vargte", "vargt") else "vargte"
    high_op = (
        str(stored.get("high_op")) if stored.get("high_op") in ("varlte", "varlt") else "varlte"
    )
    return Numeric(
        str(stored["form"]), values["exact"], values["low"], values["high"], low_op, high_op
    )
