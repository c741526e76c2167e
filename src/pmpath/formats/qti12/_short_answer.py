"""Short answer: one ``response_str``, each accepted text a ``varequal`` condition."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.formats.numbers import grade_fraction, percent_text
from pmpath.formats.qti12._canvas import KNOWN_FEEDBACK
from pmpath.formats.qti12._responses import apply_action, varequal
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text, TextFormat

if TYPE_CHECKING:
    from pmpath.formats.qti12._item_reading import ItemReader
    from pmpath.formats.qti12._item_writing import ItemWriter


# -- reading ----------------------------------------------------------------------------------


def read_short_answer(reader: ItemReader, question: QuizQuestion) -> None:
    """A short-answer item's accepted texts, each with its score and feedback."""
    question.type = QType.SHORTANSWER
    found: dict[str, tuple[float | None, tuple[int, int] | None]] = {}
    ids: dict[str, str] = {}
    case = False
    for position, rule in enumerate(reader.rules):
        values = _alternatives(rule.condition)
        if values is None:
            continue
        case = case or any(
            v.get("case", "No").lower() == "yes" for v in rule.condition.iter("varequal")
        )
        fraction = None
        if rule.actions:
            fraction = 0.0
            for action, number in rule.actions:
                fraction = apply_action(action, fraction, number)
            fraction = grade_fraction(fraction / reader.maximum)
        for index, value in enumerate(values):
            old = found.get(value)
            if old is None or (old[0] is None and fraction is not None):
                credit = (position, index) if fraction and fraction > 0 else None
                found[value] = (fraction, credit)
        links = [link for link in rule.feedback if link.endswith("_fb")]
        if len(values) == 1 and links and links[0] not in KNOWN_FEEDBACK:
            ids.setdefault(values[0], links[0][:-3])
    first_seen = {value: index for index, value in enumerate(found)}
    order = sorted(
        found, key=lambda v: (0, *(found[v][1] or ())) if found[v][1] else (1, first_seen[v], 0)
    )
    question.answers = [
        Answer(
            Text(value, TextFormat.PLAIN),
            found[value][0] or 0.0,
            reader.take_feedback(f"{ids[value]}_fb") if value in ids else None,
        )
        for value in order
    ]
    reader.extra["answer_ids"] = [ids.get(value) for value in order]
    if case:
        reader.extra["case_sensitive"] = True
        reader.warn("case-sensitive matching has no place in the model: kept only for QTI 1.2")
    if not question.right_answers:
        reader.warn("no accepted answer earns any credit")


def _alternatives(condition: Element) -> list[str] | None:
    """The texts a short-answer condition accepts: its ``varequal``s, directly or in an ``or``."""
    children = list(condition)
    if len(children) == 1 and children[0].tag == "or":
        children = list(children[0])
    if not children or any(child.tag != "varequal" for child in children):
        return None
    return [(child.text or "").strip() for child in children]


# -- writing ----------------------------------------------------------------------------------


def write_short_answer(writer: ItemWriter) -> None:
    """The accepted texts of a short-answer question, and their scoring."""
    answers = writer.question.answers
    response = ElementTree.SubElement(
        writer.presentation, "response_str", {"ident": "response1", "rcardinality": "Single"}
    )
    fib = ElementTree.SubElement(response, "render_fib")
    ElementTree.SubElement(fib, "response_label", {"ident": "answer1", "rshuffle": "No"})
    ids = writer.answer_ids(len(answers))
    case = writer.extra.get("case_sensitive") is True
    positive = [(i, a) for i, a in zip(ids, answers, strict=True) if a.fraction > 0]
    writer.rules()
    for ident, answer in positive:
        if answer.feedback:
            writer.feedbacks.append((f"{ident}_fb", answer.feedback))
            writer.rule(
                "Yes", [varequal("response1", answer.text.text, case)], feedback=f"{ident}_fb"
            )
    run: list[Answer] = []
    for index, (_, answer) in enumerate(positive):
        run.append(answer)
        following = positive[index + 1][1] if index + 1 < len(positive) else None
        if following is None or following.fraction != answer.fraction:
            # One condition holds its <varequal>s in an <or>: side by side they all must hold.
            either = Element("or")
            either.extend(varequal("response1", a.text.text, case) for a in run)
            writer.rule(
                "No",
                [either],
                ("Set", percent_text(answer.fraction)),
                correct=answer.fraction >= 1,
            )
            run = []
    if any(answer.fraction < 1 for _, answer in positive):
        writer.warn(
            "Canvas gives full credit for every short answer it holds: partial credit is "
            "written as a score Canvas does not honour"
        )
    writer.keep_wrong([answer for answer in answers if answer.fraction <= 0], "short-answer")
    writer.incorrect_rule()
