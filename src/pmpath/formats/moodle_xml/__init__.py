"""Moodle XML: Moodle's own question export format, read into and written from the quiz model.

A file is a ``<quiz>`` of ``<question type="...">`` elements. Each question type maps to
:class:`~pmpath.formats.quiz.QType` (docs/formats.md, "Moodle XML", has the full table); the
settings the model has no field for are kept in ``QuizQuestion.extra`` under ``moodle_*`` keys
so that writing Moodle XML again gives them back. What neither the model nor ``extra`` keeps
(units other than the base unit, random questions, ...) is reported as a
:class:`~pmpath.formats.quiz.FormatWarning` with the question's line and name.

Reading goes through :func:`pmpath.formats.safety.parse_xml`, so DTDs and entities (billion
laughs, external entities) are refused; ElementTree keeps no line numbers, so the reader pairs
the n-th start tag of the text (:func:`pmpath.formats.xmltext.start_tag_lines`) with the n-th
element of the parsed tree.

* :mod:`._reading` and :mod:`._writing`: the file, its categories, and the parts every question
  type shares;
* :mod:`._type_reading` and :mod:`._type_writing`: one reader and one writer per question type;
* :mod:`._cloze`: embedded-answer codes, both ways;
* :mod:`._calculated`: calculated questions, read as one question per dataset item;
* :mod:`._random_matching`: random short-answer matching, resolved at import into a matching;
* :mod:`._file_areas`: which text each attachment is written with;
* :mod:`._vocabulary`: Moodle's names, options and grade choices.
"""

from pmpath.formats.moodle_xml._reading import read
from pmpath.formats.moodle_xml._writing import write

__all__ = ["read", "write"]
