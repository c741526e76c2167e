"""The design system: its tokens meet WCAG 2.2 AA contrast, its vocabulary exists, the API
reference is the site's own page, the report links back and prints, error pages help."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, sync_playwright

from pmpath.app import Pmpath
from pmpath.assessment import Confidence, Rating, SelfAssessment
from pmpath.reports import render_report
from pmpath.reports._svg import CHART_COLOURS
from pmpath.settings import Settings
from tests.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium, serve
from tests.web.conftest import PASSWORD, profile_of, sign_up

CSS_FILE = Path(__file__).resolve().parents[2] / "src/pmpath/web/static/app.css"
CSS = CSS_FILE.read_text(encoding="utf-8")


# --- colour -------------------------------------------------------------------------------


def tokens(css: str = CSS) -> dict[str, str]:
    """The custom properties of :root blocks whose value is a hex colour (later ones win)."""
    found: dict[str, str] = {}
    for block in re.findall(r":root\s*\{([^}]*)\}", css):
        for name, value in re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{6})\b", block):
            found[name] = value.lower()
    return found


def luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2.2)."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_function_matches_known_ratios() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#f2a900", "#ffffff") == pytest.approx(2.0, abs=0.05)  # the old focus ring


COLOUR = tokens()
#: Text tokens, each on the backgrounds it is used on.
TEXT_PAIRS = [
    (text, background)
    for text in (
        *("--color-text", "--color-muted", "--color-primary", "--color-primary-dark"),
        *("--color-danger", "--color-success", "--color-warning"),
    )
    for background in ("--color-bg", "--color-surface", "--color-info-bg")
] + [
    ("--color-primary-text", "--color-primary"),
    ("--color-primary-text", "--color-primary-dark"),
    ("--color-primary-text", "--color-danger"),  # danger buttons, "Again"
    ("--color-primary-text", "--color-success"),  # "Good"
    ("--color-primary-text", "--color-warning"),  # "Hard"
    ("--color-header-text", "--color-header"),
    ("--color-focus", "--color-accent"),  # the count of reviews due
    ("--color-success", "--color-success-bg"),  # .badge-good, feedback verdicts
    ("--color-danger", "--color-danger-bg"),
    ("--color-warning", "--color-warning-bg"),
    ("--color-text", "--color-success-bg"),
    ("--color-text", "--color-danger-bg"),
    ("--color-text", "--color-warning-bg"),
]


@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS)
def test_text_colours_are_at_least_4_5_to_1(text: str, background: str) -> None:
    assert contrast(COLOUR[text], COLOUR[background]) >= 4.5


#: Every background the focus ring is drawn on.
FOCUS_BACKGROUNDS = [
    "--color-bg",
    "--color-surface",
    "--color-info-bg",
    "--color-header",
    "--color-primary",
    "--color-primary-dark",
    "--color-danger",
    "--color-success",
    "--color-warning",
]


@pytest.mark.parametrize("background", FOCUS_BACKGROUNDS)
def test_the_focus_ring_is_at_least_3_to_1_on_every_background(background: str) -> None:
    # Two tones: wherever one of them blends in, the other stands out.
    ring = max(
        contrast(COLOUR["--color-focus"], COLOUR[background]),
        contrast(COLOUR["--color-focus-halo"], COLOUR[background]),
    )
    assert ring >= 3


def test_the_two_tones_of_the_focus_ring_differ_and_the_ring_uses_them() -> None:
    assert contrast(COLOUR["--color-focus"], COLOUR["--color-focus-halo"]) >= 3
    rule = re.search(r"(?m)^:focus-visible\s*\{([^}]*)\}", CSS)
    assert rule, "no :focus-visible rule"
    assert re.search(r"outline:[^;]*solid var\(--color-focus\)", rule.group(1))
    assert re.search(r"box-shadow:[^;]*var\(--color-focus-halo\)", rule.group(1))


def test_the_current_question_keeps_the_focus_ring() -> None:
    """The current question is marked without an outline, so the focus ring (an outline)
    still shows on it; the old 'outline: 3px solid ink' hid the ring."""
    for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", CSS):
        if ".qnav" in selector and "aria-current" in selector:
            assert "outline" not in body, selector.strip()


def test_answered_questions_stand_out_from_unanswered_ones() -> None:
    answered = re.search(r"\.qnav button\.answered[^{]*\{([^}]*)\}", CSS)
    assert answered
    assert "background: var(--color-primary)" in answered.group(1)
    # Unanswered ones are white with a control border; answered ones a fill >= 3:1 against them.
    assert contrast(COLOUR["--color-primary"], COLOUR["--color-bg"]) >= 3
    assert contrast(COLOUR["--color-control"], COLOUR["--color-bg"]) >= 3
    assert contrast(COLOUR["--color-control"], COLOUR["--color-surface"]) >= 3


def test_the_chart_palette_is_the_charts_own_and_readable_on_white() -> None:
    palette = [COLOUR[f"--chart-{n}"] for n in range(1, 9)]
    assert palette == [colour.lower() for colour in CHART_COLOURS]
    for colour in palette:
        assert contrast(colour, "#ffffff") >= 3, colour


# --- vocabulary and units ------------------------------------------------------------------

VOCABULARY = [
    ".button.secondary",
    "button.secondary",
    ".button.danger",
    "button.link",
    ".card",
    ".alert-info",
    ".alert-success",
    ".alert-warning",
    ".alert-error",
    ".badge-good",
    ".badge-bad",
    ".badge-neutral",
    "progress::-webkit-progress-value",
    "table.reflow",
    "td[data-label]::before",
    ".sr-only",
    ".actions",
    ".stack",
    ".field-error",
    ".lead",
    ".meta",
]
TOKENS = [
    "--color-text",
    "--color-muted",
    "--color-bg",
    "--color-surface",
    "--color-border",
    "--color-primary",
    "--color-primary-text",
    "--color-danger",
    "--color-success",
    "--color-warning",
    "--color-focus",
    "--color-success-bg",
    "--color-danger-bg",
    "--color-warning-bg",
    "--color-info-bg",
    *(f"--space-{n}" for n in range(1, 7)),
    *(f"--text-{size}" for size in ("sm", "base", "lg", "xl", "2xl")),
    "--radius",
    # The old names stay, as aliases.
    *("--ink", "--muted", "--accent", "--soft", "--line", "--bad", "--good", "--part"),
]


@pytest.mark.parametrize("selector", VOCABULARY)
def test_every_component_of_the_vocabulary_is_styled(selector: str) -> None:
    assert re.search(re.escape(selector) + r"[\s,:{\[.]", CSS), selector


@pytest.mark.parametrize("token", TOKENS)
def test_every_token_is_defined(token: str) -> None:
    assert re.search(rf"{re.escape(token)}\s*:", CSS), token


def test_text_follows_the_browsers_font_size() -> None:
    body = re.search(r"(?m)^body\s*\{([^}]*)\}", CSS)
    assert body
    assert "font-size: 100%" in body.group(1)
    # No type size in px anywhere: the reader's setting scales all text.
    rules = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    assert not re.search(r"font(-size)?\s*:[^;}]*\dpx", rules)


# --- pages ----------------------------------------------------------------------------------


class Links(HTMLParser):
    """Every src and href of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.urls.append(value)
            if name == "id" and value:
                self.ids.add(value)


def parsed(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def test_the_api_reference_is_served_from_the_package(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    page = parsed(docs.text)
    outside = [url for url in page.urls if re.match(r"(https?:)?//", url)]
    assert outside == []
    assert "swagger" not in docs.text.lower()
    assert 'class="site"' in docs.text  # in the site's layout
    assert client.get("/redoc").status_code == 404  # FastAPI's CDN pages are off
    assert client.get("/openapi.json").status_code == 200


def test_the_api_reference_lists_every_operation_of_the_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    docs = client.get("/docs").text
    page = parsed(docs)
    operations = [
        (method, path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) > 30
    for method, path, operation in operations:
        assert f"op-{operation['operationId']}" in page.ids, (method, path)
        assert f"<code>{path}</code>" in docs, path
        assert operation["summary"].replace("'", "&#39;") in docs, path
    for name in schema["components"]["schemas"]:
        assert f"schema-{name}" in page.ids, name

    # Who may call what, read from the routes themselves.
    def heading(path: str) -> str:
        return docs.split(f"<code>{path}</code></h3>", 1)[1][:1500]

    assert "Authors and admins" in heading("/api/v1/banks")
    assert "Admins" in heading("/api/v1/users")
    assert "Anyone, signed in or not" in heading("/api/v1/roles")
    assert "Signed in (any account)" in heading("/api/v1/review")


def finished_assessment(client: TestClient, context: Pmpath) -> None:
    sign_up(client)
    competencies = context.framework.competencies
    ratings = {c.id: Rating(c.id, 3, Confidence.MEDIUM, ()) for c in competencies}
    context.assessments.record(profile_of(context, "ana@example.org"), SelfAssessment(ratings))


def test_the_report_links_back_and_offers_to_print(client: TestClient, context: Pmpath) -> None:
    finished_assessment(client, context)
    report = client.get("/report").text
    page = parsed(report)
    assert "/profile" in page.urls
    assert "/" in page.urls
    assert "/static/print.js" in page.urls
    assert 'id="print-report" hidden' in report  # shown by the script only
    assert re.search(r"@media print \{[^@]*\.site-bar \{ display: none; \}", report)
    script = client.get("/static/print.js")
    assert script.status_code == 200
    assert "window.print()" in script.text


def test_the_report_as_a_file_stays_self_contained(context: Pmpath, client: TestClient) -> None:
    finished_assessment(client, context)
    data = context.assessments.report(profile_of(context, "ana@example.org"))
    html = render_report(data)
    assert "<script" not in html
    assert 'class="site-bar"' not in html
    assert 'href="/' not in html


def test_the_sites_print_stylesheet_hides_the_chrome() -> None:
    printing = CSS.split("@media print {", 1)[1].split("\n}", 1)[0]
    for part in ("header.site", "footer.site", ".qnav", ".actions", "button"):
        assert part in printing.split("{", 1)[0], part
    assert "color: #000000" in printing
    assert "background: #ffffff" in printing
    assert "break-inside: avoid" in printing


def test_a_404_page_helps_and_shows_no_wall_of_ids(client: TestClient) -> None:
    missing = client.get("/roles/astronaut")
    assert missing.status_code == 404
    assert "known:" not in missing.text
    assert "senior-product-manager" not in missing.text
    page = parsed(missing.text)
    for link in ("/", "/ladder", "/practice"):
        assert link in page.urls
    assert "What you can do" in missing.text


def test_the_diff_page_names_levels_and_says_which_way_they_move(client: TestClient) -> None:
    html = client.get(
        "/diff", params={"start": "product-manager", "goal": "senior-product-manager"}
    )
    assert re.search(r"\d Proficient", html.text) or re.search(r"\d Advanced", html.text)
    assert re.search(r"\d levels? higher", html.text)
    assert not re.search(r">\+\d<", html.text)  # no bare "+1"
    assert 'class="reflow"' in html.text
    assert 'data-label="Change"' in html.text


def test_certifications_show_names_not_ids(client: TestClient) -> None:
    html = client.get("/certifications").text
    assert "execution-excellence" not in html
    assert 'data-label="Suits">Entry level, Early career<' in html
    assert 'data-label="Kind">Learning programme<' in html
    # "leadership" is the id of a competency and of a stage: each column names its own.
    assert 'data-label="Builds">Leadership and mentorship, Organisational leadership<' in html
    assert 'data-label="Suits">Senior, Product leadership, Executive<' in html


def test_a_role_page_names_its_track_in_words(client: TestClient) -> None:
    html = client.get("/roles/senior-product-manager").text
    meta = html.split('<p class="meta">', 1)[1].split("</p>", 1)[0]
    assert meta == (
        "Senior · Individual-contributor or people-leader track"
        " · also called Senior PM, Product Manager III"
    )


def test_the_ladder_cards_name_each_track_in_words(client: TestClient) -> None:
    html = client.get("/ladder").text
    tracks = re.findall(r'<li class="card">\s*<h3>.*?</h3>\s*<p class="meta">([^<]*)</p>', html)
    assert set(tracks) == {
        "Individual-contributor or people-leader track",
        "Individual-contributor track",
        "People-leader track",
        "Beyond product",
    }


def test_the_header_marks_the_section_being_read(client: TestClient) -> None:
    role = client.get("/roles/product-manager").text
    assert 'aria-current="true" href="/ladder">Ladder</a>' in role
    assert 'aria-current="page" href="/diff"' not in role
    diff = client.get("/diff").text
    assert 'href="/diff" aria-current="page"' in diff  # the ladder's own links


# --- in a browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over a database with one learner (a long name) who has finished an assessment."""
    database = tmp_path_factory.mktemp("design") / "pmpath.db"
    context = Pmpath(Settings(database_url=f"sqlite:///{database}"))
    user = context.accounts.sign_up("dee@example.org", "Deirdre Designer-Longname", PASSWORD)
    competencies = context.framework.competencies
    ratings = {c.id: Rating(c.id, 3, Confidence.MEDIUM, ()) for c in competencies}
    context.assessments.record(user.profile, SelfAssessment(ratings))
    with serve(context) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def signed_in(browser: Browser, live: str, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live}/login")
    page.fill("#email", "dee@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    return page


PAGES = [
    "/",
    "/ladder",
    "/roles/senior-product-manager",
    "/diff?start=associate-product-manager&goal=senior-product-manager",
    "/backgrounds",
    "/certifications",
    "/account",
    "/docs",
    "/report",
    "/no/such/page",
]


@needs_chromium
def test_the_signed_in_header_is_one_row_at_1366(browser: Browser, live: str) -> None:
    page = signed_in(browser, live, 1366)
    tops = page.eval_on_selector_all(
        "header.site .wide-nav > a, header.site .wide-nav > ul a, header.site .wide-nav summary",
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))",
    )
    assert len(tops) >= 8  # brand, seven sections, the account menu
    assert max(tops) - min(tops) <= 8, tops
    assert page.evaluate("document.querySelector('header.site').offsetHeight") < 70
    page.context.close()


@needs_chromium
@pytest.mark.parametrize("path", PAGES)
def test_nothing_scrolls_sideways_at_390(browser: Browser, live: str, path: str) -> None:
    page = signed_in(browser, live, 390)
    page.goto(live + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.querySelector('header').offsetHeight") < 70  # one row
    page.context.close()


@needs_chromium
@pytest.mark.parametrize("width", [768, 880, 1024])
def test_the_header_fits_tablets_in_one_row(browser: Browser, live: str, width: int) -> None:
    page = signed_in(browser, live, width)
    page.goto(f"{live}/roles/product-manager")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.querySelector('header.site').offsetHeight") < 70
    page.context.close()


@needs_chromium
def test_the_focus_ring_is_two_tone_in_the_dark_header(browser: Browser, live: str) -> None:
    page = signed_in(browser, live, 1366)
    page.goto(f"{live}/ladder")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand, in the dark header
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]; })()"
    )
    assert style[:3] == ["solid", "3px", "rgb(11, 12, 12)"]
    assert "rgb(255, 221, 0)" in style[3]
    page.context.close()


@needs_chromium
def test_the_report_prints_from_its_button_and_prints_without_it(
    browser: Browser, live: str
) -> None:
    page = signed_in(browser, live, 1366)
    page.add_init_script("window.print = () => { window.printed = true; };")
    page.goto(f"{live}/report")
    page.get_by_role("button", name="Print", exact=True).click()
    assert page.evaluate("window.printed === true")
    page.emulate_media(media="print")
    assert not page.locator(".site-bar").is_visible()
    page.context.close()
