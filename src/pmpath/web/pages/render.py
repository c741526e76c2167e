"""Rendering pages: one Jinja2 environment; the signed-in user, CSRF token and any flash message
in every page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from pmpath.exams.gaps import fill
from pmpath.web import flash
from pmpath.web.auth import application, current

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
# Question stems and scenarios are Markdown. Raw HTML in them is not passed through (html
# False), so content from an imported bank cannot inject markup into the page.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown(text: str) -> Markup:
    return Markup(_reflow_tables(_MARKDOWN.render(text or "")))


# A gap item's stem goes through Markdown with each [[n]] as a plain word, which the renderer
# passes through untouched, and the word is then replaced by the gap's HTML: the gaps sit where
# the author put them, inside paragraphs, lists or table cells alike. Punctuation right after a
# gap stays with it, so a line never starts with the comma that follows a list.
_GAP_WORD = re.compile(r"PMPATHGAP(\d+)Z([.,;:!?)]*)")


def _gapped(stem: str, gap_html: Callable[[int, str], str]) -> Markup:
    words = fill(stem, lambda number: f"PMPATHGAP{number}Z")
    html = _reflow_tables(_MARKDOWN.render(words))
    return Markup(_GAP_WORD.sub(lambda match: gap_html(int(match.group(1)), match.group(2)), html))


def _part(value: Any, name: str) -> Any:
    """A field of a question (or of its option or gap) as a template reads it: some pages hand
    the service's model, others its JSON."""
    return value[name] if isinstance(value, dict) else getattr(value, name)


def stem_html(question: Any) -> Markup:
    """A question's stem as HTML; a gap item's gaps are shown as numbered blanks (the gaps
    the review and the feedback name: "Gap 1")."""
    if _part(question, "type") != "gap":
        return markdown(_part(question, "stem"))
    return _gapped(
        _part(question, "stem"),
        lambda n, after: (
            f'<span class="gap-mark"><span class="sr-only">gap </span>{n}</span>' + after
        ),
    )


def gap_fields(question: Any, given: Any) -> Markup:
    """A gap item's stem with a labelled list of choices at each gap ("Gap 1", ...), the
    choice in ``given`` (gap number -> option id) selected."""
    texts = {_part(o, "id"): _part(o, "text") for o in _part(question, "options")}
    offered = {_part(g, "number"): _part(g, "choices") for g in _part(question, "gaps")}
    chosen = given if isinstance(given, dict) else {}

    def select(number: int, after: str) -> str:
        options = "".join(
            f'<option value="{escape(choice)}"'
            + (" selected" if chosen.get(str(number)) == choice else "")
            + f">{escape(texts.get(choice, choice))}</option>"
            for choice in offered.get(number, [])
        )
        return (
            f'<span class="gap"><label for="gap-{number}" class="gap-number">'
            f'<span class="sr-only">Gap </span>{number}</label>'
            f'<select id="gap-{number}" name="gap-{number}">'
            f'<option value="">Choose…</option>{options}</select>{after}</span>'
        )

    return _gapped(_part(question, "stem"), select)


_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEAD_CELL = re.compile(r"<th[^>]*>(.*?)</th>", re.S)
_BODY_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_BODY_CELL = re.compile(r"<td([^>]*)>")
_TAG = re.compile(r"<[^>]+>")


def _reflow_tables(html: str) -> str:
    """Markdown tables (a scenario's options, say) as ``table.reflow``: on a phone each row
    becomes a card whose cells carry their column's name, instead of a table wider than the
    screen. The names come from the table's own header (already escaped by the renderer)."""
    if "<table>" not in html:
        return html

    def reflow(table: re.Match[str]) -> str:
        inner = table.group(1)
        head, _, body = inner.partition("</thead>")
        names = [_TAG.sub("", cell).strip() for cell in _HEAD_CELL.findall(head)]

        def row(match: re.Match[str]) -> str:
            cells = iter(names)

            def cell(found: re.Match[str]) -> str:
                name = next(cells, "")
                label = f' data-label="{name}"' if name else ""
                return f"<td{found.group(1)}{label}>"

            return f"<tr>{_BODY_CELL.sub(cell, match.group(1))}</tr>"

        if not body:  # no header row: nothing to name the cells by
            return table.group(0)
        return f'<table class="reflow">{head}</thead>{_BODY_ROW.sub(row, body)}</table>'

    return _TABLE.sub(reflow, html)


def day(moment: datetime) -> str:
    """A date as people write it: "7 March 2027" (UTC)."""
    return f"{moment.day} {moment:%B %Y}"


def _moment(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when(value: datetime | str | None, now: datetime | None = None) -> str:
    """A moment as people say it, relative to now (UTC): "now", "in 10 minutes", "today at
    14:05", "tomorrow at 09:00", "in 3 days", "on 7 March 2027"; past moments "3 days ago".
    Never an ISO timestamp."""
    if value is None or value == "":
        return ""
    moment = _moment(value).astimezone(UTC)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    ahead = moment - now
    seconds = ahead.total_seconds()
    if abs(seconds) < 30:
        return "now"
    if 0 < seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    if -3600 < seconds < 0:
        minutes = max(1, round(-seconds / 60))
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    days = (moment.date() - now.date()).days
    clock = f"{moment:%H:%M}"
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    if days == -1:
        return f"yesterday at {clock}"
    if 1 < days < 14:
        return f"in {days} days"
    if -14 < days < -1:
        return f"{-days} days ago"
    return f"on {day(moment)}"


def span(seconds: float | timedelta) -> str:
    """A length of time as a review button says it: "1 min", "10 min", "3 h", "1 day",
    "4 days", "2 months", "1.5 years"."""
    total = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
    minutes = max(1, round(total / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = round(total / 3600)
    if hours < 24:
        return f"{hours} h"
    days = round(total / 86400)
    if days < 31:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 365:
        months = round(days / 30.4)
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{days / 365:.1f} years".replace(".0 ", " ")


TEMPLATES.env.filters["markdown"] = markdown
TEMPLATES.env.filters["day"] = day
TEMPLATES.env.filters["when"] = when
TEMPLATES.env.filters["span"] = span
TEMPLATES.env.filters["stem_html"] = stem_html
TEMPLATES.env.filters["gap_fields"] = gap_fields


def reviews_due(request: Request, user: Any) -> int | None:
    """How many review items are due for the signed-in user (one query), for the navigation;
    None for visitors or when it cannot be counted (an error page must still render)."""
    if user is None:
        return None
    try:
        return application(request).exams.review_due_count(user.profile)
    except Exception:  # a badge is never worth failing a page for
        return None


def page(
    request: Request, template: str, values: dict[str, Any], status: int = 200
) -> HTMLResponse:
    user, csrf = current(request)
    note = flash.take(request)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "csrf_token": csrf or "",
            "flash": note,
            "reviews_due": reviews_due(request, user),
            **values,
        },
        status_code=status,
    )
    if flash.FLASH_COOKIE in request.cookies:
        flash.clear(response, request)  # shown once, or refused as forged or stale
    return response
