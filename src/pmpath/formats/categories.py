"""Moodle's question categories, as GIFT's ``$CATEGORY:`` lines and Moodle XML's category
questions both write them.

A Moodle path starts with its context (``$course$/top``, a course's top category); the rest is
the category the interchange model keeps in ``QuizQuestion.category``. Any other context is
kept in ``extra["moodle_category_prefix"]``, so that a question read from either format is
written back under the context it came from; one rule splits the path for both formats, so a
category reads the same from either.
"""

from __future__ import annotations

import re

from pmpath.formats.quiz import QuizQuestion

#: The context Moodle writes today: a course's top category.
DEFAULT_PREFIX = "$course$/top"
#: The key of a context other than :data:`DEFAULT_PREFIX` in ``QuizQuestion.extra``.
PREFIX_KEY = "moodle_category_prefix"
#: What a writer reports when a question without a category follows questions with one.
UNCATEGORISED = (
    "no category, after questions that have one: written under the course's top category"
)

_CONTEXT = re.compile(r"\$[a-z0-9]+\$(?=/|$)")


def split_category(path: str) -> tuple[str, str | None]:
    """``$course$/top/A/B`` -> (``$course$/top``, ``A/B``); a path of nothing is None."""
    match = _CONTEXT.match(path)
    prefix, rest = "", path
    if match:
        prefix, rest = match.group(), path[match.end() + 1 :]
        if rest == "top" or rest.startswith("top/"):
            prefix, rest = prefix + "/top", rest[4:]
    rest = rest.strip("/")
    return prefix, rest or None


def category_path(category: str, prefix: str) -> str:
    """The Moodle path of ``category`` under the context ``prefix``."""
    return f"{prefix}/{category}" if prefix else category


def category_of(question: QuizQuestion) -> tuple[str | None, str]:
    """(category, context) a writer puts ``question`` under."""
    prefix = question.extra.get(PREFIX_KEY, DEFAULT_PREFIX)
    return question.category, prefix if isinstance(prefix, str) else DEFAULT_PREFIX
