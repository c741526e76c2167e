"""The exam player in a real pseudo-terminal, 80 columns wide: Ctrl-C leaves with a line that
says what is saved and how to resume, and the shell gets the usual exit code 130."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the pseudo-terminal")

PMPATH = Path(sys.executable).with_name("pmpath")


@pytest.mark.skipif(not PMPATH.exists(), reason="the pmpath console script is not installed")
def test_ctrl_c_says_what_is_saved_and_how_to_resume(tmp_path: Path) -> None:
    env = {**os.environ, "PMPATH_DATABASE_URL": f"sqlite:///{tmp_path / 'tty.db'}"}
    env.pop("PMPATH_FRAMEWORK", None)
    child = pexpect.spawn(
        str(PMPATH),
        ["exam", "start", "scrum-master", "--seed", "4"],
        env=env,
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=30,
    )
    child.expect("Question 1 of 30")
    child.expect(r"/finish")
    child.sendline("/flag")
    child.expect("Flagged")
    child.expect("Question 2 of 30")
    child.expect(r"/finish")
    child.sendintr()
    child.expect(r"0 of 30 answers saved\. The exam clock keeps running")
    child.expect(r"Resume with: pmpath exam resume 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
