"""An organisation's own career ladder: uploaded versions (every upload a new one, the earlier
ones kept), checked with the framework file's errors (file, line, field), and self-assessments
of its members on the newest version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pmpath.assessment.answers import answers_from_data
from pmpath.errors import ForbiddenError, FrameworkError, Location, NotFoundError
from pmpath.framework import Framework
from pmpath.framework.loading import parse_framework
from pmpath.services.accounts import User
from pmpath.services.assessments import AssessmentService, utc_now
from pmpath.services.membership import standing
from pmpath.services.models.assessments import RecordedAssessment
from pmpath.services.models.teams import LadderVersion, LadderVersions
from pmpath.store import Database
from pmpath.store import organisations as store
from pmpath.store.tables import OrganisationFrameworkRow

#: The largest ladder file an organisation may upload (the bundled ladder is about 290 KB).
MAX_LADDER_BYTES = 2 * 1024 * 1024
#: How many parsed organisation ladders a process keeps (each is immutable once uploaded).
LADDERS_KEPT = 64


class OrganisationLadders:
    """The organisations' own ladders in one database."""

    def __init__(self, database: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self.database = database
        self.clock = clock
        #: {(organisation id, version): the parsed ladder}: checking a file takes up to a second.
        self._parsed: dict[tuple[int, int], Framework] = {}

    def upload(self, me: User, organisation_id: int, text: str, filename: str) -> LadderVersion:
        """Check a framework file and keep it as the organisation's next ladder version
        (organisation admins only). A file with problems raises FrameworkError naming each
        one by file, line and field, and stores nothing."""
        filename = (filename.replace("\\", "/").rsplit("/", 1)[-1] or "ladder.yaml")[:200]
        with self.database.read() as session:
            if not standing(session, me, organisation_id).admin:
                raise ForbiddenError("only an organisation admin can upload the ladder")
        if len(text.encode()) > MAX_LADDER_BYTES:
            raise FrameworkError(
                f"a ladder file may be up to {MAX_LADDER_BYTES // (1024 * 1024)} MB",
                Location(file=filename),
            )
        # Checked outside the transaction: the bundled ladder takes about a second to check.
        framework = parse_framework(text, filename)
        now = self.clock()
        with self.database.transaction() as session:
            version = store.newest_framework_version(session, organisation_id) + 1
            store.add_framework(
                session,
                OrganisationFrameworkRow(
                    organisation_id=organisation_id,
                    version=version,
                    framework_id=framework.id,
                    name=framework.name,
                    file_version=framework.version,
                    filename=filename,
                    text=text,
                    uploaded_by=me.id,
                    uploaded_at=now,
                ),
            )
        return LadderVersion(
            version=version,
            framework_id=framework.id,
            name=framework.name,
            file_version=framework.version,
            filename=filename,
            uploaded_at=now,
            uploaded_by=me.name,
        )

    def versions(self, me: User, organisation_id: int) -> LadderVersions:
        """Every uploaded version of the organisation's ladder, newest first (its members)."""
        with self.database.read() as session:
            standing(session, me, organisation_id)
            rows = store.frameworks(session, organisation_id)
            return LadderVersions(
                organisation_id=organisation_id,
                versions=[
                    LadderVersion(
                        version=row.version,
                        framework_id=row.framework_id,
                        name=row.name,
                        file_version=row.file_version,
                        filename=row.filename,
                        uploaded_at=row.uploaded_at,
                        uploaded_by=row.uploaded_by,
                    )
                    for row in rows
                ],
            )

    def text(self, me: User, organisation_id: int, version: int) -> str:
        """The file of one ladder version, as uploaded (its members)."""
        with self.database.read() as session:
            standing(session, me, organisation_id)
            text = store.framework_text(session, organisation_id, version)
        if text is None:
            raise NotFoundError(f"there is no ladder version {version}")
        return text

    def assess(self, me: User, organisation_id: int, answers: object) -> RecordedAssessment:
        """Record ``me``'s whole self-assessment (an answers file's data) on the newest version
        of the organisation's own ladder, checked against that ladder (its members only;
        NotFoundError while it has none). The assessment keeps the ladder's id and version."""
        with self.database.read() as session:
            standing(session, me, organisation_id)
        ladder = self.newest(organisation_id)
        if ladder is None:
            raise NotFoundError("the organisation has not uploaded its own ladder yet")
        assessment = answers_from_data(answers, ladder)
        on_ladder = AssessmentService(self.database, ladder, self.clock)
        recorded = on_ladder.submit(me.profile, assessment, source="api")
        return recorded.model_copy(update={"profile": "me"})

    def for_member(self, me: User, organisation_id: int) -> tuple[str, Framework]:
        """The organisation's name and the newest version of its ladder, for its members
        (NotFoundError for anyone else, and while it has no ladder of its own)."""
        with self.database.read() as session:
            name = standing(session, me, organisation_id).organisation
        ladder = self.newest(organisation_id)
        if ladder is None:
            raise NotFoundError(f"{name} has not uploaded its own ladder yet")
        return name, ladder

    def newest(self, organisation_id: int) -> Framework | None:
        """The newest version of the organisation's own ladder, parsed once per process (and
        outside any transaction: checking a large file takes up to a second)."""
        with self.database.read() as session:
            version = store.newest_framework_version(session, organisation_id)
            found = self._parsed.get((organisation_id, version))
            text = store.framework_text(session, organisation_id, version) if found is None else ""
        if not version:
            return None
        if found is None:
            found = parse_framework(text or "", f"ladder-v{version}.yaml")
            if len(self._parsed) >= LADDERS_KEPT:
                self._parsed.clear()
            self._parsed[(organisation_id, version)] = found
        return found
