"""The bundled bank and its exports, written once for every reader test."""

from __future__ import annotations

import html
import re
from functools import cache

from pmpath.exams.items import Bank, Item, Option
from pmpath.formats import registry
from pmpath.formats.markdown import markdown_html
from pmpath.formats.quiz import FormatWarning, QuizQuestion
from pmpath.framework import bundled_framework_path, load_framework
from pmpath.services.banks import open_bank


@cache
def bank() -> Bank:
    return open_bank(load_framework(bundled_framework_path()))


def question_count() -> int:
    """Every item and every scenario text is a question (the bank's count, so the tests follow
    its content as it grows)."""
    return len(bank().items) + len(bank().scenarios)


@cache
def questions() -> tuple[QuizQuestion, ...]:
    from pmpath.formats.mapping import bank_to_quiz

    return tuple(bank_to_quiz(bank()))


@cache
def export(format_name: str) -> tuple[bytes, tuple[FormatWarning, ...]]:
    """The bank written as ``format_name``, and the writer's warnings."""
    data, warnings = registry.module(format_name, writing=True).write(list(questions()))
    return data, tuple(warnings)


def items() -> dict[str, Item]:
    return {item.id: item for item in bank().items}


def plain(markdown: str) -> str:
    """What a reader shows of a Markdown text, as plain words: rendered, tags removed."""
    text = re.sub(r"<[^>]+>", " ", markdown_html(markdown, inline=True))
    return " ".join(html.unescape(text).split())


def words(text: str) -> str:
    """Markup-free text with its white space collapsed, for comparing what readers show."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def option_by_text(options: tuple[Option, ...], shown: str) -> Option:
    """The option whose text a reader shows as ``shown``."""
    matches = [option for option in options if plain(option.text) == words(shown)]
    assert len(matches) == 1, (shown, [o.text for o in options])
    return matches[0]
