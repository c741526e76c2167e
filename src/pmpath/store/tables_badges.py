"""The tables of badges (issue #20), beside :mod:`pmpath.store.tables` on the same metadata."""

from __future__ import annotations

from pmpath.store.tables import Base, UtcDateTime  # noqa: F401
