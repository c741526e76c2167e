"""Between pmpath's exam items and the interchange quiz model, in both directions.

Export (pmpath -> quiz) keeps everything a quiz question can hold: the stem and the explanation
(Markdown), options with their rationales as per-answer feedback, keys as answer fractions,
numeric and short-answer *mistakes* as 0 % answers with feedback, and pmpath's metadata as
tags (``level:mid-career``, ``difficulty:3``, ``competency:prioritisation``, ``tag:okrs``),
the item id as the name and id number, and ``<bank>/<domain>`` as the category. A scenario
becomes a description question named ``scenario:<id>`` just before its items, which carry the
tag ``scenario:<id>``.

Import (quiz -> pmpath) reverses this, and maps what pmpath cannot hold by the rules below,
each time with a warning naming the question:

* essay, description (other than scenarios) and cloze questions are not exam items: they are
  left out of the bank;
* a gaps question becomes a gap item when it passes the bank format's rules (every gap has its
  right choice in a group of 2 or more, a choice that is not reusable fills one gap, ...);
  otherwise it is left out, the warning saying which rule it breaks;
* answer weights other than full and no credit are not kept: a single-answer question's key is
  its 100 % answer (or, without one, its best answer); a multiple-response question's keys are
  its answers with a positive weight, scored by pmpath's partial-credit rule;
* a question without ``level:``/``competency:``/``difficulty:`` tags gets the defaults given to
  the import (level, domain from the category's last part, difficulty 3, no competency).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pmpath.exams.gaps import MAX_CHOICES, MAX_GAPS, fill, placeholders
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
from pmpath.formats.numbers import number_text
from pmpath.formats.quiz import (
    SCENARIO_PREFIX,
    Answer,
    FormatWarning,
    MatchPair,
    QType,
    QuizQuestion,
    Text,
    TextFormat,
    Warn,
    warner,
)
from pmpath.formats.quiz import GapChoice as QuizGapChoice

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A kebab-case id from any text ("Product / Metrics" -> "product-metrics")."""
    return _SLUG.sub("-", text.lower()).strip("-") or "imported"


# -- pmpath -> quiz ---------------------------------------------------------------------------


def bank_to_quiz(bank: Bank) -> list[QuizQuestion]:
    """Every item of ``bank`` (and each scenario, once, before its items) as quiz questions."""
    questions: list[QuizQuestion] = []
    written: set[str] = set()
    for item in bank.items:
        if item.scenario and item.scenario not in written:
            written.add(item.scenario)
            scenario = bank.scenario(item.scenario)
            questions.append(
                QuizQuestion(
                    type=QType.DESCRIPTION,
                    name=SCENARIO_PREFIX + scenario.id,
                    text=Text(scenario.text, TextFormat.MARKDOWN),
                    default_grade=0.0,  # text only: worth no points in any LMS
                    category=f"{bank.id}/{scenario.domain}",
                    tags=[SCENARIO_PREFIX + scenario.id, "title:" + scenario.title],
                )
            )
        questions.append(item_to_quiz(item, bank.id))
    return questions


def item_to_quiz(item: Item, bank_id: str) -> QuizQuestion:
    tags = [f"level:{item.level}", f"difficulty:{item.difficulty}"]
    tags += [f"competency:{c}" for c in item.competencies]
    tags += [f"tag:{t}" for t in item.tags]
    if item.scenario:
        tags.append(SCENARIO_PREFIX + item.scenario)
    question = QuizQuestion(
        type=_QTYPE[item.type],
        name=item.id,
        id_number=item.id,
        text=Text(item.stem, TextFormat.MARKDOWN),
        general_feedback=Text(item.explanation, TextFormat.MARKDOWN),
        category=f"{bank_id}/{item.domain}",
        tags=tags,
    )
    if item.type in (ItemType.SINGLE, ItemType.TRUE_FALSE, ItemType.MULTIPLE):
        keys = len(item.key_ids)
        wrong = len(item.options) - keys
        question.single = item.type is not ItemType.MULTIPLE
        for option in item.options:
            if question.single:
                fraction = 1.0 if option.correct else 0.0
            else:
                # Moodle's convention for "select all": keys share the grade, wrong picks cost.
                fraction = 1.0 / keys if option.correct else -1.0 / wrong
            question.answers.append(
                Answer(
                    Text(option.text, TextFormat.MARKDOWN), fraction, _feedback(option.rationale)
                )
            )
    elif item.type is ItemType.NUMERIC:
        assert item.numeric is not None
        question.answers.append(
            Answer(
                Text(number_text(item.numeric.answer)),
                1.0,
                None,
                item.numeric.answer,
                item.numeric.tolerance,
            )
        )
        for mistake in item.mistakes:
            value = float(mistake.answer)
            question.answers.append(
                Answer(Text(mistake.answer), 0.0, _feedback(mistake.rationale), value, 0.0)
            )
        if item.numeric.unit:
            question.extra["unit"] = item.numeric.unit
    elif item.type is ItemType.SHORT_ANSWER:
        question.answers = [Answer(Text(a), 1.0) for a in item.accepted]
        question.answers += [
            Answer(Text(m.answer), 0.0, _feedback(m.rationale)) for m in item.mistakes
        ]
    elif item.type is ItemType.ORDERING:
        question.order = [Text(o.text, TextFormat.MARKDOWN) for o in item.options]
        question.extra["rationales"] = [o.rationale for o in item.options]
    elif item.type is ItemType.GAP:
        gap_to_quiz(item, question)
    elif item.type is ItemType.MATCHING:
        rights = {o.id: o for o in item.options}
        question.pairs = [
            MatchPair(
                Text(pair.left or "", TextFormat.MARKDOWN),
                rights[pair.right_id].text,
                _feedback(rights[pair.right_id].rationale),
            )
            for pair in item.pairs
        ]
    return question


_QTYPE = {
    ItemType.SINGLE: QType.MULTICHOICE,
    ItemType.MULTIPLE: QType.MULTICHOICE,
    ItemType.TRUE_FALSE: QType.TRUEFALSE,
    ItemType.NUMERIC: QType.NUMERICAL,
    ItemType.SHORT_ANSWER: QType.SHORTANSWER,
    ItemType.ORDERING: QType.ORDERING,
    ItemType.MATCHING: QType.MATCHING,
    ItemType.GAP: QType.GAPS,
}


def gap_to_quiz(item: Item, question: QuizQuestion) -> None:
    """A gap item's choices and text into ``question``: each ``[[gap]]`` of the stem becomes
    ``[[choice]]``, the number of its right choice (the quiz model's, and Moodle's, way)."""
    number_of = {option.id: n for n, option in enumerate(item.options, start=1)}
    keys = {gap.number: gap.key_id for gap in item.gaps}
    question.text = Text(
        fill(item.stem, lambda n: f"[[{number_of[keys[n]]}]]"), TextFormat.MARKDOWN
    )
    question.choices = [
        QuizGapChoice(
            Text(option.text, TextFormat.MARKDOWN),
            option.group if isinstance(option, GapChoice) else 1,
            option.reusable if isinstance(option, GapChoice) else False,
            _feedback(option.rationale),
        )
        for option in item.options
    ]


def _feedback(text: str) -> Text | None:
    return Text(text, TextFormat.MARKDOWN) if text else None


# -- quiz -> pmpath ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportDefaults:
    """What an imported question without pmpath tags gets."""

    level: str = "mid-career"
    difficulty: int = 3
    domain: str | None = None  # None: from the category's last part


def quiz_to_bank(
    questions: list[QuizQuestion], bank_id: str, defaults: ImportDefaults, known_levels: set[str]
) -> tuple[Bank, list[FormatWarning]]:
    """A pmpath bank from quiz questions, and a warning for every rule applied."""
    warnings: list[FormatWarning] = []
    items: list[Item] = []
    scenarios: dict[str, Scenario] = {}
    domains: dict[str, Domain] = {}
    used_ids: set[str] = set()
    for number, question in enumerate(questions, start=1):
        warn = warner(warnings, question, number)
        domain = defaults.domain or slug((question.category or "imported").split("/")[-1])
        domains.setdefault(
            domain,
            Domain(domain, (question.category or domain).split("/")[-1], "Imported questions."),
        )
        if question.type is QType.DESCRIPTION and (question.name or "").startswith(SCENARIO_PREFIX):
            scenario_id = slug(question.name[len(SCENARIO_PREFIX) :])  # type: ignore[index]
            title = next((t[6:] for t in question.tags if t.startswith("title:")), scenario_id)
            scenarios[scenario_id] = Scenario(
                scenario_id, title, question.text.text, domain, question.source
            )
            continue
        if question.type in (QType.ESSAY, QType.DESCRIPTION, QType.CLOZE):
            warn(
                f"{question.type.value} questions are not exam items in pmpath: "
                "left out of the bank"
            )
            continue
        item = _item(question, number, domain, defaults, known_levels, warn)
        if item is None:
            continue
        if item.id in used_ids:
            new_id = f"{item.id}-{number}"
            warn(f"id {item.id!r} is used twice: this one becomes {new_id!r}")
            item = replace(item, id=new_id)
        used_ids.add(item.id)
        if item.scenario and item.scenario not in scenarios:
            warn(f"its scenario {item.scenario!r} is not in the file: the item stands alone")
            item = replace(item, scenario=None)
        items.append(item)
    bank = Bank(
        bank_id,
        tuple(domains[d] for d in sorted({i.domain for i in items})),
        tuple(scenarios.values()),
        tuple(items),
    )
    return bank, warnings


def _tag_values(tags: list[str], prefix: str) -> list[str]:
    return [t[len(prefix) :] for t in tags if t.startswith(prefix)]


def _item(
    question: QuizQuestion,
    number: int,
    domain: str,
    defaults: ImportDefaults,
    known_levels: set[str],
    warn: Warn,
) -> Item | None:
    tags = question.tags
    level = next(iter(_tag_values(tags, "level:")), None)
    if level is None or level not in known_levels:
        if level is not None:
            warn(f"unknown level {level!r}: using {defaults.level!r}")
        level = defaults.level
    difficulty_text = next(iter(_tag_values(tags, "difficulty:")), None)
    difficulty = (
        int(difficulty_text)
        if difficulty_text and difficulty_text.isdigit() and 1 <= int(difficulty_text) <= 5
        else defaults.difficulty
    )
    competencies = tuple(_tag_values(tags, "competency:"))
    scenario_ids = _tag_values(tags, SCENARIO_PREFIX)
    common = Item(
        id=slug(question.id_number or question.name or f"#{number}"),
        domain=domain,
        type=ItemType.SINGLE,  # replaced below by the question's own type
        level=level,
        difficulty=difficulty,
        competencies=competencies,
        tags=tuple(_tag_values(tags, "tag:")) or tuple(slug(t) for t in tags if ":" not in t),
        scenario=slug(scenario_ids[0]) if scenario_ids else None,
        stem=question.text.text,
        explanation=question.general_feedback.text if question.general_feedback else "",
        source=question.source,
    )
    if not common.explanation:
        warn("no general feedback: the item has no explanation")
    kind = question.type
    if kind in (QType.MULTICHOICE, QType.TRUEFALSE):
        return _choice_item(question, common, warn)
    if kind is QType.NUMERICAL:
        best = max(question.answers, key=lambda a: a.fraction, default=None)
        if best is None or best.value is None:
            warn("a numerical question without a numeric answer: left out")
            return None
        if best.fraction < 1:
            warn(f"no 100 % answer: {best.text.text} ({best.fraction:.0%}) becomes the key")
        others = [a for a in question.answers if a is not best]
        for answer in others:
            if answer.fraction > 0:
                warn(f"partial credit {answer.fraction:.0%} for {answer.text.text} is not kept")
        mistakes = tuple(
            Mistake(a.text.text, a.feedback.text if a.feedback else "") for a in others
        )
        unit = question.extra.get("unit")
        return replace(
            common,
            type=ItemType.NUMERIC,
            numeric=NumericKey(
                best.value, best.tolerance or 0.0, unit if isinstance(unit, str) else None
            ),
            mistakes=mistakes,
        )
    if kind is QType.SHORTANSWER:
        accepted = tuple(a.text.text for a in question.answers if a.fraction >= 1)
        if not accepted:
            warn("no 100 % answer: left out")
            return None
        for answer in question.answers:
            if 0 < answer.fraction < 1:
                warn(f"partial credit {answer.fraction:.0%} for {answer.text.text!r} is not kept")
        mistakes = tuple(
            Mistake(a.text.text, a.feedback.text if a.feedback else "")
            for a in question.answers
            if a.fraction <= 0
        )
        return replace(common, type=ItemType.SHORT_ANSWER, accepted=accepted, mistakes=mistakes)
    if kind is QType.ORDERING:
        rationales = question.extra.get("rationales") or [""] * len(question.order)
        options = tuple(
            Option(_letter(i), t.text, True, str(r))
            for i, (t, r) in enumerate(zip(question.order, rationales, strict=False))
        )
        return replace(common, type=ItemType.ORDERING, options=options)
    if kind is QType.GAPS:
        return _gap_item(question, common, warn)
    if kind is QType.MATCHING:
        options = tuple(
            Option(_letter(i), p.right, bool(p.left.text), p.feedback.text if p.feedback else "")
            for i, p in enumerate(question.pairs)
        )
        pairs = tuple(Pair(p.left.text or None, _letter(i)) for i, p in enumerate(question.pairs))
        return replace(common, type=ItemType.MATCHING, options=options, pairs=pairs)
    warn(f"{kind.value} questions are not supported: left out")
    return None


def _gap_item(question: QuizQuestion, common: Item, warn: Warn) -> Item | None:
    """A gaps question as a gap item, or None (with a warning) when it breaks a rule of the
    bank format. The gaps are numbered in reading order."""
    choices = question.choices
    named = placeholders(question.text.text)
    broken = _gap_rule_broken(choices, named)
    if broken:
        warn(f"a gaps question {broken}: left out")
        return None
    for number, choice in enumerate(choices, start=1):
        if not choice.reusable and named.count(number) > 1:
            warn(f"the choice {choice.text.text!r} fills {named.count(number)} gaps: made reusable")
    counter = iter(range(1, len(named) + 1))
    stem = fill(question.text.text, lambda _: f"[[{next(counter)}]]")
    options = tuple(
        GapChoice(
            _letter(i),
            c.text.text,
            i + 1 in named,
            c.feedback.text if c.feedback else "",
            group=c.group,
            reusable=c.reusable or named.count(i + 1) > 1,
        )
        for i, c in enumerate(choices)
    )
    gaps = tuple(Gap(n, _letter(choice - 1)) for n, choice in enumerate(named, start=1))
    return replace(common, type=ItemType.GAP, stem=stem, options=options, gaps=gaps)


def _gap_rule_broken(choices: list[QuizGapChoice], named: list[int]) -> str | None:
    """Which rule of a gap item ``choices`` and the text's gaps (``named``, each its right
    choice's number) break, in words; None when they keep them all."""
    if not named:
        return "has no gaps in its text"
    if len(choices) > MAX_CHOICES:
        return f"has {len(choices)} choices, more than pmpath's {MAX_CHOICES}"
    if len(named) > MAX_GAPS:
        return f"has {len(named)} gaps, more than pmpath's {MAX_GAPS}"
    missing = sorted({n for n in named if not 1 <= n <= len(choices)})
    if missing:
        return f"has a gap [[{missing[0]}]] with no choice {missing[0]}"
    groups: dict[int, list[QuizGapChoice]] = {}
    for choice in choices:
        groups.setdefault(choice.group, []).append(choice)
    offered = {choices[n - 1].group for n in named}
    for group, members in groups.items():
        if group not in offered:
            return f"has choices no gap offers (group {group})"
        if len(members) < 2:
            return f"offers a gap only 1 choice (group {group})"
        texts = [member.text.text.strip().casefold() for member in members]
        if len(set(texts)) < len(texts):
            return f"has the same choice twice in group {group}"
        if any(not text for text in texts):
            return "has a choice with no text"
    return None


def _choice_item(question: QuizQuestion, common: Item, warn: Warn) -> Item | None:
    if not question.answers:
        warn("a choice question without answers: left out")
        return None
    best = max(a.fraction for a in question.answers)
    if best <= 0:
        warn("no answer earns credit: left out")
        return None
    if question.type is QType.TRUEFALSE:
        truth = next(
            (a.fraction > 0 for a in question.answers if a.text.text.lower() in ("true", "t")), True
        )
        true_false = (
            Option("a", "True", truth, _answer_feedback(question, "true")),
            Option("b", "False", not truth, _answer_feedback(question, "false")),
        )
        return replace(common, type=ItemType.TRUE_FALSE, options=true_false)
    if question.single:
        key_index = next((i for i, a in enumerate(question.answers) if a.fraction >= 1), None)
        if key_index is None:
            key_index = max(
                range(len(question.answers)), key=lambda i: question.answers[i].fraction
            )
            warn(f"no 100 % answer: the best one ({best:.0%}) becomes the key")
        for i, answer in enumerate(question.answers):
            if i != key_index and answer.fraction != 0:
                warn(
                    f"the weight {answer.fraction:.0%} of {answer.text.text!r} is not kept: "
                    "pmpath gives full or no credit"
                )
        options = tuple(
            Option(_letter(i), a.text.text, i == key_index, a.feedback.text if a.feedback else "")
            for i, a in enumerate(question.answers)
        )
        return replace(common, type=ItemType.SINGLE, options=options)
    options = tuple(
        Option(_letter(i), a.text.text, a.fraction > 0, a.feedback.text if a.feedback else "")
        for i, a in enumerate(question.answers)
    )
    return replace(common, type=ItemType.MULTIPLE, options=options)


def _answer_feedback(question: QuizQuestion, text: str) -> str:
    for answer in question.answers:
        if answer.text.text.lower() in (text, text[0]) and answer.feedback:
            return answer.feedback.text
    return ""


def _letter(index: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[index] if index < 26 else f"o{index}"
