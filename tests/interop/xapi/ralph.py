"""Ralph (ralph-malph), a real learning record store, run by the tests as a subprocess.

Ralph pins its own FastAPI and uvicorn, which clash with pmpath's, so it lives in a virtual
environment of its own: ``.venv-ralph`` beside ``.venv``, made by ``python3 dev.py test``, which
also names its python in PMPATH_RALPH_PYTHON. pmpath's environment never imports ralph.

Without it the tests that need it are skipped, saying so; in CI (PMPATH_REQUIRE_RALPH=1) they
fail instead. Ralph stores statements in files (its "fs" backend): no other server is needed.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
RALPH_PYTHON_ENV = "PMPATH_RALPH_PYTHON"
REQUIRE_ENV = "PMPATH_REQUIRE_RALPH"
#: The account pmpath sends with (Ralph's auth file holds its bcrypt hash).
USER, PASSWORD = "pmpath", "ralph-test-secret"
#: ``ralph auth``'s arguments: the user, its scopes and agent, written to the auth file.
AUTH_ARGUMENTS = ("-u", USER, "-p", PASSWORD, "-s", "all", "-M", "mailto:tests@example.org", "-w")
#: How long Ralph may take to start (it imports FastAPI, pydantic models and its backends).
START_TIMEOUT = 60.0


#: Starts Ralph's API the way ``ralph runserver -b fs`` does, less its auto-reloader (a second
#: process to stop). Ralph 5.1.0's "fs" LRS backend writes each POST with the data backend's
#: default operation, "create", which refuses to write to its statements file once it exists:
#: every POST after the first answers 500. Appending is what the LRS backend means to do (it
#: reads every statement back from that one file), so the launcher sets it, in Ralph's process.
LAUNCH = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def ralph_python() -> Path | None:
    """The python of Ralph's virtual environment, if there is one."""
    given = os.environ.get(RALPH_PYTHON_ENV)
    candidates = [Path(given)] if given else []
    candidates.append(ROOT / ".venv-ralph" / ("Scripts" if os.name == "nt" else "bin") / "python")
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return None


def require_ralph() -> Path:
    """Ralph's python; skip the test without it (fail in CI, where it must be there)."""
    python = ralph_python()
    if python is None:
        why = (
            "needs Ralph in .venv-ralph (python3 dev.py test makes it: pip install "
            '"ralph-malph[cli,lrs]==5.1.0" in its own virtual environment)'
        )
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but Ralph is missing: {why}")
        pytest.skip(why)
    return python


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Ralph:
    """One Ralph LRS on ``port`` keeping its statements under ``directory``; it can be stopped
    and started again on the same port and data (the outage tests do)."""

    def __init__(self, python: Path, directory: Path, port: int | None = None) -> None:
        self.python = python
        self.directory = directory
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "data").mkdir(exist_ok=True)
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(directory),
            "RALPH_AUTH_FILE": str(directory / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(directory / "data"),
        }
        if not (directory / "auth.json").exists():
            # Ralph's own command writes the auth file (a bcrypt hash of the password).
            subprocess.run(
                [str(python.parent / "ralph"), "auth", *AUTH_ARGUMENTS],
                env=self.env,
                check=True,
                capture_output=True,
            )

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI"

    def start(self) -> None:
        log = (self.directory / "ralph.log").open("ab")
        self.process = subprocess.Popen(
            [str(self.python), "-c", LAUNCH, str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    "Ralph stopped at start: " + (self.directory / "ralph.log").read_text()[-2000:]
                )
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2
                ) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Ralph did not answer on port {self.port} in {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def _get(self, url: str) -> Any:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(
            url,
            headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
        )
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read())

    def statements(self, **query: str) -> list[dict[str, Any]]:
        """Every statement Ralph holds (matching ``query``), following ``more`` to the end."""
        from urllib.parse import urlencode

        url = f"{self.endpoint}/statements" + (f"?{urlencode(query)}" if query else "")
        found: list[dict[str, Any]] = []
        while url:
            page = self._get(url)
            found.extend(page["statements"])
            more = page.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else ""
        return found

    def validate(self, statements: list[dict[str, Any]]) -> list[str]:
        """Ralph's strict xAPI 1.0.3 model's complaints about each statement ("" when valid),
        run in Ralph's environment."""
        script = (
            "import json, sys\n"
            "from pydantic import ValidationError\n"
            "from ralph.models.xapi.base.statements import BaseXapiStatement\n"
            "out = []\n"
            "for statement in json.load(sys.stdin):\n"
            "    try:\n"
            "        BaseXapiStatement(**statement)\n"
            "        out.append('')\n"
            "    except ValidationError as exc:\n"
            "        out.append(str(exc))\n"
            "print(json.dumps(out))\n"
        )
        done = subprocess.run(
            [str(self.python), "-c", script],
            input=json.dumps(statements).encode(),
            capture_output=True,
            env=self.env,
            check=True,
        )
        result: list[str] = json.loads(done.stdout)
        return result
