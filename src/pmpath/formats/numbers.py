"""Numbers in quiz files: how every format writes a value, a percentage and a grade fraction,
and how it reads them back.

One rule for all formats, so that a value read from one file is written to another unchanged:
a number is written as the shortest text that reads back as exactly the same float, a grade
fraction read from a percentage is rounded once (``"33.33333"`` is exactly 0.3333333, as
Moodle stores a third), and a fraction computed from scores keeps Moodle's 7 decimals.
What a format requires beyond that is a parameter here (Moodle XML rounds its percentages to
its 5-decimal grade choices), and what a format reads by its own grammar (GIFT's numbers,
CSV's decimal comma, QTI 1.2's exact decimals) checks its grammar first and then comes here.
"""

from __future__ import annotations

import math
from decimal import Decimal

#: The decimals a grade fraction keeps: Moodle stores 7 (a third is 0.3333333).
FRACTION_DIGITS = 7


def number_text(value: float) -> str:
    """``value`` as a file writes it: the shortest text that reads back as exactly ``value``,
    whole numbers without ``.0`` (``"2"``, ``"0.5"``, ``"1e+16"``); negative zero is ``"0"``."""
    text = repr(float(value) + 0.0)  # + 0.0 turns -0.0 into 0.0
    return text[:-2] if text.endswith(".0") else text


def decimal_text(value: Decimal) -> str:
    """A decimal in plain notation without trailing zeros (``"33.33333"``, ``"100"``), never
    ``"-0"``."""
    return _trimmed(format(value, "f"))


def percent_text(fraction: float, places: int | None = None) -> str:
    """A grade fraction as a percentage, without the sign: exactly (0.3333333 is
    ``"33.33333"``, which :func:`fraction_of_percent` reads back as the same fraction), or
    rounded to ``places`` decimals."""
    if places is None:
        return decimal_text(Decimal(repr(fraction)) * 100)
    return _trimmed(f"{fraction * 100:.{places}f}")


def fraction_of_percent(percent: str) -> float:
    """The fraction a percentage (``-?digits[.digits]``) gives, rounded once: ``"33.33333"`` is
    exactly 0.3333333, where dividing the float by 100 would be off in the last bit."""
    sign = "-" if percent[0] == "-" else ""
    whole, _, decimals = percent.lstrip("-").partition(".")
    whole = whole.rjust(3, "0")
    return float(f"{sign}{whole[:-2]}.{whole[-2:]}{decimals}")


def grade_fraction(value: float) -> float:
    """A share of the grade computed from scores, as Moodle stores it: 7 decimals, and never
    negative zero."""
    return round(value, FRACTION_DIGITS) + 0.0


def finite_number(text: str) -> float | None:
    """The finite number ``text`` holds (white space around it allowed), else None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _trimmed(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
