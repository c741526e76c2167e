"""An author imports a GIFT file, at 390 px and 1366 px: the form, the preview with its
warnings, the commit; what the page says after the commit agrees with the preview."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import needs_chromium
from tests.web.journeys.checks import Journey
from tests.web.journeys.conftest import AUTHOR, Site, nav, sign_in, width_of

pytestmark = needs_chromium

#: Four questions and six warnings: lower-case {true} read as a short answer, text before the
#: first answer read as a wrong answer, and four questions without general feedback.
GIFT = """// A small team quiz, with things a GIFT reader warns about.
::sprint-goal:: Which Scrum artifact's commitment is the Sprint Goal?
{=Sprint Backlog#Right: the Sprint Goal is the Sprint Backlog's commitment.
~Product Backlog#No: its commitment is the Product Goal.
~Increment#No: its commitment is the Definition of Done.}

::daily:: The Daily Scrum is timeboxed to 15 minutes. {TRUE}

::review:: Who attends the Sprint Review? {true}

::retro:: Which event closes the Sprint? {Stray ~Sprint Planning =Sprint Retrospective ~Daily Scrum}
"""


def test_an_author_imports_a_gift_file(page: Page, site: Site, tmp_path: Path) -> None:
    width = width_of(page)
    quiz = tmp_path / "team-quiz.gift"
    quiz.write_text(GIFT, encoding="utf-8")
    name = f"Team quiz {'phone' if width < 768 else 'desktop'}"
    # What the bank's id would be: a page showing it instead of the name shows an id.
    known = site.known_ids | {name.lower().replace(" ", "-")}
    # The names the author gave the questions in the file are the author's words: the report
    # names a question by them so it can be found in the file.
    authored = site.prose | {"sprint-goal"}
    with Journey(page, "import", width, known, authored) as j:
        sign_in(page, site.base, AUTHOR)
        nav(j, "Banks", "/author/banks")
        j.visit("banks")
        page.get_by_role("link", name=re.compile("import", re.I)).first.click()
        page.wait_for_load_state("load")
        j.visit("import-form")
        page.get_by_label("File", exact=True).set_input_files(str(quiz))
        page.get_by_label(re.compile("bank name", re.I)).fill(name)
        page.get_by_role("button", name=re.compile("preview", re.I)).click()
        page.wait_for_load_state("load")
        main = page.locator("main")
        expect(main).to_contain_text(re.compile(r"\b4 questions\b"))
        preview = main.inner_text()
        warned = re.search(r"(\d+) warnings?", preview)
        assert warned, f"the preview does not count its warnings:\n{preview}"
        warnings = int(warned.group(1))
        j.check(warnings == 6, "import-preview", f"{warnings} warnings previewed, not 6")
        j.visit("import-preview")
        page.get_by_role("button", name=re.compile("import these", re.I)).click()
        page.wait_for_load_state("load")
        j.visit("import-done")
        done = page.locator("main").inner_text()
        j.check(
            re.search(r"\b4 (questions|items)\b", done) is not None,
            "import-done",
            "the page after the import does not say the 4 questions went in",
        )
        said = [int(n) for n in re.findall(r"(\d+) warnings?", done)]
        j.check(
            warnings in said and all(n == warnings for n in said),
            "import-done",
            f"the preview counted {warnings} warnings, the page after the import says "
            f"{', '.join(map(str, said)) or 'none'}",
        )
        j.check(
            name in done,
            "import-done",
            f"the bank is not called by the name given ({name!r})",
        )
