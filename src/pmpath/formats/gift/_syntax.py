"""GIFT's syntax, as both the reader and the writer know it: format tags, weights, numbers,
white space and the blank a missing-word question leaves in its text."""

from __future__ import annotations

import re

from pmpath.formats.quiz import TextFormat

#: What a mid-sentence answer block ("missing word") leaves in the question text.
BLANK = "_____"

WS = " \t\n\r\0\x0b"  # what PHP's trim() strips, which Moodle's importer applies everywhere
FORMAT_TAGS = {
    "[moodle]": TextFormat.MOODLE,
    "[html]": TextFormat.HTML,
    "[plain]": TextFormat.PLAIN,
    "[markdown]": TextFormat.MARKDOWN,
}
TAG_OF_FORMAT = {fmt: tag for tag, fmt in FORMAT_TAGS.items()}
WEIGHT = re.compile(r"%(-?\d+(?:\.\d*)?)%")
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
