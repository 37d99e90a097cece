"""The archive as a journalist uses it: real Datasette, real headless Chromium.

A `portal-archive serve` child process publishes a real crawl of the demo portal (day 0 and
day 1, so there are edits and removals) plus a snapshot of it; Chromium types into the pages
as a reader would. Screenshots land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.vn_search import fold

from .browser_support import RecordedPage
from .conftest import served_archive

SEED_TITLE = "Thành ủy Trà Vinh tổ chức Hội nghị Ban Chấp hành Đảng bộ thành phố mở rộng"


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A served copy of the demo archive with one snapshot; yields its URLs and paths."""
    folder = tmp_path_factory.mktemp("browser-site")
    db = folder / "demo.db"
    shutil.copy(demo_archive, db)
    snapshots = folder / "snapshots"
    with served_archive(db, snapshots) as base:
        yield {"base": base, "db": db, "snapshots": snapshots}


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator[RecordedPage]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    recorded = RecordedPage(context.new_page())
    try:
        yield recorded
        assert recorded.foreign_requests() == [], "requests left 127.0.0.1"
        assert recorded.dialogs == [], "a dialog fired"
    finally:
        recorded.screenshot(request.node.name)
        context.close()


def _row(db: Path, sql: str, *params: object) -> tuple:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchone()
    finally:
        conn.close()


def test_search_box_finds_the_seed_article_with_a_highlighted_snippet(site, page) -> None:  # type: ignore[no-untyped-def]
    p = page.page
    p.goto(site["base"] + "/demo/articles")
    p.fill("input[name=_search]", "thanh uy tra vinh")
    p.press("input[name=_search]", "Enter")
    # A plain search from the box opens the search page: same matches, best first.
    p.wait_for_url("**/-/search?q=thanh+uy+tra+vinh**")  # the search results page
    seed = p.locator("li.sr-result", has_text=SEED_TITLE)
    assert seed.count() == 1
    marks = seed.locator("mark")
    assert marks.count() >= 2
    # Highlights are phrases of the query (adjacent syllables in order), not lone syllables.
    query = "thanh uy tra vinh"
    marked = {fold(m).lower() for m in marks.all_inner_texts()}
    assert all(len(m.split()) >= 2 and m in query for m in marked), marked


def test_article_page_reads_like_the_article(site, page) -> None:  # type: ignore[no-untyped-def]
    article_id, author, images, body = _row(
        site["db"], "select id, author, images, body_text from articles where title like ?",
        SEED_TITLE + "%",
    )  # fmt: skip
    caption = next(i["caption"] for i in json.loads(images) if i.get("caption"))
    p = page.page
    p.goto(site["base"] + "/demo/articles?_search=Th%C3%A0nh+u%E1%BB%B7+Tr%C3%A0+Vinh")
    # the table's box opens the search page, whose results link to the permanent link
    p.click(f"li.sr-result[data-id='{article_id}'] h2 a")
    p.wait_for_url("**/-/web/http**")
    text = p.inner_text("body")
    assert SEED_TITLE in p.inner_text("h1")
    assert author in text
    assert caption in text
    first_paragraph = body.split("\n")[0].strip()
    assert first_paragraph[:80] in text
    assert p.locator("figure .archive-image a").count() >= 1


def test_version_diff_of_an_edited_article(site, page) -> None:  # type: ignore[no-untyped-def]
    article_id, title = _row(
        site["db"],
        "select id, title from articles where version = 2 and removed_at is null order by id",
    )
    p = page.page
    p.goto(site["base"] + f"/demo/articles/{article_id}")
    assert title in p.inner_text("h1")
    assert p.locator("#versions tbody tr").count() == 2
    diff = p.locator(".word-diff").first
    diff.scroll_into_view_if_needed()
    removed, added = diff.locator("del"), diff.locator("ins")
    assert removed.count() >= 1 and added.count() >= 1
    assert removed.first.is_visible() and added.first.is_visible()
    # The diff is between the two stored bodies: the added words are in the current body.
    body = _row(site["db"], "select body_text from articles where id = ?", article_id)[0]
    assert added.first.inner_text().strip() in body


def test_dashboard_draws_charts_from_the_archive(site, page) -> None:  # type: ignore[no-untyped-def]
    p = page.page
    rows_by_query: list[int] = []

    def count_rows(response) -> None:  # type: ignore[no-untyped-def]
        if ".json?sql=" in response.url and response.ok:
            rows_by_query.append(len(response.json().get("rows", [])))

    p.on("response", count_rows)
    p.goto(site["base"] + "/-/dashboards/archive")
    chart = p.locator("#chart-visitors_total canvas, #chart-visitors_total svg").first
    chart.wait_for(state="visible", timeout=15_000)
    p.wait_for_load_state("networkidle")
    assert rows_by_query and max(rows_by_query) > 1, rows_by_query
    # Vega draws one SVG symbol per reading (points on the line).
    points = p.locator("#chart-visitors_total svg .mark-symbol path").count()
    assert points > 10, points
    assert p.locator("#chart-visitors_total svg .mark-line path").count() >= 1
    assert page.errors == []


def test_snapshot_download_matches_the_manifest(site, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    manifest = json.loads((site["snapshots"] / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["snapshots"][-1] if isinstance(manifest, dict) else manifest[-1]
    p = page.page
    p.goto(site["base"] + "/-/snapshots")
    link = p.locator('a[href^="/-/snapshots/"][download]').first
    with p.expect_download() as info:
        link.click()
    saved = tmp_path / "downloaded.db"
    info.value.save_as(saved)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == entry["sha256"]
    assert entry["sha256"] in p.inner_text("body")
    count = sqlite3.connect(saved).execute("select count(*) from articles").fetchone()[0]
    assert count == entry["articles"]
