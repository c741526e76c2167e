"""Messages for an id nobody knows, with a "did you mean" for a near miss."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def unknown(kind: str, given: str, known: Iterable[str]) -> str:
    """ "unknown role 'senoir-product-manager'; did you mean 'senior-product-manager'?", or
    the known ids when nothing is close."""
    choices = list(known)
    close = difflib.get_close_matches(given, choices, n=1, cutoff=0.75)
    if close:
        return f"unknown {kind} {given!r}; did you mean {close[0]!r}?"
    return f"unknown {kind} {given!r}; known: {', '.join(choices) or 'none'}"
