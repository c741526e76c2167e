"""Where a question's attachments go when written: Moodle keeps each file in the file area of
the text it belongs to (the question text, a feedback, an answer, a hint)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from pmpath.formats.moodle_xml._vocabulary import COMBINED, TYPE_ELEMENTS
from pmpath.formats.quiz import ANSWERED_TYPES, Attachment, QType, QuizQuestion, Warn


def place_files(question: QuizQuestion, warn: Warn) -> dict[str, list[Attachment]]:
    """Each attachment in the text it came from, else in the first text that links to it."""
    texts = dict(_texts(question))
    stored = question.extra.get("moodle_file_areas")
    if not (
        isinstance(stored, list)
        and len(stored) == len(question.attachments)
        and all(area in texts for area in stored)
    ):
        stored = [_linking_area(file, texts) for file in question.attachments]
    placed: dict[str, list[Attachment]] = {}
    for file, area in zip(question.attachments, stored, strict=True):
        if not file.name:
            warn("an attachment without a name: not written")
            continue
        placed.setdefault(area, []).append(file)
    return placed


def _texts(question: QuizQuestion) -> Iterator[tuple[str, str]]:
    """(area, text) of every text the writer writes with files, in the order it writes them."""
    yield "questiontext", question.text.text
    yield "generalfeedback", question.general_feedback.text if question.general_feedback else ""
    qtype = question.type
    if qtype in (QType.MULTICHOICE, QType.MATCHING, QType.ORDERING):
        stored = question.extra.get("moodle_combined_feedback")
        for name in COMBINED:
            value = stored.get(name) if isinstance(stored, dict) else None
            yield name, str(value.get("text", "")) if isinstance(value, dict) else ""
    if qtype in ANSWERED_TYPES:
        answers = question.answers[:2] if qtype is QType.TRUEFALSE else question.answers
        for index, answer in enumerate(answers):
            if qtype is QType.MULTICHOICE:
                yield f"answer/{index}", answer.text.text
            yield f"answer/{index}/feedback", answer.feedback.text if answer.feedback else ""
    if qtype is QType.ORDERING:
        for index, item in enumerate(question.order):
            yield f"answer/{index}", item.text
            yield f"answer/{index}/feedback", ""
    if qtype is QType.MATCHING:
        for index, pair in enumerate(question.pairs):
            yield f"subquestion/{index}", pair.left.text
    if qtype is QType.ESSAY:
        stored = question.extra.get("moodle_graderinfo")
        yield "graderinfo", str(stored.get("text", "")) if isinstance(stored, dict) else ""
    if "hint" in TYPE_ELEMENTS[qtype]:
        for index, hint in enumerate(question.hints):
            yield f"hint/{index}", hint.text


def _linking_area(file: Attachment, texts: dict[str, str]) -> str:
    """The first text that links to ``file`` through ``@@PLUGINFILE@@``, else the question text."""
    path = file.path if file.path.endswith("/") else file.path + "/"
    links = {f"@@PLUGINFILE@@{path}{file.name}", f"@@PLUGINFILE@@{quote(path + file.name)}"}
    for area, text in texts.items():
        if any(link in text for link in links):
            return area
    return "questiontext"
