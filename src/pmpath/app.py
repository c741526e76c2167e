"""The application object: the database, the framework and every service, built once.

The CLI and the web app are two doors into this one house (as in datasette): the CLI builds
one lazily per set of options (:func:`pmpath.cli.application.application`), the web app one per
process, handed to routes by FastAPI dependencies (:mod:`pmpath.web.deps`). Each part is built
on first use, so ``pmpath roles`` never opens the database and ``pmpath db upgrade`` never
reads the question bank.

Nothing here holds per-user state: sessions, attempts and throttling live in the database, so
several app processes can serve one PostgreSQL behind a load balancer. What is cached is
immutable content (the framework, the bundled bank and blueprints) and, per process, which
bank each attempt was drawn from.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pmpath.settings import Settings

if TYPE_CHECKING:
    from pmpath.exams.blueprints import Blueprint
    from pmpath.exams.items import Bank
    from pmpath.framework import Framework
    from pmpath.services.accounts import AccountService, User
    from pmpath.services.assessments import AssessmentService
    from pmpath.services.badge_verification import BadgeVerificationService
    from pmpath.services.badges import BadgeService
    from pmpath.services.calibration_sessions import CalibrationSessionService
    from pmpath.services.check_ins import CheckInService
    from pmpath.services.colleague_ratings import ColleagueRatingService
    from pmpath.services.exams import ExamService
    from pmpath.services.imports import AuthorService, BankLibrary
    from pmpath.services.lti import LtiService
    from pmpath.services.lti_grades import LtiGradeService
    from pmpath.services.models.evidence import CompetencyEvidence
    from pmpath.services.models.exams import ExamCatalogue
    from pmpath.services.my_data import MyDataService
    from pmpath.services.people import PeopleService
    from pmpath.services.promotions import PromotionService
    from pmpath.services.psychometrics import PsychometricsService
    from pmpath.services.schema import SchemaService
    from pmpath.services.team_views import TeamViewService
    from pmpath.services.teams import TeamService
    from pmpath.services.xapi import XapiService
    from pmpath.store import Database

T = TypeVar("T")

#: How many attempts' banks a process remembers before starting over (a few MB at most).
ATTEMPT_BANKS_REMEMBERED = 200_000


class Pmpath:
    """pmpath for one settings object: one database, one framework, the services over them."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        database: Database | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``database`` and ``clock`` replace what ``settings`` would give (tests, benchmarks)."""
        self.settings = settings or Settings()
        if database is not None:
            self.database = database
        self._clock = clock
        self._attempt_banks: dict[int, str] = {}

    # -- what everything stands on -------------------------------------------------------------

    @cached_property
    def database(self) -> Database:
        """The database, opened on first use (SQLite is migrated then; others must be current)."""
        from pmpath.store import Database

        return Database.open(self.settings.database_url)

    @cached_property
    def framework(self) -> Framework:
        from pmpath.framework import bundled_framework_path, load_framework

        if self.settings.framework is not None:
            return load_framework(self.settings.framework)
        bundled = bundled_framework_path()
        return _cached("framework", [bundled], lambda: load_framework(bundled))

    @property
    def clock(self) -> Callable[[], datetime]:
        from pmpath.services.assessments import utc_now

        return self._clock or utc_now

    # -- the services ----------------------------------------------------------------------------

    @cached_property
    def schema(self) -> SchemaService:
        """The database's schema, without opening (and so migrating) the database first."""
        from pmpath.services.schema import SchemaService

        return SchemaService(self.settings.database_url)

    @cached_property
    def accounts(self) -> AccountService:
        from pmpath.services.accounts import AccountService

        return AccountService(self.database, self.clock)

    @cached_property
    def assessments(self) -> AssessmentService:
        from pmpath.services.assessments import AssessmentService

        return AssessmentService(self.database, self.framework, self.clock)

    @cached_property
    def teams(self) -> TeamService:
        """Organisations, teams, invitations (emailed when SMTP is configured) and privacy."""
        from pmpath.services.mail import Mailer
        from pmpath.services.teams import TeamService

        return TeamService(
            self.database,
            self.framework,
            self.assessments,
            self.clock,
            Mailer.from_settings(self.settings),
        )

    @cached_property
    def people(self) -> PeopleService:
        """Who is in an organisation and its teams, in what role; removing and leaving."""
        from pmpath.services.people import PeopleService

        return PeopleService(self.database)

    @cached_property
    def colleague_ratings(self) -> ColleagueRatingService:
        """Manager and peer ratings, the ratings side by side, requests to self-assess."""
        from pmpath.services.colleague_ratings import ColleagueRatingService

        return ColleagueRatingService(self.database, self.framework, self.teams.ladders, self.clock)

    @cached_property
    def my_data(self) -> MyDataService:
        """A member's own data: export everything about them, delete their account."""
        from pmpath.services.my_data import MyDataService

        return MyDataService(self.database, self.clock)

    @cached_property
    def calibration_sessions(self) -> CalibrationSessionService:
        """Raters' severities (many-facet model), calibration sessions and their audit trail."""
        from pmpath.services.calibration_sessions import CalibrationSessionService

        return CalibrationSessionService(self.database, self.colleague_ratings, self.clock)

    @cached_property
    def check_ins(self) -> CheckInService:
        """One-to-ones with goals tied to competencies and plan steps, and their history."""
        from pmpath.services.check_ins import CheckInService

        return CheckInService(self.database, self.colleague_ratings.rubric, self.clock)

    @cached_property
    def badges(self) -> BadgeService:
        """Open Badges 3.0 for passed exams and placements: issue, download, revoke."""
        from pmpath.services.badges import BadgeService

        return BadgeService(
            self.database,
            self.framework,
            self.exams_for_attempt,
            lambda: self.psychometrics,
            self.settings.public_url,
            self.clock,
        )

    @cached_property
    def badge_verification(self) -> BadgeVerificationService:
        """Open Badges 3.0 for anyone: verify a credential, the DID document, status lists."""
        from pmpath.services.badge_verification import BadgeVerificationService

        return BadgeVerificationService(self.database, self.settings.public_url, self.clock)

    @cached_property
    def team_views(self) -> TeamViewService:
        """A team's heat map, coverage, bench strength and what-if (managers and admins)."""
        from pmpath.services.team_views import TeamViewService

        return TeamViewService(self.database, self.teams, self.colleague_ratings.rubric, self.clock)

    @cached_property
    def lti(self) -> LtiService:
        """LTI 1.3: registered platforms, the tool's keys, launches and deep linking."""
        from pmpath.services.lti import LtiService

        return LtiService(self.database, self.catalogue, self.settings.public_url, self.clock)

    @cached_property
    def lti_grades(self) -> LtiGradeService:
        """LTI Advantage: grades back to the LMS (AGS), gradebook CSV, rosters in (NRPS)."""
        from pmpath.interop.lti.tool_conf import DatabaseToolConf
        from pmpath.services.lti_grades import LtiGradeService

        return LtiGradeService(
            self.database,
            DatabaseToolConf(self.database, self.clock).registration_of,
            lambda: {blueprint.id: blueprint.name for blueprint in self.blueprints},
            self.clock,
        )

    @cached_property
    def xapi(self) -> XapiService:
        """xAPI: statements of attempts, answers, self-assessments and placements, sent to the
        configured LRS through the outbox in the database."""
        from pmpath.services.xapi import XapiService

        return XapiService(
            self.database, self.framework, self.blueprints, self.settings.public_url, self.clock
        )

    @cached_property
    def promotions(self) -> PromotionService:
        """Promotion cases: the document, the recommendation and its decision."""
        from pmpath.services.promotions import PromotionService

        return PromotionService(
            self.database,
            self.colleague_ratings,
            self.evidence,
            lambda profile: self.psychometrics.readiness(profile),
            self.clock,
        )

    @cached_property
    def banks(self) -> BankLibrary:
        """The bundled bank, folders of Markdown files and the banks imported into the database."""
        from pmpath.services.imports import BankLibrary

        return BankLibrary(self.database, self.framework, self.clock)

    @cached_property
    def blueprints(self) -> list[Blueprint]:
        """The bundled exams, on the bundled bank."""
        from pmpath.exams.blueprints import bundled_blueprints_path, load_blueprints

        folder = bundled_blueprints_path()
        return self._on_bundled_content(
            "blueprints",
            [folder],
            lambda: load_blueprints(folder, self.framework, self._bundled_bank),
        )

    @cached_property
    def _bundled_bank(self) -> Bank:
        from pmpath.services.banks import bundled_bank_path, open_bank

        return self._on_bundled_content(
            "bank", [bundled_bank_path()], lambda: open_bank(self.framework)
        )

    def _on_bundled_content(self, kind: str, sources: list[Path], build: Callable[[], T]) -> T:
        """``build()``, kept between runs when it stands on the bundled framework (a user's
        framework can change what the content means, so then it is built afresh)."""
        if self.settings.framework is not None:
            return build()
        from pmpath.framework import bundled_framework_path

        return _cached(kind, [bundled_framework_path(), *sources], build)

    @cached_property
    def exams(self) -> ExamService:
        """Exams on the bundled bank; the bank and blueprints are read once per process."""
        from pmpath.services.exams import ExamService

        return ExamService(
            self.database, self.framework, self._bundled_bank, self.blueprints, self.clock
        )

    @cached_property
    def psychometrics(self) -> PsychometricsService:
        """IRT on the bundled bank: parameters, ability, readiness, the placement test."""
        from pmpath.services.psychometrics import PsychometricsService

        return PsychometricsService(
            self.database, self.framework, self._bundled_bank, self.blueprints, self.clock
        )

    @property
    def bundled_bank_size(self) -> int:
        """How many items the bundled bank holds."""
        return len(self._bundled_bank.items)

    @property
    def bundled_bank(self) -> Bank:
        """The bundled bank itself, without opening the database (``practice --help`` lists
        its domains and levels)."""
        return self._bundled_bank

    def catalogue(self) -> ExamCatalogue:
        """The bundled exams, from their blueprints alone (no database, no exam service)."""
        from pmpath.services.catalogue import exam_catalogue

        return exam_catalogue(self.blueprints)

    def author(self, acting: User | None) -> AuthorService:
        """What ``acting`` may do with banks as an author (ForbiddenError if not an author)."""
        from pmpath.services.imports import AuthorService

        return AuthorService(self.banks, acting)

    def evidence(self, profile: str) -> dict[str, CompetencyEvidence]:
        """What the learner's answers say beside each self-rating (see competency_evidence);
        for a profile that has taken no exam, nothing, found with one query and without
        reading the bank or loading the exam engine (a seventh of ``pmpath profile``'s
        start-up)."""
        if not self.assessments.took_exams(profile):
            return {}
        from pmpath.services.psychometrics import competency_evidence

        return competency_evidence(self.exams, self.psychometrics, profile)

    def exams_for(self, bank_id: str | None) -> ExamService:
        """Exams on the bank with id ``bank_id``: the bundled bank (with its blueprints), or
        an imported bank (without any)."""
        from pmpath.services.banks import BUNDLED_BANK_ID

        if bank_id in (None, BUNDLED_BANK_ID):
            return self.exams
        return self._exams_on(self.banks.open(bank_id))

    def exams_for_local(self, name: str | None) -> ExamService:
        """For the command line: like :meth:`exams_for`, and a folder of Markdown questions
        when ``name`` is a path that exists. The web never names files."""
        from pathlib import Path

        from pmpath.services.banks import BUNDLED_BANK_ID

        if name in (None, BUNDLED_BANK_ID) or not Path(name).exists():
            return self.exams_for(name)
        return self._exams_on(self.banks.open_local(name))

    def bank_for_local(self, name: str | None) -> Bank:
        """For the command line: the bundled bank (parsed once and kept between runs, and the
        database left closed), a folder or file of Markdown questions when ``name`` is a path
        that exists, else the imported bank with that id."""
        from pmpath.services.banks import BUNDLED_BANK_ID

        if name in (None, BUNDLED_BANK_ID):
            return self._bundled_bank
        return self.banks.open_local(name)

    def _exams_on(self, bank: Bank) -> ExamService:
        from pmpath.services.exams import ExamService

        return ExamService(self.database, self.framework, bank, [], self.clock)

    def exams_for_attempt(self, attempt_id: int) -> ExamService:
        """The exam service of the bank an attempt was drawn from (ownership is checked there).

        An attempt's bank never changes, so the answer is remembered in this process: the
        lookup would otherwise cost every answer a second transaction. Nothing is lost when
        another process answers instead; it simply looks the bank up once itself.
        """
        bank_id = self._attempt_banks.get(attempt_id)
        if bank_id is None:
            bank_id = self.exams.bank_of(attempt_id)
            if bank_id is None:
                return self.exams  # no such attempt: the service reports it as not found
            if len(self._attempt_banks) >= ATTEMPT_BANKS_REMEMBERED:
                self._attempt_banks.clear()
            self._attempt_banks[attempt_id] = bank_id
        return self.exams_for(bank_id)


def _cached(kind: str, sources: list[Path], build: Callable[[], T]) -> T:
    from pmpath.contentcache import cached

    return cached(kind, sources, build)


def sqlite_database_file(given: str | None = None) -> str | None:
    """The file of the database pmpath opens (``given``, else ``PMPATH_DATABASE_URL``, else the
    default) when it is a SQLite file, as an absolute path; else None (PostgreSQL, memory)."""
    import os

    from sqlalchemy.engine import make_url

    from pmpath.store.database import database_url

    try:
        url = make_url(database_url(given))
    except Exception:  # not a URL at all: the command that opens it says so itself
        return None
    if url.get_backend_name() != "sqlite" or url.query or url.database in (None, "", ":memory:"):
        return None
    return os.path.abspath(url.database)
