"""What Canvas's QTI 1.2 is made of: namespaces, question types, metadata fields and resource
types, and the small rules every part shares (exact decimal numbers, text types, idents, this
format's values in ``extra``, elements written as XML)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element

from pmpath.formats.quiz import QuizQuestion, TextFormat
from pmpath.formats.xmltext import XML_INVALID, xml_characters

#: The key of this format's own values in ``QuizQuestion.extra``.
KEY = "qti12"

QTI_NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_SCHEMA = f"{QTI_NAMESPACE} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CANVAS_NAMESPACE = "http://canvas.instructure.com/xsd/cccv1p0"
CP_NAMESPACE = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"
QTI_RESOURCE = "imsqti_xmlv1p2"
META_RESOURCE = "associatedcontent/imscc_xmlv1p1/learning-application-resource"
FILE_BASE = "$IMS-CC-FILEBASE$"
FILE_FOLDER = "web_resources"
DEFAULT_QUIZ = {"kind": "assessment", "ident": "pmpath_export", "title": "pmpath export"}

MAX_DEPTH = 100  # deeper XML is refused: nothing Canvas writes nests a tenth of that
CHOICE_TYPES = ("multiple_choice_question", "true_false_question", "multiple_answers_question")
BLANK_TYPES = ("fill_in_multiple_blanks_question", "multiple_dropdowns_question")
CANVAS_TYPES = (
    *CHOICE_TYPES,
    *BLANK_TYPES,
    "short_answer_question",
    "matching_question",
    "numerical_question",
    "calculated_question",
    "essay_question",
    "file_upload_question",
    "text_only_question",
)
RESPONSES = ("response_lid", "response_str", "response_num", "response_xy", "response_grp")
MEDIA = ("matimage", "mataudio", "matvideo", "matapplet", "matapplication", "matref", "matemtext")
KNOWN_FEEDBACK = ("general_fb", "correct_fb", "general_incorrect_fb")
TAG_FIELD = "pmpath_tag"
EXTRA_FIELD = "pmpath_extra"
TYPE_FIELD = "pmpath_type"
#: pmpath's own: a wrong answer with its feedback (JSON), for the types whose every condition
#: Canvas takes for a right answer (numerical, short answer), so never written as a condition.
WRONG_FIELD = "pmpath_wrong_answer"
#: pmpath's own: the Markdown sources of the texts written rendered as HTML (a JSON list).
MARKDOWN_FIELD = "pmpath_markdown"
BANK_FIELD = "question_bank"

PLACEHOLDER = re.compile(r"\{#(\d+)\}")


def decimal(text: str | None) -> Decimal | None:
    """A finite decimal from ``text``, or None."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def text_format(texttype: str | None) -> TextFormat:
    return (
        TextFormat.HTML if (texttype or "").lower() in ("text/html", "html") else TextFormat.PLAIN
    )


def qti_extra(question: QuizQuestion) -> dict[str, Any]:
    values = question.extra.get(KEY) if isinstance(question.extra, dict) else None
    return values if isinstance(values, dict) else {}


def ident_ok(ident: str) -> bool:
    return bool(ident.strip()) and not XML_INVALID.search(ident)


def xml_attributes(**values: Any) -> dict[str, str]:
    return {name: xml_characters(str(value)) for name, value in values.items() if value is not None}


def xml_bytes(root: Element) -> bytes:
    ElementTree.indent(root, space="  ")
    text = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode()
