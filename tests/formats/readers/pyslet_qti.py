"""pyslet (the Python package for Standards in Learning, Education and Training) as a QTI
scorer: QTI 2.1 items are parsed and their response processing run on a response; QTI 1.2
items are first migrated to QTI 2.1 by pyslet's migration (the code Canvas's QTI migration
tool grew from), which turns each ``respcondition`` into rules by the QTI 1.2 specification's
own semantics (``continue``, the implicit AND of a ``conditionvar``), then scored the same way.

pyslet 0.7 (2017) imports on Python 3.11, but a few Python 2 leftovers stop it before it
scores anything. :func:`_mend` patches exactly those, none in its scoring rules:

* ``Element.get_or_add_child`` calls the Python 2 ``generator.next()``;
* QTI 1.2's ``rcardinality`` has no default (the specification's default is ``Single``);
* an error message calls ``BaseType.Encode``, renamed ``to_str``;
* a ``response_str`` is always a string, even with ``render_fib fibtype="Decimal"`` (Canvas's
  numerical questions), so ``vargte`` on it is refused: its ``fibtype`` decides, as the
  specification describes ``fibtype``;
* ``displayfeedback linkrefid="4_fb"`` declares the feedback under a valid identifier
  (``FEEDBACK_4_fb``) but sets the raw one, which is not an identifier;
* ``equal tolerance="0.1 0.1"`` is kept as one string instead of a list of two numbers
  (fixed after parsing, in :func:`qti21_item`).

A QTI engine resolves a response-processing template by its URI; pyslet does not fetch it,
so :func:`qti21_item` puts the two standard templates' published rules in its place.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyslet.qtiv1.common as v1common
import pyslet.qtiv1.core as v1core
import pyslet.qtiv1.item as v1item
import pyslet.qtiv2.core as v2core
import pyslet.qtiv2.expressions as v2expressions
import pyslet.qtiv2.items as v2items
import pyslet.qtiv2.variables as v2variables
import pyslet.qtiv2.xml as v2xml
import pyslet.xml.structures as structures
from pyslet.qtiv1.xml import QTIDocument as QTI1Document


@contextmanager
def _quiet() -> Iterator[None]:
    """pyslet logs every HTML text it parses to the root logger: not the test's business."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


_TEMPLATES = {
    "match_correct": (
        '<responseCondition><responseIf><match><variable identifier="RESPONSE"/>'
        '<correct identifier="RESPONSE"/></match><setOutcomeValue identifier="SCORE">'
        '<baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf>'
        '<responseElse><setOutcomeValue identifier="SCORE"><baseValue baseType="float">0'
        "</baseValue></setOutcomeValue></responseElse></responseCondition>"
    ),
    "map_response": (
        '<responseCondition><responseIf><isNull><variable identifier="RESPONSE"/></isNull>'
        '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">0.0</baseValue>'
        "</setOutcomeValue></responseIf><responseElse>"
        '<setOutcomeValue identifier="SCORE"><mapResponse identifier="RESPONSE"/>'
        "</setOutcomeValue></responseElse></responseCondition>"
    ),
}
_TEMPLATE = re.compile(
    r'<responseProcessing template="http://www\.imsglobal\.org/question/qti_v2p1/'
    r'rptemplates/(match_correct|map_response)"\s*/>'
)


def _mend() -> None:
    def get_or_add_child(self: Any, child_class: Any) -> Any:
        for child in self.find_children_depth_first(child_class, max_depth=1):
            return child
        return self.add_child(child_class)

    structures.Element.get_or_add_child = get_or_add_child
    v1core.RCardinality.DEFAULT = v1core.RCardinality.Single
    v2variables.BaseType.Encode = v2variables.BaseType.to_str
    v2variables.Cardinality.Encode = v2variables.Cardinality.to_str

    def string_base_type(self: Any, interaction: Any) -> Any:
        render = getattr(self, "render", None)
        if isinstance(render, v1item.RenderFIB):
            if render.fibType in (v1core.FIBType.Decimal, v1core.FIBType.Scientific):
                return v2variables.BaseType.float
            if render.fibType == v1core.FIBType.Integer:
                return v2variables.BaseType.integer
        return v2variables.BaseType.string

    v1item.ResponseStr.get_base_type = string_base_type
    display = v1common.DisplayFeedback.migrate_rule_to_v2

    def display_feedback(self: Any, parent: Any, log: Any) -> Any:
        written = self.linkRefID
        self.linkRefID = v2core.ValidateIdentifier(written, "FEEDBACK_")
        try:
            return display(self, parent, log)
        finally:
            self.linkRefID = written

    v1common.DisplayFeedback.migrate_rule_to_v2 = display_feedback


_mend()


def _tolerances(item: v2items.AssessmentItem) -> v2items.AssessmentItem:
    for equal in item.find_children_depth_first(v2expressions.Equal, False):
        if isinstance(equal.tolerance, str):
            equal.tolerance = equal.tolerance.split()
    return item


def qti21_item(xml: bytes) -> v2items.AssessmentItem:
    """A QTI 2.1 item document as pyslet reads it, templates resolved."""
    text = _TEMPLATE.sub(
        lambda match: f"<responseProcessing>{_TEMPLATES[match.group(1)]}</responseProcessing>",
        xml.decode("utf-8"),
    )
    document = v2xml.QTIDocument()
    with _quiet():
        document.read(src=io.BytesIO(text.encode("utf-8")))
    assert isinstance(document.root, v2items.AssessmentItem)
    return _tolerances(document.root)


def qti12_items(package: bytes) -> dict[str, v2items.AssessmentItem]:
    """Every item of a QTI 1.2 package's quizzes, migrated to QTI 2.1 by pyslet, by ident."""
    archive = zipfile.ZipFile(io.BytesIO(package))
    found: dict[str, v2items.AssessmentItem] = {}
    for name in archive.namelist():
        if not name.endswith(".xml") or name.endswith(("imsmanifest.xml", "assessment_meta.xml")):
            continue
        document = QTI1Document()
        with _quiet():
            document.read(src=io.BytesIO(archive.read(name)))
            migrated_items = document.root.migrate_to_v2()
        for migrated, _metadata, _log in migrated_items:
            found[migrated.root.identifier] = _tolerances(migrated.root)
    return found


def identifier(value: str) -> str:
    """A QTI 1.2 ident as pyslet's migration makes it a QTI 2.1 identifier ("4" -> "_4")."""
    return str(v2core.ValidateIdentifier(value))


def score(item: v2items.AssessmentItem, responses: dict[str, Any]) -> float | None:
    """The item's SCORE after response processing of ``responses`` (response identifier ->
    value: a str, a float, or a list of them; a pair is a tuple), None without a SCORE."""
    state = v2variables.ItemSessionState(item)
    state.begin_session()
    # begin_attempt without its HTML rendering, which pyslet lacks for text entry
    state.map["numAttempts"].set_value(1)
    for declaration in item.ResponseDeclaration:
        state.map[declaration.identifier] = v2variables.Value.copy_value(
            state.map[declaration.identifier + ".DEFAULT"]
        )
    for name, value in responses.items():
        state.map[name].set_value(value)
    state.end_attempt()
    outcome = state.map.get("SCORE")
    return None if outcome is None or outcome.value is None else float(outcome.value)


def normal_maximum(item: v2items.AssessmentItem) -> float | None:
    """The normalMaximum the item declares for SCORE (None: no SCORE, or no maximum)."""
    declaration = item.get_declaration("SCORE")
    return None if declaration is None else declaration.normalMaximum
