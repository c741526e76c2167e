"""The report in a real browser: Debian's chromium, headless, driven by Playwright.

The test never downloads a browser (``playwright install`` is not used); it is skipped where
``/usr/bin/chromium`` is missing. A full-page screenshot is kept in ``test-artifacts/`` for
people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from pmpath.reports import render_report
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, needs_chromium

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def report_file(sample: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    path.write_text(render_report(sample), encoding="utf-8")
    return path


def open_report(browser: Browser, path: Path, width: int) -> tuple[Page, list[str]]:
    """A page showing the report, and the list of every URL it requested, kept up to date."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    return page, requests


def test_report_shows_its_charts_and_gap_table_and_fetches_nothing(
    browser: Browser, report_file: Path, tmp_path: Path, sample: dict[str, Any]
) -> None:
    page, requests = open_report(browser, report_file, width=1100)

    expect(page.locator("svg#radar")).to_be_visible()
    expect(page.locator("svg#ladder")).to_be_visible()
    expect(page.locator("#gap-table")).to_be_visible()
    expect(page.locator("#gap-table tbody tr")).to_have_count(len(sample["gaps"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Career report for Alex Morgan")
    page.screenshot(path=tmp_path / "report.png", full_page=True)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "report.png", full_page=True)

    assert requests == [report_file.as_uri()]
    assert (tmp_path / "report.png").stat().st_size > 0
    page.close()


def test_report_fits_a_phone_screen(browser: Browser, report_file: Path) -> None:
    page, _ = open_report(browser, report_file, width=390)

    # Wide parts (the ladder, the tables) scroll inside their own boxes; the page never does.
    page_width = page.evaluate("document.documentElement.scrollWidth")

    assert page_width <= 390
    expect(page.locator("#gap-table")).to_be_attached()
    page.close()


def test_the_report_of_a_real_assessment_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    # The whole pipeline: an answers file, stored in SQLite, reported, rendered, opened.
    from pmpath.assessment import read_answers
    from pmpath.framework import bundled_framework_path, load_framework
    from pmpath.services.assessments import AssessmentService
    from pmpath.store import Database

    framework = load_framework(bundled_framework_path())
    database = Database.open(f"sqlite:///{tmp_path / 'pmpath.db'}")
    service = AssessmentService(database, framework)
    answers = Path(__file__).resolve().parents[2] / "docs" / "examples" / "engineer-answers.yaml"
    service.record("sam", read_answers(answers, framework))
    path = tmp_path / "sam.html"
    path.write_text(render_report(service.report("sam")), encoding="utf-8")
    database.dispose()

    page, requests = open_report(browser, path, width=1100)
    expect(page.locator("svg#radar")).to_be_visible()
    expect(page.locator("#gap-table")).to_be_visible()
    expect(page.locator("#gap-table tbody tr")).to_have_count(len(framework.competencies))
    expect(page.locator("svg#ladder .here")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "report-engineer.png", full_page=True)
    assert requests == [path.as_uri()]
    page.close()
