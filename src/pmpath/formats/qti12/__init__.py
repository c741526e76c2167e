"""QTI 1.2 as Canvas exports and imports it: ``questestinterop`` files and zip packages.

:func:`read` takes one QTI 1.2 XML file or a zip package (an ``imsmanifest.xml`` listing the
assessment files, each quiz in a folder named by its identifier with its Canvas
``assessment_meta.xml`` beside it). :func:`write` always produces such a package. Canvas's
``qtimetadata`` fields say which kind of question an item is; items without them are read
from their structure. What the interchange model cannot hold is kept under
``extra["qti12"]`` so that a file read and written again comes back the same, and every rule
that changes meaning is reported as a :class:`~pmpath.formats.quiz.FormatWarning`. The mapping
rules are in docs/formats.md (section "QTI 1.2 (Canvas)").

* :mod:`._reading`, :mod:`._package` and :mod:`._documents`: a package or a document, its
  quizzes, banks and question groups;
* :mod:`._item_reading` and :mod:`._item_writing`: what every item has (metadata, texts,
  feedback, files, response processing);
* :mod:`._choice`, :mod:`._short_answer`, :mod:`._numerical`, :mod:`._matching`,
  :mod:`._blanks`: each kind of question, both ways; :mod:`._gaps`: gaps questions as
  multiple dropdowns, both ways;
* :mod:`._responses`: response elements and the conditions that score them;
* :mod:`._metadata`: ``qtimetadata`` fields and elements kept verbatim;
* :mod:`._canvas`: Canvas's names and the rules every part shares;
* :mod:`._writing`: questions grouped back into quizzes, each written as one document.
"""

from pmpath.formats.qti12._reading import read
from pmpath.formats.qti12._writing import write

__all__ = ["read", "write"]
