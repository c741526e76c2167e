"""The career framework: its file format, loading with validation, and the ladder graph."""

from pmpath.framework.ladder import Ladder, LadderDiff, LevelChange
from pmpath.framework.loading import (
    BUNDLED_FRAMEWORK_ID,
    bundled_framework_path,
    load_framework,
    parse_framework,
)
from pmpath.framework.model import Exit, Expectation, Framework, Role, Track

__all__ = [
    "BUNDLED_FRAMEWORK_ID",
    "Exit",
    "Expectation",
    "Framework",
    "Ladder",
    "LadderDiff",
    "LevelChange",
    "Role",
    "Track",
    "bundled_framework_path",
    "load_framework",
    "parse_framework",
]
