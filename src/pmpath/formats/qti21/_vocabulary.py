"""QTI 2.1's names as pmpath reads and writes them (namespaces, identifiers, templates, the
interactions it supports) and how values are spelled in it (booleans, choice identifiers)."""

from __future__ import annotations

import re

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/LOM"
#: pmpath's own metadata: the Markdown source of texts written as HTML.
MARKDOWN_NS = "urn:pmpath:markdown"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
TEMPLATE_BASE = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
MATCH_CORRECT = "match_correct"
MAP_RESPONSE = "map_response"
ITEM_RESOURCE = "imsqti_item_xmlv2p1"
MANIFEST = "imsmanifest.xml"
#: Where a text-entry blank stood inside the question text.
BLANK = "_____"
#: The key of this format's values in ``QuizQuestion.extra``.
KEY = "qti21"
RESPONSE = "RESPONSE"
SCORE = "SCORE"
FEEDBACK = "FEEDBACK"
GENERAL = "GENERAL"
PLUGINFILE = "@@PLUGINFILE@@"
MAX_DEPTH = 200

SUPPORTED = (
    "choiceInteraction",
    "textEntryInteraction",
    "extendedTextInteraction",
    "orderInteraction",
    "matchInteraction",
    "associateInteraction",
)
ITEM_PARTS = {
    "responseDeclaration",
    "outcomeDeclaration",
    "itemBody",
    "responseProcessing",
    "modalFeedback",
}
_FEEDBACK_TAGS = {"modalFeedback", "feedbackBlock", "feedbackInline"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
_PREFIXES = {
    XML_NS: "xml",
    XSI_NS: "xsi",
    "http://www.w3.org/1999/xlink": "xlink",
    "http://www.w3.org/1998/Math/MathML": "m",
}
URL_ATTRIBUTES = {"src", "href", "data"}
NAME = re.compile(r"[A-Za-z_][\w.-]*")
LONE_BLANK = re.compile(r"(?<!_)_____(?!_)")
PLUGINFILE_URL = re.compile(re.escape(PLUGINFILE) + r"/([^\"'<>\s]*)")


def boolean_attribute(value: str | None) -> bool:
    """A QTI boolean attribute: true for ``true`` or ``1``."""
    return (value or "").strip() in ("true", "1")


def xml_bool(value: bool) -> str:
    """A boolean as QTI writes it."""
    return "true" if value else "false"


def letters(index: int) -> str:
    """The identifier of the ``index``-th choice: A, B, …, Z, AA, AB, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
