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
import re
from decimal import Decimal

_EXPONENT = re.compile(r"\d\s*[eE]\s*[+-]?\s*\d")

#: The decimals a grade fraction keeps: Moodle stores 7 (a third is 0.3333333).
FRACTION_DIGITS = 7


def number_text(value: float) -> str:
    """``value`` as a file writes it: the shortest digits that read back as exactly ``value``,
    in plain decimal notation, whole numbers without ``.0`` (``"2"``, ``"0.5"``,
    ``"1000000"``, ``"0.00001"``); negative zero is ``"0"``. Never an exponent: GIFT readers,
    spreadsheets and QTI engines read ``1e+06`` as 1, or not at all."""
    text = repr(float(value) + 0.0)  # + 0.0 turns -0.0 into 0.0
    if "e" in text or "E" in text:
        return decimal_text(Decimal(text))  # the same digits, positioned
    return text[:-2] if text.endswith(".0") else text


def has_exponent(text: str) -> bool:
    """Whether a number is written in exponent notation (``1e+06``), which writers avoid: other
    readers take it for 1, or for no number at all."""
    return bool(_EXPONENT.search(text))


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


def score_texts(fractions: list[float], maximum: float = 100) -> list[str]:
    """Each fraction of the grade as a score out of ``maximum``, for formats whose scorer adds
    up the scores of the right answers (QTI's ``Add``): exact percentages, except that when the
    positive fractions make up the whole grade, the last positive one is written so that adding
    them in order, in binary floating point as engines do, gives exactly ``maximum`` (three
    thirds written as 33.33333333333333 add up to 99.99999999999999, which no engine takes for
    full marks)."""
    scale = Decimal(repr(maximum))
    texts = [decimal_text(Decimal(repr(fraction)) * scale) for fraction in fractions]
    positive = [index for index, fraction in enumerate(fractions) if fraction > 0]
    if not positive or abs(sum(fractions[index] for index in positive) - 1) > 1e-6:
        return texts
    total = 0.0
    for index in positive[:-1]:
        total += float(texts[index])
    last = maximum - total
    while total + last < maximum:
        last = math.nextafter(last, math.inf)
    while total + last > maximum:
        last = math.nextafter(last, -math.inf)
    texts[positive[-1]] = number_text(last)
    return texts


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
