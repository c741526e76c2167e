"""Fixtures of the xAPI tests: a Ralph LRS for the whole session (each test tells its own
statements apart by its own site address), and a pmpath on a database with that site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.interop.xapi.ralph import Ralph, require_ralph


@pytest.fixture(scope="session")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ralph]:
    """One Ralph for the session (starting one takes seconds)."""
    python = require_ralph()
    lrs = Ralph(python, tmp_path_factory.mktemp("ralph"))
    lrs.start()
    yield lrs
    lrs.stop()


@pytest.fixture
def own_ralph(tmp_path: Path) -> Iterator[Ralph]:
    """A Ralph of the test's own, to stop and start again."""
    lrs = Ralph(require_ralph(), tmp_path / "ralph")
    lrs.start()
    yield lrs
    lrs.stop()
