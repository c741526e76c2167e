"""GIFT files read into the interchange model (docs/formats.md, the GIFT section).

A GIFT file is a sequence of blocks separated by blank lines. A block is a question, a
``$CATEGORY:`` line, or nothing but ``//`` comment lines. Where Moodle's documentation leaves
room, the reader does what Moodle's own importer (``question/format/gift/format.php``) does.
The reader is linear and hand-rolled: one scan finds the blank lines between blocks, and
:class:`~pmpath.formats.gift._block_reading.BlockReader` reads each block's question.
"""

from __future__ import annotations

import gc
import re

from pmpath.errors import FormatError, Location, Problem
from pmpath.formats.categories import DEFAULT_PREFIX, PREFIX_KEY, split_category
from pmpath.formats.gift._block_reading import BlockError, BlockReader
from pmpath.formats.gift._syntax import WS
from pmpath.formats.quiz import FormatWarning, QuizFile, QuizQuestion
from pmpath.formats.safety import decode_text

#: One or more blank lines after a line's end: what separates blocks.
_BLANK_LINES = re.compile(r"\n(?:[ \t\r\x00\x0b]*\n)+")
# Moodle's [id:...] and [tag:...] comment markers; "\]" escapes a closing bracket.
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f\x7f])+)\]")
_MAX_PROBLEMS = 100


def read(data: bytes, source: str) -> QuizFile:
    """Every question of a GIFT file; :class:`FormatError` listing every bad block otherwise."""
    return _Reader(decode_text(data, source), source).read()


class _Reader:
    """One file's reading: blocks from lines, categories and comments, then each block's
    question."""

    def __init__(self, text: str, source: str) -> None:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.all_text = text
        self.source = source
        self.questions: list[QuizQuestion] = []
        self.warnings: list[FormatWarning] = []
        self.problems: list[Problem] = []
        self.category: str | None = None
        self.category_prefix = DEFAULT_PREFIX
        self.category_path = ""  # as the file wrote it
        self.category_line = 0
        self.category_used = True
        self.blocks = BlockReader(text, source, self.warnings)

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
        text = chunk.strip(WS)
        if not text:
            return
        if text is not chunk:
            line += chunk.count("\n", 0, chunk.find(text[0]))
        first = line
        comments: list[str] = []  # only those that may hold [id:] or [tag:] markers
        while text[:2] == "//":
            comment, _, text = text.partition("\n")
            if "[" in comment:
                comments.append(comment.rstrip(WS))
            text = text.lstrip(WS)
            line += 1
            if not text:
                return
        if "//" in text:  # maybe a comment line inside the question
            self._irregular([raw.strip(WS) for raw in chunk.strip(WS).split("\n")], first)
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
            if not self._category(category[10:].strip(WS), first, following, bool(more)):
                return
            if numbers is not None:
                numbers = numbers[1:]
            first = following
        try:
            question = self.blocks.read(
                text, first, numbers, len(self.questions) + 1, self.category
            )
        except BlockError as bad:
            self._problem(bad.message, bad.line)
            return
        if comments:
            question.id_number, question.tags = _markers(comments)
        if self.category_prefix != DEFAULT_PREFIX and self.category is not None:
            question.extra[PREFIX_KEY] = self.category_prefix
        self.category_used = True
        self.questions.append(question)

    def _category(self, path: str, line: int, following: int, more: bool) -> bool:
        """Start a category; whether a question follows in the same block (``more``)."""
        if not path:
            self._problem("'$CATEGORY:' needs a category path after it", line)
            return False
        self._close_category(path)
        self.category_prefix, self.category = split_category(path)
        self.category_path, self.category_line, self.category_used = path, line, False
        if not more:
            return False
        self.warnings.append(
            FormatWarning(
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
                FormatWarning(
                    f"the category {self.category_path!r} has no questions: not kept",
                    Location(file=self.source, line=self.category_line),
                )
            )
        self.category_used = True

    def _problem(self, message: str, line: int) -> None:
        self.problems.append(Problem(message, Location(file=self.source, line=line)))


def _markers(comments: list[str]) -> tuple[str | None, list[str]]:
    """The ``[id:...]`` and ``[tag:...]`` that Moodle reads from a question's comments."""
    id_number: str | None = None
    tags: list[str] = []
    for comment in comments:
        if "[id:" in comment and id_number is None:
            match = _ID.search(comment)
            if match:
                id_number = match[1].strip(WS).replace("\\]", "]") or None
        if "[tag:" in comment:
            for match in _TAG.finditer(comment):
                tag = match[1].strip(WS).replace("\\]", "]")
                if tag:
                    tags.append(tag)
    return id_number, tags
