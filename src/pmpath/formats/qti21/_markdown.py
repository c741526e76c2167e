"""pmpath's Markdown kept in a package: QTI 2.1 bodies are XHTML, which every tool reads, and
the resource metadata keeps the Markdown each text was rendered from, so that pmpath reads its
own texts back as Markdown unless they were edited since."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from xml.etree.ElementTree import Element

from pmpath.formats.qti21._html import normalized, xhtml_fragment
from pmpath.formats.qti21._serializing import escape
from pmpath.formats.qti21._vocabulary import MARKDOWN_NS
from pmpath.formats.quiz import FormatWarning, QuizQuestion, Text, TextFormat
from pmpath.formats.xmltext import local_name


def restore_markdown(
    resource: Element, question: QuizQuestion, warnings: list[FormatWarning]
) -> None:
    """Texts pmpath wrote from Markdown get their source back, unless edited since."""
    sources = {
        text.get("path", ""): "".join(text.itertext())
        for metadata in resource
        if local_name(metadata.tag) == "metadata"
        for markdown in metadata
        if markdown.tag == f"{{{MARKDOWN_NS}}}markdown"
        for text in markdown
        if local_name(text.tag) == "text"
    }
    if not sources:
        return
    slots: dict[str, tuple[Text | None, Callable[[Text], None]]] = {
        "text": (question.text, partial(setattr, question, "text")),
        "general_feedback": (
            question.general_feedback,
            partial(setattr, question, "general_feedback"),
        ),
    }
    for index, answer in enumerate(question.answers):
        slots[f"answers/{index}/text"] = (answer.text, partial(setattr, answer, "text"))
        slots[f"answers/{index}/feedback"] = (answer.feedback, partial(setattr, answer, "feedback"))
    for index, item in enumerate(question.order):
        slots[f"order/{index}"] = (item, partial(question.order.__setitem__, index))
    for index, pair in enumerate(question.pairs):
        slots[f"pairs/{index}/left"] = (pair.left, partial(setattr, pair, "left"))
    stale = 0
    for path, source in sources.items():
        if _restore_choice(question, path, source):
            continue
        current, restore = slots.get(path, (None, None))
        rendered = normalized(xhtml_fragment(Text(source, TextFormat.MARKDOWN), path == "text")[0])
        if current is not None and restore is not None and current.text == rendered:
            restore(Text(source, TextFormat.MARKDOWN))
        else:
            stale += 1
    if stale:
        warnings.append(
            FormatWarning(
                f"{stale} text(s) no longer match the Markdown pmpath wrote them from (edited "
                "since?): their HTML is kept",
                question.source,
                question.name,
            )
        )


def _restore_choice(question: QuizQuestion, path: str, source: str) -> bool:
    """What pmpath keeps of a gap choice that QTI cannot say: its rationale (``choices/N/
    feedback``) and that it is reusable (``choices/N/reusable``). True when ``path`` is one."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] != "choices" or not parts[1].isdigit():
        return False
    index = int(parts[1])
    if index < len(question.choices):
        choice = question.choices[index]
        if parts[2] == "feedback" and choice.feedback is None:
            choice.feedback = Text(source, TextFormat.MARKDOWN)
        elif parts[2] == "reusable" and source == "true":
            choice.reusable = True
    return True


def markdown_sources(sources: list[tuple[str, str]]) -> str:
    """The Markdown a text was rendered from, so that pmpath can read it back unchanged.

    IMS content packaging lets a resource's metadata hold elements of other namespaces; QTI
    2.1 bodies are XHTML, which keeps the rendering for every other tool.
    """
    if not sources:
        return ""
    texts = "".join(
        f'          <text path="{path}">{escape(source).replace(chr(13), "&#13;")}</text>\n'
        for path, source in sources
    )
    return f'        <markdown xmlns="{MARKDOWN_NS}">\n{texts}        </markdown>\n'
