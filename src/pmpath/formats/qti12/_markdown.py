"""pmpath's Markdown in a Canvas package: Canvas shows a ``text/plain`` text verbatim (a table
as rows of pipes, ``**bold**`` with its asterisks), so Markdown is written rendered, as
``text/html``, and its sources are kept in a ``pmpath_markdown`` field (a JSON list) that
Canvas ignores, so that pmpath reads its own texts back as Markdown unless edited since."""

from __future__ import annotations

from collections.abc import Iterator

from pmpath.formats.markdown import markdown_html
from pmpath.formats.quiz import QuizQuestion, Text, TextFormat


def rendered(source: str, inline: bool) -> str:
    """A Markdown text as the writer puts it in a ``text/html`` mattext."""
    return markdown_html(source, inline=inline)


def restore_markdown(question: QuizQuestion, sources: list[str]) -> int:
    """Gives every HTML text of ``question`` that is exactly what one of ``sources`` renders
    to its Markdown source back; returns how many sources matched no text (edited since)."""
    renderings: dict[str, str] = {}
    for source in sources:
        for inline in (False, True):
            renderings.setdefault(rendered(source, inline), source)
    used: set[str] = set()
    for text in _texts(question):
        if text.format is TextFormat.HTML and text.text in renderings:
            used.add(renderings[text.text])
            text.text, text.format = renderings[text.text], TextFormat.MARKDOWN
    return len(set(sources) - used)


def _texts(question: QuizQuestion) -> Iterator[Text]:
    yield question.text
    if question.general_feedback is not None:
        yield question.general_feedback
    for answer in question.answers:
        yield answer.text
        if answer.feedback is not None:
            yield answer.feedback
    for pair in question.pairs:
        yield pair.left
        if pair.feedback is not None:
            yield pair.feedback
    yield from question.order
    yield from question.hints
    for blank in question.blanks:
        yield from _texts(blank)
