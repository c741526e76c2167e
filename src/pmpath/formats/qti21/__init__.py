"""IMS QTI 2.1 items and content packages in and out (docs/formats.md, section "QTI 2.1").

``read`` takes one ``assessmentItem`` XML document or a content package (a zip with an
``imsmanifest.xml`` whose ``imsqti_item_xmlv2p1`` resources name the item files); ``write``
makes a package with one XML file per question and a manifest. The supported interactions
are ``choiceInteraction`` (single and multiple response, true/false), ``textEntryInteraction``
(short answer; numerical with a float or integer base type), ``extendedTextInteraction``
(essay), ``orderInteraction``, ``matchInteraction``/``associateInteraction`` (matching), and
``inlineChoiceInteraction``/``gapMatchInteraction`` (gaps: pmpath's gap items).

Scores become answer *fractions*: a mapped value (or a rule's score) divided by the item's
maximum score. That is the ``normalMaximum`` of ``SCORE`` (else the default value of
``MAXSCORE``) when the item declares one, else the highest score the item can give: the largest
single mapped value for a single response, the sum of the positive mapped values for a multiple
response, capped by the mapping's ``upperBound``. The maximum is the question's grade
(``default_grade``). Fractions are rounded to 7 decimals, as Moodle stores them.
Everything the interchange model cannot hold is either mapped by a rule written in the
docs, kept in ``extra["qti21"]`` for writing QTI back, or reported as a warning.

Modules: ``_reading``/``_writing`` (documents and packages), ``_package`` (IMS content
packaging), ``_item_reading``/``_item_writing`` (one item), ``_processing``, ``_scoring`` and
``_feedback`` (an item's rules, read), one module per interaction both ways (``_choice``,
``_text_entry``, ``_essay``, ``_order``, ``_match``, ``_gaps``), ``_html`` and ``_markdown``
(texts), ``_tree`` and ``_serializing`` (XML), ``_vocabulary`` (names).
"""

from pmpath.formats.qti21._reading import read
from pmpath.formats.qti21._writing import write

__all__ = ["read", "write"]
