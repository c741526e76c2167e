"""Take the screenshots in the README and docs/web.md: the main pages of a seeded learner, at a
phone's width (390 x 844) and a laptop's (1366 x 900).

    .venv/bin/python docs/screenshots/take.py

Seeds a fresh SQLite database with the learner of benchmarks/page_times.py (a finished
self-assessment, two mock exams, practice with reviews due, a placement test, an exam in
progress), serves the app on a free local port, and drives Debian's chromium with Playwright.
Each page is saved as docs/screenshots/<name>-<width>.png, the top of the page as a visitor or
the learner sees it on arrival (not the whole scrolling page).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import page_times  # noqa: E402  (the seeding lives beside the benchmark that needs it too)
from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

from pmpath.app import Pmpath  # noqa: E402
from pmpath.settings import Settings  # noqa: E402
from pmpath.web.app import create_app  # noqa: E402

WIDTHS = {390: 844, 1366: 900}


def pages(ids: dict[str, int]) -> list[tuple[str, str]]:
    """(file name, path) of every page shown, in the order a learner meets them."""
    done, running = ids["done"], ids["running"]
    return [
        ("dashboard", "/"),
        ("ladder", "/ladder"),
        ("role", "/roles/senior-product-manager"),
        ("job-description", "/roles/senior-product-manager/job-description"),
        ("assessment", "/assess"),
        ("profile", "/profile"),
        ("exams", "/exams"),
        ("question", f"/attempts/{running}/q/4"),
        ("summary", f"/attempts/{running}/summary"),
        ("results", f"/attempts/{done}/results"),
        ("review", "/review"),
        ("placement-result", f"/placement/{ids['placement']}"),
    ]


def main() -> int:
    clock = page_times.Clock()
    with tempfile.TemporaryDirectory() as folder:
        ctx = Pmpath(Settings(database_url=f"sqlite:///{Path(folder) / 'shots.db'}"), clock=clock)
        with TestClient(create_app(pmpath=ctx)) as client:
            ids = page_times.seed(ctx, client, clock)
        with serve(ctx) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for width, height in WIDTHS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{base}/")
                page.screenshot(path=HERE / f"landing-{width}.png")
                page.goto(f"{base}/try")
                page.screenshot(path=HERE / f"try-{width}.png")
                page.goto(f"{base}/login")
                page.fill('input[name="email"]', page_times.EMAIL)
                page.fill('input[name="password"]', page_times.PASSWORD)
                page.locator('main button[type="submit"]').first.click()
                page.wait_for_load_state()
                for name, path in pages(ids):
                    page.goto(f"{base}{path}")
                    page.screenshot(path=HERE / f"{name}-{width}.png")
                page.close()
            browser.close()
    print(f"Screenshots written to {HERE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
