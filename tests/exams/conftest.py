from __future__ import annotations

import re

import pytest

from pmpath.framework import Framework, bundled_framework_path, load_framework
from tests.conftest import DOCS


def example_bank_text() -> str:
    """The complete file of docs/bank-format.md, section 5."""
    page = (DOCS / "bank-format.md").read_text(encoding="utf-8")
    section = page.split("## 5. A complete file", 1)[1]
    match = re.search(r"```markdown\n(.*?)```\n", section, re.DOTALL)
    assert match, "docs/bank-format.md lost its example file"
    return match.group(1)


@pytest.fixture(scope="session")
def fw() -> Framework:
    return load_framework(bundled_framework_path())


@pytest.fixture
def bank_text() -> str:
    return example_bank_text()
