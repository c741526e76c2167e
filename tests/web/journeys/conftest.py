"""One live server and one chromium per module for the journeys, and what the journeys share:
the content's ids (which must never show), signing up and in, the navigation, answering a
question whatever its type, right or wrong on purpose."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select

from pmpath.app import Pmpath
from pmpath.settings import Settings
from pmpath.store.tables import ProfileRow, UserRow
from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve
from tests.web.journeys.checks import KEBAB, Journey

PASSWORD = "correct-horse-battery"
AUTHOR = "author@example.org"
WIDTHS = [390, 1366]


@dataclass
class Site:
    """The running server: its address and the application behind it (for a journey to move
    clock-bound data, as the service tests do)."""

    base: str
    context: Pmpath
    known_ids: frozenset[str]
    #: Hyphenated words the content's own prose uses ("jobs-to-be-done"): English, not ids.
    prose: frozenset[str]

    def profile(self, email: str) -> str:
        """The profile name behind an account (what the services key a user's data by)."""
        with self.context.database.transaction() as session:
            row = session.get(ProfileRow, self.profile_id(email))
            assert row is not None
            return row.name

    def profile_id(self, email: str) -> int:
        with self.context.database.transaction() as session:
            user = session.scalars(select(UserRow).where(UserRow.email == email)).one()
            return int(user.profile_id)


def content_words(context: Pmpath) -> tuple[frozenset[str], frozenset[str]]:
    """The kebab-case ids the bundled framework and bank define, and the hyphenated words of
    their prose. With a single hyphen ("strategic-thinking") an id looks like English, and
    the prose has compounds with several ("jobs-to-be-done"): the check needs both lists. A
    value that is one kebab-case word is an id (or a reference to one); a hyphenated word in
    a sentence is English."""
    ids: set[str] = set()
    prose: set[str] = set()

    def walk(value: Any) -> None:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple | set | frozenset):
            for v in value:
                walk(v)
        elif isinstance(value, str) and KEBAB.fullmatch(value):
            ids.add(value)
        elif isinstance(value, str) and " " in value.strip():
            prose.update(m.group(0) for m in KEBAB.finditer(value))

    walk(context.framework.model_dump(mode="json"))
    bank = context.exams.bank
    walk(list(bank.items))
    walk(list(bank.scenarios.values()) if isinstance(bank.scenarios, dict) else bank.scenarios)
    walk([d.id for d in bank.domains])
    # Accepted short answers are what learners type and feedback shows ("disagree-and-commit"),
    # never ids, even when one is a single hyphenated word.
    accepted = {a for item in bank.items for a in item.accepted if KEBAB.fullmatch(a)}
    return frozenset(ids - accepted), frozenset(prose | accepted)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    database = tmp_path_factory.mktemp("journeys") / "pmpath.db"
    context = Pmpath(Settings(database_url=f"sqlite:///{database}"))
    context.accounts.sign_up(AUTHOR, "Ada Author", PASSWORD, role="author")
    with serve(context) as base:
        yield Site(base, context, *content_words(context))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at the width, 844 px tall on a phone."""
    width: int = request.param
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 768 else 900})
    context.set_default_timeout(5000)
    tab = context.new_page()
    yield tab
    context.close()


def width_of(page: Page) -> int:
    size = page.viewport_size
    assert size is not None
    return int(size["width"])


def nav(j: Journey, name: str | re.Pattern[str], path: str) -> None:
    """Follow a link of the site's main navigation, through the Menu button on a phone; a page
    without it is a failure, and the journey goes on at ``path``."""
    page = j.page
    header = page.locator("header")
    link = header.get_by_role("link", name=name)
    # Behind a Menu button on a phone, or an account menu: open the menus that hold the link,
    # outermost first (a <details> each, so without JavaScript too).
    for menu in header.locator("details").all():
        if link.locator("visible=true").count():
            break
        # Not by role: a closed menu's links are not in the accessibility tree.
        summary = menu.locator("summary").first
        if (
            menu.get_attribute("open") is None
            and summary.is_visible()
            and menu.locator("a", has_text=name).count()
        ):
            summary.click()
    shown = link.locator("visible=true")
    if j.check(shown.count() > 0, "navigation", f"no link {name!r} in the header's navigation"):
        shown.first.click()
    else:
        page.goto(re.sub(r"(https?://[^/]+).*", r"\1", page.url) + path)
    page.wait_for_load_state("load")


def sign_up_form(page: Page, email: str, name: str) -> None:
    """Fill in and send the sign-up form on the page."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state("load")


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def answer_anything(page: Page, scope: str = "main") -> str:
    """Answer the question on the page whatever its type, with the first choice each control
    offers; returns what was given, for a later check that it was kept."""
    root = page.locator(scope)
    first = root.locator('input[name="response"]').first
    if first.count():
        kind = first.get_attribute("type")
        if kind in ("radio", "checkbox"):
            first.check()
            return f"{kind}:{first.get_attribute('value')}"
        first.fill("1")
        return "text:1"
    matches = root.locator('select[name^="match-"]')
    for match in matches.all():
        match.select_option(index=1)
    if matches.count():
        return "matching"
    # An ordering answered with the order shown: said so by its box (an untouched order is no
    # answer).
    keep = root.locator('input[name="touched"]')
    if keep.count():
        keep.first.check()
        return "ordering"
    return "as shown"


def current_pick(page: Page) -> str | None:
    """The radio or checkbox checked on the question page, as :func:`answer_anything` says it."""
    checked = page.locator('main input[name="response"]:checked').first
    if not checked.count():
        return None
    return f"{checked.get_attribute('type')}:{checked.get_attribute('value')}"


def expect_heading(page: Page, pattern: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(pattern, re.I))
