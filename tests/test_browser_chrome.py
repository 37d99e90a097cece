"""The journalist pages in headless Chromium at 1280 px and 390 px (a phone): our frame,
the search box in the header, no horizontal scrolling, help folded, the English switch, and
the dashboard's "Tất cả cổng" choice. Screenshots in tests/artifacts/ named after the test."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from .browser_support import REPO, RecordedPage
from .conftest import served_archive

ARTIFACTS = REPO / "tests" / "artifacts"
WIDTHS = [1280, 390]
#: Elements wider than the viewport, outside a container that scrolls on its own (a wide
#: table inside Datasette's .table-wrapper is allowed to scroll within itself).
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll'].includes(style.overflowX) && p !== document.documentElement &&
          p !== document.body) return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !scrolls(el)) {
      wide.push(el.tagName + '.' + el.className + ' ' + Math.round(box.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("browser-chrome")
    db = folder / "demo.db"
    shutil.copy(demo_archive, db)
    with served_archive(db, folder / "snapshots") as base:
        conn = sqlite3.connect(db)
        try:
            [edited] = conn.execute(
                "select a.url from articles a join article_versions v on v.article_id = a.id "
                "where v.change_kind = 'edit' order by a.id limit 1"
            ).fetchone()
        finally:
            conn.close()
        yield {"base": base, "edited": edited}


def open_page(browser, width: int) -> RecordedPage:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900})
    return RecordedPage(context.new_page())


def screenshot(page: RecordedPage, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = min(page.page.evaluate("document.documentElement.scrollHeight"), 2400)
    width = page.page.viewport_size["width"] if page.page.viewport_size else 1280
    page.page.set_viewport_size({"width": width, "height": max(height, 600)})
    page.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def journalist_paths(site: dict) -> dict[str, str]:
    edited = site["edited"]
    return {
        "home": "/",
        "search": "/-/search?q=" + quote("ủy ban"),
        "changes": "/-/changes",
        "diff": "/-/changes/diff?url=" + quote(edited, safe=""),
        "snapshots": "/-/snapshots",
        "article": "/-/web/" + edited,
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_journalist_pages_fit_the_screen(site: dict, browser, width: int) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, width)
    try:
        for name, path in journalist_paths(site).items():
            response = page.page.goto(site["base"] + path)
            assert response is not None and response.status == 200, (name, response)
            assert page.page.locator("html").get_attribute("lang") == "vi"
            search = page.page.locator("form[role=search] input[name=q]:visible").first
            assert search.is_visible(), name
            box = search.bounding_box()
            assert box is not None and box["x"] + box["width"] <= width, name
            overflow = page.page.evaluate(OVERFLOW_JS)
            assert overflow["scrollWidth"] <= overflow["width"], (name, width, overflow)
            assert overflow["wide"] == [], (name, width, overflow)
            screenshot(page, f"test_journalist_pages_fit_the_screen-{name}-{width}")
        assert page.foreign_requests() == [] and page.errors == []
    finally:
        page.page.context.close()


def test_home_on_a_phone_search_first_help_folded(site: dict, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, 390)
    try:
        page.page.goto(site["base"] + "/")
        home_search = page.page.locator("form.pa-home-search input[name=q]")
        latest = page.page.locator("ul.pa-latest li").first
        search_box = home_search.bounding_box()
        latest_box = latest.bounding_box()
        assert search_box and latest_box and search_box["y"] < latest_box["y"]
        assert search_box["y"] < 900  # visible without scrolling
        help_text = page.page.locator("details.pa-help p")
        assert not help_text.is_visible()  # folded until asked for
        page.page.locator("details.pa-help summary").click()
        assert help_text.is_visible()
        home_search.fill("ủy ban")
        home_search.press("Enter")
        page.page.wait_for_url("**/-/search?q=*")
        assert "q=%E1%BB%A7y+ban" in page.page.url
        screenshot(page, "test_home_on_a_phone_search_first_help_folded")
    finally:
        page.page.context.close()


def test_english_switch_sticks_across_pages(site: dict, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, 1280)
    try:
        page.page.goto(site["base"] + "/-/snapshots")
        assert page.page.locator("h1").inner_text() == "Bản chụp kho lưu trữ"
        page.page.locator("a.pa-lang").click()
        page.page.wait_for_load_state()
        assert page.page.url == site["base"] + "/-/snapshots"
        assert page.page.locator("html").get_attribute("lang") == "en"
        assert page.page.locator("h1").inner_text() == "Archive snapshots"
        page.page.locator("nav.pa-nav a", has_text="Home").click()
        page.page.wait_for_load_state()
        assert page.page.locator("html").get_attribute("lang") == "en"
        assert page.page.locator("form.pa-home-search button").inner_text() == "Search"
        screenshot(page, "test_english_switch_sticks_across_pages")
        page.page.locator("a.pa-lang").click()
        page.page.wait_for_load_state()
        assert page.page.locator("html").get_attribute("lang") == "vi"
    finally:
        page.page.context.close()


def test_dashboard_portal_menu_starts_with_all_portals(site: dict, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, 1280)
    try:
        page.page.goto(site["base"] + "/-/dashboards/archive")
        first = page.page.locator("select#portal option").first
        assert first.get_attribute("value") == "" and first.inner_text() == "Tất cả cổng"
        screenshot(page, "test_dashboard_portal_menu_starts_with_all_portals")
    finally:
        page.page.context.close()
