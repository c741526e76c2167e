"""pmpath's Markdown as HTML, for the formats whose readers show HTML (QTI 2.1, QTI 1.2, Anki).

One renderer, configured as pmpath's own pages render Markdown (``web/pages/render.py``):
CommonMark with GitHub's pipe tables, raw HTML escaped rather than passed through, so that a
table in a case or a stem shows as a table in every reader, as it does in pmpath.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_html(text: str, inline: bool = False) -> str:
    """``text`` rendered as HTML; with ``inline``, a text that is one paragraph (an option, a
    short feedback) comes without its ``<p>``, so that it shows inline."""
    rendered = str(MARKDOWN.render(text)).strip()
    if (
        inline
        and rendered.startswith("<p>")
        and rendered.endswith("</p>")
        and rendered.count("<p>") == 1
    ):
        return rendered[3:-4]
    return rendered
