"""The "Đã sửa / Đã gỡ" page and the version diff in headless Chromium, at 1280 and 390 px.

A reader opens the changes page, follows an edit to its diff, picks two versions with the
picker; at phone width nothing scrolls sideways. Screenshots land in
test-artifacts/screenshots/ (named after the test and width).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.changes import week_of

from .browser_support import RecordedPage
from .conftest import served_archive

WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    db = tmp_path_factory.mktemp("browser-changes") / "demo.db"
    shutil.copy(demo_archive, db)
    with served_archive(db) as base:
        yield {"base": base, "db": db}


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(browser, request: pytest.FixtureRequest) -> Iterator[RecordedPage]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    recorded = RecordedPage(context.new_page())
    try:
        yield recorded
        assert recorded.foreign_requests() == [], "requests left 127.0.0.1"
        assert recorded.errors == [], recorded.errors
    finally:
        recorded.screenshot(request.node.name.replace("[", "-").replace("]", ""))
        context.close()


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _no_sideways_scroll(page: RecordedPage) -> None:
    width = page.page.viewport_size["width"]  # type: ignore[index]
    scroll = page.page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"page is {scroll} px wide in a {width} px window"


def test_changes_page_to_diff(site: dict, page: RecordedPage) -> None:
    events = _rows(
        site["db"],
        "select article_id, change_kind from article_versions where change_kind in "
        "('edit', 'removal') order by fetched_at desc, article_id desc",
    )
    week = week_of(_rows(site["db"], "select max(fetched_at) from article_versions")[0][0])
    p = page.page
    p.goto(f"{site['base']}/-/changes?week={week.key}")
    assert p.get_attribute("html", "lang") == "vi"
    assert p.inner_text("h1") == "Đã sửa / Đã gỡ"
    items = p.locator("li.changes-item")
    assert items.count() == len(events)
    kinds = [items.nth(i).locator(".changes-kind").inner_text() for i in range(items.count())]
    words = {"edit": "Đã sửa", "removal": "Đã gỡ"}
    assert kinds == [words[kind] for _, kind in events]
    assert p.locator("#changes-counts").inner_text().startswith("3 bài đã sửa · 3 bài đã gỡ")
    _no_sideways_scroll(page)
    page.screenshot(f"changes-page-{p.viewport_size['width']}")  # type: ignore[index]

    p.locator("li.changes-item[data-kind='edit'] a.changes-title").first.click()
    p.wait_for_selector("#changes-comparison")
    assert p.url.startswith(f"{site['base']}/-/changes/diff?")
    assert p.locator("#diff-body del").count() >= 1
    assert p.locator("#diff-body ins").count() >= 1
    deleted = p.locator("#diff-body del").first
    assert deleted.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    assert p.locator("a#as-it-was-b").get_attribute("href").startswith("/-/web/")
    _no_sideways_scroll(page)


def test_version_picker(site: dict, page: RecordedPage) -> None:
    (url,) = _rows(
        site["db"],
        "select a.url from articles as a join article_versions as v on v.article_id = a.id "
        "where v.change_kind = 'edit' order by a.id limit 1",
    )[0]
    p = page.page
    p.goto(f"{site['base']}/-/changes/diff")
    p.fill("form#changes-picker input[name=url]", url)
    p.click("form#changes-picker button[type=submit]")
    p.wait_for_selector("#changes-comparison")
    assert p.get_attribute("#changes-comparison", "data-a") == "1"
    assert p.get_attribute("#changes-comparison", "data-b") == "2"
    # Reverse the comparison with the picker.
    p.select_option("#pick-a", "2")
    p.select_option("#pick-b", "1")
    p.click("form#changes-picker button[type=submit]")
    p.wait_for_selector("#changes-comparison[data-a='2']")
    assert "a=2" in p.url and "b=1" in p.url
    assert p.locator("#changes-versions tr[data-version]").count() == 2
    _no_sideways_scroll(page)
    page.screenshot(f"changes-diff-{p.viewport_size['width']}")  # type: ignore[index]
