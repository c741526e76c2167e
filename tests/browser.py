"""Debian's chromium for the browser tests: where it is, how to launch it, where screenshots go.

Never a downloaded browser build. CI installs chromium and sets PMPATH_REQUIRE_BROWSER, so
there a missing browser fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("PMPATH_REQUIRE_BROWSER"),
    reason="needs Debian's chromium at /usr/bin/chromium (apt install chromium)",
)
