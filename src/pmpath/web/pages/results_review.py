"""A mock exam's results page: the score and verdict, the per-domain chart, and the review with
a verdict for every question and filters over them (all, wrong, not answered, flagged).

The filters are links with a query parameter and are applied here, on the server, so they work
without JavaScript; each carries how many questions it shows.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from markupsafe import Markup

from pmpath.errors import Location, PmpathError
from pmpath.exams import timing
from pmpath.exams.gaps import fill
from pmpath.web.pages.render import markdown, page

if TYPE_CHECKING:
    from fastapi import Request
    from fastapi.responses import Response

    from pmpath.services.models.exams import AttemptResults, ReviewedQuestion

#: How a question went: "answered" when the exam's review policy shows no keys, so the page
#: cannot say whether the answer was right.
Verdict = Literal["right", "partly", "wrong", "answered", "unanswered"]

#: The filters in the order the page offers them, with their names.
FILTERS: dict[str, str] = {
    "all": "All",
    "wrong": "Wrong or partly right",
    "unanswered": "Not answered",
    "flagged": "Flagged",
}

STEM_CHARACTERS = 90


@dataclass(frozen=True)
class Reviewed:
    """One question as the review lists it."""

    question: ReviewedQuestion
    verdict: Verdict
    short_stem: str


@dataclass(frozen=True)
class Filter:
    key: str
    name: str
    count: int


@dataclass(frozen=True)
class ReviewList:
    """The questions the chosen filter shows, the filters with their counts, and the tally."""

    shown: list[Reviewed]
    filters: list[Filter]
    current: str
    tally: dict[Verdict, int]


def verdict(question: ReviewedQuestion) -> Verdict:
    """Right, partly right or wrong by the question's feedback; "unanswered" when the learner
    gave no answer (whatever credit the key would give), "answered" when no key is shown."""
    if not question.answered:
        return "unanswered"
    if question.feedback is None:
        return "answered"
    if question.feedback.correct:
        return "right"
    return "partly" if question.feedback.credit > 0 else "wrong"


def short_stem(stem: str, width: int = STEM_CHARACTERS) -> str:
    """The stem's text without Markdown, on one line, shortened to about ``width`` characters."""
    plain = " ".join(markdown(stem).striptags().split())
    return textwrap.shorten(plain, width, placeholder=" …")


def _blanked(question: ReviewedQuestion) -> str:
    """The stem, a gap item's gaps as blanks ("the ___ of")."""
    return fill(question.stem, lambda _: "___") if question.type == "gap" else question.stem


def _matches(key: str, item: Reviewed) -> bool:
    if key == "wrong":
        return item.verdict in ("wrong", "partly")
    if key == "unanswered":
        return item.verdict == "unanswered"
    if key == "flagged":
        return item.question.flagged
    return True


def review_list(results: AttemptResults, show: str | None) -> ReviewList:
    """The review of ``results`` through the filter ``show`` ("all" when None or empty).

    Raises :class:`PmpathError` located at the query parameter ``show`` for an unknown filter.
    """
    key = show or "all"
    if key not in FILTERS:
        names = ", ".join(FILTERS)
        raise PmpathError(
            f"there is no review filter “{key}”; the filters are {names}",
            Location(field_path=("show",)),
        )
    items = [Reviewed(q, verdict(q), short_stem(_blanked(q))) for q in results.review]
    keys = [k for k in FILTERS if k != "wrong" or results.review_policy.keys != "none"]
    tally: dict[Verdict, int] = {}
    for item in items:
        tally[item.verdict] = tally.get(item.verdict, 0) + 1
    return ReviewList(
        shown=[item for item in items if _matches(key, item)],
        filters=[Filter(k, FILTERS[k], sum(_matches(k, item) for item in items)) for k in keys],
        current=key,
        tally=tally,
    )


def domain_chart(results: AttemptResults) -> Markup | None:
    """The score in each domain as horizontal bars, with the pass mark; None without domains.
    Its accessible name carries every value, so a screen reader needs no table."""
    from pmpath.reports import bars_svg

    shares = results.by_domain
    if not shares:
        return None
    values = "; ".join(f"{d.name} {d.percent:g}%" for d in shares)
    mark = f" The pass mark is {results.pass_mark:g}%." if results.pass_mark is not None else ""
    svg = bars_svg(
        [d.name for d in shares],
        [d.percent for d in shares],
        f"Your score by domain: {values}.{mark}",
        mark=results.pass_mark,
    )
    return Markup(svg)  # built by charts.py with every text escaped


def render_results(
    request: Request, letters: str, results: AttemptResults, show: str | None
) -> Response:
    """The results page through the review filter ``show``; an unknown filter shows every
    question, says why, and answers 400."""
    error = None
    try:
        review = review_list(results, show)
    except PmpathError:
        error = f"The review has no filter “{show}”, so it shows all the questions."
        review = review_list(results, None)
    allowance = timing.allowance(results.time_allowance)
    return page(
        request,
        "results.html",
        {
            "r": results,
            "letters": letters,
            "review": review,
            "chart": domain_chart(results),
            "allowance": allowance if allowance.id != "standard" else None,
            "error": error,
        },
        400 if error else 200,
    )
