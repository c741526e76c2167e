"""Moodle XML's vocabulary: question types, text formats, the elements and options of each
type, Moodle's grade choices, and how Moodle reads a text or a boolean."""

from __future__ import annotations

import bisect

from pmpath.formats.numbers import percent_text
from pmpath.formats.quiz import QType, TextFormat, Warn

#: Moodle's grade choices for an answer, in percent (question_bank::fraction_options_full()).
GRADES = (
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
    16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0,
)  # fmt: skip
_FRACTIONS = sorted({round(sign * grade / 100, 9) for grade in GRADES for sign in (1, -1)})
#: How far a fraction may be from a grade choice and still be that choice (Moodle's own test).
_GRADE_TOLERANCE = 0.00001

FORMAT_IN = {
    "moodle_auto_format": TextFormat.MOODLE,
    "html": TextFormat.HTML,
    "plain_text": TextFormat.PLAIN,
    "markdown": TextFormat.MARKDOWN,
}
FORMAT_OUT = {value: key for key, value in FORMAT_IN.items()}

COMBINED = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
QTYPES = {
    "multichoice": QType.MULTICHOICE,
    "truefalse": QType.TRUEFALSE,
    "shortanswer": QType.SHORTANSWER,
    "numerical": QType.NUMERICAL,
    "matching": QType.MATCHING,
    "match": QType.MATCHING,
    "ordering": QType.ORDERING,
    "essay": QType.ESSAY,
    "description": QType.DESCRIPTION,
    "cloze": QType.CLOZE,
    "multianswer": QType.CLOZE,
    "gapselect": QType.GAPS,
    "ddwtos": QType.GAPS,
    #: Resolved at import into a matching (see :mod:`._random_matching`).
    "randomsamatch": QType.MATCHING,
}
WRITTEN_TYPE = {
    QType.MULTICHOICE: "multichoice",
    QType.TRUEFALSE: "truefalse",
    QType.SHORTANSWER: "shortanswer",
    QType.NUMERICAL: "numerical",
    QType.MATCHING: "matching",
    QType.ORDERING: "ordering",
    QType.ESSAY: "essay",
    QType.DESCRIPTION: "description",
    QType.CLOZE: "cloze",
    QType.GAPS: "gapselect",  # or "ddwtos": see :func:`._type_writing.gap_kind`
}
#: Option elements kept verbatim in ``extra["moodle_options"]``, in the order they are written.
OPTIONS: dict[QType, tuple[str, ...]] = {
    QType.MULTICHOICE: ("answernumbering", "showstandardinstruction", "shownumcorrect"),
    QType.TRUEFALSE: (),
    QType.SHORTANSWER: ("usecase",),
    QType.NUMERICAL: (),
    QType.MATCHING: ("shownumcorrect",),
    QType.ORDERING: (
        "layouttype",
        "selecttype",
        "selectcount",
        "gradingtype",
        "showgrading",
        "numberingstyle",
        "shownumcorrect",
    ),
    QType.ESSAY: (
        "responseformat",
        "responserequired",
        "responsefieldlines",
        "minwordlimit",
        "maxwordlimit",
        "attachments",
        "attachmentsrequired",
        "maxbytes",
        "filetypeslist",
    ),
    QType.DESCRIPTION: (),
    QType.CLOZE: (),
    QType.GAPS: ("shownumcorrect",),
}
#: What an ordering question gets when it has no stored options: every item, graded as pmpath
#: grades ordering (the share of items in their right position).
ORDERING_DEFAULTS = {
    "layouttype": "VERTICAL",
    "selecttype": "ALL",
    "selectcount": "0",
    "gradingtype": "ABSOLUTE_POSITION",
    "showgrading": "SHOW",
}
COMMON_ELEMENTS = {
    "name",
    "questiontext",
    "generalfeedback",
    "defaultgrade",
    "penalty",
    "hidden",
    "idnumber",
    "tags",
    "coursetags",
    "image",
    "image_base64",
}
TYPE_ELEMENTS: dict[QType, set[str]] = {
    QType.MULTICHOICE: {"single", "shuffleanswers", "answer", "hint", *COMBINED},
    QType.TRUEFALSE: {"answer", "hint"},
    QType.SHORTANSWER: {"answer", "hint"},
    QType.NUMERICAL: {
        "answer",
        "hint",
        "units",
        "unitgradingtype",
        "unitpenalty",
        "showunits",
        "unitsleft",
        "instructions",
    },
    QType.MATCHING: {"shuffleanswers", "subquestion", "hint", *COMBINED},
    QType.ORDERING: {"answer", "hint", *COMBINED},
    QType.ESSAY: {"graderinfo", "responsetemplate"},
    QType.DESCRIPTION: set(),
    QType.CLOZE: {"hint"},
    QType.GAPS: {"shuffleanswers", "selectoption", "dragbox", "hint", *COMBINED},
}
#: The elements of a random short-answer matching beyond a matching's.
RANDOM_MATCHING_ELEMENTS = {"choose", "subcats"}
_PHP_WHITESPACE = " \t\n\r\0\x0b"


def trim(text: str) -> str:
    """PHP's trim(), which Moodle applies to every text it reads."""
    return text.strip(_PHP_WHITESPACE)


def moodle_boolean(value: str) -> bool:
    """Moodle's reading of a boolean element: "false", "0" and "" are false."""
    return value not in ("false", "0", "")


def grade_choice(fraction: float, warn: Warn, done: str) -> float:
    """The grade choice nearest to ``fraction``, with a warning when it is not that choice
    already (``done``: what becomes of it, "read" or "written")."""
    index = bisect.bisect_left(_FRACTIONS, fraction)
    neighbours = _FRACTIONS[max(index - 1, 0) : index + 1]
    nearest = min(neighbours, key=lambda choice: abs(choice - fraction))
    if not abs(nearest - fraction) < _GRADE_TOLERANCE:  # NaN is no grade choice either
        warn(
            f"answer fraction {grade_percent(fraction)}% is not one of Moodle's grades: "
            f"{done} as the nearest, {grade_percent(nearest)}%"
        )
    return nearest


def grade_percent(fraction: float) -> str:
    """A fraction as Moodle writes a grade: a percentage with at most 5 decimals."""
    return percent_text(fraction, places=5)


def stored_format(value: object) -> TextFormat:
    """A text format stored in ``extra`` (a string), Moodle's auto-format when unknown."""
    try:
        return TextFormat(str(value))
    except ValueError:
        return TextFormat.MOODLE
