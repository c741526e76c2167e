"""The sample report data: what ``pmpath report --json`` prints for a realistic profile.

It was made by ``pmpath report --json`` from a self-assessment on the bundled framework 2.0
(the exam readiness the interfaces add left out), so its competencies and its ladder (every
role and exit) are the real thing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pmpath.framework import Framework, bundled_framework_path, load_framework

SAMPLE = Path(__file__).with_name("sample_report.json")

#: Text that breaks a page if it is not escaped.
HOSTILE = "<script>alert('x')</script> R&D \"quoted\" <b>bold</b>"


#: The framework the sample was made on.
BUNDLED: Framework = load_framework(bundled_framework_path())


def load_sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def sample() -> dict[str, Any]:
    """A fresh copy for every test, so tests may change it."""
    return load_sample()


@pytest.fixture(scope="session")
def sample_html() -> str:
    """The report of the unchanged sample, rendered once for the tests that only read it."""
    from pmpath.reports import render_report

    return render_report(load_sample())
