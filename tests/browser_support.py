"""Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

No browser is downloaded (none can be here): Playwright's Python package only drives the
system Chromium through ``executable_path``. The flags keep Chromium from reaching for
Google's services (update checks, sync, field trials), which this machine's closed network
refuses, and make it run as root in a container. Every request the page makes is recorded,
so tests can assert that nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, sync_playwright

REPO = Path(__file__).resolve().parents[1]
#: Screenshots of every browser test, kept as test artefacts (CI uploads this folder).
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]


def chromium_path() -> str:
    """The system Chromium (``PORTAL_ARCHIVE_CHROMIUM`` overrides); `make test` installs it."""
    path = os.environ.get("PORTAL_ARCHIVE_CHROMIUM") or shutil.which("chromium")
    if not path:
        raise RuntimeError(
            "no chromium on PATH: run `make test` (it apt-installs Debian's chromium) "
            "or set PORTAL_ARCHIVE_CHROMIUM"
        )
    return path


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Browser, width: int, height: int = 900, **options: object) -> RecordedPage:
    """A fresh context (no cookies, no language switch carried over) of ``width`` px."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    return RecordedPage(context.new_page())


class RecordedPage:
    """A page plus every URL it requested and every dialog/console error it produced."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog) -> None:  # type: ignore[no-untyped-def]
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def foreign_requests(self) -> list[str]:
        """Requests to anything but the local test server (data: and blob: are local)."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).hostname not in ("127.0.0.1", "localhost")
        ]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        # The top of the page, as a reader first sees it (a whole results table can be tens
        # of thousands of pixels tall, more than Chromium will capture in one image).
        height = min(self.page.evaluate("document.documentElement.scrollHeight"), 2400)
        width = self.page.viewport_size["width"] if self.page.viewport_size else 1280
        self.page.set_viewport_size({"width": width, "height": max(height, 600)})
        self.page.screenshot(path=str(path))
        return path
