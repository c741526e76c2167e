"""Standard quiz formats in and out: GIFT, Moodle XML, Aiken, QTI 1.2 and 2.1, CSV, Anki.

Each format offers ``read(data: bytes, source: str) -> QuizFile`` and
``write(questions: list[QuizQuestion]) -> tuple[bytes, list[FormatWarning]]`` over the
interchange model of :mod:`pmpath.formats.quiz`; :mod:`pmpath.formats.registry` finds the
format of a file and its module, and :mod:`pmpath.formats.mapping` converts between the model
and pmpath's exam items.

Layout:

* the model and what every format shares: :mod:`.quiz` (questions, answers,
  :class:`~pmpath.formats.quiz.FormatWarning` and the helpers that name a question in one),
  :mod:`.numbers` (how a number, a percentage and a grade fraction are written and read),
  :mod:`.categories` (Moodle's category paths, for GIFT and Moodle XML), :mod:`.xmltext`
  (element lines and characters XML cannot hold, for the XML formats), :mod:`.markdown`
  (pmpath's Markdown as HTML, for QTI and Anki) and :mod:`.safety` (size limits, safe XML
  and zips);
* a module per small format: :mod:`.aiken`, :mod:`.csv`, :mod:`.anki`;
* a package per large format, its public names in its ``__init__`` and one concern per
  private module: :mod:`.gift` (reading a file, reading a block, writing),
  :mod:`.moodle_xml` (reading, writing, one reader and writer per question type, cloze codes,
  file areas), :mod:`.qti12` and :mod:`.qti21` (the package, the document, the item, and a
  module per kind of question or interaction that both reads and writes it).
"""
