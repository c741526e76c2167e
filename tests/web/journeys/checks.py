"""The checks run on every page a journey reaches, and the screenshot saved of it.

A journey calls :meth:`Journey.visit` on each page. The checks collect problems instead of
stopping at the first, so one run lists everything wrong on the way; the test fails at the
end with the whole list (see :meth:`Journey.__exit__`). Each problem names the journey's
step, the check and the offending text or rule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import ConsoleMessage, Error, Page

from tests.browser import ARTIFACTS

SHOTS = ARTIFACTS / "journeys"

#: Program internals that must never reach a reader: Python reprs and dict/list literals.
REPR = re.compile(
    r"<built-in|<bound method|object at 0x[0-9a-f]+|\{'|\['|\bdict_(?:items|keys|values)\("
    r"|\bdatetime\.(?:datetime|date|timedelta)\(|\bDecimal\('"
)
#: "None" as Python prints it, not the English word: after a colon, equals sign, bracket or
#: comma, before a closing bracket or comma, or followed by a unit ("None%"). "None yet",
#: "None of these" and "(none chosen: all)" stay allowed.
NONE_WORD = re.compile(r"(?:[:=(\[,·]\s*)None\b|\bNone\s*[)\],%]|\bNone\s+(?:min|minutes|days?)\b")
#: A command line told to a web user ("run `pmpath assess` first", "use pmpath import").
COMMAND_LINE = re.compile(
    r"`pmpath\b|\b(?:[Rr]un|[Uu]se|[Tt]ype)\s+pmpath\b|\bpmpath\s+[a-z-]+\s+--[a-z]"
)
TEMPLATE_TAG = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
#: Lowercase words joined by hyphens (a kebab-case id has this shape; so do a few English words).
KEBAB = re.compile(r"(?<![\w/.@-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w/@-]|\.[a-z])")
#: An item id such as "agile-009": a word and a number.
ITEM_ID = re.compile(r"(?<![\w/.@-])[a-z]+-\d{2,}(?![\w/@-])")
#: Hyphenated English the pages may print, which the kebab-case check must let through. Keep
#: it small and explicit: an entry is a real word, never an id the content defines for a
#: thing it also names (those are what the check exists to catch).
ENGLISH = frozenset(
    {
        "self-assessment",
        "self-assessments",
        "self-rated",
        "multiple-choice",
        "multiple-response",
        "true-false",
        "short-answer",
        "colour-blind",
        "sign-in",
        "sign-up",
        "follow-up",
        "drag-and-drop",
        "long-term",
        "short-term",
        "cross-functional",
        "mid-career",
        "early-career",
        "go-to-market",
        "day-to-day",
        "end-to-end",
        "one-on-one",
        "up-to-date",
        "step-by-step",
        "trade-off",
        "trade-offs",
        "first-hand",
        "product-market",
        "well-known",
        "real-time",
        "time-boxed",
        "e-mail",
    }
)
#: The visible text of the page, with every collapsed <details> opened for the read (a
#: collapsed review must not hide a repr), and the page's title.
VISIBLE_TEXT = """() => {
  const closed = [...document.querySelectorAll('details:not([open])')];
  closed.forEach(d => d.setAttribute('open', ''));
  const text = document.title + '\\n' + document.body.innerText;
  closed.forEach(d => d.removeAttribute('open'));
  return text;
}"""
#: How far the page scrolls sideways, and the elements that stick out past the right edge
#: (the innermost ones: what to fix), for the report.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > width + 1)) continue;
    let hidden = false;  // inside a scroll container that keeps it from the page
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (/(auto|scroll|hidden|clip)/.test(style.overflowX)
          && p.getBoundingClientRect().right <= width + 1) { hidden = true; break; }
    }
    if (hidden) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string'
         ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    out.push(name + ' (' + Math.round(box.right) + ' px)');
    if (out.length >= 5) break;
  }
  return {scroll: document.documentElement.scrollWidth, width: width, out: out};
}"""


def snippet(text: str, start: int, end: int) -> str:
    """The match with a little context, on one line, for the report."""
    return " ".join(text[max(0, start - 30) : end + 30].split())


def text_problems(text: str, known_ids: Iterable[str] = (), prose: Iterable[str] = ()) -> list[str]:
    """What is wrong with a page's visible ``text``: reprs, template tags, ISO timestamps and
    kebab-case ids. ``known_ids``: the content's ids (which may have a single hyphen);
    ``prose``: hyphenated words the content's own sentences use ("jobs-to-be-done", "the
    individual-contributor track"): English, even where an id is spelt the same."""
    problems: list[str] = []
    for name, pattern in (
        ("Python repr", REPR),
        ("Python None", NONE_WORD),
        ("template tag", TEMPLATE_TAG),
        ("ISO timestamp", ISO_TIMESTAMP),
        ("command-line instruction", COMMAND_LINE),
    ):
        for match in pattern.finditer(text):
            problems.append(f"{name}: {match.group(0)!r} in “{snippet(text, *match.span())}”")
    known = set(known_ids)
    english = ENGLISH | set(prose)
    for match in KEBAB.finditer(text):
        word = match.group(0)
        if word in english:
            continue
        if word in known or (word.count("-") >= 2 or ITEM_ID.fullmatch(word)):
            problems.append(f"kebab-case id: {word!r} in “{snippet(text, *match.span())}”")
    # Each leak once per page: a table of twenty rows with the same id is one finding.
    return list(dict.fromkeys(problems))


@functools.cache
def _axe() -> Axe:
    """axe-core, read from its package once (the script is half a megabyte)."""
    return Axe()


def axe_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    results = _axe().run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        targets = ", ".join(
            " ".join(str(t) for t in node["target"]) for node in violation["nodes"][:3]
        )
        problems.append(
            f"axe {violation['impact']} {violation['id']} on {len(violation['nodes'])} "
            f"element(s): {targets}"
        )
    return problems


@dataclass
class Journey:
    """One journey at one width: the page it drives, and every problem found on the way."""

    page: Page
    name: str
    width: int
    known_ids: frozenset[str] = frozenset()
    prose: frozenset[str] = frozenset()
    #: axe-core runs in the page: off where the page's JavaScript is (it would never finish);
    #: the same pages with JavaScript on are checked by the other journeys.
    run_axe: bool = True
    problems: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    steps: int = 0
    #: Page templates already checked with axe in this journey (axe takes ~0.3 s a page; a
    #: wizard's steps, one per competency, are one template).
    axed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # This run's screenshots only: a step a page no longer reaches leaves no stale file.
        for old in (SHOTS / str(self.width)).glob(f"{self.name}-*.png"):
            old.unlink()
        self.page.on("console", self._console)
        self.page.on("pageerror", self._page_error)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console.append(f"{message.text} ({message.location.get('url', '')})")

    def _page_error(self, error: Error) -> None:
        self.console.append(f"uncaught: {error.message}")

    def visit(self, step: str, *, axe: str | None = None, status: int | None = None) -> None:
        """Check the page as it is now and save its screenshot as ``<width>/<journey>-NN-step``.

        ``axe``: the page's kind; axe runs once per kind (default: every step is its own kind).
        ``status``: an error status this page is meant to answer with (a 404 page), whose
        "Failed to load resource" line in the console is then expected.
        """
        page = self.page
        page.wait_for_load_state("load")
        self.steps += 1
        where = f"[{self.name} {self.width}px] {step} ({self.path()})"
        folder = SHOTS / str(self.width)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"{self.name}-{self.steps:02d}-{step}.png", full_page=True)
        found: list[str] = []
        geometry: dict[str, Any] = page.evaluate(OVERFLOW)
        if geometry["scroll"] > geometry["width"]:
            found.append(
                f"scrolls sideways: {geometry['scroll']} px wide in {geometry['width']} px; "
                f"sticking out: {', '.join(geometry['out']) or 'nothing measurable'}"
            )
        header = page.locator("header").first.bounding_box()
        if self.width < 768 and header is not None and header["height"] > 100:
            found.append(f"the header takes {header['height']:.0f} px (more than one row)")
        found += text_problems(page.evaluate(VISIBLE_TEXT), self.known_ids, self.prose)
        errors = self.console
        if status is not None:
            expected = f"the server responded with a status of {status}"
            errors = [e for e in errors if expected not in e]
        found += [f"console error: {e}" for e in errors]
        self.console = []
        kind = axe or step
        if self.run_axe and kind not in self.axed:
            self.axed.add(kind)
            found += axe_problems(page)
        self.problems += [f"{where}: {problem}" for problem in found]

    def path(self) -> str:
        url = self.page.url
        return re.sub(r"^https?://[^/]+", "", url) or "/"

    def fail(self, step: str, what: str) -> None:
        """A behaviour the issue asks for is missing: record it and go on with the journey."""
        self.problems.append(f"[{self.name} {self.width}px] {step} ({self.path()}): {what}")

    def check(self, ok: bool, step: str, what: str) -> bool:
        """Record ``what`` as a failure unless ``ok``; returns ``ok``."""
        if not ok:
            self.fail(step, what)
        return ok

    def __enter__(self) -> Journey:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Fail with every problem found; a step that could not go on is the last of them."""
        if error is not None:
            folder = SHOTS / str(self.width)
            folder.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=folder / f"{self.name}-stopped.png", full_page=True)
            first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            self.fail("stopped", f"the journey could not go on: {first}")
        if self.problems:
            listing = "\n".join(f"- {p}" for p in self.problems)
            raise AssertionError(
                f"{len(self.problems)} problem(s) on the {self.name} journey at "
                f"{self.width}px:\n{listing}"
            ) from error
