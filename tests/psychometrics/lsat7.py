"""The LSAT7 data set (Bock & Lieberman 1970), built from its published pattern frequencies.

Five items, 1000 persons, 32 response patterns in the order 00000, 00001, ..., 11111 (item 1
is the leftmost digit). Built here so the tests do not depend on a peer package's copy.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FREQUENCIES = (
    12, 19, 1, 7, 3, 19, 3, 17, 10, 5, 3, 7, 7, 23, 8, 28,
    7, 39, 11, 34, 14, 51, 15, 90, 6, 25, 7, 35, 18, 136, 32, 308,
)  # fmt: skip
ITEM_IDS = ("item1", "item2", "item3", "item4", "item5")


def patterns() -> NDArray[np.float64]:
    """The 32 distinct patterns, 00000 first, as a 32 x 5 matrix of 0.0 and 1.0."""
    codes = np.arange(32)
    bits = [(codes >> (4 - item)) & 1 for item in range(5)]
    return np.column_stack(bits).astype(np.float64)


def lsat7() -> NDArray[np.float64]:
    """The 1000 x 5 response matrix, rows in pattern order."""
    return np.repeat(patterns(), FREQUENCIES, axis=0)
