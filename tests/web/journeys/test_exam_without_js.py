"""The core exam flow with JavaScript off, at 390 px and 1366 px: the same pick, flag, revisit,
summary, hand-in and review as the learner's journey, each move a plain form post."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import needs_chromium
from tests.web.journeys.checks import Journey
from tests.web.journeys.conftest import PASSWORD, WIDTHS, Site, sign_in, width_of
from tests.web.journeys.test_learner import mock_exam, results_and_review

pytestmark = needs_chromium


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page_without_js(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    width: int = request.param
    context = browser.new_context(
        viewport={"width": width, "height": 844 if width < 768 else 900},
        java_script_enabled=False,
    )
    context.set_default_timeout(5000)
    yield context.new_page()
    context.close()


def test_a_mock_exam_without_javascript(page_without_js: Page, site: Site) -> None:
    page = page_without_js
    width = width_of(page)
    email = f"nojs{width}@example.org"
    site.context.accounts.sign_up(email, "Noa Nojs", PASSWORD)
    with Journey(page, "nojs", width, site.known_ids, site.prose, run_axe=False) as j:
        sign_in(page, site.base, email)
        flagged = mock_exam(j, site, site.profile(email))
        results_and_review(j, flagged)
