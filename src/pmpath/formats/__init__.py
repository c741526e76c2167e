"""Standard quiz formats in and out: GIFT, Moodle XML, Aiken, QTI 1.2 and 2.1, CSV, Anki.

Each format module offers ``read(data: bytes, source: str) -> QuizFile`` and
``write(questions: list[QuizQuestion]) -> tuple[bytes, list[Warning]]`` over the interchange
model of :mod:`pmpath.formats.quiz`.
"""
