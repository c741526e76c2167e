"""Each everyday command loads only what it needs (issue #16: start-up time).

Run in a fresh interpreter each, as a user runs them; the assertions name the libraries whose
import alone would cost a command more than its whole budget (benchmarks/cli_startup.py
measures the times themselves).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE_ANSWERS = (
    Path(__file__).resolve().parents[2] / "docs" / "examples" / "engineer-answers.yaml"
)

#: Run a command through the console script's entry point, then list the loaded modules.
PROBE = """
import json, sys
from pmpath.cli.app import main
sys.argv = ["pmpath", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    if exit.code:
        raise
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("startup")
    env = {
        **os.environ,
        "PMPATH_DATABASE_URL": f"sqlite:///{folder / 'startup.db'}",
        "PMPATH_CACHE_DIR": str(folder / "cache"),
    }
    env.pop("PMPATH_FRAMEWORK", None)
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    loaded("assess", "--answers", str(EXAMPLE_ANSWERS), env=env)
    loaded("exam", "list", env=env)  # fills the content cache, as a user's first command does
    return env


def loaded(*arguments: str, env: dict[str, str]) -> set[str]:
    """The top-level packages loaded by running ``pmpath ARGUMENTS``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("arguments", [("roles",), ("role", "product-manager"), ("exam", "list")])
def test_commands_over_bundled_content_open_no_database(
    arguments: tuple[str, ...], environment: dict[str, str]
) -> None:
    modules = loaded(*arguments, env=environment)
    assert not modules & {"sqlalchemy", "alembic", "numpy", "scipy", "yaml", "pydantic_settings"}


@pytest.mark.parametrize("arguments", [("profile",), ("gaps",), ("plan",)])
def test_assessment_commands_load_no_exam_engine_before_any_exam(
    arguments: tuple[str, ...], environment: dict[str, str]
) -> None:
    modules = loaded(*arguments, env=environment)
    assert "sqlalchemy" in modules  # they do read the database
    assert not modules & {"scipy", "fsrs", "alembic"}


def test_readiness_needs_no_scipy(environment: dict[str, str]) -> None:
    modules = loaded("exam", "readiness", env=environment)
    assert "numpy" in modules
    assert "scipy" not in modules


def test_linting_the_bundled_bank_opens_no_database_and_no_scipy(
    environment: dict[str, str],
) -> None:
    modules = loaded("bank", "lint", env=environment)
    assert not modules & {"sqlalchemy", "scipy"}


def test_commands_skip_pydantic_plugin_discovery_but_serve_keeps_it() -> None:
    from pmpath.cli.app import _skip_pydantic_plugins

    saved = os.environ.pop("PYDANTIC_DISABLE_PLUGINS", None)
    try:
        _skip_pydantic_plugins(["serve", "--port", "9000"])
        assert "PYDANTIC_DISABLE_PLUGINS" not in os.environ
        _skip_pydantic_plugins(["roles"])
        assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
        os.environ["PYDANTIC_DISABLE_PLUGINS"] = ""  # the user's own choice is kept
        _skip_pydantic_plugins(["roles"])
        assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == ""
    finally:
        os.environ.pop("PYDANTIC_DISABLE_PLUGINS", None)
        if saved is not None:
            os.environ["PYDANTIC_DISABLE_PLUGINS"] = saved
