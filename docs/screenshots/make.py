"""Regenerate the screenshots of README.md and docs/site.md from a fresh `make demo`.

    .venv/bin/python docs/screenshots/make.py [--out docs/screenshots]

Runs `portal-archive demo` (three crawl days of the demo portal, a snapshot, the site) into
a temporary folder, opens the addresses it prints in headless Chromium (Debian's, driven by
Playwright, as the browser tests do: tests/browser_support.py) and saves:

- search.png: the results page for "UBND" (count, page links, facets), 1280 px;
- search-390.png: the same on a 390 px phone (results first, help folded);
- permalink-article.png: version 1 of an edited article at its dated permanent link;
- permalink-cite.png: that page's "Trích dẫn" (cite) box;
- diff.png: the diff between the two versions of an edited article;
- changes.png: the "Đã sửa / Đã gỡ" page of the week.

Each image is the top of the page (or the element), 900 px tall at most. Text in full colour
makes a 250 KB PNG, so each file goes through pngquant when it is installed (`make
screenshots` installs Debian's): a 256-colour palette, 60-110 KB, text as sharp.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.browser_support import chromium  # noqa: E402

SHOT_HEIGHT = 900
ADDRESS = re.compile(r"^([^:]+):\s+(http://\S+)$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_demo(folder: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`portal-archive demo` in ``folder``; the addresses it prints, once the site is up."""
    demo = subprocess.Popen(
        [sys.executable, "-m", "portal_spider", "demo", "--port", str(free_port()),
         "--db", str(folder / "demo.db")],
        stdout=subprocess.PIPE, stderr=(folder / "demo.log").open("w"), text=True,
    )  # fmt: skip
    assert demo.stdout is not None
    addresses: dict[str, str] = {}
    for line in demo.stdout:
        match = ADDRESS.match(line.strip())
        if match:
            addresses[match.group(1)] = match.group(2)
        if line.startswith("Press Ctrl-C"):
            break
    else:
        raise SystemExit(f"the demo stopped: see {folder / 'demo.log'}")
    wait_for(addresses["Archive"] + "-/versions.json")
    return demo, addresses


def wait_for(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def page_at(browser: Browser, width: int) -> Page:
    # a reader in Vietnam: language and time zone (date fields follow the browser build)
    context = browser.new_context(
        viewport={"width": width, "height": SHOT_HEIGHT},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    return context.new_page()


def shoot(page: Page, path: Path, selector: str | None = None) -> None:
    """The viewport (the top of the page, as first seen), or one element of it."""
    if selector:
        page.locator(selector).scroll_into_view_if_needed()
        page.locator(selector).screenshot(path=str(path))
    else:
        page.screenshot(path=str(path))
    before = path.stat().st_size
    if shutil.which("pngquant"):
        subprocess.run(
            ["pngquant", "--force", "--skip-if-larger", "--strip", "--speed", "1",
             "--output", str(path), "256", str(path)],
            check=False,
        )  # fmt: skip
    print(f"{path.name}: {before // 1024} KB -> {path.stat().st_size // 1024} KB")


def make(out: Path, addresses: dict[str, str], browser: Browser) -> None:
    page = page_at(browser, 1280)
    page.goto(addresses["Search"])
    shoot(page, out / "search.png")
    phone = page_at(browser, 390)
    phone.goto(addresses["Search"])
    shoot(phone, out / "search-390.png")
    phone.context.close()

    page.goto(addresses["Edited diff"])
    shoot(page, out / "diff.png")
    page.locator("a#as-it-was-a").click()  # the article as it was: version 1, dated link
    page.wait_for_selector("#dated")
    shoot(page, out / "permalink-article.png")
    shoot(page, out / "permalink-cite.png", "#cite")

    page.goto(addresses["Edited/removed"])
    shoot(page, out / "changes.png")
    page.context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    out = parser.parse_args().out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as folder:
        demo, addresses = start_demo(Path(folder))
        try:
            with chromium() as browser:
                make(out, addresses, browser)
        finally:
            demo.send_signal(signal.SIGINT)  # what Ctrl-C sends: the demo stops its children
            demo.wait(timeout=30)


if __name__ == "__main__":
    main()
