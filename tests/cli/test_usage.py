"""One error style and help in words (issue #16): a usage mistake reads like every other error
(`error: …` on stderr, nothing on stdout, exit code 2, no usage block), and help shows
placeholders in words and lists the choices a learner picks from."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

Run = Callable[..., Any]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["role"], "error: missing argument ROLE (see pmpath role -h)"),
        (["rols"], "error: no such command 'rols'; did you mean 'roles', 'role'? (see pmpath -h)"),
        (["practice", "-n", "abc"], "error: --count: must be a whole number"),
        (["practice", "-n", "0"], "error: --count: must be at least 1"),
        (["practice", "--cnt", "3"], "error: no such option --cnt; did you mean --count?"),
        (["exam", "placment"], "error: no such command 'placment'; did you mean 'placement'"),
        (["path", "product-manager"], "error: missing argument TO (see pmpath path -h)"),
    ],
)
def test_a_usage_mistake_is_one_error_line(pmpath: Run, args: list[str], message: str) -> None:
    out = pmpath(*args)
    assert out.exit_code == 2
    assert out.stdout == ""
    assert out.stderr.startswith(message), out.stderr
    assert len(out.stderr.splitlines()) == 1
    assert "Usage:" not in out.stderr
    assert "Error:" not in out.stderr


def _commands(pmpath: Run) -> Iterator[list[str]]:
    """Every command and group, as the arguments that name it."""
    from typer.main import get_command

    from pmpath.cli.app import app

    def walk(command: Any, path: list[str]) -> Iterator[list[str]]:
        yield path
        for name, sub in getattr(command, "commands", {}).items():
            if not sub.hidden:
                yield from walk(sub, [*path, name])

    yield from walk(get_command(app), [])


def test_no_help_shows_a_python_type(pmpath: Run) -> None:
    typed = re.compile(r"<(list\[|int|str|float|path|bool|\w+ range)")
    for path in _commands(pmpath):
        out = pmpath(*path, "--help")
        assert out.exit_code == 0, path
        assert not typed.search(out.stdout), (path, typed.search(out.stdout))


def test_placeholders_are_words(pmpath: Run) -> None:
    practice = pmpath("practice", "--help").stdout
    assert "-n, --count N" in practice
    assert "-d, --domain DOMAIN" in practice
    assert "--database-url URL" in practice
    assert "-p, --profile NAME" in practice
    answer = pmpath("exam", "answer", "--help").stdout
    assert "{NUMBER} {POSITION} {JSON}" in answer.splitlines()[0]
    assert "  NUMBER    " in answer  # the argument's placeholder, with no type after it


def test_practice_help_lists_the_domains_and_levels(pmpath: Run) -> None:
    from pmpath.cli.application import application

    out = pmpath("practice", "--help").stdout
    bank = application().bundled_bank
    lines = out.splitlines()
    for domain in bank.domains:  # one a line, id then name, never wrapped at a hyphen
        assert any(line.split()[:1] == [domain.id] and domain.name in line for line in lines), (
            domain.id
        )
    levels = out.split("Levels (--level):")[1].split()
    assert {"entry", "early-career", "mid-career", "senior", "leadership", "executive"} <= set(
        levels
    )
