"""/admin/xapi in a real browser (Debian's chromium) at phone and desktop widths, with
statements sent, waiting (Ralph stopped) and refused: an admin connects the LRS through the
form, retries a refused statement, and nothing scrolls sideways. Screenshots go to
test-artifacts/xapi-admin-<width>.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import update

from pmpath.services.xapi import COMMAND_LINE
from pmpath.store.tables_xapi import XapiOutboxRow
from tests.browser import needs_chromium, serve
from tests.interop.xapi.helpers import make_site, self_assess, sit_exam
from tests.interop.xapi.ralph import PASSWORD, USER, Ralph, require_ralph
from tests.web.test_browser import browser, fits, shot

pytestmark = needs_chromium
__all__ = ["browser"]

ADMIN_PASSWORD = "correct-horse-battery"


@pytest.fixture
def lrs(tmp_path: Path) -> Iterator[Ralph]:
    ralph = Ralph(require_ralph(), tmp_path / "ralph")
    ralph.start()
    yield ralph
    ralph.stop()


@pytest.mark.parametrize("width", [390, 1366])
def test_an_admin_sees_sent_waiting_and_refused_statements(
    browser: Browser, lrs: Ralph, tmp_path: Path, width: int
) -> None:
    site = make_site(f"sqlite:///{tmp_path / 'pmpath.db'}")
    site.app.accounts.sign_up("ada@example.org", "Ada", ADMIN_PASSWORD, role="admin")
    with serve(site.app) as base:
        page = browser.new_page(viewport={"width": width, "height": 844 if width == 390 else 900})
        page.goto(f"{base}/login?next=/admin/xapi")
        page.get_by_label("Email").fill("ada@example.org")
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Connect an LRS")).to_be_visible()
        fits(page)

        page.get_by_label("Endpoint").fill(lrs.endpoint)
        page.get_by_label("Key").fill(USER)
        page.get_by_label("Secret").fill(PASSWORD)
        page.get_by_role("button", name="Connect").click()
        expect(page.get_by_text("The LRS settings are saved.")).to_be_visible()

        sit_exam(site, "ana", right=28)  # sent
        page.get_by_role("button", name="Send now").click()
        expect(page.get_by_text("sent.", exact=False).first).to_be_visible()
        self_assess(site, "dee")  # refused
        site.xapi.collect(COMMAND_LINE)
        [refused] = [row for row in site.outbox() if row.kind == "self-assessed"]
        with site.app.database.transaction() as session:
            session.execute(
                update(XapiOutboxRow)
                .where(XapiOutboxRow.id == refused.id)
                .values(statement={**refused.statement, "object": {"objectType": "Activity"}})
            )
        site.xapi.send(COMMAND_LINE)
        lrs.stop()
        self_assess(site, "eli")  # waiting while the LRS is down
        page.get_by_role("button", name="Send now").click()
        expect(page.get_by_text("The LRS took no more statements")).to_be_visible()
        expect(page.get_by_text("1 waiting to be sent")).to_be_visible()
        expect(page.get_by_text("1 refused by the LRS")).to_be_visible()
        expect(page.get_by_role("cell", name="Finished a self-assessment")).to_be_visible()
        fits(page)
        shot(page, f"xapi-admin-{width}")

        lrs.start()
        page.get_by_role("button", name=re.compile(r"^Retry\W+finished a self-assessment")).click()
        expect(page.get_by_text("The statement is back in line")).to_be_visible()
        page.get_by_role("button", name="Test the connection").click()
        expect(page.get_by_text("Connected: the LRS answered")).to_be_visible()
        fits(page)
