"""Cloze (embedded answers) questions: Moodle's answer codes in the question text
(``{1:SHORTANSWER:=Paris#Right~*#Wrong}``), read into blanks and written back.

The codes and the syntax of one code follow Moodle's question/type/multianswer/questiontype.php.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmpath.formats.numbers import fraction_of_percent, number_text
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text, TextFormat

if TYPE_CHECKING:
    from pmpath.formats.moodle_xml._reading import QuestionReader
    from pmpath.formats.moodle_xml._writing import Writer

_CLOZE_KINDS: tuple[tuple[tuple[str, ...], QType, bool, bool, str], ...] = (
    (("NUMERICAL", "NM"), QType.NUMERICAL, True, False, ""),
    (("SHORTANSWER", "SA", "MW"), QType.SHORTANSWER, True, False, ""),
    (("SHORTANSWER_C", "SAC", "MWC"), QType.SHORTANSWER, True, False, ""),
    (("MULTICHOICE", "MC"), QType.MULTICHOICE, True, False, "dropdown"),
    (("MULTICHOICE_V", "MCV"), QType.MULTICHOICE, True, False, "vertical"),
    (("MULTICHOICE_H", "MCH"), QType.MULTICHOICE, True, False, "horizontal"),
    (("MULTICHOICE_S", "MCS"), QType.MULTICHOICE, True, True, "dropdown"),
    (("MULTICHOICE_VS", "MCVS"), QType.MULTICHOICE, True, True, "vertical"),
    (("MULTICHOICE_HS", "MCHS"), QType.MULTICHOICE, True, True, "horizontal"),
    (("MULTIRESPONSE", "MR"), QType.MULTICHOICE, False, False, "vertical"),
    (("MULTIRESPONSE_H", "MRH"), QType.MULTICHOICE, False, False, "horizontal"),
    (("MULTIRESPONSE_S", "MRS"), QType.MULTICHOICE, False, True, "vertical"),
    (("MULTIRESPONSE_HS", "MRHS"), QType.MULTICHOICE, False, True, "horizontal"),
)
#: Every code name -> (type, single, shuffle, layout).
_CLOZE_CODES = {
    name: (kind, single, shuffle, layout)
    for names, kind, single, shuffle, layout in _CLOZE_KINDS
    for name in names
}
#: The code written for a multiple-choice blank: (single, shuffle, layout) -> code.
_CLOZE_MULTICHOICE = {
    (single, shuffle, layout): names[0]
    for names, kind, single, shuffle, layout in _CLOZE_KINDS
    if kind is QType.MULTICHOICE
}
_CLOZE_START = re.compile(
    r"\{([0-9]*):(" + "|".join(sorted(_CLOZE_CODES, key=len, reverse=True)) + r"):"
)
_CLOZE_FRACTION = re.compile(r"%(-?[0-9]+(?:[.,][0-9]*)?)%")
_CLOZE_NUMBER = r"-?(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?"
_CLOZE_NUMERICAL = re.compile(rf"^({_CLOZE_NUMBER})(?::({_CLOZE_NUMBER}))?$", re.S)
_CLOZE_STOPS = {stops: re.compile(f"[{re.escape(stops)}]") for stops in ("~#}", "~}")}
_CLOZE_PLACEHOLDER = re.compile(r"\{#([0-9]+)\}")
_CLOZE_ESCAPES = {char: f"&#{ord(char)};" for char in "&\\~#{}"}
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


class ClozeParser:
    """Moodle's embedded-answer codes (``{1:SHORTANSWER:=Paris#Right~*#Wrong}``) into blanks.

    Written by hand rather than as Moodle's one regular expression, whose nested lazy groups
    backtrack exponentially on a code that is never closed; the first match is the same.
    """

    def __init__(self, question: QuestionReader) -> None:
        self.question = question

    def parse(self, text: str) -> tuple[str, list[QuizQuestion]]:
        blanks: list[QuizQuestion] = []
        parts: list[str] = []
        position = 0
        for start in _CLOZE_START.finditer(text):
            if start.start() < position:
                continue
            parsed = self.alternatives(text, start.end())
            if parsed is None:
                # Nothing after this point can close a code, so no later code can succeed.
                break
            alternatives, end = parsed
            blanks.append(self.blank(start.group(1), start.group(2), alternatives))
            parts += [text[position : start.start()], f"{{#{len(blanks)}}}"]
            position = end
        parts.append(text[position:])
        return "".join(parts), blanks

    def alternatives(self, text: str, position: int) -> tuple[list[_Alternative], int] | None:
        """The alternatives of the code whose answers start at ``position``, and its end."""
        found: list[_Alternative] = []
        while True:
            fraction, given = 0.0, False
            if text.startswith("=", position):
                fraction, position = 1.0, position + 1
            elif percent := _CLOZE_FRACTION.match(text, position):
                fraction = fraction_of_percent(percent.group(1).replace(",", "."))
                given = True
                position = percent.end()
            end = _cloze_end(text, position + 1, "~#}", ("\\", "&", "&amp;"))
            if end is None:
                return None
            answer, feedback = text[position:end], None
            if text[end] == "#":
                position = end + 1
                end = _cloze_end(text, position, "~}", ("\\",))
                if end is None:
                    return None
                feedback = text[position:end]
            found.append(_Alternative(fraction, given, answer, feedback))
            position = end + 1
            if text[end] == "}":
                return found, position

    def blank(self, weight: str, code: str, alternatives: list[_Alternative]) -> QuizQuestion:
        kind, single, shuffle, layout = _CLOZE_CODES[code]
        blank = QuizQuestion(type=kind, text=Text(""), default_grade=float(weight or 1))
        for alternative in alternatives:
            raw, raw_feedback = alternative.answer, alternative.feedback
            feedback = Text(_cloze_decode(raw_feedback), TextFormat.HTML) if raw_feedback else None
            answer = Answer(Text(_cloze_decode(raw)), alternative.fraction, feedback)
            if kind is QType.NUMERICAL:
                number = _CLOZE_NUMERICAL.match(raw)
                if number:
                    answer.text = Text(number.group(1))
                    answer.value = float(number.group(1).replace(",", "."))
                    answer.tolerance = float((number.group(2) or "0").replace(",", "."))
                elif raw != "*":
                    self.question.fail(f"embedded numerical answer {raw!r} is not a number")
            if kind is QType.MULTICHOICE:
                answer.text.format = TextFormat.HTML
            blank.answers.append(answer)
        if kind is QType.MULTICHOICE:
            blank.single, blank.shuffle = single, shuffle
            default_layout = "dropdown" if single else "vertical"
            if layout != default_layout:
                blank.extra["moodle_cloze_layout"] = layout
            if not single:
                given = any(alternative.given for alternative in alternatives)
                _share_multiresponse(blank.answers, given)
        if code in ("SHORTANSWER_C", "SAC", "MWC"):
            blank.extra["moodle_options"] = {"usecase": "1"}
        for answer in blank.answers:
            answer.fraction = self.question.grade(answer.fraction)
        return blank


@dataclass
class _Alternative:
    """One ``~``-separated alternative of a cloze code, as written (not yet decoded)."""

    fraction: float
    given: bool  # written as %n% (Moodle's "specific fraction"), rather than = or nothing
    answer: str
    feedback: str | None


def _cloze_end(text: str, position: int, stops: str, not_after: tuple[str, ...]) -> int | None:
    """The first stop character at or after ``position`` not escaped by what precedes it."""
    stop = _CLOZE_STOPS[stops]
    while match := stop.search(text, position):
        if not text.endswith(not_after, 0, match.start()):
            return match.start()
        position = match.start() + 1
    return None


def _cloze_decode(text: str) -> str:
    """Moodle's reading of an answer or feedback: HTML entities decoded, ``\\}``/``\\#`` kept."""
    text = _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)
    return text.replace("\\}", "}").replace("\\#", "#")


def _share_multiresponse(answers: list[Answer], specific: bool) -> None:
    """Moodle's multi-response rule: right answers share the grade; plain wrong ones cost it."""
    total = sum(answer.fraction for answer in answers if answer.fraction > 0)
    if not total:
        return
    for answer in answers:
        if answer.fraction > 0:
            answer.fraction /= total
        elif not specific:
            answer.fraction = -1.0 / total


# -- writing ----------------------------------------------------------------------------------


def cloze_text(writer: Writer, question: QuizQuestion) -> str:
    """The question text with each ``{#n}`` replaced by the code of blank n."""
    codes = [_cloze_code(writer, blank, number) for number, blank in enumerate(question.blanks, 1)]
    used: set[int] = set()

    def replace(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if 1 <= number <= len(codes):
            used.add(number)
            return codes[number - 1]
        writer.warn(f"the text refers to blank {number}, which does not exist: left as it is")
        return match.group(0)

    text = _CLOZE_PLACEHOLDER.sub(replace, question.text.text)
    missing = [number for number in range(1, len(codes) + 1) if number not in used]
    if missing:
        writer.warn(f"blanks {missing} have no {{#n}} place in the text: written at its end")
        text += "".join(" " + codes[number - 1] for number in missing)
    grade = sum(blank.default_grade for blank in question.blanks)
    if question.default_grade != grade:
        writer.warn(
            f"a cloze question's grade is the sum of its blanks' ({number_text(grade)}), "
            f"not {number_text(question.default_grade)}"
        )
    return text


def _cloze_code(writer: Writer, blank: QuizQuestion, number: int) -> str:
    if blank.type is QType.SHORTANSWER:
        options = blank.extra.get("moodle_options")
        sensitive = isinstance(options, dict) and options.get("usecase") == "1"
        code = "SHORTANSWER_C" if sensitive else "SHORTANSWER"
    elif blank.type is QType.NUMERICAL:
        code = "NUMERICAL"
    elif blank.type is QType.MULTICHOICE:
        layout = blank.extra.get("moodle_cloze_layout")
        usual = "dropdown" if blank.single else "vertical"
        code = _CLOZE_MULTICHOICE.get(
            (blank.single, bool(blank.shuffle), str(layout)),
            _CLOZE_MULTICHOICE[(blank.single, bool(blank.shuffle), usual)],
        )
    else:
        writer.warn(f"blank {number} is {blank.type.value}, which a cloze cannot embed: left out")
        return ""
    if (
        blank.general_feedback
        or blank.hints
        or blank.tags
        or blank.attachments
        or blank.text.text
        or blank.pairs
        or blank.order
        or blank.blanks
    ):
        writer.warn(f"blank {number} has parts a cloze code cannot hold: only answers written")
    weight = blank.default_grade
    if weight < 0 or weight != int(weight):
        weight = max(0, round(weight))
        writer.warn(f"blank {number}'s weight must be a whole number: written as {weight}")
    alternatives = []
    for answer in blank.answers:
        said = answer.text.text
        if blank.type is QType.NUMERICAL and answer.value is not None:
            if not (
                re.fullmatch(_CLOZE_NUMBER, said) and float(said.replace(",", ".")) == answer.value
            ):
                said = number_text(answer.value)
            if answer.tolerance:
                said += f":{number_text(abs(answer.tolerance))}"
        else:
            said = _cloze_encode(said)
        if not said:
            writer.warn(f"blank {number} has an empty answer, which a cloze cannot hold")
            continue
        alternative = f"%{writer.fraction(answer.fraction)}%{said}"
        if answer.feedback:
            alternative += "#" + _cloze_encode(answer.feedback.text)
        alternatives.append(alternative)
    if not alternatives:
        writer.warn(f"blank {number} has no answers: left out")
        return ""
    return f"{{{number_text(weight)}:{code}:{'~'.join(alternatives)}}}"


def _cloze_encode(text: str) -> str:
    return "".join(_CLOZE_ESCAPES.get(char, char) for char in text)
