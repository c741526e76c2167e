"""One block of a GIFT file read into a question: its title, its text and its answer block.

In a block the escapes (``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``) are swapped for placeholder characters
by a few ``str.replace`` calls, after which every structural character left is a real one, and
the block is cut at them with ``str.find``, ``str.split`` and ``str.partition``. No regular
expression walks the text character by character and nothing backtracks.
"""

from __future__ import annotations

from pmpath.errors import Location
from pmpath.formats.gift._syntax import BLANK, FORMAT_TAGS, NUMBER, TAG_OF_FORMAT, WEIGHT, WS
from pmpath.formats.numbers import finite_number, fraction_of_percent, percent_text
from pmpath.formats.quiz import (
    Answer,
    FormatWarning,
    MatchPair,
    QType,
    QuizQuestion,
    Text,
    TextFormat,
)

_ESCAPES = ("\\:", "\\#", "\\=", "\\{", "\\}", "\\~", "\\n")
_ESCAPED_AS = ("\\", ":", "#", "=", "{", "}", "~", "\n")  # "\\" first: the placeholder order
_TRUE_FALSE = frozenset({"T", "TRUE", "F", "FALSE"})
# Enum members bound once: looking one up costs more than reading an answer's weight.
_MOODLE = TextFormat.MOODLE
_DESCRIPTION, _ESSAY, _TRUEFALSE = QType.DESCRIPTION, QType.ESSAY, QType.TRUEFALSE
_MULTICHOICE, _SHORTANSWER, _NUMERICAL = QType.MULTICHOICE, QType.SHORTANSWER, QType.NUMERICAL
_MATCHING = QType.MATCHING


class BlockError(Exception):
    """A problem in one block: reported with its line, and the block is not read."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _placeholders(text: str) -> tuple[str, ...]:
    """Eight characters that do not occur in ``text`` (private use, so almost always the first)."""
    base = 0xF0000
    while True:
        marks = tuple(chr(base + i) for i in range(len(_ESCAPED_AS)))
        if not any(mark in text for mark in marks):
            return marks
        base += len(marks)


class BlockReader:
    """The question of each block of one file, in turn.

    The hot path (a question without problems) touches each character only inside C string
    methods; everything that reports a line (warnings, errors) recomputes positions lazily.
    """

    def __init__(self, text: str, source: str, warnings: list[FormatWarning]) -> None:
        self.source = source
        self.warnings = warnings
        marks = _placeholders(text) if "\\" in text else _ESCAPED_AS
        self.backslash = marks[0]
        self.substitutions = tuple(zip(_ESCAPES, marks[1:], strict=True))
        self.unescape = {ord(mark): char for mark, char in zip(marks, _ESCAPED_AS, strict=True)}
        # The block being read: its text (escapes swapped), its lines' numbers, its title, its
        # place in the file and the category it is in.
        self.text = ""
        self.first = 0
        self.numbers: list[int] | None = None
        self.escaped = False
        self.name: str | None = None
        self.number = 0
        self.category: str | None = None

    def read(
        self, text: str, first: int, numbers: list[int] | None, number: int, category: str | None
    ) -> QuizQuestion:
        """The question of the ``number``-th block, ``text``, in ``category``; ``first`` is the
        number of its first line, ``numbers`` those of all its lines unless they are
        consecutive. Raises :class:`BlockError`."""
        self.first, self.numbers, self.number, self.category = first, numbers, number, category
        return self._question(text)

    def _warn(self, message: str, line: int | None = None) -> None:
        where = Location(file=self.source, line=line or self.first)
        label = self.name or f"#{self.number}"
        self.warnings.append(FormatWarning(message, where, label))

    def _line(self, position: int) -> int:
        """The file line of a position in the block's text."""
        index = self.text.count("\n", 0, position)
        return self.first + index if self.numbers is None else self.numbers[index]

    def _block_start(self, at: int) -> int:
        """Where the answer block opened at ``at`` starts: its first character after spaces."""
        raw = self.text[at:]
        return at + len(raw) - len(raw.lstrip(WS))

    def _piece_line(
        self, at: int, pieces: list[str], index: int, choices: bool = False, skip: int = 0
    ) -> int:
        """The file line where ``pieces[index]`` starts. The pieces are the answer block opened
        at ``at``, less its first ``skip`` characters, cut at a separator character or, for
        ``choices``, cut at '~' after a '~' was put before every '=' (so a piece starting with
        '=' follows no separator of the text)."""
        position = self._block_start(at) + skip + sum(len(piece) for piece in pieces[:index])
        position += sum(1 for piece in pieces[1 : index + 1] if not (choices and piece[:1] == "="))
        piece = pieces[index]
        if piece.strip(WS):  # where its text starts, else where it is (an empty answer)
            position += len(piece) - len(piece.lstrip(WS))
        return self._line(position)

    # -- one question

    def _question(self, text: str) -> QuizQuestion:
        self.escaped = escaped = "\\" in text
        if escaped:
            text = text.replace("\\\\", self.backslash)
            for escape, mark in self.substitutions:
                if escape in text:
                    text = text.replace(escape, mark)
        self.text = text
        self.name = name = None
        start = 0
        if text.startswith("::"):
            start = text.find("::", 2) + 2
            if start < 2:
                raise BlockError("the title is not closed with '::'", self.first)
            name = text[2 : start - 2].strip(WS)
            if escaped or "\n" in name:
                name = self._plain(name)
            self.name = name = name or None
        source = Location(self.source, self.first)
        opening = text.find("{", start)
        closing = text.find("}", start)
        if opening < 0 and closing < 0:
            stem = self._text(text[start:], _MOODLE)
            return QuizQuestion(_DESCRIPTION, stem, name, category=self.category, source=source)
        # One '{', then one '}': counting from each finds any other.
        if (
            opening < 0
            or closing < opening
            or text.count("{", opening) + text.count("}", closing) > 2
        ):
            message, position = _brace_problem(text, start, opening)
            raise BlockError(message, self._line(position))
        after = text[closing + 1 :]
        # Answers inside the sentence leave a blank; answers at its end leave nothing.
        if after and after.strip(WS):
            stem = self._text(text[start:opening] + BLANK + after, _MOODLE)
        else:
            stem = self._text(text[start:opening], _MOODLE)
        at = opening + 1
        block = text[at:closing].strip(WS)
        general: Text | None = None
        hashes = block.rfind("####")
        if hashes >= 0:
            general = self._text(block[hashes + 4 :], stem.format)
            if not general.text:
                general = None
            block = block[:hashes].rstrip(WS)
        fmt = stem.format
        category = self.category
        if not block:
            return QuizQuestion(
                _ESSAY, stem, name, general_feedback=general, category=category, source=source
            )
        if block[0] == "#":
            kind = _NUMERICAL
            answers = self._numerical(block, at, fmt)
        elif "~" in block:
            answers = self._choices(block, at, fmt)
            return QuizQuestion(
                _MULTICHOICE,
                stem,
                name,
                answers,
                "=" in block,
                general_feedback=general,
                category=category,
                source=source,
            )
        elif "=" in block and "->" in block:
            return QuizQuestion(
                _MATCHING,
                stem,
                name,
                pairs=self._matching(block, at, fmt),
                general_feedback=general,
                category=category,
                source=source,
            )
        else:
            hash_at = block.find("#")
            check = block[:hash_at].rstrip(WS) if hash_at > 0 else block
            if check in _TRUE_FALSE:
                kind = _TRUEFALSE
                answers = self._truefalse(block, fmt)
            else:
                if check.upper() in _TRUE_FALSE and "=" not in block:
                    self._warn(
                        f"{{{check}}} is read as a short answer {check!r}: true/false is "
                        "written in capitals (T, TRUE, F, FALSE)"
                    )
                kind = _SHORTANSWER
                answers = self._shortanswers(block, at, fmt)
        return QuizQuestion(
            kind, stem, name, answers, general_feedback=general, category=category, source=source
        )

    def _choices(self, block: str, at: int, fmt: TextFormat) -> list[Answer]:
        # As Moodle: every '~' or '=' starts an answer, and the '=' stays as its weight.
        pieces = block.replace("=", "~=").split("~")
        if pieces[0].strip(WS):
            self._warn("the text before the first '~' or '=' is read as a wrong answer")
        answers: list[Answer] = []
        # Without escapes or '[' anywhere, a trimmed one-line piece is its own text.
        plain = not self.escaped and "[" not in block
        index = -1
        for piece in pieces:
            index += 1
            shown, cut, rest = piece.partition("#")
            shown = shown.strip(WS)
            first = shown[:1]
            if first == "=":
                fraction = 1.0
                shown = shown[1:].lstrip(WS)
                if shown[:1] == "%" and WEIGHT.match(shown):
                    self._warn(
                        "'=' gives full credit in a multiple-choice question; the weight after "
                        "it is read as answer text (write '~%50%' for a weighted answer)",
                        self._piece_line(at, pieces, index, choices=True),
                    )
            elif first == "%":
                fraction, shown = self._weight(shown, 0.0, at, pieces, index, choices=True)
            else:
                fraction = 0.0
            if shown and plain and "\n" not in shown:
                text = Text(shown, fmt)
            else:
                text = self._text(shown, fmt)
                if not text.text:
                    if index or cut:  # an empty first piece is no answer: the usual start
                        self._warn(
                            "an empty answer is left out (as Moodle does)",
                            self._piece_line(at, pieces, index, choices=True),
                        )
                    continue
            feedback = self._answer_feedback(rest, fmt, plain) if cut else None
            answers.append(Answer(text, fraction, feedback))
        if len(answers) < 2:
            raise BlockError(
                "a multiple-choice question needs at least two answers", self._line(at)
            )
        if "=" not in block:
            total = sum(answer.fraction for answer in answers if answer.fraction > 0)
            if round(total, 2) != 1:
                self._warn(
                    f"the positive weights add up to {_percent(total)}, not 100 %: "
                    "Moodle refuses such a multiple-response question"
                )
        return answers

    def _answer_feedback(self, rest: str, fmt: TextFormat, plain: bool) -> Text | None:
        """The feedback after an answer's ``#``; plain one-line text skips the full text pass."""
        rest = rest.strip(WS)
        if plain and "\n" not in rest:
            return Text(rest, fmt) if rest else None
        return self._feedback(rest, fmt)

    def _shortanswers(self, block: str, at: int, fmt: TextFormat) -> list[Answer]:
        pieces = block.split("=")
        answers: list[Answer] = []
        plain = not self.escaped and "[" not in block
        index = -1
        for piece in pieces:
            index += 1
            shown, cut, rest = piece.partition("#")
            shown = shown.strip(WS)
            fraction = 1.0
            if shown[:1] == "%":
                fraction, shown = self._weight(shown, 1.0, at, pieces, index)
            # An accepted answer is a plain value to Moodle, whatever the question's format.
            if shown and plain and "\n" not in shown:
                text = Text(shown, TextFormat.MOODLE)
            else:
                text = self._text(shown, TextFormat.MOODLE)
                if not text.text:
                    if index or cut:  # an empty first piece is no answer: the usual start
                        self._warn(
                            "an empty answer is left out (as Moodle does)",
                            self._piece_line(at, pieces, index),
                        )
                    continue
            feedback = self._answer_feedback(rest, fmt, plain) if cut else None
            answers.append(Answer(text, fraction, feedback))
        if not answers:
            raise BlockError("a short-answer question needs an answer", self._line(at))
        return answers

    def _weight(
        self,
        body: str,
        default: float,
        at: int,
        pieces: list[str],
        index: int,
        choices: bool = False,
        skip: int = 0,
    ) -> tuple[float, str]:
        """The ``%weight%`` that starts ``body`` as a fraction, and the rest of ``body``."""
        match = WEIGHT.match(body)
        if match is None:
            return default, body
        fraction = fraction_of_percent(match[1])
        if fraction > 1 or fraction < -1:
            self._warn(
                f"the weight {_percent(fraction)} is outside -100 %..100 %",
                self._piece_line(at, pieces, index, choices, skip),
            )
        return fraction, body[match.end() :].lstrip(WS)

    def _numerical(self, block: str, at: int, fmt: TextFormat) -> list[Answer]:
        body = block[1:]
        wrong: Answer | None = None
        tilde = body.find("~")
        if tilde >= 0:
            ignored, separator, feedback = body[tilde + 1 :].partition("#")
            if ignored.strip(WS):
                self._warn(
                    f"the text {ignored.strip(WS)!r} between '~' and '#' is ignored: '~#' "
                    "gives the feedback for any other answer",
                    self._line(self._block_start(at) + block.find("~")),
                )
            feedback_text = self._feedback(feedback, fmt) if separator else None
            wrong = Answer(Text("*", TextFormat.MOODLE), 0.0, feedback_text)
            body = body[:tilde]
        pieces = body.split("=")
        answers: list[Answer] = []
        index = -1
        for piece in pieces:
            index += 1
            spec = piece.strip(WS)
            if not spec and not index:
                continue
            fraction = 1.0
            if spec[:1] == "%":
                fraction, spec = self._weight(spec, 1.0, at, pieces, index, skip=1)
            cut = spec.find("#")
            feedback_text = None
            if cut >= 0:
                feedback_text = self._feedback(spec[cut + 1 :], fmt)
                spec = spec[:cut]
            number = self._text(spec, TextFormat.MOODLE)  # a value, whatever the question's
            if number.text == "*":
                written, value, tolerance = "*", None, None
            else:
                try:
                    written, value, tolerance = _number_spec(number.text)
                except ValueError as error:
                    line = self._piece_line(at, pieces, index, skip=1)
                    raise BlockError(str(error), line) from None
            answers.append(
                Answer(Text(written, number.format), fraction, feedback_text, value, tolerance)
            )
        if not answers:
            raise BlockError("a numerical question needs at least one answer", self._line(at))
        if wrong is not None:
            answers.append(wrong)
        return answers

    def _matching(self, block: str, at: int, fmt: TextFormat) -> list[MatchPair]:
        pieces = block.split("=")
        pairs: list[MatchPair] = []
        hash_warned = False
        index = -1
        for piece in pieces:
            index += 1
            body = piece.strip(WS)
            if not body and not index:
                continue
            arrow = body.find("->")
            if arrow < 0:
                raise BlockError(
                    f"the matching pair {self._plain(body)!r} has no '->'",
                    self._piece_line(at, pieces, index),
                )
            right = self._plain(body[arrow + 2 :])
            if not right:
                raise BlockError(
                    "a matching pair needs a text after '->'", self._piece_line(at, pieces, index)
                )
            if "#" in body and not hash_warned:
                hash_warned = True
                self._warn(
                    "'#' in a matching pair is not feedback in GIFT: kept as text "
                    "(write \\# to say so)",
                    self._piece_line(at, pieces, index),
                )
            pairs.append(MatchPair(self._text(body[:arrow], fmt), right))
        if len(pairs) < 2:
            raise BlockError("a matching question needs at least two pairs", self._line(at))
        return pairs

    def _truefalse(self, block: str, fmt: TextFormat) -> list[Answer]:
        parts = block.split("#", 2)
        wrong = self._feedback(parts[1], fmt) if len(parts) > 1 else None
        right = self._feedback(parts[2], fmt) if len(parts) > 2 else None
        if parts[0].rstrip(WS) in ("T", "TRUE"):
            return [Answer(Text("True"), 1.0, right), Answer(Text("False"), 0.0, wrong)]
        return [Answer(Text("True"), 0.0, wrong), Answer(Text("False"), 1.0, right)]

    # -- texts

    def _plain(self, raw: str) -> str:
        raw = raw.strip(WS)
        if "\n" in raw:
            raw = _trim_lines(raw)
        if self.escaped:
            raw = raw.translate(self.unescape).strip(WS)
        return raw

    def _text(self, raw: str, default: TextFormat) -> Text:
        """A text with its ``[format]`` (or ``default``), lines trimmed, escapes resolved."""
        raw = raw.strip(WS)
        if "\n" in raw:
            raw = _trim_lines(raw)
        if raw[:1] == "[":
            tagged = FORMAT_TAGS.get(raw[: raw.find("]") + 1])
            if tagged is not None:
                raw = raw[len(TAG_OF_FORMAT[tagged]) :]
                if self.escaped:
                    raw = raw.translate(self.unescape)
                return Text(raw.strip(WS), tagged)
        if self.escaped:
            raw = raw.translate(self.unescape).strip(WS)
        return Text(raw, default)

    def _feedback(self, raw: str, default: TextFormat) -> Text | None:
        """A feedback text; None when it is empty."""
        text = self._text(raw, default)
        return text if text.text else None


def _brace_problem(text: str, start: int, opening: int) -> tuple[str, int]:
    """What is wrong with the braces of a block after its title (at ``start``), and where."""
    closing = text.find("}", start)
    if opening < 0:
        return "'}' without an opening '{' (write \\} for a brace)", closing
    if closing < 0:
        return "'{' is not closed with '}' (write \\{ for a brace)", opening
    if closing < opening:
        return "'}' comes before '{' (write \\} for a brace)", closing
    if 0 <= text.find("{", opening + 1) < closing:
        return "'{' inside an answer block (write \\{ for a brace)", text.find("{", opening + 1)
    return (
        "a question has one answer block: a second '{' or '}' follows it "
        "(write \\{ or \\} for a brace)",
        max(text.find("{", opening + 1), text.find("}", closing + 1)),
    )


def _trim_lines(text: str) -> str:
    """``text`` with every line trimmed, as Moodle trims each line of a question."""
    return "\n".join([line.strip(WS) for line in text.split("\n")])


def _number_spec(spec: str) -> tuple[str, float, float]:
    """(the answer as written, value, tolerance) of ``x``, ``x:tolerance`` or ``a..b``."""
    dots = spec.find("..")
    if dots > 0:
        low_text, high_text = spec[:dots].strip(WS), spec[dots + 2 :].strip(WS)
        low, high = _number(low_text), _number(high_text)
        if low > high:
            raise ValueError(f"the range {spec!r} ends below its start")
        value = (low + high) / 2
        return f"{low_text}..{high_text}", value, high - value
    colon = spec.find(":")
    tolerance = 0.0
    if colon > 0:
        tolerance = _number(spec[colon + 1 :])
        if tolerance < 0:
            raise ValueError(f"the tolerance in {spec!r} is negative")
        spec = spec[:colon].strip(WS)
    return spec, _number(spec), tolerance


def _number(text: str) -> float:
    text = text.strip(WS)
    value = finite_number(text) if NUMBER.fullmatch(text) else None
    if value is None:
        raise ValueError(f"{text!r} is not a number (in a numerical answer)")
    return value


def _percent(fraction: float) -> str:
    """A weight as a warning shows it: "33.33333 %"."""
    return f"{percent_text(fraction, places=5)} %"
