"""The badge as a credential, without a database: what pmpath puts in it satisfies Open Badges
3.0 as openbadgeslib's own verifier reads it (types, contexts, achievement, criteria,
alignments, evidence, status), and any change after signing is refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier, OpenBadgeCredential

from pmpath.interop import badges as ob
from pmpath.interop.badges.verification import check

ISSUED = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)
SITE = "https://pmpath.test"
EXAM = ob.ExamFacts(
    exam_id="pm-foundations",
    exam_name="PM foundations",
    exam_summary="The fundamentals every entry-level product person applies.",
    adaptive=False,
    pass_mark=70,
    questions=40,
    score=82.5,
    finished_at=ISSUED,
    domains=("Agile and Scrum", "Discovery and user research"),
    minutes=60,
)
ALIGNED = (
    ob.Aligned(
        "prioritisation",
        "Prioritisation and roadmapping",
        "Choosing what to do.",
        f"{SITE}/ladder#prioritisation",
    ),
)
RECIPIENT = ob.Recipient(name="Ana Lima", email="ana@example.org", salt="5a1t")


def _issue(award: ob.Award, key: ob.IssuerKey) -> str:
    document = ob.credential(
        award,
        credential_id="urn:uuid:6f1c0e8e-1111-4a4b-9c9c-000000000001",
        issuer_id=ob.issuer_did(SITE, key.public_pem),
        issuer_name="pmpath",
        issuer_url=SITE,
        recipient=RECIPIENT,
        issued_at=ISSUED,
        status={
            "id": f"{SITE}/badges/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": f"{SITE}/badges/status/1",
        },
    )
    return ob.sign_credential(document, key)


@pytest.fixture(scope="module")
def key() -> ob.IssuerKey:
    return ob.new_issuer_key()


@pytest.fixture(scope="module")
def token(key: ob.IssuerKey) -> str:
    return _issue(ob.exam_award(EXAM, SITE, "Product management ladder", ALIGNED), key)


def _payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _reencoded(token: str, change: Any) -> str:
    """The token with its payload changed and re-encoded, header and signature kept."""
    header, _, signature = token.split(".")
    payload = _payload(token)
    change(payload)
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{header}.{body}.{signature}"


def test_the_library_verifies_an_issued_badge_with_the_issuers_key(
    token: str, key: ob.IssuerKey
) -> None:
    verified = OB3Verifier(pubkey_pem=key.public_pem.encode()).verify(token)
    assert isinstance(verified, OpenBadgeCredential)
    assert verified.achievement.name == "Passed: PM foundations"
    assert verified.issuer.id == "did:web:pmpath.test"
    assert verified.issuance_date == ISSUED


def test_the_badge_carries_the_open_badges_3_types_contexts_and_schema(token: str) -> None:
    payload = _payload(token)
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert payload["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"
    assert payload["validFrom"] == "2026-12-07T10:30:00Z"
    assert payload["iss"] == payload["issuer"]["id"] == "did:web:pmpath.test"
    assert payload["issuer"] == {
        "id": "did:web:pmpath.test",
        "type": ["Profile"],
        "name": "pmpath",
        "url": SITE,
    }


def test_the_achievement_says_exactly_what_was_required(token: str) -> None:
    achievement = _payload(token)["credentialSubject"]["achievement"]
    assert achievement["id"] == f"{SITE}/badges/achievements/exam/pm-foundations"
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Assessment"
    assert achievement["criteria"]["narrative"] == (
        'Score at least 70% of the maximum on the pmpath mock exam "PM foundations": 40 '
        "questions from Agile and Scrum and Discovery and user research, answered in 60 "
        "minutes in one sitting."
    )
    assert achievement["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": "Prioritisation and roadmapping",
            "targetUrl": f"{SITE}/ladder#prioritisation",
            "targetFramework": "Product management ladder",
            "targetCode": "prioritisation",
            "targetDescription": "Choosing what to do.",
        }
    ]
    assert achievement["resultDescription"][0]["requiredValue"] == "70"


def test_the_evidence_and_result_give_the_score_and_date_and_no_answer(token: str) -> None:
    payload = _payload(token)
    assert payload["evidence"] == [
        {
            "type": ["Evidence"],
            "narrative": 'Scored 82.5% on the mock exam "PM foundations" (40 questions) on 7 '
            "December 2026; the pass mark is 70%.",
            "name": "Mock exam: PM foundations",
        }
    ]
    (result,) = payload["credentialSubject"]["result"]
    assert (result["value"], result["status"]) == ("82.5", "Completed")
    assert "response" not in json.dumps(payload)


def test_the_recipient_is_named_and_their_email_only_hashed(token: str) -> None:
    subject = _payload(token)["credentialSubject"]
    assert "id" not in subject
    name, email = subject["identifier"]
    assert name == {
        "type": "IdentityObject",
        "hashed": False,
        "identityHash": "Ana Lima",
        "identityType": "name",
    }
    assert email["hashed"] is True
    assert email["identityHash"].startswith("sha256$")
    assert "ana@example.org" not in json.dumps(subject)


def test_the_badge_names_its_bit_in_the_revocation_status_list(token: str) -> None:
    assert _payload(token)["credentialStatus"] == {
        "id": f"{SITE}/badges/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": f"{SITE}/badges/status/1",
    }


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda p: p["credentialSubject"]["achievement"].update(name="Passed: CPO exam"),
            id="achievement name",
        ),
        pytest.param(lambda p: p["credentialSubject"]["result"][0].update(value="100"), id="score"),
        pytest.param(
            lambda p: p["credentialSubject"]["identifier"][0].update(identityHash="Eve"),
            id="recipient",
        ),
    ],
)
def test_a_badge_changed_after_signing_is_refused_by_the_library(
    token: str, key: ob.IssuerKey, change: Any
) -> None:
    forged = _reencoded(token, change)
    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        OB3Verifier(pubkey_pem=key.public_pem.encode()).verify(forged)


def test_a_badge_signed_by_another_key_is_refused_against_the_issuers_key(
    key: ob.IssuerKey,
) -> None:
    forged = _issue(ob.exam_award(EXAM, SITE, "Ladder", ALIGNED), ob.new_issuer_key())
    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        OB3Verifier(pubkey_pem=key.public_pem.encode()).verify(forged)


def test_a_placement_badge_states_the_placement_rule() -> None:
    facts = ob.PlacementFacts(
        stage_id="senior",
        stage_name="Senior Product Manager",
        stage_summary="Owns a product area.",
        questions=31,
        finished_at=ISSUED,
        domains=("Strategy and vision", "Delivery and execution"),
        level_range=("Product Manager", "Senior Product Manager"),
        se_target=0.3,
        max_questions=48,
    )
    award = ob.placement_award(facts, SITE, "Ladder", ALIGNED)
    assert award.name == "Placed at: Senior Product Manager"
    assert "until the estimate's standard error is 0.3 or at most 48 questions" in award.criteria
    assert "whose centre on the ability scale is nearest their estimated ability" in award.criteria
    assert award.evidence_narrative == (
        "Placed at Senior Product Manager on 7 December 2026 after 31 questions from Strategy "
        "and vision and Delivery and execution; the levels plausible within its uncertainty ran "
        "from Product Manager to Senior Product Manager."
    )


def test_the_did_document_publishes_the_key_the_library_resolves(key: ob.IssuerKey) -> None:
    document = ob.did_document("did:web:pmpath.test", key.public_pem)
    served = json.dumps(document).encode()
    verifier = OB3Verifier.for_issuer_did("did:web:pmpath.test", download=lambda url: served)
    assert verifier.pubkey_pem.strip() == key.public_pem.encode().strip()


def test_a_site_without_https_is_its_keys_did_key(key: ob.IssuerKey) -> None:
    assert ob.issuer_did("http://localhost:8000", key.public_pem).startswith("did:key:z6Mk")


@pytest.mark.parametrize(
    ("token", "reason"),
    [("", "malformed"), ("not a token", "malformed"), ("a.b.c", "malformed")],
)
def test_what_is_not_a_credential_is_said_to_be_malformed(token: str, reason: str) -> None:
    assert check(token, lambda url: b"").reason == reason


@pytest.mark.parametrize(
    ("stage", "phrase"),
    [("Entry level", "the Entry level"), ("Senior", "the Senior level")],
)
def test_a_placement_names_its_stage_with_one_level(stage: str, phrase: str) -> None:
    from pmpath.interop.badges.content import _stage_phrase

    assert _stage_phrase(stage) == phrase


def test_the_services_verdicts_are_the_verifiers_own() -> None:
    # Two copies of one vocabulary: the service's model cannot import the verifier's (that would
    # load openbadgeslib with every API model), so this keeps them the same.
    from typing import get_args

    from pmpath.interop.badges.verification import Reason
    from pmpath.services.models.badges import VerificationReason

    assert get_args(VerificationReason) == get_args(Reason)
