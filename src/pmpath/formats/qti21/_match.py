"""``matchInteraction`` and ``associateInteraction``: matching, each pair a left-hand choice
and its right-hand match; right-hand choices that match nothing are distractors."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.formats.numbers import number_text
from pmpath.formats.qti21._feedback import take_feedback
from pmpath.formats.qti21._html import plain_text
from pmpath.formats.qti21._processing import Declaration
from pmpath.formats.qti21._scoring import scoring_mode
from pmpath.formats.qti21._serializing import escape
from pmpath.formats.qti21._vocabulary import (
    MAP_RESPONSE,
    MATCH_CORRECT,
    boolean_attribute,
    xml_bool,
)
from pmpath.formats.quiz import MatchPair, QType, QuizQuestion, Text, TextFormat
from pmpath.formats.xmltext import local_name

if TYPE_CHECKING:
    from pmpath.formats.qti21._item_reading import ItemReader
    from pmpath.formats.qti21._item_writing import ItemWriter


# -- reading -----------------------------------------------------------------------------------


def read_matching(reader: ItemReader, interaction: Element, question: QuizQuestion) -> None:
    """A ``matchInteraction`` or ``associateInteraction`` as a matching question."""
    question.type = QType.MATCHING
    declaration = reader.declarations[interaction.get("responseIdentifier", "")]
    question.shuffle = boolean_attribute(interaction.get("shuffle"))
    if local_name(interaction.tag) == "matchInteraction":
        sets = [s for s in interaction if local_name(s.tag) == "simpleMatchSet"]
        if len(sets) != 2:
            raise reader.fail("a matchInteraction needs exactly two simpleMatchSets")
        sources = [c for c in sets[0] if local_name(c.tag) == "simpleAssociableChoice"]
        targets = [c for c in sets[1] if local_name(c.tag) == "simpleAssociableChoice"]
    else:
        reader.extra["interaction"] = "associateInteraction"
        sources = [c for c in interaction if local_name(c.tag) == "simpleAssociableChoice"]
        targets = sources
    choices = {c.get("identifier", ""): c for c in [*sources, *targets]}
    pairs_text = declaration.correct
    if not pairs_text and declaration.mapping:
        pairs_text = [key for key, value in declaration.mapping.items() if value > 0]
    pairs: list[tuple[str, str]] = []
    for value in pairs_text:
        parts = value.split()
        if len(parts) != 2 or parts[0] not in choices or parts[1] not in choices:
            raise reader.fail(f"the pair {value!r} does not name two choices of the item")
        pairs.append((parts[0], parts[1]))
    mode = scoring_mode(reader, declaration)
    if mode == MATCH_CORRECT and len(pairs) > 1:
        reader.extra["template"] = MATCH_CORRECT
        reader.warn(
            "all-or-nothing scoring (match_correct) of a matching is read as an equal "
            "share per pair; kept for writing QTI back"
        )
    elif mode == MAP_RESPONSE and declaration.mapping is not None:
        _check_pair_scores(reader, declaration, pairs_text)
        top = sum(declaration.mapping.get(pair, declaration.default) for pair in pairs_text)
        reader.top = min(top, declaration.upper) if declaration.upper is not None else top
    for left, right in pairs:
        question.pairs.append(
            MatchPair(
                reader.html(reader.inner(choices[left])), plain_text(reader.inner(choices[right]))
            )
        )
        _rich_right(reader, choices[right])
    paired = {key for pair in pairs for key in pair}
    lefts = {left for left, _ in pairs}
    unmatched = [c for c in sources if c.get("identifier") not in paired]
    if local_name(interaction.tag) == "matchInteraction":
        if unmatched:
            reader.extra["unmatched"] = [reader.inner(choice) for choice in unmatched]
            reader.warn(f"{len(unmatched)} left-hand choice(s) match nothing: kept only for QTI")
        spare = [c for c in targets if c.get("identifier") not in paired]
    else:
        spare = [c for c in sources if c.get("identifier") not in paired | lefts]
    for choice in spare:
        question.pairs.append(
            MatchPair(Text("", TextFormat.HTML), plain_text(reader.inner(choice)))
        )
        _rich_right(reader, choice)
    if take_feedback(reader, [], numeric=False):
        reader.warn("conditional feedback of a matching question is not kept")


def _check_pair_scores(reader: ItemReader, declaration: Declaration, pairs: list[str]) -> None:
    mapping = declaration.mapping or {}
    right = {mapping.get(pair, declaration.default) for pair in pairs}
    if len(right) > 1:
        reader.warn("the pairs score differently: read as an equal share per pair")
    wrong = [value for key, value in mapping.items() if key not in pairs and value]
    if wrong or declaration.default:
        reader.warn("scores for wrong pairs are not kept")


def _rich_right(reader: ItemReader, choice: Element) -> None:
    if len(choice):
        reader.warn("formatting in a right-hand matching choice is not kept (plain text)")


# -- writing -----------------------------------------------------------------------------------


def write_matching(writer: ItemWriter) -> str:
    """The ``matchInteraction`` (or ``associateInteraction``, when read from one) of a
    matching question, each pair an equal share of the grade."""
    q = writer.q
    lefts: list[str] = []
    rights: list[str] = []
    pairs: list[tuple[int, int]] = []
    for pair in q.pairs:
        if pair.left:
            # Read back, the pairs with a left-hand side come first, in this order.
            left = writer.fragment(pair.left, path=f"pairs/{len(pairs)}/left")
            if left not in lefts:
                lefts.append(left)
            if pair.right not in rights:
                rights.append(pair.right)
            pairs.append((lefts.index(left), rights.index(pair.right)))
    # A right-hand distractor is a choice of its own, even when its text is also an answer.
    rights += [pair.right for pair in q.pairs if not pair.left]
    unmatched = [writer.fragment(Text(str(text), TextFormat.HTML))
                 for text in writer.extra.get("unmatched", [])]  # fmt: skip
    associate = writer.extra.get("interaction") == "associateInteraction"
    source = "L" if associate else "S"
    target = "R" if associate else "T"
    values = [f"{source}{left + 1} {target}{right + 1}" for left, right in pairs]
    template = MATCH_CORRECT if writer.extra.get("template") == MATCH_CORRECT else MAP_RESPONSE
    mapping = ""
    if template == MAP_RESPONSE and pairs:
        share = number_text(writer.grade / len(pairs))
        mapping = (
            f'<mapping defaultValue="0" lowerBound="0" upperBound="{number_text(writer.grade)}">'
            + "".join(
                f'<mapEntry mapKey="{value}" mappedValue="{share}" caseSensitive="true"/>'
                for value in values
            )
            + "</mapping>"
        )
    writer.declare("pair" if associate else "directedPair", "multiple", values, mapping)
    writer.score(template)
    uses_left = [sum(1 for left, _ in pairs if left == i) for i in range(len(lefts))]
    uses_right = [sum(1 for _, right in pairs if right == i) for i in range(len(rights))]
    shuffle = xml_bool(q.shuffle if q.shuffle is not None else True)
    if associate:
        if unmatched:
            writer.warn("left-hand choices without a match cannot be written: left out")
        choices = [
            f'<simpleAssociableChoice identifier="{source}{i + 1}" '
            f'matchMax="{max(1, uses_left[i])}">{text}</simpleAssociableChoice>'
            for i, text in enumerate(lefts)
        ] + [
            f'<simpleAssociableChoice identifier="{target}{i + 1}" '
            f'matchMax="{max(1, uses_right[i])}">{escape(text)}</simpleAssociableChoice>'
            for i, text in enumerate(rights)
        ]
        return (
            f'<associateInteraction responseIdentifier="{writer.response}" '
            f'shuffle="{shuffle}" maxAssociations="{len(pairs)}">'
            + "".join(choices)
            + "</associateInteraction>"
        )
    sources = [
        f'<simpleAssociableChoice identifier="{source}{i + 1}" '
        f'matchMax="{max(1, uses_left[i]) if i < len(lefts) else 1}">{text}'
        "</simpleAssociableChoice>"
        for i, text in enumerate([*lefts, *unmatched])
    ]
    targets = [
        f'<simpleAssociableChoice identifier="{target}{i + 1}" '
        f'matchMax="{max(1, uses_right[i])}">{escape(text)}</simpleAssociableChoice>'
        for i, text in enumerate(rights)
    ]
    return (
        f'<matchInteraction responseIdentifier="{writer.response}" shuffle="{shuffle}" '
        f'maxAssociations="{len(pairs)}"><simpleMatchSet>{"".join(sources)}'
        f"</simpleMatchSet><simpleMatchSet>{''.join(targets)}</simpleMatchSet>"
        "</matchInteraction>"
    )
