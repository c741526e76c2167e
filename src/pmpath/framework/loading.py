"""Reading a framework file: YAML → shape check (pydantic) → meaning check (rules).

Every problem found is reported with the file, the line YAML gives for it and the
field path, and all problems are reported at once so an author can fix a file in
one pass. A file with any problem raises :class:`FrameworkError`; nothing half-read
ever leaves this module.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pmpath.errors import FrameworkError
from pmpath.framework.model import Framework
from pmpath.framework.rules import check_framework
from pmpath.yamldoc import YamlDocument

BUNDLED_FRAMEWORK_ID = "product-management"


def bundled_framework_path(framework_id: str = BUNDLED_FRAMEWORK_ID) -> Path:
    """The path of a framework shipped inside the package."""
    root = resources.files("pmpath") / "content" / "frameworks" / f"{framework_id}.yaml"
    return Path(str(root))


def load_framework(path: Path | str) -> Framework:
    """Read, check and return the framework in ``path``, or raise :class:`FrameworkError`."""
    return _checked(YamlDocument.read(path, FrameworkError))


def parse_framework(text: str, source: str = "<framework>") -> Framework:
    """Check and return the framework in the YAML ``text``; ``source`` names it in errors."""
    return _checked(YamlDocument(text, source, FrameworkError))


def _checked(document: YamlDocument) -> Framework:
    framework = document.validate(Framework, "a framework file")
    findings = check_framework(framework)
    if findings:
        raise FrameworkError([document.problem(path, message) for path, message in findings])
    return framework
