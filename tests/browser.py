"""Debian's chromium for the browser tests: where it is, how to launch it, where screenshots go.

Never a downloaded browser build. CI installs chromium and sets PMPATH_REQUIRE_BROWSER, so
there a missing browser fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pmpath.app import Pmpath

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


@contextmanager
def serve(context: Pmpath) -> Iterator[str]:
    """The app over ``context`` served by uvicorn on a free local port, for a real browser;
    yields its base URL and stops the server (and the context's database) afterwards."""
    import uvicorn

    from pmpath.web.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(
        create_app(pmpath=context), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        context.database.dispose()
