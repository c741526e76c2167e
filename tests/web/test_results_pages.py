"""A mock exam's results page: the score and verdict up top, the per-domain chart, and a review
that is collapsed, marks each answer by icon and words, and filters on the server."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, needs_chromium, serve
from tests.conftest import as_shown, right_answer
from tests.web.conftest import PASSWORD, profile_of, sign_up

BLUEPRINT = "apm-readiness"  # 40 questions, pass mark 70%


@dataclass
class Finished:
    attempt: int
    right: set[int]
    wrong: set[int]
    unanswered: set[int]
    flagged: set[int]


def visible(page: str) -> str:
    """The main content's text as a reader sees it: no tags, scripts or styles."""
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    body = re.sub(r"<(script|style|title)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def finish_exam(
    context: Pmpath, profile: str, wrong: int = 6, skipped: int = 3, time: str | None = None
) -> Finished:
    """A finished mock exam: the first ``wrong`` single-choice questions answered wrongly, the
    last ``skipped`` questions left blank, every other question answered right; questions 2, 5
    and 9 (positions 1, 4, 8) flagged."""
    attempt = context.exams.start_mock(profile, BLUEPRINT, seed=7, time=time)
    questions = context.exams.view(attempt, profile).questions
    blank = {q.position for q in questions[-skipped:]} if skipped else set()
    missed = {
        q.position
        for q in questions
        if q.type in ("single", "true-false") and q.position not in blank
    }
    missed = set(sorted(missed)[:wrong])
    for question in questions:
        if question.position in blank:
            continue
        item = context.exams.bank.item(question.item_id)
        if question.position in missed:
            other = next(option.id for option in item.options if not option.correct)
            response = as_shown(item, question, other)
        else:
            response = right_answer(item, question)
        context.exams.answer(attempt, profile, question.position, response)
    flagged = {1, 4, 8}
    for position in flagged:
        context.exams.flag(attempt, profile, position, True)
    context.exams.finish(attempt, profile)
    everyone = {q.position for q in questions}
    return Finished(attempt, everyone - missed - blank, missed, blank, flagged)


@pytest.fixture
def finished(client: TestClient, context: Pmpath) -> Finished:
    sign_up(client)
    return finish_exam(context, profile_of(context, "ana@example.org"))


def positions(page: str) -> list[int]:
    """The question numbers the review lists, as positions (0-based)."""
    return [int(p) for p in re.findall(r'<details class="rq [a-z]+" id="rq-(\d+)"', page)]


def test_the_score_and_the_verdict_come_first(client: TestClient, finished: Finished) -> None:
    page = client.get(f"/attempts/{finished.attempt}/results").text
    text = visible(page)
    results_start = text.index("Score")

    assert text.index("Passed") > results_start
    assert text.index("Passed") < text.index("By domain") < text.index("Review")
    assert "The pass mark is 70%" in text
    assert f"{40 - len(finished.unanswered)} of 40 questions answered" in text
    assert "<title>Associate PM readiness: results · pmpath</title>" in page


def test_a_failed_exam_says_by_how_much(client: TestClient, context: Pmpath) -> None:
    sign_up(client)
    failed = finish_exam(context, profile_of(context, "ana@example.org"), wrong=12, skipped=10)

    text = visible(client.get(f"/attempts/{failed.attempt}/results").text)

    assert "Not passed" in text
    assert re.search(r"you were [\d.]+ points short of it", text)


def test_extra_time_is_said_on_the_result(client: TestClient, context: Pmpath) -> None:
    sign_up(client)
    done = finish_exam(context, profile_of(context, "ana@example.org"), time="extra-25")

    text = visible(client.get(f"/attempts/{done.attempt}/results").text)

    assert "taken with 25% extra time" in text


def test_standard_time_is_not_mentioned(client: TestClient, finished: Finished) -> None:
    assert "extra time" not in visible(client.get(f"/attempts/{finished.attempt}/results").text)


def test_the_domain_chart_is_an_image_named_with_every_value(
    client: TestClient, context: Pmpath, finished: Finished
) -> None:
    page = client.get(f"/attempts/{finished.attempt}/results").text
    results = context.exams.results(finished.attempt, profile_of(context, "ana@example.org"))

    figure = re.search(r'<figure class="chart bars">(.*?)</figure>', page, flags=re.S)
    assert figure
    svg = ET.fromstring(figure.group(1).split("<figcaption>")[0].strip())
    label = html.unescape(svg.get("aria-label", ""))

    assert svg.get("role") == "img"
    for domain in results.by_domain:
        assert f"{domain.name} {domain.percent:g}%" in label
    assert "The pass mark is 70%" in label
    # The same numbers as a table, for those who would rather read one.
    assert "The scores by domain as a table" in page
    assert all(f"{d.percent:g}%</td>" in page for d in results.by_domain)


def test_the_review_is_collapsed_one_line_per_question(
    client: TestClient, finished: Finished
) -> None:
    page = client.get(f"/attempts/{finished.attempt}/results").text

    details = re.findall(r'<details class="rq [^"]*"[^>]*>', page)

    assert len(details) == 40
    assert not any(" open" in tag for tag in details)
    summaries = re.findall(r'<details class="rq[^>]*>\s*<summary>(.*?)</summary>', page, re.S)
    first = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", summaries[0])).split())
    assert re.match(r"1 \. (Right|Wrong) .+", first)
    assert len(first) < 130  # the number, the verdict and a short stem: one line


def test_each_verdict_is_told_by_icon_and_words(client: TestClient, finished: Finished) -> None:
    page = client.get(f"/attempts/{finished.attempt}/results").text

    for position, word in (
        (min(finished.wrong), "Wrong"),
        (min(finished.right), "Right"),
        (min(finished.unanswered), "Not answered"),
    ):
        summary = re.search(rf'id="rq-{position}">\s*<summary>(.*?)</summary>', page, re.S)
        assert summary
        assert '<svg class="icon"' in summary.group(1)
        assert f"<span>{word}</span>" in summary.group(1)


def test_a_wrong_answer_shows_the_learners_pick_and_the_right_one(
    client: TestClient, context: Pmpath, finished: Finished
) -> None:
    page = client.get(f"/attempts/{finished.attempt}/results").text
    profile = profile_of(context, "ana@example.org")
    position = min(finished.wrong)
    question = context.exams.results(finished.attempt, profile).review[position]
    item = context.exams.bank.item(question.item_id)
    key_text = next(o.text for o in item.options if o.correct)
    picked_text = next(o.text for o in item.options if not o.correct)

    body = page.split(f'id="rq-{position}">', 1)[1].split("</details>\n    </li>", 1)[0]
    options = {
        html.unescape(text): tags
        for text, tags in re.findall(r"<li><strong>[A-Z]\. (.*?)</strong>(.*?)</li>", body, re.S)
    }

    assert "✓ right answer" in options[key_text]
    assert "your answer" in options[picked_text]
    assert 'class="feedback wrong"' in body


def test_filters_show_the_wrong_the_unanswered_and_the_flagged(
    client: TestClient, finished: Finished
) -> None:
    url = f"/attempts/{finished.attempt}/results"

    assert positions(client.get(url).text) == list(range(40))
    assert set(positions(client.get(f"{url}?show=wrong").text)) == finished.wrong
    assert set(positions(client.get(f"{url}?show=unanswered").text)) == finished.unanswered
    assert set(positions(client.get(f"{url}?show=flagged").text)) == finished.flagged


def test_each_filter_link_carries_its_count(client: TestClient, finished: Finished) -> None:
    page = client.get(f"/attempts/{finished.attempt}/results?show=wrong").text

    links = {
        key: (current, int(count))
        for key, current, count in re.findall(
            r'<a href="\?show=(\w+)#review-h"( aria-current="page")?>[^<]*'
            r'<span class="count">(\d+)</span>',
            page,
        )
    }

    assert links == {
        "all": ("", 40),
        "wrong": (' aria-current="page"', len(finished.wrong)),
        "unanswered": ("", len(finished.unanswered)),
        "flagged": ("", len(finished.flagged)),
    }


def test_an_empty_filter_says_so(client: TestClient, context: Pmpath) -> None:
    sign_up(client)
    done = finish_exam(context, profile_of(context, "ana@example.org"), skipped=0)

    page = client.get(f"/attempts/{done.attempt}/results?show=unanswered").text

    assert positions(page) == []
    assert "No questions were left unanswered." in visible(page)


def test_an_unknown_filter_shows_everything_and_says_why(
    client: TestClient, finished: Finished
) -> None:
    response = client.get(f"/attempts/{finished.attempt}/results?show=<b>odd</b>")

    assert response.status_code == 400
    assert "The review has no filter “&lt;b&gt;odd&lt;/b&gt;”" in response.text
    assert len(positions(response.text)) == 40


def test_results_show_no_internals(client: TestClient, finished: Finished) -> None:
    text = visible(client.get(f"/attempts/{finished.attempt}/results").text)

    assert "<built-in" not in text
    assert "object at 0x" not in text
    assert "{{" not in text
    assert "{%" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text)
    assert "apm-readiness" not in text


# --- in a browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Pmpath]]:
    """A server over its own SQLite database, and the application behind it."""

    from pmpath.settings import Settings

    database = tmp_path_factory.mktemp("results") / "pmpath.db"
    context = Pmpath(Settings(database_url=f"sqlite:///{database}"))
    with serve(context) as base:
        yield base, context


@needs_chromium
@pytest.mark.parametrize("width", [390, 1366])
def test_results_fit_the_screen_with_the_review_collapsed(
    live: tuple[str, Pmpath], width: int
) -> None:
    from playwright.sync_api import sync_playwright

    base, context = live
    email = f"viewer{width}@example.org"
    context.accounts.sign_up(email, "Vi Ewer", PASSWORD)
    profile = profile_of(context, email)
    done = finish_exam(context, profile)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{base}/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/attempts/{done.attempt}/results")
        sideways = page.evaluate("document.documentElement.scrollWidth")
        height = page.evaluate("document.documentElement.scrollHeight")
        open_questions = page.locator("details.rq[open]").count()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"results-{width}.png", full_page=True)
        # Opening a question shows the answers; the filter is a plain link.
        page.locator("details.rq > summary").first.click()
        opened = page.locator("details.rq[open] .feedback").count()
        page.get_by_role("link", name=re.compile("^Flagged")).click()
        flagged = page.locator("details.rq").count()
        browser.close()

    assert sideways <= width
    assert open_questions == 0
    if width == 1366:
        assert height < 5000
    assert opened == 1
    assert flagged == len(done.flagged)


def test_a_filtered_view_lists_only_questions(client: TestClient, finished: Finished) -> None:
    page = client.get(f"/attempts/{finished.attempt}/results?show=flagged").text

    main = page.split("<main", 1)[1]

    assert main.count("<details") == len(finished.flagged)
    assert 'class="chart bars"' not in main


def test_the_placement_result_by_domain_reflows_on_a_phone(
    client: TestClient, context: Pmpath
) -> None:
    from tests.web.test_placement_pages import placement_response

    sign_up(client)
    profile = profile_of(context, "ana@example.org")
    view = context.psychometrics.start_placement(profile, seed=5)
    while not view.finished:
        item = context.psychometrics.bank.item(view.question.item_id)
        response = placement_response(item, view.question)
        view = context.psychometrics.answer_placement(view.attempt_id, profile, response)

    page = client.get(f"/placement/{view.attempt_id}").text
    table = page.split("By domain", 1)[1].split("</table>", 1)[0]

    # table.reflow: on a phone each domain becomes a card, each value labelled by its column.
    assert '<table class="reflow">' in table
    assert table.count('data-label="Level"') == table.count('<th scope="row">') > 0
    assert table.count('data-label="Questions answered"') == table.count('<th scope="row">')
