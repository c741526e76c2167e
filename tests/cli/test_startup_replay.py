"""Stored answers of the read commands (issue #16): replayed byte for byte while nothing they
read has changed, and computed afresh as soon as anything has.

Every run here is a fresh ``python -m pmpath``, as a user's command is; a stored answer that
outlived a change would print the old text and fail these tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pmpath.cli import render, replay
from pmpath.framework import bundled_framework_path

EXAMPLE_ANSWERS = (
    Path(__file__).resolve().parents[2] / "docs" / "examples" / "engineer-answers.yaml"
)

READ_COMMANDS = [
    ("roles",),
    ("role", "product-manager"),
    ("exam", "list"),
    ("profile",),
    ("gaps",),
    ("plan",),
    ("exam", "readiness"),
    ("bank", "lint"),
]


def pmpath(*arguments: str, env: dict[str, str], importtime: bool = False) -> tuple[int, str, str]:
    """Run ``pmpath ARGUMENTS`` in a fresh interpreter: (exit code, stdout, stderr)."""
    flags = ["-X", "importtime"] if importtime else []
    done = subprocess.run(
        [sys.executable, *flags, "-m", "pmpath", *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def answers(env: dict[str, str]) -> list[Path]:
    return sorted((Path(env["PMPATH_CACHE_DIR"]) / "answers").glob("*.answer"))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {
        **os.environ,
        "PMPATH_DATABASE_URL": f"sqlite:///{tmp_path / 'replay.db'}",
        "PMPATH_CACHE_DIR": str(tmp_path / "cache"),
        "COLUMNS": "100",
    }
    for name in ("PMPATH_FRAMEWORK", "PMPATH_PROFILE", "NO_COLOR", "FORCE_COLOR"):
        environment.pop(name, None)
    return environment


@pytest.fixture
def assessed(env: dict[str, str]) -> dict[str, str]:
    code, _, error = pmpath("assess", "--answers", str(EXAMPLE_ANSWERS), env=env)
    assert code == 0, error
    return env


@pytest.fixture
def assessed_days_ago(assessed: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """One assessment, dated three days back: "assessed 4 Dec 2026, 10:15 UTC" does not turn
    into "2 minutes ago" between two runs of a test, as "1 minute ago" may."""
    import sqlite3

    with sqlite3.connect(tmp_path / "replay.db") as database:
        database.execute(
            "UPDATE assessments SET started_at = datetime(started_at, '-3 days'), "
            "completed_at = datetime(completed_at, '-3 days')"
        )
    database.close()
    return assessed


@pytest.mark.parametrize("arguments", READ_COMMANDS, ids=" ".join)
def test_a_replayed_answer_is_what_the_command_printed_and_loads_no_library(
    arguments: tuple[str, ...], assessed_days_ago: dict[str, str]
) -> None:
    assessed = assessed_days_ago
    uncached = pmpath(*arguments, env={**assessed, "PMPATH_CACHE_DIR": ""})
    assert uncached[0] == 0, uncached[2]
    first = pmpath(*arguments, env=assessed, importtime=True)
    assert answers(assessed), "the answer was not stored"
    replayed = pmpath(*arguments, env=assessed, importtime=True)
    for run in (first, replayed):
        code, output, error = run
        assert (code, output, without_imports(error)) == uncached
    loaded = {line.rsplit("|", 1)[-1].strip() for line in replayed[2].splitlines()}
    assert "pmpath.cli.replay" in loaded
    assert not loaded & {"typer", "pydantic", "rich", "sqlalchemy", "yaml", "platformdirs"}


def without_imports(error: str) -> str:
    """``error`` without the lines ``python -X importtime`` writes."""
    return "".join(
        line for line in error.splitlines(keepends=True) if not line.startswith("import time:")
    )


def test_an_edited_framework_file_is_read_afresh(env: dict[str, str], tmp_path: Path) -> None:
    framework = tmp_path / "ladder.yaml"
    framework.write_text(bundled_framework_path().read_text(encoding="utf-8"), encoding="utf-8")
    arguments = ("role", "product-manager", "--json", "--framework", str(framework))
    before = json.loads(pmpath(*arguments, env=env)[1])
    assert json.loads(pmpath(*arguments, env=env)[1]) == before

    data = yaml.safe_load(framework.read_text(encoding="utf-8"))
    role = next(r for r in data["roles"] if r["id"] == "product-manager")
    role["summary"] = "Owns one product area end to end, from discovery to results."
    framework.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    after = json.loads(pmpath(*arguments, env=env)[1])
    assert after["summary"] == "Owns one product area end to end, from discovery to results."
    assert after["summary"] != before["summary"]


def test_the_framework_named_by_the_environment_is_watched_too(
    env: dict[str, str], tmp_path: Path
) -> None:
    framework = tmp_path / "ladder.yaml"
    data = yaml.safe_load(bundled_framework_path().read_text(encoding="utf-8"))
    framework.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = {**env, "PMPATH_FRAMEWORK": str(framework)}
    assert "Product Director" not in pmpath("roles", env=env)[1]
    role = next(r for r in data["roles"] if r["id"] == "product-manager")
    role["name"] = "Product Director"
    framework.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert "Product Director" in pmpath("roles", env=env)[1]


def test_a_new_assessment_is_shown_at_once(assessed: dict[str, str]) -> None:
    assert json.loads(pmpath("profile", "--json", env=assessed)[1])["assessment_id"] == 1
    assert json.loads(pmpath("profile", "--json", env=assessed)[1])["assessment_id"] == 1
    code, _, error = pmpath("assess", "--answers", str(EXAMPLE_ANSWERS), env=assessed)
    assert code == 0, error
    assert json.loads(pmpath("profile", "--json", env=assessed)[1])["assessment_id"] == 2


def test_each_terminal_width_gets_its_own_answer(env: dict[str, str]) -> None:
    wide = pmpath("roles", env=env)[1]
    narrow = pmpath("roles", env={**env, "COLUMNS": "60"})[1]
    assert max(len(line) for line in wide.splitlines()) > 60
    assert max(len(line) for line in narrow.splitlines()) <= 60
    assert narrow == pmpath("roles", env={**env, "COLUMNS": "60", "PMPATH_CACHE_DIR": ""})[1]


def in_terminal(columns: int, *arguments: str, env: dict[str, str]) -> bytes:
    """What ``pmpath ARGUMENTS`` shows in a terminal ``columns`` wide, colours and all."""
    import fcntl
    import pty
    import struct
    import termios

    main, side = pty.openpty()
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    child = subprocess.Popen(
        [sys.executable, "-m", "pmpath", *arguments], stdin=side, stdout=side, stderr=side, env=env
    )
    os.close(side)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed with the command
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert child.wait() == 0, shown
    return shown


def test_a_terminal_gets_its_colours_and_its_own_width(env: dict[str, str]) -> None:
    env = {**env, "TERM": "xterm-256color"}
    env.pop("COLUMNS")
    uncached = {
        width: in_terminal(width, "roles", env={**env, "PMPATH_CACHE_DIR": ""})
        for width in (70, 110)
    }
    for width in (110, 70, 110, 70):
        assert in_terminal(width, "roles", env=env) == uncached[width]
    assert b"\x1b[1m" in uncached[70]  # bold: the answer is a terminal's
    assert uncached[70] != uncached[110]
    assert len(answers(env)) == 2


def test_another_environment_gets_its_own_answer(assessed: dict[str, str]) -> None:
    assert pmpath("profile", env=assessed)[0] == 0
    code, output, error = pmpath("profile", env={**assessed, "PMPATH_PROFILE": "someone-else"})
    assert code != 0
    assert output == ""
    assert "someone-else" in error


def test_an_empty_cache_dir_stores_nothing(env: dict[str, str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**env, "PMPATH_CACHE_DIR": "", "HOME": str(home), "XDG_CACHE_HOME": str(home / "c")}
    assert pmpath("roles", env=env)[0] == 0
    assert pmpath("roles", env=env)[0] == 0
    assert not list(tmp_path.rglob("*.answer"))


def test_a_damaged_answer_is_ignored_and_replaced(env: dict[str, str]) -> None:
    expected = pmpath("roles", env=env)
    [stored] = answers(env)
    whole = stored.read_bytes()
    for damage in (b"", b"not an answer", whole[: len(whole) // 2]):
        stored.write_bytes(damage)
        assert pmpath("roles", env=env) == expected
        assert stored.read_bytes() != damage


def tamper(stored: Path, text: str, expiry: float | None) -> None:
    """Put ``text`` in the answer stored in ``stored``, kept until ``expiry``."""
    import marshal

    layout, key, inputs, _, _ = marshal.loads(stored.read_bytes())
    stored.write_bytes(marshal.dumps((layout, key, inputs, expiry, [(0, text)])))


def test_a_stored_answer_is_printed_until_its_words_expire(assessed: dict[str, str]) -> None:
    fresh = pmpath("profile", env=assessed)
    assert " ago" in fresh[1]  # "assessed 1 minute ago": words that change with the clock
    [stored] = answers(assessed)
    tamper(stored, "the stored answer\n", time.time() + 3600)
    assert pmpath("profile", env=assessed) == (0, "the stored answer\n", "")
    tamper(stored, "the stored answer\n", time.time() - 1)
    code, output, _ = pmpath("profile", env=assessed)
    assert code == 0
    assert output.startswith("Profile 'me', assessed ")  # computed afresh, not the stored text


def test_an_answer_that_tells_no_time_never_expires(env: dict[str, str]) -> None:
    import marshal

    pmpath("roles", env=env)
    [stored] = answers(env)
    assert marshal.loads(stored.read_bytes())[3] is None


def test_a_failed_command_is_not_stored(env: dict[str, str]) -> None:
    code, _, error = pmpath("role", "no-such-role", env=env)
    assert code == 2
    assert "no-such-role" in error
    assert answers(env) == []


@pytest.mark.parametrize(
    "arguments",
    [
        ["roles"],
        ["roles", "--json", "--framework", "f.yaml"],
        ["roles", "--framework=f.yaml"],
        ["role", "senior-product-manager", "-f", "f.yaml"],
        ["profile", "-p", "sam", "--target", "senior-product-manager", "--json"],
        ["exam", "readiness", "--database-url", "sqlite:///x.db"],
        ["bank", "lint"],
        ["bank", "lint", "pm-core"],
    ],
)
def test_the_plain_forms_of_read_commands_are_answered_from_the_store(
    arguments: list[str],
) -> None:
    assert replay.read_command(arguments) is not None


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["--debug", "roles"],
        ["roles", "--help"],
        ["role"],
        ["role", "a", "b"],
        ["roles", "extra"],
        ["profile", "--profile"],
        ["profile", "--profile", "--json"],
        ["profile", "-p", "a", "-p", "b"],
        ["profile", "-pme"],
        ["profile", "-p=me"],
        ["assess"],
        ["exam", "start", "pm-foundations"],
        ["report", "-o", "x.html"],
        ["bank", "lint", "my-bank"],
        ["exam", "list", "--target", "x"],
    ],
)
def test_anything_else_runs_as_usual(arguments: list[str]) -> None:
    assert replay.read_command(arguments) is None


def test_an_option_variable_spelt_in_other_case_is_not_answered_from_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("pmpath_framework", "f.yaml")
    assert replay.read_command(["roles"]) is None


def test_the_sqlite_files_of_the_database_are_watched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    inputs = replay.command_inputs((("gaps",), {"--database-url": url}))
    assert inputs is not None
    watched = {where for _, where in inputs}
    assert {str(tmp_path / f"a.db{suffix}") for suffix in ("", "-wal", "-journal")} <= watched
    postgres = {"--database-url": "postgresql+psycopg://u@h/pmpath"}
    assert replay.command_inputs((("gaps",), postgres)) is None


def test_the_bundled_content_is_watched() -> None:
    from pmpath.exams.blueprints import bundled_blueprints_path
    from pmpath.services.banks import bundled_bank_path

    inputs = replay.command_inputs((("exam", "list"), {}))
    assert inputs is not None
    [package] = [where for kind, where in inputs if kind == "tree"]
    tree = replay.fingerprint("tree", package)
    assert isinstance(tree, tuple)
    watched = {entry[0] for entry in tree}
    content = [bundled_framework_path(), *bundled_bank_path().rglob("*.md")]
    content += bundled_blueprints_path().glob("*.yaml")
    assert {str(path) for path in content} <= watched


def test_any_file_of_the_package_changed_is_a_different_tree(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    bank = tmp_path / "content" / "bank.md"
    bank.write_text("one", encoding="utf-8")
    before = replay.fingerprint("tree", str(tmp_path))
    bank.write_text("two", encoding="utf-8")
    assert replay.fingerprint("tree", str(tmp_path)) != before
    changed = replay.fingerprint("tree", str(tmp_path))
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"")
    assert replay.fingerprint("tree", str(tmp_path)) == changed


@pytest.mark.parametrize(
    "variables",
    [
        {"XDG_CACHE_HOME": None, "HOME": "/home/sam"},
        {"XDG_CACHE_HOME": "/var/cache/sam", "HOME": "/home/sam"},
        {"XDG_CACHE_HOME": "relative/cache", "HOME": "/home/sam/"},
        {"XDG_CACHE_HOME": "", "HOME": "/"},
    ],
)
def test_the_cache_folder_is_where_platformdirs_puts_it(
    variables: dict[str, str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformdirs import user_cache_dir

    from pmpath.contentcache import cache_folder

    monkeypatch.delenv("PMPATH_CACHE_DIR", raising=False)
    for name, value in variables.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert cache_folder() == user_cache_dir("pmpath", appauthor=False)


moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
)


@given(at=moments, now=moments, share=st.floats(min_value=0, max_value=0.999))
def test_humane_dates_keep_their_words_as_long_as_stored_answers_say(
    at: datetime, now: datetime, share: float
) -> None:
    lasts = render.words_last(at, now)
    later = now + lasts * share
    assert render.when(at, later) == render.when(at, now)


@given(at=moments, now=moments)
def test_stored_humane_dates_are_kept_a_minute_near_the_moment_and_a_day_at_most(
    at: datetime, now: datetime
) -> None:
    lasts = render.words_last(at, now)
    assert timedelta(0) <= lasts <= timedelta(days=1)
    if abs(now - at) < timedelta(hours=1):
        assert lasts <= timedelta(minutes=1)
