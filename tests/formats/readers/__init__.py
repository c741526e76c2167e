"""The bundled bank exported to every format and opened by other people's readers: pygiftparser
(GIFT), pyslet (QTI 1.2 and 2.1 scoring), the Anki engine, pandas (CSV), lxml (Moodle XML).

Each test module says what its reader checks; ``exports.py`` writes the bank once per format.
"""
