"""When the outbox tries a statement again: exponential backoff with jitter, capped.

The first retry comes after about 30 seconds, each next one after twice as long, never more
than an hour; the delay is drawn between half and all of that ("equal jitter"), so app
processes that found the LRS down at the same moment do not all come back at the same moment.
"""

from __future__ import annotations

import random
from datetime import timedelta

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)


def retry_delay(tries: int, rng: random.Random | None = None) -> timedelta:
    """How long to wait after the ``tries``-th failed try (1 for the first) before the next."""
    if tries < 1:
        raise ValueError(f"tries counts from 1, not {tries}")
    # 2**tries grows without bound; past the cap every delay is the cap.
    doublings = min(tries - 1, 20)
    ceiling: timedelta = min(LONGEST_WAIT, FIRST_RETRY * (1 << doublings))
    share: float = (rng or random).uniform(0.5, 1.0)
    return ceiling * share
