"""``textEntryInteraction``: short answer (a string response) and numerical (a float or
integer response); the blank goes where the interaction stood in the text."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.formats.numbers import finite_number, number_text
from pmpath.formats.qti21._feedback import (
    answer_feedback,
    answer_key,
    result_feedback,
    take_feedback,
)
from pmpath.formats.qti21._html import texts_of
from pmpath.formats.qti21._processing import set_score
from pmpath.formats.qti21._scoring import as_fractions, bounded, scoring_mode
from pmpath.formats.qti21._serializing import escape, escape_attribute, well_formed
from pmpath.formats.qti21._vocabulary import (
    FEEDBACK,
    LONE_BLANK,
    MAP_RESPONSE,
    MATCH_CORRECT,
    xml_bool,
)
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text, TextFormat

if TYPE_CHECKING:
    from pmpath.formats.qti21._item_reading import ItemReader
    from pmpath.formats.qti21._item_writing import ItemWriter


# -- reading -----------------------------------------------------------------------------------


def read_text_entry(reader: ItemReader, interaction: Element, question: QuizQuestion) -> None:
    """A ``textEntryInteraction`` as a short-answer or numerical question."""
    declaration = reader.declarations[interaction.get("responseIdentifier", "")]
    numeric = declaration.base_type in ("float", "integer")
    question.type = QType.NUMERICAL if numeric else QType.SHORTANSWER
    if declaration.base_type not in ("float", "integer", "string"):
        reader.warn(f"a text entry with baseType {declaration.base_type}: read as text")
    if interaction.get("expectedLength"):
        reader.extra["expectedLength"] = reader.whole(
            interaction.get("expectedLength"), "expectedLength"
        )
    answers: list[tuple[str, float, float | None, bool | None]] = []
    processing = reader.processing
    if processing.scored_by_branches:
        for branch in processing.branches:
            answers.append((branch.key or "", branch.score or 0.0, branch.tolerance,
                            branch.case_sensitive))  # fmt: skip
        if processing.otherwise and (processing.otherwise.score or processing.otherwise.feedback):
            answers.append(("*", processing.otherwise.score or 0.0, None, None))
        best = max((score for _, score, _, _ in answers), default=0.0)
    else:
        mode = scoring_mode(reader, declaration)
        if mode == MAP_RESPONSE and declaration.mapping is not None:
            for key, mapped in declaration.mapping.items():
                case = declaration.case_sensitive.get(key)
                answers.append((key, bounded(mapped, declaration), 0.0, case))
            if declaration.default:
                answers.append(("*", bounded(declaration.default, declaration), None, None))
            for value in declaration.correct:
                if value not in declaration.mapping:
                    reader.warn(f"the correct response {value!r} is not in the mapping: ignored")
        elif mode == MATCH_CORRECT:
            if len(declaration.correct) > 1 and declaration.cardinality == "single":
                reader.warn("a single response with several correct values: the first counts")
            for value in declaration.correct[:1]:
                answers.append((value, 1.0, 0.0, True))
        best = max((score for _, score, _, _ in answers), default=0.0)
    raw = {str(index): score for index, (_, score, _, _) in enumerate(answers)}
    fractions = as_fractions(reader, raw, best)
    cases = {case for key, _, _, case in answers if case is not None and key != "*"}
    if not numeric and True in cases:
        if False in cases:
            reader.warn("some answers are case-sensitive and some not: read as case-sensitive")
        reader.extra["caseSensitive"] = True
    keys = [key for key, _, _, _ in answers]
    feedback = take_feedback(reader, keys, numeric)
    for index, (key, _, tolerance, _) in enumerate(answers):
        answer = Answer(Text(key, TextFormat.PLAIN), fractions[str(index)])
        if numeric and key != "*":
            answer.value = reader.number(key, "the numerical answer")
            answer.tolerance = tolerance if tolerance is not None else 0.0
        question.answers.append(answer)
    keys = [answer_key(key, numeric) for key in keys]
    result_feedback(reader, question, feedback, keys)
    for index, key in enumerate(keys):
        texts = feedback.get(key, [])
        if texts:
            question.answers[index].feedback = answer_feedback(reader, texts)
    # "Any other answer" worth nothing and saying nothing is no answer at all.
    question.answers = [
        answer
        for answer in question.answers
        if answer.text.text != "*" or answer.fraction or answer.feedback
    ]


# -- writing -----------------------------------------------------------------------------------


def write_text_entry(writer: ItemWriter, body: str) -> tuple[str, str]:
    """(interaction, body) of a short-answer or numerical question: its
    ``textEntryInteraction`` goes in place of the body's one blank when it has one (the
    interaction returned is then ""), else in a paragraph after the body."""
    q = writer.q
    numeric = q.type is QType.NUMERICAL
    answers: list[tuple[str, Answer]] = []
    star: Answer | None = None
    for answer in q.answers:
        key = answer.text.text.strip()
        if key == "*":
            star = answer
            continue
        if numeric:
            written = finite_number(key)
            if answer.value is not None and written != answer.value:
                key = number_text(answer.value)
            elif written is None:
                writer.warn(f"the answer {key!r} is not a number: left out")
                continue
        elif "*" in key:
            writer.warn(f"the wildcard in {key!r} is written as a literal *")
        answers.append((key, answer))
    if not answers and not star:
        writer.warn("a question without answers is written without scoring")
    case = bool(writer.extra.get("caseSensitive", False))
    tolerant = numeric and any(answer.tolerance for _, answer in answers)
    with_feedback = any(answer.feedback for _, answer in answers) or bool(star and star.feedback)
    ranked = sorted(answers, key=lambda pair: -pair[1].fraction)
    correct = [ranked[0][0]] if ranked and ranked[0][1].fraction > 0 else []
    base = "float" if numeric else "string"
    if tolerant or with_feedback:
        writer.declare(base, "single", correct, "")
        _answer_rules(writer, answers, star, numeric, case)
    elif answers or star:
        default = star.fraction * writer.grade if star else 0
        entries = "".join(
            f'<mapEntry mapKey="{escape_attribute(key)}" '
            f'mappedValue="{number_text(answer.fraction * writer.grade)}" '
            f'caseSensitive="{xml_bool(case or numeric)}"/>'
            for key, answer in answers
        )
        mapping = f'<mapping defaultValue="{number_text(default)}">{entries}</mapping>'
        writer.declare(base, "single", correct, mapping)
        writer.score(MAP_RESPONSE)
    else:
        writer.declare(base, "single", [], "")
    length = writer.extra.get("expectedLength")
    interaction = f'<textEntryInteraction responseIdentifier="{writer.response}"' + (
        f' expectedLength="{int(length)}"/>' if isinstance(length, int) else "/>"
    )
    if len(LONE_BLANK.findall(body)) == 1 and (tree := well_formed(body)) is not None:
        root = tree[0]
        if sum(len(LONE_BLANK.findall(t)) for t in texts_of(root)) == 1:
            return "", LONE_BLANK.sub(lambda _: interaction, body, count=1)
    return f"<p>{interaction}</p>", body


def _answer_rules(
    writer: ItemWriter,
    answers: list[tuple[str, Answer]],
    star: Answer | None,
    numeric: bool,
    case: bool,
) -> None:
    variable = f'<variable identifier="{writer.response}"/>'
    branches = [f"<responseIf><isNull>{variable}</isNull>{set_score(0)}</responseIf>"]
    for index, (key, answer) in enumerate(answers):
        kind = "float" if numeric else "string"
        value = f'<baseValue baseType="{kind}">{escape(key)}</baseValue>'
        if numeric and answer.tolerance:
            tolerance = number_text(answer.tolerance)
            test = (
                f'<equal toleranceMode="absolute" tolerance="{tolerance} {tolerance}">'
                f"{variable}{value}</equal>"
            )
        elif numeric:
            test = f'<equal toleranceMode="exact">{variable}{value}</equal>'
        else:
            test = f'<stringMatch caseSensitive="{xml_bool(case)}">{variable}{value}</stringMatch>'
        actions = _actions(writer, answer, f"FB{index + 1}", index)
        branches.append(f"<responseElseIf>{test}{actions}</responseElseIf>")
    if star is not None:
        actions = _actions(writer, star, "FB0", len(answers))
        branches.append(f"<responseElse>{actions}</responseElse>")
    writer.template = None
    writer.rules.append(f"<responseCondition>{''.join(branches)}</responseCondition>")


def _actions(writer: ItemWriter, answer: Answer, feedback_id: str, index: int) -> str:
    """Score and feedback of the answer read back as ``answers[index]``."""
    actions = set_score(answer.fraction * writer.grade)
    if answer.feedback:
        writer.feedback_outcome("single")
        actions += (
            f'<setOutcomeValue identifier="{FEEDBACK}">'
            f'<baseValue baseType="identifier">{feedback_id}</baseValue></setOutcomeValue>'
        )
        text = writer.fragment(answer.feedback, path=f"answers/{index}/feedback")
        writer.modal.append(
            f'<modalFeedback outcomeIdentifier="{FEEDBACK}" identifier="{feedback_id}" '
            f'showHide="show">{text}</modalFeedback>'
        )
    return actions
