"""Reading question banks written in pmpath's Markdown authoring format.

A bank is a folder of Markdown files, one per domain (docs/bank-format.md). Each file is a
sequence of blocks, each a YAML front matter between ``---`` lines and a Markdown body: the
file header (domain), scenarios (shared cases) and items. Every problem is reported with the
file, the line and the field; a bank with any problem raises :class:`BankError` with all of
them, and nothing half-read leaves this module.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pmpath.errors import BankError, FieldPath, Location, Problem
from pmpath.exams.gaps import MAX_CHOICES, MAX_GAPS, PLACEHOLDER
from pmpath.exams.items import (
    Bank,
    Domain,
    Gap,
    GapChoice,
    Item,
    ItemType,
    Mistake,
    NumericKey,
    Option,
    Pair,
    Scenario,
)
from pmpath.exams.reviews import REVIEWS_FOLDER, parse_reviews
from pmpath.framework import Framework
from pmpath.framework.model import Id
from pmpath.framework.versions import current_competency_id
from pmpath.localfiles import read_local_file
from pmpath.yamldoc import MAX_FILE_BYTES, YamlDocument

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

OPTION = re.compile(r"^- \[(?P<mark>[ xX])\] (?P<text>.+)$")
STEP = re.compile(r"^(?P<number>\d+)\. (?P<text>.+)$")
PAIR = re.compile(r"^- (?P<left>.+?) => (?P<right>.+)$")
RATIONALE = re.compile(r"^\s+: (?P<text>.+)$")
MISTAKE = re.compile(r"^- (?P<answer>.+?): (?P<text>.+)$")
NUMBER = r"-?\d+(?:\.\d+)?"
FIELD = re.compile(r"^(?P<name>Answer|Tolerance|Unit|Accept|Mistakes|Explanation):(?P<value>.*)$")
NO_LEFT = "(none)"
#: A gap item's choice: the gaps it is the right choice of ("[1]", "[1, 3]", "[ ]" for none).
GAP_CHOICE = re.compile(r"^- \[(?P<gaps>[^\]]*)\] (?P<reusable>\(reusable\) )?(?P<text>.*)$")
GAP_NUMBERS = re.compile(r"^\s*(?:\d+\s*(?:,\s*\d+\s*)*)?$")
CHOICES = re.compile(r"^Choices:\s*$")
GAP_PARTS = re.compile(r"^(?:Choices:\s*$|- \[)")


class _FileHeader(BaseModel):
    model_config = ConfigDict(extra="forbid")
    domain: Id
    name: Text


class _ScenarioHeader(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario: Id
    title: Text


class _ItemHeader(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id
    type: ItemType
    level: Id
    difficulty: int = Field(ge=1, le=5)
    competencies: list[Id] = Field(min_length=1, max_length=5)
    tags: list[Id] = Field(default_factory=list)
    scenario: Id | None = None


@dataclass
class _Block:
    """One front matter + body: ``front`` and ``body`` keep their first line numbers."""

    front: str
    front_line: int
    body: list[tuple[int, str]]


def load_bank(path: Path | str, framework: Framework, bank_id: str | None = None) -> Bank:
    """The bank in folder ``path`` (every ``*.md`` file, by name) or in one Markdown file."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.md"))
        if not files:
            raise BankError("no *.md files in this folder", Location(file=str(path)))
    elif path.exists():
        files = [path]  # read_local_file refuses devices, pipes and oversized files
    else:
        raise BankError("no such file or folder", Location(file=str(path)))
    texts = [(str(file), _read(file)) for file in files]
    reviews = _review_files(path / REVIEWS_FOLDER) if path.is_dir() else None
    return parse_bank(texts, framework, bank_id or path.stem, reviews)


def _review_files(folder: Path) -> list[tuple[str, str]] | None:
    """The review record's files, or None when the bank keeps no ``reviews/`` folder."""
    if not folder.is_dir():
        return None
    files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    strays = [p for p in files if p.suffix != ".yaml" or not p.is_file()]
    if strays:
        # A reviews.yml or a sub-folder would otherwise be skipped without a word, and the
        # reviews written in it silently missing from the coverage.
        raise BankError(
            [
                Problem(
                    "the review folder holds only <domain file name>.yaml files",
                    Location(file=str(p)),
                )
                for p in strays
            ]
        )
    return [(str(file), _read(file)) for file in files]


def parse_bank(
    files: list[tuple[str, str]],
    framework: Framework,
    bank_id: str,
    reviews: list[tuple[str, str]] | None = None,
) -> Bank:
    """The bank written in ``files`` ((name, text) pairs); raises :class:`BankError`.

    ``reviews``: the files of its review record ((name, text) pairs, see
    :mod:`pmpath.exams.reviews`), or None when it keeps none.
    """
    problems: list[Problem] = []
    domains: list[Domain] = []
    scenarios: list[Scenario] = []
    items: list[Item] = []
    for source, text in files:
        try:
            domain, file_scenarios, file_items = _parse_file(source, text, framework)
        except BankError as exc:
            problems += exc.problems
            continue
        domains.append(domain)
        scenarios += file_scenarios
        items += file_items
    problems += _unique(domains, "domain", lambda d: d.id)
    problems += _unique(scenarios, "scenario", lambda s: s.id)
    problems += _unique(items, "item", lambda i: i.id)
    if problems:
        raise BankError(problems)
    record = None if reviews is None else parse_reviews(reviews, items)
    return Bank(bank_id, tuple(domains), tuple(scenarios), tuple(items), record)


def _read(file: Path) -> str:
    try:
        return read_local_file(file, BankError, MAX_FILE_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BankError("is not UTF-8 text", Location(file=str(file))) from exc


def _unique(things: list[Any], kind: str, key: Any) -> Iterator[Problem]:
    seen: dict[str, Location] = {}
    for thing in things:
        thing_id = key(thing)
        if thing_id in seen:
            first = seen[thing_id]
            yield Problem(
                f"duplicate {kind} id {thing_id!r} (first at {first.file}:{first.line})",
                thing.source,
            )
        else:
            seen[thing_id] = thing.source


def _blocks(source: str, text: str) -> Iterator[_Block]:
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if lines[index].strip() == "":
            index += 1
            continue
        if lines[index].rstrip() != "---":
            raise BankError(
                "expected a block starting with '---' (front matter)",
                Location(file=source, line=index + 1),
            )
        end = index + 1
        while end < len(lines) and lines[end].rstrip() != "---":
            end += 1
        if end == len(lines):
            raise BankError(
                "front matter is not closed with '---'", Location(file=source, line=index + 1)
            )
        body_end = end + 1
        while body_end < len(lines) and lines[body_end].rstrip() != "---":
            body_end += 1
        yield _Block(
            "\n".join(lines[index + 1 : end]),
            index + 2,
            [(number + 1, lines[number]) for number in range(end + 1, body_end)],
        )
        index = body_end


def _parse_file(
    source: str, text: str, framework: Framework
) -> tuple[Domain, list[Scenario], list[Item]]:
    blocks = list(_blocks(source, text))
    if not blocks:
        raise BankError("the file has no blocks", Location(file=source, line=1))
    header = YamlDocument(blocks[0].front, source, BankError, blocks[0].front_line).validate(
        _FileHeader, "the file header"
    )
    domain = Domain(
        header.domain,
        header.name,
        _join(blocks[0].body),
        Location(file=source, line=blocks[0].front_line),
    )
    scenarios: list[Scenario] = []
    items: list[Item] = []
    problems: list[Problem] = []
    open_scenario: str | None = None
    for block in blocks[1:]:
        document = YamlDocument(block.front, source, BankError, block.front_line)
        where = Location(file=source, line=block.front_line)
        try:
            if (
                isinstance(document.data, dict)
                and "scenario" in document.data
                and "id" not in document.data
            ):
                head = document.validate(_ScenarioHeader, "a scenario's front matter")
                scenarios.append(
                    Scenario(head.scenario, head.title, _join(block.body), domain.id, where)
                )
                open_scenario = head.scenario
                continue
            item_head = document.validate(_ItemHeader, "an item's front matter")
            if item_head.scenario is not None and item_head.scenario != open_scenario:
                known = {s.id for s in scenarios}
                raise BankError(
                    f"scenario {item_head.scenario!r} "
                    + (
                        "must come directly before its items"
                        if item_head.scenario in known
                        else "is not defined in this file before the item"
                    ),
                    Location(
                        file=source, line=document.line_of(("scenario",)), field_path=("scenario",)
                    ),
                )
            if item_head.scenario is None:
                open_scenario = None
            _check_ids(item_head, framework, document)
            items.append(_item(item_head, domain.id, block.body, where))
        except BankError as exc:
            problems += exc.problems
    if problems:
        raise BankError(problems)
    return domain, scenarios, items


def _check_ids(head: _ItemHeader, framework: Framework, document: YamlDocument) -> None:
    problems = []
    if not framework.has("stage", head.level):
        stages = ", ".join(stage.id for stage in framework.stages)
        problems.append(
            document.problem(("level",), f"unknown level {head.level!r}; levels: {stages}")
        )
    current = []
    for index, comp in enumerate(head.competencies):
        # A bank written against an earlier framework version keeps loading: old ids are
        # read as the ids that replaced them (merged competencies become one).
        found = current_competency_id(framework, comp)
        if found is None:
            problems.append(
                document.problem(("competencies", index), f"unknown competency id {comp!r}")
            )
        else:
            current.append(found)
    if problems:
        raise BankError(problems)
    head.competencies = list(dict.fromkeys(current))


def _join(body: list[tuple[int, str]]) -> str:
    return "\n".join(line for _, line in body).strip()


# -- item bodies ---------------------------------------------------------------------------


@dataclass
class _Body:
    """An item body split into its parts, with line numbers for messages."""

    source: str
    stem: list[tuple[int, str]]
    parts: list[tuple[int, str]]  # option/step/pair lines and the fields, in order
    explanation: str
    explanation_line: int | None

    def problem(self, line: int | None, message: str, field: FieldPath = ()) -> BankError:
        return BankError(message, self.where(line, field))

    def where(self, line: int | None, field: FieldPath = ()) -> Location:
        return Location(file=self.source, line=line, field_path=field)


def _split(source: str, body: list[tuple[int, str]], kind: ItemType) -> _Body:
    """Stem, parts and explanation. Only the parts of ``kind`` end the stem, so a stem may hold
    bullet or numbered lists of its own."""
    starts = _PART_STARTS[kind]
    stem: list[tuple[int, str]] = []
    parts: list[tuple[int, str]] = []
    explanation: list[str] = []
    explanation_line = None
    in_parts = False
    for number, line in body:
        if explanation_line is not None:
            explanation.append(line)
            continue
        field = FIELD.match(line)
        if field and field.group("name") == "Explanation":
            explanation_line = number
            explanation.append(field.group("value"))
            continue
        if not in_parts and (field or starts.match(line)):
            in_parts = True
        (parts if in_parts else stem).append((number, line))
    return _Body(source, stem, parts, "\n".join(explanation).strip(), explanation_line)


def _item(head: _ItemHeader, domain: str, body: list[tuple[int, str]], where: Location) -> Item:
    source = where.file or ""
    parts = _split(source, body, head.type)
    stem = _join(parts.stem)
    if not stem:
        raise parts.problem(
            where.line, "the item has no stem (the question text after the front matter)"
        )
    if not parts.explanation:
        raise parts.problem(
            parts.explanation_line or where.line, "the item needs an 'Explanation:' of its key"
        )
    common: dict[str, Any] = {
        "id": head.id,
        "domain": domain,
        "type": head.type,
        "level": head.level,
        "difficulty": head.difficulty,
        "competencies": tuple(head.competencies),
        "tags": tuple(head.tags),
        "scenario": head.scenario,
        "stem": stem,
        "explanation": parts.explanation,
        "source": where,
    }
    parser = _PARSERS[head.type]
    return Item(**common, **parser(parts, where))


def _with_rationales(
    parts: _Body, pattern: re.Pattern[str], what: str
) -> list[tuple[int, re.Match[str], str]]:
    """Lines matching ``pattern``, each with the rationale line that must follow it."""
    found: list[tuple[int, re.Match[str], str]] = []
    lines = [(n, line) for n, line in parts.parts if line.strip()]
    index = 0
    while index < len(lines):
        number, line = lines[index]
        match = pattern.match(line)
        if match is None:
            raise parts.problem(number, f"expected {what}, got {line.strip()[:60]!r}")
        following = lines[index + 1][1] if index + 1 < len(lines) else ""
        rationale = RATIONALE.match(following)
        if rationale is None:
            raise parts.problem(
                number,
                f"{what} needs a rationale on the next line, indented and starting with ': '",
            )
        found.append((number, match, rationale.group("text").strip()))
        index += 2
    return found


def _choices(parts: _Body, where: Location) -> dict[str, Any]:
    found = _with_rationales(parts, OPTION, "an option '- [ ] text' or '- [x] text'")
    options = tuple(
        Option(_letter(i), match.group("text").strip(), match.group("mark") in "xX", rationale)
        for i, (_, match, rationale) in enumerate(found)
    )
    return {"options": options}


def _single(parts: _Body, where: Location) -> dict[str, Any]:
    result = _choices(parts, where)
    options = result["options"]
    keys = sum(option.correct for option in options)
    if len(options) < 3 or keys != 1:
        raise parts.problem(
            where.line,
            f"a single-answer item needs 3 or more options and exactly one [x] "
            f"(has {len(options)} options, {keys} marked)",
        )
    return result


def _multiple(parts: _Body, where: Location) -> dict[str, Any]:
    result = _choices(parts, where)
    options = result["options"]
    keys = sum(option.correct for option in options)
    # One key is allowed: "select all that apply" must not tell people there are at least two.
    if not 4 <= len(options) <= 8 or keys < 1:
        raise parts.problem(
            where.line,
            f"a multiple-response item needs 4-8 options and 1 or more [x] "
            f"(has {len(options)} options, {keys} marked)",
        )
    return result


def _true_false(parts: _Body, where: Location) -> dict[str, Any]:
    result = _choices(parts, where)
    options = result["options"]
    if [o.text for o in options] != ["True", "False"] or sum(o.correct for o in options) != 1:
        raise parts.problem(
            where.line, "a true-false item has exactly the options 'True' and 'False', one marked"
        )
    return result


def _fields(parts: _Body) -> tuple[dict[str, tuple[int, str]], list[Mistake]]:
    fields: dict[str, tuple[int, str]] = {}
    mistakes: list[Mistake] = []
    in_mistakes = False
    for number, line in parts.parts:
        if not line.strip():
            continue
        field = FIELD.match(line)
        if field:
            name = field.group("name")
            if name in fields:
                raise parts.problem(number, f"'{name}:' appears twice")
            fields[name] = (number, field.group("value").strip())
            in_mistakes = name == "Mistakes"
            continue
        mistake = MISTAKE.match(line)
        if in_mistakes and mistake:
            mistakes.append(Mistake(mistake.group("answer").strip(), mistake.group("text").strip()))
            continue
        raise parts.problem(number, f"unexpected line {line.strip()[:60]!r}")
    return fields, mistakes


def _numeric(parts: _Body, where: Location) -> dict[str, Any]:
    fields, mistakes = _fields(parts)
    values = {}
    for name in ("Answer", "Tolerance"):
        if name not in fields:
            raise parts.problem(where.line, f"a numeric item needs '{name}: <number>'")
        number, text = fields[name]
        if not re.fullmatch(NUMBER, text):
            raise parts.problem(
                number, f"'{name}:' must be a number with a dot for decimals, not {text!r}"
            )
        values[name] = float(text)
    if values["Tolerance"] < 0:
        raise parts.problem(fields["Tolerance"][0], "'Tolerance:' cannot be negative")
    unit = fields["Unit"][1] if "Unit" in fields and fields["Unit"][1] else None
    for mistake in mistakes:
        if not re.fullmatch(NUMBER, mistake.answer):
            raise parts.problem(
                fields["Mistakes"][0], f"mistake {mistake.answer!r} is not a number"
            )
    return {
        "numeric": NumericKey(values["Answer"], values["Tolerance"], unit),
        "mistakes": tuple(mistakes),
    }


def _short_answer(parts: _Body, where: Location) -> dict[str, Any]:
    fields, mistakes = _fields(parts)
    if "Accept" not in fields:
        raise parts.problem(where.line, "a short-answer item needs 'Accept: answer | other answer'")
    accepted = tuple(a.strip() for a in fields["Accept"][1].split("|") if a.strip())
    if not accepted:
        raise parts.problem(fields["Accept"][0], "'Accept:' lists no answer")
    return {"accepted": accepted, "mistakes": tuple(mistakes)}


def _ordering(parts: _Body, where: Location) -> dict[str, Any]:
    found = _with_rationales(parts, STEP, "a numbered step '1. text'")
    numbers = [int(match.group("number")) for _, match, _ in found]
    if numbers != list(range(1, len(found) + 1)) or not 3 <= len(found) <= 8:
        raise parts.problem(
            where.line,
            "an ordering item needs 3-8 steps numbered 1, 2, 3, ... in the correct order",
        )
    options = tuple(
        Option(_letter(i), match.group("text").strip(), True, rationale)
        for i, (_, match, rationale) in enumerate(found)
    )
    return {"options": options}


def _matching(parts: _Body, where: Location) -> dict[str, Any]:
    found = _with_rationales(parts, PAIR, "a pair '- left => right'")
    options = []
    pairs = []
    for i, (_, match, rationale) in enumerate(found):
        left = match.group("left").strip()
        option = Option(_letter(i), match.group("right").strip(), left != NO_LEFT, rationale)
        options.append(option)
        pairs.append(Pair(None if left == NO_LEFT else left, option.id))
    real = [pair for pair in pairs if pair.left is not None]
    if not 2 <= len(real) <= 8:
        raise parts.problem(where.line, "a matching item needs 2-8 pairs")
    if len({pair.left for pair in real}) != len(real):
        raise parts.problem(where.line, "a matching item's left-hand sides must differ")
    return {"options": tuple(options), "pairs": tuple(pairs)}


@dataclass
class _ChoiceLine:
    line: int
    index: int
    text: str
    gaps: tuple[int, ...]
    reusable: bool
    group: int
    rationale: str = ""

    @property
    def field(self) -> FieldPath:
        return ("choices", self.index)


def _gap(parts: _Body, where: Location) -> dict[str, Any]:
    """A gap item: numbered gaps in the stem, grouped choices marked with the gaps they fill.
    Every mistake is reported, each with its line and field (``[[n]]`` for a gap, ``stem``,
    ``choices[i]``)."""
    problems: list[Problem] = []
    found = _stem_gaps(parts, where, problems)
    choices = _gap_choices(parts, where, problems)
    keys: dict[int, _ChoiceLine] = {}
    for choice in choices:
        for number in choice.gaps:
            if number not in found:
                problems.append(
                    Problem(
                        f"marks gap [[{number}]], but the stem has no [[{number}]]",
                        parts.where(choice.line, choice.field),
                    )
                )
            elif number in keys:
                problems.append(
                    Problem(
                        f"gap [[{number}]] already has its right choice (line "
                        f"{keys[number].line}): a gap has one",
                        parts.where(choice.line, choice.field),
                    )
                )
            else:
                keys[number] = choice
        if len(choice.gaps) > 1 and not choice.reusable:
            problems.append(
                Problem(
                    "a choice fills one gap unless it is marked '(reusable)', as in "
                    f"'- [{', '.join(map(str, choice.gaps))}] (reusable) {choice.text[:30]}'",
                    parts.where(choice.line, choice.field),
                )
            )
    for number, line in found.items():
        if number not in keys:
            problems.append(
                Problem(
                    f"gap [[{number}]] has no right choice: mark one as '- [{number}] text'",
                    parts.where(line, (f"[[{number}]]",)),
                )
            )
    problems += _group_problems(parts, choices)
    if problems:
        raise BankError(sorted(problems, key=lambda problem: problem.location.line or 0))
    options = tuple(
        GapChoice(
            _letter(c.index), c.text, bool(c.gaps), c.rationale, group=c.group, reusable=c.reusable
        )
        for c in choices
    )
    gaps = tuple(Gap(number, _letter(keys[number].index)) for number in sorted(found))
    return {"options": options, "gaps": gaps}


def _stem_gaps(parts: _Body, where: Location, problems: list[Problem]) -> dict[int, int]:
    """The gaps of the stem by number, each with its line; numbered 1, 2, 3, ... as they
    appear, each once."""
    found: dict[int, int] = {}
    for line, text in parts.stem:
        for match in PLACEHOLDER.finditer(text):
            written = match.group(1)
            number = int(written)
            field: FieldPath = (f"[[{written}]]",)
            if written != str(number) or number == 0:
                problems.append(
                    Problem(
                        "gaps are numbered 1, 2, 3, ... without leading zeros",
                        parts.where(line, field),
                    )
                )
            elif number in found:
                problems.append(
                    Problem(
                        f"gap [[{number}]] is in the stem twice (first on line {found[number]}); "
                        "each gap is written once",
                        parts.where(line, field),
                    )
                )
            elif number != len(found) + 1:
                problems.append(
                    Problem(
                        f"the gaps are numbered 1, 2, 3, ... in the order they appear: "
                        f"[[{len(found) + 1}]] should come here, not [[{number}]]",
                        parts.where(line, field),
                    )
                )
                found[number] = line
            else:
                found[number] = line
    if not found and not problems:
        first = parts.stem[0][0] if parts.stem else where.line
        problems.append(
            Problem(
                "a gap item's stem marks its gaps [[1]], [[2]], ... where the choices go",
                parts.where(first, ("stem",)),
            )
        )
    if len(found) > MAX_GAPS:
        problems.append(
            Problem(
                f"a gap item has at most {MAX_GAPS} gaps (this one has {len(found)})",
                parts.where(where.line, ("stem",)),
            )
        )
    return found


def _gap_choices(parts: _Body, where: Location, problems: list[Problem]) -> list[_ChoiceLine]:
    """The choice lines with their rationales, each in its group (a 'Choices:' line starts
    the next group)."""
    choices: list[_ChoiceLine] = []
    group = 1
    empty_header: int | None = None  # the line of a 'Choices:' no choice has followed yet
    lines = [(n, line) for n, line in parts.parts if line.strip()]
    index = 0
    while index < len(lines):
        number, line = lines[index]
        index += 1
        if CHOICES.match(line):
            if empty_header is not None:
                problems.append(_empty_group(parts, empty_header))
            elif choices:
                group += 1
            empty_header = number
            continue
        empty_header = None
        choice = GAP_CHOICE.match(line)
        field: FieldPath = ("choices", len(choices))
        if choice is None:
            problems.append(
                Problem(
                    f"expected a choice '- [1] text' (or '- [ ] text' for one that fills no "
                    f"gap) or a 'Choices:' line, got {line.strip()[:60]!r}",
                    parts.where(number, field),
                )
            )
            continue
        text = choice.group("text").strip()
        following = lines[index][1] if index < len(lines) else ""
        rationale = RATIONALE.match(following)
        if rationale is not None:
            index += 1
        marks = choice.group("gaps")
        entry = _ChoiceLine(number, len(choices), text, (), bool(choice.group("reusable")), group)
        if not GAP_NUMBERS.match(marks):
            problems.append(
                Problem(
                    f"'[{marks}]': mark a choice with the gaps it fills, as '[1]' or '[1, 3]', "
                    "or '[ ]' when it fills none",
                    parts.where(number, field),
                )
            )
        else:
            entry.gaps = tuple(int(part) for part in marks.replace(",", " ").split())
        if not text:
            problems.append(Problem("the choice has no text", parts.where(number, field)))
        if rationale is None:
            problems.append(
                Problem(
                    "a choice needs a rationale on the next line, indented and starting with ': '",
                    parts.where(number, field),
                )
            )
        else:
            entry.rationale = rationale.group("text").strip()
        choices.append(entry)
    if empty_header is not None:
        problems.append(_empty_group(parts, empty_header))
    if len(choices) > MAX_CHOICES:
        problems.append(
            Problem(
                f"a gap item has at most {MAX_CHOICES} choices (this one has {len(choices)})",
                parts.where(choices[MAX_CHOICES].line, ("choices", MAX_CHOICES)),
            )
        )
    if not choices and not problems:
        problems.append(
            Problem(
                "a gap item needs its choices: '- [1] text' lines, each with a rationale",
                parts.where(where.line, ("choices",)),
            )
        )
    return choices


def _empty_group(parts: _Body, line: int) -> Problem:
    return Problem("a 'Choices:' line starts a group, but no choices follow it", parts.where(line))


def _group_problems(parts: _Body, choices: list[_ChoiceLine]) -> Iterator[Problem]:
    """Each group offers 2 or more different choices and is the right choice of some gap."""
    groups: dict[int, list[_ChoiceLine]] = {}
    for choice in choices:
        groups.setdefault(choice.group, []).append(choice)
    for group, members in groups.items():
        first = members[0]
        name = f"group {group}" if len(groups) > 1 else "the item"
        if len(members) < 2:
            yield Problem(
                f"{name} has 1 choice: a gap offers 2 or more to choose from",
                parts.where(first.line, first.field),
            )
        if not any(member.gaps for member in members):
            yield Problem(
                f"{name} is the right choice of no gap, so its choices would never be "
                "offered: mark the gap each fills, or remove them",
                parts.where(first.line, first.field),
            )
        seen: dict[str, int] = {}
        for member in members:
            text = member.text.casefold()
            if text in seen:
                yield Problem(
                    f"the choice {member.text!r} is already in its group (line {seen[text]})",
                    parts.where(member.line, member.field),
                )
            seen.setdefault(text, member.line)


_PART_STARTS = {
    ItemType.SINGLE: OPTION,
    ItemType.MULTIPLE: OPTION,
    ItemType.TRUE_FALSE: OPTION,
    ItemType.NUMERIC: FIELD,
    ItemType.SHORT_ANSWER: FIELD,
    ItemType.ORDERING: STEP,
    ItemType.MATCHING: PAIR,
    ItemType.GAP: GAP_PARTS,
}

_PARSERS = {
    ItemType.SINGLE: _single,
    ItemType.MULTIPLE: _multiple,
    ItemType.TRUE_FALSE: _true_false,
    ItemType.NUMERIC: _numeric,
    ItemType.SHORT_ANSWER: _short_answer,
    ItemType.ORDERING: _ordering,
    ItemType.MATCHING: _matching,
    ItemType.GAP: _gap,
}


def _letter(index: int) -> str:
    return string.ascii_lowercase[index]
