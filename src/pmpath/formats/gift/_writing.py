"""The interchange model written as GIFT (docs/formats.md, the GIFT section), with a warning for
everything GIFT cannot say."""

from __future__ import annotations

import math

from pmpath.formats.categories import (
    DEFAULT_PREFIX,
    PREFIX_KEY,
    UNCATEGORISED,
    category_of,
    category_path,
    split_category,
)
from pmpath.formats.gift._syntax import BLANK, FORMAT_TAGS, NUMBER, TAG_OF_FORMAT, WEIGHT, WS
from pmpath.formats.numbers import has_exponent, number_text, percent_text
from pmpath.formats.quiz import (
    Answer,
    FormatWarning,
    QType,
    QuizQuestion,
    Text,
    TextFormat,
    Warn,
    leave_out,
    warner,
)

#: Text starts a writer guards with an explicit format tag: a format tag, a comment, and a
#: zero-width no-break space (at a file's start, readers take it for a byte-order mark).
_MISREAD_STARTS = (*FORMAT_TAGS, "//", "\ufeff")
#: How a warning names the parts of a question GIFT has no place for in its type.
_PARTS = {
    "answers": "answers",
    "pairs": "matching pairs",
    "order": "ordered items",
    "blanks": "embedded answers",
    "choices": "gap choices",
}
#: The penalties Moodle's GIFT import gives: 1 for true/false, its default for the rest.
_MOODLE_PENALTY = 0.3333333
_ESCAPE_TABLE = str.maketrans(
    {
        "\\": "\\\\",
        "~": "\\~",
        "=": "\\=",
        "#": "\\#",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
    }
)


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[FormatWarning]]:
    """The GIFT file of ``questions``, and a warning for everything GIFT cannot say."""
    chunks: list[str] = []
    warnings: list[FormatWarning] = []
    current: tuple[str | None, str] = (None, DEFAULT_PREFIX)
    for number, question in enumerate(questions, start=1):
        first = len(warnings)
        writer = _QuestionWriter(question, warner(warnings, question, number))
        written = writer.write()
        if written is None:
            leave_out(warnings, first, question, number)
        else:
            wanted = category_of(question)
            if wanted != current:
                chunks.append(writer.category(wanted, current))
                current = wanted
            chunks.append(written)
    return "".join(chunks).encode("utf-8"), warnings


def _escape(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_ESCAPE_TABLE)


def _is_number(text: str, value: float) -> bool:
    return bool(NUMBER.fullmatch(text)) and float(text) == value


class _QuestionWriter:
    """One question as a GIFT block (and the category line before it, when it changes)."""

    def __init__(self, question: QuizQuestion, warn: Warn) -> None:
        self.question = question
        self.warn = warn
        self.fmt = question.text.format

    def category(self, wanted: tuple[str | None, str], current: tuple[str | None, str]) -> str:
        """The ``$CATEGORY:`` block that puts this question in its category (or nothing)."""
        category, prefix = wanted
        if category is None:
            if current[0] is None:
                return ""  # still before any category: only the prefix changed
            self.warn(UNCATEGORISED)
            return f"$CATEGORY: {DEFAULT_PREFIX}\n\n"
        path = category_path(category, prefix)
        path = path.replace("\r", " ").replace("\n", " ").strip(WS)  # one line, trimmed
        read_prefix, read_back = split_category(path)
        if (read_prefix, read_back) != (prefix, category):
            self.warn(f"the category {category!r} is written as {path!r}, read as {read_back!r}")
        return f"$CATEGORY: {path}\n\n"

    def write(self) -> str | None:
        """The question's lines and the blank line after them; None when it is left out."""
        question = self.question
        kind = question.type
        if kind in (QType.ORDERING, QType.CLOZE, QType.GAPS):
            # GIFT's "missing word" holds one blank with its own answers: a text with several
            # gaps, or choices shared between gaps, has no GIFT form.
            self.warn(f"GIFT has no {kind.value} questions: left out")
            return None
        self._check_unwritten()
        block = self._block()
        if block is None:
            return None
        head = self._markers()
        if question.name and question.name.strip(WS):
            head += f"::{_escape(question.name.strip(WS))}::"
        text = question.text.text.strip(WS)
        if kind is QType.DESCRIPTION:
            titled = bool(question.name and question.name.strip(WS))
            if not text and not titled and question.text.format is TextFormat.MOODLE:
                self.warn("an empty description without a title cannot be written: left out")
                return None
            return head + self._text(question.text, TextFormat.MOODLE) + "\n\n"
        blank = text.find(BLANK)
        if blank >= 0 and text[blank + len(BLANK) :].strip(WS):
            # A mid-sentence blank: the answer block goes where the blank is.
            prefix = self._prefix(question.text, TextFormat.MOODLE)
            before, after = text[:blank], text[blank + len(BLANK) :]
            body = prefix + _escape(before) + block + _escape(after)
        else:
            body = self._text(question.text, TextFormat.MOODLE) + block
        return head + body + "\n\n"

    # -- what GIFT cannot say

    def _check_unwritten(self) -> None:
        question = self.question
        kind = question.type
        if question.hints:
            self.warn(f"GIFT has no hints: {len(question.hints)} not kept")
        if question.attachments:
            self.warn(f"GIFT has no attached files: {len(question.attachments)} not kept")
        if kind is not QType.DESCRIPTION and question.default_grade != 1.0:
            self.warn(f"GIFT has no default grade: {number_text(question.default_grade)} not kept")
        moodle_penalty = 1.0 if kind is QType.TRUEFALSE else _MOODLE_PENALTY
        if question.penalty is not None and abs(question.penalty - moodle_penalty) > 1e-6:
            self.warn(f"GIFT has no penalty: {number_text(question.penalty)} not kept")
        if question.shuffle is False and kind in (QType.MULTICHOICE, QType.MATCHING):
            self.warn("GIFT cannot turn shuffling off: Moodle shuffles the imported answers")
        unkept = sorted(key for key in question.extra if key not in (PREFIX_KEY, "unit"))
        if "unit" in question.extra:
            self.warn("GIFT numerical questions have no unit: learners do not see it")
        if unkept:
            self.warn(f"format-specific values GIFT cannot hold are not kept: {', '.join(unkept)}")
        for part in question.unused_parts():
            self.warn(f"a {kind.value} question has no {_PARTS[part]} in GIFT: not kept")
        if kind is not QType.NUMERICAL and any(
            answer.value is not None or answer.tolerance is not None for answer in question.answers
        ):
            self.warn("numeric values of answers are kept only in numerical questions")
        if kind is QType.DESCRIPTION and question.general_feedback:
            self.warn("a description has no answer block for general feedback: not kept")
        if question.id_number is not None and question.id_number.strip(WS) != question.id_number:
            self.warn("the id number is written without its surrounding spaces")

    def _markers(self) -> str:
        """The ``// [id:...] [tag:...]`` comment line Moodle reads id numbers and tags from."""
        markers: list[str] = []
        id_number = (self.question.id_number or "").strip(WS)
        if id_number and _markable(id_number, ""):
            markers.append("[id:" + id_number.replace("]", "\\]") + "]")
        elif id_number:
            self.warn(
                f"the id number {id_number!r} cannot be written in GIFT (control characters, "
                "or a backslash before ']' or at the end): not kept"
            )
        for tag in self.question.tags:
            stripped = tag.strip(WS)
            if not stripped or not _markable(stripped, "<>"):
                self.warn(
                    f"the tag {tag!r} cannot be written in GIFT (empty, '<', '>', control "
                    "characters, or a backslash before ']' or at the end): not kept"
                )
                continue
            if stripped != tag:
                self.warn(f"the tag {tag!r} is written without its surrounding spaces")
            markers.append("[tag:" + stripped.replace("]", "\\]") + "]")
        return f"// {' '.join(markers)}\n" if markers else ""

    # -- texts

    def _prefix(self, text: Text, default: TextFormat) -> str:
        """``[format]`` when the text's format is not the default, or its start would be misread."""
        body = text.text.strip(WS)
        if text.format is not default or body.startswith(_MISREAD_STARTS) or WEIGHT.match(body):
            return TAG_OF_FORMAT[text.format]
        return ""

    def _text(self, text: Text, default: TextFormat) -> str:
        return self._prefix(text, default) + _escape(text.text.strip(WS))

    def _value_prefix(self, text: Text) -> str:
        """The format tag of a short or numerical answer, which Moodle compares as a plain
        value whatever its format: none (other GIFT readers take ``[moodle]`` for part of the
        answer), unless its start would be misread."""
        if text.format is not TextFormat.MOODLE:
            self.warn(
                "short and numerical answers are plain values in GIFT: the "
                f"{text.format.value} format of an answer is not written"
            )
        return self._prefix(Text(text.text, TextFormat.MOODLE), TextFormat.MOODLE)

    def _plain_answer(self, text: Text) -> str:
        """A short answer, without a format tag (see :meth:`_value_prefix`)."""
        return self._value_prefix(text) + _escape(text.text.strip(WS))

    def _feedback(self, feedback: Text | None) -> str:
        if feedback is None or not feedback.text.strip(WS):
            return ""
        return "#" + self._text(feedback, self.fmt)

    def _general_feedback(self, indent: str) -> str:
        feedback = self.question.general_feedback
        if feedback is None or not feedback.text.strip(WS):
            return ""
        return f"{indent}####{self._text(feedback, self.fmt)}"

    # -- answer blocks

    def _block(self) -> str | None:
        kind = self.question.type
        if kind is QType.DESCRIPTION:
            return ""
        if kind is QType.ESSAY:
            return "{" + self._general_feedback("") + "}"
        if kind is QType.TRUEFALSE:
            return self._truefalse()
        if kind is QType.MULTICHOICE:
            return self._multichoice()
        if kind is QType.SHORTANSWER:
            return self._shortanswer()
        if kind is QType.NUMERICAL:
            return self._numerical()
        if kind is QType.MATCHING:
            return self._matching()
        return None  # ordering and cloze are refused before

    def _lines(self, first: str, lines: list[str]) -> str:
        general = self._general_feedback("\t")
        return (
            first
            + "\n"
            + "".join(f"\t{line}\n" for line in lines)
            + (f"{general}\n" if general else "")
            + "}"
        )

    def _usable(self, answers: list[Answer]) -> list[Answer]:
        kept = []
        for answer in answers:
            if answer.text.text.strip(WS):
                kept.append(answer)
            else:
                self.warn("an empty answer cannot be written in GIFT: left out")
        return kept

    def _truefalse(self) -> str | None:
        answers = self.question.answers
        named = {answer.text.text.strip(WS).lower(): answer for answer in answers}
        true = named.get("true") or named.get("t")
        false = named.get("false") or named.get("f")
        if (true is None or false is None) and len(answers) == 2:
            true, false = answers
            self.warn(
                f"the answers {true.text.text!r} and {false.text.text!r} are written as "
                "TRUE and FALSE"
            )
        if true is None or false is None or len(answers) != 2:
            self.warn("a true/false question needs exactly a True and a False answer: left out")
            return None
        is_true = true.fraction > false.fraction
        if {true.fraction, false.fraction} != {0.0, 1.0}:
            self.warn("true/false answers give full or no credit in GIFT: the weights are not kept")
        right, wrong = (true, false) if is_true else (false, true)
        block = "{" + ("TRUE" if is_true else "FALSE")
        wrong_text = self._feedback(wrong.feedback)
        right_text = self._feedback(right.feedback)
        if wrong_text:
            block += wrong_text
        elif right_text:
            block += "#"
        block += right_text
        return block + self._general_feedback("") + "}"

    def _multichoice(self) -> str | None:
        question = self.question
        answers = self._usable(question.answers)
        if len(answers) < 2:
            self.warn("a multiple-choice question needs at least two answers in GIFT: left out")
            return None
        single = question.single
        if single and not any(answer.fraction == 1 for answer in answers):
            single = False
            self.warn(
                "a single-answer question without a 100 % answer cannot be written as one in "
                "GIFT: it is read back as multiple-answer"
            )
        # GIFT knows a choice question by its '~': when every answer is right, all but the
        # first carry it (as '~%100%'); the first one's '=' keeps the question single-answer.
        every_one_right = all(answer.fraction == 1 for answer in answers)
        lines: list[str] = []
        for answer in answers:
            body = self._text(answer.text, self.fmt)
            if single and answer.fraction == 1 and not (every_one_right and lines):
                mark = "="
            elif answer.fraction == 0:
                mark = "~"
            else:
                mark = f"~%{percent_text(answer.fraction)}%"
            lines.append(mark + body + self._feedback(answer.feedback))
        return self._lines("{", lines)

    def _shortanswer(self) -> str | None:
        answers = self._usable(self.question.answers)
        if not answers:
            self.warn("a short-answer question without answers cannot be written: left out")
            return None
        arrow = any(
            "->" in answer.text.text or (answer.feedback and "->" in answer.feedback.text)
            for answer in answers
        )
        written = []
        for answer in answers:
            body = self._plain_answer(answer.text)
            weight = "" if answer.fraction == 1 else f"%{percent_text(answer.fraction)}%"
            written.append(weight + body + self._feedback(answer.feedback))
        if arrow:
            # With '=' and '->' in one block GIFT reads a matching question; one answer can
            # go without its '='.
            if len(written) > 1:
                self.warn(
                    "'->' in the answers of a short-answer question with several answers makes "
                    "GIFT read a matching question: left out"
                )
                return None
            return "{" + written[0] + self._general_feedback("") + "}"
        return self._lines("{", [f"={line}" for line in written])

    def _numerical(self) -> str | None:
        answers = self.question.answers
        lines: list[str] = []
        last = len(answers) - 1
        for index, answer in enumerate(answers):
            shown = answer.text.text.strip(WS)
            prefix = self._value_prefix(answer.text)
            feedback = self._feedback(answer.feedback)
            if answer.value is None:
                if shown != "*":
                    self.warn(f"the numerical answer {shown!r} has no value: left out")
                    continue
                if index == last and answer.fraction == 0 and not prefix and lines:
                    lines.append("~" + feedback)
                else:
                    lines.append(f"=%{percent_text(answer.fraction)}%{prefix}*{feedback}")
                continue
            spec = self._number_spec(answer)
            if spec is None:
                continue
            weight = "" if answer.fraction == 1 else f"%{percent_text(answer.fraction)}%"
            lines.append(f"={weight}{prefix}{spec}{feedback}")
        if not lines:
            self.warn("a numerical question without a numeric answer cannot be written: left out")
            return None
        return self._lines("{#", lines)

    def _number_spec(self, answer: Answer) -> str | None:
        value = answer.value
        assert value is not None
        tolerance = answer.tolerance or 0.0
        if not math.isfinite(value) or not math.isfinite(tolerance):
            self.warn(f"the numerical answer {value!r}:{tolerance!r} is not finite: left out")
            return None
        if tolerance < 0:
            self.warn(
                f"the negative tolerance {number_text(tolerance)} is written as "
                f"{number_text(-tolerance)}"
            )
            tolerance = -tolerance
        shown = answer.text.text.strip(WS)
        dots = shown.find("..")
        if dots > 0:
            low, high = shown[:dots].strip(WS), shown[dots + 2 :].strip(WS)
            plain = not has_exponent(low + high)
            if plain and NUMBER.fullmatch(low) and NUMBER.fullmatch(high):
                middle = (float(low) + float(high)) / 2
                if middle == value and float(high) - middle == tolerance:
                    return f"{low}..{high}"
        number = shown if _is_number(shown, value) else number_text(value)
        if has_exponent(number):
            number = number_text(value)
            self.warn(
                f"the number {shown!r} is written as {number} (other GIFT readers take "
                "exponents such as 1e+06 for 1)"
            )
        return f"{number}:{number_text(tolerance)}" if tolerance else number

    def _matching(self) -> str | None:
        pairs = self.question.pairs
        if len(pairs) < 2:
            self.warn("a matching question needs at least two pairs in GIFT: left out")
            return None
        lines: list[str] = []
        if any(pair.feedback for pair in pairs):
            self.warn("GIFT has no feedback for matching pairs: the pairs' feedback is not kept")
        for pair in pairs:
            if "->" in pair.left.text:
                self.warn(
                    f"the matching item {pair.left.text!r} contains '->', which GIFT cannot "
                    "escape: left out"
                )
                return None
            if not pair.right.strip(WS):
                self.warn("a matching pair without a right-hand side cannot be written: left out")
                return None
            left = self._text(pair.left, self.fmt)
            lines.append(f"={left} -> {_escape(pair.right.strip(WS))}")
        return self._lines("{", lines)


def _markable(value: str, forbidden: str) -> bool:
    """Whether an id number or tag survives Moodle's ``[id:...]``/``[tag:...]`` comment syntax."""
    if any(char in forbidden or ord(char) < 32 or ord(char) == 127 for char in value):
        return False
    return "\\]" not in value and not value.endswith("\\")
