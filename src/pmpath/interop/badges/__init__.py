"""Open Badges 3.0 (issue #20): what a pmpath badge says and how it is signed and checked.

Pure rules over :mod:`openbadgeslib` (the kept library that issues, signs, verifies and revokes
OB 3.0 JWT-VC credentials): no database, no web, no command line. The badge service
(:mod:`pmpath.services.badges`) feeds them what it read and stores what they return.

- :mod:`.content`: the achievement, its criteria, the evidence and the competencies aligned.
- :mod:`.issuer`: the issuer's key, its DID and DID document, signing a credential and the
  Bitstring Status List credential.
- :mod:`.verification`: the library's verifier, with its refusals said in plain words.
"""

from pmpath.interop.badges.content import (
    Aligned,
    Award,
    ExamFacts,
    PlacementFacts,
    Recipient,
    credential,
    exam_award,
    placement_award,
)
from pmpath.interop.badges.issuer import (
    ALGORITHM,
    IssuerKey,
    did_document,
    issuer_did,
    new_issuer_key,
    sign_credential,
    signed_status_list,
)
from pmpath.interop.badges.verification import Checked, Download, check

__all__ = [
    "ALGORITHM",
    "Aligned",
    "Award",
    "Checked",
    "Download",
    "ExamFacts",
    "IssuerKey",
    "PlacementFacts",
    "Recipient",
    "check",
    "credential",
    "did_document",
    "exam_award",
    "issuer_did",
    "new_issuer_key",
    "placement_award",
    "sign_credential",
    "signed_status_list",
]
