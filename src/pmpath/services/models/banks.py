"""What the services say about question banks: items with their keys (for authors), summaries,
lint findings, imports, exports and the list of banks."""

from __future__ import annotations

from typing import Literal, TypeAlias

from pydantic import Field
from typing_extensions import TypedDict

from pmpath.exams.items import ItemType
from pmpath.services.models import Result


# A typed dict rather than a model: a key is a plain JSON value like a response, which scripts
# and tests send back as an answer (json.dumps(key_of(item))).
class NumericKey(TypedDict):
    """The key of a numeric item: the answer, the tolerance either side, and the unit."""

    answer: float
    tolerance: float
    unit: str | None


#: The correct answer of an item, in the shape a response takes (pmpath.exams.scoring): an
#: option id (single, true-false), option ids (multiple; ordering in order), the accepted
#: answers (short-answer), left text -> option id (matching), gap number -> choice id (gap),
#: or a numeric key.
Key: TypeAlias = str | list[str] | NumericKey | dict[str, str]


class Mistake(Result):
    """A plausible wrong answer to a numeric or short-answer item, and why people give it."""

    answer: str
    rationale: str


class OptionDetail(Result):
    """An option with its correctness and rationale (for authors, never for learners)."""

    id: str
    text: str
    correct: bool
    rationale: str
    #: A gap item's choice: its group (the gaps it is offered at) and whether it may fill more
    #: than one gap. Absent for other items.
    group: int | None = Field(default=None, exclude_if=lambda value: value is None)
    reusable: bool | None = Field(default=None, exclude_if=lambda value: value is None)


class SourceLine(Result):
    """Where an item was written: file and line (None for imported banks without them)."""

    file: str | None
    line: int | None


class ItemDetail(Result):
    """Every field of an item, key and explanations included (for authors, never learners)."""

    id: str
    domain: str
    type: ItemType
    level: str
    difficulty: int
    competencies: list[str]
    tags: list[str]
    scenario: str | None
    stem: str
    options: list[OptionDetail]
    lefts: list[str]
    key: Key
    mistakes: list[Mistake]
    explanation: str
    source: SourceLine


class DomainCount(Result):
    id: str
    name: str
    items: int


class BankSummary(Result):
    """Counts by domain, level and type, and the share in scenario sets and numeric items."""

    id: str
    items: int
    domains: list[DomainCount]
    by_level: dict[str, int]
    by_type: dict[str, int]
    scenario_sets: int
    in_scenario_sets: int
    scenario_share: float
    numeric_share: float


class BankItems(Result):
    """A bank's summary and its items (all, or those of one domain and level)."""

    bank: BankSummary
    items: list[ItemDetail]


class LintFinding(Result):
    severity: Literal["error", "warning"]
    code: str
    message: str
    file: str | None
    line: int | None


class DomainReviewCoverage(Result):
    id: str
    items: int
    reviewed: int


class ReviewCoverage(Result):
    """How much of a bank its review record covers (docs/bank-format.md, section 6):
    ``reviewed`` of ``items`` have at least one entry; ``latest_found`` counts the verdicts of
    each reviewed item's latest review (ok, minor, major, not recorded)."""

    items: int
    reviewed: int
    share: float
    entries: int
    reviewers: list[str]
    latest_found: dict[str, int]
    domains: list[DomainReviewCoverage]
    unreviewed: list[str]


class LintReport(Result):
    """A bank checked against the item-writing guidelines; ``reviews`` is None for a bank
    that keeps no review record."""

    bank: BankSummary
    errors: int
    warnings: int
    findings: list[LintFinding]
    reviews: ReviewCoverage | None = None


class ImportWarning(Result):
    """Something of a quiz file that pmpath could not keep as it was."""

    message: str
    question: str | None
    file: str | None
    line: int | None


class ImportedBank(Result):
    id: str
    items: int
    scenarios: int


class ImportReport(Result):
    """What an import read, mapped and (unless a dry run) stored."""

    file: str
    format: str
    questions: int
    by_type: dict[str, int]
    categories: list[str]
    warnings: list[ImportWarning]
    bank: ImportedBank
    dry_run: bool
    stored: bool


class ExportWarning(Result):
    """Something of a bank that the format cannot hold, said once per question; ``left_out``:
    the question is not in the file at all, and this is why."""

    message: str
    question: str | None
    left_out: bool = False


class WarningSummary(Result):
    """One warning and every question it was given for (how the CLI and the page list them)."""

    message: str
    left_out: bool
    questions: list[str]


class ExportReport(Result):
    """What an export wrote: of the bank's ``questions`` (its items and, before them, one text
    question per scenario), ``written`` are in the file and ``left_out`` are not, each with the
    warning that says why; ``summary`` groups the warnings by message. ``output`` is the file
    the CLI wrote to (None elsewhere)."""

    bank: str
    format: str
    questions: int
    written: int
    left_out: int
    bytes: int
    warnings: list[ExportWarning]
    summary: list[WarningSummary]
    output: str | None = None


class StoredBank(Result):
    """A bank imported into the database."""

    id: str
    name: str
    source: str
    items: int
    created_at: str


class BankListing(Result):
    """The imported banks, and the id of the bundled one."""

    banks: list[StoredBank]
    bundled: str
