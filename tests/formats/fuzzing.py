"""What every importer promises on arbitrary input: a quiz file, or a located FormatError."""

from __future__ import annotations

from collections.abc import Callable

from pmpath.errors import FormatError, Problem
from pmpath.formats.quiz import QuizFile

Reader = Callable[[bytes, str], QuizFile]


def assert_only_format_errors(read: Reader, data: bytes, source: str) -> None:
    """``read(data, source)`` returns a QuizFile or raises FormatError naming ``source``."""
    problems: tuple[Problem, ...] = ()
    result: object = None
    try:
        result = read(data, source)
    except FormatError as exc:
        problems = exc.problems
    assert problems or isinstance(result, QuizFile)
    assert all(problem.location.file == source for problem in problems)
