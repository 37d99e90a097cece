"""The search results page in headless Chromium at 1280 px and 390 px: a reader types a
query in the header box, reads the count, follows a page link and a facet; on a phone the
results come before the facets and the help is folded. Screenshots: tests/artifacts/."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import vn_search

from .browser_support import RecordedPage
from .conftest import served_archive

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WORD = "ubnd"


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    db = tmp_path_factory.mktemp("browser-search") / "demo.db"
    shutil.copy(demo_archive, db)
    conn = sqlite3.connect(db)
    vn_search.register(conn)
    count = conn.execute(
        "SELECT count(*) FROM articles_search WHERE articles_search MATCH vn_fts_query(?)", [WORD]
    ).fetchone()[0]
    conn.close()
    with served_archive(db) as base:
        yield {"base": base, "count": count}


def open_page(browser, width: int) -> RecordedPage:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900})
    return RecordedPage(context.new_page())


def shoot(recorded: RecordedPage, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    recorded.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


@pytest.mark.parametrize("width", [1280, 390])
def test_search_from_the_header_box(browser, site: dict, width: int) -> None:  # type: ignore[no-untyped-def]
    recorded = open_page(browser, width)
    page = recorded.page
    try:
        page.goto(site["base"] + "/")
        box = page.locator("form[role=search] input[name=q]:visible").first
        box.fill(WORD)
        box.press("Enter")
        page.wait_for_url("**/-/search?q=*")
        assert page.title() == f"Tìm kiếm: {WORD} — {vn(site['count'])} kết quả"
        assert page.locator(".sr-count").get_attribute("data-count") == str(site["count"])
        assert page.locator("li.sr-result").count() == 50
        assert page.locator("li.sr-result mark").count() >= 50
        assert page.locator("html").get_attribute("lang") == "vi"
        shoot(recorded, f"search_results_{width}")
        # results first: the first result is above the facets on a phone, beside them wide
        first = page.locator("li.sr-result").first.bounding_box()
        facets = page.locator("aside.sr-facets").bounding_box()
        assert first is not None and facets is not None
        if width == 390:
            assert first["y"] < facets["y"]
            assert facets["x"] < 40  # below the results, full width
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        else:
            assert facets["x"] > first["x"] + 400 and facets["y"] < first["y"] + 200
        help_box = page.locator("details.sr-help")
        assert help_box.get_attribute("open") is None  # folded once there are results
        assert not page.locator("details.sr-help li").first.is_visible()
        # page 2, then a facet: both keep the query
        page.locator(".sr-pages a.sr-page", has_text="2").first.click()
        page.wait_for_url("**page=2*")
        assert page.locator(".sr-pages .sr-current").inner_text() == "2"
        assert page.locator("ol.sr-results").get_attribute("start") == "51"
        section = page.locator(".sr-facet[data-facet=section] li a").first
        name = section.inner_text()
        section.click()
        page.wait_for_url("**section=*")
        assert page.locator("#sr-q").input_value() == WORD
        assert page.locator(".sr-active a").first.inner_text().startswith(f"Chuyên mục: {name}")
        shown = int(page.locator(".sr-count").get_attribute("data-count"))
        assert 0 < shown < site["count"]
        shoot(recorded, f"search_facet_{width}")
        assert recorded.foreign_requests() == [] and recorded.errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_no_results_and_no_word_read_in_vietnamese(browser, site: dict, width: int) -> None:  # type: ignore[no-untyped-def]
    recorded = open_page(browser, width)
    page = recorded.page
    try:
        page.goto(site["base"] + "/-/search?q=Th%C3%A1nh+%E1%BB%A7y")
        assert "Không tìm thấy kết quả nào" in page.locator(".sr-count").inner_text()
        page.locator(".sr-alternatives a").first.click()
        page.wait_for_url("**q=Thanh+uy*")
        assert int(page.locator(".sr-count").get_attribute("data-count")) > 0
        response = page.goto(site["base"] + "/-/search?q=%F0%9F%98%80")
        assert response is not None and response.status == 400
        assert "không có từ nào để tìm" in page.locator(".sr-message").inner_text()
        shoot(recorded, f"search_no_word_{width}")
        response = page.goto(site["base"] + "/-/search?q=ubnd&page=1000000000000")
        assert response is not None and response.status == 400
        assert "quá lớn" in page.locator(".sr-message").inner_text()
        assert "datatype mismatch" not in page.content()
    finally:
        page.context.close()
