"""``inlineChoiceInteraction`` and ``gapMatchInteraction``: a text with gaps, each filled by
choosing from a list (the quiz model's gaps question, pmpath's gap item).

Read: every inline choice interaction is one gap offering its own choices (interactions that
offer the same choices share one group); a gap match interaction's ``gap`` elements are the
gaps and its ``gapText`` choices one group shared by all of them, a choice whose ``matchMax``
is not 1 being reusable. The response declarations' correct responses (else their best mapped
values) give each gap its right choice, and the interaction (or gap) becomes ``[[n]]`` in the
text, ``n`` the right choice's number. Choices are numbered in the order they first appear,
except those pmpath writes (identifiers ``C1``, ``C2``, ...), which keep their numbers.

Written: a gap match when every choice is in one group and there are several gaps (one shared
list, ``matchMax`` 1 for a once-only choice and 0 for a reusable one), else one inline choice
interaction per gap offering its group's choices (an item read from QTI keeps its kind when
the other can hold it). Either way each gap filled with its right choice earns an equal share
of the grade, as in pmpath (a gap match read with all-or-nothing scoring keeps it). Inline
choices say nothing of reuse, and neither interaction has a place for a choice's rationale:
pmpath's metadata in the package keeps both for pmpath (see ``_markdown``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.exams.gaps import PLACEHOLDER, placeholders
from pmpath.formats.numbers import number_text
from pmpath.formats.qti21._html import plain_text
from pmpath.formats.qti21._processing import Declaration
from pmpath.formats.qti21._scoring import declared_maximum
from pmpath.formats.qti21._serializing import escape, escape_attribute
from pmpath.formats.qti21._tree import put_text
from pmpath.formats.qti21._vocabulary import (
    MAP_RESPONSE,
    MATCH_CORRECT,
    QTI_NS,
    RESPONSE,
    SCORE,
    boolean_attribute,
    xml_bool,
)
from pmpath.formats.quiz import GapChoice, QType, QuizQuestion, Text, TextFormat
from pmpath.formats.xmltext import local_name

if TYPE_CHECKING:
    from pmpath.formats.qti21._item_reading import ItemReader
    from pmpath.formats.qti21._item_writing import ItemWriter

#: The interactions read as gaps.
GAP_INTERACTIONS = ("inlineChoiceInteraction", "gapMatchInteraction")
#: The identifiers pmpath gives choices: their number in the quiz model.
_OWN_CHOICE = re.compile(r"C([1-9]\d{0,2})")


# -- reading -----------------------------------------------------------------------------------


def read_gaps(reader: ItemReader, interactions: list[Element], question: QuizQuestion) -> None:
    """The gap interactions of an item as one gaps question; each is replaced in the body by
    its ``[[n]]`` text (a gap match by its content)."""
    question.type = QType.GAPS
    # (identifier, text, group, reusable) of each choice, in order of first appearance.
    choices: list[tuple[str, str, int, bool]] = []
    #: Each gap's element and the index in ``choices`` of its right choice.
    gaps: list[tuple[Element, int]] = []
    groups: dict[tuple[tuple[str, str], ...], int] = {}
    matches = [each for each in interactions if local_name(each.tag) == "gapMatchInteraction"]
    if len(matches) > 1 or (matches and len(interactions) > 1):
        raise reader.fail(
            "a gap match beside other gap interactions: pmpath reads one gap match, or inline "
            "choices alone"
        )
    reader.extra["gaps"] = local_name(interactions[0].tag)
    if matches:
        _gap_match(reader, matches[0], choices, gaps)
    else:
        for interaction in interactions:
            _inline_choice(reader, interaction, choices, gaps, groups)
    if not gaps:
        raise reader.fail("a gap interaction without gaps")
    order = list(range(len(choices)))
    own = [_OWN_CHOICE.fullmatch(identifier) for identifier, _, _, _ in choices]
    numbers = [int(match.group(1)) for match in own if match]
    if len(numbers) == len(choices) and len(set(numbers)) == len(numbers):
        order.sort(key=lambda index: numbers[index])
    number_of = {index: position + 1 for position, index in enumerate(order)}
    for element, index in gaps:
        put_text(element, reader.parents, f"[[{number_of[index]}]]")
    if matches:
        _unwrap(reader, matches[0])
    for index in order:
        _, text, group, reusable = choices[index]
        question.choices.append(GapChoice(Text(text, TextFormat.PLAIN), group, reusable))
    shuffle = interactions[0].get("shuffle")
    if shuffle is not None:
        question.shuffle = boolean_attribute(shuffle)
    top = _check_scoring(reader, interactions, len(gaps))
    question.default_grade = declared_maximum(reader) or top or 1.0


def _choice_text(reader: ItemReader, choice: Element) -> str:
    if len(choice):
        reader.warn("formatting in a gap choice is not kept (plain text)")
    return plain_text(reader.inner(choice)).strip()


def _right(reader: ItemReader, response: str, what: str) -> list[str]:
    """The values a response declares right: its correct response, else its best mapped keys."""
    declaration = reader.declarations.get(response)
    if declaration is None:
        raise reader.fail(f"{what} refers to the response {response!r}, which is not declared")
    if declaration.correct:
        return declaration.correct
    mapping = declaration.mapping or {}
    best = max(mapping.values(), default=0.0)
    return [key for key, value in mapping.items() if value == best and value > 0]


def _inline_choice(
    reader: ItemReader,
    interaction: Element,
    choices: list[tuple[str, str, int, bool]],
    gaps: list[tuple[Element, int]],
    groups: dict[tuple[tuple[str, str], ...], int],
) -> None:
    response = interaction.get("responseIdentifier", "")
    offered = tuple(
        (choice.get("identifier", ""), _choice_text(reader, choice))
        for choice in interaction
        if local_name(choice.tag) == "inlineChoice"
    )
    right = _right(reader, response, "an inlineChoiceInteraction")
    if len(right) != 1 or right[0] not in {identifier for identifier, _ in offered}:
        raise reader.fail(
            f"the inline choice of {response!r} declares no one right choice among its choices"
        )
    if offered not in groups:
        groups[offered] = len(groups) + 1
        # A choice of a list is reusable when the list is offered at several gaps and the
        # choice is right at more than one of them: set once all gaps are read (below).
        choices += [(identifier, text, groups[offered], False) for identifier, text in offered]
    group = groups[offered]
    index = next(
        i
        for i, (identifier, _, g, _) in enumerate(choices)
        if g == group and identifier == right[0]
    )
    if any(existing == index for _, existing in gaps):
        identifier, text, _, _ = choices[index]
        choices[index] = (identifier, text, group, True)
    gaps.append((interaction, index))


def _gap_match(
    reader: ItemReader,
    interaction: Element,
    choices: list[tuple[str, str, int, bool]],
    gaps: list[tuple[Element, int]],
) -> None:
    response = interaction.get("responseIdentifier", "")
    index_of: dict[str, int] = {}
    for choice in interaction:
        name = local_name(choice.tag)
        if name == "gapImg":
            raise reader.fail("a gap match with image choices (gapImg): pmpath reads text only")
        if name != "gapText":
            continue
        identifier = choice.get("identifier", "")
        most = reader.whole(choice.get("matchMax", "1"), "matchMax")
        index_of[identifier] = len(choices)
        choices.append((identifier, _choice_text(reader, choice), 1, most != 1))
    rights: dict[str, str] = {}
    for value in _right(reader, response, "a gapMatchInteraction"):
        parts = value.split()
        if len(parts) != 2 or parts[0] not in index_of:
            raise reader.fail(f"the pair {value!r} does not name a gap text and a gap")
        if parts[1] in rights:
            raise reader.fail(f"the gap {parts[1]!r} has two right choices")
        rights[parts[1]] = parts[0]
    for gap in interaction.iter():
        if local_name(gap.tag) != "gap":
            continue
        identifier = gap.get("identifier", "")
        if identifier not in rights:
            raise reader.fail(f"the gap {identifier!r} has no right choice")
        gaps.append((gap, index_of[rights[identifier]]))


def _unwrap(reader: ItemReader, interaction: Element) -> None:
    """The gap match's text (its prompt first, as a paragraph) in place of the interaction."""
    parent = reader.parents[interaction]
    position = list(parent).index(interaction)
    kept: list[Element] = []
    for child in interaction:
        name = local_name(child.tag)
        if name == "prompt":
            paragraph = Element(f"{{{QTI_NS}}}p")
            paragraph.text = child.text
            paragraph.extend(list(child))
            if len(paragraph) or (paragraph.text or "").strip():
                kept.append(paragraph)
        elif name not in ("gapText", "gapImg"):
            kept.append(child)
    tail = interaction.tail
    parent.remove(interaction)
    for offset, child in enumerate(kept):
        parent.insert(position + offset, child)
        reader.parents[child] = parent
    if kept:
        kept[-1].tail = (kept[-1].tail or "") + (tail or "")
    elif tail and position:
        parent[position - 1].tail = (parent[position - 1].tail or "") + tail
    elif tail:
        parent.text = (parent.text or "") + tail


def _check_scoring(reader: ItemReader, interactions: list[Element], count: int) -> float:
    """Say so when the item's scoring is not pmpath's (an equal share per gap filled right);
    the best score a gap match's mapping gives (0 for none)."""
    processing = reader.processing
    responses = {each.get("responseIdentifier", "") for each in interactions}
    processing.unknown.clear()  # the rules are judged here, as a whole
    if _per_gap_rules(reader.root, responses):
        return 0.0
    gap_match = local_name(interactions[0].tag) == "gapMatchInteraction"
    declaration = reader.declarations.get(interactions[0].get("responseIdentifier", ""))
    if gap_match and declaration is not None and processing.template in (MAP_RESPONSE, None):
        top = _mapped_top(reader, declaration)
        if top is not None:
            return top
    if processing.template == MATCH_CORRECT and gap_match and count > 1:
        reader.extra["template"] = MATCH_CORRECT
        reader.warn(
            "all-or-nothing scoring (match_correct) of a gap match is read as an equal share "
            "per gap; kept for writing QTI back"
        )
        return 0.0
    if processing.template in (MATCH_CORRECT, MAP_RESPONSE) and count == 1:
        return 0.0
    reader.warn(
        "the item's response processing is read as pmpath scores gaps: each gap filled with "
        "its right choice earns an equal share of the grade"
    )
    return 0.0


def _mapped_top(reader: ItemReader, declaration: Declaration) -> float | None:
    """The best total of a gap match's mapping (None without one), with a warning for what
    pmpath does not keep of it."""
    mapping = declaration.mapping
    if mapping is None:
        return None
    right = [value for value in mapping.values() if value > 0]
    if len(set(right)) > 1:
        reader.warn("the gaps score differently: read as an equal share of the grade per gap")
    if declaration.default or any(value < 0 for value in mapping.values()):
        reader.warn("scores for wrong choices are not kept: a wrong or empty gap scores 0")
    top = sum(right)
    return min(top, declaration.upper) if declaration.upper is not None else top


def _per_gap_rules(root: Element, responses: set[str]) -> bool:
    """Whether the response processing is the one pmpath writes for inline choices: for each
    response, a condition adding to ``SCORE`` when it matches its correct value."""
    processing = next((c for c in root if local_name(c.tag) == "responseProcessing"), None)
    if processing is None or processing.get("template"):
        return False
    tested: set[str] = set()
    for rule in processing:
        branches = list(rule)
        if local_name(rule.tag) != "responseCondition" or len(branches) != 1:
            return False
        test = next(iter(branches[0]), None)
        if test is None or local_name(test.tag) != "match" or len(test) != 2:
            return False
        variable, correct = list(test)
        if local_name(variable.tag) != "variable" or local_name(correct.tag) != "correct":
            return False
        tested.add(variable.get("identifier", ""))
    return tested == responses


# -- writing -----------------------------------------------------------------------------------


def write_gaps(writer: ItemWriter, body: str) -> str:
    """The body of a gaps question with its interactions in place (see the module's doc)."""
    q = writer.q
    named = placeholders(q.text.text)
    if not named or any(not 1 <= n <= len(q.choices) for n in named):
        writer.warn("a gaps question whose gaps do not each name a choice: written as text only")
        return body
    if len(PLACEHOLDER.findall(body)) != len(named):
        writer.warn("the gaps could not be placed in the text: written as text only")
        return body
    for number, choice in enumerate(q.choices, start=1):
        if choice.feedback and choice.feedback.format is TextFormat.MARKDOWN:
            # QTI has no feedback per gap choice: pmpath's metadata keeps it for pmpath.
            writer.sources.append((f"choices/{number - 1}/feedback", choice.feedback.text))
        elif choice.feedback:
            writer.warn("feedback on gap choices is not written (QTI has no place for it)")
    if any(choice.text.format is TextFormat.HTML for choice in q.choices):
        writer.warn("gap choices are plain text in QTI: their markup is written as text")
    share = number_text(writer.grade / len(named))
    shuffle = xml_bool(q.shuffle if q.shuffle is not None else True)
    if _as_gap_match(q, named, writer.extra.get("gaps")):
        return _write_gap_match(writer, body, named, share, shuffle)
    return _write_inline_choices(writer, body, named, share, shuffle)


def _as_gap_match(question: QuizQuestion, named: list[int], read_as: object) -> bool:
    """A gap match for one list shared by several gaps (or when read from one), else inline
    choices: a gap match has a single list, and a single gap reads best as a drop-down."""
    if len({choice.group for choice in question.choices}) != 1:
        return False
    if read_as in GAP_INTERACTIONS:
        return read_as == "gapMatchInteraction"
    return len(named) > 1


def _write_gap_match(
    writer: ItemWriter, body: str, named: list[int], share: str, shuffle: str
) -> str:
    values = [f"C{choice} G{gap}" for gap, choice in enumerate(named, start=1)]
    if writer.extra.get("template") == MATCH_CORRECT:
        writer.declare("directedPair", "multiple", values, "")
        writer.score(MATCH_CORRECT)
        return _gap_match_body(writer, body, named, shuffle)
    mapping = (
        f'<mapping defaultValue="0" lowerBound="0" upperBound="{number_text(writer.grade)}">'
        + "".join(
            f'<mapEntry mapKey="{value}" mappedValue="{share}" caseSensitive="true"/>'
            for value in values
        )
        + "</mapping>"
    )
    writer.declare("directedPair", "multiple", values, mapping)
    writer.score(MAP_RESPONSE)
    return _gap_match_body(writer, body, named, shuffle)


def _gap_match_body(writer: ItemWriter, body: str, named: list[int], shuffle: str) -> str:
    q = writer.q
    counter = iter(range(1, len(named) + 1))
    filled = PLACEHOLDER.sub(lambda _: f'<gap identifier="G{next(counter)}"/>', body)
    texts = "".join(
        f'<gapText identifier="C{number}" matchMax="{0 if choice.reusable else 1}">'
        f"{escape(choice.text.text)}</gapText>"
        for number, choice in enumerate(q.choices, start=1)
    )
    return (
        f'<gapMatchInteraction responseIdentifier="{writer.response}" shuffle="{shuffle}">'
        f"{texts}{filled}</gapMatchInteraction>"
    )


def _write_inline_choices(
    writer: ItemWriter, body: str, named: list[int], share: str, shuffle: str
) -> str:
    q = writer.q
    responses = (
        [RESPONSE] if len(named) == 1 else [f"RESPONSE_{n}" for n in range(1, len(named) + 1)]
    )
    if writer.response != RESPONSE and len(named) == 1:
        responses = [writer.response]
    for number, choice in enumerate(q.choices, start=1):
        if choice.reusable and named.count(number) < 2:
            # Inline choices say nothing of reuse: pmpath's metadata keeps the mark for pmpath.
            writer.sources.append((f"choices/{number - 1}/reusable", "true"))
    for response, right in zip(responses, named, strict=True):
        writer.declarations.append(
            f'<responseDeclaration identifier="{escape_attribute(response)}" cardinality="single" '
            f'baseType="identifier"><correctResponse><value>C{right}</value></correctResponse>'
            "</responseDeclaration>"
        )
        writer.rules.append(
            f'<responseCondition><responseIf><match><variable identifier="{response}"/>'
            f'<correct identifier="{response}"/></match>'
            f'<setOutcomeValue identifier="{SCORE}"><sum><variable identifier="{SCORE}"/>'
            f'<baseValue baseType="float">{share}</baseValue></sum></setOutcomeValue>'
            "</responseIf></responseCondition>"
        )
    writer.template = None
    interactions = iter(zip(responses, named, strict=True))

    def interaction(_: re.Match[str]) -> str:
        response, choice = next(interactions)
        group = q.choices[choice - 1].group
        offered = "".join(
            f'<inlineChoice identifier="C{number}">{escape(each.text.text)}</inlineChoice>'
            for number, each in enumerate(q.choices, start=1)
            if each.group == group
        )
        return (
            f'<inlineChoiceInteraction responseIdentifier="{escape_attribute(response)}" '
            f'shuffle="{shuffle}">{offered}</inlineChoiceInteraction>'
        )

    return PLACEHOLDER.sub(interaction, body)
