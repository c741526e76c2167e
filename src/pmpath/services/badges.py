"""Open Badges 3.0 (issue #20): issuing a signed badge for a passed mock exam or a finished
placement test, downloading and sharing it, verifying any credential, and revoking a badge
through the issuer's Bitstring Status List.

The rules, checked here so every interface gets them:

- a learner claims a badge for their own finished attempt that earns one: a mock exam (fixed
  form) with a score at or above its pass mark, an adaptive exam classified as passed, or the
  placement test; someone else's attempt is not found, an unfinished, failed or practice attempt
  is refused (422) and nothing is issued; claiming again returns the same badge;
- a badge's page and downloads are its learner's and the admins'; its verification is public;
- only an admin revokes, with a reason; revoking twice is a conflict.

The content of the credential and the signing are :mod:`pmpath.interop.badges`, over
openbadgeslib. The issuer's Ed25519 key is made on first need and kept in the database.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pmpath.errors import ConflictError, Location, NotFoundError, PmpathError
from pmpath.interop import badges as ob
from pmpath.services.accounts import User, require
from pmpath.services.assessments import utc_now
from pmpath.services.models.badges import (
    Badge,
    BadgeAlignment,
    BadgeFile,
    BadgeFormat,
    Claimable,
    IssuedBadge,
    IssuedBadges,
    MyBadges,
    Verification,
)
from pmpath.store import Database
from pmpath.store import badges as store
from pmpath.store.attempts import ADAPTIVE, MOCK
from pmpath.store.tables import AttemptRow
from pmpath.store.tables_badges import BadgeIssuerKeyRow, BadgeRow

if TYPE_CHECKING:
    from pmpath.framework import Framework
    from pmpath.services.exams import ExamService
    from pmpath.services.psychometrics import PsychometricsService

#: The issuer's name in every badge.
ISSUER_NAME = "pmpath"
#: The site address when none is configured (PMPATH_PUBLIC_URL): ``pmpath serve``'s default.
DEFAULT_SITE_URL = "http://localhost:8000"
#: Entries per status list (the W3C minimum, so a list's population hides in a large set). A
#: list takes new badges until half its bits are used, so a free random bit is found at once.
STATUS_LIST_SIZE = 131072
#: The placement test's id (pmpath.services.placement.PLACEMENT_ID).
PLACEMENT = "placement"
MAX_REASON = 500
#: How many badges the admins' list shows.
ADMIN_LIST_LIMIT = 500
_OWN_STATUS = re.compile(r"/badges/status/(\d{1,9})$")


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


class BadgeService:
    """Badges of one database, issued by the site at ``site_url``."""

    def __init__(
        self,
        database: Database,
        framework: Framework,
        exams_for_attempt: Callable[[int], ExamService],
        psychometrics: Callable[[], PsychometricsService],
        site_url: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        network: ob.Download | None = None,
    ) -> None:
        self.database = database
        self.framework = framework
        self.exams_for_attempt = exams_for_attempt
        self.psychometrics = psychometrics
        self.site_url = (site_url or DEFAULT_SITE_URL).rstrip("/")
        self.clock = clock
        self._network = network

    def at(self, site_url: str) -> BadgeService:
        """The same service for a site reached at ``site_url`` (a request's address, when no
        public address is configured)."""
        return replace_site(self, site_url)

    # -- the issuer ---------------------------------------------------------------------------

    def _key(self) -> ob.IssuerKey:
        """The issuer's key, made (by the library) and stored the first time it is needed.

        The key row always has id 1, so two processes making it at once cannot both succeed:
        the second one's insert fails and it reads the first one's key.
        """
        with self.database.transaction() as session:
            row = store.issuer_key(session)
            if row is not None:
                return ob.IssuerKey(row.private_key_pem, row.public_key_pem)
        made = ob.new_issuer_key()
        try:
            with self.database.transaction() as session:
                session.add(
                    BadgeIssuerKeyRow(
                        id=1,
                        private_key_pem=made.private_pem,
                        public_key_pem=made.public_pem,
                        created_at=self.clock(),
                    )
                )
        except IntegrityError:
            pass
        with self.database.transaction() as session:
            row = store.issuer_key(session)
            assert row is not None
            return ob.IssuerKey(row.private_key_pem, row.public_key_pem)

    def issuer_id(self) -> str:
        """The issuer's DID: ``did:web`` of an HTTPS site, else the key's ``did:key``."""
        return ob.issuer_did(self.site_url, self._key().public_pem)

    def did_document(self) -> dict[str, Any]:
        """The DID document publishing the issuer's public key."""
        key = self._key()
        return ob.did_document(ob.issuer_did(self.site_url, key.public_pem), key.public_pem)

    def status_list_url(self, number: int) -> str:
        return f"{self.site_url}/badges/status/{number}"

    def status_list(self, number: int) -> str:
        """Status list ``number`` as a signed BitstringStatusListCredential (a JWT-VC), with
        the bits of its revoked badges set; NotFoundError for a list no badge uses."""
        key = self._key()
        with self.database.transaction() as session:
            if not store.used_indices(session, number):
                raise NotFoundError(f"there is no status list {number}")
            revoked = store.revoked_indices(session, number)
        return ob.signed_status_list(
            ob.issuer_did(self.site_url, key.public_pem),
            self.status_list_url(number),
            revoked,
            self.clock(),
            key,
        )

    # -- reading ------------------------------------------------------------------------------

    def mine(self, me: User) -> MyBadges:
        """``me``'s badges and the finished attempts that would earn one."""
        with self.database.transaction() as session:
            rows = store.of_user(session, me.id)
            owner = store.user(session, me.id)
            attempts = store.finished_attempts(session, owner.profile_id) if owner else []
            badges = [self._badge(row) for row in rows]
        issued = {badge.attempt_id for badge in badges}
        claimable = [
            Claimable(attempt_id=row.id, kind=kind, name=name, finished_at=row.finished_at)
            for row in attempts
            if row.id not in issued and row.finished_at is not None
            for kind, name in [self._earns(row)]
            if kind is not None
        ]
        return MyBadges(badges=badges, claimable=claimable)

    def _earns(self, row: AttemptRow) -> tuple[Any, str]:
        """The kind and name of the badge a finished attempt earns (kind None: none)."""
        if row.mode == MOCK and row.pass_mark is not None and row.score is not None:
            if row.score >= row.pass_mark and row.blueprint_id:
                return "exam", f"Passed: {self._exam_name(row)}"
        elif row.mode == ADAPTIVE and row.result:
            if row.blueprint_id == PLACEMENT:
                level = (row.result.get("overall") or {}).get("level")
                if isinstance(level, str):
                    return "placement", f"Placed at: {self._stage_name(level)}"
            elif (row.result.get("exam") or {}).get("passed") is True and row.blueprint_id:
                return "exam", f"Passed: {self._exam_name(row)}"
        return None, ""

    def _exam_name(self, row: AttemptRow) -> str:
        # The exam service of the attempt's bank holds its blueprints (already loaded in a
        # web process); the psychometrics service would cost a quarter second to build.
        blueprint_id = row.blueprint_id or ""
        found = self.exams_for_attempt(row.id).blueprints.get(blueprint_id)
        return found.name if found else blueprint_id

    def _stage_name(self, stage_id: str) -> str:
        try:
            return self.framework.stage(stage_id).name
        except (KeyError, LookupError, PmpathError):
            return stage_id

    def get(self, me: User, public_id: str) -> Badge:
        """The badge ``public_id``, for its learner or an admin (NotFoundError for anyone
        else: an id that is not yours looks like one that does not exist)."""
        with self.database.transaction() as session:
            return self._badge(self._readable(session, me, public_id))

    def download(self, me: User, public_id: str, form: BadgeFormat) -> BadgeFile:
        """The signed credential (``jwt``: what wallets and verifiers take) or its JSON form as
        the library reads it (``json``), for the badge's learner or an admin."""
        with self.database.transaction() as session:
            row = self._readable(session, me, public_id)
            slug = re.sub(r"[^a-z0-9]+", "-", row.name.lower()).strip("-")[:60] or "badge"
            if form == "jwt":
                return BadgeFile(
                    filename=f"pmpath-{slug}.jwt",
                    media_type="application/vc+jwt",
                    content=row.token,
                )
            return BadgeFile(
                filename=f"pmpath-{slug}.json",
                media_type="application/json",
                content=json.dumps(row.document, indent=2, ensure_ascii=False) + "\n",
            )

    def _readable(self, session: Session, me: User, public_id: str) -> BadgeRow:
        row = store.by_public_id(session, public_id)
        if row is None or (row.user_id != me.id and not me.has("admin")):
            raise NotFoundError("there is no such badge", Location(field_path=("badge",)))
        return row

    def issued(self, me: User, limit: int = ADMIN_LIST_LIMIT) -> IssuedBadges:
        """Every badge issued, newest first, for an admin."""
        require(me, "admin")
        with self.database.transaction() as session:
            found = [
                IssuedBadge(**self._badge(row).model_dump(), email=user.email)
                for row, user in store.every(session, limit)
            ]
        return IssuedBadges(badges=found, limit=limit)

    def _badge(self, row: BadgeRow) -> Badge:
        document = row.document
        subject = document.get("credentialSubject") or {}
        achievement = subject.get("achievement") or {}
        evidence = document.get("evidence") or [{}]
        issuer = document.get("issuer") or {}
        return Badge(
            public_id=row.public_id,
            kind="placement" if row.kind == "placement" else "exam",
            name=row.name,
            description=str(achievement.get("description", "")),
            criteria=str((achievement.get("criteria") or {}).get("narrative", "")),
            evidence=str(evidence[0].get("narrative", "")),
            alignments=[
                BadgeAlignment(
                    code=str(a.get("targetCode", "")),
                    name=str(a.get("targetName", "")),
                    url=str(a.get("targetUrl", "")),
                )
                for a in achievement.get("alignment") or []
            ],
            recipient=ob.content.recipient_name(document) or "",
            issuer_name=str(issuer.get("name", ISSUER_NAME)),
            issuer_id=str(issuer.get("id", "")),
            issued_at=row.issued_at,
            attempt_id=row.attempt_id,
            revoked_at=row.revoked_at,
            revoked_reason=row.revoked_reason,
            page_url=f"{self.site_url}/badges/{row.public_id}",
            verify_url=f"{self.site_url}/verify/{row.public_id}",
            credential_id=row.credential_id,
        )

    # -- issuing ------------------------------------------------------------------------------

    def claim(self, me: User, attempt_id: int) -> Badge:
        """The badge of ``me``'s attempt ``attempt_id``, issued now unless it already was.

        NotFoundError for an attempt that is not ``me``'s; PmpathError (422) for one that is
        unfinished or earns no badge; nothing is issued then.
        """
        with self.database.transaction() as session:
            existing = store.by_attempt(session, attempt_id)
            if existing is not None and existing.user_id == me.id:
                return self._badge(existing)
            row = store.attempt(session, attempt_id)
            mode = row.mode if row is not None and existing is None else None
            finished_at = row.finished_at if row is not None else None
        if mode is None:
            raise _no_attempt(attempt_id)
        if mode == ADAPTIVE:
            kind, award = self._adaptive_award(me, attempt_id, finished_at)
        else:
            kind, award = "exam", self._exam_award(me, attempt_id)
        return self._issue(me, attempt_id, kind, award)

    def _exam_award(self, me: User, attempt_id: int) -> ob.Award:
        from pmpath.errors import AttemptError

        exams = self.exams_for_attempt(attempt_id)
        try:
            results = exams.results(attempt_id, me.profile)
        except AttemptError:
            raise _not_eligible(
                "this attempt is not finished yet: finish it, and if it passes, claim its badge"
            ) from None
        except NotFoundError:
            raise _no_attempt(attempt_id) from None
        if results.mode != MOCK or results.blueprint is None or results.pass_mark is None:
            raise _not_eligible("practice earns no badge: pass a mock exam to earn one")
        if not results.passed:
            raise _not_eligible(
                f"this attempt scored {results.score:g}%, below the pass mark of "
                f"{results.pass_mark:g}%: it earns no badge"
            )
        blueprint = exams.blueprint(results.blueprint.id)
        facts = ob.ExamFacts(
            exam_id=blueprint.id,
            exam_name=blueprint.name,
            exam_summary=blueprint.summary,
            adaptive=False,
            pass_mark=results.pass_mark,
            questions=results.items,
            score=results.score,
            finished_at=datetime.fromisoformat(results.finished_at or ""),
            domains=tuple(share.name for share in results.by_domain),
            minutes=blueprint.minutes if results.time_allowance == "standard" else None,
        )
        aligned = self._aligned([share.competency for share in results.by_competency])
        return ob.exam_award(facts, self.site_url, self.framework.name, aligned)

    def _adaptive_award(
        self, me: User, attempt_id: int, finished_at: datetime | None
    ) -> tuple[str, ob.Award]:
        irt = self.psychometrics()
        view = irt.placement(attempt_id, me.profile)  # NotFoundError when not me's
        if not view.finished or finished_at is None:
            raise _not_eligible(
                "this test is not finished yet: answer its questions to the end, then claim "
                "its badge"
            )
        with self.database.transaction() as session:
            row = store.attempt(session, attempt_id)
            assert row is not None
            item_ids = [entry["item_id"] for entry in row.form]
            score = row.score or 0.0
        competencies: list[str] = []
        for item_id in item_ids:
            try:
                competencies.extend(irt.bank.item(item_id).competencies)
            except KeyError:
                continue
        aligned = self._aligned(competencies)
        domains = tuple(domain.name for domain in view.domains.values())
        if view.test == PLACEMENT:
            from pmpath.services.placement import PLACEMENT_MAX_ITEMS, PLACEMENT_SE

            low, high = view.overall.level_range
            placement = ob.PlacementFacts(
                stage_id=view.overall.level,
                stage_name=self._stage_name(view.overall.level),
                stage_summary=self._stage_summary(view.overall.level),
                questions=view.overall.items,
                finished_at=finished_at,
                domains=domains,
                level_range=(self._stage_name(low), self._stage_name(high)),
                se_target=PLACEMENT_SE,
                max_questions=PLACEMENT_MAX_ITEMS,
            )
            return "placement", ob.placement_award(
                placement, self.site_url, self.framework.name, aligned
            )
        if view.exam is None or view.exam.passed is not True:
            raise _not_eligible("this adaptive exam was not passed: it earns no badge")
        blueprint = irt.blueprints[view.test]
        facts = ob.ExamFacts(
            exam_id=blueprint.id,
            exam_name=blueprint.name,
            exam_summary=blueprint.summary,
            adaptive=True,
            pass_mark=blueprint.pass_mark,
            questions=view.overall.items,
            score=score,
            finished_at=finished_at,
            domains=domains,
            max_questions=blueprint.items,
        )
        return "exam", ob.exam_award(facts, self.site_url, self.framework.name, aligned)

    def _stage_summary(self, stage_id: str) -> str:
        try:
            return self.framework.stage(stage_id).summary
        except (KeyError, LookupError, PmpathError):
            return ""

    def _aligned(self, competency_ids: Sequence[str]) -> tuple[ob.Aligned, ...]:
        """The ladder's competencies among ``competency_ids``, each once, in ladder order."""
        wanted = set(competency_ids)
        return tuple(
            ob.Aligned(
                code=competency.id,
                name=competency.name,
                summary=competency.summary,
                url=f"{self.site_url}/ladder#{competency.id}",
            )
            for competency in self.framework.competencies
            if competency.id in wanted
        )

    def _issue(self, me: User, attempt_id: int, kind: str, award: ob.Award) -> Badge:
        key = self._key()
        issuer = ob.issuer_did(self.site_url, key.public_pem)
        now = self.clock()
        for _ in range(3):
            try:
                with self.database.transaction() as session:
                    existing = store.by_attempt(session, attempt_id)
                    if existing is not None:
                        if existing.user_id != me.id:
                            raise _no_attempt(attempt_id)
                        return self._badge(existing)
                    number, index = _free_bit(session)
                    credential_id = f"urn:uuid:{uuid.uuid4()}"
                    document = ob.credential(
                        award,
                        credential_id=credential_id,
                        issuer_id=issuer,
                        issuer_name=ISSUER_NAME,
                        issuer_url=self.site_url,
                        recipient=ob.Recipient(
                            name=me.name, email=me.email, salt=secrets.token_hex(8)
                        ),
                        issued_at=now,
                        status=_status_entry(self.status_list_url(number), index),
                    )
                    row = store.add(
                        session,
                        BadgeRow(
                            public_id=secrets.token_urlsafe(16),
                            credential_id=credential_id,
                            attempt_id=attempt_id,
                            user_id=me.id,
                            kind=kind,
                            name=award.name[:300],
                            token=ob.sign_credential(document, key),
                            document=document.to_vc(),
                            status_list=number,
                            status_index=index,
                            issued_at=now,
                        ),
                    )
                    return self._badge(row)
            except IntegrityError:
                continue  # the same attempt claimed at once elsewhere, or the same bit drawn
        raise ConflictError("the badge could not be issued just now: try again")

    # -- revoking -----------------------------------------------------------------------------

    def revoke(self, me: User, public_id: str, reason: str) -> Badge:
        """Revoke a badge (admins): its bit is set in the status list, which verifiers read."""
        require(me, "admin")
        text = reason.strip()
        if not text:
            raise PmpathError(
                "give the reason for revoking: it is shown to whoever verifies the badge",
                Location(field_path=("reason",)),
            )
        if len(text) > MAX_REASON:
            raise PmpathError(
                f"the reason is {len(text)} characters long: keep it to {MAX_REASON}",
                Location(field_path=("reason",)),
            )
        with self.database.transaction() as session:
            row = store.by_public_id(session, public_id)
            if row is None:
                raise NotFoundError("there is no such badge", Location(field_path=("badge",)))
            if row.revoked_at is not None:
                raise ConflictError(f"this badge was already revoked on {_day(row.revoked_at)}")
            row.revoked_at = self.clock()
            row.revoked_reason = text
            row.revoked_by = me.id
            return self._badge(row)

    # -- verifying ----------------------------------------------------------------------------

    def verify_public(self, public_id: str) -> Verification:
        """Verify the badge ``public_id`` as anyone may (no sign-in)."""
        with self.database.transaction() as session:
            row = store.by_public_id(session, public_id)
            if row is None:
                raise NotFoundError("there is no such badge", Location(field_path=("badge",)))
            token = row.token
        return self.verify(token)

    def verify(self, token: str) -> Verification:
        """Verify a credential with the library's verifier: signature against the issuer's
        published key, OB 3.0 structure, dates and the revocation status list."""
        checked = ob.check(token, self.fetch)
        own = self._own_issuers()
        revoked_at = revoked_reason = public_id = None
        if checked.credential_id:
            with self.database.transaction() as session:
                row = store.by_credential_id(session, checked.credential_id)
                if row is not None and checked.issuer_id in own:
                    revoked_at, revoked_reason = row.revoked_at, row.revoked_reason
                    public_id = row.public_id
        reason = checked.reason
        detail = checked.detail
        if reason == "valid" and checked.issuer_id not in own:
            reason = "unknown-issuer"
            detail = (
                f"the signature is sound, but the issuer {checked.issuer_id} is not this "
                "pmpath site"
            )
        return Verification(
            valid=reason == "valid",
            reason=reason,
            headline=_headline(reason, checked, revoked_at, revoked_reason),
            detail=detail,
            issuer_name=checked.issuer_name,
            issuer_id=checked.issuer_id,
            own_issuer=checked.issuer_id in own,
            recipient=checked.recipient,
            achievement=checked.achievement,
            criteria=checked.criteria,
            evidence=checked.evidence,
            issued_at=checked.issued_at,
            revoked_at=revoked_at,
            revoked_reason=revoked_reason,
            public_id=public_id,
        )

    def _own_issuers(self) -> set[str]:
        key = self._key()
        # Its did:key too: a badge issued before the site had an HTTPS address stays ours.
        return {ob.issuer_did(self.site_url, key.public_pem), ob.issuer_did("", key.public_pem)}

    def fetch(self, url: str) -> bytes:
        """What a verifier downloads: this site's DID document and status lists are answered
        from the database (the site need not reach itself, nor be on HTTPS); any other URL
        goes to the library's HTTPS-only downloader, which refuses private addresses."""
        own = self.site_url + "/"
        origin = re.match(r"^[a-z]+://[^/]+", self.site_url)
        well_known = f"{origin.group(0) if origin else self.site_url}/.well-known/did.json"
        if url in (well_known, own + "did.json", own + ".well-known/did.json"):
            return json.dumps(self.did_document()).encode()
        if url.startswith(own):
            found = _OWN_STATUS.search(url[len(self.site_url) :])
            if found:
                return self.status_list(int(found.group(1))).encode()
        if self._network is not None:
            return self._network(url)
        from openbadgeslib.util import download_file

        return download_file(url)


def replace_site(service: BadgeService, site_url: str) -> BadgeService:
    """A copy of ``service`` for another site address."""
    copy = BadgeService.__new__(BadgeService)
    copy.__dict__.update(service.__dict__)
    copy.site_url = site_url.rstrip("/")
    return copy


def _status_entry(list_url: str, index: int) -> dict[str, Any]:
    from openbadgeslib.ob3 import status_entry

    return dict(status_entry(list_url, "revocation", index))


def _free_bit(session: Session) -> tuple[int, int]:
    """A random unused bit of the first status list less than half full."""
    number = 1
    while True:
        used = store.used_indices(session, number)
        if len(used) < STATUS_LIST_SIZE // 2:
            break
        number += 1
    while True:
        index = secrets.randbelow(STATUS_LIST_SIZE)
        if index not in used:
            return number, index


def _no_attempt(attempt_id: int) -> NotFoundError:
    return NotFoundError(f"you have no attempt {attempt_id}", Location(field_path=("attempt",)))


def _not_eligible(message: str) -> PmpathError:
    return PmpathError(message, Location(field_path=("attempt",)))


def _headline(
    reason: str,
    checked: ob.Checked,
    revoked_at: datetime | None,
    revoked_reason: str | None,
) -> str:
    """The verdict in one sentence."""
    who = checked.recipient or "its recipient"
    what = checked.achievement or "an achievement"
    issuer = checked.issuer_name or "its issuer"
    when = f" on {_day(checked.issued_at)}" if checked.issued_at else ""
    if reason == "valid":
        return f"Valid: issued by {issuer} to {who}{when} for “{what}”."
    if reason == "revoked":
        said = f"Not valid: revoked on {_day(revoked_at)}" if revoked_at else "Not valid: revoked"
        because = f" because “{revoked_reason}”" if revoked_reason else ""
        return f"{said}{because}. It was issued to {who}{when} for “{what}”."
    return {
        "tampered": "Not valid: the credential was changed after it was signed, or was not "
        "signed by the issuer it names.",
        "expired": "Not valid: the credential has expired.",
        "not-yet-valid": "Not valid yet: the credential's validity starts later.",
        "unknown-issuer": "Not valid here: its issuer is unknown to this site, or its key "
        "could not be found.",
        "status-unknown": "Could not be checked: the issuer's revocation list could not be "
        "read, so it may have been revoked.",
        "malformed": "Not valid: this is not an Open Badges 3.0 credential.",
    }[reason]
