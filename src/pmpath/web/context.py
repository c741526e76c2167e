"""What every request shares: the database, the framework and the services over them.

Nothing here holds per-user state: sessions, attempts and throttling live in the database,
so several app processes can serve one PostgreSQL behind a load balancer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pmpath.framework import Framework, bundled_framework_path, load_framework
from pmpath.services.accounts import AccountService
from pmpath.services.assessments import AssessmentService
from pmpath.services.exams import ExamService
from pmpath.services.psychometrics import PsychometricsService, competency_evidence
from pmpath.store import Database

#: How many attempts' banks a process remembers before starting over (a few MB at most).
ATTEMPT_BANKS_REMEMBERED = 200_000


@dataclass
class WebSettings:
    database_url: str | None = None
    framework_path: Path | None = None
    #: "auto": Secure cookies when the request came over HTTPS (directly or per
    #: X-Forwarded-Proto from a trusted proxy); "always" or "never" to force.
    secure_cookies: str = "auto"
    trust_proxy_headers: bool = False


@dataclass
class AppContext:
    settings: WebSettings
    database: Database
    framework: Framework = field(init=False)
    _attempt_banks: dict[int, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.framework = load_framework(self.settings.framework_path or bundled_framework_path())

    @classmethod
    def open(cls, settings: WebSettings) -> AppContext:
        return cls(settings, Database.open(settings.database_url))

    @cached_property
    def accounts(self) -> AccountService:
        return AccountService(self.database)

    @cached_property
    def assessments(self) -> AssessmentService:
        return AssessmentService(self.database, self.framework)

    @cached_property
    def exams(self) -> ExamService:
        """Exams on the bundled bank; the bank and blueprints are read once per process."""
        from pmpath.exams.blueprints import bundled_blueprints_path, load_blueprints
        from pmpath.services.banks import open_bank

        bank = open_bank(self.framework)
        blueprints = load_blueprints(bundled_blueprints_path(), self.framework, bank)
        return ExamService(self.database, self.framework, bank, blueprints)

    @cached_property
    def psychometrics(self) -> PsychometricsService:
        """IRT on the bundled bank: parameters, ability, readiness, the placement test."""
        exams = self.exams
        return PsychometricsService(
            self.database, self.framework, exams.bank, list(exams.blueprints.values())
        )

    def evidence(self, profile: str) -> dict[str, Any]:
        """What the learner's answers say beside each self-rating (see competency_evidence)."""
        return competency_evidence(self.exams, self.psychometrics, profile)

    def exams_for(self, bank_id: str | None) -> ExamService:
        """Exams on ``bank_id``: the bundled bank, or a bank imported into the database."""
        from pmpath.services.banks import BUNDLED_BANK_ID
        from pmpath.services.imports import BankLibrary

        if bank_id in (None, BUNDLED_BANK_ID):
            return self.exams
        bank = BankLibrary(self.database, self.framework).open(bank_id)
        return ExamService(self.database, self.framework, bank, [])

    def exams_for_attempt(self, attempt_id: int) -> ExamService:
        """The exam service of the bank an attempt was drawn from (ownership is checked there).

        An attempt's bank never changes, so the answer is remembered in this process: the
        lookup would otherwise cost every answer a second transaction. Nothing is lost when
        another process answers instead; it simply looks the bank up once itself.
        """
        from sqlalchemy import select

        from pmpath.store.tables import AttemptRow

        bank_id = self._attempt_banks.get(attempt_id)
        if bank_id is None:
            with self.database.transaction() as session:
                bank_id = session.scalar(
                    select(AttemptRow.bank_id).where(AttemptRow.id == attempt_id)
                )
            if bank_id is None:
                return self.exams  # no such attempt: the service reports it as not found
            if len(self._attempt_banks) >= ATTEMPT_BANKS_REMEMBERED:
                self._attempt_banks.clear()
            self._attempt_banks[attempt_id] = bank_id
        return self.exams_for(bank_id)
