"""GIFT, Moodle's plain-text quiz format: reading and writing.

A GIFT file is a sequence of blocks separated by blank lines. A block is a question, a
``$CATEGORY:`` line, or nothing but ``//`` comment lines. Where Moodle's documentation leaves
room, the reader does what Moodle's own importer (``question/format/gift/format.php``) does;
docs/formats.md (the GIFT section) lists every rule and each place it differs on purpose.

The reader is linear and hand-rolled: one scan finds the blank lines between blocks; in a
block the escapes (``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``) are swapped for placeholder characters by a
few ``str.replace`` calls, after which every structural character left is a real one, and the
block is cut at them with ``str.find``, ``str.split`` and ``str.partition``. No regular
expression walks the text character by character and nothing backtracks.
"""

from __future__ import annotations

import gc
import math
import re
from decimal import Decimal
from typing import NoReturn

from pmpath.errors import FormatError, Location, Problem
from pmpath.formats.quiz import (
    Answer,
    MatchPair,
    QType,
    QuizFile,
    QuizQuestion,
    Text,
    TextFormat,
    Warning,
)
from pmpath.formats.safety import decode_text

#: What a mid-sentence answer block ("missing word") leaves in the question text.
BLANK = "_____"

_WS = " \t\n\r\0\x0b"  # what PHP's trim() strips, which Moodle's importer applies everywhere
_FORMAT_TAGS = {
    "[moodle]": TextFormat.MOODLE,
    "[html]": TextFormat.HTML,
    "[plain]": TextFormat.PLAIN,
    "[markdown]": TextFormat.MARKDOWN,
}
_TAG_OF_FORMAT = {fmt: tag for tag, fmt in _FORMAT_TAGS.items()}
#: Text starts a writer guards with an explicit format tag: a format tag, a comment, and a
#: zero-width no-break space (at a file's start, readers take it for a byte-order mark).
_MISREAD_STARTS = (*_FORMAT_TAGS, "//", "\ufeff")
_ESCAPES = ("\\:", "\\#", "\\=", "\\{", "\\}", "\\~", "\\n")
_ESCAPED_AS = ("\\", ":", "#", "=", "{", "}", "~", "\n")  # "\\" first: the placeholder order
_TRUE_FALSE = frozenset({"T", "TRUE", "F", "FALSE"})
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
#: One or more blank lines after a line's end: what separates blocks.
_BLANK_LINES = re.compile(r"\n(?:[ \t\r\x00\x0b]*\n)+")
# Moodle's [id:...] and [tag:...] comment markers; "\]" escapes a closing bracket.
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f\x7f])+)\]")
_MAX_PROBLEMS = 100
#: The category prefix Moodle writes (a course's top category); any other is kept in ``extra``,
#: as the Moodle XML reader does.
DEFAULT_CATEGORY_PREFIX = "$course$/top"
_CATEGORY_CONTEXT = re.compile(r"\$[a-z0-9]+\$(?=/|$)")
# Enum members bound once: looking one up costs more than reading an answer's weight.
_MOODLE = TextFormat.MOODLE
_DESCRIPTION, _ESSAY, _TRUEFALSE = QType.DESCRIPTION, QType.ESSAY, QType.TRUEFALSE
_MULTICHOICE, _SHORTANSWER, _NUMERICAL = QType.MULTICHOICE, QType.SHORTANSWER, QType.NUMERICAL
_MATCHING = QType.MATCHING
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


class _BlockError(Exception):
    """A problem in one block: reported with its line, and the block is not read."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# -- reading ----------------------------------------------------------------------------------


def read(data: bytes, source: str) -> QuizFile:
    """Every question of a GIFT file; :class:`FormatError` listing every bad block otherwise."""
    return _Reader(decode_text(data, source), source).read()


def _placeholders(text: str) -> tuple[str, ...]:
    """Eight characters that do not occur in ``text`` (private use, so almost always the first)."""
    base = 0xF0000
    while True:
        marks = tuple(chr(base + i) for i in range(len(_ESCAPED_AS)))
        if not any(mark in text for mark in marks):
            return marks
        base += len(marks)


class _Reader:
    """One file's reading: blocks from lines, then each block's question.

    The hot path (a question without problems) touches each character only inside C string
    methods; everything that reports a line (warnings, errors) recomputes positions lazily.
    """

    def __init__(self, text: str, source: str) -> None:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.all_text = text
        self.source = source
        self.questions: list[QuizQuestion] = []
        self.warnings: list[Warning] = []
        self.problems: list[Problem] = []
        self.category: str | None = None
        self.category_prefix = DEFAULT_CATEGORY_PREFIX
        self.category_path = ""  # as the file wrote it
        self.category_line = 0
        self.category_used = True
        marks = _placeholders(text) if "\\" in text else _ESCAPED_AS
        self.backslash = marks[0]
        self.substitutions = tuple(zip(_ESCAPES, marks[1:], strict=True))
        self.unescape = {ord(mark): char for mark, char in zip(marks, _ESCAPED_AS, strict=True)}
        # The block being read: its text (escapes swapped), its lines' numbers, its title.
        self.text = ""
        self.first = 0
        self.numbers: list[int] | None = None
        self.escaped = False
        self.name: str | None = None

    def read(self) -> QuizFile:
        # A file makes hundreds of thousands of small objects and not one reference cycle, so
        # the collector's passes during the read are wasted; the one pass over the new objects
        # when it resumes is still paid (a quarter of the time), but only once.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._blocks()
        finally:
            if collecting:
                gc.enable()
        self._close_category()
        if self.problems:
            problems = self.problems
            if len(problems) > _MAX_PROBLEMS:
                more = len(problems) - _MAX_PROBLEMS
                problems = [
                    *problems[:_MAX_PROBLEMS],
                    Problem(f"... and {more} more problems", Location(file=self.source)),
                ]
            raise FormatError(problems)
        return QuizFile(self.questions, self.warnings)

    # -- blocks

    def _blocks(self) -> None:
        text = self.all_text
        line = 1
        start = 0
        for match in _BLANK_LINES.finditer(text):
            self._chunk(text[start : match.start()], line)
            line += text.count("\n", start, match.end())
            start = match.end()
        self._chunk(text[start:], line)

    def _chunk(self, chunk: str, line: int) -> None:
        """The lines between two runs of blank lines; ``line`` is the number of the first.

        Moodle trims every line and drops the ``//`` comment lines. A block whose comments
        are all at its top needs neither here: its texts trim their own inner lines
        (:meth:`_text`); any other block goes line by line.
        """
        text = chunk.strip(_WS)
        if not text:
            return
        if text is not chunk:
            line += chunk.count("\n", 0, chunk.find(text[0]))
        first = line
        comments: list[str] = []  # only those that may hold [id:] or [tag:] markers
        while text[:2] == "//":
            comment, _, text = text.partition("\n")
            if "[" in comment:
                comments.append(comment.rstrip(_WS))
            text = text.lstrip(_WS)
            line += 1
            if not text:
                return
        if "//" in text:  # maybe a comment line inside the question
            self._irregular([raw.strip(_WS) for raw in chunk.strip(_WS).split("\n")], first)
            return
        self._block(text, line, None, comments)

    def _irregular(self, lines: list[str], line: int) -> None:
        """Blocks from trimmed lines that may hold blank lines, and comments anywhere."""
        block: list[str] = []
        numbers: list[int] = []
        comments: list[str] = []
        for number, text in enumerate(lines, start=line):
            if not text:
                if block:
                    self._block("\n".join(block), numbers[0], numbers, comments)
                    block, numbers = [], []
                comments = []
            elif text[:2] == "//":
                if "[" in text:
                    comments.append(text)
            else:
                block.append(text)
                numbers.append(number)
        if block:
            self._block("\n".join(block), numbers[0], numbers, comments)

    def _block(self, text: str, first: int, numbers: list[int] | None, comments: list[str]) -> None:
        """One block's question; ``first`` is the number of its first line, ``numbers`` those
        of all its lines unless they are consecutive."""
        if text[0] == "$" and text.startswith("$CATEGORY:"):
            category, more, text = text.partition("\n")
            following = first + 1 if numbers is None else numbers[min(1, len(numbers) - 1)]
            if not self._category(category[10:].strip(_WS), first, following, bool(more)):
                return
            if numbers is not None:
                numbers = numbers[1:]
            first = following
        self.first, self.numbers = first, numbers
        try:
            question = self._question(text)
        except _BlockError as bad:
            self._problem(bad.message, bad.line)
            return
        if comments:
            question.id_number, question.tags = self._markers(comments)
        if self.category_prefix != DEFAULT_CATEGORY_PREFIX and self.category is not None:
            question.extra["moodle_category_prefix"] = self.category_prefix
        self.category_used = True
        self.questions.append(question)

    def _category(self, path: str, line: int, following: int, more: bool) -> bool:
        """Start a category; whether a question follows in the same block (``more``)."""
        if not path:
            self._problem("'$CATEGORY:' needs a category path after it", line)
            return False
        self._close_category(path)
        self.category_prefix, self.category = _split_category(path)
        self.category_path, self.category_line, self.category_used = path, line, False
        if not more:
            return False
        self.warnings.append(
            Warning(
                "no blank line after '$CATEGORY:': Moodle would read this whole block as the "
                "category path; read here as the category line and a question",
                Location(file=self.source, line=following),
            )
        )
        return True

    def _close_category(self, following: str = "") -> None:
        """Warn about a category without questions, unless it is the parent of the ``following``
        one (Moodle's exports write every parent category before its children)."""
        if not self.category_used and not following.startswith(self.category_path + "/"):
            self.warnings.append(
                Warning(
                    f"the category {self.category_path!r} has no questions: not kept",
                    Location(file=self.source, line=self.category_line),
                )
            )
        self.category_used = True

    def _problem(self, message: str, line: int) -> None:
        self.problems.append(Problem(message, Location(file=self.source, line=line)))

    def _warn(self, message: str, line: int | None = None) -> None:
        where = Location(file=self.source, line=line or self.first)
        label = self.name or f"#{len(self.questions) + 1}"
        self.warnings.append(Warning(message, where, label))

    def _line(self, position: int) -> int:
        """The file line of a position in the block's text."""
        index = self.text.count("\n", 0, position)
        return self.first + index if self.numbers is None else self.numbers[index]

    def _block_start(self, at: int) -> int:
        """Where the answer block opened at ``at`` starts: its first character after spaces."""
        raw = self.text[at:]
        return at + len(raw) - len(raw.lstrip(_WS))

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
        if piece.strip(_WS):  # where its text starts, else where it is (an empty answer)
            position += len(piece) - len(piece.lstrip(_WS))
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
                raise _BlockError("the title is not closed with '::'", self.first)
            name = text[2 : start - 2].strip(_WS)
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
            self._brace_error(start, opening)
        after = text[closing + 1 :]
        # Answers inside the sentence leave a blank; answers at its end leave nothing.
        if after and after.strip(_WS):
            stem = self._text(text[start:opening] + BLANK + after, _MOODLE)
        else:
            stem = self._text(text[start:opening], _MOODLE)
        at = opening + 1
        block = text[at:closing].strip(_WS)
        general: Text | None = None
        hashes = block.rfind("####")
        if hashes >= 0:
            general = self._text(block[hashes + 4 :], stem.format)
            if not general.text:
                general = None
            block = block[:hashes].rstrip(_WS)
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
            check = block[:hash_at].rstrip(_WS) if hash_at > 0 else block
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

    def _brace_error(self, start: int, opening: int) -> NoReturn:
        """Say what is wrong with the braces of a block after its title (at ``start``)."""
        text = self.text
        closing = text.find("}", start)
        if opening < 0:
            message, position = "'}' without an opening '{' (write \\} for a brace)", closing
        elif closing < 0:
            message, position = "'{' is not closed with '}' (write \\{ for a brace)", opening
        elif closing < opening:
            message, position = "'}' comes before '{' (write \\} for a brace)", closing
        elif 0 <= text.find("{", opening + 1) < closing:
            message = "'{' inside an answer block (write \\{ for a brace)"
            position = text.find("{", opening + 1)
        else:
            message = (
                "a question has one answer block: a second '{' or '}' follows it "
                "(write \\{ or \\} for a brace)"
            )
            position = max(text.find("{", opening + 1), text.find("}", closing + 1))
        raise _BlockError(message, self._line(position))

    def _choices(self, block: str, at: int, fmt: TextFormat) -> list[Answer]:
        # As Moodle: every '~' or '=' starts an answer, and the '=' stays as its weight.
        pieces = block.replace("=", "~=").split("~")
        if pieces[0].strip(_WS):
            self._warn("the text before the first '~' or '=' is read as a wrong answer")
        answers: list[Answer] = []
        # Without escapes or '[' anywhere, a trimmed one-line piece is its own text.
        plain = not self.escaped and "[" not in block
        index = -1
        for piece in pieces:
            index += 1
            shown, cut, rest = piece.partition("#")
            shown = shown.strip(_WS)
            first = shown[:1]
            if first == "=":
                fraction = 1.0
                shown = shown[1:].lstrip(_WS)
                if shown[:1] == "%" and _WEIGHT.match(shown):
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
            raise _BlockError(
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
        rest = rest.strip(_WS)
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
            shown = shown.strip(_WS)
            fraction = 1.0
            if shown[:1] == "%":
                fraction, shown = self._weight(shown, 1.0, at, pieces, index)
            if shown and plain and "\n" not in shown:
                text = Text(shown, fmt)
            else:
                text = self._text(shown, fmt)
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
            raise _BlockError("a short-answer question needs an answer", self._line(at))
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
        match = _WEIGHT.match(body)
        if match is None:
            return default, body
        fraction = _fraction(match[1])
        if fraction > 1 or fraction < -1:
            self._warn(
                f"the weight {_percent(fraction)} is outside -100 %..100 %",
                self._piece_line(at, pieces, index, choices, skip),
            )
        return fraction, body[match.end() :].lstrip(_WS)

    def _numerical(self, block: str, at: int, fmt: TextFormat) -> list[Answer]:
        body = block[1:]
        wrong: Answer | None = None
        tilde = body.find("~")
        if tilde >= 0:
            ignored, separator, feedback = body[tilde + 1 :].partition("#")
            if ignored.strip(_WS):
                self._warn(
                    f"the text {ignored.strip(_WS)!r} between '~' and '#' is ignored: '~#' "
                    "gives the feedback for any other answer",
                    self._line(self._block_start(at) + block.find("~")),
                )
            feedback_text = self._feedback(feedback, fmt) if separator else None
            wrong = Answer(Text("*", fmt), 0.0, feedback_text)
            body = body[:tilde]
        pieces = body.split("=")
        answers: list[Answer] = []
        index = -1
        for piece in pieces:
            index += 1
            spec = piece.strip(_WS)
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
            number = self._text(spec, fmt)
            if number.text == "*":
                written, value, tolerance = "*", None, None
            else:
                try:
                    written, value, tolerance = _number_spec(number.text)
                except ValueError as error:
                    line = self._piece_line(at, pieces, index, skip=1)
                    raise _BlockError(str(error), line) from None
            answers.append(
                Answer(Text(written, number.format), fraction, feedback_text, value, tolerance)
            )
        if not answers:
            raise _BlockError("a numerical question needs at least one answer", self._line(at))
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
            body = piece.strip(_WS)
            if not body and not index:
                continue
            arrow = body.find("->")
            if arrow < 0:
                raise _BlockError(
                    f"the matching pair {self._plain(body)!r} has no '->'",
                    self._piece_line(at, pieces, index),
                )
            right = self._plain(body[arrow + 2 :])
            if not right:
                raise _BlockError(
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
            raise _BlockError("a matching question needs at least two pairs", self._line(at))
        return pairs

    def _truefalse(self, block: str, fmt: TextFormat) -> list[Answer]:
        parts = block.split("#", 2)
        wrong = self._feedback(parts[1], fmt) if len(parts) > 1 else None
        right = self._feedback(parts[2], fmt) if len(parts) > 2 else None
        if parts[0].rstrip(_WS) in ("T", "TRUE"):
            return [Answer(Text("True"), 1.0, right), Answer(Text("False"), 0.0, wrong)]
        return [Answer(Text("True"), 0.0, wrong), Answer(Text("False"), 1.0, right)]

    # -- texts

    def _plain(self, raw: str) -> str:
        raw = raw.strip(_WS)
        if "\n" in raw:
            raw = _trim_lines(raw)
        if self.escaped:
            raw = raw.translate(self.unescape).strip(_WS)
        return raw

    def _text(self, raw: str, default: TextFormat) -> Text:
        """A text with its ``[format]`` (or ``default``), lines trimmed, escapes resolved."""
        raw = raw.strip(_WS)
        if "\n" in raw:
            raw = _trim_lines(raw)
        if raw[:1] == "[":
            tagged = _FORMAT_TAGS.get(raw[: raw.find("]") + 1])
            if tagged is not None:
                raw = raw[len(_TAG_OF_FORMAT[tagged]) :]
                if self.escaped:
                    raw = raw.translate(self.unescape)
                return Text(raw.strip(_WS), tagged)
        if self.escaped:
            raw = raw.translate(self.unescape).strip(_WS)
        return Text(raw, default)

    def _feedback(self, raw: str, default: TextFormat) -> Text | None:
        """A feedback text; None when it is empty."""
        text = self._text(raw, default)
        return text if text.text else None

    def _markers(self, comments: list[str]) -> tuple[str | None, list[str]]:
        """The ``[id:...]`` and ``[tag:...]`` that Moodle reads from a question's comments."""
        id_number: str | None = None
        tags: list[str] = []
        for comment in comments:
            if "[id:" in comment and id_number is None:
                match = _ID.search(comment)
                if match:
                    id_number = match[1].strip(_WS).replace("\\]", "]") or None
            if "[tag:" in comment:
                for match in _TAG.finditer(comment):
                    tag = match[1].strip(_WS).replace("\\]", "]")
                    if tag:
                        tags.append(tag)
        return id_number, tags


def _split_category(path: str) -> tuple[str, str | None]:
    """``$course$/top/A/B`` -> (``$course$/top``, ``A/B``); a path of nothing is None.

    The rule of the Moodle XML reader, so that a category reads the same from either format.
    """
    match = _CATEGORY_CONTEXT.match(path)
    prefix, rest = "", path
    if match:
        prefix, rest = match.group(), path[match.end() + 1 :]
        if rest == "top" or rest.startswith("top/"):
            prefix, rest = prefix + "/top", rest[4:]
    rest = rest.strip("/")
    return prefix, rest or None


def _fraction(percent: str) -> float:
    """The fraction a ``%weight%`` gives, rounded once: "33.33333" is exactly 0.3333333."""
    sign = "-" if percent[0] == "-" else ""
    whole, _, decimals = percent.lstrip("-").partition(".")
    whole = whole.rjust(3, "0")
    return float(f"{sign}{whole[:-2]}.{whole[-2:]}{decimals}")


def _trim_lines(text: str) -> str:
    """``text`` with every line trimmed, as Moodle trims each line of a question."""
    return "\n".join([line.strip(_WS) for line in text.split("\n")])


def _number_spec(spec: str) -> tuple[str, float, float]:
    """(the answer as written, value, tolerance) of ``x``, ``x:tolerance`` or ``a..b``."""
    dots = spec.find("..")
    if dots > 0:
        low_text, high_text = spec[:dots].strip(_WS), spec[dots + 2 :].strip(_WS)
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
        spec = spec[:colon].strip(_WS)
    return spec, _number(spec), tolerance


def _number(text: str) -> float:
    text = text.strip(_WS)
    if _NUMBER.fullmatch(text):
        value = float(text)
        if math.isfinite(value):
            return value
    raise ValueError(f"{text!r} is not a number (in a numerical answer)")


def _percent(fraction: float) -> str:
    return f"{fraction * 100:g} %"


# -- writing ----------------------------------------------------------------------------------


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[Warning]]:
    """The GIFT file of ``questions``, and a warning for everything GIFT cannot say."""
    chunks: list[str] = []
    warnings: list[Warning] = []
    current: tuple[str | None, str] = (None, DEFAULT_CATEGORY_PREFIX)
    for number, question in enumerate(questions, start=1):
        writer = _QuestionWriter(question, question.name or f"#{number}")
        written = writer.write()
        if written is not None:
            wanted = _category_of(question)
            if wanted != current:
                chunks.append(writer.category(wanted, current))
                current = wanted
            chunks.append(written)
        warnings += writer.warnings
    return "".join(chunks).encode("utf-8"), warnings


def _category_of(question: QuizQuestion) -> tuple[str | None, str]:
    prefix = question.extra.get("moodle_category_prefix", DEFAULT_CATEGORY_PREFIX)
    return question.category, prefix if isinstance(prefix, str) else DEFAULT_CATEGORY_PREFIX


def _escape(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_ESCAPE_TABLE)


def _number_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _weight_text(fraction: float) -> str:
    """The percentage that reads back as exactly ``fraction`` (see :func:`_fraction`)."""
    text = format(Decimal(repr(fraction)) * 100, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _is_number(text: str, value: float) -> bool:
    return bool(_NUMBER.fullmatch(text)) and float(text) == value


class _QuestionWriter:
    def __init__(self, question: QuizQuestion, label: str) -> None:
        self.question = question
        self.label = label
        self.warnings: list[Warning] = []
        self.fmt = question.text.format

    def warn(self, message: str) -> None:
        self.warnings.append(Warning(message, self.question.source, self.label))

    def category(self, wanted: tuple[str | None, str], current: tuple[str | None, str]) -> str:
        """The ``$CATEGORY:`` block that puts this question in its category (or nothing)."""
        category, prefix = wanted
        if category is None:
            if current[0] is None:
                return ""  # still before any category: only the prefix changed
            self.warn(
                "no category, after questions that have one: written under the course's top "
                "category"
            )
            return f"$CATEGORY: {DEFAULT_CATEGORY_PREFIX}\n\n"
        path = f"{prefix}/{category}" if prefix else category
        path = path.replace("\r", " ").replace("\n", " ").strip(_WS)  # one line, trimmed
        read_prefix, read_back = _split_category(path)
        if (read_prefix, read_back) != (prefix, category):
            self.warn(f"the category {category!r} is written as {path!r}, read as {read_back!r}")
        return f"$CATEGORY: {path}\n\n"

    def write(self) -> str | None:
        """The question's lines and the blank line after them; None when it is left out."""
        question = self.question
        kind = question.type
        self._check_unwritten()
        if kind in (QType.ORDERING, QType.CLOZE):
            self.warn(f"GIFT has no {kind.value} questions: left out")
            return None
        block = self._block()
        if block is None:
            return None
        head = self._markers()
        if question.name and question.name.strip(_WS):
            head += f"::{_escape(question.name.strip(_WS))}::"
        text = question.text.text.strip(_WS)
        if kind is QType.DESCRIPTION:
            titled = bool(question.name and question.name.strip(_WS))
            if not text and not titled and question.text.format is TextFormat.MOODLE:
                self.warn("an empty description without a title cannot be written: left out")
                return None
            return head + self._text(question.text, TextFormat.MOODLE) + "\n\n"
        blank = text.find(BLANK)
        if blank >= 0 and text[blank + len(BLANK) :].strip(_WS):
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
            self.warn(f"GIFT has no default grade: {question.default_grade:g} not kept")
        moodle_penalty = 1.0 if kind is QType.TRUEFALSE else _MOODLE_PENALTY
        if question.penalty is not None and abs(question.penalty - moodle_penalty) > 1e-6:
            self.warn(f"GIFT has no penalty: {question.penalty:g} not kept")
        if question.shuffle is False and kind in (QType.MULTICHOICE, QType.MATCHING):
            self.warn("GIFT cannot turn shuffling off: Moodle shuffles the imported answers")
        unkept = sorted(key for key in question.extra if key != "moodle_category_prefix")
        if unkept:
            self.warn(f"format-specific values GIFT cannot hold are not kept: {', '.join(unkept)}")
        if question.answers and kind not in (
            QType.MULTICHOICE,
            QType.TRUEFALSE,
            QType.SHORTANSWER,
            QType.NUMERICAL,
        ):
            self.warn(f"a {kind.value} question has no answers in GIFT: not kept")
        if question.pairs and kind is not QType.MATCHING:
            self.warn(f"a {kind.value} question has no matching pairs in GIFT: not kept")
        if question.order and kind is not QType.ORDERING:
            self.warn(f"a {kind.value} question has no ordered items in GIFT: not kept")
        if question.blanks and kind is not QType.CLOZE:
            self.warn(f"a {kind.value} question has no embedded answers in GIFT: not kept")
        if kind is not QType.NUMERICAL and any(
            answer.value is not None or answer.tolerance is not None for answer in question.answers
        ):
            self.warn("numeric values of answers are kept only in numerical questions")
        if kind is QType.DESCRIPTION and question.general_feedback:
            self.warn("a description has no answer block for general feedback: not kept")
        if question.id_number is not None and question.id_number.strip(_WS) != question.id_number:
            self.warn("the id number is written without its surrounding spaces")

    def _markers(self) -> str:
        """The ``// [id:...] [tag:...]`` comment line Moodle reads id numbers and tags from."""
        markers: list[str] = []
        id_number = (self.question.id_number or "").strip(_WS)
        if id_number and _markable(id_number, ""):
            markers.append("[id:" + id_number.replace("]", "\\]") + "]")
        elif id_number:
            self.warn(
                f"the id number {id_number!r} cannot be written in GIFT (control characters, "
                "or a backslash before ']' or at the end): not kept"
            )
        for tag in self.question.tags:
            stripped = tag.strip(_WS)
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
        body = text.text.strip(_WS)
        if text.format is not default or body.startswith(_MISREAD_STARTS) or _WEIGHT.match(body):
            return _TAG_OF_FORMAT[text.format]
        return ""

    def _text(self, text: Text, default: TextFormat) -> str:
        return self._prefix(text, default) + _escape(text.text.strip(_WS))

    def _feedback(self, feedback: Text | None) -> str:
        if feedback is None or not feedback.text.strip(_WS):
            return ""
        return "#" + self._text(feedback, self.fmt)

    def _general_feedback(self, indent: str) -> str:
        feedback = self.question.general_feedback
        if feedback is None or not feedback.text.strip(_WS):
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
            if answer.text.text.strip(_WS):
                kept.append(answer)
            else:
                self.warn("an empty answer cannot be written in GIFT: left out")
        return kept

    def _truefalse(self) -> str | None:
        answers = self.question.answers
        named = {answer.text.text.strip(_WS).lower(): answer for answer in answers}
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
                mark = f"~%{_weight_text(answer.fraction)}%"
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
            body = self._text(answer.text, self.fmt)
            weight = "" if answer.fraction == 1 else f"%{_weight_text(answer.fraction)}%"
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
            shown = answer.text.text.strip(_WS)
            prefix = self._prefix(answer.text, self.fmt)
            feedback = self._feedback(answer.feedback)
            if answer.value is None:
                if shown != "*":
                    self.warn(f"the numerical answer {shown!r} has no value: left out")
                    continue
                if index == last and answer.fraction == 0 and not prefix and lines:
                    lines.append("~" + feedback)
                else:
                    lines.append(f"=%{_weight_text(answer.fraction)}%{prefix}*{feedback}")
                continue
            spec = self._number_spec(answer)
            if spec is None:
                continue
            weight = "" if answer.fraction == 1 else f"%{_weight_text(answer.fraction)}%"
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
            self.warn(f"the negative tolerance {tolerance:g} is written as {-tolerance:g}")
            tolerance = -tolerance
        shown = answer.text.text.strip(_WS)
        dots = shown.find("..")
        if dots > 0:
            low, high = shown[:dots].strip(_WS), shown[dots + 2 :].strip(_WS)
            if _NUMBER.fullmatch(low) and _NUMBER.fullmatch(high):
                middle = (float(low) + float(high)) / 2
                if middle == value and float(high) - middle == tolerance:
                    return f"{low}..{high}"
        number = shown if _is_number(shown, value) else _number_text(value)
        return f"{number}:{_number_text(tolerance)}" if tolerance else number

    def _matching(self) -> str | None:
        pairs = self.question.pairs
        if len(pairs) < 2:
            self.warn("a matching question needs at least two pairs in GIFT: left out")
            return None
        lines: list[str] = []
        for pair in pairs:
            if "->" in pair.left.text:
                self.warn(
                    f"the matching item {pair.left.text!r} contains '->', which GIFT cannot "
                    "escape: left out"
                )
                return None
            if not pair.right.strip(_WS):
                self.warn("a matching pair without a right-hand side cannot be written: left out")
                return None
            if pair.feedback:
                self.warn("GIFT has no feedback for matching pairs: not kept")
            left = self._text(pair.left, self.fmt)
            lines.append(f"={left} -> {_escape(pair.right.strip(_WS))}")
        return self._lines("{", lines)


def _markable(value: str, forbidden: str) -> bool:
    """Whether an id number or tag survives Moodle's ``[id:...]``/``[tag:...]`` comment syntax."""
    if any(char in forbidden or ord(char) < 32 or ord(char) == 127 for char in value):
        return False
    return "\\]" not in value and not value.endswith("\\")
