"""Importing quiz files into banks and exporting banks to quiz formats.

An import reads the whole file, maps every question, and only then stores the bank in one
transaction: a file with an error stores nothing, and a dry run stores nothing at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pmpath.errors import FormatError, Location, NotFoundError
from pmpath.exams.items import Bank
from pmpath.formats import registry
from pmpath.formats.mapping import ImportDefaults, bank_to_quiz, quiz_to_bank, slug
from pmpath.formats.quiz import QuizFile
from pmpath.framework import Framework
from pmpath.localfiles import read_local_file
from pmpath.services.accounts import User, require
from pmpath.services.assessments import utc_now
from pmpath.services.banks import BUNDLED_BANK_ID, lint_report, open_bank
from pmpath.services.models.banks import (
    BankListing,
    ExportReport,
    ExportWarning,
    ImportedBank,
    ImportReport,
    ImportWarning,
    LintReport,
    StoredBank,
    WarningSummary,
)
from pmpath.store import Database
from pmpath.store import banks as stored_banks


def read_file(path: Path) -> bytes:
    return read_local_file(path, FormatError)


def read_quiz(data: bytes, source: str, format_name: str | None) -> tuple[str, QuizFile]:
    """The questions of a quiz file, in the given format or the one detected."""
    name = format_name or registry.detect(data, source)
    quiz: QuizFile = registry.module(name).read(data, source)
    return name, quiz


class BankLibrary:
    """Banks: the bundled one, folders of Markdown files, and banks imported into the database."""

    def __init__(
        self, database: Database, framework: Framework, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.database = database
        self.framework = framework
        self.clock = clock

    def open(self, bank_id: str | None) -> Bank:
        """The bank with id ``bank_id``: the bundled one (the default) or one imported into the
        database. Never a path: a request names banks, not files on the server."""
        if bank_id is None or bank_id == BUNDLED_BANK_ID:
            return open_bank(self.framework)
        with self.database.transaction() as session:
            row = stored_banks.find(session, bank_id)
            if row is None:
                raise NotFoundError(
                    f"no bank {bank_id!r}: not the bundled bank or an imported bank"
                )
            return stored_banks.load(row, self.framework)

    def open_local(self, name: str | None) -> Bank:
        """For the command line: a folder or file of Markdown questions when ``name`` is a path
        that exists, else the bank with that id (see :meth:`open`)."""
        if name is not None and name != BUNDLED_BANK_ID and Path(name).exists():
            return open_bank(self.framework, Path(name))
        return self.open(name)

    def import_file(
        self,
        path: Path,
        format_name: str | None = None,
        bank_id: str | None = None,
        defaults: ImportDefaults | None = None,
        dry_run: bool = False,
        replace: bool = False,
    ) -> ImportReport:
        """Read, map and (unless ``dry_run``) store a quiz file as a bank; returns the report."""
        return self.import_data(
            read_file(path), str(path), format_name, bank_id, defaults, dry_run, replace
        )

    def import_data(
        self,
        data: bytes,
        source: str,
        format_name: str | None = None,
        bank_id: str | None = None,
        defaults: ImportDefaults | None = None,
        dry_run: bool = False,
        replace: bool = False,
    ) -> ImportReport:
        """Like :meth:`import_file`, for bytes that came from elsewhere (an upload)."""
        name, quiz = read_quiz(data, source, format_name)
        target = slug(bank_id or Path(source).stem)
        if target == BUNDLED_BANK_ID:
            raise FormatError(
                f"{BUNDLED_BANK_ID!r} is the bundled bank; choose another --bank",
                Location(field_path=("bank",)),
            )
        known_levels = {stage.id for stage in self.framework.stages}
        chosen = defaults or ImportDefaults()
        if chosen.level not in known_levels:
            raise NotFoundError(
                f"unknown level {chosen.level!r}; levels: {', '.join(sorted(known_levels))}",
                Location(field_path=("level",)),
            )
        bank, mapping_warnings = quiz_to_bank(quiz.questions, target, chosen, known_levels)
        warnings = quiz.warnings + mapping_warnings
        stored = False
        if not dry_run and bank.items:
            with self.database.transaction() as session:
                if stored_banks.find(session, target) is not None and not replace:
                    raise FormatError(
                        f"a bank {target!r} exists already; use --replace to replace it",
                        Location(field_path=("replace",)),
                    )
                # The name as the author gave it ("Team quiz"); the id is its slug.
                title = " ".join((bank_id or Path(source).stem).split())[:200] or target
                stored_banks.save(session, bank, title, source, self.clock())
                stored = True
        return ImportReport(
            file=source,
            format=name,
            questions=len(quiz.questions),
            by_type=dict(Counter(q.type.value for q in quiz.questions)),
            categories=sorted({q.category for q in quiz.questions if q.category}),
            warnings=[
                ImportWarning(
                    message=w.message,
                    question=w.question,
                    file=w.location.file,
                    line=w.location.line,
                )
                for w in warnings
            ],
            bank=ImportedBank(id=target, items=len(bank.items), scenarios=len(bank.scenarios)),
            dry_run=dry_run,
            stored=stored,
        )

    def export(self, bank: Bank, format_name: str) -> tuple[bytes, ExportReport]:
        """``bank`` written in ``format_name``, and a report: how many questions the file
        holds, which were left out and why, and every warning once per question."""
        questions = bank_to_quiz(bank)
        data, warnings = registry.module(format_name, writing=True).write(questions)
        unique = [
            ExportWarning(message=w.message, question=w.question, left_out=w.left_out)
            for w in dict.fromkeys(warnings)
        ]
        left_out = sum(1 for warning in unique if warning.left_out)
        return data, ExportReport(
            bank=bank.id,
            format=format_name,
            questions=len(questions),
            written=len(questions) - left_out,
            left_out=left_out,
            bytes=len(data),
            warnings=unique,
            summary=_summary(unique),
        )

    def listing(self) -> BankListing:
        """The banks imported into the database, and the bundled bank's id."""
        with self.database.transaction() as session:
            rows = stored_banks.listing(session)
            return BankListing(
                banks=[
                    StoredBank(
                        id=r.id,
                        name=r.name,
                        source=r.source,
                        items=len(r.items),
                        created_at=r.created_at.isoformat(timespec="seconds"),
                    )
                    for r in rows
                ],
                bundled=BUNDLED_BANK_ID,
            )


def _summary(warnings: list[ExportWarning]) -> list[WarningSummary]:
    """The warnings grouped by what they say: the reasons questions were left out first, then
    the others, each group in the order it first came."""
    groups: dict[tuple[bool, str], list[str]] = {}
    for warning in warnings:
        questions = groups.setdefault((warning.left_out, warning.message), [])
        if warning.question and warning.question not in questions:
            questions.append(warning.question)
    ordered = sorted(groups.items(), key=lambda group: not group[0][0])
    return [
        WarningSummary(message=message, left_out=left_out, questions=questions)
        for (left_out, message), questions in ordered
    ]


class AuthorService:
    """What authors may do with banks: import, export, lint, item statistics. Checks the role."""

    def __init__(self, library: BankLibrary, acting: User | None) -> None:
        self.library = library
        self.user = require(acting, "author")

    def banks(self) -> BankListing:
        return self.library.listing()

    def import_data(
        self,
        data: bytes,
        source: str,
        format_name: str | None = None,
        bank_id: str | None = None,
        defaults: ImportDefaults | None = None,
        dry_run: bool = False,
        replace: bool = False,
    ) -> ImportReport:
        return self.library.import_data(
            data, source, format_name, bank_id, defaults, dry_run, replace
        )

    def export(self, bank: str, format_name: str) -> tuple[bytes, ExportReport]:
        return self.library.export(self.library.open(bank), format_name)

    def lint(self, bank: str) -> LintReport:
        return lint_report(self.library.open(bank))
