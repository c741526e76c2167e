"""The players in a real pseudo-terminal, 80 columns wide: Ctrl-C in an exam, a placement test
or the self-assessment leaves on a new line that says what is saved and the exact command that
continues it, and the shell gets the usual exit code 130."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from pmpath.framework import bundled_framework_path, load_framework

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the pseudo-terminal")

PMPATH = Path(sys.executable).with_name("pmpath")


needs_pmpath = pytest.mark.skipif(
    not PMPATH.exists(), reason="the pmpath console script is not installed"
)


def spawn(tmp_path: Path, *args: str) -> Any:
    env = {**os.environ, "PMPATH_DATABASE_URL": f"sqlite:///{tmp_path / 'tty.db'}"}
    env.pop("PMPATH_FRAMEWORK", None)
    env.pop("PMPATH_PROFILE", None)
    return pexpect.spawn(
        str(PMPATH), list(args), env=env, dimensions=(24, 80), encoding="utf-8", timeout=30
    )


@needs_pmpath
def test_ctrl_c_says_what_is_saved_and_how_to_resume(tmp_path: Path) -> None:
    child = spawn(tmp_path, "exam", "start", "scrum-master", "--seed", "4")
    child.expect("Question 1 of 30")
    child.expect(r"/finish")
    child.sendline("/flag")
    child.expect("Flagged")
    child.expect("Question 2 of 30")
    child.expect(r"/finish")
    child.sendintr()
    child.expect(r"0 of 30 answers saved\. The exam clock keeps running")
    child.expect(r"Resume with: pmpath resume 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


@needs_pmpath
def test_ctrl_c_in_a_placement_test_says_it_waits(tmp_path: Path) -> None:
    child = spawn(tmp_path, "exam", "placement", "--seed", "1")
    child.expect(r"Question 1 \(at most 48\)")
    child.expect(r"/leave stops\):")
    child.sendintr()
    child.expect(r"\r\nAnswers saved; the test waits for you\. Resume with: pmpath resume 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


@needs_pmpath
def test_ctrl_c_in_the_self_assessment_says_what_is_saved(tmp_path: Path) -> None:
    child = spawn(tmp_path, "assess", "--profile", "kim")
    for prompt, answer in [
        (r"Number \(Enter to skip\):", ""),  # no current role
        (r"Number \(Enter to skip\):", "1"),  # background
        (r"Years of work experience", "5"),
        (r"Numbers, separated by commas", "1"),
        (r"Which describes you best\?", "3"),  # the first competency
        (r"How sure are you\?", ""),
        (r"Evidence", ""),
    ]:
        child.expect(prompt)
        child.sendline(answer)
    child.expect(r"Which describes you best\?")  # the second competency
    child.sendintr()
    competencies = len(load_framework(bundled_framework_path()).competencies)
    child.expect(
        rf"\r\n1 of {competencies} answers saved\. "
        r"Resume with: pmpath resume assessment --profile kim"
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
