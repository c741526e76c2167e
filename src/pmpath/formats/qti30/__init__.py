"""1EdTech QTI 3.0 items, tests and content packages in and out (docs/formats.md, "QTI 3.0").

QTI 3.0 keeps QTI 2.1's information model and respells it: ``qti-choice-interaction`` for
``choiceInteraction``, ``response-identifier`` for ``responseIdentifier``, its own namespace
(``imsqtiasi_v3p0``), template URIs and manifest resource types (``imsqti_item_xmlv3p0``,
``imsqti_test_xmlv3p0``). So this package translates names (``_names``) and leaves meaning to
:mod:`pmpath.formats.qti21`: the same interactions, scores, feedback, warnings and limits.
``read`` takes an item document or a package; ``write`` makes a package with an item file per
question, an assessment test listing them and the manifest.
"""

from pmpath.formats.qti30._reading import read
from pmpath.formats.qti30._writing import write

__all__ = ["read", "write"]
