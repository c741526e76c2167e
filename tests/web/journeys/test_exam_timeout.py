"""A mock exam whose time runs out, at 390 px and 1366 px: at 0:00 the page stops taking
answers, the server hands the attempt in, and the learner is told what happened and how many
answers counted. The deadline is moved in the database, as the service tests do."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from pmpath.store.tables import AttemptRow
from tests.browser import needs_chromium
from tests.web.journeys.checks import Journey
from tests.web.journeys.conftest import PASSWORD, Site, answer_anything, sign_in, width_of

pytestmark = needs_chromium

#: Seconds left when the page is drawn: long enough to pick an answer, short enough to wait.
LEFT = 4


def test_an_exam_whose_time_runs_out(page: Page, site: Site) -> None:
    width = width_of(page)
    email = f"tim{width}@example.org"
    site.context.accounts.sign_up(email, "Tim Timer", PASSWORD)
    with Journey(page, "timeout", width, site.known_ids, site.prose) as j:
        sign_in(page, site.base, email)
        page.goto(f"{site.base}/exams")
        page.get_by_role("button", name=re.compile(r"start scrum master", re.I)).click()
        expect(page.locator("main")).to_contain_text(re.compile(r"Question 1 of \d+"))
        j.visit("question-1")
        answer_anything(page)
        page.get_by_role("button", name=re.compile(r"save answer and go on|next", re.I)).click()
        expect(page.locator("main")).to_contain_text(re.compile(r"Question 2 of \d+"))
        match = re.search(r"/attempts/(\d+)/", page.url)
        assert match, page.url
        attempt = int(match.group(1))
        with site.context.database.transaction() as session:
            row = session.get(AttemptRow, attempt)
            assert row is not None
            row.deadline = site.context.clock() + timedelta(seconds=LEFT)
        page.reload()
        expect(page.locator("#timer")).to_be_visible()
        j.visit("question-2-last-seconds")
        answer_anything(page)
        expect(page.locator("#timer")).to_have_text("0:00", timeout=(LEFT + 3) * 1000)
        page.wait_for_timeout(1500)
        on_results = "/results" in page.url
        inputs = page.locator("main form input:not([type=hidden]), main form select")
        j.check(
            on_results or inputs.count() == 0 or all(i.is_disabled() for i in inputs.all()),
            "time-up",
            "at 0:00 the page still takes answers (neither handed in nor locked)",
        )
        j.visit("time-up")
        if not on_results:
            # Without JavaScript's help the next move lands on the results, with the reason.
            save = page.get_by_role("button", name=re.compile(r"save answer and go on", re.I))
            if save.count() and save.is_enabled():
                save.click()
            else:
                page.goto(f"{site.base}/attempts/{attempt}")
            page.wait_for_load_state("load")
        expect(page).to_have_url(re.compile(rf"/attempts/{attempt}/results"))
        main = page.locator("main")
        expect(main).to_contain_text(re.compile(r"time ran out", re.I))
        text = main.inner_text()
        counted = re.search(r"(\d+) of (\d+) answers", text)
        if j.check(counted is not None, "results", "does not say how many answers counted"):
            assert counted is not None
            j.check(
                int(counted.group(1)) >= 1,
                "results",
                f"the answer saved before the deadline did not count ({counted.group(0)!r})",
            )
        j.visit("results")
        # The server handed it in: the attempt is finished, going back shows the results.
        with site.context.database.transaction() as session:
            row = session.get(AttemptRow, attempt)
            assert row is not None
            assert row.finish_reason == "timeout", row.finish_reason
        page.goto(f"{site.base}/attempts/{attempt}/q/1")
        expect(page).to_have_url(re.compile(rf"/attempts/{attempt}/results"))
