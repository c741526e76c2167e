#!/usr/bin/env python3
"""Set up and run pmpath from a fresh clone with nothing but Python 3.11+ and pip.

    python3 dev.py start   # create .venv if needed, install pmpath, serve the web app
    python3 dev.py test    # create .venv if needed, install pmpath[dev], run ruff, mypy and pytest
                           # (and .venv-ralph with Ralph, the LRS of the xAPI tests)

Extra arguments after the command go to the app or to pytest. The virtual environment is
reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _python() -> Path:
    return BIN / ("python.exe" if os.name == "nt" else "python")


def _ensure_venv(extras: str) -> None:
    """Create .venv and install pmpath (editable) with ``extras``, unless already current."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python3 is
        sys.exit(f"pmpath needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    stamp = VENV / f".pmpath-installed-{extras or 'base'}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and _python().exists():
        return
    if not _python().exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extras}]" if extras else "."
    print(f"Installing pmpath{f'[{extras}]' if extras else ''} into it ...", flush=True)
    subprocess.run(
        [
            str(_python()),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--editable",
            target,
        ],
        cwd=ROOT,
        check=True,
    )
    stamp.write_text(wanted)


#: Ralph, the LRS the xAPI tests send statements to (tests/interop/xapi/ralph.py). It pins its
#: own FastAPI and uvicorn, so it gets a virtual environment of its own; 5.1.0 imports requests
#: without declaring it.
RALPH_VENV = ROOT / ".venv-ralph"
RALPH = ("ralph-malph[cli,lrs]==5.1.0", "requests")


def _ensure_ralph() -> Path | None:
    """Create .venv-ralph with Ralph unless already current; its python, or None if pip
    failed (the tests that need Ralph then say so, and fail in CI)."""
    python = RALPH_VENV / BIN.name / _python().name
    stamp = RALPH_VENV / ".pmpath-installed"
    if stamp.exists() and stamp.read_text() == " ".join(RALPH) and python.exists():
        return python
    if not python.exists():
        print(f"Creating a virtual environment for Ralph in {RALPH_VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(RALPH_VENV)
    print("Installing Ralph (the LRS of the xAPI tests) into it ...", flush=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if subprocess.run([*pip, *RALPH], cwd=ROOT).returncode != 0:
        print("Could not install Ralph: the xAPI tests that need it will say so.", flush=True)
        return None
    stamp.write_text(" ".join(RALPH))
    return python


def _run(*command: str) -> int:
    return subprocess.run(command, cwd=ROOT).returncode


def start(args: list[str]) -> int:
    """Serve the web app (``pmpath serve``); extra arguments go to it, e.g. --port 9000."""
    _ensure_venv("")
    return _run(str(BIN / "pmpath"), "serve", *args)


def test(args: list[str]) -> int:
    _ensure_venv("dev")
    for step in (
        [str(BIN / "ruff"), "check", "src", "tests", "benchmarks", "dev.py"],
        [str(BIN / "mypy")],
    ):
        print(
            "$",
            " ".join(Path(step[0]).name if i == 0 else part for i, part in enumerate(step)),
            flush=True,
        )
        code = _run(*step)
        if code != 0:
            return code
    ralph = _ensure_ralph()
    if ralph is not None:
        os.environ["PMPATH_RALPH_PYTHON"] = str(ralph)
    return _run(str(_python()), "-m", "pytest", *args)


def main() -> int:
    commands = {"start": start, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
