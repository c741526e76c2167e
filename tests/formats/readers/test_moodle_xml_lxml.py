"""Moodle XML read by lxml as Moodle's importer reads it (qformat_xml): a question element per
question, grades from Moodle's list, numbers in plain decimals, no points for scenario texts."""

from __future__ import annotations

import re

from lxml import etree

from tests.formats.readers import exports

#: The grades Moodle offers for an answer (question/format/xml: the ones its forms allow).
GRADES = {
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30",
    "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0",
}  # fmt: skip


def test_moodle_reads_every_question_with_legal_grades_and_plain_numbers() -> None:
    root = etree.fromstring(exports.export("moodle-xml")[0])
    questions = [q for q in root.iter("question") if q.get("type") != "category"]
    assert len(questions) == len(exports.questions()) == exports.question_count()
    fractions = {
        a.get("fraction", "").lstrip("-") for a in root.iter("answer") if a.get("fraction")
    }
    orderings = {str(n) for n in range(1, 10)}  # qtype_ordering's positions, not grades
    assert fractions - orderings <= GRADES
    numbers = [t.text for q in questions if q.get("type") == "numerical" for t in q.iter("text")]
    assert not [n for n in numbers if n and re.fullmatch(r"[-\d.]+[eE][+-]?\d+", n)]
    descriptions = [q for q in questions if q.get("type") == "description"]
    assert {q.findtext("defaultgrade") for q in descriptions} == {"0"}
