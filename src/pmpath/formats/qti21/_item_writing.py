"""One question written as one ``assessmentItem`` document (:class:`ItemWriter`): its
declarations, outcomes, body, response processing and feedback; its interaction by the module
of that interaction (``_choice``, ``_text_entry``, ``_essay``, ``_order``, ``_match``)."""

from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import quote, unquote

from pmpath.formats.numbers import number_text
from pmpath.formats.qti21._choice import write_choice
from pmpath.formats.qti21._essay import write_essay
from pmpath.formats.qti21._gaps import write_gaps
from pmpath.formats.qti21._html import body_block, xhtml_fragment
from pmpath.formats.qti21._match import write_matching
from pmpath.formats.qti21._order import write_order
from pmpath.formats.qti21._processing import set_score
from pmpath.formats.qti21._serializing import escape, escape_attribute, pretty
from pmpath.formats.qti21._text_entry import write_text_entry
from pmpath.formats.qti21._vocabulary import (
    FEEDBACK,
    GENERAL,
    KEY,
    MATCH_CORRECT,
    NAME,
    PLUGINFILE_URL,
    QTI_NS,
    RESPONSE,
    SCORE,
    TEMPLATE_BASE,
    XSI_NS,
)
from pmpath.formats.quiz import QType, QuizQuestion, Text, TextFormat, Warn


class ItemWriter:
    """One question as an ``assessmentItem`` document."""

    def __init__(self, question: QuizQuestion, warn: Warn) -> None:
        self.q = question
        self.warn = warn
        raw = question.extra.get(KEY)
        self.extra: dict[str, Any] = raw if isinstance(raw, dict) else {}
        self.files: dict[str, bytes] = {}
        self.response = str(self.extra.get("response") or RESPONSE)
        self.declarations: list[str] = []
        self.outcomes: list[str] = []
        self.rules: list[str] = []
        self.template: str | None = None
        self.modal: list[str] = []
        self.grade = question.default_grade
        #: Markdown sources of the texts written as HTML, by their place in the question.
        self.sources: list[tuple[str, str]] = []

    def attach(self) -> None:
        """The attachments, by their path in the package relative to the item file."""
        for attachment in self.q.attachments:
            path = posixpath.normpath(posixpath.join(attachment.path.strip("/"), attachment.name))
            if not attachment.name or path.startswith(("..", "/")) or "/" in attachment.name:
                self.warn(f"the attachment {attachment.name!r} has an unsafe name: left out")
                continue
            self.files[path] = attachment.data

    def identifier(self, number: int) -> str:
        wanted = self.q.id_number or self.q.name or ""
        identifier = re.sub(r"[^\w.-]+", "-", wanted.strip()).strip("-.")
        if identifier and not NAME.fullmatch(identifier):
            identifier = f"item-{identifier}"
        if self.q.id_number and identifier != self.q.id_number:
            self.warn(f"the id number {self.q.id_number!r} is written as {identifier!r}")
        return identifier or f"item-{number}"

    # -- the document ---------------------------------------------------------------------

    def item(self, identifier: str) -> str | None:
        q = self.q
        if q.type is QType.CLOZE:
            self.warn("cloze questions cannot be written to QTI 2.1 by pmpath: left out")
            return None
        self.check_unwritten()
        self.attach()
        if self.grade <= 0 and q.type is not QType.DESCRIPTION:
            self.warn(f"the grade {number_text(q.default_grade)} is written as 1")
            self.grade = 1.0
        body = self.fragment(q.text, block=True, path="text")
        interaction = ""
        kind = q.type
        if kind in (QType.MULTICHOICE, QType.TRUEFALSE) and not q.answers:
            self.warn("a choice question without answers is written as text only")
            kind = QType.DESCRIPTION
        if kind in (QType.MULTICHOICE, QType.TRUEFALSE):
            interaction = write_choice(self)
        elif kind in (QType.SHORTANSWER, QType.NUMERICAL):
            interaction, body = write_text_entry(self, body)
        elif kind is QType.ESSAY:
            interaction = write_essay(self)
        elif kind is QType.ORDERING:
            interaction = write_order(self)
        elif kind is QType.MATCHING:
            interaction = write_matching(self)
        elif kind is QType.GAPS:
            body = write_gaps(self, body)
        self.declarations += [str(text) for text in self.extra.get("declarations", [])]
        kept = "".join(f"\n    {body_block(str(text))}" for text in self.extra.get("kept", []))
        if kind is not QType.DESCRIPTION or self.grade > 0:
            self.outcomes.insert(
                0,
                f'<outcomeDeclaration identifier="{SCORE}" cardinality="single" '
                f'baseType="float" normalMaximum="{number_text(self.grade)}">'
                "<defaultValue><value>0</value></defaultValue></outcomeDeclaration>",
            )
        if q.general_feedback:
            self.feedback_outcome("single")
            self.modal.append(
                f'<modalFeedback outcomeIdentifier="{FEEDBACK}" identifier="{GENERAL}" '
                f'showHide="hide">{self.fragment(q.general_feedback, path="general_feedback")}'
                "</modalFeedback>"
            )
        title = q.name or identifier
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<assessmentItem xmlns="{QTI_NS}" xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{QTI_NS}'
            ' http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"'
            f' identifier="{escape_attribute(identifier)}" title="{escape_attribute(title)}"'
            ' adaptive="false" timeDependent="false">\n',
            *(f"  {pretty(text, 1)}\n" for text in self.declarations),
            *(f"  {pretty(text, 1)}\n" for text in self.outcomes),
            f"  <itemBody>\n    {body}",
            f"\n    {pretty(interaction, 2)}" if interaction else "",
            kept,
            "\n  </itemBody>\n",
        ]
        if self.template is not None and not self.rules:
            parts.append(f'  <responseProcessing template="{TEMPLATE_BASE}{self.template}"/>\n')
        elif self.rules:
            parts.append("  <responseProcessing>\n")
            parts += [f"    {pretty(rule, 2)}\n" for rule in self.rules]
            parts.append("  </responseProcessing>\n")
        parts += [f"  {text}\n" for text in self.modal]
        parts.append("</assessmentItem>\n")
        return "".join(parts)

    def check_unwritten(self) -> None:
        q = self.q
        if q.hints:
            self.warn(f"{len(q.hints)} hint(s) are not written (QTI 2.1 hints need adaptive items)")
        if q.penalty is not None:
            self.warn("the penalty for each wrong try is not written")
        if q.blanks:
            self.warn("embedded sub-questions are not written")
        if any(pair.feedback for pair in q.pairs):
            self.warn("feedback on matching pairs is not written")
        if q.type in (QType.ORDERING, QType.MATCHING, QType.ESSAY) and q.answers:
            self.warn(f"answers of a {q.type} question are not written")
        foreign = sorted(key for key in q.extra if key not in (KEY, "unit"))
        if "unit" in q.extra:
            self.warn("QTI 2.1 text entries have no unit: learners do not see it")
        if foreign:
            self.warn(
                f"extra values QTI 2.1 has no place for are not written: {', '.join(foreign)}"
            )

    def feedback_outcome(self, cardinality: str) -> None:
        declaration = (
            f'<outcomeDeclaration identifier="{FEEDBACK}" cardinality="{cardinality}" '
            'baseType="identifier"/>'
        )
        if not any(f'identifier="{FEEDBACK}"' in text for text in self.outcomes):
            self.outcomes.append(declaration)

    # -- texts ------------------------------------------------------------------------------

    def fragment(self, text: Text | None, block: bool = False, path: str | None = None) -> str:
        """A text as a well-formed XHTML fragment; a Markdown source is kept under ``path``."""
        if text is None or not text.text:
            return ""
        fragment, problems = xhtml_fragment(Text(self.links(text.text), text.format), block)
        for problem in problems:
            self.warn(problem)
        if path is not None and text.format is TextFormat.MARKDOWN:
            self.sources.append((path, text.text))
        return fragment

    def links(self, value: str) -> str:
        """``@@PLUGINFILE@@`` links as paths relative to the item file (the package keeps both)."""
        return PLUGINFILE_URL.sub(lambda match: quote(unquote(match.group(1))), value)

    def declare(self, base_type: str, cardinality: str, correct: list[str], inner: str) -> None:
        values = "".join(f"<value>{escape(value)}</value>" for value in correct)
        content = (f"<correctResponse>{values}</correctResponse>" if correct else "") + inner
        start = (
            f'<responseDeclaration identifier="{self.response}" cardinality="{cardinality}" '
            f'baseType="{base_type}"'
        )
        self.declarations.append(
            f"{start}>{content}</responseDeclaration>" if content else f"{start}/>"
        )

    def score(self, template: str, echo: bool = False, cardinality: str = "single") -> None:
        """The response processing: a template when it says it all, else written-out rules."""
        self.template = template
        needs_rules = (
            echo or self.response != RESPONSE or (template == MATCH_CORRECT and self.grade != 1)
        )
        if not needs_rules:
            return
        variable = f'<variable identifier="{self.response}"/>'
        if template == MATCH_CORRECT:
            self.rules.append(
                "<responseCondition><responseIf>"
                f'<match>{variable}<correct identifier="{self.response}"/></match>'
                f"{set_score(self.grade)}</responseIf>"
                f"<responseElse>{set_score(0)}</responseElse></responseCondition>"
            )
        else:
            self.rules.append(
                f"<responseCondition><responseIf><isNull>{variable}</isNull>{set_score(0)}"
                f'</responseIf><responseElse><setOutcomeValue identifier="{SCORE}">'
                f'<mapResponse identifier="{self.response}"/></setOutcomeValue>'
                "</responseElse></responseCondition>"
            )
        if echo:
            self.feedback_outcome(cardinality)
            self.rules.append(
                f'<setOutcomeValue identifier="{FEEDBACK}">{variable}</setOutcomeValue>'
            )
