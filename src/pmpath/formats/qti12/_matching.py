"""Matching (and ordering, which Canvas has not): a ``response_lid`` per prompt, each with
every match as a label; an ordering question is written as items matched to positions 1, 2, …
and marked so that pmpath reads it back as ordering."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree  # builds output only: input goes through safety
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.formats.numbers import score_texts
from pmpath.formats.qti12._canvas import TYPE_FIELD, ident_ok
from pmpath.formats.qti12._responses import labels_of, shuffle_of, varequal
from pmpath.formats.quiz import MatchPair, QType, QuizQuestion, Text, TextFormat
from pmpath.formats.xmltext import xml_characters

if TYPE_CHECKING:
    from pmpath.formats.qti12._item_reading import ItemReader
    from pmpath.formats.qti12._item_writing import ItemWriter


# -- reading ----------------------------------------------------------------------------------


def read_matching(reader: ItemReader, question: QuizQuestion) -> None:
    """A matching item's pairs, and its right-hand distractors."""
    question.type = QType.MATCHING
    lids = [r for r in reader.responses if r.tag == "response_lid"]
    rights: dict[str, str] = {}
    for lid in lids:
        for label_id, label in labels_of(lid):
            if label_id not in rights:
                text = reader.material(label, "a match")
                if text.format == TextFormat.HTML:
                    reader.warn(f"match {text.text!r}: its HTML is kept as plain text")
                rights[label_id] = text.text
    used: set[str] = set()
    ids: list[str | None] = []
    for lid in lids:
        ident = lid.get("ident", "")
        answer_id = ident.removeprefix("response_")
        left = reader.material(lid, "a matching prompt")
        match = next((label for label in reader.credited(ident) if label in rights), None)
        if match is None:
            reader.warn(f"prompt {left.text!r} has no right match; not kept")
            continue
        used.add(match)
        question.pairs.append(
            MatchPair(left, rights[match], reader.take_feedback(f"{answer_id}_fb"))
        )
        ids.append(answer_id)
    for label_id, right in rights.items():
        if label_id not in used:
            question.pairs.append(MatchPair(Text("", TextFormat.PLAIN), right))
            ids.append(None)
    question.shuffle = next((s for s in map(shuffle_of, lids) if s is not None), None)
    reader.extra["answer_ids"] = ids
    reader.extra["match_ids"] = [[label_id, right] for label_id, right in rights.items()]


def read_ordering(reader: ItemReader, question: QuizQuestion) -> None:
    """A matching question pmpath wrote for an ordering one: items matched to 1, 2, …."""
    positions = [pair.right for pair in question.pairs]
    if sorted(positions) != [str(n) for n in range(1, len(positions) + 1)] or any(
        not pair.left.text for pair in question.pairs
    ):
        reader.warn(f"marked {TYPE_FIELD} ordering, but its matches are not positions 1, 2, …")
        return
    question.type = QType.ORDERING
    question.order = [pair.left for pair in sorted(question.pairs, key=lambda p: int(p.right))]
    question.pairs = []
    reader.extra["metadata"].remove([TYPE_FIELD, "ordering"])
    for key in ("answer_ids", "match_ids"):
        reader.extra.pop(key, None)


# -- writing ----------------------------------------------------------------------------------


def write_matching(writer: ItemWriter) -> None:
    """The prompts and matches of a matching (or ordering) question, and their scoring."""
    question = writer.question
    if question.type == QType.ORDERING:
        writer.warn(
            "Canvas has no ordering question: written as matching items to positions "
            f"(marked {TYPE_FIELD} for pmpath)"
        )
        pairs = [MatchPair(item, str(n)) for n, item in enumerate(question.order, start=1)]
    else:
        pairs = question.pairs
    prompts = [pair for pair in pairs if pair.left.text]
    lefts = writer.answer_ids(
        len(pairs), writer.extra.get("answer_ids") if question.type == QType.MATCHING else None
    )
    left_ids = [ident for ident, pair in zip(lefts, pairs, strict=True) if pair.left.text]
    rights: list[str] = []
    for pair in pairs:
        if pair.right not in rights:
            rights.append(pair.right)
    stored = writer.extra.get("match_ids") if question.type == QType.MATCHING else None
    known = {
        str(entry[1]): str(entry[0])
        for entry in (stored if isinstance(stored, list) else [])
        if isinstance(entry, list) and len(entry) == 2 and ident_ok(str(entry[0]))
    }
    ordered = [text for text in known if text in rights]
    ordered += [text for text in rights if text not in ordered]
    match_ids: dict[str, str] = {}
    for text in ordered:
        if text in known and known[text] not in writer.taken:
            match_ids[text] = known[text]
            writer.taken.add(known[text])
    for text in ordered:
        if text not in match_ids:
            match_ids[text] = writer.new_id(1000)
    for ident, pair in zip(left_ids, prompts, strict=True):
        response = ElementTree.SubElement(
            writer.presentation, "response_lid", {"ident": f"response_{ident}"}
        )
        writer.mattext(ElementTree.SubElement(response, "material"), pair.left, "a prompt")
        render = ElementTree.SubElement(response, "render_choice")
        if question.shuffle is not None:
            render.set("shuffle", "Yes" if question.shuffle else "No")
        for text in ordered:
            label = ElementTree.SubElement(render, "response_label", {"ident": match_ids[text]})
            mattext = ElementTree.SubElement(ElementTree.SubElement(label, "material"), "mattext")
            mattext.text = xml_characters(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not prompts:
        writer.warn("has no pairs")
    shares = score_texts([1 / len(prompts)] * len(prompts)) if prompts else []
    writer.rules()
    # Every rule goes on to the next (continue="Yes"): QTI stops at the first condition that
    # holds otherwise, and an all-right answer would score one pair's share.
    for ident, pair, share in zip(left_ids, prompts, shares, strict=True):
        respident = f"response_{ident}"
        writer.rule("Yes", [varequal(respident, match_ids[pair.right])], ("Add", share))
        if pair.feedback:
            writer.feedbacks.append((f"{ident}_fb", pair.feedback))
            wrong = Element("not")
            wrong.append(varequal(respident, match_ids[pair.right]))
            writer.rule("Yes", [wrong], feedback=f"{ident}_fb")
