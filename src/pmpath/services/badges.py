"""Open Badges 3.0 (issue #20): issuing a signed badge for a passed mock exam or a finished
placement test, a learner's badges and their downloads, and, for admins, the list of every badge
issued and revoking one through the issuer's Bitstring Status List.

The rules, checked here so every interface gets them:

- a learner claims a badge for their own finished attempt that earns one: a mock exam (fixed
  form) with a score at or above its pass mark, an adaptive exam classified as passed, or the
  placement test; someone else's attempt is not found, an unfinished, failed or practice attempt
  is refused (422) and nothing is issued; claiming again returns the same badge;
- a badge's page and downloads are its learner's and the admins'; its verification is public
  (:mod:`pmpath.services.badge_verification`, with the status lists verifiers read);
- only an admin revokes, with a reason; revoking twice is a conflict;
- a badge's bit in the status list is its for good: when its holder deletes their account the
  badge row goes (and with it the badge's page and pmpath's verify-by-id), but the bit stays as
  it was and is never drawn again, so the credential already handed out keeps verifying as it
  did (valid stays valid, revoked stays revoked) and revoking a later badge touches only that.

The content of the credential and the signing are :mod:`pmpath.interop.badges`, over
openbadgeslib. The issuer's Ed25519 key is :mod:`pmpath.services.badge_issuer`'s.
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
from pmpath.services.badge_issuer import issuer_key, site_address, status_list_url
from pmpath.services.models.badges import (
    Badge,
    BadgeAlignment,
    BadgeFile,
    BadgeFormat,
    Claimable,
    IssuedBadge,
    IssuedBadges,
    MyBadges,
)
from pmpath.store import Database
from pmpath.store import badges as store
from pmpath.store.attempts import ADAPTIVE, MOCK
from pmpath.store.tables import AttemptRow
from pmpath.store.tables_badges import BadgeRow

if TYPE_CHECKING:
    from pmpath.framework import Framework
    from pmpath.services.exams import ExamService
    from pmpath.services.psychometrics import PsychometricsService

#: The issuer's name in every badge.
ISSUER_NAME = "pmpath"
#: Entries per status list (the W3C minimum, so a list's population hides in a large set). A
#: list takes new badges until half its bits are used, so a free random bit is found at once.
STATUS_LIST_SIZE = 131072
#: The placement test's id (pmpath.services.placement.PLACEMENT_ID).
PLACEMENT = "placement"
MAX_REASON = 500
#: How many badges the admins' list shows.
ADMIN_LIST_LIMIT = 500


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


class BadgeService:
    """Issuing badges, a learner's badges and their downloads, and the admins' list and
    revocation, for the site at ``site_url`` (verifying is :class:`BadgeVerificationService`'s)."""

    def __init__(
        self,
        database: Database,
        framework: Framework,
        exams_for_attempt: Callable[[int], ExamService],
        psychometrics: Callable[[], PsychometricsService],
        site_url: str | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.framework = framework
        self.exams_for_attempt = exams_for_attempt
        self.psychometrics = psychometrics
        self.site_url = site_address(site_url)
        self.clock = clock

    def at(self, site_url: str) -> BadgeService:
        """The same service for a site reached at ``site_url`` (a request's address, when no
        public address is configured)."""
        return BadgeService(
            self.database,
            self.framework,
            self.exams_for_attempt,
            self.psychometrics,
            site_url,
            self.clock,
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
        key = issuer_key(self.database, self.clock)
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
                    # Taken for good: the entry outlives the badge row (see tables_badges).
                    store.take_status_entry(session, number, index)
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
                        status=_status_entry(status_list_url(self.site_url, number), index),
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
            store.set_status_bit(session, row)
            return self._badge(row)


def _status_entry(list_url: str, index: int) -> dict[str, Any]:
    from openbadgeslib.ob3 import status_entry

    return dict(status_entry(list_url, "revocation", index))


def _free_bit(session: Session) -> tuple[int, int]:
    """A random bit of the first status list less than half full that no badge ever had, not
    even one whose account was deleted since (its credential is still read against it)."""
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
