"""The Anki package opened by the Anki engine itself (the ``anki`` package, what the desktop
app runs): it imports the .apkg into a new collection, and every card renders, its front with
its case and its tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pmpath.exams.items import ItemType
from tests.formats.readers import exports

anki_collection = pytest.importorskip("anki.collection")


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from anki.import_export_pb2 import ImportAnkiPackageOptions

    folder = tmp_path_factory.mktemp("anki")
    package = folder / "pm-core.apkg"
    package.write_bytes(exports.export("anki")[0])
    opened = anki_collection.Collection(str(folder / "collection.anki2"))
    request = anki_collection.ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
    )
    opened.import_anki_package(request)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def cards(collection: Any) -> list[tuple[str, str]]:
    """Every card's question and answer side, rendered by the engine."""
    return [
        (card.question(), card.answer())
        for note_id in collection.find_notes("")
        for card in collection.get_note(note_id).cards()
    ]


def test_the_engine_imports_a_note_and_a_card_per_item(collection: Any) -> None:
    _, warnings = exports.export("anki")
    written = len(exports.questions()) - sum(1 for w in warnings if w.left_out)
    assert (
        collection.note_count() == collection.card_count() == written == len(exports.bank().items)
    )


def test_every_card_renders_with_its_stem_on_the_front(cards: list[tuple[str, str]]) -> None:
    fronts = [exports.words(front) for front, _ in cards]
    missing = [
        item.id
        for item in exports.bank().items
        if not any(exports.plain(item.stem) in front for front in fronts)
    ]
    assert missing == []
    assert all(answer.strip() for _, answer in cards)


def test_a_scenario_card_shows_its_case_before_its_question(
    cards: list[tuple[str, str]],
) -> None:
    """The scenario cards (132 of them then; agile-029: "Using Little's Law, what is the team's
    average cycle time?") came without the case they ask about."""
    bank = exports.bank()
    fronts = [front for front, _ in cards]
    without_case = []
    for item in (i for i in bank.items if i.scenario):
        case = exports.plain(bank.scenario(item.scenario).text)[:80]
        stem = exports.plain(item.stem)
        front = next(f for f in fronts if stem in exports.words(f))
        shown = exports.words(front)
        if case not in shown or shown.index(case) > shown.index(stem):
            without_case.append(item.id)
    assert any(i.scenario for i in bank.items)  # the check above ran on scenario cards
    assert without_case == []


@pytest.mark.parametrize(
    "item_id", ["gtm-049", "metrics-007", "roadmap-024", "stakeholders-018", "strategy-010"]
)
def test_markdown_tables_render_as_tables(item_id: str, cards: list[tuple[str, str]]) -> None:
    item = exports.items()[item_id]
    stem = exports.plain(item.stem)[:60]
    front = next(f for f, _ in cards if stem in exports.words(f))
    assert "<table>" in front
    assert "<th>" in front
    assert "|---" not in front
    assert "| ---" not in front


def test_numeric_cards_show_plain_numbers(cards: list[tuple[str, str]]) -> None:
    item = exports.items()["agile-046"]
    assert item.type is ItemType.NUMERIC
    stem = exports.plain(item.stem)[:60]
    answer = next(a for f, a in cards if stem in exports.words(f))
    assert "1000000 GBP per year" in exports.words(answer)
