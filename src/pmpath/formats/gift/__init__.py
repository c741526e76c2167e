"""GIFT, Moodle's plain-text quiz format: reading and writing.

A GIFT file is a sequence of blocks separated by blank lines: a question, a ``$CATEGORY:`` line,
or nothing but ``//`` comment lines. Where Moodle's documentation leaves room, pmpath does what
Moodle's own importer (``question/format/gift/format.php``) does; docs/formats.md (the GIFT
section) lists every rule and each place it differs on purpose.

* :mod:`._reading`: the file into blocks, categories and comment markers;
* :mod:`._block_reading`: one block into its question (title, text, answer block);
* :mod:`._writing`: questions into blocks, with a warning for what GIFT cannot say;
* :mod:`._syntax`: what both directions know (format tags, weights, numbers, the blank).
"""

from pmpath.formats.gift._reading import read
from pmpath.formats.gift._syntax import BLANK
from pmpath.formats.gift._writing import write

__all__ = ["BLANK", "read", "write"]
