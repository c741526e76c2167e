"""Parsed bundled content kept between runs: rebuilt when a source changes, when the cache is
unreadable, and never kept when caching is off."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pmpath.contentcache import cached


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PMPATH_CACHE_DIR", str(folder))
    return folder


def test_a_second_run_reads_what_the_first_built(cache: Path, tmp_path: Path) -> None:
    source = tmp_path / "bank.md"
    source.write_text("one", encoding="utf-8")
    builds: list[str] = []

    def build() -> str:
        builds.append(source.read_text(encoding="utf-8"))
        return builds[-1]

    assert cached("bank", [source], build) == "one"
    assert cached("bank", [source], build) == "one"
    assert builds == ["one"]
    source.write_text("two!", encoding="utf-8")  # an edit: another size and time
    assert cached("bank", [source], build) == "two!"
    assert builds == ["one", "two!"]
    assert len(list(cache.glob("bank-*.pickle"))) == 1  # the stale entry is gone


def test_an_unreadable_cache_is_rebuilt(cache: Path, tmp_path: Path) -> None:
    source = tmp_path / "framework.yaml"
    source.write_text("x", encoding="utf-8")
    cached("framework", [source], lambda: {"parsed": True})
    [entry] = cache.glob("framework-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert cached("framework", [source], lambda: {"parsed": "again"}) == {"parsed": "again"}


def test_caching_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMPATH_CACHE_DIR", "")
    calls = []
    for _ in range(2):
        cached("bank", [tmp_path], lambda: calls.append(1))
    assert len(calls) == 2


def test_a_cache_that_cannot_be_written_only_costs_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("PMPATH_CACHE_DIR", str(blocked / "cache"))
    assert cached("bank", [tmp_path], lambda: 42) == 42
    assert os.path.isfile(blocked)


def test_the_application_reads_the_bundled_content_from_the_cache(cache: Path) -> None:
    from pmpath.app import Pmpath
    from pmpath.settings import Settings

    first = Pmpath(Settings(database_url="sqlite://"))
    assert len(first.blueprints) == 7
    kinds = sorted(path.name.split("-")[0] for path in cache.glob("*.pickle"))
    assert kinds == ["bank", "blueprints", "framework"]
    second = Pmpath(Settings(database_url="sqlite://"))
    assert second.blueprints == first.blueprints
    assert second.exams.bank.items == first.exams.bank.items
