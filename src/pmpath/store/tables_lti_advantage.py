"""The tables of LTI Advantage's services (issue #20): line items, scores on their way to the
platform's gradebook, roster imports; beside :mod:`pmpath.store.tables_lti`."""

from __future__ import annotations

from pmpath.store.tables import Base, UtcDateTime  # noqa: F401
