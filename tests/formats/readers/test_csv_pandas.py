"""The CSV export read by pandas, as a spreadsheet or a script reads it: one row per question,
every column where the header says, JSON cells that parse, numbers in plain decimals."""

from __future__ import annotations

import io
import json
import re

import pandas as pd

from pmpath.formats import csv as quiz_csv
from pmpath.formats.quiz import Answer, QType, QuizQuestion, Text
from tests.formats.readers import exports


def frame() -> pd.DataFrame:
    data = exports.export("csv")[0]
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_pandas_reads_a_row_per_question_with_the_bank_in_it() -> None:
    rows = frame()
    assert list(rows.columns) == list(quiz_csv.COLUMNS)
    assert len(rows) == len(exports.questions()) == exports.question_count()
    by_name = rows.set_index("name")
    for item in exports.bank().items:
        row = by_name.loc[item.id]
        assert row["text"] == item.stem
        assert row["general_feedback"] == item.explanation
        answers = json.loads(row["answers"]) if row["answers"] else []
        if item.options and row["type"] in ("multichoice", "truefalse"):
            assert [a["text"] for a in answers] == [o.text for o in item.options]
            assert [a["fraction"] > 0 for a in answers] == [o.correct for o in item.options]
        if item.numeric is not None:
            assert answers[0]["value"] == item.numeric.answer
            assert [a["value"] for a in answers[1:]] == [float(m.answer) for m in item.mistakes]


def test_numbers_in_cells_are_plain_decimals() -> None:
    """json.dumps wrote 1e+16 and 1e-07 into the answers cell."""
    question = QuizQuestion(
        QType.NUMERICAL,
        Text("How much?"),
        answers=[Answer(Text("1e16"), 1.0, value=1e16, tolerance=1e-7)],
    )
    data, _ = quiz_csv.write([question])
    cell = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)["answers"][0]
    assert re.search(r'": -?[\d.]+[eE]', cell) is None  # the numbers; the text is as typed
    assert json.loads(cell)[0]["value"] == 1e16
    assert json.loads(cell)[0]["tolerance"] == 1e-7
    agile_046 = frame().set_index("name").loc["agile-046"]["answers"]
    assert '"value": 1000000' in agile_046
