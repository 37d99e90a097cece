"""Permanent links in headless Chromium at 1280 and 390 px: a reader follows a version's
dated link, copies the "Trích dẫn" box, looks an article up by a pasted portal URL and opens
an old /demo/... link. Screenshots: tests/artifacts/."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import permalinks

from .browser_support import RecordedPage
from .conftest import served_archive

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WIDTHS = [1280, 390]


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("browser-permalinks")
    db = folder / "demo.db"
    shutil.copy(demo_archive, db)
    with served_archive(db) as base:
        yield {"base": base, "db": db}


def rows(db: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def open_page(browser, site: dict, width: int) -> RecordedPage:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site["base"])
    return RecordedPage(context.new_page())


def shoot(recorded: RecordedPage, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    recorded.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def assert_fits(recorded: RecordedPage, selector: str, width: int) -> None:
    """The element stays within the viewport's width (no sideways scrolling to read it)."""
    box = recorded.page.locator(selector).first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n+", text) if p.strip()]


@pytest.mark.parametrize("width", WIDTHS)
def test_dated_version_link_and_cite_box(browser, site: dict, width: int) -> None:  # type: ignore[no-untyped-def]
    [edited] = rows(
        site["db"],
        "select a.id, a.url, a.title from articles a join article_versions v "
        "on v.article_id = a.id where v.version = 2 and v.tombstone = 0 order by a.id limit 1",
    )
    first, second = rows(
        site["db"],
        "select fetched_at, body_text from article_versions where article_id = ? order by version",
        edited["id"],
    )
    recorded = open_page(browser, site, width)
    p = recorded.page
    try:
        p.goto(site["base"] + f"/archive/articles/{edited['id']}")
        permalink = p.locator("a.archive-permalink")
        assert permalink.get_attribute("href") == permalinks.permalink(edited["url"])
        p.locator("#versions a.archive-version-link", has_text="1").click()
        stamp = permalinks.version_stamps([first["fetched_at"], second["fetched_at"]])[0]
        p.wait_for_url(site["base"] + permalinks.permalink(edited["url"], stamp))
        assert edited["title"] in p.inner_text("h1")
        assert "phiên bản 1" in p.inner_text("#dated")
        shown = [" ".join(t.split()) for t in p.locator(".archive-body p").all_inner_texts()]
        assert shown == paragraphs(first["body_text"]) != paragraphs(second["body_text"])
        cite = p.locator("#cite")
        cite.scroll_into_view_if_needed()
        assert cite.is_visible() and "Trích dẫn" in cite.locator("h2").inner_text()
        text = p.inner_text("#cite-text")
        assert f"Bản lưu: {site['base']}{permalinks.permalink(edited['url'], stamp)}" in text
        assert f"Địa chỉ gốc: {edited['url']}" in text and "sha256:" in text
        cite.locator("button.archive-copy").first.click()
        # The clipboard promise settles after the click returns: wait for the status line.
        p.wait_for_function(
            "document.querySelector('#cite .archive-copied').textContent !== ''", timeout=5000
        )
        assert p.locator("#cite .archive-copied").inner_text() == "Đã sao chép"
        assert p.evaluate("navigator.clipboard.readText()").strip() == text.strip()
        assert_fits(recorded, "#cite", width)
        assert_fits(recorded, "article.archive-article", width)
        shoot(recorded, f"test_dated_version_link_and_cite_box-{width}")
        # the latest-version link leads back to the undated permalink
        p.locator("#latest-link").click()
        p.wait_for_url(site["base"] + permalinks.permalink(edited["url"]))
        shown = [" ".join(t.split()) for t in p.locator(".archive-body p").all_inner_texts()]
        assert shown == paragraphs(second["body_text"])
        assert recorded.foreign_requests() == [] and recorded.errors == []
    finally:
        p.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_lookup_by_a_pasted_portal_url(browser, site: dict, width: int) -> None:  # type: ignore[no-untyped-def]
    [removed] = rows(
        site["db"], "select id, url, title from articles where removed_at is not null limit 1"
    )
    pasted = removed["url"].replace("http://", "https://www.") + "?utm_source=zalo#top"
    recorded = open_page(browser, site, width)
    p = recorded.page
    try:
        p.goto(site["base"] + "/-/web")
        p.fill("#web-url", pasted)
        p.press("#web-url", "Enter")
        p.wait_for_selector("#web-found")
        assert p.locator("#web-permalink").inner_text() == removed["title"]
        assert "Đã gỡ khỏi cổng" in p.inner_text("#web-removed")
        assert p.locator("#web-versions tbody tr").count() == 2
        assert p.locator("#web-captures a").count() >= 2
        assert_fits(recorded, "#web-found h2", width)
        shoot(recorded, f"test_lookup_by_a_pasted_portal_url-{width}")
        p.click("#web-permalink")
        p.wait_for_url(site["base"] + permalinks.permalink(removed["url"]))
        assert p.locator(".archive-removed").is_visible()
        assert p.locator(".archive-body p").count() >= 1  # the last archived text
        # an unknown URL: a Vietnamese answer offering a search for its words
        p.goto(site["base"] + "/-/web")
        p.fill("#web-url", "https://example.gov.vn/tin-tuc/le-hoi-van-hoa-2026.html")
        p.press("#web-url", "Enter")
        p.wait_for_selector("#web-not-found")
        assert "Chưa lưu trữ địa chỉ này" in p.inner_text("#web-not-found")
        assert "q=tin+tuc+le+hoi+van+hoa" in (p.get_attribute("#web-search", "href") or "")
        assert recorded.foreign_requests() == [] and recorded.errors == []
    finally:
        p.context.close()


def test_old_database_link_opens_the_same_page(browser, site: dict) -> None:  # type: ignore[no-untyped-def]
    [article] = rows(site["db"], "select id, title from articles order by id limit 1")
    recorded = open_page(browser, site, 1280)
    p = recorded.page
    try:
        response = p.goto(site["base"] + f"/demo/articles/{article['id']}")
        assert response is not None and response.status == 200
        assert p.url == site["base"] + f"/archive/articles/{article['id']}"
        assert article["title"] in p.inner_text("h1")
    finally:
        p.context.close()
