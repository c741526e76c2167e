"""CSV: one question per row, for spreadsheets, read and written.

The first row names the columns (any order, any case). Full rows use the documented columns
(``type``, ``text``, ``answers`` as JSON, ...) and round-trip every interchange question
except cloze questions and attachments. Hand-written rows may use the shorthand columns
``option_a`` ... ``option_z`` and ``correct`` instead of ``answers``. Commas or semicolons
separate the cells (read from the header row); a UTF-8 byte order mark is accepted and
written, so spreadsheets open the file as UTF-8. Every bad cell is reported with its line
and column, and a file with any bad cell is refused as a whole. Columns and rules are in
docs/formats.md (section "CSV").
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from pmpath.errors import FieldPath, FormatError, Location, Problem
from pmpath.formats.numbers import number_text
from pmpath.formats.quiz import (
    ANSWERED_TYPES,
    Answer,
    FormatWarning,
    MatchPair,
    QType,
    QuizFile,
    QuizQuestion,
    Text,
    TextFormat,
    Warn,
    leave_out,
    left_out_gaps,
    quiz_file,
    warner,
)
from pmpath.formats.safety import MAX_FILE_BYTES, decode_text

#: The columns the writer writes, in this order; the reader accepts them in any order.
COLUMNS = (
    "type",
    "name",
    "category",
    "text",
    "text_format",
    "answers",
    "pairs",
    "order",
    "general_feedback",
    "general_feedback_format",
    "hints",
    "tags",
    "id_number",
    "single",
    "default_grade",
    "penalty",
    "shuffle",
    "extra",
)
OPTION_COLUMN = re.compile(r"^option_(?P<letter>[a-z])$")
CORRECT = "correct"
TAG_SEPARATOR = "|"
ANSWER_KEYS = ("text", "format", "fraction", "feedback", "feedback_format", "value", "tolerance")
PAIR_KEYS = ("left", "left_format", "right", "feedback", "feedback_format")
TEXT_KEYS = ("text", "format")
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
#: Cells a spreadsheet would run as a formula; written with a leading apostrophe, which the
#: reader removes again (so a cell that really starts with apostrophes keeps them).
FORMULA_WRITTEN = re.compile(r"^'*[=+\-@\t\r]")
FORMULA_READ = re.compile(r"^'+[=+\-@\t\r]")
SEPARATORS = re.compile(r"[\s,;|/]+")
_NAMES = {",": "comma", ";": "semicolon"}
#: The column of a header name that is not ours (reported once, at the header).
IGNORED = ""


class _CellError(Exception):
    """A bad cell: the message and where in the cell (list index, key), below the column."""

    def __init__(self, message: str, path: FieldPath = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


# -- reading ----------------------------------------------------------------------------------


def read(data: bytes, source: str) -> QuizFile:
    """Every row of a CSV file as a question; :class:`FormatError` lists every bad cell."""
    text = decode_text(data, source)
    # Python's default cap of 128 KiB per cell refuses HTML with embedded images; the file is
    # already capped at MAX_FILE_BYTES, so a cell may be as long as the file. Only ever raised.
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
    delimiter = _delimiter(text)
    rows = _rows(text, delimiter, source)
    if not rows:
        return quiz_file([], [], source)
    header_line, header = rows[0]
    columns, warnings = _header(header, header_line, source)
    questions: list[QuizQuestion] = []
    problems: list[Problem] = []
    for line, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            extra_cells = [cell for cell in cells[len(columns) :] if cell.strip()]
            if extra_cells:
                problems.append(
                    Problem(
                        f"the row has {len(cells)} cells but the header names "
                        f"{len(columns)} columns (a {_NAMES[delimiter]} inside a text needs "
                        "the cell in double quotes)",
                        Location(file=source, line=line),
                    )
                )
                continue
        values: dict[str, str] = {}
        for index, name in enumerate(columns):
            cell = cells[index] if index < len(cells) else ""
            if name == IGNORED:
                continue
            if name is None:
                if cell.strip():
                    warnings.append(
                        FormatWarning(
                            f"cell {index + 1} has no column name in the header: ignored",
                            Location(file=source, line=line),
                        )
                    )
                continue
            values[name] = _unescape(cell)
        row = _Row(values, Location(file=source, line=line), problems, warnings)
        question = row.question()
        if question is not None:
            questions.append(question)
    if problems:
        raise FormatError(problems)
    return quiz_file(questions, warnings, source)


def _delimiter(text: str) -> str:
    """Comma or semicolon: whichever splits the header row into more known column names."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    scores: dict[str, int] = {}
    for delimiter in ",;":
        try:
            cells = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:
            cells = []
        scores[delimiter] = sum(1 for cell in cells if _known(cell.strip().lower()))
    return ";" if scores[";"] > scores[","] else ","


def _known(column: str) -> bool:
    return column in COLUMNS or column == CORRECT or bool(OPTION_COLUMN.match(column))


def _rows(text: str, delimiter: str, source: str) -> list[tuple[int, list[str]]]:
    """The rows of the file, each with the line it starts on."""
    # strict: an unclosed quote or text after a closing quote is an error, not silently mended
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FormatError(
                f"not valid CSV: {exc} (a cell that starts with a double quote must end with "
                "one, and a double quote inside it is written twice)",
                Location(file=source, line=start),
            ) from None
        if rows or any(cell.strip() for cell in cells):
            rows.append((start, cells))
    return rows


def _header(
    cells: list[str], line: int, source: str
) -> tuple[list[str | None], list[FormatWarning]]:
    columns: list[str | None] = []
    warnings: list[FormatWarning] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for cell in cells:
        name = cell.strip().lower()
        if not name:
            columns.append(None)
            continue
        if name in seen:
            problems.append(
                Problem(f"the column {name!r} appears twice", Location(file=source, line=line))
            )
        seen.add(name)
        if not _known(name):
            warnings.append(
                FormatWarning(
                    f"{name!r} is not a pmpath CSV column: its cells are ignored",
                    Location(file=source, line=line),
                )
            )
            columns.append(IGNORED)
            continue
        columns.append(name)
    if "text" not in seen:
        problems.append(
            Problem(
                "the first row must name the columns, and one of them must be 'text' "
                f"(columns: {', '.join(COLUMNS)}, option_a ... option_z, correct)",
                Location(file=source, line=line),
            )
        )
    if problems:
        raise FormatError(problems)
    return columns, warnings


def _unescape(cell: str) -> str:
    return cell[1:] if FORMULA_READ.match(cell) else cell


class _Row:
    """One data row being read into a question; bad cells become problems, not exceptions."""

    def __init__(
        self,
        values: dict[str, str],
        location: Location,
        problems: list[Problem],
        warnings: list[FormatWarning],
    ) -> None:
        self.values = values
        self.location = location
        self.problems = problems
        self.warnings = warnings
        self.bad = False
        self.label: str | None = values.get("name") or None

    def cell(self, column: str) -> str:
        return self.values.get(column, "")

    def parse(self, column: str, parser: Callable[[str], Any], default: Any = None) -> Any:
        """``parser(cell)``; a bad cell is recorded with its line and column, giving ``default``."""
        try:
            return parser(self.cell(column))
        except _CellError as bad:
            self.problem(bad.message, (column, *bad.path))
            return default

    def problem(self, message: str, path: FieldPath) -> None:
        self.bad = True
        self.problems.append(
            Problem(
                message, Location(file=self.location.file, line=self.location.line, field_path=path)
            )
        )

    def warn(self, message: str) -> None:
        self.warnings.append(FormatWarning(message, self.location, self.label))

    def question(self) -> QuizQuestion | None:
        kind: QType = self.parse("type", _type, QType.MULTICHOICE)
        text_format: TextFormat = self.parse("text_format", _format, TextFormat.MOODLE)
        text = self.cell("text")
        if text == "":
            self.problem("the question text is empty", ("text",))
        feedback_format: TextFormat = self.parse(
            "general_feedback_format", lambda cell: _format(cell, text_format), text_format
        )
        answers: list[Answer] = self.parse(
            "answers", lambda cell: _json_cell(cell, [], _answers, text_format), []
        )
        pairs: list[MatchPair] = self.parse(
            "pairs", lambda cell: _json_cell(cell, [], _pairs, text_format), []
        )
        order: list[Text] = self.parse(
            "order", lambda cell: _json_cell(cell, [], _texts, text_format), []
        )
        hints: list[Text] = self.parse(
            "hints", lambda cell: _json_cell(cell, [], _texts, text_format), []
        )
        extra: dict[str, Any] = self.parse("extra", lambda cell: _json_cell(cell, {}, _extra), {})
        single: bool | None = self.parse("single", _boolean)
        shorthand = self._shorthand(kind, text_format, single)
        if shorthand is not None:
            if self.cell("answers").strip():
                self.problem(
                    "give the answers either in 'answers' or in option_a ... and 'correct', "
                    "not both",
                    ("answers",),
                )
            answers, derived = shorthand
            if single is None:
                single = derived
        if single is None:
            single = kind is not QType.MULTICHOICE or sum(a.fraction > 0 for a in answers) <= 1
        general_feedback = self.cell("general_feedback")
        question = QuizQuestion(
            type=kind,
            text=Text(text, text_format),
            name=self.cell("name") or None,
            answers=answers,
            single=single,
            pairs=pairs,
            order=order,
            general_feedback=Text(general_feedback, feedback_format) if general_feedback else None,
            hints=hints,
            tags=[tag.strip() for tag in self.cell("tags").split(TAG_SEPARATOR) if tag.strip()],
            category=self.cell("category") or None,
            id_number=self.cell("id_number") or None,
            default_grade=self.parse("default_grade", lambda c: _cell_number(c, 1.0), 1.0),
            penalty=self.parse("penalty", lambda c: _cell_number(c, None)),
            shuffle=self.parse("shuffle", _boolean),
            extra=extra,
            source=self.location,
        )
        if self.bad:
            return None
        self._check(question)
        return question

    def _shorthand(
        self, kind: QType, text_format: TextFormat, single: bool | None
    ) -> tuple[list[Answer], bool] | None:
        """Answers from option_a ... and ``correct``, and whether one answer is right."""
        options = sorted(
            (match["letter"], value)
            for column, value in self.values.items()
            if (match := OPTION_COLUMN.match(column)) and value.strip()
        )
        correct = self.cell(CORRECT).strip()
        if not options and not correct:
            return None
        if options and kind is not QType.MULTICHOICE:
            self.problem(
                f"option columns are for multichoice questions; a {kind.value} question "
                "takes its answer in 'correct' alone"
                if kind in ANSWERED_TYPES
                else f"option columns are for multichoice questions, not {kind.value}",
                (f"option_{options[0][0]}",),
            )
            return None
        if kind not in ANSWERED_TYPES:
            self.problem(f"{kind.value} questions take no 'correct' answer", (CORRECT,))
            return None
        if not correct:
            self.problem("name the right option's letter (for example B, or A,C)", (CORRECT,))
            return None
        try:
            if kind is QType.MULTICHOICE:
                return _choices(options, correct, text_format, single)
            if kind is QType.TRUEFALSE:
                truth = _boolean(correct)
                return [
                    Answer(Text("True", text_format), 1.0 if truth else 0.0),
                    Answer(Text("False", text_format), 0.0 if truth else 1.0),
                ], True
            if kind is QType.SHORTANSWER:
                accepted = [part.strip() for part in correct.split(TAG_SEPARATOR)]
                return [Answer(Text(a, text_format), 1.0) for a in accepted if a], True
            return [_numeric(correct, text_format)], True
        except _CellError as bad:
            self.problem(bad.message, (CORRECT, *bad.path))
            return None

    def _check(self, question: QuizQuestion) -> None:
        kind = question.type
        if kind in ANSWERED_TYPES and not question.answers:
            self.warn(f"a {kind.value} question without answers")
        elif kind in ANSWERED_TYPES and not question.right_answers:
            self.warn("no answer earns credit")
        if kind is QType.MATCHING and not question.pairs:
            self.warn("a matching question without pairs")
        if kind is QType.ORDERING and not question.order:
            self.warn("an ordering question without items")


def _type(cell: str) -> QType:
    value = cell.strip().lower()
    if not value:
        return QType.MULTICHOICE
    if value == QType.CLOZE.value:
        raise _CellError("cloze questions cannot be held in CSV (use Moodle XML for them)")
    if value == QType.GAPS.value:
        raise _CellError("a text with gaps to fill cannot be held in CSV")
    try:
        return QType(value)
    except ValueError:
        held = (kind for kind in QType if kind not in (QType.CLOZE, QType.GAPS))
        kinds = ", ".join(kind.value for kind in held)
        raise _CellError(f"unknown question type {value!r} (types: {kinds})") from None


def _format(cell: str, default: TextFormat = TextFormat.MOODLE) -> TextFormat:
    value = cell.strip().lower()
    if not value:
        return default
    try:
        return TextFormat(value)
    except ValueError:
        formats = ", ".join(f.value for f in TextFormat)
        raise _CellError(f"unknown text format {value!r} (formats: {formats})") from None


def _boolean(cell: str) -> bool | None:
    value = cell.strip().lower()
    if not value:
        return None
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise _CellError(f"{cell.strip()!r} is not true or false")


def _cell_number(cell: str, default: float | None) -> float | None:
    value = cell.strip()
    if not value:
        return default
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")  # a decimal comma, as semicolon-separated files have
    try:
        number = float(value)
    except ValueError:
        raise _CellError(f"{cell.strip()!r} is not a number") from None
    if not math.isfinite(number):
        raise _CellError(f"{cell.strip()!r} is not a finite number")
    return number


def _json_cell(cell: str, empty: Any, convert: Callable[..., Any], *args: Any) -> Any:
    if not cell.strip():
        return empty
    try:
        value = json.loads(cell)
    except json.JSONDecodeError as exc:
        raise _CellError(f"not valid JSON: {exc.msg} at character {exc.pos + 1}") from None
    except RecursionError:
        raise _CellError("not valid JSON: nested too deeply") from None
    return convert(value, *args)


def _answers(value: Any, default: TextFormat) -> list[Answer]:
    answers: list[Answer] = []
    example = '[{"text": "Yes", "fraction": 1}]'
    for index, item in _objects(value, ANSWER_KEYS, ("answers", "an answer"), example):
        text_format = _json_format(item, "format", default, index)
        feedback = _json_string(item, "feedback", index, required=False)
        answers.append(
            Answer(
                Text(_json_string(item, "text", index) or "", text_format),
                _json_number(item, "fraction", index, 0.0, bound=1.0) or 0.0,
                _json_feedback(item, index, feedback, text_format),
                _json_number(item, "value", index, None),
                _json_number(item, "tolerance", index, None),
            )
        )
    return answers


def _pairs(value: Any, default: TextFormat) -> list[MatchPair]:
    pairs: list[MatchPair] = []
    example = '[{"left": "MVP", "right": "Learning"}]'
    for index, item in _objects(value, PAIR_KEYS, ("pairs", "a pair"), example):
        left_format = _json_format(item, "left_format", default, index)
        feedback = _json_string(item, "feedback", index, required=False)
        pairs.append(
            MatchPair(
                Text(_json_string(item, "left", index) or "", left_format),
                _json_string(item, "right", index) or "",
                _json_feedback(item, index, feedback, left_format),
            )
        )
    return pairs


def _objects(
    value: Any, keys: tuple[str, ...], what: tuple[str, str], example: str
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The objects of a JSON list cell, with their index, each checked (when its turn comes)
    to hold only ``keys``; ``what``: the list's items and one of them, as errors name them."""
    if not isinstance(value, list):
        raise _CellError(f"must be a JSON list of {what[0]}, like {example}")
    for index, item in enumerate(value):
        yield index, _object(item, keys, index, what[1])


def _json_feedback(
    item: dict[str, Any], index: int, feedback: str | None, text_format: TextFormat
) -> Text | None:
    """An answer's or a pair's feedback, in the format of its text unless it names another."""
    if feedback is None:
        return None
    return Text(feedback, _json_format(item, "feedback_format", text_format, index))


def _texts(value: Any, default: TextFormat) -> list[Text]:
    if not isinstance(value, list):
        raise _CellError('must be a JSON list of texts, like ["First", "Second"]')
    texts: list[Text] = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            texts.append(Text(item, default))
            continue
        item = _object(item, TEXT_KEYS, index, 'a text or {"text": ..., "format": ...}')
        texts.append(
            Text(
                _json_string(item, "text", index) or "",
                _json_format(item, "format", default, index),
            )
        )
    return texts


def _extra(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _CellError("must be a JSON object")
    return value


def _object(item: Any, keys: tuple[str, ...], index: int, what: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _CellError(f"must be {what} (a JSON object)", (index,))
    for key in item:
        if key not in keys:
            raise _CellError(f"unknown key {key!r} (keys: {', '.join(keys)})", (index, key))
    return item


def _json_string(item: dict[str, Any], key: str, index: int, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None:
        if required:
            raise _CellError(f"{key!r} is missing", (index,))
        return None
    if not isinstance(value, str):
        raise _CellError("must be a string", (index, key))
    return value


def _json_number(
    item: dict[str, Any], key: str, index: int, default: float | None, bound: float | None = None
) -> float | None:
    value = item.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _CellError("must be a finite number", (index, key))
    if bound is not None and abs(value) > bound:
        limit = number_text(bound)
        raise _CellError(f"must be between -{limit} and {limit} (1 is 100 %)", (index, key))
    return float(value)


def _json_format(item: dict[str, Any], key: str, default: TextFormat, index: int) -> TextFormat:
    value = item.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise _CellError("must be a string", (index, key))
    try:
        return _format(value, default)
    except _CellError as bad:
        raise _CellError(bad.message, (index, key)) from None


def _choices(
    options: list[tuple[str, str]], correct: str, text_format: TextFormat, single: bool | None
) -> tuple[list[Answer], bool]:
    letters = [part for part in SEPARATORS.split(correct.lower()) if part]
    if len(letters) == 1 and len(letters[0]) > 1 and letters[0].isalpha():
        letters = list(letters[0])  # "AC"
    filled = [letter for letter, _value in options]
    for letter in letters:
        if len(letter) != 1 or not letter.isalpha():
            raise _CellError(f"{correct!r} must be option letters, like B or A,C")
        if letter not in filled:
            raise _CellError(f"names {letter.upper()}, but option_{letter} is empty")
    right = set(letters)
    is_single = len(right) == 1 if single is None else single
    wrong = len(options) - len(right)
    answers: list[Answer] = []
    for letter, value in options:
        if is_single:
            fraction = 1.0 if letter in right else 0.0
        else:
            # Moodle's convention for "select all that apply": keys share the grade, wrong
            # picks cost as much.
            fraction = 1.0 / len(right) if letter in right else -1.0 / wrong
        answers.append(Answer(Text(value, text_format), fraction))
    return answers, is_single


def _numeric(correct: str, text_format: TextFormat) -> Answer:
    value_text, _, tolerance_text = correct.replace("±", ":").partition(":")
    try:
        value = _cell_number(value_text, None)
        tolerance = _cell_number(tolerance_text, 0.0)
    except _CellError:
        raise _CellError(
            f"{correct!r} is not a number, or a number and its tolerance like 42:0.5"
        ) from None
    if value is None or tolerance is None:
        raise _CellError("give the number, like 42 or 42:0.5 (42 give or take 0.5)")
    return Answer(Text(value_text.strip(), text_format), 1.0, None, value, abs(tolerance))


# -- writing ----------------------------------------------------------------------------------


def write(questions: list[QuizQuestion]) -> tuple[bytes, list[FormatWarning]]:
    """The CSV file of ``questions`` (UTF-8 with a byte order mark, comma-separated)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    warnings: list[FormatWarning] = []
    for number, question in enumerate(questions, start=1):
        warn = warner(warnings, question, number)
        first = len(warnings)
        if question.type is QType.CLOZE:
            warn("cloze questions cannot be held in CSV (use Moodle XML for them): skipped")
            leave_out(warnings, first, question, number)
            continue
        if left_out_gaps(warnings, question, number, "CSV"):
            continue
        if not question.text.text:
            warn("the question has no text, which a CSV row needs: skipped")
            leave_out(warnings, first, question, number)
            continue
        writer.writerow([_escape(cell) for cell in _row(question, warn)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), warnings


def _row(question: QuizQuestion, warn: Warn) -> list[str]:
    text_format = question.text.format
    if question.attachments:
        names = ", ".join(attachment.name for attachment in question.attachments)
        warn(f"attachments cannot be held in CSV and are not kept: {names}")
    if question.blanks:
        warn("cloze sub-questions cannot be held in CSV and are not kept")
    feedback = question.general_feedback
    if feedback is not None and not feedback.text:
        feedback = None  # an empty general feedback is no general feedback
    cells = {
        "type": question.type.value,
        "name": question.name or "",
        "category": question.category or "",
        "text": question.text.text,
        "text_format": text_format.value,
        "answers": _json([_answer(answer, text_format) for answer in question.answers]),
        "pairs": _json([_pair(pair, text_format) for pair in question.pairs]),
        "order": _json([_text(item, text_format) for item in question.order]),
        "general_feedback": feedback.text if feedback else "",
        "general_feedback_format": (
            feedback.format.value if feedback and feedback.format is not text_format else ""
        ),
        "hints": _json([_text(hint, text_format) for hint in question.hints]),
        "tags": TAG_SEPARATOR.join(_tags(question.tags, warn)),
        "id_number": question.id_number or "",
        "single": (
            ("true" if question.single else "false")
            if question.type is QType.MULTICHOICE or not question.single
            else ""
        ),
        "default_grade": number_text(question.default_grade),
        "penalty": "" if question.penalty is None else number_text(question.penalty),
        "shuffle": "" if question.shuffle is None else ("true" if question.shuffle else "false"),
        "extra": _extra_cell(question.extra, warn),
    }
    return [cells[column] for column in COLUMNS]


def _json(values: list[Any]) -> str:
    return _json_text(values) if values else ""


def _json_text(value: Any) -> str:
    """``value`` as JSON, its numbers in plain decimals (``1000000``, ``0.00001``: a reader
    that parses numbers itself may take ``1e+06`` for 1); ValueError for NaN and infinity,
    TypeError for what JSON cannot hold."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a JSON number")
        return number_text(value) if isinstance(value, float) else str(value)
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(str(key), ensure_ascii=False)}: {_json_text(item)}"
                for key, item in value.items()
            )
            + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_json_text(item) for item in value) + "]"
    raise TypeError(f"{type(value).__name__} is not JSON")


def _text(text: Text, default: TextFormat) -> str | dict[str, str]:
    if text.format is default:
        return text.text
    return {"text": text.text, "format": text.format.value}


def _answer(answer: Answer, default: TextFormat) -> dict[str, Any]:
    value: dict[str, Any] = {"text": answer.text.text}
    if answer.text.format is not default:
        value["format"] = answer.text.format.value
    value["fraction"] = answer.fraction
    _add_feedback(value, answer.feedback, answer.text.format)
    if answer.value is not None:
        value["value"] = answer.value
    if answer.tolerance is not None:
        value["tolerance"] = answer.tolerance
    return value


def _pair(pair: MatchPair, default: TextFormat) -> dict[str, Any]:
    value: dict[str, Any] = {"left": pair.left.text}
    if pair.left.format is not default:
        value["left_format"] = pair.left.format.value
    value["right"] = pair.right
    _add_feedback(value, pair.feedback, pair.left.format)
    return value


def _add_feedback(value: dict[str, Any], feedback: Text | None, text_format: TextFormat) -> None:
    """An answer's or a pair's feedback; its format only where it is not that of the text."""
    if feedback is not None:
        value["feedback"] = feedback.text
        if feedback.format is not text_format:
            value["feedback_format"] = feedback.format.value


def _tags(tags: list[str], warn: Warn) -> list[str]:
    written: list[str] = []
    for tag in tags:
        cleaned = tag.replace(TAG_SEPARATOR, "/").strip()
        if cleaned != tag:
            warn(
                f"the tag {tag!r} is written as {cleaned!r}: '|' separates tags and spaces "
                "around a tag are trimmed"
                if cleaned
                else "an empty tag is left out"
            )
        if cleaned:
            written.append(cleaned)
    return written


def _extra_cell(extra: dict[str, Any], warn: Warn) -> str:
    if not extra:
        return ""
    try:
        return _json_text(extra)
    except (TypeError, ValueError, RecursionError):
        warn(f"extra values that are not JSON are not kept: {', '.join(map(str, extra))}")
        return ""


def _escape(cell: str) -> str:
    return "'" + cell if FORMULA_WRITTEN.match(cell) else cell
