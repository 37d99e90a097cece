"""Article URL shapes learnt from listings, and the section of a sitemap-only article."""

from __future__ import annotations

from portal_spider.article_urls import ArticleShapes, FolderIndex, section_of, url_shape

BASE = "https://phuong.gov.vn"


def test_slugs_of_any_length_share_a_shape() -> None:
    assert url_shape(f"{BASE}/chinh-tri/hop-ban-12.html") == (2, "a-9.html", ())
    assert url_shape(f"{BASE}/kinh-te/ra-soat-ho-ngheo-nam-2024-3401.html") == url_shape(
        f"{BASE}/chinh-tri/hop-ban-12.html"
    )


def test_sections_and_static_pages_do_not_look_like_articles() -> None:
    shapes = ArticleShapes(
        [f"{BASE}/chinh-tri/hop-ban-12.html", f"{BASE}/kinh-te/chuyen-doi-so-4401.html"]
    )
    assert shapes.matches(f"{BASE}/nong-thon-moi/xay-dung-cau-moi-9001.html")
    assert not shapes.matches(f"{BASE}/chinh-tri/")
    assert not shapes.matches(f"{BASE}/gioi-thieu.html")
    assert not shapes.matches(f"{BASE}/van-ban/")


def test_query_keys_are_part_of_the_shape() -> None:
    shapes = ArticleShapes([f"{BASE}/tin-tuc/chi-tiet.aspx?id=101&cat=3"])
    assert shapes.matches(f"{BASE}/tin-tuc/chi-tiet.aspx?cat=9&id=5531")
    assert not shapes.matches(f"{BASE}/tin-tuc/chi-tiet.aspx?page=2")


def test_nothing_learnt_lets_extraction_decide() -> None:
    assert ArticleShapes().matches(f"{BASE}/anything")
    assert len(ArticleShapes()) == 0


def test_section_by_path_prefix_then_by_folder() -> None:
    paths = {"Chính trị": "/chinh-tri/", "Tin mới": "/tin-moi.html"}
    folders = FolderIndex()
    folders.add("Chính trị", [f"{BASE}/chinh-tri/a-1.html"])
    folders.add("Tin mới", [f"{BASE}/bai-viet/b-2.html", f"{BASE}/bai-viet/c-3.html"])
    folders.add("Chính trị", [f"{BASE}/bai-viet/d-9.html"])
    assert section_of(f"{BASE}/chinh-tri/moi-99.html", paths, folders) == "Chính trị"
    assert section_of(f"{BASE}/bai-viet/d-4.html", paths, folders) == "Tin mới"  # 2 against 1
    assert section_of(f"{BASE}/khac/e-5.html", paths, folders) is None
