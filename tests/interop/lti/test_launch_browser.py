"""A launch in a real browser (Debian's chromium): the LMS's login initiation link, the
platform's authorization page (its form post back to pmpath) and the exam's start page, signed
in, at phone width and with nothing scrolling sideways."""

from __future__ import annotations

import html
import tempfile
from urllib.parse import urlencode

from playwright.sync_api import expect, sync_playwright

from pmpath.app import Pmpath
from pmpath.services.models.lti import PlatformInput
from pmpath.settings import Settings
from tests.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium, serve
from tests.interop.lti.conftest import admin_user
from tests.interop.lti.platform import Platform

pytestmark = needs_chromium


def test_a_learner_opens_an_exam_from_the_lms_in_a_browser() -> None:
    folder = tempfile.mkdtemp()
    app = Pmpath(Settings(database_url=f"sqlite:///{folder}/lti.db"))
    with serve(app) as base, Platform([base + "/lti/launch"]) as lms:
        app.lti.register_platform(admin_user(app), PlatformInput(**lms.registration()))
        hint, _ = lms.stage(lms.resource_link_claims(pmpath_target="exam:pm-foundations"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(base + "/lti/login?" + urlencode(lms.login_params(hint)))
            page.get_by_role("button", name="Continue").click()  # the platform's form post
            expect(page).to_have_url(base + "/exams/pm-foundations/start")
            expect(page.get_by_role("heading", level=1)).to_contain_text("PM foundations")
            page.get_by_text("Menu", exact=True).click()  # on a phone the links are in the menu
            who = page.locator("header .phone-nav").get_by_text("Signed in as Ms Jane Marie Doe")
            expect(who).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            browser.close()


def test_an_instructor_adds_an_exam_to_the_course_from_inside_the_lms() -> None:
    """Deep linking in a real browser: the picker, then the form post back to the LMS, which
    the site's own policy (form-action 'self') would block were the reply's not kept."""
    folder = tempfile.mkdtemp()
    app = Pmpath(Settings(database_url=f"sqlite:///{folder}/lti.db"))
    with serve(app) as base, Platform([base + "/lti/launch"], tool_jwks=app.lti.jwks) as lms:
        app.lti.register_platform(admin_user(app), PlatformInput(**lms.registration()))
        hint, _ = lms.stage(lms.deep_linking_claims())
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(base + "/lti/login?" + urlencode(lms.login_params(hint)))
            page.get_by_role("button", name="Continue").click()  # the platform's form post
            page.get_by_label("PM foundations").check()
            page.get_by_role("button", name="Add to the course").click()
            page.get_by_role("button", name="Return to the course").click()
            expect(page.locator("body")).to_contain_text("content added")
            browser.close()
        assert lms.deep_link_errors == []
        (claims,) = lms.deep_link_responses
        (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
        assert item["custom"] == {"pmpath_target": "exam:pm-foundations"}


def test_an_instructor_adds_an_exam_from_the_lms_frame_of_another_site() -> None:
    """Moodle's "Select content" opens the picker in an iframe of its own page: here the
    platform on 127.0.0.1 frames pmpath on localhost (another site, so the browser neither
    stores nor sends pmpath's SameSite=Lax cookies in the frame). The whole choice happens in
    the frame, and the platform receives the signed answer."""
    folder = tempfile.mkdtemp()
    app = Pmpath(Settings(database_url=f"sqlite:///{folder}/lti.db"))
    with serve(app) as served:
        tool = served.replace("127.0.0.1", "localhost")
        with Platform([tool + "/lti/launch"], tool_jwks=app.lti.jwks) as lms:
            app.lti.register_platform(admin_user(app), PlatformInput(**lms.registration()))
            hint, _ = lms.stage(lms.deep_linking_claims())
            login = html.escape(tool + "/lti/login?" + urlencode(lms.login_params(hint)))
            lms.pages["/course/view.php"] = (
                "<!doctype html><title>Economics</title><h1>Select content</h1>"
                f'<iframe id="contentframe" src="{login}" width="1200" height="700"></iframe>'
            )
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1366, "height": 900})
                page.goto(lms.url + "/course/view.php")
                frame = page.frame_locator("#contentframe")
                frame.get_by_role("button", name="Continue").click()  # the platform's post
                frame.get_by_label("PM foundations").check()
                frame.get_by_role("button", name="Add to the course").click()
                frame.get_by_role("button", name="Return to the course").click()
                expect(frame.locator("body")).to_contain_text("content added")
                expect(page).to_have_url(lms.url + "/course/view.php")  # still the course
                tool_cookies = page.context.cookies([tool])
                browser.close()
            assert [c["name"] for c in tool_cookies if c["name"] == "pmpath_session"] == []
            assert lms.deep_link_errors == []
            (claims,) = lms.deep_link_responses
            (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
            assert item["custom"] == {"pmpath_target": "exam:pm-foundations"}
            assert item["url"] == tool + "/lti/launch?pmpath_target=exam%3Apm-foundations"
