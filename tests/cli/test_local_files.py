"""Files named on the command line: devices, pipes, huge files and YAML alias bombs are
refused with a clear error instead of a hang (issue #13)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pmpath.errors import FormatError
from pmpath.localfiles import read_local_file
from tests.conftest import bundled_bank_size

Run = Callable[..., Any]

BOMB = """background: engineering
ratings:
  a: &a [x, x, x, x, x, x, x, x, x]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_a_yaml_alias_bomb_is_refused_at_once(pmpath: Run, tmp_path: Path) -> None:
    answers = tmp_path / "bomb.yaml"
    answers.write_text(BOMB, encoding="utf-8")
    began = time.perf_counter()
    out = pmpath("assess", "--answers", str(answers))
    assert time.perf_counter() - began < 5
    assert out.exit_code == 2
    assert f"{answers}:3" in out.stderr  # the anchor an alias reuses
    assert "YAML alias" in out.stderr


def test_a_device_is_not_read(pmpath: Run) -> None:
    began = time.perf_counter()
    out = pmpath("import", "/dev/zero", "--format", "gift")
    assert time.perf_counter() - began < 5
    assert out.exit_code == 2
    assert "/dev/zero: is not a regular file" in out.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_named_pipe_is_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.gift"
    os.mkfifo(pipe)
    with pytest.raises(FormatError, match="not a regular file"):
        read_local_file(pipe, FormatError)


def test_a_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.gift"
    big.write_bytes(b"x" * 2049)
    with pytest.raises(FormatError, match="larger than 2,048 bytes"):
        read_local_file(big, FormatError, limit=2048)
    assert read_local_file(big, FormatError, limit=4096) == b"x" * 2049


def test_a_bank_folder_still_opens_from_the_command_line(pmpath: Run) -> None:
    bank = Path(__file__).resolve().parents[2] / "src" / "pmpath" / "content" / "banks" / "pm-core"
    out = pmpath("bank", "lint", str(bank))
    assert out.exit_code == 0, out.stderr
    assert f"{bundled_bank_size()[0]} items" in out.stdout
